// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { LoyaltyLensDb } from '../../core/db';
import { enqueueOutcome, leaseDue, recordDeliveries, UNDO_WINDOW_MS, withdrawQueued, type Clock, type DeliveryFailure } from '../../core/outbox';

import type { Outcome, OutcomeInput } from '../../core/schema';
import { I18nProvider } from '../../components/panel/i18n-context';
import { createI18n } from '../../core/i18n';
import { OutcomeForm, type OutcomeTarget } from '../../components/outcome/OutcomeForm';
import { LogOutcome } from '../../components/outcome/LogOutcome';
import { OutcomeStatusList, displayState } from '../../components/outcome/OutcomeStatusList';
import type { OutcomeActions } from '../../components/outcome/actions';

// One-outcome shorthands over recordDeliveries, as the flusher records a batch.
const markDelivered = (target: LoyaltyLensDb, idempotencyKey: string, record: { id: string | null; url: string | null }) =>
  recordDeliveries(target, [{ idempotencyKey, ok: true, record }], { now: () => Date.now(), random: () => 0 });
const markFailed = (target: LoyaltyLensDb, idempotencyKey: string, failure: DeliveryFailure, at: Clock) =>
  recordDeliveries(target, [{ idempotencyKey, ok: false, failure }], at);

const target: OutcomeTarget = {
  ref: { crm: 'hubspot', instance: '40001', objectType: 'contact', id: '51' },
  contactId: '51',
  contactName: 'Dana Detractor',
  responseId: '7001',
  segment: 'detractor',
  followUp: {
    key: 'hubspot|40001|880',
    crm: 'hubspot',
    instance: '40001',
    id: '880',
    kind: 'ticket',
    contactKey: 'hubspot|40001|51',
    accountKey: null,
    responseKey: 'hubspot|40001|7001',
    title: 'NPS 2 follow-up',
    status: 'open',
    statusLabel: 'New',
    ownerId: '9',
    ownerName: 'Ann Owner',
    createdAt: Date.UTC(2026, 10, 2, 10),
    dueAt: Date.UTC(2026, 10, 4, 9),
    url: null,
  },
  answeredAt: Date.UTC(2026, 10, 2, 9),
};

function actions(): OutcomeActions & { logged: OutcomeInput[] } {
  const logged: OutcomeInput[] = [];
  return {
    logged,
    log: vi.fn(async (input: OutcomeInput) => {
      logged.push(input);
      return { ok: true as const, value: { idempotencyKey: 'k-0000000000000001' } };
    }),
    retry: vi.fn(async (key: string) => ({ ok: true as const, value: { idempotencyKey: key } })),
    withdraw: vi.fn(async () => ({ ok: true as const, value: { withdrawn: true as const } })),
    openFollowUp: vi.fn(async () => ({ ok: true as const, value: { id: '1', url: null, created: true, closed: false } })),
    loadLoopHistory: vi.fn(async () => ({ ok: true as const, value: { readAt: 0 } })),
  };
}

afterEach(cleanup);

describe('OutcomeForm', () => {
  it.each([
    ['detractor', target],
    ['promoter', { ...target, segment: 'promoter' as const, followUp: null }],
  ])('chooses no result for a %s: every result starts unchecked', (_segment, shown) => {
    render(<OutcomeForm target={shown} rootCauses={[]} crmName="HubSpot" actions={actions()} onSaved={() => undefined} onCancel={() => undefined} />);
    const radios = screen.getAllByRole('radio') as HTMLInputElement[];
    expect(radios.length).toBeGreaterThan(3);
    expect(radios.filter((radio) => radio.checked)).toEqual([]);
    expect(document.activeElement).toBe(radios[0]);
  });

  it.each([
    ['the save button', () => fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }))],
    ['Ctrl+Enter', () => fireEvent.keyDown(screen.getByLabelText('What was heard and done'), { key: 'Enter', ctrlKey: true })],
  ])('saving with only a note through %s sends nothing and says a result is missing', async (_how, save) => {
    const fake = actions();
    render(<OutcomeForm target={target} rootCauses={[]} crmName="HubSpot" actions={fake} onSaved={() => undefined} onCancel={() => undefined} />);
    fireEvent.change(screen.getByLabelText('What was heard and done'), { target: { value: 'Left a voicemail.' } });
    save();
    expect((await screen.findByRole('alert')).textContent).toBe('Choose a result: what happened when you reached out? Nothing is chosen for you.');
    expect(fake.log).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByLabelText('Reached and resolved'));
  });

  it('names the contact and the follow-up it closes, and says whether saving closes it', () => {
    render(<OutcomeForm target={target} rootCauses={[]} crmName="HubSpot" actions={actions()} onSaved={() => undefined} onCancel={() => undefined} />);
    expect(screen.getByRole('heading', { name: 'Log the outcome for Dana Detractor' })).toBeTruthy();
    expect(screen.getByText('Follow-up: NPS 2 follow-up')).toBeTruthy();
    expect(screen.getByText('Saving leaves this follow-up open.')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Close the follow-up (NPS 2 follow-up)'));
    expect(screen.getByText('Saving closes this follow-up in HubSpot.')).toBeTruthy();
  });

  it('says when an outcome is linked to no follow-up', () => {
    render(<OutcomeForm target={{ ...target, followUp: null }} rootCauses={[]} crmName="HubSpot" actions={actions()} onSaved={() => undefined} onCancel={() => undefined} />);
    expect(screen.getByText('Not linked to a follow-up.')).toBeTruthy();
    expect(screen.queryByText(/Saving (closes|leaves)/)).toBeNull();
  });

  it('can be filled and saved from the keyboard alone, and sends exactly what was entered', async () => {
    const fake = actions();
    const onDone = vi.fn();
    render(<OutcomeForm target={target} rootCauses={['Onboarding', 'Billing']} crmName="HubSpot" actions={fake} onSaved={onDone} onCancel={() => undefined} />);
    fireEvent.click(screen.getByLabelText('Reached, not resolved yet'));
    fireEvent.click(screen.getByLabelText('Billing'));
    fireEvent.change(screen.getByLabelText('What was heard and done'), { target: { value: 'Invoice was wrong; credit note sent.' } });
    fireEvent.change(screen.getByLabelText('Next step'), { target: { value: 'Check next invoice' } });
    fireEvent.change(screen.getByLabelText('Due'), { target: { value: '2026-12-01' } });
    fireEvent.click(screen.getByLabelText('Thanked and told what we heard'));
    fireEvent.click(screen.getByLabelText('Close the follow-up (NPS 2 follow-up)'));
    fireEvent.keyDown(screen.getByLabelText('What was heard and done'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('k-0000000000000001'));
    expect(fake.logged).toEqual([
      {
        ref: target.ref,
        contactId: '51',
        followUpId: '880',
        responseId: '7001',
        result: 'reached-unresolved',
        rootCauses: ['Billing'],
        note: 'Invoice was wrong; credit note sent.',
        nextStep: { text: 'Check next invoice', dueDate: '2026-12-01' },
        thanked: true,
        closeFollowUp: true,
        // The clock the form showed goes with it: the write records hours to first contact and the SLA result.
        answeredAt: Date.UTC(2026, 10, 2, 9),
        dueAt: Date.UTC(2026, 10, 4, 9),
      },
    ]);
  });

  it('does not close the follow-up unless asked, and hides promoter results for a detractor', async () => {
    const fake = actions();
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onSaved={() => undefined} onCancel={() => undefined} />);
    expect(screen.queryByLabelText('Promoter: will write a review')).toBeNull();
    fireEvent.click(screen.getByLabelText('No answer'));
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    await waitFor(() => expect(fake.logged).toHaveLength(1));
    expect(fake.logged[0]).toMatchObject({ closeFollowUp: false, nextStep: null, thanked: false });
  });

  it('explains a next step without a date instead of sending', async () => {
    const fake = actions();
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onSaved={() => undefined} onCancel={() => undefined} />);
    fireEvent.click(screen.getByLabelText('No answer'));
    fireEvent.change(screen.getByLabelText('Next step'), { target: { value: 'Call back' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Give the next step a due date, or clear it.');
    expect(fake.logged).toHaveLength(0);
  });

  it('shows a validation refusal from the background as a form problem', async () => {
    const fake = actions();
    fake.log = vi.fn(async () => ({ ok: false as const, error: { kind: 'invalid', message: 'The request has a value that is too large or too long (input.note).' } }));
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onSaved={() => undefined} onCancel={() => undefined} />);
    fireEvent.click(screen.getByLabelText('Escalated'));
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Check the form: The request has a value that is too large or too long (input.note).');
  });

  it('shows the background’s refusal in its own words and keeps what was typed', async () => {
    const fake = actions();
    fake.log = vi.fn(async () => ({ ok: false as const, error: { kind: 'storage-full', message: 'The browser has no space left for Loyalty Lens.' } }));
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onSaved={() => undefined} onCancel={() => undefined} />);
    fireEvent.click(screen.getByLabelText('Escalated'));
    fireEvent.change(screen.getByLabelText('What was heard and done'), { target: { value: 'Keep me' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The browser has no space left for Loyalty Lens.');
    expect((screen.getByLabelText('What was heard and done') as HTMLTextAreaElement).value).toBe('Keep me');
  });

  it('speaks Russian when the panel does', () => {
    render(
      <I18nProvider value={createI18n('ru')}>
        <OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={actions()} onSaved={() => undefined} onCancel={() => undefined} />
      </I18nProvider>,
    );
    expect(screen.getByRole('button', { name: 'Сохранить в HubSpot' })).toBeTruthy();
  });
});

describe('OutcomeStatusList', () => {
  let db: LoyaltyLensDb;
  let n = 0;
  const clock = { now: () => Date.UTC(2026, 10, 22, 10), random: () => 0.5 };
  const input: OutcomeInput = { ref: target.ref, contactId: '51', followUpId: null, responseId: null, result: 'no-answer', rootCauses: [], note: '', nextStep: null, thanked: false, closeFollowUp: false };

  beforeEach(() => {
    db = new LoyaltyLensDb(`outcome-status-${++n}`);
  });
  afterEach(async () => {
    await db.delete();
  });

  it.each([
    [{ state: 'pending', attempts: 0, lastError: null }, 'queued'],
    [{ state: 'in-flight', attempts: 1, lastError: null }, 'sending'],
    [{ state: 'pending', attempts: 2, lastError: 'HubSpot answered 500' }, 'retrying'],
    [{ state: 'done', attempts: 1, lastError: null }, 'saved'],
    [{ state: 'dead', attempts: 1, lastError: 'Missing scope' }, 'failed'],
  ] as const)('%o is shown as %s', (outcome, expected) => {
    expect(displayState(outcome)).toBe(expected);
  });

  it('shows a queued outcome, then the saved one with a link to the CRM record', async () => {
    await enqueueOutcome(db, input, 'status-key-000000001', clock.now(), null);
    const fake = actions();
    const { rerender } = render(<OutcomeStatusList outcomes={await db.outcomes.toArray()} crmName="HubSpot" actions={fake} />);
    expect(screen.getByText('Saved here, not yet in HubSpot').closest('li')?.getAttribute('data-ll-outcome-state')).toBe('queued');
    await leaseDue(db, clock, 10);
    await markDelivered(db, 'status-key-000000001', { id: '123', url: 'https://app.hubspot.com/contacts/40001/record/0-1/51' });
    rerender(<OutcomeStatusList outcomes={await db.outcomes.toArray()} crmName="HubSpot" actions={fake} />);
    expect(screen.getByText('Written to HubSpot')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open in HubSpot' }).getAttribute('href')).toBe('https://app.hubspot.com/contacts/40001/record/0-1/51');
  });

  it('shows a failed outcome with the CRM’s reason and retries it on request', async () => {
    const fake = actions();
    await enqueueOutcome(db, input, 'status-key-000000002', clock.now(), null);
    await leaseDue(db, clock, 10);
    await markFailed(db, 'status-key-000000002', { kind: 'scope', message: 'The token lacks the notes scope.', transient: false }, clock);
    render(<OutcomeStatusList outcomes={await db.outcomes.toArray()} crmName="HubSpot" actions={fake} />);
    expect(screen.getByRole('alert').textContent).toBe('Not written to HubSpot: The token lacks the notes scope.');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fake.retry).toHaveBeenCalledWith('status-key-000000002'));
  });
});

describe('Undo', () => {
  let db: LoyaltyLensDb;
  let n = 0;
  const now = Date.UTC(2026, 10, 22, 10);
  const clock = { now: () => now + UNDO_WINDOW_MS, random: () => 0.5 };
  const input: OutcomeInput = { ref: target.ref, contactId: '51', followUpId: null, responseId: null, result: 'no-answer', rootCauses: [], note: '', nextStep: null, thanked: false, closeFollowUp: false };

  beforeEach(() => {
    db = new LoyaltyLensDb(`outcome-undo-${++n}`);
  });
  afterEach(async () => {
    await db.delete();
  });

  it('holds a new outcome for the undo window before any send leases it', async () => {
    await enqueueOutcome(db, input, 'undo-key-0000000001', now, null, UNDO_WINDOW_MS);
    expect(await leaseDue(db, { now: () => now + UNDO_WINDOW_MS - 1, random: () => 0 }, 10)).toEqual([]);
    expect((await leaseDue(db, clock, 10)).map((o) => o.idempotencyKey)).toEqual(['undo-key-0000000001']);
  });

  it('takes back an outcome only while no send has leased it', async () => {
    await enqueueOutcome(db, input, 'undo-key-0000000002', now, null, UNDO_WINDOW_MS);
    expect(await withdrawQueued(db, 'undo-key-0000000002')).toBe('withdrawn');
    expect(await db.outcomes.count()).toBe(0);

    await enqueueOutcome(db, input, 'undo-key-0000000003', now, null, UNDO_WINDOW_MS);
    await leaseDue(db, clock, 10);
    expect(await withdrawQueued(db, 'undo-key-0000000003')).toBe('sending');
    await markDelivered(db, 'undo-key-0000000003', { id: '1', url: null });
    expect(await withdrawQueued(db, 'undo-key-0000000003')).toBe('saved');
    expect(await db.outcomes.count()).toBe(1);
    expect(await withdrawQueued(db, 'undo-key-0000000404')).toBe('missing');
  });

  it('offers Undo after saving while the outcome is held, then says in plain words that it was written', async () => {
    const fake = actions();
    const view = (outcomes: Outcome[]) => (
      <LogOutcome target={target} rootCauses={[]} crmName="HubSpot" actions={fake} outcomes={outcomes} />
    );
    const { rerender } = render(view([]));
    fireEvent.click(screen.getByRole('button', { name: 'Log outcome' }));
    fireEvent.click(await screen.findByLabelText('No answer'));
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    expect(await screen.findByText(/Saved here\. It goes to HubSpot in a few seconds\./)).toBeTruthy();
    await enqueueOutcome(db, input, 'k-0000000000000001', now, null, UNDO_WINDOW_MS);
    rerender(view(await db.outcomes.toArray()));
    expect(screen.getByRole('button', { name: 'Undo' })).toBeTruthy();
    await leaseDue(db, clock, 10);
    rerender(view(await db.outcomes.toArray()));
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(screen.getByText('Being written to HubSpot…')).toBeTruthy();
    await markDelivered(db, 'k-0000000000000001', { id: '5', url: 'https://app.hubspot.com/contacts/40001/record/0-1/51' });
    rerender(view(await db.outcomes.toArray()));
    expect(screen.getByText(/Written to HubSpot/)).toBeTruthy();
  });

  it('Undo asks the background to take the outcome back and says nothing was written', async () => {
    const fake = actions();
    render(<LogOutcome target={target} rootCauses={[]} crmName="HubSpot" actions={fake} outcomes={[]} />);
    fireEvent.click(screen.getByRole('button', { name: 'Log outcome' }));
    fireEvent.click(await screen.findByLabelText('Escalated'));
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone: nothing was written to HubSpot.')).toBeTruthy();
    expect(fake.withdraw).toHaveBeenCalledWith('k-0000000000000001');
    expect(screen.getByRole('button', { name: 'Log outcome' })).toBeTruthy();
  });
});
