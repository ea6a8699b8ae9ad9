// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { LoopFieldsSection } from '../../components/options/LoopFields';
import { OPTIONS_STRINGS, StringsProvider } from '../../components/options/strings';
import type { LoopFieldStatus } from '../../core/crm';
import type * as Messaging from '../../core/messaging';
import { CONNECTIONS_KEY, sendRequest } from '../../core/messaging';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';

// The options page's loop fields, per CRM: every state the admin meets. The background's answers are what the
// connectors give against the sandbox (test/unit/connector-conformance.test.ts checks those).

vi.mock('../../core/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof Messaging>()),
  sendRequest: vi.fn(),
}));
const send = vi.mocked(sendRequest);
const en = OPTIONS_STRINGS.en;

const field = (name: string, label: string, state: LoopFieldStatus['state'], purpose: LoopFieldStatus['purpose'], options: string[] = [], missingOptions: string[] = []): LoopFieldStatus => ({
  name,
  label,
  type: options.length > 0 ? 'Dropdown select' : 'Number',
  options,
  purpose,
  state,
  missingOptions,
});
const hubspotFields = (sla: LoopFieldStatus['state']): LoopFieldStatus[] => [
  field('loyalty_lens_root_causes', 'Root causes', 'missing-options', 'root-causes', ['Billing', 'Onboarding'], ['Onboarding']),
  field('loyalty_lens_loop_steps', 'Loop steps', 'present', 'loop-steps', ['reached', 'resolved', 'thanked']),
  field('loyalty_lens_first_contact_at', 'First contact', 'present', 'first-contact-at'),
  field('loyalty_lens_first_contact_hours', 'Hours to first contact', 'present', 'first-contact-hours'),
  field('loyalty_lens_sla', 'Closed within SLA', sla, 'sla', ['within', 'late']),
];

const connect = (crms: Array<'hubspot' | 'salesforce'>) =>
  fakeBrowser.storage.local.set({
    [CONNECTIONS_KEY]: Object.fromEntries(
      crms.map((crm) => [crm, { crm, instance: crm === 'hubspot' ? '40001' : 'acme.my.salesforce.com', name: crm, user: null, missingScopes: [], usage: null, connectedAt: 1 }]),
    ),
  });
/** The section over a draft, as the options page holds it; `drafts` records every edit. */
const drafts: Settings[] = [];
function Page(props: { strings: typeof en; initial: Settings }) {
  const [draft, setDraft] = useState(props.initial);
  const edit = (change: (d: Settings) => void) =>
    setDraft((current) => {
      const next = structuredClone(current);
      change(next);
      drafts.push(next);
      return next;
    });
  return (
    <StringsProvider value={props.strings}>
      <LoopFieldsSection draft={draft} edit={edit} />
    </StringsProvider>
  );
}
const show = (strings = en, initial: Settings = DEFAULT_SETTINGS) => render(<Page strings={strings} initial={initial} />);
const crmBlock = (crm: string) => document.querySelector(`[data-ll-loop-fields="${crm}"]`) as HTMLElement;

beforeEach(() => {
  fakeBrowser.reset();
  send.mockReset();
  drafts.length = 0;
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the options page’s loop fields', () => {
  it('not connected: says to connect, asks nothing', async () => {
    show();
    expect(await screen.findByText(en.loopFieldsNotConnected('HubSpot'))).toBeTruthy();
    expect(screen.getByText(en.loopFieldsNotConnected('Salesforce'))).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
  });

  it('each field’s status with what to create; one click creates a missing one', async () => {
    send.mockImplementation(async (request) =>
      request.type === 'metadata.loopFields' ? { ok: true, value: hubspotFields('missing') } : request.type === 'metadata.createLoopField' ? { ok: true, value: hubspotFields('present') } : { ok: false, error: { kind: 'network', message: 'offline' } },
    );
    await connect(['hubspot']);
    show();
    const sla = await within(crmBlock('hubspot')).findByRole('row', { name: /Closed within SLA/ });
    expect(sla.textContent).toBe('Closed within SLAloyalty_lens_slaDropdown selectwithin; lateMissingCreate “Closed within SLA”');
    expect(within(crmBlock('hubspot')).getByRole('row', { name: /Root causes/ }).textContent).toContain(en.loopFieldMissingValues('Onboarding'));
    expect(screen.getByText(en.loopFieldsByHand('HubSpot'))).toBeTruthy();
    fireEvent.click(within(sla).getByRole('button', { name: 'Create “Closed within SLA”' }));
    expect(await screen.findByText(en.loopFieldCreated('Closed within SLA', 'HubSpot'))).toBeTruthy();
    expect(send).toHaveBeenCalledWith({ type: 'metadata.createLoopField', crm: 'hubspot', name: 'loyalty_lens_sla' });
    expect(within(crmBlock('hubspot')).getByRole('row', { name: /Closed within SLA/ }).textContent).toContain(en.loopFieldPresent);
    expect(within(crmBlock('hubspot')).queryAllByRole('button')).toEqual([]);
  });

  it('a token that may not create: the CRM’s refusal in words, and no more buttons — the table says what to create', async () => {
    const refusal = 'The HubSpot key may not create properties: it lacks the scope crm.schemas.tickets.write. Add that scope, or create loyalty_lens_sla by hand as shown.';
    send.mockImplementation(async (request) =>
      request.type === 'metadata.loopFields' ? { ok: true, value: hubspotFields('missing') } : { ok: false, error: { kind: 'scope', message: refusal } },
    );
    await connect(['hubspot']);
    show();
    fireEvent.click(await within(crmBlock('hubspot')).findByRole('button', { name: 'Create “Closed within SLA”' }));
    expect((await screen.findByRole('alert')).textContent).toBe(refusal);
    expect(within(crmBlock('hubspot')).queryAllByRole('button')).toEqual([]);
    expect(within(crmBlock('hubspot')).getByRole('row', { name: /Closed within SLA/ }).textContent).toContain('within; late');
  });

  it('loading, then a read that failed with Try again', async () => {
    let answer: (value: Awaited<ReturnType<typeof sendRequest>>) => void = () => undefined;
    send.mockImplementation(() => new Promise((done) => (answer = done as typeof answer)));
    await connect(['salesforce']);
    show();
    expect(await screen.findByText(en.loopFieldsLoading('Salesforce'))).toBeTruthy();
    answer({ ok: false, error: { kind: 'network', message: 'Salesforce cannot be reached right now.' } });
    expect(await screen.findByText(en.loopFieldsFailed('Salesforce', 'Salesforce cannot be reached right now.'))).toBeTruthy();
    send.mockResolvedValue({ ok: true, value: hubspotFields('present').map((f) => ({ ...f, state: 'present', missingOptions: [] })) });
    fireEvent.click(screen.getByRole('button', { name: en.loopFieldsRetry }));
    expect(await screen.findByText(en.loopFieldsAllPresent('Salesforce'))).toBeTruthy();
  });

  describe('Salesforce root causes into the Case Reason', () => {
    const REASONS = ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'];
    const answer = (reasons: string[] | null) =>
      send.mockImplementation(async (request) =>
        request.type === 'metadata.caseReasons' ? { ok: true, value: reasons } : request.type === 'metadata.loopFields' ? { ok: true, value: [] } : { ok: false, error: { kind: 'network', message: 'offline' } },
      );
    const withCauses = (causes: string[], reasons: Record<string, string> | null): Settings => ({
      ...DEFAULT_SETTINGS,
      rules: { ...DEFAULT_SETTINGS.rules, rootCauses: causes },
      salesforce: { ...DEFAULT_SETTINGS.salesforce, rootCauseField: reasons ? { kind: 'caseReason', reasons } : { kind: 'multiPicklist' } },
    });

    it('chooses the Case Reason, maps causes to the org’s values and says what is mapped, unmapped and that only the first cause goes there', async () => {
      answer(REASONS);
      await connect(['salesforce']);
      show(en, withCauses(['Billing', 'Onboarding', 'Ease of use'], null));
      expect((screen.getByRole('radio', { name: en.rootCauseFieldMulti }) as HTMLInputElement).checked).toBe(true);
      expect(screen.getByText(en.rootCauseFieldReasonHelp)).toBeTruthy();
      fireEvent.click(screen.getByRole('radio', { name: en.rootCauseFieldReason }));
      expect(await screen.findByText(`${en.reasonFieldPresent(7)} ${en.reasonMappedCount(0, 3)}`)).toBeTruthy();
      expect(send).toHaveBeenCalledWith({ type: 'metadata.caseReasons' });
      const billing = screen.getByRole('combobox', { name: en.reasonValueFor('Billing') }) as HTMLSelectElement;
      expect([...billing.options].map((o) => o.text)).toEqual([en.reasonNotMapped, ...REASONS]);
      fireEvent.change(billing, { target: { value: 'Other' } });
      fireEvent.change(screen.getByRole('combobox', { name: en.reasonValueFor('Onboarding') }), { target: { value: 'Installation' } });
      // One value stands for one cause: Other is no longer offered to the others.
      const ease = screen.getByRole('combobox', { name: en.reasonValueFor('Ease of use') }) as HTMLSelectElement;
      expect([...ease.options].map((o) => o.value)).not.toContain('Other');
      expect(screen.getByText(`${en.reasonFieldPresent(7)} ${en.reasonMappedCount(2, 3)}`)).toBeTruthy();
      expect(screen.getByText(en.reasonUnmapped('Ease of use'))).toBeTruthy();
      expect(drafts.at(-1)!.salesforce.rootCauseField).toEqual({ kind: 'caseReason', reasons: { Billing: 'Other', Onboarding: 'Installation' } });
      // Back to the multi-select: the mapping table goes.
      fireEvent.click(screen.getByRole('radio', { name: en.rootCauseFieldMulti }));
      expect(drafts.at(-1)!.salesforce.rootCauseField).toEqual({ kind: 'multiPicklist' });
      expect(screen.queryByRole('combobox')).toBeNull();
    });

    it('names a value the org no longer has, and a Reason the user cannot see', async () => {
      answer(REASONS);
      await connect(['salesforce']);
      show(en, withCauses(['Billing', 'Onboarding'], { Billing: 'Invoices', Onboarding: 'Installation' }));
      expect(await screen.findByText(en.reasonStale('Billing → Invoices'))).toBeTruthy();
      expect((screen.getByRole('combobox', { name: en.reasonValueFor('Billing') }) as HTMLSelectElement).value).toBe('Invoices');
      cleanup();
      answer(null);
      show(en, withCauses(['Billing'], { Billing: 'Other' }));
      expect((await screen.findByText(en.reasonFieldAbsent)).getAttribute('role')).toBe('alert');
    });

    it('in Russian', async () => {
      const ru = OPTIONS_STRINGS.ru;
      answer(REASONS);
      await connect(['salesforce']);
      show(ru, withCauses(['Billing', 'Onboarding'], { Billing: 'Other' }));
      expect(await screen.findByText(`${ru.reasonFieldPresent(7)} ${ru.reasonMappedCount(1, 2)}`)).toBeTruthy();
      expect(screen.getByText(ru.reasonUnmapped('Onboarding'))).toBeTruthy();
      expect(screen.getByRole('radio', { name: ru.rootCauseFieldReason })).toBeTruthy();
      expect(screen.getByText(/только первая \(главная\) причина/)).toBeTruthy();
    });
  });
});
