// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  ConnectionsSection,
  HUBSPOT_CUSTOM_OBJECT_SCOPES,
  HUBSPOT_SCOPES,
  HubSpotConnection,
  SalesforceConnection,
} from '../../components/options/Connections';
import { OPTIONS_STRINGS, StringsProvider } from '../../components/options/strings';
import type * as Messaging from '../../core/messaging';
import { CONNECTIONS_KEY, sendRequest, type Reply } from '../../core/messaging';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import type { ConnectionInfo } from '../../integrations/crm';

vi.mock('../../core/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof Messaging>()),
  sendRequest: vi.fn(),
}));
const send = vi.mocked(sendRequest);
const en = OPTIONS_STRINGS.en;
const dateTime = (ms: number) => new Date(ms).toISOString();

const renderEn = (ui: ReactElement) => render(<StringsProvider value={en}>{ui}</StringsProvider>);
const fail = (kind: string, message: string): Reply<never> => ({ ok: false, error: { kind, message } });

const portal: ConnectionInfo = { crm: 'hubspot', instance: '12345', name: 'Acme Portal', user: null, missingScopes: [], usage: null };
const org: ConnectionInfo = {
  crm: 'salesforce',
  instance: 'acme.my.salesforce.com',
  name: 'Acme Inc',
  user: 'admin@acme.example',
  missingScopes: [],
  usage: { kind: 'usedLast24h', used: 1200, limit: 15000 },
};

beforeEach(() => {
  fakeBrowser.reset();
  send.mockReset();
});
afterEach(cleanup);

function typeToken(token: string) {
  fireEvent.change(screen.getByLabelText(en.hubspotToken), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: en.connect }));
}

describe('HubSpot connection', () => {
  it('keeps the token in a password field and forgets it once sent', async () => {
    send.mockResolvedValue({ ok: true, value: portal });
    renderEn(<HubSpotConnection info={undefined} queued={0} dateTime={dateTime} />);
    const field = screen.getByLabelText<HTMLInputElement>(en.hubspotToken);
    expect(field.type).toBe('password');
    typeToken('pat-na1-11111111-2222');
    expect(send).toHaveBeenCalledWith({ type: 'hubspot.connect', token: 'pat-na1-11111111-2222' });
    expect(field.value).toBe('');
    expect(await screen.findByText(en.verdictOk)).toBeTruthy();
    expect(screen.getByText('Connected to Acme Portal (12345).')).toBeTruthy();
  });

  it('names each missing scope when the token lacks some', async () => {
    send.mockResolvedValue({ ok: true, value: { ...portal, missingScopes: ['tickets', 'crm.objects.custom.read'] } });
    renderEn(<HubSpotConnection info={undefined} queued={0} dateTime={dateTime} />);
    typeToken('pat-na1-11111111-2222');
    const verdict = await screen.findByRole('alert');
    expect(within(verdict).getByText(en.verdictScopes)).toBeTruthy();
    expect(verdict.textContent).toContain('tickets, crm.objects.custom.read');
  });

  it.each([
    ['a bad token', 'auth', 'HubSpot refused the token (401).', en.verdict.auth],
    ['a token of another portal', 'wrong-instance', 'This token belongs to portal 999, not 12345.', en.verdict['wrong-instance']],
    ['a missing scope', 'scope', 'The token lacks the tickets scope.', en.verdict.scope],
    ['an unreachable host', 'network', 'Could not reach api.hubapi.com.', en.verdict.network],
  ])('gives a verdict for %s, with the CRM’s words and what to do', async (_name, kind, message, title) => {
    send.mockResolvedValue(fail(kind, message));
    renderEn(<HubSpotConnection info={undefined} queued={0} dateTime={dateTime} />);
    typeToken('pat-na1-11111111-2222');
    const verdict = await screen.findByRole('alert');
    expect(within(verdict).getByText(title!)).toBeTruthy();
    expect(within(verdict).getByText(message)).toBeTruthy();
    expect(within(verdict).getByText(en.advice[kind]!)).toBeTruthy();
  });

  it('explains Service Keys with every scope they need', () => {
    renderEn(<HubSpotConnection info={undefined} queued={0} dateTime={dateTime} />);
    expect(screen.getByText(en.serviceKeySteps)).toBeTruthy();
    for (const scope of [...HUBSPOT_SCOPES, ...HUBSPOT_CUSTOM_OBJECT_SCOPES]) expect(screen.getByText(scope)).toBeTruthy();
    expect(screen.queryByText(/Private apps →/)).toBeNull();
  });

  it.each([
    ['spaces', 'pat-na1 1111 2222 3333'],
    ['characters', 'pat-na1-11111111-2222-ключ'],
    ['short', 'pat-na1'],
    ['long', `pat-na1-${'1'.repeat(600)}`],
  ] as const)('refuses a pasted key with %s in clear words, sending nothing', async (problem, key) => {
    renderEn(<HubSpotConnection info={undefined} queued={0} dateTime={dateTime} />);
    typeToken(key);
    expect(await screen.findByText(en.notAKey)).toBeTruthy();
    expect(screen.getByText(en.notAKeyDetail[problem])).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
    expect(screen.getByLabelText<HTMLInputElement>(en.hubspotToken).value).toBe('');
  });

  it('asks before a key of another portal replaces the connected one, naming what stops working', async () => {
    send.mockResolvedValueOnce({ ok: false, error: { kind: 'other-portal', message: 'This key belongs to HubSpot portal 777.', instance: '777' } });
    renderEn(<HubSpotConnection info={{ ...portal, connectedAt: 0 }} queued={2} dateTime={dateTime} />);
    typeToken('pat-eu1-77777777-8888');
    const question = await screen.findByRole('group', { name: en.otherPortalTitle('777') });
    expect(within(question).getByText(en.otherPortalDetail('12345', '777', 2))).toBeTruthy();
    expect(en.otherPortalDetail('12345', '777', 2)).toMatch(/every record of portal 12345 stops working.*2 outcomes still waiting/);
    expect(send).toHaveBeenCalledTimes(1);

    // Keeping the current portal sends nothing more and forgets the key.
    fireEvent.click(within(question).getByRole('button', { name: en.otherPortalKeep('12345') }));
    expect(screen.queryByRole('group', { name: en.otherPortalTitle('777') })).toBeNull();
    expect(send).toHaveBeenCalledTimes(1);

    // Asked again and agreed: the same key goes once more, naming the portal agreed to.
    send.mockResolvedValueOnce({ ok: false, error: { kind: 'other-portal', message: 'This key belongs to HubSpot portal 777.', instance: '777' } });
    typeToken('pat-eu1-77777777-8888');
    const again = await screen.findByRole('group', { name: en.otherPortalTitle('777') });
    send.mockResolvedValueOnce({ ok: true, value: { ...portal, instance: '777', name: 'Other portal' } });
    fireEvent.click(within(again).getByRole('button', { name: en.otherPortalReplace('777') }));
    expect(send).toHaveBeenLastCalledWith({ type: 'hubspot.connect', token: 'pat-eu1-77777777-8888', replacePortal: '777' });
    expect(await screen.findByText('Connected to Other portal (777).')).toBeTruthy();
  });

  it('shows the portal id, name and missing scopes of a stored connection and tests it', async () => {
    const info = { ...portal, missingScopes: ['tickets'], connectedAt: Date.UTC(2026, 10, 1) };
    send.mockResolvedValue(fail('auth', 'The token was revoked.'));
    renderEn(<HubSpotConnection info={info} queued={0} dateTime={dateTime} />);
    expect(screen.getByText('12345')).toBeTruthy();
    expect(screen.getByText('Acme Portal')).toBeTruthy();
    expect(screen.getByText('tickets', { selector: 'dd' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: en.testConnection }));
    expect(send).toHaveBeenCalledWith({ type: 'connection.test', crm: 'hubspot' });
    expect(await screen.findByText('The token was revoked.')).toBeTruthy();
  });

  it('asks what to do with queued outcomes before signing out, naming the count', async () => {
    send.mockResolvedValue({ ok: true, value: { sent: 0, discarded: 3 } });
    renderEn(<HubSpotConnection info={{ ...portal, connectedAt: 0 }} queued={3} dateTime={dateTime} />);
    fireEvent.click(screen.getByRole('button', { name: en.signOut }));
    expect(screen.getByText(en.queuedQuestion(3, 'HubSpot'))).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: en.discardQueued(3) }));
    expect(send).toHaveBeenCalledWith({ type: 'connector.signOut', crm: 'hubspot', queued: 'discard' });
    expect(await screen.findByText(en.signedOut(0, 3))).toBeTruthy();
  });

  it('signing out with nothing queued asks once and sends nothing away', async () => {
    send.mockResolvedValue({ ok: true, value: { sent: 0, discarded: 0 } });
    renderEn(<HubSpotConnection info={{ ...portal, connectedAt: 0 }} queued={0} dateTime={dateTime} />);
    fireEvent.click(screen.getByRole('button', { name: en.signOut }));
    expect(screen.getByText(en.signOutConfirm('HubSpot'))).toBeTruthy();
    fireEvent.click(within(screen.getByRole('group', { name: en.signOut })).getByRole('button', { name: en.signOut }));
    expect(send).toHaveBeenCalledWith({ type: 'connector.signOut', crm: 'hubspot', queued: 'send-first' });
  });
});

function SalesforceHarness(props: { settings?: Settings; saveLogin?: () => Promise<{ ok: true } | { ok: false; reason: string }> }) {
  const settings = props.settings ?? {
    ...DEFAULT_SETTINGS,
    salesforce: { ...DEFAULT_SETTINGS.salesforce, consumerKey: '3MVG9publicClientId' },
  };
  return (
    <SalesforceConnection
      info={undefined}
      queued={0}
      draft={settings}
      edit={() => undefined}
      saveLogin={props.saveLogin ?? (() => Promise.resolve({ ok: true }))}
      dateTime={dateTime}
      callbackUrl="https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce"
    />
  );
}

describe('Salesforce connection', () => {
  it('saves the login host and key, then signs in and shows org, user and API usage', async () => {
    const order: string[] = [];
    const saveLogin = vi.fn(() => (order.push('save'), Promise.resolve({ ok: true as const })));
    send.mockImplementation(async () => (order.push('connect'), { ok: true, value: org }));
    renderEn(<SalesforceHarness saveLogin={saveLogin} />);
    fireEvent.click(screen.getByRole('button', { name: en.signInSalesforce }));
    expect(await screen.findByText(en.verdictOk)).toBeTruthy();
    expect(order).toEqual(['save', 'connect']);
    expect(send).toHaveBeenCalledWith({ type: 'salesforce.connect' });
  });

  it('says why sign-in waits while the consumer key is missing, and shows the callback URL whole', () => {
    renderEn(<SalesforceHarness settings={DEFAULT_SETTINGS} />);
    const signIn = screen.getByRole('button', { name: en.signInSalesforce }) as HTMLButtonElement;
    expect(signIn.disabled).toBe(true);
    expect(document.getElementById(signIn.getAttribute('aria-describedby') ?? '')?.textContent).toBe(en.signInNeeds);
    expect(screen.getByText(/chromiumapp\.org/, { selector: 'code' }).textContent).toBe('https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce');
    cleanup();
    renderEn(<SalesforceHarness />);
    expect(screen.getByRole('button', { name: en.signInSalesforce }).getAttribute('aria-describedby')).toBeNull();
    expect(screen.queryByText(en.signInNeeds)).toBeNull();
  });

  it('shows the stored org, user and API usage', () => {
    render(
      <StringsProvider value={en}>
        <SalesforceConnection info={{ ...org, connectedAt: 0 }} queued={0} draft={DEFAULT_SETTINGS} edit={() => undefined} saveLogin={async () => ({ ok: true })} dateTime={dateTime} callbackUrl="https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce" />
      </StringsProvider>,
    );
    expect(screen.getByText('Acme Inc')).toBeTruthy();
    expect(screen.getByText('admin@acme.example')).toBeTruthy();
    expect(screen.getByText('1,200 of 15,000 requests used in the last 24 hours')).toBeTruthy();
  });

  it('refuses a typed login host that is not Salesforce’s, naming it, before saving, prompting or signing in', async () => {
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(true);
    const saveLogin = vi.fn(async () => ({ ok: true as const }));
    const settings = { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, loginHost: 'sso.acme.example', consumerKey: 'key' } };
    renderEn(<SalesforceHarness settings={settings} saveLogin={saveLogin} />);
    fireEvent.click(screen.getByRole('button', { name: en.signInSalesforce }));
    const verdict = await screen.findByRole('alert');
    expect(within(verdict).getByText(/"sso\.acme\.example" is not a Salesforce login host/)).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
    expect(saveLogin).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
  });

  it('signs in through a sandbox My Domain without asking for another permission', async () => {
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(true);
    send.mockResolvedValue({ ok: true, value: org });
    const settings = { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, loginHost: 'acme--uat.sandbox.my.salesforce.com', consumerKey: 'key' } };
    renderEn(<SalesforceHarness settings={settings} />);
    fireEvent.click(screen.getByRole('button', { name: en.signInSalesforce }));
    await waitFor(() => expect(send).toHaveBeenCalledWith({ type: 'salesforce.connect' }));
    expect(request).not.toHaveBeenCalled();
  });

  it.each([
    ['an unreachable login host', 'network', 'Could not reach login.example.com.'],
    ['a refused sign-in', 'auth', 'Salesforce refused the sign-in: invalid_client_id.'],
    ['an org other than the page’s', 'wrong-instance', 'Signed in to org 00D1, but the page is org 00D2.'],
  ])('gives a verdict for %s', async (_name, kind, message) => {
    send.mockResolvedValue(fail(kind, message));
    renderEn(<SalesforceHarness />);
    fireEvent.click(screen.getByRole('button', { name: en.signInSalesforce }));
    const verdict = await screen.findByRole('alert');
    expect(within(verdict).getByText(en.verdict[kind]!)).toBeTruthy();
    expect(within(verdict).getByText(message)).toBeTruthy();
  });

  it('does not sign in when the login settings cannot be saved', async () => {
    renderEn(<SalesforceHarness saveLogin={async () => ({ ok: false, reason: 'Setting "salesforce.loginHost" is invalid.' })} />);
    fireEvent.click(screen.getByRole('button', { name: en.signInSalesforce }));
    expect(await screen.findByText('Setting "salesforce.loginHost" is invalid.')).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
  });

  it('offers to allow a host the background may not reach yet', async () => {
    send.mockResolvedValue({ ok: false, error: { kind: 'permission', message: 'Loyalty Lens may not access acme.example.', origin: 'https://acme.example' } as never });
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(true);
    renderEn(<SalesforceHarness />);
    fireEvent.click(screen.getByRole('button', { name: en.signInSalesforce }));
    fireEvent.click(await screen.findByRole('button', { name: en.allowHost('https://acme.example') }));
    expect(request).toHaveBeenCalledWith({ origins: ['https://acme.example/*'] });
    await waitFor(() => expect(send).toHaveBeenCalledWith({ type: 'connection.test', crm: 'salesforce' }));
  });
});

describe('stored connections', () => {
  it('shows the callback URL the Salesforce connected app must list', () => {
    renderEn(<SalesforceHarness />);
    expect(screen.getByText('https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce').tagName).toBe('CODE');
  });

  it('are read from storage under the connections key', async () => {
    await fakeBrowser.storage.local.set({ [CONNECTIONS_KEY]: { hubspot: { ...portal, connectedAt: 0 } } });
    renderEn(
      <ConnectionsSection
        salesforceCallbackUrl="https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce"
        draft={DEFAULT_SETTINGS}
        edit={() => undefined}
        queued={{ hubspot: 0, salesforce: 0, total: 0 }}
        saveLogin={async () => ({ ok: true })}
        dateTime={dateTime}
      />,
    );
    expect(await screen.findByText('Acme Portal')).toBeTruthy();
  });
});
