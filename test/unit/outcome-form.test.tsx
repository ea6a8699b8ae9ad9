// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { LoyaltyLensDb } from '../../core/db';
import { enqueueOutcome, leaseDue, recordDeliveries, type Clock, type DeliveryFailure } from '../../core/outbox';

import type { OutcomeInput } from '../../core/schema';
import { I18nProvider } from '../../components/panel/i18n-context';
import { createI18n } from '../../core/i18n';
import { OutcomeForm, defaultResult, type OutcomeTarget } from '../../components/outcome/OutcomeForm';
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
    createdAt: 0,
    dueAt: null,
    url: null,
  },
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
    openFollowUp: vi.fn(async () => ({ ok: true as const, value: { id: '1', url: null, created: true, closed: false } })),
    loadLoopHistory: vi.fn(async () => ({ ok: true as const, value: { readAt: 0 } })),
  };
}

afterEach(cleanup);

describe('OutcomeForm', () => {
  it('pre-selects the usual result for the segment', () => {
    expect(defaultResult('detractor')).toBe('reached-resolved');
    expect(defaultResult('passive')).toBe('reached-resolved');
    expect(defaultResult('promoter')).toBe('promoter-reference');
  });

  it('can be filled and saved from the keyboard alone, and sends exactly what was entered', async () => {
    const fake = actions();
    const onDone = vi.fn();
    render(<OutcomeForm target={target} rootCauses={['Onboarding', 'Billing']} crmName="HubSpot" actions={fake} onDone={onDone} />);
    const resolved = screen.getByLabelText('Reached and resolved');
    expect(resolved).toHaveProperty('checked', true);
    expect(document.activeElement).toBe(resolved);
    fireEvent.click(screen.getByLabelText('Reached, not resolved yet'));
    fireEvent.click(screen.getByLabelText('Billing'));
    fireEvent.change(screen.getByLabelText('What was heard and done'), { target: { value: 'Invoice was wrong; credit note sent.' } });
    fireEvent.change(screen.getByLabelText('Next step'), { target: { value: 'Check next invoice' } });
    fireEvent.change(screen.getByLabelText('Due'), { target: { value: '2026-12-01' } });
    fireEvent.click(screen.getByLabelText('Thanked and told what we heard'));
    fireEvent.click(screen.getByLabelText('Close the follow-up (NPS 2 follow-up)'));
    fireEvent.keyDown(screen.getByLabelText('What was heard and done'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(onDone).toHaveBeenCalled());
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
      },
    ]);
  });

  it('does not close the follow-up unless asked, and hides promoter results for a detractor', async () => {
    const fake = actions();
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onDone={() => undefined} />);
    expect(screen.queryByLabelText('Promoter: will write a review')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    await waitFor(() => expect(fake.logged).toHaveLength(1));
    expect(fake.logged[0]).toMatchObject({ closeFollowUp: false, nextStep: null, thanked: false });
  });

  it('explains a next step without a date instead of sending', async () => {
    const fake = actions();
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Next step'), { target: { value: 'Call back' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Give the next step a due date, or clear it.');
    expect(fake.logged).toHaveLength(0);
  });

  it('shows a validation refusal from the background as a form problem', async () => {
    const fake = actions();
    fake.log = vi.fn(async () => ({ ok: false as const, error: { kind: 'invalid', message: 'The request has a value that is too large or too long (input.note).' } }));
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onDone={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Check the form: The request has a value that is too large or too long (input.note).');
  });

  it('shows the background’s refusal in its own words and keeps what was typed', async () => {
    const fake = actions();
    fake.log = vi.fn(async () => ({ ok: false as const, error: { kind: 'storage-full', message: 'The browser has no space left for Loyalty Lens.' } }));
    render(<OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={fake} onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('What was heard and done'), { target: { value: 'Keep me' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save to HubSpot' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The browser has no space left for Loyalty Lens.');
    expect((screen.getByLabelText('What was heard and done') as HTMLTextAreaElement).value).toBe('Keep me');
  });

  it('speaks Russian when the panel does', () => {
    render(
      <I18nProvider value={createI18n('ru')}>
        <OutcomeForm target={target} rootCauses={['Onboarding']} crmName="HubSpot" actions={actions()} onDone={() => undefined} />
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
    expect(screen.getByText('Queued').closest('li')?.getAttribute('data-ll-outcome-state')).toBe('queued');
    await leaseDue(db, clock, 10);
    await markDelivered(db, 'status-key-000000001', { id: '123', url: 'https://app.hubspot.com/contacts/40001/record/0-1/51' });
    rerender(<OutcomeStatusList outcomes={await db.outcomes.toArray()} crmName="HubSpot" actions={fake} />);
    expect(screen.getByText('Saved in HubSpot')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open in HubSpot' }).getAttribute('href')).toBe('https://app.hubspot.com/contacts/40001/record/0-1/51');
  });

  it('shows a failed outcome with the CRM’s reason and retries it on request', async () => {
    const fake = actions();
    await enqueueOutcome(db, input, 'status-key-000000002', clock.now(), null);
    await leaseDue(db, clock, 10);
    await markFailed(db, 'status-key-000000002', { kind: 'scope', message: 'The token lacks the notes scope.', transient: false }, clock);
    render(<OutcomeStatusList outcomes={await db.outcomes.toArray()} crmName="HubSpot" actions={fake} />);
    expect(screen.getByRole('alert').textContent).toBe('Not saved: The token lacks the notes scope.');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(fake.retry).toHaveBeenCalledWith('status-key-000000002');
  });
});
