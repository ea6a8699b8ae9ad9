import { describe, expect, it } from 'vitest';
import {
  followUpDue,
  followUpDueTime,
  followUpPriority,
  inQuietPeriod,
  isUrgent,
  loopSegment,
  needsFollowUp,
  priorityScore,
  promoterInvite,
  routeFollowUp,
  slaClock,
  sortFollowUps,
  type FollowUpSortKey,
} from '../../core/rules';
import { DEFAULT_SETTINGS } from '../../core/settings';

const rules = DEFAULT_SETTINGS.rules; // follow up ≤ 6, urgent ≤ 3, SLA 48 h / 120 h (business) / 168 h
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

describe('who needs a follow-up', () => {
  it.each([
    [0, true],
    [6, true],
    [7, false],
    [10, false],
    [-1, false],
    [6.5, false],
  ])('default rules: score %d → %s', (score, expected) => {
    expect(needsFollowUp(score, rules)).toBe(expected);
  });

  it.each([
    [8, true],
    [9, false],
  ])('follow-up up to 8: score %d → %s', (score, expected) => {
    expect(needsFollowUp(score, { followUpMaxScore: 8 })).toBe(expected);
  });

  it.each([
    [0, true],
    [3, true],
    [4, false],
    [11, false],
  ])('urgent (0–3): score %d → %s', (score, expected) => {
    expect(isUrgent(score, rules)).toBe(expected);
  });

  it.each([
    [8, false],
    [9, true],
    [10, true],
    [11, false],
  ])('promoter invite: score %d → %s', (score, expected) => {
    expect(promoterInvite(score)).toBe(expected);
  });
});

describe('loopSegment (CSAT and CES treated like an NPS segment)', () => {
  it.each([
    [{ kind: 'nps', score: 6 }, 'detractor'],
    [{ kind: 'nps', score: 12 }, null],
    [{ kind: 'csat', score: 1 }, 'detractor'],
    [{ kind: 'csat', score: 2 }, 'detractor'],
    [{ kind: 'csat', score: 3 }, 'passive'],
    [{ kind: 'csat', score: 4 }, 'promoter'],
    [{ kind: 'csat', score: 5 }, 'promoter'],
    [{ kind: 'csat', score: 0 }, null],
    [{ kind: 'ces', score: 3, scaleMax: 7 }, 'detractor'],
    [{ kind: 'ces', score: 4, scaleMax: 7 }, 'passive'],
    [{ kind: 'ces', score: 5, scaleMax: 7 }, 'promoter'],
    [{ kind: 'ces', score: 2, scaleMax: 5 }, 'detractor'],
    [{ kind: 'ces', score: 3, scaleMax: 5 }, 'passive'],
    [{ kind: 'ces', score: 4, scaleMax: 5 }, 'promoter'],
    // no scale given: CES 2.0 (1–7) is assumed, so 3 is high effort
    [{ kind: 'ces', score: 3 }, 'detractor'],
    [{ kind: 'ces', score: 8, scaleMax: 7 }, null],
  ] as const)('%j → %s', (response, expected) => {
    expect(loopSegment(response)).toBe(expected);
  });
});

describe('followUpDue', () => {
  // 2026-07-06 is a Monday; 2026-07-11/12 and 07-18/19 are weekends. All times UTC.
  it.each([
    { name: 'detractor: 48 calendar hours', kind: 'nps', score: 2, from: '2026-07-06T10:00:00Z', due: '2026-07-08T10:00:00Z' },
    { name: 'detractor over a weekend still counts calendar hours', kind: 'nps', score: 5, from: '2026-07-10T10:00:00Z', due: '2026-07-12T10:00:00Z' },
    { name: 'promoter: 168 h = 7 days', kind: 'nps', score: 9, from: '2026-07-06T10:00:00Z', due: '2026-07-13T10:00:00Z' },
    // Mon 10:00 + 5 business days (Tue, Wed, Thu, Fri, Mon) = next Mon 10:00
    { name: 'passive from Monday: 5 business days', kind: 'nps', score: 7, from: '2026-07-06T10:00:00Z', due: '2026-07-13T10:00:00Z' },
    // Wed 15:00 → Thu, Fri, Mon, Tue, Wed = next Wed 15:00 (skipping Sat/Sun)
    { name: 'passive from Wednesday', kind: 'nps', score: 8, from: '2026-07-08T15:00:00Z', due: '2026-07-15T15:00:00Z' },
    // Fri 10:00: 14 h Fri + 24 h × 4 (Mon–Thu) = 110 h, 10 h left → Fri 10:00
    { name: 'passive from Friday', kind: 'nps', score: 7, from: '2026-07-10T10:00:00Z', due: '2026-07-17T10:00:00Z' },
    // Sat: clock starts Mon 00:00; Mon–Fri = 120 h → end of Friday (Sat 00:00)
    { name: 'passive on Saturday starts Monday', kind: 'nps', score: 7, from: '2026-07-11T10:00:00Z', due: '2026-07-18T00:00:00Z' },
    { name: 'passive late on Sunday starts Monday', kind: 'nps', score: 8, from: '2026-07-12T23:00:00Z', due: '2026-07-18T00:00:00Z' },
    // CSAT 2 → detractor-like, 48 h
    { name: 'CSAT 2 is detractor-like', kind: 'csat', score: 2, from: '2026-07-06T10:00:00Z', due: '2026-07-08T10:00:00Z' },
    { name: 'CSAT 3 is passive-like', kind: 'csat', score: 3, from: '2026-07-10T10:00:00Z', due: '2026-07-17T10:00:00Z' },
    { name: 'CSAT 5 is promoter-like', kind: 'csat', score: 5, from: '2026-07-06T10:00:00Z', due: '2026-07-13T10:00:00Z' },
    { name: 'CES 2 (high effort) is detractor-like', kind: 'ces', score: 2, from: '2026-07-06T10:00:00Z', due: '2026-07-08T10:00:00Z' },
    { name: 'off-scale score is handled as a detractor', kind: 'nps', score: 11, from: '2026-07-06T10:00:00Z', due: '2026-07-08T10:00:00Z' },
  ] as const)('$name', ({ kind, score, from, due }) => {
    expect(new Date(followUpDue({ kind, score, submittedAt: at(from) }, rules)).toISOString()).toBe(new Date(at(due)).toISOString());
  });

  it.each([
    // business days off: Fri 10:00 + 120 calendar hours = Wed 10:00
    { name: 'calendar hours for passives', business: false, hours: 120, from: '2026-07-10T10:00:00Z', due: '2026-07-15T10:00:00Z' },
    // Fri 18:00: 6 h left on Friday, 30 h to go; Mon 24 h → 6 h left → Tue 06:00
    { name: '36 business hours from Friday evening', business: true, hours: 36, from: '2026-07-10T18:00:00Z', due: '2026-07-14T06:00:00Z' },
    // Fri 00:00 + 24 business hours = the whole of Friday → due at its end (Sat 00:00), not Monday
    { name: 'one business day from Friday midnight ends with Friday', business: true, hours: 24, from: '2026-07-10T00:00:00Z', due: '2026-07-11T00:00:00Z' },
  ])('$name', ({ business, hours, from, due }) => {
    const custom = { ...rules, businessDaysForPassives: business, slaHours: { ...rules.slaHours, passive: hours } };
    expect(new Date(followUpDue({ kind: 'nps', score: 7, submittedAt: at(from) }, custom)).toISOString()).toBe(new Date(at(due)).toISOString());
  });

  it('uses the CES scale of the response', () => {
    // CES 4 on 1–5 is low effort → promoter-like, 168 h; on 1–7 it is neutral → passive, 5 business days
    const from = at('2026-07-06T10:00:00Z');
    expect(followUpDue({ kind: 'ces', score: 4, scaleMax: 5, submittedAt: from }, rules)).toBe(from + 168 * HOUR);
    expect(followUpDue({ kind: 'ces', score: 4, scaleMax: 7, submittedAt: from }, rules)).toBe(at('2026-07-13T10:00:00Z'));
  });
});

describe('followUpDueTime: every open follow-up has a due time or says why', () => {
  // 2026-11-18 is a Wednesday.
  const created = at('2026-11-18T10:00:00Z');
  const nps = (score: number, iso: string) => ({ kind: 'nps' as const, score, scaleMax: 10, submittedAt: at(iso) });
  it.each([
    {
      name: 'a task’s own due date stands',
      input: { crmDueAt: at('2026-11-20T09:00:00Z'), answer: nps(2, '2026-11-17T10:00:00Z'), hasContact: true, contactAnswers: [] },
      expected: { dueAt: at('2026-11-20T09:00:00Z'), basis: 'crm' },
    },
    {
      name: 'its answer: a detractor’s 2 on Tuesday 10:00 + 48 h',
      input: { crmDueAt: null, answer: nps(2, '2026-11-17T10:00:00Z'), hasContact: true, contactAnswers: [] },
      expected: { dueAt: at('2026-11-19T10:00:00Z'), basis: 'answer' },
    },
    {
      name: 'no answer: its creation + the SLA of the contact’s latest NPS segment (detractor, 48 h)',
      input: { crmDueAt: null, answer: null, hasContact: true, contactAnswers: [nps(9, '2026-01-01T00:00:00Z'), nps(4, '2026-06-01T00:00:00Z')] },
      expected: { dueAt: at('2026-11-20T10:00:00Z'), basis: 'created' },
    },
    {
      name: 'no answer, latest a promoter: creation + 168 h',
      input: { crmDueAt: null, answer: null, hasContact: true, contactAnswers: [nps(3, '2025-01-01T00:00:00Z'), nps(10, '2026-06-01T00:00:00Z')] },
      expected: { dueAt: at('2026-11-25T10:00:00Z'), basis: 'created' },
    },
    {
      name: 'no answer, latest a passive: 120 h of business time from Wednesday 10:00 → next Wednesday 10:00',
      input: { crmDueAt: null, answer: null, hasContact: true, contactAnswers: [nps(8, '2026-06-01T00:00:00Z')] },
      expected: { dueAt: at('2026-11-25T10:00:00Z'), basis: 'created' },
    },
    {
      name: 'only a CSAT answer (2 of 5, detractor-like): creation + 48 h',
      input: { crmDueAt: null, answer: null, hasContact: true, contactAnswers: [{ kind: 'csat' as const, score: 2, scaleMax: 5, submittedAt: at('2026-06-01T00:00:00Z') }] },
      expected: { dueAt: at('2026-11-20T10:00:00Z'), basis: 'created' },
    },
    { name: 'a contact who never answered', input: { crmDueAt: null, answer: null, hasContact: true, contactAnswers: [] }, expected: { dueAt: null, reason: 'never-answered' } },
    { name: 'no contact at all', input: { crmDueAt: null, answer: null, hasContact: false, contactAnswers: [] }, expected: { dueAt: null, reason: 'no-contact' } },
  ])('$name', ({ input, expected }) => {
    expect(followUpDueTime({ ...input, createdAt: created }, rules)).toEqual(expected);
  });
});

describe('slaClock', () => {
  const due = at('2026-07-08T10:00:00Z');
  it.each([
    { name: 'one ms past due', now: due + 1, state: 'overdue', msLeft: -1 },
    { name: 'a day past due', now: due + DAY, state: 'overdue', msLeft: -DAY },
    { name: 'exactly at the due time', now: due, state: 'due-soon', msLeft: 0 },
    // 12 h before = 43,200,000 ms, still within "due soon"
    { name: '12 h before', now: due - 12 * HOUR, state: 'due-soon', msLeft: 43_200_000 },
    { name: '12 h and 1 ms before', now: due - 12 * HOUR - 1, state: 'on-track', msLeft: 43_200_001 },
    { name: 'two days before', now: due - 2 * DAY, state: 'on-track', msLeft: 172_800_000 },
  ])('$name → $state', ({ now, state, msLeft }) => {
    expect(slaClock(due, now)).toEqual({ state, msLeft });
  });

  it('takes a custom due-soon window', () => {
    // 20 h before is due soon within a 24 h window: 20 × 3,600,000 = 72,000,000 ms
    expect(slaClock(due, due - 20 * HOUR, 24)).toEqual({ state: 'due-soon', msLeft: 72_000_000 });
  });
});

describe('priorityScore: a follow-up is ranked by its NPS answer, else by its contact’s latest', () => {
  const answer = (kind: 'nps' | 'csat' | 'ces', score: number, iso: string) => ({ kind, score, scaleMax: kind === 'nps' ? 10 : kind === 'csat' ? 5 : 7, submittedAt: at(iso) });
  it.each([
    {
      name: 'its own NPS answer, whatever the contact said since',
      input: { answer: answer('nps', 2, '2026-03-01T00:00:00Z'), contactAnswers: [answer('nps', 10, '2026-06-01T00:00:00Z')] },
      expected: { score: 2, basis: 'answer' },
    },
    {
      name: 'no answer (a task): the contact’s latest NPS answer, not the lowest or the first',
      input: { answer: null, contactAnswers: [answer('nps', 9, '2025-01-01T00:00:00Z'), answer('nps', 3, '2026-06-01T00:00:00Z'), answer('nps', 1, '2025-06-01T00:00:00Z')] },
      expected: { score: 3, basis: 'latest' },
    },
    {
      name: 'a CSAT answer is no NPS score: the contact’s latest NPS answer, even an older one',
      input: { answer: answer('csat', 1, '2026-06-01T00:00:00Z'), contactAnswers: [answer('csat', 1, '2026-06-01T00:00:00Z'), answer('nps', 8, '2026-02-01T00:00:00Z')] },
      expected: { score: 8, basis: 'latest' },
    },
    {
      name: 'an effort answer and a contact who never gave an NPS answer: nothing to rank by',
      input: { answer: answer('ces', 2, '2026-06-01T00:00:00Z'), contactAnswers: [answer('ces', 2, '2026-06-01T00:00:00Z')] },
      expected: null,
    },
    {
      name: 'an NPS answer off the scale is passed over for the contact’s latest valid one',
      input: { answer: answer('nps', 11, '2026-06-01T00:00:00Z'), contactAnswers: [answer('nps', 11, '2026-06-01T00:00:00Z'), answer('nps', 6, '2026-05-01T00:00:00Z')] },
      expected: { score: 6, basis: 'latest' },
    },
    { name: 'no answer, no contact answers', input: { answer: null, contactAnswers: [] }, expected: null },
  ])('$name', ({ input, expected }) => {
    expect(priorityScore(input)).toEqual(expected);
  });
});

describe('followUpPriority', () => {
  it.each([
    [null, 'unscored'],
    [0, 'urgent'],
    [3, 'urgent'],
    [4, 'high'],
    [6, 'high'],
    [7, 'normal'],
    [10, 'normal'],
    [11, 'unscored'],
  ] as const)('default rules: score %s → %s', (score, expected) => {
    expect(followUpPriority(score, rules)).toBe(expected);
  });

  it.each([
    [2, 'urgent'],
    [3, 'high'],
    [8, 'high'],
    [9, 'normal'],
  ] as const)('urgent ≤ 2, follow-up ≤ 8: score %d → %s', (score, expected) => {
    expect(followUpPriority(score, { urgentMaxScore: 2, followUpMaxScore: 8 })).toBe(expected);
  });
});

describe('sortFollowUps', () => {
  type Item = FollowUpSortKey & { id: string };
  const items: Item[] = [
    { id: 'a', score: 5, revenue: 1000, dueAt: 300 },
    { id: 'b', score: 2, revenue: 10, dueAt: 500 },
    { id: 'c', score: 9, revenue: 1_000_000, dueAt: 100 },
    { id: 'd', score: 6, revenue: 1000, dueAt: 200 },
    { id: 'e', score: 0, revenue: null, dueAt: 100 },
    { id: 'f', score: null, revenue: 5000, dueAt: 50 },
    { id: 'g', score: 8, revenue: null, dueAt: null },
    { id: 'h', score: 3, revenue: 10, dueAt: 500 },
    { id: 'i', score: 4, revenue: 1000, dueAt: null },
  ];

  it('puts 0–3 first, then 4–6, by revenue then earliest due, then passives/promoters, then unscored', () => {
    // urgent: b (10) and h (10) tie on revenue and due → input order; e has unknown revenue → after
    // high: d, a, i all 1000 → due 200, 300, unknown
    // normal: c (1,000,000) before g (unknown); unscored: f — a big promoter never outranks a detractor
    expect(sortFollowUps(items, (t) => t, DEFAULT_SETTINGS.rules).map((t) => t.id).join('')).toBe('bhedaicgf');
  });

  it('is stable and leaves the input alone', () => {
    const twins: Item[] = [
      { id: 'x', score: 1, revenue: 5, dueAt: 5 },
      { id: 'y', score: 2, revenue: 5, dueAt: 5 },
      { id: 'z', score: 0, revenue: 5, dueAt: 5 },
    ];
    expect(sortFollowUps(twins, (t) => t, DEFAULT_SETTINGS.rules).map((t) => t.id)).toEqual(['x', 'y', 'z']);
    expect(sortFollowUps([...twins].reverse(), (t) => t, DEFAULT_SETTINGS.rules).map((t) => t.id)).toEqual(['z', 'y', 'x']);
    expect(twins.map((t) => t.id)).toEqual(['x', 'y', 'z']);
  });

  it('follows the configured thresholds', () => {
    // urgent ≤ 5: a (5) and i (4) join b, e, h in the first group; a and i lead on revenue 1000,
    // a first because it is due (300) and i's due time is unknown; d (6) is left alone in the second
    const custom = { urgentMaxScore: 5, followUpMaxScore: 6 };
    expect(sortFollowUps(items, (t) => t, custom).map((t) => t.id).join('')).toBe('aibhedcgf');
  });
});

describe('routeFollowUp', () => {
  const both = { recordOwnerId: 'rec1', accountOwnerId: 'acc1' };
  const onlyRecord = { recordOwnerId: 'rec1', accountOwnerId: null };
  const onlyAccount = { recordOwnerId: null, accountOwnerId: 'acc1' };
  const none = { recordOwnerId: null, accountOwnerId: null };
  const named = { kind: 'namedUser', userId: 'u42', label: 'Head of CS' } as const;
  it.each([
    [{ kind: 'recordOwner' } as const, both, 'rec1'],
    [{ kind: 'recordOwner' } as const, onlyAccount, 'acc1'],
    [{ kind: 'recordOwner' } as const, none, null],
    [{ kind: 'accountOwner' } as const, both, 'acc1'],
    [{ kind: 'accountOwner' } as const, onlyRecord, 'rec1'],
    [{ kind: 'accountOwner' } as const, none, null],
    [named, both, 'u42'],
    [named, none, 'u42'],
  ])('%j with %j → %s', (routing, owners, expected) => {
    expect(routeFollowUp(routing, owners)).toBe(expected);
  });
});

describe('inQuietPeriod', () => {
  const now = at('2026-07-15T12:00:00Z');
  it.each([
    { name: 'never surveyed', last: null, days: 90, expected: false },
    { name: 'quiet period off', last: now - DAY, days: 0, expected: false },
    { name: '89 days ago, 90-day period', last: now - 89 * DAY, days: 90, expected: true },
    { name: 'exactly 90 days ago', last: now - 90 * DAY, days: 90, expected: false },
    { name: '91 days ago', last: now - 91 * DAY, days: 90, expected: false },
    { name: 'surveyed today', last: now - HOUR, days: 90, expected: true },
  ])('$name → $expected', ({ last, days, expected }) => {
    expect(inQuietPeriod(last, now, days)).toBe(expected);
  });
});
