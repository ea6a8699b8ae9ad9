// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { saveRecordContext } from '../../core/store';
import type { RecordContext } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { DAY, HOUR, NOW, account, companyRef, contact, contactRef, context, figure, followUp, freshDb, loop, showRecordPanel, response, testHost } from './panel-helpers';

afterEach(cleanup);

const r = {
  before: response('101', 4, NOW - 30 * DAY, { comment: 'Billing was wrong twice' }),
  effort: response('101', 2, NOW - 3 * DAY, { kind: 'ces', scaleMax: 7 }),
  latest: response('101', 9, NOW - DAY, { comment: 'Fixed, thank you!' }),
};

const billingCallBack = followUp('t1', { responseKey: r.latest.key, title: 'Call back about billing', dueAt: NOW + 5 * HOUR });

/** Ada's contact panel: her answers, the billing call-back, one logged loop; `extra` changes what the test is about. */
async function showCallPanel(host = testHost(), extra: Partial<RecordContext> = {}) {
  const db = freshDb();
  await saveRecordContext(
    db,
    context(contactRef, {
      title: 'Ada Lovelace',
      focusContactKeys: [contact('101').key],
      account: account(),
      contacts: [contact('101', { name: 'Ada Lovelace' })],
      responses: Object.values(r),
      followUps: [billingCallBack],
      loops: [loop('101', NOW - 10 * DAY)],
      ...extra,
    }),
  );
  const utils = await showRecordPanel(db, host, contactRef);
  return { ...utils, host };
}

const toggle = () => screen.getByRole('button', { name: 'Call mode' });

/** The call card, once its code has loaded (it loads on demand). */
async function callCard(container: HTMLElement): Promise<HTMLElement> {
  await waitFor(() => expect(container.querySelector('.call-card')).toBeTruthy());
  return container.querySelector('.call-card') as HTMLElement;
}

describe('call mode', () => {
  it('switches to a compact card with the button and remembers it', async () => {
    const { root, host, container } = await showCallPanel();
    expect(toggle().getAttribute('aria-pressed')).toBe('false');
    expect(root().classList.contains('call-mode')).toBe(false);
    fireEvent.click(toggle());
    expect(toggle().getAttribute('aria-pressed')).toBe('true');
    expect(host.callMode).toBe(true);
    const card = await callCard(container);
    expect(screen.queryByRole('group', { name: /Score history/ })).toBeNull();
    expect(figure(card, 'contact-latest-score')?.getAttribute('data-ll-value')).toBe('9');
    expect(figure(card, 'contact-segment')?.getAttribute('data-ll-value')).toBe('promoter');
    expect(card.textContent).toContain('Fixed, thank you!');
    expect(card.textContent).toContain('Call back about billing');
    expect(card.querySelector('.sla')?.textContent).toBe('Due in 5h');
    expect(card.textContent).toContain('2 of 7 · high effort');
    // The last logged outcome (a loop 10 days ago) is named with its result and what was written; since then the
    // NPS moved from 4 to 9, with 2 new answers.
    expect(card.textContent).toContain('Last logged outcome');
    expect(card.textContent).toContain('· Reached and resolved');
    expect(card.textContent).toContain('Called back');
    expect(card.textContent).toContain('Since then');
    expect(card.textContent).toContain('NPS 4 → 9');
    expect(card.textContent).toContain('2 new responses');
  });

  it('acts: the card offers Log outcome for its open follow-up, and Alt+Shift+O opens the form', async () => {
    const { container, host } = await showCallPanel();
    fireEvent.click(toggle());
    const card = await callCard(container);
    const log = within(card).getByRole('button', { name: 'Log outcome' });
    expect(log.getAttribute('aria-keyshortcuts')).toBe('Alt+Shift+O');
    fireEvent.keyDown(window, { code: 'KeyO', key: 'O', altKey: true, shiftKey: true });
    const form = await within(card).findByRole('form', { name: 'Log the outcome for Ada Lovelace' });
    expect(within(form).getByText('Follow-up: Call back about billing')).toBeTruthy();
    fireEvent.click(within(form).getByLabelText('Reached and resolved'));
    fireEvent.click(within(form).getByRole('button', { name: 'Save to HubSpot' }));
    await waitFor(() => expect(host.logOutcome).toHaveBeenCalledOnce());
    expect(host.logOutcome.mock.calls[0]?.[0]).toMatchObject({ contactId: '101', followUpId: 't1', result: 'reached-resolved' });
  });

  it('toggles with Alt+Shift+K inside the panel and with the pushed keyboard command', async () => {
    const { root, host } = await showCallPanel();
    fireEvent.keyDown(window, { key: 'K', code: 'KeyK', altKey: true, shiftKey: true });
    expect(root().classList.contains('call-mode')).toBe(true);
    act(() => host.port().push({ type: 'call-mode.toggle' }));
    expect(root().classList.contains('call-mode')).toBe(false);
    expect(host.callMode).toBe(false);
    fireEvent.keyDown(window, { key: 'k', code: 'KeyK', altKey: true });
    expect(root().classList.contains('call-mode')).toBe(false);
  });

  it('starts in call mode when it was left on, and otherwise follows the team default', async () => {
    const remembered = await showCallPanel(testHost({ callMode: true }));
    expect(remembered.container.querySelector('.call-card')).toBeTruthy();
    cleanup();
    const teamDefault = await showCallPanel(testHost({ settings: { ...DEFAULT_SETTINGS, ui: { ...DEFAULT_SETTINGS.ui, callModeDefault: true } } }));
    expect(teamDefault.container.querySelector('.call-card')).toBeTruthy();
    fireEvent.click(toggle());
    expect(teamDefault.container.querySelector('.call-card')).toBeNull();
  });

  it('names the other open follow-ups, and the last outcome by its result, in the language of the panel', async () => {
    const { container } = await showCallPanel(testHost({ callMode: true, languages: ['ru-RU'] }), {
      followUps: [
        billingCallBack,
        followUp('t2', { title: 'Send the credit note', dueAt: NOW + 2 * DAY }),
        followUp('t3', { title: 'Check the March invoice', dueAt: NOW + 3 * DAY }),
      ],
      loops: [loop('101', NOW - 10 * DAY, { result: 'no-answer', summary: '' })],
    });
    const card = await callCard(container);
    expect(figure(card, 'open-followups')?.getAttribute('data-ll-value')).toBe('3');
    expect(card.querySelector('.call-more')?.textContent).toBe('и ещё 2 открытые задачи по отзыву');
    expect(card.textContent).toContain('Последний записанный итог');
    expect(card.textContent).toContain('· Не ответил');
  });

  it('on an account under the minimum n, says too few instead of a headline NPS, counting people', async () => {
    // Latest per contact: 10 and 9 — NPS +100 from two people is no headline.
    const db = freshDb();
    await saveRecordContext(
      db,
      context(companyRef, {
        title: 'Acme Corp',
        account: account(),
        contacts: [contact('1', { name: 'Ann' }), contact('2', { name: 'Bo' })],
        responses: [response('1', 10, NOW - DAY), response('2', 9, NOW - 2 * DAY)],
      }),
    );
    const { container } = await showRecordPanel(db, testHost({ callMode: true }), companyRef, ['ready', 'empty']);
    const card = await callCard(container);
    expect(figure(card, 'account-nps')).toBeNull();
    expect(card.querySelector('.too-few')?.textContent).toBe('Too few responses (2) for an account NPS');
    expect(card.textContent).toContain('n = 2 people');
    expect(card.textContent).not.toContain('±');
  });
});
