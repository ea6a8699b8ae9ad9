// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { saveRecordContext } from '../../core/store';
import type { RecordContext } from '../../core/schema';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { DAY, NOW, account, companyRef, contact, context, counts, deal, figure, freshDb, showRecordPanel, response, testHost, untilAccountDetails } from './panel-helpers';

afterEach(cleanup);

async function showAccount(extra: Partial<RecordContext>, settings?: Settings) {
  const db = freshDb();
  await saveRecordContext(db, context(companyRef, { title: 'Acme Corp', account: account(), ...extra }));
  const host = testHost({ settings });
  const utils = await showRecordPanel(db, host, companyRef, ['ready', 'empty']);
  await untilAccountDetails(utils.container);
  return utils;
}

/** The CRM (here: one that cannot list by the latest score) answered: the panel lists the contacts read. */
async function untilListedFromRead(list: HTMLElement) {
  await waitFor(() => expect(within(list).getByRole('note').textContent).toMatch(/Until then/));
}

// Latest per contact: 10, 9 (promoters), 7 (passive), 3, 6 (detractors); contact 6 never answered.
// n = 5, NPS = 40% − 40% = 0; variance = 0.8 − 0² = 0.8; margin = 1.96 · √(0.8 / 5) · 100 = 78.4.
const small: Partial<RecordContext> = {
  contacts: [
    contact('1', { name: 'Ann', title: 'CEO' }),
    contact('2', { name: 'Bob', title: 'CFO' }),
    contact('3', { name: 'Cid' }),
    contact('4', { name: 'Dee', title: 'Buyer' }),
    contact('5', { name: 'Eve' }),
    contact('6', { name: 'Fay' }),
  ],
  responses: [
    response('1', 2, Date.UTC(2026, 1, 10)),
    response('1', 10, NOW - 10 * DAY),
    response('2', 9, NOW - 20 * DAY),
    response('3', 7, NOW - 30 * DAY),
    response('4', 3, NOW - 5 * DAY),
    response('5', 6, NOW - 40 * DAY),
  ],
};

describe('account view', () => {
  it('rolls up the buying group with n, margin, distribution and the method named', async () => {
    const { container } = await showAccount(small);
    expect(screen.getByRole('heading', { level: 2, name: 'Acme Corp' })).toBeTruthy();
    expect(figure(container, 'account-nps')?.getAttribute('data-ll-value')).toBe('0');
    expect(figure(container, 'account-nps')?.textContent).toBe('0');
    expect(figure(container, 'account-n')?.getAttribute('data-ll-value')).toBe('5');
    expect(figure(container, 'account-n')?.textContent).toBe('n = 5 people');
    expect(Number(figure(container, 'account-margin')?.getAttribute('data-ll-value'))).toBeCloseTo(78.4, 6);
    expect(figure(container, 'account-margin')?.textContent).toBe('±78');
    expect(screen.queryByText(/Too few responses/)).toBeNull();
    expect(screen.getByText('Method: latest response per contact')).toBeTruthy();
    const legend = [...container.querySelectorAll('.distribution-legend li')].map((li) => li.textContent);
    expect(legend).toEqual(['Promoter: 2 (40%)', 'Passive: 1 (20%)', 'Detractor: 2 (40%)']);
  });

  it('revenue at risk: the open deals a detractor is on, each in its currency; the rest of the pipeline apart', async () => {
    // Latest answers: Dee (4) 3 and Eve (5) 6 are detractors; Ann (1) 10 and Bob (2) 9 are not.
    // D1 $80,000 (Dee, Ann) and D3 €10,000 (Eve) are at risk; D2 $40,000 (Bob) and D4 $15,000 (nobody) are the rest.
    const { container } = await showAccount({
      ...small,
      deals: [
        deal('d1', 80_000, ['4', '1']),
        deal('d2', 40_000, ['2']),
        deal('d3', 10_000, ['5'], { currency: 'EUR' }),
        deal('d4', 15_000, []),
      ],
    });
    const risk = figure(container, 'revenue-at-risk');
    expect(risk?.getAttribute('data-ll-value')).toBe('80000 USD + 10000 EUR');
    expect(risk?.textContent).toBe('$80,000 + €10,000');
    expect(screen.getByText('Open deals on which a detractor is a contact.')).toBeTruthy();
    const atRisk = [...container.querySelectorAll('.risk-deals li')].map((li) => li.textContent);
    expect(atRisk).toEqual(['Deal d1 · $80,000 · Dee', 'Deal d3 · €10,000 · Eve']);
    expect(figure(container, 'revenue-rest')?.getAttribute('data-ll-value')).toBe('55000');
    expect(container.querySelector('.revenue-rest')?.textContent).toBe('Rest of the open pipeline (2 deals, no detractor on them): $55,000');
  });

  it('revenue at risk from a configured revenue field: its value once a detractor is in the roll-up', async () => {
    const { container } = await showAccount({ ...small, account: account({ revenueSource: 'field', revenueLabel: 'annualrevenue', revenue: 120_000 }) });
    expect(figure(container, 'revenue-at-risk')?.getAttribute('data-ll-value')).toBe('120000');
    expect(figure(container, 'revenue-at-risk')?.textContent).toBe('$120,000');
    expect(screen.getByText('2 detractors sit on this account (annualrevenue).')).toBeTruthy();
  });

  it('shows no revenue at risk without a detractor on a deal', async () => {
    const { container } = await showAccount({ contacts: [contact('1')], responses: [response('1', 9, NOW - DAY)], deals: [deal('d1', 20_000, ['1'])] });
    expect(figure(container, 'revenue-at-risk')?.getAttribute('data-ll-value')).toBe('0');
    expect(figure(container, 'revenue-rest')?.textContent).toBe('$20,000');
  });

  it('lists every contact with segment, title and last response: detractors 0–3, 4–6, passives, promoters, no answer', async () => {
    await showAccount(small);
    const list = screen.getByRole('heading', { name: '6 contacts' }).closest('section') as HTMLElement;
    const items = within(list).getAllByRole('listitem');
    const rows = items.map((li) => li.textContent ?? '');
    expect(items.map((li) => li.querySelector('.contact-name')?.textContent?.split(' ')[0])).toEqual(['Dee', 'Eve', 'Cid', 'Ann', 'Bob', 'Fay']);
    expect(rows[0]).toContain('Buyer');
    expect(rows[0]).toContain('3 · Detractor');
    expect(rows[0]).toContain('5 days ago');
    expect(rows[2]).toContain('7 · Passive');
    expect(rows[3]).toContain('10 · Promoter');
    expect(rows[3]).toContain('Invite');
    expect(rows[5]).toContain('No response');
    expect(within(list).getByText('Detractors first (0–3, then 4–6), then passives, promoters and those without an answer.')).toBeTruthy();
    // Everyone is read: nothing to say about a part of the list.
    expect(list.querySelector('.contacts-read')).toBeNull();
  });

  it('shows NPS by quarter, every answer of the quarter', async () => {
    await showAccount(small);
    const table = screen.getByRole('table');
    const body = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    // 2026-Q1: a single 2 → −100, greyed and said to be too few.
    expect(body[0]).toEqual(['Q1 2026', '-100 · too few', '1']);
    expect(table.querySelector('tbody tr')?.className).toBe('low-n');
    const q4 = body.find((row) => row[0] === 'Q4 2026');
    // Q4 (Oct–Nov): 10, 9, 7, 3, 6 → 2 promoters, 2 detractors of 5 → 0.
    expect(q4).toEqual(['Q4 2026', '0', '5']);
    expect(table.querySelectorAll('tr.low-n')).toHaveLength(1);
    expect(screen.getByText('Greyed: fewer than 5 responses, too few for a reliable NPS.')).toBeTruthy();
  });

  it('keeps twelve quarters compact: a line of all of them, the last four in the table, the rest on request', async () => {
    // One answer a month for three years (2023-Q4 to 2026-Q3): every quarter has three, under the minimum of five…
    const months = Array.from({ length: 36 }, (_, i) => Date.UTC(2023, 9 + i, 15));
    // …except the last, which gets two more.
    const extra = [Date.UTC(2026, 8, 2), Date.UTC(2026, 8, 3)];
    const { container } = await showAccount({
      contacts: [contact('1'), contact('2'), contact('3'), contact('4'), contact('5')],
      responses: [...months, ...extra].map((at, i) => response(String((i % 5) + 1), i % 2 === 0 ? 9 : 3, at)),
    });
    const section = screen.getByRole('heading', { name: 'NPS by quarter' }).closest('section') as HTMLElement;
    expect(section.querySelectorAll('.quarter-sparkline circle')).toHaveLength(12);
    expect(section.querySelectorAll('.quarter-sparkline circle.low-n')).toHaveLength(11);
    const rows = () => [...section.querySelectorAll('.quarters tbody th')].map((th) => th.textContent);
    expect(rows()).toEqual(['Q4 2025', 'Q1 2026', 'Q2 2026', 'Q3 2026']);
    expect(section.querySelector('.quarters tbody tr:last-child')?.className).toBe('');
    const more = within(section).getByRole('button', { name: 'Show all 12 quarters' });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(more);
    expect(rows()).toHaveLength(12);
    expect(rows()[0]).toBe('Q4 2023');
    fireEvent.click(within(section).getByRole('button', { name: 'Show the last 4 quarters' }));
    expect(rows()).toHaveLength(4);
    expect(container.querySelector('.contact-list')).toBeTruthy();
  });

  it('says "too few responses" with the margin for a small sample', async () => {
    // 10, 9, 3: NPS = 66.7% − 33.3% = 33.3; variance = 1 − (1/3)² = 8/9; margin = 1.96 · √(8/27) · 100 ≈ 106.7.
    const { container } = await showAccount({
      contacts: [contact('1'), contact('2'), contact('3')],
      responses: [response('1', 10, NOW - DAY), response('2', 9, NOW - DAY), response('3', 3, NOW - DAY)],
    });
    expect(screen.getByText(/^Too few responses \(\d+\) for an account NPS$/)).toBeTruthy();
    expect(Number(figure(container, 'account-nps')?.getAttribute('data-ll-value'))).toBeCloseTo(100 / 3, 9);
    expect(figure(container, 'account-nps')?.textContent).toBe('+33');
    expect(Number(figure(container, 'account-margin')?.getAttribute('data-ll-value'))).toBeCloseTo(196 * Math.sqrt(8 / 27), 9);
    expect(figure(container, 'account-n')?.textContent).toBe('n = 3 people');
  });

  it('names the window method with its days', async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, rules: { ...DEFAULT_SETTINGS.rules, rollup: { ...DEFAULT_SETTINGS.rules.rollup, method: 'window', windowDays: 90 } } };
    const { container } = await showAccount(small, settings);
    expect(screen.getByText('Method: every response in the last 90 days')).toBeTruthy();
    // The 2026-02 answer is outside 90 days: 10, 9, 7, 3, 6 remain.
    expect(figure(container, 'account-n')?.getAttribute('data-ll-value')).toBe('5');
  });

  it('says "No survey responses yet" for an account nobody answered', async () => {
    const { root } = await showAccount({ contacts: [contact('1')] });
    expect(root().getAttribute('data-ll-state')).toBe('empty');
    expect(screen.getByText('No survey responses yet')).toBeTruthy();
  });

  it('uses the counts the CRM computed for a big account and pages its contacts', async () => {
    // 1,200 promoters, 800 passives, 500 detractors of 2,500: NPS = 48 − 20 = 28;
    // variance = 0.68 − 0.28² = 0.6016; margin = 1.96 · √(0.6016 / 2500) · 100 ≈ 3.0405.
    const contacts = Array.from({ length: 60 }, (_, i) => contact(`c${i}`, { name: `Person ${String(i).padStart(2, '0')}` }));
    const { container } = await showAccount({
      account: account({ contactCount: 2500, revenue: 5_000_000 }),
      accountCounts: counts({
        promoters: 1200,
        passives: 800,
        detractors: 500,
        respondents: 2500,
        byQuarter: [
          { quarter: '2026-Q4', promoters: 300, passives: 200, detractors: 100 },
          { quarter: '2026-Q3', promoters: 100, passives: 0, detractors: 100 },
        ],
      }),
      contacts,
      responses: [response('c0', 2, NOW - DAY), response('c0', 9, NOW - 90 * DAY)],
      deals: [deal('big', 250_000, ['c0', 'c1'])],
    });
    expect(Number(figure(container, 'account-nps')?.getAttribute('data-ll-value'))).toBeCloseTo(28, 9);
    expect(figure(container, 'account-nps')?.textContent).toBe('+28');
    expect(figure(container, 'account-n')?.getAttribute('data-ll-value')).toBe('2500');
    expect(figure(container, 'account-n')?.textContent).toBe('n = 2,500 people');
    expect(Number(figure(container, 'account-margin')?.getAttribute('data-ll-value'))).toBeCloseTo(196 * Math.sqrt(0.6016 / 2500), 9);
    expect(figure(container, 'revenue-at-risk')?.textContent).toBe('$250,000');
    const quarters = [...container.querySelectorAll('.quarters tbody th')].map((th) => th.textContent);
    expect(quarters).toEqual(['Q3 2026', 'Q4 2026']);

    const list = screen.getByRole('heading', { name: '2,500 contacts' }).closest('section') as HTMLElement;
    await untilListedFromRead(list);
    expect(within(list).getAllByRole('listitem')).toHaveLength(25);
    expect(within(list).getAllByRole('listitem')[0]?.textContent).toContain('2 · Detractor');
    // The list pages through the 60 contacts read, and says the CRM holds the rest.
    expect(within(list).getByRole('note').textContent).toMatch(/Until then: sorted, filtered and searched among the 60 contacts read of 2,500\.$/);
    fireEvent.click(within(list).getByRole('button', { name: 'Show 35 more of 60' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(60));
    expect(within(list).queryByRole('button', { name: /^Show \d+ more/ })).toBeNull();
  });

  it('says why a big account has no NPS by quarter when the CRM could not count it', async () => {
    const { container } = await showAccount({
      account: account({ contactCount: 2500 }),
      accountCounts: counts({ promoters: 1200, passives: 800, detractors: 500, respondents: 2500, byQuarter: [] }),
      contacts: [contact('c0')],
      responses: [response('c0', 9, NOW - DAY)],
    });
    const section = screen.getByRole('heading', { name: 'NPS by quarter' }).closest('section') as HTMLElement;
    expect(section.textContent).toContain('Not counted for an account this large');
    expect(container.querySelector('.quarters')).toBeNull();
  });
});

describe('a big account’s contacts', () => {
  // 2,500 contacts; the CRM counted 1,200 promoters, 800 passives, 300 detractors (2,300 answered, 200 did not).
  // Read so far: 40 contacts — 10 promoters (9), 10 passives (8), 5 detractors at 5, 5 at 2, 10 without an answer.
  const scores = [...Array<number>(10).fill(9), ...Array<number>(10).fill(8), ...Array<number>(5).fill(5), ...Array<number>(5).fill(2)];
  const big: Partial<RecordContext> = {
    account: account({ contactCount: 2500 }),
    accountCounts: counts({ promoters: 1200, passives: 800, detractors: 300, respondents: 2300 }),
    contacts: Array.from({ length: 40 }, (_, i) => contact(`c${i}`, { name: i === 33 ? 'Zoë Ångström' : `Person ${String(i).padStart(2, '0')}` })),
    responses: scores.map((score, i) => response(`c${i}`, score, NOW - (i + 1) * DAY)),
  };

  function contactSection() {
    return screen.getByRole('heading', { name: '2,500 contacts' }).closest('section') as HTMLElement;
  }
  const segments = (list: HTMLElement) => [...list.querySelectorAll('.contact-row')].map((li) => li.getAttribute('data-ll-contact-score'));

  it('lists detractors first, 0–3 before 4–6, then passives, promoters and no answer', async () => {
    await showAccount(big);
    const list = contactSection();
    await untilListedFromRead(list);
    const shown = segments(list);
    expect(shown).toHaveLength(25);
    expect(shown).toEqual([...Array<string>(5).fill('2'), ...Array<string>(5).fill('5'), ...Array<string>(10).fill('8'), ...Array<string>(5).fill('9')]);
    fireEvent.click(within(list).getByRole('button', { name: 'Show 15 more of 40' }));
    await waitFor(() => expect(segments(list)).toHaveLength(40));
    expect(segments(list).slice(25)).toEqual([...Array<string>(5).fill('9'), ...Array<string>(10).fill('')]);
  });

  it('offers segment chips with the counts the CRM made, and filters the contacts read', async () => {
    await showAccount(big);
    const list = contactSection();
    await untilListedFromRead(list);
    const chips = within(list).getByRole('group', { name: 'Show contacts' });
    expect(within(chips).getAllByRole('button').map((b) => [b.textContent, b.getAttribute('aria-pressed')])).toEqual([
      ['All (2,500)', 'true'],
      ['Detractors (300)', 'false'],
      ['Passives (800)', 'false'],
      ['Promoters (1,200)', 'false'],
      ['No answer (200)', 'false'],
    ]);
    fireEvent.click(within(chips).getByRole('button', { name: 'Passives (800)' }));
    await waitFor(() => expect(segments(list)).toEqual(Array<string>(10).fill('8')));
    expect(within(chips).getByRole('button', { name: 'Passives (800)' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(list).getByRole('status').textContent).toBe('10 contacts match');
    fireEvent.click(within(chips).getByRole('button', { name: 'No answer (200)' }));
    await waitFor(() => expect(segments(list)).toEqual(Array<string>(10).fill('')));
    fireEvent.click(within(chips).getByRole('button', { name: 'All (2,500)' }));
    await waitFor(() => expect(segments(list)).toHaveLength(25));
  });

  it('finds a contact by name, ignoring case and accents, and says when none read matches', async () => {
    await showAccount(big);
    const list = contactSection();
    await untilListedFromRead(list);
    const search = within(list).getByRole('searchbox', { name: 'Find a contact by name' });
    fireEvent.change(search, { target: { value: 'zoe angstrom' } });
    await waitFor(() => expect(within(list).getAllByRole('listitem').map((li) => li.querySelector('.contact-name')?.textContent)).toEqual(['Zoë Ångström']));
    expect(within(list).getByRole('status').textContent).toBe('1 contact matches');
    fireEvent.change(search, { target: { value: 'nobody here' } });
    await waitFor(() => expect(within(list).getByRole('status').textContent).toBe('No contact read so far matches.'));
    expect(within(list).queryAllByRole('listitem')).toHaveLength(0);
  });

  it('shows chips without counts where the CRM counted answers, not people', async () => {
    await showAccount({ ...big, accountCounts: counts({ method: 'window', counted: 'answers', windowDays: 90, promoters: 1200, passives: 800, detractors: 300, respondents: 2300 }) });
    const chips = within(contactSection()).getByRole('group', { name: 'Show contacts' });
    expect(within(chips).getAllByRole('button').map((b) => b.textContent)).toEqual(['All', 'Detractors', 'Passives', 'Promoters', 'No answer']);
  });

  it('a small account counts its chips from every contact', async () => {
    await showAccount(small);
    const chips = within(screen.getByRole('heading', { name: '6 contacts' }).closest('section') as HTMLElement).getByRole('group', { name: 'Show contacts' });
    expect(within(chips).getAllByRole('button').map((b) => b.textContent)).toEqual(['All (6)', 'Detractors (2)', 'Passives (1)', 'Promoters (2)', 'No answer (1)']);
  });
});
