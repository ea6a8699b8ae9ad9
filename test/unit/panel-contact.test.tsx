// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { saveRecordContext } from '../../core/store';
import {
  DAY,
  NOW,
  account,
  contact,
  contactRef,
  context,
  figure,
  freshDb,
  showRecordPanel,
  response,
  testHost,
  deal,
} from './panel-helpers';

afterEach(cleanup);

async function showContact(responses: ReturnType<typeof response>[], extra: Parameters<typeof context>[1] = {}) {
  const db = freshDb();
  await saveRecordContext(
    db,
    context(contactRef, {
      title: 'Ada Lovelace',
      focusContactKeys: [contact('101').key],
      account: account(),
      contacts: [contact('101', { name: 'Ada Lovelace', title: 'Head of Ops', lastSurveyedAt: NOW - DAY })],
      responses,
      ...extra,
    }),
  );
  const host = testHost();
  const utils = await showRecordPanel(db, host, contactRef);
  return { ...utils, db, host };
}

describe('contact view', () => {
  const history = [
    response('101', 4, NOW - 200 * DAY, { surveyName: 'Relationship NPS Q2', channel: 'email', comment: 'Slow support' }),
    response('101', 2, NOW - 150 * DAY, { kind: 'csat', scaleMax: 5, surveyName: 'Support CSAT', channel: 'chat' }),
    response('101', 5, NOW - 100 * DAY, { kind: 'csat', scaleMax: 5 }),
    response('101', 6, NOW - 20 * DAY, { kind: 'ces', scaleMax: 7, surveyName: 'Case closed', channel: 'support' }),
    response('101', 9, NOW - DAY, { surveyName: 'Relationship NPS Q4', channel: 'in-app', comment: 'Much better now 👍🏽' }),
  ];

  it('shows the latest NPS with its segment, trend, effort, CSAT and when the contact was last surveyed', async () => {
    const { container } = await showContact(history);
    const score = figure(container, 'contact-latest-score');
    expect(score?.getAttribute('data-ll-value')).toBe('9');
    expect(score?.textContent).toBe('9');
    expect(figure(container, 'contact-segment')?.getAttribute('data-ll-value')).toBe('promoter');
    expect(figure(container, 'contact-segment')?.textContent).toBe('Promoter');
    expect(screen.getByText('Improving: 4 → 9 since the previous answer')).toBeTruthy();

    const effort = screen.getByText('Effort (CES)').closest('div') as HTMLElement;
    expect(within(effort).getByText('6 of 7')).toBeTruthy();
    expect(within(effort).getByText('easy')).toBeTruthy();
    const csat = screen.getByText('CSAT', { selector: 'dt' }).closest('div') as HTMLElement;
    expect(within(csat).getByText('5 of 5')).toBeTruthy();
    // One of two CSAT answers is a 4 or 5.
    expect(within(csat).getByText('1 of 2 answers satisfied (4 or 5 of 5)')).toBeTruthy();

    expect(screen.getByText(/Last surveyed yesterday/)).toBeTruthy();
    expect(screen.getByText(/do not survey again before/)).toBeTruthy();
    expect(screen.getByText('Promoter: a candidate for a reference, a review or a community invite.')).toBeTruthy();
  });

  it('draws every response on its own scale with NPS segment bands', async () => {
    const { container } = await showContact(history);
    const chart = screen.getByRole('group', { name: /Score history: 5 responses from/ });
    expect(chart.querySelectorAll('.lane')).toHaveLength(2);
    expect(chart.querySelector('.lane-nps .band-detractor')).toBeTruthy();
    expect(chart.querySelector('.lane-nps .band-promoter')).toBeTruthy();
    expect(chart.querySelectorAll('.lane-nps circle')).toHaveLength(2);
    expect(chart.querySelectorAll('.lane-csat circle')).toHaveLength(2);
    // A single effort answer is said in words, not drawn as a lone dot.
    expect(chart.querySelector('.lane-ces')).toBeNull();
    expect(container.querySelector('.chart-single')?.textContent).toMatch(/^Effort: 6 of 7 · /);
    // The NPS 9 sits higher (smaller y) than the NPS 4.
    const [older, latest] = [...chart.querySelectorAll('.lane-nps circle')].map((c) => Number(c.getAttribute('cy')));
    expect(latest).toBeLessThan(older ?? 0);
    expect(container.querySelector('.lane-csat .lane-label')?.textContent).toBe('CSAT');
  });

  it('lists responses newest first with survey, channel, date and comment', async () => {
    await showContact(history);
    const list = screen.getByRole('heading', { name: '5 responses' }).closest('section') as HTMLElement;
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(5);
    expect(items[0]?.textContent).toContain('NPS');
    expect(items[0]?.textContent).toContain('9 of 10');
    expect(items[0]?.textContent).toContain('Relationship NPS Q4 · via in-app');
    expect(items[0]?.textContent).toContain('Much better now 👍🏽');
    expect(items[4]?.textContent).toContain('Slow support');
    expect(items[4]?.querySelector('time')?.getAttribute('datetime')).toBe(new Date(NOW - 200 * DAY).toISOString());
  });

  it('shows a declining trend', async () => {
    const { container } = await showContact([response('101', 10, NOW - 30 * DAY), response('101', 3, NOW - DAY)]);
    expect(screen.getByText('Declining: 10 → 3 since the previous answer')).toBeTruthy();
    expect(figure(container, 'contact-segment')?.textContent).toBe('Detractor');
    expect(figure(container, 'contact-segment')?.getAttribute('data-ll-value')).toBe('detractor');
  });

  it('includes the account roll-up as a section', async () => {
    const { container } = await showContact([response('101', 3, NOW - DAY)], {
      contacts: [contact('101', { name: 'Ada Lovelace' }), contact('102')],
      responses: [response('101', 3, NOW - DAY), response('102', 10, NOW - 2 * DAY)],
      deals: [deal('d1', 120_000, ['101', '102']), deal('d2', 30_000, ['102'])],
    });
    expect(screen.getByRole('heading', { level: 2, name: 'Account: Acme Corp' })).toBeTruthy();
    expect(figure(container, 'account-nps')?.getAttribute('data-ll-value')).toBe('0');
    expect(figure(container, 'account-n')?.getAttribute('data-ll-value')).toBe('2');
    expect(screen.getByText('Too few responses (2) for an account NPS')).toBeTruthy();
    // Ada (3) is a detractor on D1 only.
    expect(figure(container, 'revenue-at-risk')?.getAttribute('data-ll-value')).toBe('120000');
    expect(figure(container, 'revenue-rest')?.getAttribute('data-ll-value')).toBe('30000');
  });

  it('renders a hostile comment as text, never as markup', async () => {
    const { container } = await showContact([response('101', 2, NOW - DAY, { comment: '<img src=x onerror=alert(1)>' })]);
    // Quoted under "Needs you now" (no follow-up yet) and in the responses.
    expect(screen.getAllByText('<img src=x onerror=alert(1)>')).toHaveLength(2);
    expect(container.querySelector('img')).toBeNull();
  });

  it('gives comments dir="auto" so right-to-left text displays correctly', async () => {
    await showContact([response('101', 7, NOW - DAY, { comment: 'השירות היה מצוין 🙂' })]);
    const comment = screen.getByText('השירות היה מצוין 🙂');
    expect(comment.getAttribute('dir')).toBe('auto');
  });

  it('collapses a long comment behind "Show more" without splitting an emoji', async () => {
    const long = `${'Very long feedback. '.repeat(11)}👨‍👩‍👧 and the rest of the story that is hidden at first`;
    await showContact([response('101', 5, NOW - DAY, { comment: long })]);
    const button = screen.getByRole('button', { name: 'Show more' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText(long)).toBeNull();
    const shortened = document.getElementById(button.getAttribute('aria-controls') ?? '')?.textContent ?? '';
    expect(shortened.endsWith('…')).toBe(true);
    expect(shortened).not.toMatch(/\u200d…$/);
    fireEvent.click(button);
    expect(screen.getByText(long)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Show less' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('caps a long response list with "Show more"', async () => {
    const many = Array.from({ length: 14 }, (_, i) => response('101', i % 11, NOW - (i + 1) * DAY));
    await showContact(many);
    const list = screen.getByRole('heading', { name: '14 responses' }).closest('section') as HTMLElement;
    expect(within(list).getAllByRole('listitem')).toHaveLength(10);
    fireEvent.click(within(list).getByRole('button', { name: 'Show 4 more' }));
    expect(within(list).getAllByRole('listitem')).toHaveLength(14);
  });
});
