import { describe, expect, it } from 'vitest';
import { accountRollup, quarterOf, revenueAtRisk, roleWeight, rollupFromCounts } from '../../core/rollup';
import type { Account, AccountCounts, Contact, OpenDeal, SurveyResponse } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';

const roleWeights = DEFAULT_SETTINGS.rules.rollup.roleWeights; // decision maker 3, influencer 2, user 1
const now = Date.parse('2026-07-15T00:00:00Z');
const at = (iso: string) => Date.parse(iso);

function contact(id: string, name: string, role: string | null, title: string | null = null): Contact {
  return {
    key: `hubspot|acme.example|${id}`,
    crm: 'hubspot',
    instance: 'acme.example',
    id,
    accountKey: 'hubspot|acme.example|acc1',
    kind: 'contact',
    name,
    email: null,
    title,
    ownerName: null,
    role,
    lastSurveyedAt: null,
    url: null,
  };
}

function response(id: string, contactId: string, score: number, iso: string, kind: SurveyResponse['kind'] = 'nps'): SurveyResponse {
  return {
    key: `hubspot|acme.example|${id}`,
    crm: 'hubspot',
    instance: 'acme.example',
    id,
    contactKey: `hubspot|acme.example|${contactId}`,
    accountKey: 'hubspot|acme.example|acc1',
    kind,
    score,
    scaleMax: kind === 'nps' ? 10 : 5,
    submittedAt: at(iso),
    comment: null,
    surveyName: null,
    channel: null,
    source: 'hubspot-feedback',
    subjectId: null,
  };
}

const contacts = [
  contact('c1', 'Ana', 'Decision Maker'),
  contact('c2', 'Ben', null, 'influencer'), // no role: the title is matched
  contact('c3', 'Cy', 'user'),
  contact('c4', 'Dee', 'Intern'), // unknown role: weight 1
  contact('c5', 'Eve', 'user'), // never answered
];

const responses = [
  response('r1', 'c1', 3, '2025-05-10T09:00:00Z'), // outside a 365-day window (which starts 2025-07-15)
  response('r2', 'c1', 9, '2026-02-01T09:00:00Z'), // Ana's latest: promoter
  response('r3', 'c2', 6, '2026-04-20T09:00:00Z'), // Ben's latest: detractor
  response('r4', 'c2', 10, '2025-09-01T09:00:00Z'),
  response('r5', 'c3', 8, '2026-07-01T09:00:00Z'), // Cy's latest: passive
  response('r6', 'c4', 0, '2026-06-30T09:00:00Z'), // Dee's latest valid NPS: detractor
  response('r7', 'c3', 1, '2026-07-02T09:00:00Z', 'csat'), // not NPS: ignored
  response('r8', 'c4', 11, '2026-07-10T09:00:00Z'), // not a 0–10 answer: ignored
];

describe('accountRollup', () => {
  it.each([
    {
      method: 'latestPerContact',
      windowDays: 365,
      label: 'latest response per contact',
      // latest: Ana 9, Ben 6, Cy 8, Dee 0 → P1 / pas1 / D2, n = 4
      counts: [1, 1, 2],
      // 25 − 50 = −25
      nps: -25,
      // variance = 0.25 + 0.5 − 0.25² = 0.6875; 1.96 · √(0.6875 / 4) · 100 = 1.96 · 0.414578 · 100 = 81.26
      margin: 81.26,
      tooFew: true,
      // 1/4, 1/4, 2/4
      shares: [0.25, 0.25, 0.5],
    },
    {
      method: 'window',
      windowDays: 365,
      label: 'every response in the last 365 days',
      // since 2025-07-15: 9, 6, 10, 8, 0 → P2 / pas1 / D2, n = 5
      counts: [2, 1, 2],
      // 40 − 40 = 0
      nps: 0,
      // variance = 0.4 + 0.4 − 0 = 0.8; 1.96 · √(0.8 / 5) · 100 = 1.96 · 0.4 · 100 = 78.4
      margin: 78.4,
      tooFew: false,
      shares: [0.4, 0.2, 0.4],
    },
    {
      method: 'window',
      windowDays: 100,
      label: 'every response in the last 100 days',
      // since 2026-04-06: 6, 8, 0 → P0 / pas1 / D2, n = 3
      counts: [0, 1, 2],
      // 0 − 66.667 = −66.667
      nps: -66.67,
      // variance = 0.6667 − 0.6667² = 0.2222; 1.96 · √(0.2222 / 3) · 100 = 1.96 · 0.272166 · 100 = 53.34
      margin: 53.34,
      tooFew: true,
      shares: [0, 1 / 3, 2 / 3],
    },
    {
      method: 'weightedByRole',
      windowDays: 365,
      label: 'latest response per contact, weighted by role',
      // Ana 9 × 3 (Decision Maker), Ben 6 × 2 (title influencer), Cy 8 × 1, Dee 0 × 1 (Intern → 1); n = 4
      counts: [1, 1, 2],
      // weight 7: p₊ = 3/7, p₋ = (2 + 1)/7 = 3/7 → 0
      nps: 0,
      // variance = 6/7 − 0 = 0.857143; Kish n = 7² / (9 + 4 + 1 + 1) = 49/15 = 3.26667;
      // 1.96 · √(0.857143 / 3.26667) · 100 = 1.96 · 0.512241 · 100 = 100.40
      margin: 100.4,
      tooFew: true,
      // by weight: 3/7, 1/7, 3/7
      shares: [3 / 7, 1 / 7, 3 / 7],
    },
  ] as const)('$label', ({ method, windowDays, label, counts, nps, margin, tooFew, shares }) => {
    const r = accountRollup({ method, windowDays, roleWeights, now, contacts, responses });
    expect(r.method).toBe(method);
    expect(r.methodLabel).toBe(label);
    expect([r.summary.promoters, r.summary.passives, r.summary.detractors]).toEqual(counts);
    expect(r.summary.nps).toBeCloseTo(nps, 2);
    expect(r.summary.marginOfError95).toBeCloseTo(margin, 2);
    expect(r.summary).not.toHaveProperty('weight');
    expect(r.tooFew).toBe(tooFew);
    expect([r.distribution.promoters.count, r.distribution.passives.count, r.distribution.detractors.count]).toEqual(counts);
    expect(r.distribution.promoters.share).toBeCloseTo(shares[0], 6);
    expect(r.distribution.passives.share).toBeCloseTo(shares[1], 6);
    expect(r.distribution.detractors.share).toBeCloseTo(shares[2], 6);
  });

  it('gives NPS by quarter over every answer, oldest first, whatever the method', () => {
    const r = accountRollup({ method: 'latestPerContact', windowDays: 365, roleWeights, now, contacts, responses });
    expect(r.byQuarter.map((q) => [q.quarter, q.summary.n, q.summary.nps])).toEqual([
      ['2025-Q2', 1, -100], // 3 (May)
      ['2025-Q3', 1, 100], // 10 (September)
      ['2026-Q1', 1, 100], // 9 (February)
      ['2026-Q2', 2, -100], // 6 (April) and 0 (June)
      ['2026-Q3', 1, 0], // 8 (July); the CSAT 1 and the invalid 11 are not counted
    ]);
  });

  it('lists every contact, detractors first, then the most recent answer first', () => {
    const r = accountRollup({ method: 'latestPerContact', windowDays: 365, roleWeights, now, contacts, responses });
    expect(r.contacts.map((c) => [c.contact.name, c.segment, c.latestNps?.id ?? null, c.latestAt])).toEqual([
      ['Dee', 'detractor', 'r6', at('2026-06-30T09:00:00Z')],
      ['Ben', 'detractor', 'r3', at('2026-04-20T09:00:00Z')],
      ['Cy', 'passive', 'r5', at('2026-07-01T09:00:00Z')],
      ['Ana', 'promoter', 'r2', at('2026-02-01T09:00:00Z')],
      ['Eve', null, null, null],
    ]);
  });

  it('says "too few" and gives no number for an account without NPS answers', () => {
    const r = accountRollup({
      method: 'window',
      windowDays: 365,
      roleWeights,
      now,
      contacts,
      responses: [response('x', 'c1', 2, '2026-07-01T00:00:00Z', 'csat')],
    });
    expect(r.summary).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, marginOfError95: null });
    expect(r.tooFew).toBe(true);
    expect(r.distribution.promoters).toEqual({ count: 0, share: 0 });
    expect(r.byQuarter).toEqual([]);
    expect(r.contacts.every((c) => c.segment === null && c.latestNps === null)).toBe(true);
  });

  it('weights an answer from a contact missing from the list as 1 and leaves out weight-0 roles', () => {
    const r = accountRollup({
      method: 'weightedByRole',
      windowDays: 365,
      roleWeights: { ...roleWeights, intern: 0 },
      now,
      contacts,
      responses: [
        response('a', 'c1', 10, '2026-07-01T00:00:00Z'), // Decision Maker: weight 3
        response('b', 'c9', 0, '2026-07-01T00:00:00Z'), // not in the contact list: weight 1
        response('c', 'c4', 0, '2026-07-01T00:00:00Z'), // Intern: weight 0, left out
      ],
    });
    // weight 4: 75 − 25 = +50, n = 2
    expect(r.summary.n).toBe(2);
    expect(r.summary.nps).toBeCloseTo(50, 6);
  });
});

describe('roleWeight', () => {
  it.each([
    [contact('x', 'X', 'DECISION MAKER'), 3],
    [contact('x', 'X', '  Influencer '), 2],
    [contact('x', 'X', null, 'User'), 1],
    [contact('x', 'X', null, 'Decision maker'), 3],
    [contact('x', 'X', 'Champion'), 1],
    [contact('x', 'X', null, null), 1],
    [undefined, 1],
  ])('%#: weight %d', (c, expected) => {
    expect(roleWeight(c, roleWeights)).toBe(expected);
  });
});

describe('quarterOf (UTC)', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-Q1'],
    ['2026-03-31T23:59:59.999Z', '2026-Q1'],
    ['2026-04-01T00:00:00Z', '2026-Q2'],
    ['2026-09-30T12:00:00Z', '2026-Q3'],
    ['2026-12-31T23:00:00Z', '2026-Q4'],
  ])('%s → %s', (iso, expected) => {
    expect(quarterOf(at(iso))).toBe(expected);
  });
});

describe('rollupFromCounts', () => {
  const counts: AccountCounts = {
    accountKey: 'salesforce|acme.my.salesforce.com|001000000000001AAA',
    method: 'window',
    unavailable: null,
    counted: 'answers',
    windowDays: 365,
    promoters: 10,
    passives: 6,
    detractors: 4,
    respondents: 20,
    byRole: [],
    byQuarter: [
      { quarter: '2026-Q2', promoters: 1, passives: 0, detractors: 1 },
      { quarter: '2025-Q4', promoters: 2, passives: 0, detractors: 0 },
    ],
    computedAt: now,
  };

  it('summarizes the CRM counts like the answers themselves', () => {
    const r = rollupFromCounts(counts, roleWeights);
    expect(r.methodLabel).toBe('every response in the last 365 days');
    // reference example: 50 − 20 = +30 ± 1.96 · √(0.61 / 20) · 100 = 34.23
    expect(r.summary.n).toBe(20);
    expect(r.summary.nps).toBeCloseTo(30, 6);
    expect(r.summary.marginOfError95).toBeCloseTo(34.23, 2);
    expect(r.tooFew).toBe(false);
    // 10/20, 6/20, 4/20
    expect(r.distribution).toEqual({
      promoters: { count: 10, share: 0.5 },
      passives: { count: 6, share: 0.3 },
      detractors: { count: 4, share: 0.2 },
    });
    // sorted oldest first: 2025-Q4 (2 promoters → +100), 2026-Q2 (1 and 1 → 0)
    expect(r.byQuarter.map((q) => [q.quarter, q.summary.nps])).toEqual([
      ['2025-Q4', 100],
      ['2026-Q2', 0],
    ]);
    expect(r.contacts).toEqual([]);
  });

  it.each([
    ['latestPerContact', null, 'latest response per contact'],
    ['weightedByRole', null, 'latest response per contact, weighted by role'],
  ] as const)('labels %s counts by the method they follow', (method, windowDays, label) => {
    expect(rollupFromCounts({ ...counts, method, windowDays, counted: 'people' }, roleWeights).methodLabel).toBe(label);
  });

  it('weighted by role: counts split by role are weighed like single contacts', () => {
    // Decision makers (weight 3): 2 promoters, 1 detractor; unknown role (1): 1 passive, 1 detractor; "Champion" (1): 1 promoter.
    // Weights: promoters 3+3+1 = 7, passive 1, detractors 3+1 = 4; total 12 → NPS = (7 − 4) / 12 = +25.
    const r = rollupFromCounts(
      {
        ...counts,
        method: 'weightedByRole',
        counted: 'people',
        windowDays: null,
        promoters: 3,
        passives: 1,
        detractors: 2,
        byRole: [
          { role: 'Decision maker', promoters: 2, passives: 0, detractors: 1 },
          { role: null, promoters: 0, passives: 1, detractors: 1 },
          { role: 'Champion', promoters: 1, passives: 0, detractors: 0 },
        ],
      },
      roleWeights,
    );
    expect(r.summary.n).toBe(6);
    expect(r.summary.nps).toBeCloseTo(25, 6);
    expect(r.distribution.detractors).toEqual({ count: 2, share: 4 / 12 });
    expect(r.counted).toBe('people');
  });

  it('names the chosen method the CRM could not count', () => {
    const r = rollupFromCounts({ ...counts, method: 'latestPerContact', counted: 'people', windowDays: null, unavailable: 'window' }, roleWeights);
    expect([r.method, r.unavailable, r.methodLabel]).toEqual(['latestPerContact', 'window', 'latest response per contact']);
  });

  it('marks a small account as too few', () => {
    // 4 < 5
    expect(rollupFromCounts({ ...counts, promoters: 2, passives: 1, detractors: 1, respondents: 4 }, roleWeights).tooFew).toBe(true);
  });
});

describe('revenueAtRisk', () => {
  const account = (revenue: number | null, revenueSource: Account['revenueSource'] = 'openPipeline'): Account => ({
    key: 'hubspot|acme.example|acc1',
    crm: 'hubspot',
    instance: 'acme.example',
    id: 'acc1',
    name: 'Acme',
    ownerId: null,
    ownerName: null,
    revenue,
    revenueSource,
    revenueLabel: revenueSource === 'field' ? 'annualrevenue' : '',
    currency: 'EUR',
    contactCount: 5,
    url: null,
  });
  const deal = (id: string, amount: number | null, currency: string | null, contacts: string[]): OpenDeal => ({
    key: `hubspot|acme.example|${id}`,
    crm: 'hubspot',
    instance: 'acme.example',
    id,
    accountKey: 'hubspot|acme.example|acc1',
    kind: 'deal',
    name: `Deal ${id}`,
    amount,
    currency,
    contactKeys: contacts.map((c) => `hubspot|acme.example|${c}`),
    contactFacts: {},
    url: null,
  });
  const detractors = new Set(['hubspot|acme.example|c1', 'hubspot|acme.example|c4']);
  const deals = [
    deal('d1', 30_000, 'EUR', ['c1', 'c2']),
    deal('d2', 12_000, 'EUR', ['c3']),
    deal('d3', 5_000, 'USD', ['c4']),
    deal('d4', 8_000, 'EUR', []),
    deal('d5', null, 'EUR', ['c1']),
  ];

  it('open pipeline: the deals a detractor is on first, each currency apart; the rest apart', () => {
    const r = revenueAtRisk({ account: account(55_000), deals, detractorKeys: detractors, rollupDetractors: 2 });
    // d1 (c1) 30,000 EUR, d3 (c4) 5,000 USD, d5 (c1) amount unknown; rest: d2 12,000 + d4 8,000 = 20,000 EUR.
    expect(r.atRisk).toEqual([
      { amount: 30_000, currency: 'EUR' },
      { amount: 5_000, currency: 'USD' },
    ]);
    expect(r.deals.map((d) => [d.deal.id, d.detractorKeys])).toEqual([
      ['d1', ['hubspot|acme.example|c1']],
      ['d3', ['hubspot|acme.example|c4']],
      ['d5', ['hubspot|acme.example|c1']],
    ]);
    expect(r.rest).toEqual([{ amount: 20_000, currency: 'EUR' }]);
    expect(r.restCount).toBe(2);
  });

  it('open pipeline without a detractor on any deal: nothing at risk, all of it apart', () => {
    const r = revenueAtRisk({ account: account(55_000), deals, detractorKeys: new Set(), rollupDetractors: 1 });
    expect(r.atRisk).toEqual([]);
    expect(r.rest).toEqual([
      { amount: 50_000, currency: 'EUR' },
      { amount: 5_000, currency: 'USD' },
    ]);
  });

  it.each([
    { name: 'a revenue field: its value once a detractor is in the roll-up', revenue: 120_000, rollupDetractors: 3, atRisk: [{ amount: 120_000, currency: 'EUR' }], unknown: false },
    { name: 'a revenue field, no detractor: nothing', revenue: 120_000, rollupDetractors: 0, atRisk: [], unknown: false },
    { name: 'a revenue field left empty with detractors: unknown', revenue: null, rollupDetractors: 2, atRisk: [], unknown: true },
  ])('$name', ({ revenue, rollupDetractors, atRisk, unknown }) => {
    const r = revenueAtRisk({ account: account(revenue, 'field'), deals: null, detractorKeys: detractors, rollupDetractors });
    expect({ source: r.source, atRisk: r.atRisk, unknown: r.unknown, rest: r.rest }).toEqual({ source: 'field', atRisk, unknown, rest: [] });
  });
});
