import { z } from 'zod';
import { isNpsScore } from './nps';
import { crmSchema, type Crm } from './schema';
import { LOOP_WINDOWS, type LoopWindow } from './loop-windows';

// The loop's own numbers (see shared/reference/nps-method.md, "Measuring the loop itself"): loops closed, the share
// closed within the SLA, the median time to first contact, the share thanked and recovery — each with the n it was
// computed from, over a window ending now. Pure: the rows and the time come in as parameters.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One NPS answer of one customer, for recovery. */
export interface AnswerFact {
  contactKey: string;
  score: number;
  submittedAt: number;
}

// ── what the outcome write records on the follow-up ────────────────────────────────────────────────────

/** Whether a loop closed by its SLA due time, as the follow-up's field holds it. */
export const SLA_RESULTS = ['within', 'late'] as const;
export type SlaResult = (typeof SLA_RESULTS)[number];

/** The loop's timing an outcome gives its follow-up: recorded at write time, so the CRM can count and sort it. */
export interface LoopTiming {
  /** The first close-the-loop contact attempt: when the outcome was logged. */
  firstContactAt: number;
  /** Calendar hours from the answer to that contact, one decimal; null when the answer's time is unknown. */
  firstContactHours: number | null;
  /** Closed by its due time or late; null when the outcome does not close the follow-up or no due time is known. */
  sla: SlaResult | null;
}

export function outcomeTiming(o: { loggedAt: number; answeredAt?: number | null; dueAt?: number | null; closeFollowUp: boolean }): LoopTiming {
  const answeredAt = o.answeredAt ?? null;
  const dueAt = o.dueAt ?? null;
  return {
    firstContactAt: o.loggedAt,
    firstContactHours: answeredAt !== null && o.loggedAt >= answeredAt ? Math.round((o.loggedAt - answeredAt) / HOUR_MS * 10) / 10 : null,
    sla: o.closeFollowUp && dueAt !== null ? (o.loggedAt <= dueAt ? 'within' : 'late') : null,
  };
}

/** Several outcomes of one follow-up (one batch): the earliest contact, and the SLA of the earliest close. */
export function combineTimings(timings: readonly LoopTiming[]): LoopTiming {
  const byTime = [...timings].sort((a, b) => a.firstContactAt - b.firstContactAt);
  const first = byTime[0]!;
  return { firstContactAt: first.firstContactAt, firstContactHours: first.firstContactHours, sla: byTime.find((t) => t.sla !== null)?.sla ?? null };
}

/**
 * What to send so the follow-up holds `timing`, given what it holds now: nothing when it already says so. The first
 * contact is replaced only by an earlier one (an outcome queued offline may arrive after a later one); the SLA result
 * of the first close stays.
 */
export function timingUpdate(
  held: { firstContactAt: number | null; firstContactHours: number | null; sla: string | null },
  timing: LoopTiming,
): Partial<LoopTiming> {
  const update: Partial<LoopTiming> = {};
  const earlier = held.firstContactAt === null || timing.firstContactAt < held.firstContactAt;
  if (earlier) {
    update.firstContactAt = timing.firstContactAt;
    if (timing.firstContactHours !== null && timing.firstContactHours !== held.firstContactHours) update.firstContactHours = timing.firstContactHours;
  } else if (timing.firstContactAt === held.firstContactAt && held.firstContactHours === null && timing.firstContactHours !== null) {
    update.firstContactHours = timing.firstContactHours;
  }
  if (held.sla === null && timing.sla !== null) update.sla = timing.sla;
  return update;
}

/** The middle of n sorted values read from offset `medianOffset(n)`, `medianCount(n)` values (one or two). */
export function medianOffset(n: number): number {
  return n % 2 === 1 ? (n - 1) / 2 : n / 2 - 1;
}
export function medianCount(n: number): number {
  return n % 2 === 1 ? 1 : 2;
}
/** The median of the one or two middle values read. */
export function medianOfMiddle(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

// ── the loop's numbers, counted by the CRM ──────────────────────────────────────────────────────────────

export { LOOP_WINDOWS, type LoopWindow } from './loop-windows';

const count = z.number().int().nonnegative();
const shareCountSchema = z.object({ count, n: count });

/**
 * One window's numbers as one CRM counted them, over the follow-ups closed in the window. Each part is null where the
 * CRM lacks the field it is counted from; `n` counts the closed loops whose outcome recorded it (the rest, written
 * before the field or by hand, are "not recorded", never counted as a no).
 */
export const windowCountsSchema = z.object({
  closed: count,
  withinSla: shareCountSchema.nullable(),
  thanked: shareCountSchema.nullable(),
  /** The median of the hours to first contact; `beyondLimit` when n is past what the CRM can page to (then no median). */
  firstContact: z.object({ n: count, medianHours: z.number().nonnegative().nullable(), beyondLimit: z.boolean() }).nullable(),
  /**
   * Detractor loops closed in the window whose customer answered again (n), recovered among them, and those not
   * answered again yet; `beyondLimit` when there were more closed loops (or their customers' answers) than are paired
   * (then the counts are 0). Null where the CRM keeps NPS answers where they cannot be read by contact.
   */
  recovery: z.object({ recovered: count, n: count, notAnsweredAgain: count, beyondLimit: z.boolean() }).nullable(),
});
export type WindowCounts = z.infer<typeof windowCountsSchema>;

const windowsSchema = z.object({ 30: windowCountsSchema, 90: windowCountsSchema });

/**
 * The loop's numbers as one CRM counted them (HubSpot search totals, Salesforce aggregate SOQL): mine (the person's
 * "me" there; null when not known) and the team's (every owner), over each window ending now; and the loop fields the
 * CRM lacks (their numbers are not counted there).
 */
export const loopCountsSchema = z.object({
  crm: crmSchema,
  mine: windowsSchema.nullable(),
  team: windowsSchema,
  missingFields: z.array(z.string()),
  countedAt: z.number().int(),
});
export type LoopCounts = z.infer<typeof loopCountsSchema>;

export interface LoopCountsPart {
  crm: Crm;
  counts: LoopCounts | null;
  /** Why this CRM gave no counts, when it failed: the error's kind, which the list says in words. */
  failedKind: string | null;
}

/** A share across the CRMs that could count it: `notRecorded` closed loops of those CRMs lack the field's value. */
export interface CombinedShare {
  count: number;
  n: number;
  value: number | null;
  notRecorded: number;
  countedBy: Crm[];
}

export interface LoopNumbersRow {
  scope: 'me' | 'team';
  windowDays: LoopWindow;
  /** Loops closed across the CRMs that counted; null when none could count for this scope. */
  closed: number | null;
  /** The CRMs whose counts are in `closed` (its n of sources). */
  countedBy: Crm[];
  withinSla: CombinedShare | null;
  thanked: CombinedShare | null;
  /**
   * The median hours to first contact per CRM: two CRMs' medians cannot be merged into one without the rows, so each
   * is shown with its own n.
   */
  firstContact: Array<{ crm: Crm; n: number; medianHours: number | null; beyondLimit: boolean; notRecorded: number }>;
  /** Recovery across the CRMs that paired their loops; null when none could. */
  recovery: CombinedRecovery | null;
}

/**
 * Detractor loops recovered of those whose customer answered again (n), and those not answered again yet, summed over
 * the CRMs that paired them; `tooMany` names the CRMs whose closed loops were too many to pair, with their count.
 */
export interface CombinedRecovery {
  count: number;
  n: number;
  value: number | null;
  notAnsweredAgain: number;
  countedBy: Crm[];
  tooMany: Array<{ crm: Crm; closed: number }>;
}

export interface LoopNumbers {
  rows: LoopNumbersRow[];
  /** CRMs that could not count, with the kind of error why. */
  failed: Array<{ crm: Crm; kind: string }>;
  /** Loop fields a connected CRM lacks, by CRM (the options page creates them). */
  missingFields: Array<{ crm: Crm; fields: string[] }>;
}

function combineShares(parts: Array<{ crm: Crm; closed: number; share: { count: number; n: number } | null }>): CombinedShare | null {
  const counted = parts.filter((p) => p.share !== null);
  if (counted.length === 0) return null;
  const c = counted.reduce((sum, p) => sum + p.share!.count, 0);
  const n = counted.reduce((sum, p) => sum + p.share!.n, 0);
  return { count: c, n, value: n === 0 ? null : c / n, notRecorded: counted.reduce((sum, p) => sum + p.closed - p.share!.n, 0), countedBy: counted.map((p) => p.crm) };
}

function combineRecovery(parts: Array<{ crm: Crm; w: WindowCounts }>): CombinedRecovery | null {
  const withRecovery = parts.filter((p) => p.w.recovery !== null);
  if (withRecovery.length === 0) return null;
  const paired = withRecovery.filter((p) => !p.w.recovery!.beyondLimit);
  const c = paired.reduce((sum, p) => sum + p.w.recovery!.recovered, 0);
  const n = paired.reduce((sum, p) => sum + p.w.recovery!.n, 0);
  return {
    count: c,
    n,
    value: n === 0 ? null : c / n,
    notAnsweredAgain: paired.reduce((sum, p) => sum + p.w.recovery!.notAnsweredAgain, 0),
    countedBy: paired.map((p) => p.crm),
    tooMany: withRecovery.filter((p) => p.w.recovery!.beyondLimit).map((p) => ({ crm: p.crm, closed: p.w.closed })),
  };
}

/**
 * The loop's numbers across the connected CRMs: for me and for the team, per window, the sum of what each CRM counted
 * and which CRMs those are. A CRM that failed is named, never counted as zero; "me" counts only where "me" is known.
 */
export function combineLoopCounts(parts: readonly LoopCountsPart[]): LoopNumbers {
  const rows: LoopNumbersRow[] = [];
  for (const scope of ['me', 'team'] as const) {
    for (const windowDays of LOOP_WINDOWS) {
      const counted = parts.flatMap((p) => {
        const windows = p.counts && (scope === 'me' ? p.counts.mine : p.counts.team);
        return windows ? [{ crm: p.crm, w: windows[windowDays] }] : [];
      });
      rows.push({
        scope,
        windowDays,
        closed: counted.length === 0 ? null : counted.reduce((sum, c) => sum + c.w.closed, 0),
        countedBy: counted.map((c) => c.crm),
        withinSla: combineShares(counted.map((c) => ({ crm: c.crm, closed: c.w.closed, share: c.w.withinSla }))),
        thanked: combineShares(counted.map((c) => ({ crm: c.crm, closed: c.w.closed, share: c.w.thanked }))),
        firstContact: counted.flatMap((c) => (c.w.firstContact ? [{ crm: c.crm, ...c.w.firstContact, notRecorded: c.w.closed - c.w.firstContact.n }] : [])),
        recovery: combineRecovery(counted),
      });
    }
  }
  return {
    rows,
    failed: parts.filter((p) => p.failedKind !== null).map((p) => ({ crm: p.crm, kind: p.failedKind! })),
    missingFields: parts.flatMap((p) => (p.counts && p.counts.missingFields.length > 0 ? [{ crm: p.crm, fields: p.counts.missingFields }] : [])),
  };
}

/** The start of a window ending at `now`, as the CRMs' filters take it. */
export function windowStart(now: number, windowDays: LoopWindow): number {
  return now - windowDays * DAY_MS;
}

// ── recovery: a detractor's next answer ─────────────────────────────────────────────────────────────────

/** Closed loops paired per scope at most; past it the figure says there are too many to pair (with n). */
export const RECOVERY_PAIR_MAX = 500;
/** How long before its loop was opened an answer may be the one the loop follows up. */
export const LOOP_ANSWER_LOOKBACK_DAYS = 30;

/** A closed follow-up as read for recovery: whose it is, its customer, when it was opened and closed. */
export interface ClosedLoop {
  id: string;
  ownerId: string | null;
  contactKey: string | null;
  openedAt: number;
  closedAt: number;
}

export interface RecoveryCount {
  recovered: number;
  /** Detractor answers followed up by a closed loop whose customer answered again. */
  n: number;
  /** Such answers whose customer has not answered again yet (never counted as not recovered). */
  notAnsweredAgain: number;
}

/**
 * Recovery of closed loops, counted by detractor: a loop follows up its customer's latest NPS answer at or before the
 * loop was opened (within LOOP_ANSWER_LOOKBACK_DAYS); it is a detractor loop when that answer is 0–6. The customer's next
 * NPS answer — the first one after it — of 7 or more recovers that detractor; no later answer yet is "not answered
 * again". Several loops of one answer (a ticket and a task) count it once. Loops without a customer or without such an
 * answer are not detractor loops as far as the answers tell, so they count nowhere.
 */
export function pairRecovery(loops: readonly ClosedLoop[], answers: readonly AnswerFact[]): RecoveryCount {
  const byContact = new Map<string, AnswerFact[]>();
  for (const a of answers) {
    if (!isNpsScore(a.score)) continue;
    byContact.set(a.contactKey, [...(byContact.get(a.contactKey) ?? []), a]);
  }
  for (const list of byContact.values()) list.sort((a, b) => a.submittedAt - b.submittedAt);
  const out: RecoveryCount = { recovered: 0, n: 0, notAnsweredAgain: 0 };
  const counted = new Set<AnswerFact>();
  for (const loop of loops) {
    const list = loop.contactKey ? byContact.get(loop.contactKey) : undefined;
    if (!list) continue;
    const since = loop.openedAt - LOOP_ANSWER_LOOKBACK_DAYS * DAY_MS;
    let i = -1;
    list.forEach((a, j) => {
      if (a.submittedAt <= loop.openedAt && a.submittedAt >= since) i = j;
    });
    const answer = list[i];
    if (!answer || answer.score > 6 || counted.has(answer)) continue;
    counted.add(answer);
    const next = list.slice(i + 1).find((a) => a.submittedAt > answer.submittedAt);
    if (!next) out.notAnsweredAgain++;
    else {
      out.n++;
      if (next.score >= 7) out.recovered++;
    }
  }
  return out;
}

/**
 * The closed loops read for recovery, newest closed first: the team's and, when the team's were too many to read, the
 * owner's. `read` holds at most RECOVERY_PAIR_MAX of each; `answers` is null when their customers' answers were more
 * than could be read.
 */
export interface RecoveryRead {
  team: ClosedLoop[] | null;
  mine: ClosedLoop[] | null;
  answers: AnswerFact[] | null;
}

/**
 * One window's recovery for the team or one owner, from what was read. Reads are newest closed first, so a read holds
 * every loop of a window when the CRM's count of the window's loops is no more than the read holds: the team's count
 * for the team's read (an owner's loops are among the team's), the owner's for the owner's. Else there are too many to
 * pair, as there are when the customers' answers were too many to read.
 */
export function recoveryOfWindow(
  read: RecoveryRead,
  cell: { ownerId: string | null; since: number; closed: number; teamClosed: number },
): NonNullable<WindowCounts['recovery']> {
  let loops: ClosedLoop[] | null = null;
  if (read.team && cell.teamClosed <= read.team.length) loops = read.team;
  else if (cell.ownerId !== null && read.mine && cell.closed <= read.mine.length) loops = read.mine;
  if (!loops || read.answers === null) return { recovered: 0, n: 0, notAnsweredAgain: 0, beyondLimit: true };
  const inWindow = loops.filter((l) => l.closedAt >= cell.since && (cell.ownerId === null || l.ownerId === cell.ownerId));
  return { ...pairRecovery(inWindow, read.answers), beyondLimit: false };
}
