import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../core/settings';
import {
  badgeText,
  crmPartState,
  firstLine,
  loopDue,
  overdueCount,
  rankLoops,
  suggestedAssignee,
  worklistState,
  type CrmPart,
  type WorklistRead,
  type WorklistRow,
} from '../../core/worklist';
import { worklistRowSchema } from '../../core/worklist-schema';

const rules = DEFAULT_SETTINGS.rules; // follow-up ≤ 6, urgent ≤ 3, detractor SLA 48 h, passives 5 business days
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 4, 12); // a Wednesday

function row(id: string, over: Partial<WorklistRow> & { nps?: number | null; answeredHoursAgo?: number; revenue?: number | null } = {}): WorklistRow {
  const { nps, answeredHoursAgo, revenue, ...rest } = over;
  const answeredAt = NOW - (answeredHoursAgo ?? 10) * HOUR;
  return worklistRowSchema.parse({
    key: `hubspot|40001|${id}`,
    crm: 'hubspot',
    instance: '40001',
    id,
    kind: 'ticket',
    title: `Loop ${id}`,
    statusLabel: null,
    ownerId: '70007',
    ownerName: 'Nora Quist',
    contact: { id: `c${id}`, name: `Customer ${id}`, url: null },
    account: revenue === undefined ? null : { id: `a${id}`, name: `Account ${id}`, revenue, currency: 'USD', ownerId: '70001', ownerName: 'Maya Lindgren' },
    score: nps === null || nps === undefined ? null : { kind: 'nps', value: nps, scaleMax: 10, submittedAt: answeredAt, comment: `Comment ${id}\nsecond line` },
    createdAt: answeredAt + HOUR,
    crmDueAt: null,
    url: null,
    ...rest,
  });
}

describe('the order to work loops in', () => {
  it.each([
    ['0–3 before 4–6 before the rest, whatever the due time', [row('a', { nps: 5, answeredHoursAgo: 100 }), row('b', { nps: 8 }), row('c', { nps: 2, answeredHoursAgo: 1 }), row('d', { nps: null })], ['c', 'a', 'b', 'd']],
    ['within a band, the earliest due first', [row('a', { nps: 1, answeredHoursAgo: 5 }), row('b', { nps: 3, answeredHoursAgo: 40 }), row('c', { nps: 0, answeredHoursAgo: 20 })], ['b', 'c', 'a']],
    ['the same due time: the larger revenue first, unknown last', [row('a', { nps: 4, revenue: 10_000 }), row('b', { nps: 4, revenue: null }), row('c', { nps: 6, revenue: 90_000 })], ['c', 'a', 'b']],
    ['equal loops keep the CRM order', [row('a', { nps: 2 }), row('b', { nps: 2 })], ['a', 'b']],
    ['a task’s own due date counts', [row('a', { nps: 5 }), row('b', { nps: 5, kind: 'task', crmDueAt: NOW - DAY })], ['b', 'a']],
  ])('%s', (_name, rows, order) => {
    expect(rankLoops(rows, rules, NOW).map((l) => l.row.id)).toEqual(order);
  });

  it('a CSAT answer is not an NPS score: the loop sorts as unscored but keeps its SLA', () => {
    const [loop] = rankLoops([row('a', { score: { kind: 'csat', value: 1, scaleMax: 5, submittedAt: NOW - HOUR, comment: null }, createdAt: NOW })], rules, NOW);
    expect(loop!.priority).toBe('unscored');
    expect(loop!.dueAt).toBe(NOW - HOUR + 48 * HOUR);
  });
});

describe('when a loop is due', () => {
  it.each([
    ['a detractor: 48 h from the answer', { nps: 3, answeredHoursAgo: 50 }, NOW - 50 * HOUR + 48 * HOUR],
    ['no answer: no SLA is known', { nps: null }, null],
    ['a task: its own due date', { nps: 2, crmDueAt: NOW + DAY }, NOW + DAY],
  ] as const)('%s', (_name, over, expected) => {
    const r = row('x', over);
    expect(loopDue(r, rules)).toBe(expected);
  });

  it('a passive answered on a Friday: five business days, so the next Friday', () => {
    const friday = Date.UTC(2026, 9, 30, 10);
    const r = row('x', { nps: 7 });
    expect(loopDue({ ...r, score: { ...r.score!, submittedAt: friday }, createdAt: friday + HOUR }, rules)).toBe(Date.UTC(2026, 10, 6, 10));
  });

  it('an answer newer than its follow-up does not restart the follow-up’s clock', () => {
    const r = row('x', { nps: 2 });
    expect(loopDue({ ...r, createdAt: NOW - 60 * HOUR, score: { ...r.score!, submittedAt: NOW - HOUR } }, rules)).toBe(NOW - 12 * HOUR);
  });
});

describe('overdue and the badge', () => {
  it('counts loops past due', () => {
    const loops = rankLoops([row('a', { nps: 2, answeredHoursAgo: 49 }), row('b', { nps: 2, answeredHoursAgo: 47 }), row('c', { nps: null })], rules, NOW);
    expect(overdueCount(loops)).toBe(1);
  });
  it.each([
    [null, ''],
    [0, ''],
    [7, '7'],
    [99, '99'],
    [500, '99+'],
  ])('overdue %s → “%s”', (n, text) => expect(badgeText(n)).toBe(text));
});

describe('words from rows', () => {
  it.each([
    [null, null],
    ['', null],
    ['\n  \nBilling is a mess.\nMore', 'Billing is a mess.'],
  ])('first line of %j', (text, line) => expect(firstLine(text)).toBe(line));

  it('suggests the relationship owner, not who has it now', () => {
    expect(suggestedAssignee(row('a', { revenue: 1 }))).toEqual({ id: '70001', name: 'Maya Lindgren' });
    expect(suggestedAssignee({ ...row('a', { revenue: 1 }), ownerId: '70001' })).toBeNull();
    expect(suggestedAssignee(row('a'))).toBeNull();
  });
});

const read = (crm: 'hubspot' | 'salesforce', rows: WorklistRow[], fetchedAt = NOW): WorklistRead => ({ crm, instance: 'x', ownerId: '1', rows, openTotal: rows.length, requestCount: 1, fetchedAt });
const me = { ownerId: '1', name: 'Me', fixed: false };
const part = (crm: 'hubspot' | 'salesforce', over: Partial<CrmPart>): CrmPart => ({ crm, connected: true, me, read: null, error: null, ...over });

describe('the states of the list', () => {
  it.each<[string, CrmPart[], string, string[]]>([
    ['nothing connected', [part('hubspot', { connected: false, me: null }), part('salesforce', { connected: false, me: null })], 'not-connected', []],
    ['HubSpot connected, nobody chosen', [part('hubspot', { me: null }), part('salesforce', { connected: false, me: null })], 'choose-me', []],
    ['asked, no answer yet', [part('hubspot', {})], 'loading', []],
    ['both answered with no loops', [part('hubspot', { read: read('hubspot', []) }), part('salesforce', { read: read('salesforce', []) })], 'empty', []],
    ['one CRM failing while the other lists loops', [part('hubspot', { read: read('hubspot', [row('a')]) }), part('salesforce', { error: { kind: 'server', message: 'down', at: NOW } })], 'ready', ['salesforce:offline']],
    ['offline with saved rows', [part('hubspot', { read: read('hubspot', [row('a')], NOW - HOUR), error: { kind: 'network', message: 'x', at: NOW } })], 'ready', ['hubspot:offline']],
    ['rate-limited', [part('hubspot', { read: read('hubspot', [row('a')]), error: { kind: 'rate-limit', message: 'x', at: NOW } })], 'ready', ['hubspot:rate-limited']],
    ['daily limit reached, nothing saved', [part('salesforce', { error: { kind: 'daily-limit', message: 'x', at: NOW } })], 'ready', ['salesforce:daily-limit']],
    ['no loops here, the other CRM failing: not “every loop is closed”', [part('hubspot', { read: read('hubspot', []) }), part('salesforce', { error: { kind: 'auth', message: 'x', at: NOW } })], 'ready', ['salesforce:error']],
  ])('%s', (_name, parts, name, notices) => {
    const state = worklistState(parts);
    expect(state.name).toBe(name);
    expect(state.notices.map((n) => `${n.crm}:${n.state}`)).toEqual(notices);
  });

  it('says how old the saved list is', () => {
    const state = worklistState([part('hubspot', { read: read('hubspot', [row('a')], NOW - 2 * HOUR), error: { kind: 'network', message: 'x', at: NOW } }), part('salesforce', { read: read('salesforce', [], NOW - HOUR) })]);
    expect(state.cachedAt).toBe(NOW - 2 * HOUR);
    expect(state.notices[0]!.cachedAt).toBe(NOW - 2 * HOUR);
  });

  it('each CRM part on its own', () => {
    expect(crmPartState(part('hubspot', { connected: false }))).toBe('not-connected');
    expect(crmPartState(part('hubspot', { error: { kind: 'timeout', message: '', at: 0 } }))).toBe('offline');
  });
});
