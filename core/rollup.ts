import {
  isNpsScore,
  MIN_RESPONSES_FOR_NPS,
  segment,
  summarize,
  summarizeCounts,
  summarizeWeighted,
  type NpsSummary,
} from './nps';
import type { Account, AccountCounts, Contact, Segment, SurveyResponse } from './schema';
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
  const role = (contact?.role ?? contact?.title)?.trim().toLowerCase();
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
    summary,
    tooFew: summary.n < MIN_RESPONSES_FOR_NPS,
    distribution,
    byQuarter,
    contacts: contactRows,
  };
}

/**
 * The same roll-up from counts the CRM computed for a large account (no contact rows). Counts carry
 * no weights, so for the weighted method the label says the role weights were not applied.
 */
export function rollupFromCounts(counts: AccountCounts): AccountRollup {
  const summary = summarizeCounts(counts);
  return {
    method: counts.method,
    methodLabel:
      counts.method === 'weightedByRole'
        ? 'latest response per contact (role weights not applied to account-wide counts)'
        : methodLabel(counts.method, counts.windowDays),
    summary,
    tooFew: summary.n < MIN_RESPONSES_FOR_NPS,
    distribution: countDistribution(summary),
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

/**
 * Revenue at risk: the account's whole revenue (open pipeline or the configured revenue field) as soon
 * as at least one detractor sits in the roll-up, so one detractor in a large account is never a
 * footnote; 0 without detractors; null when there are detractors but the revenue is unknown.
 */
export function revenueAtRisk(account: Account | null, rollup: { summary: { detractors: number } }): number | null {
  if (rollup.summary.detractors === 0) return 0;
  return account?.revenue ?? null;
}
