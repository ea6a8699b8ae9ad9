import { effortLevel, isNpsScore, segment } from './nps';
import type { Segment, SurveyKind } from './schema';
import type { Settings } from './settings';

// Close-the-loop rules: who needs a follow-up, by when, in what order, and who owns it.
// Pure: time is always a parameter, never read from the clock.

type Rules = Settings['rules'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Whether an NPS answer opens a follow-up (score at or below the configured maximum). */
export function needsFollowUp(score: number, rules: Pick<Rules, 'followUpMaxScore'>): boolean {
  return isNpsScore(score) && score <= rules.followUpMaxScore;
}

/** Whether an NPS answer is among the most unhappy (by default 0–3), who are called first. */
export function isUrgent(score: number, rules: Pick<Rules, 'urgentMaxScore'>): boolean {
  return isNpsScore(score) && score <= rules.urgentMaxScore;
}

/** Promoters (9–10) are candidates for a reference, a review or the customer community. */
export function promoterInvite(score: number): boolean {
  return isNpsScore(score) && score >= 9;
}

/**
 * The NPS segment a response is treated like when scheduling its follow-up.
 * CSAT (1–5): 1–2 detractor-like, 3 passive-like, 4–5 promoter-like.
 * CES: high effort detractor-like, neutral passive-like, low effort promoter-like (see effortLevel);
 * without a scale the CES 2.0 7-point scale is assumed.
 * Returns null for a score that is not on its survey's scale.
 */
export function loopSegment(response: { kind: SurveyKind; score: number; scaleMax?: number }): Segment | null {
  const { kind, score } = response;
  if (kind === 'nps') return isNpsScore(score) ? segment(score) : null;
  if (kind === 'csat') {
    if (!Number.isInteger(score) || score < 1 || score > 5) return null;
    return score <= 2 ? 'detractor' : score === 3 ? 'passive' : 'promoter';
  }
  const scaleMax = response.scaleMax ?? 7;
  if (!Number.isInteger(score) || score < 1 || score > scaleMax) return null;
  const level = effortLevel(score, scaleMax);
  return level === 'high-effort' ? 'detractor' : level === 'neutral' ? 'passive' : 'promoter';
}

/**
 * When the follow-up of a response is due (epoch ms), counted from the response time by segment.
 * Detractors and promoters count calendar hours. Passives, when `businessDaysForPassives` is on,
 * count only Monday–Friday time: 24 configured hours are one business day, so 120 h is 5 business
 * days and a response on a weekend starts its clock on Monday 00:00. Days are UTC days: the
 * extension has no reliable account timezone, and UTC keeps the due time the same for every viewer.
 * A score off its scale is treated as a detractor so it is looked at rather than dropped.
 */
export function followUpDue(
  response: { kind: SurveyKind; score: number; submittedAt: number; scaleMax?: number },
  rules: Pick<Rules, 'slaHours' | 'businessDaysForPassives'>,
): number {
  return dueAfter(response.submittedAt, loopSegment(response) ?? 'detractor', rules);
}

/** `from` plus the segment's SLA (business time for passives when so configured). */
function dueAfter(from: number, seg: Segment, rules: Pick<Rules, 'slaHours' | 'businessDaysForPassives'>): number {
  const ms = rules.slaHours[seg] * HOUR_MS;
  if (seg === 'passive' && rules.businessDaysForPassives) return addBusinessTime(from, ms);
  return from + ms;
}

type Answer = { kind: SurveyKind; score: number; submittedAt: number; scaleMax?: number };

/** Where an open follow-up's due time comes from: the CRM's own due date, its answer, or its creation. */
export type DueBasis = 'crm' | 'answer' | 'created';
/** Why a follow-up has no due time: no contact is linked to it, or its contact never answered a survey. */
export type NoDueReason = 'no-contact' | 'never-answered';

/**
 * When an open follow-up is due. The CRM's own due date (a task's) stands; else its survey answer's time plus the
 * SLA of the answer's segment; else its creation plus the SLA of its contact's latest segment (the latest NPS answer,
 * else the latest answer of any kind). Without either, the reason is returned instead of a time.
 */
export function followUpDueTime(
  input: { crmDueAt: number | null; answer: Answer | null; createdAt: number; hasContact: boolean; contactAnswers: readonly Answer[] },
  rules: Pick<Rules, 'slaHours' | 'businessDaysForPassives'>,
): { dueAt: number; basis: DueBasis } | { dueAt: null; reason: NoDueReason } {
  if (input.crmDueAt !== null) return { dueAt: input.crmDueAt, basis: 'crm' };
  if (input.answer) return { dueAt: followUpDue(input.answer, rules), basis: 'answer' };
  if (!input.hasContact) return { dueAt: null, reason: 'no-contact' };
  const latest = (answers: readonly Answer[]) => answers.reduce<Answer | null>((m, a) => (m === null || a.submittedAt > m.submittedAt ? a : m), null);
  const scored = input.contactAnswers.filter((a) => loopSegment(a) !== null);
  const last = latest(scored.filter((a) => a.kind === 'nps')) ?? latest(scored);
  if (!last) return { dueAt: null, reason: 'never-answered' };
  return { dueAt: dueAfter(input.createdAt, loopSegment(last)!, rules), basis: 'created' };
}

function isWeekend(t: number): boolean {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6;
}

function startOfNextUtcDay(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS + DAY_MS;
}

/** Adds `ms` of Monday–Friday (UTC) time to `from`. */
function addBusinessTime(from: number, ms: number): number {
  let t = from;
  let remaining = ms;
  for (;;) {
    while (isWeekend(t)) t = startOfNextUtcDay(t);
    const dayEnd = startOfNextUtcDay(t);
    // Ending exactly at midnight means "by the end of that business day", not the next one.
    if (remaining <= dayEnd - t) return t + remaining;
    remaining -= dayEnd - t;
    t = dayEnd;
  }
}

export type SlaState = 'overdue' | 'due-soon' | 'on-track';

/** The SLA clock: overdue once the due time has passed, due soon within `dueSoonHours` of it. */
export function slaClock(dueAt: number, now: number, dueSoonHours = 12): { state: SlaState; msLeft: number } {
  const msLeft = dueAt - now;
  if (msLeft < 0) return { state: 'overdue', msLeft };
  if (msLeft <= dueSoonHours * HOUR_MS) return { state: 'due-soon', msLeft };
  return { state: 'on-track', msLeft };
}

/**
 * urgent: the most unhappy (≤ urgentMaxScore, by default 0–3); high: the other scores that need a
 * follow-up (by default 4–6); normal: passives and promoters; unscored: no NPS score to go by (see priorityScore).
 */
export type FollowUpPriority = 'urgent' | 'high' | 'normal' | 'unscored';

const PRIORITY_RANK: Record<FollowUpPriority, number> = { urgent: 0, high: 1, normal: 2, unscored: 3 };

export function followUpPriority(
  score: number | null,
  rules: Pick<Rules, 'urgentMaxScore' | 'followUpMaxScore'>,
): FollowUpPriority {
  if (score === null || !isNpsScore(score)) return 'unscored';
  if (isUrgent(score, rules)) return 'urgent';
  if (needsFollowUp(score, rules)) return 'high';
  return 'normal';
}

/** Where a follow-up's priority score comes from: the NPS answer it follows up, or its contact's latest NPS answer. */
export type PriorityBasis = 'answer' | 'latest';

/**
 * The NPS score a follow-up is prioritised by: the answer it follows up when that is an NPS answer; else (no answer,
 * or a CSAT or effort one) its contact's latest NPS answer, as its due time falls back to the contact's latest segment
 * and as My open loops ranks by the customer's latest score. A detractor's task is never ranked below a promoter's
 * ticket for want of a link. Null when neither is an NPS score.
 */
export function priorityScore(input: { answer: Answer | null; contactAnswers: readonly Answer[] }): { score: number; basis: PriorityBasis } | null {
  const { answer } = input;
  if (answer?.kind === 'nps' && isNpsScore(answer.score)) return { score: answer.score, basis: 'answer' };
  const latest = input.contactAnswers
    .filter((a) => a.kind === 'nps' && isNpsScore(a.score))
    .reduce<Answer | null>((m, a) => (m === null || a.submittedAt > m.submittedAt ? a : m), null);
  return latest ? { score: latest.score, basis: 'latest' } : null;
}

export interface FollowUpSortKey {
  score: number | null;
  revenue: number | null;
  dueAt: number | null;
}

/**
 * Follow-ups in the order to work them: urgent, then high, then normal, then unscored; within each,
 * the larger revenue first, then the earliest due. Unknown revenue or due time sorts after known.
 * Stable: equal items keep their input order. Returns a new array. Rules come from settings.
 */
export function sortFollowUps<T>(
  items: readonly T[],
  key: (item: T) => FollowUpSortKey,
  rules: Pick<Rules, 'urgentMaxScore' | 'followUpMaxScore'>,
): T[] {
  const keyed = items.map((item, index) => {
    const k = key(item);
    return { item, index, rank: PRIORITY_RANK[followUpPriority(k.score, rules)], revenue: k.revenue, dueAt: k.dueAt };
  });
  keyed.sort(
    (a, b) =>
      a.rank - b.rank ||
      compareNullsLast(a.revenue, b.revenue, 'desc') ||
      compareNullsLast(a.dueAt, b.dueAt, 'asc') ||
      a.index - b.index,
  );
  return keyed.map((k) => k.item);
}

/** Compares two values in the given direction, with null after any number either way. */
function compareNullsLast(x: number | null, y: number | null, direction: 'asc' | 'desc'): number {
  if (x === null && y === null) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return direction === 'asc' ? x - y : y - x;
}

/**
 * Who owns a follow-up. With the record or account owner rule, the other owner is the fallback so
 * an alert is never left unassigned when someone owns the relationship; null when nobody does.
 */
export function routeFollowUp(
  routing: Rules['routing'],
  owners: { recordOwnerId: string | null; accountOwnerId: string | null },
): string | null {
  switch (routing.kind) {
    case 'recordOwner':
      return owners.recordOwnerId ?? owners.accountOwnerId;
    case 'accountOwner':
      return owners.accountOwnerId ?? owners.recordOwnerId;
    case 'namedUser':
      return routing.userId;
  }
}

/** Whether a contact surveyed at `lastSurveyedAt` should not be surveyed again yet (survey fatigue). */
export function inQuietPeriod(lastSurveyedAt: number | null, now: number, quietPeriodDays: number): boolean {
  if (lastSurveyedAt === null || quietPeriodDays <= 0) return false;
  return now - lastSurveyedAt < quietPeriodDays * DAY_MS;
}
