// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { saveRecordContext } from '../../core/store';
import { DAY, HOUR, NOW, account, companyRef, contact, contactRef, context, figure, followUp, freshDb, showRecordPanel, response, testHost } from './panel-helpers';

afterEach(cleanup);

// NOW is Friday 2026-11-20 12:00 UTC. Default SLAs: detractors 48 h, passives 5 business days, promoters 7 days.
const answers = {
  high: response('1', 5, NOW - 50 * HOUR), // detractor 4–6, due 2 h ago → overdue
  urgent: response('2', 2, NOW - 40 * HOUR), // most unhappy, due in 8 h → due soon
  passive: response('3', 8, NOW - HOUR), // due in 5 business days → on track
  promoter: response('4', 10, NOW - 30 * HOUR), // due in 138 h → on track
};

async function showFollowUps() {
  const db = freshDb();
  await saveRecordContext(
    db,
    context(companyRef, {
      title: 'Acme Corp',
      account: account(),
      contacts: ['1', '2', '3', '4', '5'].map((id) => contact(id, { name: `Person ${id}` })),
      responses: Object.values(answers),
      followUps: [
        followUp('t-unscored', { contactKey: contact('5').key, dueAt: NOW + 3 * DAY, title: 'Renewal call' }),
        followUp('t-passive', { contactKey: contact('3').key, responseKey: answers.passive.key }),
        followUp('t-high', { contactKey: contact('1').key, responseKey: answers.high.key, ownerName: 'Olga Support' }),
        followUp('t-promoter', { contactKey: contact('4').key, responseKey: answers.promoter.key }),
        followUp('t-urgent', { contactKey: contact('2').key, responseKey: answers.urgent.key }),
        followUp('t-closed', { contactKey: contact('2').key, status: 'closed', title: 'Old ticket' }),
      ],
    }),
  );
  const host = testHost();
  const utils = await showRecordPanel(db, host, companyRef);
  const section = screen.getByRole('heading', { level: 2, name: 'Needs you now' }).closest('section') as HTMLElement;
  return { ...utils, host, section, items: within(section).getAllByRole('listitem') };
}

describe('follow-ups', () => {
  it('lists open follow-ups in priority order: 0–3, then 4–6, then by due time, unscored last', async () => {
    const { container, items } = await showFollowUps();
    expect(items.map((li) => li.querySelector('.follow-up-head')?.textContent)).toEqual([
      'Ticket t-urgent',
      'Ticket t-high',
      'Ticket t-promoter',
      'Ticket t-passive',
      'Renewal call',
    ]);
    expect(figure(container, 'open-followups')?.getAttribute('data-ll-value')).toBe('5');
    expect(figure(container, 'open-followups')?.textContent).toBe('5 open');
    expect(items[0]?.textContent).toContain('Priority: urgent');
    expect(items[1]?.textContent).toContain('Priority: high');
    expect(items[0]?.textContent).toContain('NPS 2 · Detractor');
  });

  it('runs the SLA clock: overdue in red, due soon in amber', async () => {
    const { items } = await showFollowUps();
    const clock = (i: number) => items[i]?.querySelector('.sla');
    expect(clock(0)?.getAttribute('data-sla')).toBe('due-soon');
    expect(clock(0)?.className).toContain('sla-due-soon');
    expect(clock(0)?.textContent).toBe('Due in 8h');
    expect(clock(1)?.getAttribute('data-sla')).toBe('overdue');
    expect(clock(1)?.className).toContain('sla-overdue');
    expect(clock(1)?.textContent).toBe('Overdue 2h · due Nov 20');
    expect(clock(2)?.getAttribute('data-sla')).toBe('on-track');
    expect(clock(2)?.getAttribute('datetime')).toBe(new Date(NOW + 138 * HOUR).toISOString());
    // 5 business days from Friday 11:00 is the next Friday 11:00.
    expect(clock(3)?.getAttribute('datetime')).toBe(new Date(NOW - HOUR + 7 * DAY).toISOString());
    expect(clock(4)?.textContent).toBe('Due in 3 days · Nov 23');
  });

  it('names the owner, or who to route to when nobody owns it', async () => {
    const { items } = await showFollowUps();
    expect(items[1]?.textContent).toContain('Owner: Olga Support');
    expect(items[0]?.textContent).toContain('No owner yet; route to Dana Owner');
  });

  it('flags promoters for a reference, review or community invite', async () => {
    const { items } = await showFollowUps();
    expect(items[2]?.textContent).toContain('Promoter: a candidate for a reference, a review or a community invite.');
    expect(items[0]?.textContent).not.toContain('candidate for a reference');
  });

  it('logs a close-the-loop outcome from a follow-up, for its contact and with its ticket', async () => {
    const { items, host } = await showFollowUps();
    fireEvent.click(within(items[0] as HTMLElement).getByRole('button', { name: 'Log outcome' }));
    const form = await screen.findByRole('form', { name: 'Log the outcome for Person 2' });
    expect((within(form).getByLabelText('Reached and resolved') as HTMLInputElement).checked).toBe(false);
    fireEvent.click(within(form).getByLabelText('Reached and resolved'));
    fireEvent.click(within(form).getByLabelText('Close the follow-up (Ticket t-urgent)'));
    fireEvent.click(within(form).getByRole('button', { name: 'Save to HubSpot' }));
    await waitFor(() => expect(host.logOutcome).toHaveBeenCalledOnce());
    expect(host.logOutcome.mock.calls[0]?.[0]).toMatchObject({
      ref: companyRef,
      contactId: '2',
      followUpId: 't-urgent',
      responseId: answers.urgent.id,
      result: 'reached-resolved',
      closeFollowUp: true,
    });
    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    expect(within(items[0] as HTMLElement).getByRole('button', { name: 'Undo' })).toBeTruthy();
  });
});

describe('a follow-up linked to no NPS answer', () => {
  it('is ranked and labelled by its contact’s latest NPS answer, as My open loops ranks it', async () => {
    const db = freshDb();
    // Person 6 answered 9 a year ago and 2 last week; their task follows up no answer. Person 7 is a promoter whose
    // ticket follows up their 10; person 8's ticket follows up a CSAT 1 and their latest NPS answer is 5.
    const promoter = response('7', 10, NOW - 30 * HOUR);
    const csat = response('8', 1, NOW - 10 * HOUR, { kind: 'csat', scaleMax: 5 });
    await saveRecordContext(
      db,
      context(companyRef, {
        title: 'Acme Corp',
        account: account(),
        contacts: ['6', '7', '8'].map((id) => contact(id, { name: `Person ${id}` })),
        responses: [response('6', 9, NOW - 365 * DAY), response('6', 2, NOW - 7 * DAY), promoter, csat, response('8', 5, NOW - 60 * DAY)],
        followUps: [
          followUp('t-promoter', { contactKey: contact('7').key, responseKey: promoter.key }),
          followUp('t-csat', { contactKey: contact('8').key, responseKey: csat.key }),
          followUp('task-6', { kind: 'task', contactKey: contact('6').key, title: 'Call Person 6 about the invoices', createdAt: NOW - 3 * DAY }),
        ],
      }),
    );
    await showRecordPanel(db, testHost(), companyRef);
    const section = screen.getByRole('heading', { level: 2, name: 'Needs you now' }).closest('section') as HTMLElement;
    const items = within(section).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.follow-up-head')?.textContent)).toEqual(['Call Person 6 about the invoices', 'Ticket t-csat', 'Ticket t-promoter']);
    expect(items.map((li) => li.getAttribute('data-priority'))).toEqual(['urgent', 'high', 'normal']);
    expect(items[0]?.textContent).toContain('Latest NPS 2 · Detractor');
    expect(items[0]?.textContent).toContain('Priority: urgent');
    // Its clock runs from its creation by the same latest answer: 3 days ago + 48 h.
    expect(items[0]?.querySelector('.sla')?.textContent).toBe('Overdue 1 day · due Nov 19');
    expect(items[1]?.textContent).toContain('Latest NPS 5 · Detractor');
    // The promoter's ticket names its own answer, not a latest one.
    expect(items[2]?.textContent).toContain('NPS 10 · Promoter');
    expect(items[2]?.textContent).not.toContain('Latest');
  });
});

describe('opening a follow-up for an unhappy answer', () => {
  async function showContact(failWith?: string) {
    const unhappy = response('101', 3, NOW - 2 * DAY, { comment: 'Billing is a mess' });
    const covered = response('101', 5, NOW - 20 * DAY);
    const passive = response('101', 8, NOW - 40 * DAY);
    const oldUnhappy = response('101', 2, NOW - 80 * DAY, { comment: 'Onboarding was chaos' });
    const happyCsat = response('101', 5, NOW - 60 * DAY, { kind: 'csat', scaleMax: 5 });
    const unhappyCsat = response('101', 1, NOW - 50 * DAY, { kind: 'csat', scaleMax: 5, comment: 'Support never answered' });
    const db = freshDb();
    await saveRecordContext(
      db,
      context(contactRef, {
        title: 'Dana',
        focusContactKeys: [contact('101').key],
        contacts: [contact('101', { name: 'Dana' })],
        responses: [oldUnhappy, happyCsat, unhappyCsat, passive, covered, unhappy],
        followUps: [followUp('t-covered', { responseKey: covered.key })],
      }),
    );
    const host = testHost();
    if (failWith) host.openFollowUp.mockResolvedValueOnce({ ok: false, error: { kind: 'auth', message: failWith } });
    await showRecordPanel(db, host, contactRef);
    return { host, unhappy };
  }

  it('offers it only on the latest answer of each kind, at or below the follow-up threshold, that has none yet', async () => {
    const { host, unhappy } = await showContact();
    const buttons = screen.getAllByRole('button', { name: 'Open a follow-up in HubSpot' });
    // The NPS 3 and the CSAT 1 (each its kind's latest); not the NPS 5 that has its ticket, the passive 8, the NPS 2
    // of months ago that later answers replaced, or the satisfied CSAT before the unhappy one.
    expect(screen.queryByText('Onboarding was chaos', { selector: '.needs-follow-up .quote' })).toBeNull();
    expect(buttons).toHaveLength(2);
    expect(buttons[0]?.closest('li')?.textContent).toContain('Billing is a mess');
    expect(buttons[1]?.closest('li')?.textContent).toContain('Support never answered');
    fireEvent.click(buttons[0]!);
    const opened = await screen.findByRole('link', { name: 'Follow-up opened in HubSpot.' });
    expect(opened.getAttribute('href')).toBe('https://app.hubspot.com/contacts/40001/record/0-5/9001');
    expect(opened.closest('[role="status"]')).not.toBeNull();
    expect(host.openFollowUp).toHaveBeenCalledWith(contactRef, unhappy.key);
  });

  it('says so when the answer’s follow-up already existed and was closed, without opening another', async () => {
    const { host } = await showContact();
    host.openFollowUp.mockResolvedValueOnce({ ok: true, value: { id: '77', url: null, created: false, closed: true } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Open a follow-up in HubSpot' })[0]!);
    await waitFor(() => expect(screen.getByText('This answer’s follow-up in HubSpot is already closed.').getAttribute('role')).toBe('status'));
  });

  it('says why when the CRM refused, and lets the user try again', async () => {
    const { host } = await showContact('HubSpot no longer accepts the saved token.');
    fireEvent.click(screen.getAllByRole('button', { name: 'Open a follow-up in HubSpot' })[0]!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The follow-up was not opened: HubSpot no longer accepts the saved token.'));
    fireEvent.click(screen.getAllByRole('button', { name: 'Open a follow-up in HubSpot' })[0]!);
    await waitFor(() => expect(host.openFollowUp).toHaveBeenCalledTimes(2));
  });
});
