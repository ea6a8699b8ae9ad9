import { safeSegment } from './nps';
import { followUpDue, followUpPriority, slaClock, type FollowUpPriority, type SlaState } from './rules';
import type { Crm, Outcome, Segment } from './schema';
import type { Settings } from './settings';
import type { LoopScore, WorklistMe, WorklistRead, WorklistRow } from './worklist-schema';

export type { LoopScore, Owner, TeamCount, WorklistMe, WorklistRead, WorklistRow } from './worklist-schema';

// "My open loops": the rows of the worklist, the order to work them in, and the states the list can be in.
// Pure: time is a parameter, nothing here touches a browser API. The shapes the CRMs' answers are parsed into are in
// worklist-schema.ts, so the list's code draws from validated data without loading zod.

type Rules = Settings['rules'];

export interface RankedLoop {
  row: WorklistRow;
  segment: Segment | null;
  priority: FollowUpPriority;
  dueAt: number | null;
  sla: { state: SlaState; msLeft: number } | null;
  /** The comment's first line, for a one-line list. */
  commentLine: string | null;
}

/**
 * When a loop is due. A task carries its own due date. A ticket or Case is due by the SLA of the answer it follows up,
 * counted from the answer when the follow-up came after it, else from the follow-up's creation (an answer newer than its
 * follow-up did not start that follow-up's clock). Without an answer on an NPS, CSAT or effort scale no SLA is known.
 */
export function loopDue(row: Pick<WorklistRow, 'kind' | 'crmDueAt' | 'score' | 'createdAt'>, rules: Pick<Rules, 'slaHours' | 'businessDaysForPassives'>): number | null {
  if (row.crmDueAt !== null) return row.crmDueAt;
  if (!row.score) return null;
  const from = row.score.submittedAt <= row.createdAt ? row.score.submittedAt : row.createdAt;
  return followUpDue({ kind: row.score.kind, score: row.score.value, scaleMax: row.score.scaleMax, submittedAt: from }, rules);
}

function npsValue(score: LoopScore | null): number | null {
  return score && score.kind === 'nps' ? score.value : null;
}

export function firstLine(text: string | null): string | null {
  const line = text?.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  return line ? line.slice(0, 200) : null;
}

/**
 * The order to work loops in: the most unhappy (0–3 by default) first, then the other detractors (4–6), then the rest;
 * within each, the earliest due first, then the larger revenue behind the account. Unknown due time or revenue sorts
 * after known. Stable for equal loops. Returns a new array.
 */
export function rankLoops(rows: readonly WorklistRow[], rules: Pick<Rules, 'urgentMaxScore' | 'followUpMaxScore' | 'slaHours' | 'businessDaysForPassives'>, now: number): RankedLoop[] {
  const ranked = rows.map((row, index) => {
    const score = npsValue(row.score);
    const dueAt = loopDue(row, rules);
    const loop: RankedLoop = {
      row,
      segment: score === null ? null : safeSegment(score),
      priority: followUpPriority(score, rules),
      dueAt,
      sla: dueAt === null ? null : slaClock(dueAt, now),
      commentLine: firstLine(row.score?.comment ?? null),
    };
    return { loop, index };
  });
  ranked.sort(
    (a, b) =>
      PRIORITY_RANK[a.loop.priority] - PRIORITY_RANK[b.loop.priority] ||
      nullsLast(a.loop.dueAt, b.loop.dueAt, 'asc') ||
      nullsLast(a.loop.row.account?.revenue ?? null, b.loop.row.account?.revenue ?? null, 'desc') ||
      a.index - b.index,
  );
  return ranked.map((r) => r.loop);
}

const PRIORITY_RANK: Record<FollowUpPriority, number> = { urgent: 0, high: 1, normal: 2, unscored: 3 };

function nullsLast(x: number | null, y: number | null, direction: 'asc' | 'desc'): number {
  if (x === null && y === null) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return direction === 'asc' ? x - y : y - x;
}

/** Loops past their due time. */
export function overdueCount(loops: readonly RankedLoop[]): number {
  return loops.filter((l) => l.sla?.state === 'overdue').length;
}

/** The toolbar badge: the overdue count, "99+" past two digits, nothing at zero. */
export function badgeText(overdue: number | null): string {
  if (overdue === null || overdue <= 0) return '';
  return overdue > 99 ? '99+' : String(overdue);
}

/**
 * The relationship owner a loop should go to when it is reassigned (the method routes alerts to whoever owns the
 * relationship): the account's owner, unless that is who has it now.
 */
export function suggestedAssignee(row: Pick<WorklistRow, 'account' | 'ownerId'>): { id: string; name: string | null } | null {
  const owner = row.account?.ownerId ?? null;
  if (!owner || owner === row.ownerId) return null;
  return { id: owner, name: row.account?.ownerName ?? null };
}

// ── states ──────────────────────────────────────────────────────────────────────────────────────────────

/** Why one CRM's part of the list is not fresh, in terms the list can show. */
export type CrmPartState = 'fresh' | 'not-connected' | 'choose-me' | 'offline' | 'rate-limited' | 'daily-limit' | 'error';

export interface CrmPart {
  crm: Crm;
  connected: boolean;
  me: WorklistMe | null;
  /** The last good read, kept when a later one fails. */
  read: WorklistRead | null;
  /** The last refresh's failure; null when it succeeded. */
  error: { kind: string; message: string; at: number } | null;
}

export function crmPartState(part: CrmPart): CrmPartState {
  if (!part.connected) return 'not-connected';
  // Salesforce knows who is signed in; only HubSpot asks the user to choose.
  if (!part.me && part.crm === 'hubspot') return 'choose-me';
  if (!part.error) return 'fresh';
  switch (part.error.kind) {
    case 'network':
    case 'timeout':
    case 'server':
      return 'offline';
    case 'rate-limit':
      return 'rate-limited';
    case 'daily-limit':
      return 'daily-limit';
    case 'not-connected':
      return 'not-connected';
    default:
      return 'error';
  }
}

export type WorklistStateName = 'not-connected' | 'choose-me' | 'loading' | 'empty' | 'ready';

export interface WorklistState {
  name: WorklistStateName;
  /** CRMs whose part of the list is not fresh (who "me" is, when not chosen, is asked beside the list, not here). */
  notices: Array<{ crm: Crm; state: Exclude<CrmPartState, 'fresh' | 'not-connected' | 'choose-me'>; cachedAt: number | null; message: string | null }>;
  /** The oldest read the list shows, for "saved … ago". */
  cachedAt: number | null;
}

/**
 * The list's state across both CRMs. Not connected anywhere → "connect"; connected but no "me" known anywhere →
 * "choose who you are"; a list with rows → ready, with a notice per CRM that is offline, limited or failing (its saved
 * rows stay); nothing to list → "every loop is closed" — only when every connected CRM answered.
 */
export function worklistState(parts: readonly CrmPart[]): WorklistState {
  const connected = parts.filter((p) => p.connected);
  if (connected.length === 0) return { name: 'not-connected', notices: [], cachedAt: null };
  const notices: WorklistState['notices'] = [];
  for (const part of connected) {
    const state = crmPartState(part);
    if (state === 'fresh' || state === 'not-connected' || state === 'choose-me') continue;
    notices.push({ crm: part.crm, state, cachedAt: part.read?.fetchedAt ?? null, message: part.error?.message ?? null });
  }
  const withMe = connected.filter((p) => p.me || p.crm === 'salesforce');
  if (withMe.length === 0) return { name: 'choose-me', notices, cachedAt: null };
  const reads = withMe.map((p) => p.read);
  const cachedAt = reads.some((r) => r === null) ? null : Math.min(...reads.map((r) => r!.fetchedAt));
  const rows = reads.reduce((n, r) => n + (r?.rows.length ?? 0), 0);
  if (rows > 0) return { name: 'ready', notices, cachedAt };
  const unanswered = withMe.some((p) => p.read === null && !p.error);
  if (unanswered) return { name: 'loading', notices, cachedAt };
  const allAnswered = withMe.every((p) => p.read !== null && !p.error);
  return { name: allAnswered ? 'empty' : 'ready', notices, cachedAt };
}

/** What the background hands the list: each CRM's part, from the cache, and how often the badge is refreshed. */
export interface WorklistSnapshot {
  parts: CrmPart[];
  /** Outcomes logged here against listed loops, on their way or just written: each row shows its own, with Undo. */
  outcomes: Outcome[];
  refreshMinutes: number;
}

export const DEFAULT_REFRESH_MINUTES = 10;
