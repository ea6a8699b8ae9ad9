// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { OptionsApp } from '../../components/options/OptionsApp';
import { OPTIONS_STRINGS } from '../../components/options/strings';
import { db } from '../../core/db';
import type * as Messaging from '../../core/messaging';
import { CONNECTIONS_KEY, sendRequest } from '../../core/messaging';
import type { TicketPipeline } from '../../integrations/crm';
import type { Outcome } from '../../core/schema';
import { CURRENT_SETTINGS_VERSION, DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { SETTINGS_FILE_FORMAT } from '../../core/settings-file';
import { SETTINGS_KEY } from '../../core/settings-store';

vi.mock('../../core/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof Messaging>()),
  sendRequest: vi.fn(),
}));
const send = vi.mocked(sendRequest);
const en = OPTIONS_STRINGS.en;

const stored = async () => (await fakeBrowser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] as Settings | undefined;
const renderApp = async () => {
  render(<OptionsApp browserLanguages={['en-GB']} salesforceCallbackUrl="https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce" />);
  await screen.findByRole('heading', { level: 1, name: en.pageTitle });
};
const importFile = (text: string) =>
  fireEvent.change(screen.getByLabelText(en.import), { target: { files: [new File([text], 'settings.json', { type: 'application/json' })] } });

beforeEach(async () => {
  fakeBrowser.reset();
  send.mockReset();
  await db.outcomes.clear();
  vi.spyOn(fakeBrowser.permissions, 'getAll').mockResolvedValue({ origins: ['https://app.hubspot.com/*', 'https://crm.acme.example/*'], permissions: [] });
  vi.spyOn(fakeBrowser.permissions.onAdded, 'addListener').mockImplementation(() => undefined);
  vi.spyOn(fakeBrowser.permissions.onAdded, 'removeListener').mockImplementation(() => undefined);
  vi.spyOn(fakeBrowser.permissions.onRemoved, 'addListener').mockImplementation(() => undefined);
  vi.spyOn(fakeBrowser.permissions.onRemoved, 'removeListener').mockImplementation(() => undefined);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('options page', () => {
  it('saves an edit and says so', async () => {
    await renderApp();
    fireEvent.change(screen.getByLabelText(en.quietPeriod), { target: { value: '45' } });
    expect(screen.getByText(en.unsaved)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: en.save }));
    expect(await screen.findByText(en.saved)).toBeTruthy();
    expect((await stored())?.rules.quietPeriodDays).toBe(45);
  });

  it('chooses where HubSpot follow-ups live from the portal’s pipelines once HubSpot is connected', async () => {
    const pipelines: TicketPipeline[] = [
      { id: '0', label: 'Support pipeline', stages: [{ id: '1', label: 'New', closed: false }, { id: '4', label: 'Closed', closed: true }] },
      {
        id: '811',
        label: 'Customer loyalty',
        stages: [
          { id: '901', label: 'Call back', closed: false },
          { id: '902', label: 'Waiting on customer', closed: false },
          { id: '903', label: 'Loop closed', closed: true },
        ],
      },
    ];
    send.mockImplementation(async (request) => (request.type === 'metadata.ticketPipelines' ? { ok: true, value: pipelines } : { ok: false, error: { kind: 'network', message: 'offline' } }));
    await fakeBrowser.storage.local.set({
      [CONNECTIONS_KEY]: { hubspot: { crm: 'hubspot', instance: '40001', name: 'HubSpot portal 40001', user: null, missingScopes: [], usage: null, connectedAt: 1 } },
    });
    await renderApp();
    const pipeline = (await screen.findByLabelText(en.hsPipelinePick)) as HTMLSelectElement;
    expect([...pipeline.options].map((o) => o.text)).toEqual([en.hsEveryPipeline('Support pipeline'), 'Support pipeline', 'Customer loyalty']);
    fireEvent.change(pipeline, { target: { value: '811' } });
    const stage = screen.getByLabelText(en.hsStagePick) as HTMLSelectElement;
    expect([...stage.options].map((o) => o.text)).toEqual([en.hsFirstOpenStage, 'Call back', 'Waiting on customer']);
    fireEvent.change(stage, { target: { value: '902' } });
    fireEvent.change(screen.getByLabelText(en.hsClosedStagePick), { target: { value: '903' } });
    fireEvent.click(screen.getByRole('button', { name: en.save }));
    expect(await screen.findByText(en.saved)).toBeTruthy();
    expect((await stored())?.hubspot).toMatchObject({ followUpPipelineId: '811', followUpStageId: '902', closedStageId: '903' });
  });

  it('types HubSpot pipeline ids by hand until HubSpot is connected', async () => {
    await renderApp();
    expect(screen.getByLabelText(en.hsPipeline).tagName).toBe('INPUT');
    expect(screen.getByText(en.hsPipelinesNotConnected)).toBeTruthy();
    expect(send).not.toHaveBeenCalledWith({ type: 'metadata.ticketPipelines' });
  });

  it('says why HubSpot’s pipelines could not be read, and keeps the ids typeable', async () => {
    send.mockResolvedValue({ ok: false, error: { kind: 'rate-limit', message: 'HubSpot asked to slow down.' } });
    await fakeBrowser.storage.local.set({
      [CONNECTIONS_KEY]: { hubspot: { crm: 'hubspot', instance: '40001', name: 'HubSpot portal 40001', user: null, missingScopes: [], usage: null, connectedAt: 1 } },
    });
    await renderApp();
    expect(await screen.findByText(en.hsPipelinesFailed('HubSpot asked to slow down.'))).toBeTruthy();
    expect(screen.getByLabelText(en.hsPipeline).tagName).toBe('INPUT');
  });

  it('refuses incoherent rules with the reason and writes nothing', async () => {
    await renderApp();
    fireEvent.change(screen.getByLabelText(en.urgentMax), { target: { value: '8' } });
    fireEvent.click(screen.getByRole('button', { name: en.save }));
    expect((await screen.findByText(/^Not saved:/)).textContent).toContain('rules.urgentMaxScore');
    expect(await stored()).toBeUndefined();
  });

  it('shows a notice, not a crash, when stored settings are broken', async () => {
    await fakeBrowser.storage.local.set({ [SETTINGS_KEY]: { version: 2, rules: 'oops' } });
    await renderApp();
    expect(screen.getByText(/Your saved settings could not be used and the defaults apply/)).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>(en.retentionDays).value).toBe('30');
  });

  it('shows values set by the administrator locked, and keeps the user’s own value underneath', async () => {
    await fakeBrowser.storage.managed.set({ retentionDays: 7, language: 'en' });
    await renderApp();
    const retention = screen.getByLabelText<HTMLInputElement>(en.retentionDays);
    expect(retention.value).toBe('7');
    expect(retention.disabled).toBe(true);
    expect(retention.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(retention.getAttribute('aria-describedby')!)?.textContent).toContain(en.lockedNote);
    expect(screen.getByLabelText<HTMLSelectElement>(en.language).disabled).toBe(true);
    expect(screen.getByLabelText<HTMLInputElement>(en.quietPeriod).disabled).toBe(false);
    const policy = screen.getByRole('region', { name: en.rollout });
    // Each locked value by its label and in words, never by its policy key.
    const locked = [...policy.querySelectorAll('.details > div')].map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent]);
    expect(locked).toEqual([
      ['🔒 Language', 'English'],
      ['🔒 Days cached survey data is kept', '7'],
    ]);
    expect(policy.textContent).not.toMatch(/retentionDays|"en"/);

    fireEvent.change(screen.getByLabelText(en.quietPeriod), { target: { value: '10' } });
    fireEvent.click(screen.getByRole('button', { name: en.save }));
    await screen.findByText(en.saved);
    expect((await stored())?.privacy.retentionDays).toBe(DEFAULT_SETTINGS.privacy.retentionDays);
    expect((await stored())?.rules.quietPeriodDays).toBe(10);
  });

  it('refuses a newer settings file with the reason and changes nothing', async () => {
    await renderApp();
    importFile(JSON.stringify({ format: SETTINGS_FILE_FORMAT, exportedAt: '2030-01-01T00:00:00Z', settings: { ...DEFAULT_SETTINGS, version: CURRENT_SETTINGS_VERSION + 1 } }));
    const refusal = await screen.findByText(/^Nothing was changed:/);
    expect(refusal.textContent).toContain('newer than this Loyalty Lens understands');
    expect(await stored()).toBeUndefined();
  });

  it('imports an older file whole, upgraded', async () => {
    await renderApp();
    const v1 = { ...structuredClone(DEFAULT_SETTINGS), version: 1, language: 'en', ui: undefined, privacy: { retentionDays: 12 } };
    importFile(JSON.stringify({ format: SETTINGS_FILE_FORMAT, exportedAt: '2026-01-01T00:00:00Z', settings: v1 }));
    expect(await screen.findByText(en.imported(1))).toBeTruthy();
    expect((await stored())?.privacy.retentionDays).toBe(12);
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>(en.retentionDays).value).toBe('12'));
  });

  it('asks about queued outcomes before wiping, with the count', async () => {
    const base = { state: 'pending', crm: 'hubspot' } as Partial<Outcome>;
    await db.outcomes.bulkAdd([
      { ...base, idempotencyKey: 'aaaaaaaaaaaaaaaa1' } as Outcome,
      { ...base, idempotencyKey: 'aaaaaaaaaaaaaaaa2', state: 'in-flight' } as Outcome,
      { ...base, idempotencyKey: 'aaaaaaaaaaaaaaaa3', state: 'done' } as Outcome,
    ]);
    send.mockResolvedValue({ ok: true, value: { keptQueued: 2, discardedQueued: 0 } });
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: en.wipe }));
    expect(await screen.findByText(en.wipeQueued(2))).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: en.keepQueued }));
    expect(send).toHaveBeenCalledWith({ type: 'data.wipe', queued: 'keep' });
    expect(await screen.findByText(en.wiped(2, 0))).toBeTruthy();
  });

  it('lists granted sites and lets the admin revoke only the ones they added', async () => {
    const remove = vi.spyOn(fakeBrowser.permissions, 'remove').mockResolvedValue(true);
    await renderApp();
    const access = screen.getByRole('region', { name: en.siteAccess });
    await within(access).findByText('https://crm.acme.example/*');
    expect(within(access).getAllByRole('button', { name: /^Revoke/ })).toHaveLength(1);
    fireEvent.click(within(access).getByRole('button', { name: `${en.revoke} https://crm.acme.example/*` }));
    expect(remove).toHaveBeenCalledWith({ origins: ['https://crm.acme.example/*'] });
  });

  it('asks the browser for a CRM host the admin names, and for no other host', async () => {
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(true);
    await renderApp();
    const access = screen.getByRole('region', { name: en.siteAccess });
    const field = within(access).getByLabelText(en.customDomain);
    fireEvent.change(field, { target: { value: 'crm.acme.example' } });
    fireEvent.click(within(access).getByRole('button', { name: en.allow }));
    expect(await within(access).findByText(en.badHost('crm.acme.example'))).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
    fireEvent.change(field, { target: { value: 'https://acme--uat.sandbox.my.salesforce.com/lightning' } });
    fireEvent.click(within(access).getByRole('button', { name: en.allow }));
    expect(request).toHaveBeenCalledWith({ origins: ['https://acme--uat.sandbox.my.salesforce.com/*'] });
  });

  it('refuses a settings file naming a login host that is not Salesforce’s, names the host and changes nothing', async () => {
    await renderApp();
    const hostile = { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, loginHost: 'login.evil.example', consumerKey: '3MVG9stolen' } };
    importFile(JSON.stringify({ format: SETTINGS_FILE_FORMAT, exportedAt: '2026-11-22T10:00:00.000Z', settings: hostile }));
    expect(await screen.findByText(/Nothing was changed: .*"login\.evil\.example" is not a Salesforce login host/)).toBeTruthy();
    expect(await stored()).toBeUndefined();
    expect(send).not.toHaveBeenCalled();
  });

  it('speaks Russian when the settings say so', async () => {
    await fakeBrowser.storage.local.set({ [SETTINGS_KEY]: { ...DEFAULT_SETTINGS, ui: { language: 'ru', callModeDefault: false } } });
    render(<OptionsApp browserLanguages={['en-GB']} salesforceCallbackUrl="https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce" />);
    expect(await screen.findByRole('heading', { level: 1, name: OPTIONS_STRINGS.ru.pageTitle })).toBeTruthy();
    await waitFor(() => expect(document.documentElement.lang).toBe('ru'));
  });
});
