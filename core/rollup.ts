import {
  isNpsScore,
  MIN_RESPONSES_FOR_NPS,
  segment,
  summarize,
  summarizeCounts,
  summarizeWeighted,
  type NpsSummary,
} from './nps';
import type { Account, AccountCounts, Contact, OpenDeal, Segment, SurveyResponse } from './schema';
import type { RollupMethod } from './settings';

// The account (B2B) roll-up across the buying group. The method is a setting and every number
// carries the name of the method that produced it, because no one method is right for every team.

const DAY_MS = 86_400_000;

export interface SegmentShare {
  count: number;
  /** Fraction 0–1 of the answers (of the total weight, for the weighted method); 0 when there are none. */
  share: number;
}

export interface AccountRollup {
  method: RollupMethod;
  methodLabel: string;
  /** The method the admin chose when the CRM could not count it for an account this size (`method` is what it could). */
  unavailable: RollupMethod | null;
  /** What n counts: people (one latest answer each) or answers (every answer in the window). */
  counted: 'people' | 'answers';
  summary: NpsSummary;
  /** Fewer answers than MIN_RESPONSES_FOR_NPS: show "too few responses" with the margin, not a bare number. */
  tooFew: boolean;
  distribution: { promoters: SegmentShare; passives: SegmentShare; detractors: SegmentShare };
  /** Every NPS answer of each quarter (UTC), oldest quarter first, whatever the method. */
  byQuarter: Array<{ quarter: string; summary: NpsSummary }>;
  /** Every contact, detractors first, then the most recent answer first; never answered last. */
  contacts: Array<{ contact: Contact; latestNps: SurveyResponse | null; segment: Segment | null; latestAt: number | null }>;
}

export function methodLabel(method: RollupMethod, windowDays: number | null): string {
  switch (method) {
    case 'window':
      return windowDays === null ? 'every response' : `every response in the last ${windowDays} days`;
    case 'latestPerContact':
      return 'latest response per contact';
    case 'weightedByRole':
      return 'latest response per contact, weighted by role';
  }
}

/** "2026-Q3" for a time, in UTC. */
export function quarterOf(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** Role weight of a contact: its role (or, without one, its title) matched case-insensitively; 1 when unknown. */
export function roleWeight(contact: Contact | undefined, roleWeights: Record<string, number>): number {
  return weightOfRole(contact?.role ?? contact?.title ?? null, roleWeights);
}

/** The weight of a role (or title) name, matched case-insensitively; 1 when unknown. */
export function weightOfRole(name: string | null, roleWeights: Record<string, number>): number {
  const role = name?.trim().toLowerCase();
  if (!role) return 1;
  for (const [name, weight] of Object.entries(roleWeights)) {
    if (name.trim().toLowerCase() === role) return weight;
  }
  return 1;
}

/**
 * Rolls up an account's NPS answers.
 * - window: every NPS answer submitted in the last `windowDays` days before `now`;
 * - latestPerContact: each contact's latest NPS answer, however old, so each contact counts once;
 * - weightedByRole: the same latest answers, each weighted by the contact's role (weight 0 leaves it out).
 * Only NPS answers with a 0–10 integer score count. `now` is a parameter so the result is reproducible.
 */
export function accountRollup(input: {
  method: RollupMethod;
  windowDays: number;
  roleWeights: Record<string, number>;
  now: number;
  contacts: Contact[];
  responses: SurveyResponse[];
}): AccountRollup {
  const { method, windowDays, roleWeights, now, contacts } = input;
  const nps = input.responses.filter((r) => r.kind === 'nps' && isNpsScore(r.score));

  const latestByContact = new Map<string, SurveyResponse>();
  for (const r of nps) {
    const seen = latestByContact.get(r.contactKey);
    if (!seen || r.submittedAt > seen.submittedAt) latestByContact.set(r.contactKey, r);
  }
  const latest = [...latestByContact.values()];

  let summary: NpsSummary;
  let distribution: AccountRollup['distribution'];
  if (method === 'weightedByRole') {
    const contactByKey = new Map(contacts.map((c) => [c.key, c]));
    const answers = latest.map((r) => ({ score: r.score, weight: roleWeight(contactByKey.get(r.contactKey), roleWeights) }));
    const { weight, ...weighted } = summarizeWeighted(answers);
    summary = weighted;
    distribution = weightedDistribution(answers, weighted, weight);
  } else {
    const since = now - windowDays * DAY_MS;
    const counted = method === 'window' ? nps.filter((r) => r.submittedAt > since) : latest;
    summary = summarize(counted.map((r) => r.score));
    distribution = countDistribution(summary);
  }

  const quarters = new Map<string, number[]>();
  for (const r of nps) {
    const q = quarterOf(r.submittedAt);
    const scores = quarters.get(q) ?? [];
    scores.push(r.score);
    quarters.set(q, scores);
  }
  const byQuarter = [...quarters.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([quarter, scores]) => ({ quarter, summary: summarize(scores) }));

  const contactRows = contacts.map((contact) => {
    const latestNps = latestByContact.get(contact.key) ?? null;
    return {
      contact,
      latestNps,
      segment: latestNps ? segment(latestNps.score) : null,
      latestAt: latestNps?.submittedAt ?? null,
    };
  });
  contactRows.sort(
    (a, b) =>
      Number(b.segment === 'detractor') - Number(a.segment === 'detractor') ||
      (b.latestAt ?? -Infinity) - (a.latestAt ?? -Infinity) ||
      a.contact.name.localeCompare(b.contact.name),
  );

  return {
    method,
    methodLabel: methodLabel(method, method === 'window' ? windowDays : null),
    unavailable: null,
    counted: method === 'window' ? 'answers' : 'people',
    summary,
    tooFew: summary.n < MIN_RESPONSES_FOR_NPS,
    distribution,
    byQuarter,
    contacts: contactRows,
  };
}

/**
 * The same roll-up from counts the CRM computed for a large account (no contact rows). Weighted by role, the counts
 * come split by role (or title) and are weighed exactly as the small-account roll-up weighs each contact.
 */
export function rollupFromCounts(counts: AccountCounts, roleWeights: Record<string, number>): AccountRollup {
  let summary: NpsSummary;
  let distribution: AccountRollup['distribution'];
  if (counts.method === 'weightedByRole') {
    // One representative score per segment stands for each counted contact: weights apply per segment only.
    const answers = counts.byRole.flatMap((row) => {
      const weight = weightOfRole(row.role, roleWeights);
      return [
        ...Array.from({ length: row.promoters }, () => ({ score: 10, weight })),
        ...Array.from({ length: row.passives }, () => ({ score: 8, weight })),
        ...Array.from({ length: row.detractors }, () => ({ score: 0, weight })),
      ];
    });
    const { weight, ...weighted } = summarizeWeighted(answers);
    summary = weighted;
    distribution = weightedDistribution(answers, weighted, weight);
  } else {
    summary = summarizeCounts(counts);
    distribution = countDistribution(summary);
  }
  return {
    method: counts.method,
    methodLabel: methodLabel(counts.method, counts.windowDays),
    unavailable: counts.unavailable,
    counted: counts.counted,
    summary,
    tooFew: summary.n < MIN_RESPONSES_FOR_NPS,
    distribution,
    byQuarter: [...counts.byQuarter]
      .sort((a, b) => (a.quarter < b.quarter ? -1 : a.quarter > b.quarter ? 1 : 0))
      .map(({ quarter, promoters, passives, detractors }) => ({
        quarter,
        summary: summarizeCounts({ promoters, passives, detractors }),
      })),
    contacts: [],
  };
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function countDistribution(s: NpsSummary): AccountRollup['distribution'] {
  return {
    promoters: { count: s.promoters, share: share(s.promoters, s.n) },
    passives: { count: s.passives, share: share(s.passives, s.n) },
    detractors: { count: s.detractors, share: share(s.detractors, s.n) },
  };
}

/** Shares by weight, so the distribution bar agrees with the weighted NPS beside it. */
function weightedDistribution(
  answers: Array<{ score: number; weight: number }>,
  s: NpsSummary,
  totalWeight: number,
): AccountRollup['distribution'] {
  const w = { promoter: 0, passive: 0, detractor: 0 };
  for (const a of answers) if (a.weight > 0) w[segment(a.score)] += a.weight;
  return {
    promoters: { count: s.promoters, share: share(w.promoter, totalWeight) },
    passives: { count: s.passives, share: share(w.passive, totalWeight) },
    detractors: { count: s.detractors, share: share(w.detractor, totalWeight) },
  };
}

/** An amount in one currency (ISO 4217; null when the CRM does not say). */
export interface Money {
  amount: number;
  currency: string | null;
}

export interface RevenueAtRisk {
  /** Open deals/opportunities, or the revenue field the admin configured. */
  source: 'openPipeline' | 'field';
  /** The revenue at risk, one sum per currency (never converted). */
  atRisk: Money[];
  /** Open pipeline: the deals on which a detractor is a contact, largest first, with those detractors. */
  deals: Array<{ deal: OpenDeal; detractorKeys: string[] }>;
  /** Open pipeline: the account's other open deals, shown apart, one sum per currency. */
  rest: Money[];
  /** How many deals `rest` sums; null when the deals were not read, only their total. */
  restCount: number | null;
  /** Detractors are there but the configured revenue field is empty. */
  unknown: boolean;
  /** Open pipeline whose deals were not read with this view (only its total is known): nothing can be called at risk yet. */
  dealsUnread: boolean;
}

function sumByCurrency(items: Array<{ amount: number | null; currency: string | null }>): Money[] {
  const sums = new Map<string | null, number>();
  for (const { amount, currency } of items) if (amount !== null) sums.set(currency, (sums.get(currency) ?? 0) + amount);
  return [...sums].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => b.amount - a.amount);
}

/**
 * Revenue at risk, by a rule a rep can repeat. Open pipeline: the open deals/opportunities on which a detractor (a
 * contact whose latest NPS answer is 0–6) is a contact, first; the rest of the account's open pipeline apart. A
 * revenue field: the field's value as soon as a detractor sits in the roll-up. Each sum stays in its currency.
 */
export function revenueAtRisk(input: {
  account: Account | null;
  /** The account's open deals; null when they were not read (then only the total is known, shown apart). */
  deals: OpenDeal[] | null;
  /** Contacts whose latest NPS answer is a detractor. */
  detractorKeys: ReadonlySet<string>;
  /** Detractors in the account's roll-up. */
  rollupDetractors: number;
}): RevenueAtRisk {
  const { account } = input;
  if (account?.revenueSource === 'field') {
    const atRisk = input.rollupDetractors > 0 && account.revenue !== null ? [{ amount: account.revenue, currency: account.currency }] : [];
    return { source: 'field', atRisk, deals: [], rest: [], restCount: 0, unknown: input.rollupDetractors > 0 && account.revenue === null, dealsUnread: false };
  }
  if (input.deals === null) {
    const rest = account?.revenue ? [{ amount: account.revenue, currency: account.currency }] : [];
    return { source: 'openPipeline', atRisk: [], deals: [], rest, restCount: null, unknown: false, dealsUnread: true };
  }
  const atRiskDeals: RevenueAtRisk['deals'] = [];
  const others: OpenDeal[] = [];
  for (const deal of input.deals) {
    const detractorKeys = deal.contactKeys.filter((k) => input.detractorKeys.has(k));
    if (detractorKeys.length > 0) atRiskDeals.push({ deal, detractorKeys });
    else others.push(deal);
  }
  atRiskDeals.sort((a, b) => (b.deal.amount ?? -Infinity) - (a.deal.amount ?? -Infinity) || a.deal.name.localeCompare(b.deal.name));
  return {
    source: 'openPipeline',
    atRisk: sumByCurrency(atRiskDeals.map(({ deal }) => deal)),
    deals: atRiskDeals,
    rest: sumByCurrency(others),
    restCount: others.length,
    unknown: false,
    dealsUnread: false,
  };
}
