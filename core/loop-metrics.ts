import { z } from 'zod';
import { isNpsScore } from './nps';
import { crmSchema, type Crm } from './schema';

// The loop's own numbers (see shared/reference/nps-method.md, "Measuring the loop itself"): loops closed, the share
// closed within the SLA, the median time to first contact, the share thanked and recovery — each with the n it was
// computed from, over a window ending now. Pure: the rows and the time come in as parameters.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One loop as the CRM records it: the answer it followed up, when someone first reached out, when it closed. */
export interface LoopFacts {
  /** When the customer answered; null when the loop names no answer. */
  answeredAt: number | null;
  /** The SLA due time of that answer; null when unknown. */
  dueAt: number | null;
  /** The first close-the-loop contact attempt (any logged outcome); null when none was logged. */
  firstContactAt: number | null;
  /** When the loop was closed; null while it is open. */
  closedAt: number | null;
  thanked: boolean;
}

/** One NPS answer of one customer, for recovery. */
export interface AnswerFact {
  contactKey: string;
  score: number;
  submittedAt: number;
}

/** A share with what it is a share of; `value` is null when n = 0 (nothing to measure yet). */
export interface Share {
  count: number;
  n: number;
  value: number | null;
}

export interface LoopMetrics {
  windowDays: number;
  /** Loops closed in the window; `fromCrm` when the CRM counted them. */
  closed: { count: number; fromCrm: boolean };
  withinSla: Share;
  /** Calendar hours from the answer to the first contact, median; null when n = 0. */
  medianHoursToFirstContact: { hours: number | null; n: number };
  thanked: Share;
  /** Detractors in the window whose next NPS answer is 7 or more; n counts those who answered again. */
  recovery: Share & { awaitingNextAnswer: number };
}

function share(count: number, n: number): Share {
  return { count, n, value: n === 0 ? null : count / n };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The numbers for the `windowDays` days up to `now`. A loop counts when it closed in the window; its first contact is
 * measured from its answer in calendar hours (the customer's side: weekends count). A detractor (0–6) answering in the
 * window is recovered when that customer's next NPS answer, whenever it came up to now, is 7 or more. When the CRM
 * counted the closed loops itself (`crmClosedCount`), that count is the one shown; the shares are over the rows read.
 */
export function loopMetrics(input: {
  loops: readonly LoopFacts[];
  answers: readonly AnswerFact[];
  now: number;
  windowDays: number;
  crmClosedCount?: number;
}): LoopMetrics {
  const { now, windowDays } = input;
  const since = now - windowDays * DAY_MS;
  const inWindow = (t: number | null): t is number => t !== null && t > since && t <= now;

  const closed = input.loops.filter((l) => inWindow(l.closedAt));
  const withDue = closed.filter((l) => l.dueAt !== null);
  const withinSla = withDue.filter((l) => l.closedAt! <= l.dueAt!).length;
  const firstContactHours = closed
    .filter((l) => l.answeredAt !== null && l.firstContactAt !== null && l.firstContactAt >= l.answeredAt)
    .map((l) => (l.firstContactAt! - l.answeredAt!) / HOUR_MS);
  const thanked = closed.filter((l) => l.thanked).length;

  const byContact = new Map<string, AnswerFact[]>();
  for (const a of input.answers) {
    if (!isNpsScore(a.score) || a.submittedAt > now) continue;
    byContact.set(a.contactKey, [...(byContact.get(a.contactKey) ?? []), a]);
  }
  let detractorsAnsweredAgain = 0;
  let recovered = 0;
  let awaiting = 0;
  for (const answers of byContact.values()) {
    answers.sort((a, b) => a.submittedAt - b.submittedAt);
    answers.forEach((answer, i) => {
      if (answer.score > 6 || !inWindow(answer.submittedAt)) return;
      const next = answers[i + 1];
      if (!next) {
        awaiting++;
        return;
      }
      detractorsAnsweredAgain++;
      if (next.score >= 7) recovered++;
    });
  }

  return {
    windowDays,
    closed: input.crmClosedCount !== undefined ? { count: input.crmClosedCount, fromCrm: true } : { count: closed.length, fromCrm: false },
    withinSla: share(withinSla, withDue.length),
    medianHoursToFirstContact: { hours: median(firstContactHours), n: firstContactHours.length },
    thanked: share(thanked, closed.length),
    recovery: { ...share(recovered, detractorsAnsweredAgain), awaitingNextAnswer: awaiting },
  };
}

// ── loops closed, counted by the CRM ────────────────────────────────────────────────────────────────────

/** The windows the loop's numbers are shown for. */
export const LOOP_WINDOWS = [30, 90] as const;
export type LoopWindow = (typeof LOOP_WINDOWS)[number];

const windowCountsSchema = z.object({ 30: z.number().int().nonnegative(), 90: z.number().int().nonnegative() });

/**
 * Loops closed as one CRM counted them (HubSpot search totals, Salesforce COUNT()): mine (the person's "me" there;
 * null when not known) and the team's (every owner), over each window ending now.
 */
export const closedCountsSchema = z.object({
  crm: crmSchema,
  mine: windowCountsSchema.nullable(),
  team: windowCountsSchema,
  countedAt: z.number().int(),
});
export type ClosedCounts = z.infer<typeof closedCountsSchema>;

export interface ClosedCountsPart {
  crm: Crm;
  counts: ClosedCounts | null;
  /** Why this CRM gave no counts (in words), when it failed. */
  failed: string | null;
}

export interface LoopNumbersRow {
  scope: 'me' | 'team';
  windowDays: LoopWindow;
  /** Loops closed across the CRMs that counted; null when none could count for this scope. */
  closed: number | null;
  /** The CRMs whose counts are in `closed` (its n of sources). */
  countedBy: Crm[];
}

export interface LoopNumbers {
  rows: LoopNumbersRow[];
  /** CRMs that could not count, with why. */
  failed: Array<{ crm: Crm; reason: string }>;
}

/**
 * The loop's numbers across the connected CRMs: for me and for the team, per window, the sum of what each CRM counted
 * and which CRMs those are. A CRM that failed is named, never counted as zero; "me" counts only where "me" is known.
 */
export function combineClosedCounts(parts: readonly ClosedCountsPart[]): LoopNumbers {
  const rows: LoopNumbersRow[] = [];
  for (const scope of ['me', 'team'] as const) {
    for (const windowDays of LOOP_WINDOWS) {
      const counted = parts.flatMap((p) => {
        const counts = p.counts && (scope === 'me' ? p.counts.mine : p.counts.team);
        return counts ? [{ crm: p.crm, n: counts[windowDays] }] : [];
      });
      rows.push({ scope, windowDays, closed: counted.length === 0 ? null : counted.reduce((sum, c) => sum + c.n, 0), countedBy: counted.map((c) => c.crm) });
    }
  }
  return { rows, failed: parts.filter((p) => p.failed !== null).map((p) => ({ crm: p.crm, reason: p.failed! })) };
}

/** The start of a window ending at `now`, as the CRMs' filters take it. */
export function windowStart(now: number, windowDays: LoopWindow): number {
  return now - windowDays * DAY_MS;
}
