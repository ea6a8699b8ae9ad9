import { describe, expect, it } from 'vitest';
import {
  combineLoopCounts,
  combineTimings,
  medianCount,
  medianOffset,
  outcomeTiming,
  pairRecovery,
  RECOVERY_PAIR_MAX,
  recoveryOfWindow,
  timingUpdate,
  windowStart,
  type AnswerFact,
  type ClosedLoop,
  type CombinedShare,
  type LoopCounts,
  type LoopCountsPart,
  type LoopNumbers,
  type LoopTiming,
  type WindowCounts,
} from '../../core/loop-metrics';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 1);
const ago = (days: number, hours = 0) => NOW - days * DAY - hours * HOUR;

// The counts the sandbox CRMs give at two days after the seed (test/unit/worklist-connectors.test.ts), by hand from
// sandbox/hubspot/loop-owners.ts and sandbox/salesforce/loop-owners.ts; the team's figures are made up.
const w = (closed: number, sla: [number, number] | null, thanked: [number, number] | null, fc: [number, number | null] | null): WindowCounts => ({
  closed,
  withinSla: sla && { count: sla[0], n: sla[1] },
  thanked: thanked && { count: thanked[0], n: thanked[1] },
  firstContact: fc && { n: fc[0], medianHours: fc[1], beyondLimit: false },
  recovery: null,
});
const hubspotCounts: LoopCounts = {
  crm: 'hubspot',
  mine: { 30: w(3, [1, 2], [1, 2], [2, 17.25]), 90: w(4, [2, 3], [2, 3], [3, 12]) },
  team: { 30: w(40, [10, 20], [5, 20], [20, 30]), 90: w(120, [30, 60], [20, 60], [60, 40]) },
  missingFields: [],
  countedAt: NOW,
};
const salesforceCounts: LoopCounts = {
  crm: 'salesforce',
  mine: { 30: w(2, [1, 1], [1, 1], [1, 20]), 90: w(3, [1, 2], [1, 2], [2, 35]) },
  team: { 30: w(9, null, null, null), 90: w(30, null, null, null) },
  missingFields: [],
  countedAt: NOW,
};
const pct = (s: CombinedShare | null) => (s ? `${s.count}/${s.n}${s.notRecorded ? ` +${s.notRecorded}?` : ''}` : '×');
const line = (n: LoopNumbers) =>
  n.rows.map(
    (r) =>
      `${r.scope} ${r.windowDays}: ${r.closed ?? '—'} (${r.countedBy.join('+') || 'none'}) sla ${pct(r.withinSla)} thanked ${pct(r.thanked)} fc ${r.firstContact.map((f) => `${f.crm[0]}:${f.medianHours}/${f.n}`).join(' ') || '×'}`,
  );

describe('the loop’s numbers across the CRMs', () => {
  it.each<[string, LoopCountsPart[], string[], string[]]>([
    [
      'both CRMs counted: shares add up with their n and the loops not recorded; each CRM keeps its own median',
      [{ crm: 'hubspot', counts: hubspotCounts, failedKind: null }, { crm: 'salesforce', counts: salesforceCounts, failedKind: null }],
      [
        'me 30: 5 (hubspot+salesforce) sla 2/3 +2? thanked 2/3 +2? fc h:17.25/2 s:20/1',
        'me 90: 7 (hubspot+salesforce) sla 3/5 +2? thanked 3/5 +2? fc h:12/3 s:35/2',
        'team 30: 49 (hubspot+salesforce) sla 10/20 +20? thanked 5/20 +20? fc h:30/20',
        'team 90: 150 (hubspot+salesforce) sla 30/60 +60? thanked 20/60 +60? fc h:40/60',
      ],
      [],
    ],
    [
      'HubSpot failing: Salesforce alone, HubSpot named, never a zero',
      [{ crm: 'hubspot', counts: null, failedKind: 'network' }, { crm: 'salesforce', counts: salesforceCounts, failedKind: null }],
      [
        'me 30: 2 (salesforce) sla 1/1 +1? thanked 1/1 +1? fc s:20/1',
        'me 90: 3 (salesforce) sla 1/2 +1? thanked 1/2 +1? fc s:35/2',
        'team 30: 9 (salesforce) sla × thanked × fc ×',
        'team 90: 30 (salesforce) sla × thanked × fc ×',
      ],
      ['hubspot'],
    ],
    [
      'who "me" is not chosen in HubSpot: the team counts it, "me" does not',
      [{ crm: 'hubspot', counts: { ...hubspotCounts, mine: null }, failedKind: null }, { crm: 'salesforce', counts: salesforceCounts, failedKind: null }],
      [
        'me 30: 2 (salesforce) sla 1/1 +1? thanked 1/1 +1? fc s:20/1',
        'me 90: 3 (salesforce) sla 1/2 +1? thanked 1/2 +1? fc s:35/2',
        'team 30: 49 (hubspot+salesforce) sla 10/20 +20? thanked 5/20 +20? fc h:30/20',
        'team 90: 150 (hubspot+salesforce) sla 30/60 +60? thanked 20/60 +60? fc h:40/60',
      ],
      [],
    ],
    [
      'nothing counted',
      [{ crm: 'hubspot', counts: null, failedKind: 'server' }],
      ['me 30: — (none) sla × thanked × fc ×', 'me 90: — (none) sla × thanked × fc ×', 'team 30: — (none) sla × thanked × fc ×', 'team 90: — (none) sla × thanked × fc ×'],
      ['hubspot'],
    ],
  ])('%s', (_name, parts, rows, failed) => {
    const numbers = combineLoopCounts(parts);
    expect(line(numbers)).toEqual(rows);
    expect(numbers.failed.map((f) => f.crm)).toEqual(failed);
  });

  it('a share with nothing recorded has no value, never 0%', () => {
    const none: LoopCounts = { ...salesforceCounts, mine: { 30: w(2, [0, 0], [0, 0], [0, null]), 90: w(2, [0, 0], [0, 0], [0, null]) } };
    const row = combineLoopCounts([{ crm: 'salesforce', counts: none, failedKind: null }]).rows[0]!;
    expect(row.withinSla).toEqual({ count: 0, n: 0, value: null, notRecorded: 2, countedBy: ['salesforce'] });
    expect(row.firstContact).toEqual([{ crm: 'salesforce', n: 0, medianHours: null, beyondLimit: false, notRecorded: 2 }]);
  });

  it('names the loop fields a CRM lacks', () => {
    const numbers = combineLoopCounts([{ crm: 'hubspot', counts: { ...hubspotCounts, missingFields: ['loyalty_lens_sla'] }, failedKind: null }]);
    expect(numbers.missingFields).toEqual([{ crm: 'hubspot', fields: ['loyalty_lens_sla'] }]);
  });

  it('a window starts that many days before now', () => {
    expect(windowStart(NOW, 30)).toBe(ago(30));
    expect(windowStart(NOW, 90)).toBe(ago(90));
  });
});

describe('the timing an outcome records on its follow-up', () => {
  const answered = Date.UTC(2026, 10, 2, 9);
  const due = answered + 48 * HOUR;
  it.each<[string, Parameters<typeof outcomeTiming>[0], LoopTiming]>([
    ['closed in time, 5 h 15 min after the answer', { loggedAt: answered + 5.25 * HOUR, answeredAt: answered, dueAt: due, closeFollowUp: true }, { firstContactAt: answered + 5.25 * HOUR, firstContactHours: 5.3, sla: 'within' }],
    ['closed at the due minute is within', { loggedAt: due, answeredAt: answered, dueAt: due, closeFollowUp: true }, { firstContactAt: due, firstContactHours: 48, sla: 'within' }],
    ['closed a minute late', { loggedAt: due + 60_000, answeredAt: answered, dueAt: due, closeFollowUp: true }, { firstContactAt: due + 60_000, firstContactHours: 48, sla: 'late' }],
    ['not closing: no SLA result', { loggedAt: answered + HOUR, answeredAt: answered, dueAt: due, closeFollowUp: false }, { firstContactAt: answered + HOUR, firstContactHours: 1, sla: null }],
    ['no answer time, no due time (an outcome queued before these existed)', { loggedAt: answered, closeFollowUp: true }, { firstContactAt: answered, firstContactHours: null, sla: null }],
  ])('%s', (_name, outcome, expected) => expect(outcomeTiming(outcome)).toEqual(expected));

  it('several outcomes of one follow-up: the earliest contact, the SLA of the first close', () => {
    const a = outcomeTiming({ loggedAt: answered + 10 * HOUR, answeredAt: answered, dueAt: due, closeFollowUp: false });
    const b = outcomeTiming({ loggedAt: answered + 60 * HOUR, answeredAt: answered, dueAt: due, closeFollowUp: true });
    expect(combineTimings([b, a])).toEqual({ firstContactAt: answered + 10 * HOUR, firstContactHours: 10, sla: 'late' });
  });

  it.each<[string, Parameters<typeof timingUpdate>[0], Partial<LoopTiming>]>([
    ['an empty follow-up gets everything', { firstContactAt: null, firstContactHours: null, sla: null }, { firstContactAt: answered + 4 * HOUR, firstContactHours: 4, sla: 'within' }],
    ['the same again sends nothing', { firstContactAt: answered + 4 * HOUR, firstContactHours: 4, sla: 'within' }, {}],
    ['a later contact keeps the first; an SLA result stays', { firstContactAt: answered + HOUR, firstContactHours: 1, sla: 'late' }, {}],
    ['an earlier contact arriving late replaces it', { firstContactAt: answered + 9 * HOUR, firstContactHours: 9, sla: null }, { firstContactAt: answered + 4 * HOUR, firstContactHours: 4, sla: 'within' }],
  ])('%s', (_name, held, expected) => {
    expect(timingUpdate(held, outcomeTiming({ loggedAt: answered + 4 * HOUR, answeredAt: answered, dueAt: due, closeFollowUp: true }))).toEqual(expected);
  });

  it.each([
    [1, 0, 1],
    [2, 0, 2],
    [3, 1, 1],
    [4, 1, 2],
    [4001, 2000, 1],
  ])('the median of %i sorted values is read from offset %i, %i of them', (n, offset, take) => {
    expect(medianOffset(n)).toBe(offset);
    expect(medianCount(n)).toBe(take);
  });
});

// Recovery of closed loops, by hand: each loop follows up its customer's latest NPS answer at or before it was opened
// (within 30 days); a detractor loop (0–6) recovers when the customer's next answer is 7 or more.
const loop = (id: string, contactKey: string | null, openedDaysAgo: number, ownerId = 'nora', closedDaysAgo = openedDaysAgo - 2): ClosedLoop => ({
  id,
  ownerId,
  contactKey,
  openedAt: ago(openedDaysAgo),
  closedAt: ago(closedDaysAgo),
});
const npsOf = (contactKey: string, score: number, daysAgo: number, hours = 0): AnswerFact => ({ contactKey, score, submittedAt: ago(daysAgo, hours) });

describe('recovery: a detractor loop and its customer’s next answer', () => {
  it.each<[string, ClosedLoop[], AnswerFact[], [number, number, number]]>([
    ['next answer 7: recovered', [loop('a', 'olga', 20)], [npsOf('olga', 3, 20, 2), npsOf('olga', 7, 5)], [1, 1, 0]],
    ['next answer 6: answered again, not recovered', [loop('a', 'olga', 20)], [npsOf('olga', 3, 20, 2), npsOf('olga', 6, 5)], [0, 1, 0]],
    ['only the next answer counts, not a later 10', [loop('a', 'olga', 20)], [npsOf('olga', 3, 20, 2), npsOf('olga', 5, 10), npsOf('olga', 10, 1)], [0, 1, 0]],
    ['no answer since: not answered again, never "not recovered"', [loop('a', 'ben', 20)], [npsOf('ben', 0, 21)], [0, 0, 1]],
    ['a passive’s loop (8) is no detractor loop', [loop('a', 'ben', 20)], [npsOf('ben', 8, 20, 1), npsOf('ben', 9, 2)], [0, 0, 0]],
    ['the latest answer before the loop is its answer', [loop('a', 'ben', 20)], [npsOf('ben', 2, 40), npsOf('ben', 9, 21), npsOf('ben', 1, 3)], [0, 0, 0]],
    ['an answer more than 30 days before the loop is not its answer', [loop('a', 'ben', 20)], [npsOf('ben', 2, 51), npsOf('ben', 9, 3)], [0, 0, 0]],
    ['answers after the loop opened are not its answer', [loop('a', 'ben', 20)], [npsOf('ben', 2, 19), npsOf('ben', 9, 3)], [0, 0, 0]],
    ['a loop without a customer counts nowhere', [loop('a', null, 20)], [npsOf('ben', 2, 21)], [0, 0, 0]],
    ['another customer’s answer is not the next one', [loop('a', 'luis', 20)], [npsOf('luis', 4, 21), npsOf('hana', 10, 5)], [0, 0, 1]],
    ['a score outside 0–10 is no answer', [loop('a', 'luis', 20)], [npsOf('luis', 4, 21), npsOf('luis', 11, 5)], [0, 0, 1]],
    ['two loops of one answer (a ticket and a task) count the detractor once', [loop('a', 'olga', 20), loop('b', 'olga', 19)], [npsOf('olga', 2, 20, 2), npsOf('olga', 9, 5)], [1, 1, 0]],
    [
      'two loops of one answer, one detractor recovered and one not: 1 of 2',
      [loop('a', 'olga', 20), loop('b', 'olga', 19), loop('c', 'ben', 20)],
      [npsOf('olga', 2, 20, 2), npsOf('olga', 9, 5), npsOf('ben', 4, 20, 2), npsOf('ben', 5, 4)],
      [1, 2, 0],
    ],
    [
      'several loops and customers',
      [loop('a', 'olga', 20), loop('b', 'ben', 30), loop('c', 'luis', 10), loop('d', 'hana', 15)],
      [npsOf('olga', 3, 20, 2), npsOf('olga', 9, 5), npsOf('ben', 6, 30, 1), npsOf('ben', 4, 2), npsOf('luis', 0, 11), npsOf('hana', 10, 16)],
      [1, 2, 1],
    ],
  ])('%s', (_name, loops, answers, [recovered, n, notAnsweredAgain]) => {
    expect(pairRecovery(loops, answers)).toEqual({ recovered, n, notAnsweredAgain });
  });

  // The team's three loops read (newest closed first), Nora's two among them.
  const read = {
    team: [loop('a', 'olga', 12), loop('b', 'ben', 42, 'ivan'), loop('c', 'luis', 60)],
    mine: null,
    answers: [npsOf('olga', 3, 12, 1), npsOf('olga', 9, 2), npsOf('ben', 2, 42, 1), npsOf('ben', 8, 1), npsOf('luis', 5, 61)],
  };
  const since = (days: number) => ago(days);
  it.each<[string, Parameters<typeof recoveryOfWindow>[1], { recovered: number; n: number; notAnsweredAgain: number; beyondLimit: boolean }]>([
    ['the team over 30 days', { ownerId: null, since: since(30), closed: 1, teamClosed: 1 }, { recovered: 1, n: 1, notAnsweredAgain: 0, beyondLimit: false }],
    ['the team over 90 days', { ownerId: null, since: since(90), closed: 3, teamClosed: 3 }, { recovered: 2, n: 2, notAnsweredAgain: 1, beyondLimit: false }],
    ['Nora’s over 90 days, from the team’s read', { ownerId: 'nora', since: since(90), closed: 2, teamClosed: 3 }, { recovered: 1, n: 1, notAnsweredAgain: 1, beyondLimit: false }],
    ['more closed than the read holds: too many to pair', { ownerId: null, since: since(90), closed: 4, teamClosed: 4 }, { recovered: 0, n: 0, notAnsweredAgain: 0, beyondLimit: true }],
  ])('%s', (_name, cell, expected) => expect(recoveryOfWindow(read, cell)).toEqual(expected));

  it('past the team’s cap the owner’s own read is used; without it, too many', () => {
    const mine = [loop('a', 'olga', 12)];
    const cell = { ownerId: 'nora', since: since(30), closed: 1, teamClosed: RECOVERY_PAIR_MAX + 1 };
    const team = Array.from({ length: RECOVERY_PAIR_MAX }, (_, i) => loop(`t${i}`, null, 3, 'ivan'));
    expect(recoveryOfWindow({ team, mine, answers: read.answers }, cell)).toEqual({ recovered: 1, n: 1, notAnsweredAgain: 0, beyondLimit: false });
    expect(recoveryOfWindow({ team, mine: null, answers: read.answers }, cell).beyondLimit).toBe(true);
    // Answers too many to read: nothing is paired.
    expect(recoveryOfWindow({ team, mine, answers: null }, cell).beyondLimit).toBe(true);
  });

  it('across the CRMs: counts add up; a CRM past its cap is named with its closed loops', () => {
    const rec = (recovered: number, n: number, notAnsweredAgain: number, beyondLimit = false) => ({ recovered, n, notAnsweredAgain, beyondLimit });
    const hs: LoopCounts = { ...hubspotCounts, mine: { 30: { ...hubspotCounts.mine![30], recovery: rec(1, 2, 1) }, 90: { ...hubspotCounts.mine![90], recovery: rec(0, 0, 0, true) } } };
    const sf: LoopCounts = { ...salesforceCounts, mine: { 30: { ...salesforceCounts.mine![30], recovery: rec(1, 1, 0) }, 90: { ...salesforceCounts.mine![90], recovery: rec(1, 2, 0) } } };
    const [me30, me90, team30] = combineLoopCounts([{ crm: 'hubspot', counts: hs, failedKind: null }, { crm: 'salesforce', counts: sf, failedKind: null }]).rows;
    expect(me30!.recovery).toEqual({ count: 2, n: 3, value: 2 / 3, notAnsweredAgain: 1, countedBy: ['hubspot', 'salesforce'], tooMany: [] });
    expect(me90!.recovery).toEqual({ count: 1, n: 2, value: 0.5, notAnsweredAgain: 0, countedBy: ['salesforce'], tooMany: [{ crm: 'hubspot', closed: 4 }] });
    expect(team30!.recovery).toBeNull();
  });
});
