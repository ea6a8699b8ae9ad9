import { describe, expect, it } from 'vitest';
import { combineClosedCounts, loopMetrics, median, windowStart, type AnswerFact, type ClosedCounts, type ClosedCountsPart, type LoopFacts, type LoopNumbers } from '../../core/loop-metrics';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 1);
const ago = (days: number, hours = 0) => NOW - days * DAY - hours * HOUR;

// Nora's last quarter, counted by hand:
//   closed 5 days ago, answered 20 h before its first contact (within 48 h), thanked
//   closed 20 days ago, first contact 72 h after the answer, closed past its due time, not thanked
//   closed 40 days ago, first contact after 6 h, thanked                     (in 90 days, not in 30)
//   closed 100 days ago                                                      (in neither window)
//   still open                                                               (in neither)
const loops: LoopFacts[] = [
  { answeredAt: ago(6), dueAt: ago(4), firstContactAt: ago(6) + 20 * HOUR, closedAt: ago(5), thanked: true },
  { answeredAt: ago(25), dueAt: ago(23), firstContactAt: ago(22), closedAt: ago(20), thanked: false },
  { answeredAt: ago(41), dueAt: ago(39), firstContactAt: ago(41) + 6 * HOUR, closedAt: ago(40), thanked: true },
  { answeredAt: ago(103), dueAt: ago(101), firstContactAt: ago(102), closedAt: ago(100), thanked: true },
  { answeredAt: ago(2), dueAt: NOW, firstContactAt: null, closedAt: null, thanked: false },
];
// Recovery: a detractor answering again 7+ recovers; again ≤ 6 does not; no next answer yet is "awaiting".
const answers: AnswerFact[] = [
  { contactKey: 'olga', score: 3, submittedAt: ago(20) },
  { contactKey: 'olga', score: 8, submittedAt: ago(5) }, // recovered (30 and 90 days)
  { contactKey: 'ben', score: 5, submittedAt: ago(60) },
  { contactKey: 'ben', score: 6, submittedAt: ago(10) }, // 90 days: the 5 is not recovered; the 6 awaits
  { contactKey: 'luis', score: 0, submittedAt: ago(2) }, // awaiting
  { contactKey: 'hana', score: 2, submittedAt: ago(200) },
  { contactKey: 'hana', score: 10, submittedAt: ago(150) }, // before both windows
  { contactKey: 'ines', score: 9, submittedAt: ago(3) },
  { contactKey: 'bad', score: 11, submittedAt: ago(3) },
];

describe('the loop’s numbers', () => {
  it.each([
    [30, { closed: 2, withinSla: [1, 2], firstContact: [46, 2], thanked: [1, 2], recovery: [1, 1, 2] }],
    [90, { closed: 3, withinSla: [2, 3], firstContact: [20, 3], thanked: [2, 3], recovery: [1, 2, 2] }],
  ] as const)('over %i days', (windowDays, expected) => {
    const m = loopMetrics({ loops, answers, now: NOW, windowDays });
    expect(m.closed).toEqual({ count: expected.closed, fromCrm: false });
    expect([m.withinSla.count, m.withinSla.n]).toEqual(expected.withinSla);
    expect([m.medianHoursToFirstContact.hours, m.medianHoursToFirstContact.n]).toEqual(expected.firstContact);
    expect([m.thanked.count, m.thanked.n]).toEqual(expected.thanked);
    expect([m.recovery.count, m.recovery.n, m.recovery.awaitingNextAnswer]).toEqual(expected.recovery);
  });

  it('the CRM’s own count of closed loops is the one shown', () => {
    expect(loopMetrics({ loops, answers, now: NOW, windowDays: 30, crmClosedCount: 7 }).closed).toEqual({ count: 7, fromCrm: true });
  });

  it('nothing to measure: shares are unknown, not zero', () => {
    const m = loopMetrics({ loops: [], answers: [], now: NOW, windowDays: 30 });
    expect(m.withinSla).toEqual({ count: 0, n: 0, value: null });
    expect(m.medianHoursToFirstContact).toEqual({ hours: null, n: 0 });
    expect(m.recovery.value).toBeNull();
  });

  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('median of %j is %s', (values, expected) => expect(median(values)).toBe(expected));
});

// The counts the sandbox CRMs give at two days after the seed (test/unit/worklist-connectors.test.ts): Nora closed 2
// tickets in 30 days and 3 in 90 in HubSpot; the signed-in Salesforce user 1 Case in 30 days and 2 in 90.
const hubspotCounts: ClosedCounts = { crm: 'hubspot', mine: { 30: 2, 90: 3 }, team: { 30: 40, 90: 120 }, countedAt: NOW };
const salesforceCounts: ClosedCounts = { crm: 'salesforce', mine: { 30: 1, 90: 2 }, team: { 30: 9, 90: 30 }, countedAt: NOW };
const line = (n: LoopNumbers) => n.rows.map((r) => `${r.scope} ${r.windowDays}: ${r.closed ?? '—'} (${r.countedBy.join('+') || 'none'})`);

describe('loops closed across the CRMs', () => {
  it.each<[string, ClosedCountsPart[], string[], string[]]>([
    [
      'both CRMs counted',
      [{ crm: 'hubspot', counts: hubspotCounts, failed: null }, { crm: 'salesforce', counts: salesforceCounts, failed: null }],
      ['me 30: 3 (hubspot+salesforce)', 'me 90: 5 (hubspot+salesforce)', 'team 30: 49 (hubspot+salesforce)', 'team 90: 150 (hubspot+salesforce)'],
      [],
    ],
    [
      'HubSpot failing: Salesforce alone, HubSpot named, never a zero',
      [{ crm: 'hubspot', counts: null, failed: 'HubSpot cannot be reached right now.' }, { crm: 'salesforce', counts: salesforceCounts, failed: null }],
      ['me 30: 1 (salesforce)', 'me 90: 2 (salesforce)', 'team 30: 9 (salesforce)', 'team 90: 30 (salesforce)'],
      ['hubspot'],
    ],
    [
      'who "me" is not chosen in HubSpot: the team counts it, "me" does not',
      [{ crm: 'hubspot', counts: { ...hubspotCounts, mine: null }, failed: null }, { crm: 'salesforce', counts: salesforceCounts, failed: null }],
      ['me 30: 1 (salesforce)', 'me 90: 2 (salesforce)', 'team 30: 49 (hubspot+salesforce)', 'team 90: 150 (hubspot+salesforce)'],
      [],
    ],
    ['nothing counted', [{ crm: 'hubspot', counts: null, failed: 'x' }], ['me 30: — (none)', 'me 90: — (none)', 'team 30: — (none)', 'team 90: — (none)'], ['hubspot']],
  ])('%s', (_name, parts, rows, failed) => {
    const numbers = combineClosedCounts(parts);
    expect(line(numbers)).toEqual(rows);
    expect(numbers.failed.map((f) => f.crm)).toEqual(failed);
  });

  it('a window starts that many days before now', () => {
    expect(windowStart(NOW, 30)).toBe(ago(30));
    expect(windowStart(NOW, 90)).toBe(ago(90));
  });
});
