import { z } from 'zod';
import { crmSchema, type Crm, type OutcomeResult } from './schema';
import { roundScore, summarizeCounts } from './nps';

// The outer loop: what the CRMs counted across every loop of a scope and period (each CRM folder's insights.ts), and
// the arithmetic over those counts — NPS by month with its margin, root causes and touchpoints ranked, the loop
// funnel, the CSV. Pure: no browser APIs, no CRM calls.

/** A calendar month, "2026-03" (UTC). */
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export type Month = z.infer<typeof monthSchema>;

/** The longest period one view counts: the requests grow with the months. */
export const INSIGHTS_MAX_MONTHS = 24;
/** A month with fewer answers than this is shown muted: its margin is too wide to read a trend from. */
export const LOW_N_MONTH = 30;
/** A survey, channel or touchpoint with fewer answers than this is left out of the ranking. */
export const LOW_N_TOUCHPOINT = 10;
/** The loops listed under "what we heard and what we did". */
export const RECENT_LOOPS = 20;

const ownerId = z.string().regex(/^[A-Za-z0-9]{1,64}$/);

/** Whose loops: mine (the accounts I own), one owner, a team (several owners of one CRM), or everyone. */
export const insightsScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('everyone') }),
  z.strictObject({ kind: z.literal('mine') }),
  z.strictObject({ kind: z.literal('owners'), crm: crmSchema, ownerIds: z.array(ownerId).min(1).max(25) }),
]);
export type InsightsScope = z.infer<typeof insightsScopeSchema>;

export const insightsPeriodSchema = z
  .strictObject({ from: monthSchema, to: monthSchema })
  .refine((p) => p.from <= p.to, { message: 'the period must end after it starts', path: ['to'] })
  .refine((p) => monthsOf(p).length <= INSIGHTS_MAX_MONTHS, { message: `the period can be at most ${INSIGHTS_MAX_MONTHS} months`, path: ['from'] });
export type InsightsPeriod = z.infer<typeof insightsPeriodSchema>;

export const insightsQuerySchema = z.strictObject({ scope: insightsScopeSchema, period: insightsPeriodSchema });
export type InsightsQuery = z.infer<typeof insightsQuerySchema>;

/** One CRM's scope as the connector applies it: everyone, or the accounts and follow-ups of these owners. */
export type OwnerFilter = { kind: 'everyone' } | { kind: 'owners'; ownerIds: string[] };

export const monthCountsSchema = z.object({
  month: monthSchema,
  promoters: z.number().int().nonnegative(),
  passives: z.number().int().nonnegative(),
  detractors: z.number().int().nonnegative(),
  /** When the CRM counted this month (a closed month kept from an earlier count keeps its time); unset: with the rest. */
  countedAt: z.number().int().optional(),
});
export type MonthCounts = z.infer<typeof monthCountsSchema>;

/**
 * A closed month's counts kept for reuse. Answers are dated when they were given, so once a month is over its counts
 * no longer change (a late import is found by its creation date, see integrations/hubspot/insights.ts).
 */
export type KeptMonth = MonthCounts & { countedAt: number };

/** Kept closed months are counted again after this long, however quiet the CRM looked (deletions leave no trace). */
export const KEPT_MONTH_MAX_AGE_MS = 7 * 86_400_000;

/** Whether a month was over when `at` came (UTC): only such a count can be kept. */
export function monthClosedAt(month: Month, at: number): boolean {
  return monthBounds(month).end <= at;
}

/** How many follow-ups of the period name a root cause, and the money behind their accounts (null: not counted). */
export const causeCountSchema = z.object({ cause: z.string(), count: z.number().int().nonnegative(), revenue: z.number().nonnegative().nullable() });
export type CauseCount = z.infer<typeof causeCountSchema>;

export const touchpointCountSchema = z.object({
  kind: z.enum(['survey', 'channel']),
  name: z.string(),
  detractors: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
});
export type TouchpointCount = z.infer<typeof touchpointCountSchema>;

/**
 * The loop funnel of the period: follow-ups opened, then by what their outcomes recorded on them. A step is null where
 * the CRM has no field to count it by (the admin has not added the loop fields yet).
 */
export const funnelCountsSchema = z.object({
  opened: z.number().int().nonnegative(),
  reached: z.number().int().nonnegative().nullable(),
  resolved: z.number().int().nonnegative().nullable(),
  thanked: z.number().int().nonnegative().nullable(),
  closed: z.number().int().nonnegative(),
  /** Sum and count of the closed follow-ups' time from opening to closing, so several CRMs average together. */
  closeHoursTotal: z.number().nonnegative().nullable(),
  closeCounted: z.number().int().nonnegative(),
});
export type FunnelCounts = z.infer<typeof funnelCountsSchema>;

export const recentLoopSchema = z.object({
  crm: crmSchema,
  id: z.string(),
  title: z.string(),
  contactName: z.string().nullable(),
  rootCauses: z.array(z.string()),
  steps: z.array(z.enum(['reached', 'resolved', 'thanked'])),
  closed: z.boolean(),
  openedAt: z.number().int(),
  url: z.string().nullable(),
});
export type RecentLoop = z.infer<typeof recentLoopSchema>;

/** What one CRM counted for a scope and period. */
export const insightsCountsSchema = z.object({
  crm: crmSchema,
  instance: z.string(),
  /** What a month's n counts: every answer, or (HubSpot, scoped to owners) each contact's latest answer. */
  counted: z.enum(['answers', 'people']),
  months: z.array(monthCountsSchema),
  causes: z.array(causeCountSchema),
  /** The currency of `causes[].revenue`; null when the CRM does not say. */
  currency: z.string().nullable(),
  touchpoints: z.array(touchpointCountSchema),
  funnel: funnelCountsSchema,
  recent: z.array(recentLoopSchema),
  /**
   * Whether the follow-up has the root-cause field; without it no cause can be counted. Unmapped: root causes go to the
   * Salesforce Case Reason, but no cause is mapped to a Reason value yet.
   */
  causeField: z.enum(['present', 'missing', 'unmapped']),
  requestCount: z.number().int().nonnegative(),
  /** When the count began. */
  fetchedAt: z.number().int(),
  /** When it ended (set where a later count may add to it what was created after). */
  countedUntil: z.number().int().optional(),
  /**
   * What the month counts are of (the scope and how answers are counted), so kept months of one scope, source or
   * connection never mix with another's; unset where the CRM counts every month each time (Salesforce).
   */
  basis: z.string().optional(),
  /** What the follow-up counts are of (pipeline, scope, the causes and steps the fields hold); unset: not kept. */
  followUpBasis: z.string().optional(),
  /** The oldest earlier count this one reused (closed months, or what the CRM said had not changed since); unset: none. */
  keptSince: z.number().int().optional(),
});
export type InsightsCounts = z.infer<typeof insightsCountsSchema>;

/** One CRM's part of the view: counted, failing, or not connected / not in scope. */
export interface InsightsPart {
  crm: Crm;
  state: 'counted' | 'error' | 'not-connected' | 'out-of-scope';
  counts: InsightsCounts | null;
  error: { kind: string; message: string } | null;
}

export interface InsightsSnapshot {
  query: InsightsQuery;
  parts: InsightsPart[];
  /** When the oldest counted part was read; null when nothing is counted. */
  fetchedAt: number | null;
  fromCache: boolean;
}

// ---------------------------------------------------------------------------------------------
// Months

/** Every month from `from` to `to`, both included. */
export function monthsOf(period: { from: Month; to: Month }): Month[] {
  const [fy, fm] = period.from.split('-').map(Number) as [number, number];
  const [ty, tm] = period.to.split('-').map(Number) as [number, number];
  const out: Month[] = [];
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (out.length > INSIGHTS_MAX_MONTHS * 10) break;
  }
  return out;
}

/** The month's first millisecond and the next month's (UTC). */
export function monthBounds(month: Month): { start: number; end: number } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { start: Date.UTC(y, m - 1, 1), end: Date.UTC(y, m, 1) };
}

/** The month an instant falls in (UTC). */
export function monthOf(epochMs: number): Month {
  const d = new Date(epochMs);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The last `count` months up to and including the month of `now`. */
export function lastMonths(count: number, now: number): { from: Month; to: Month } {
  const d = new Date(now);
  const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (count - 1), 1));
  return { from: monthOf(start.getTime()), to: monthOf(now) };
}

// ---------------------------------------------------------------------------------------------
// The view

export interface MonthRow {
  month: Month;
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Rounded NPS points; null when the month has no answers. */
  nps: number | null;
  /** Rounded 95% margin in points; null when the month has no answers. */
  margin: number | null;
  lowN: boolean;
}

export interface CauseRow {
  cause: string;
  count: number;
  /** Share of the period's follow-ups naming any cause that name this one, in whole percent. */
  share: number;
  /** Per currency, never converted. */
  revenue: Array<{ currency: string | null; amount: number }>;
}

export interface TouchpointRow {
  kind: 'survey' | 'channel';
  name: string;
  n: number;
  detractors: number;
  /** Detractors in whole percent of n. */
  detractorShare: number;
}

export interface FunnelStep {
  step: 'answers' | 'opened' | 'reached' | 'resolved' | 'thanked';
  count: number | null;
  /** Whole percent of the step before; null for the first step or an uncounted one. */
  ofPrevious: number | null;
}

export interface InsightsView {
  months: MonthRow[];
  total: MonthRow;
  causesByCount: CauseRow[];
  causesByRevenue: CauseRow[];
  touchpoints: TouchpointRow[];
  /** How many touchpoints were left out for too few answers. */
  hiddenTouchpoints: number;
  funnel: FunnelStep[];
  /** Mean hours from opening to closing a follow-up; null when none closed or the CRMs cannot say. */
  meanCloseHours: number | null;
  closed: number;
  recent: RecentLoop[];
  counted: Array<'answers' | 'people'>;
}

const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 100) : 0);

function monthRow(month: Month, c: { promoters: number; passives: number; detractors: number }): MonthRow {
  const s = summarizeCounts(c);
  return {
    month,
    n: s.n,
    promoters: c.promoters,
    passives: c.passives,
    detractors: c.detractors,
    nps: s.nps === null ? null : roundScore(s.nps),
    margin: s.marginOfError95 === null ? null : Math.round(s.marginOfError95),
    lowN: s.n < LOW_N_MONTH,
  };
}

/** NPS by month over every counted CRM, each month of the period listed (an empty month has n = 0). */
export function npsByMonth(period: { from: Month; to: Month }, parts: readonly InsightsCounts[]): MonthRow[] {
  return monthsOf(period).map((month) => {
    const sum = { promoters: 0, passives: 0, detractors: 0 };
    for (const part of parts) {
      for (const m of part.months) {
        if (m.month !== month) continue;
        sum.promoters += m.promoters;
        sum.passives += m.passives;
        sum.detractors += m.detractors;
      }
    }
    return monthRow(month, sum);
  });
}

/** Root causes over every counted CRM: by count (then name), and by the revenue behind them in the main currency. */
export function rankCauses(parts: readonly InsightsCounts[]): { byCount: CauseRow[]; byRevenue: CauseRow[] } {
  const rows = new Map<string, CauseRow>();
  for (const part of parts) {
    for (const c of part.causes) {
      const key = c.cause.trim().toLowerCase();
      const row = rows.get(key) ?? { cause: c.cause.trim(), count: 0, share: 0, revenue: [] };
      row.count += c.count;
      if (c.revenue !== null) {
        const same = row.revenue.find((r) => r.currency === part.currency);
        if (same) same.amount += c.revenue;
        else row.revenue.push({ currency: part.currency, amount: c.revenue });
      }
      rows.set(key, row);
    }
  }
  const all = [...rows.values()].filter((r) => r.count > 0);
  const total = all.reduce((n, r) => n + r.count, 0);
  for (const r of all) r.share = pct(r.count, total);
  const byCount = [...all].sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause));
  // Amounts are never converted: the ranking by revenue uses the currency holding the most money's rows.
  const currencies = new Map<string | null, number>();
  for (const r of all) for (const m of r.revenue) currencies.set(m.currency, (currencies.get(m.currency) ?? 0) + 1);
  const main = [...currencies.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const amountIn = (r: CauseRow) => r.revenue.find((m) => m.currency === main)?.amount ?? 0;
  const byRevenue = main === undefined ? [] : all.filter((r) => amountIn(r) > 0).sort((a, b) => amountIn(b) - amountIn(a) || b.count - a.count || a.cause.localeCompare(b.cause));
  return { byCount, byRevenue };
}

/** Surveys and channels by detractor share (then n); those under LOW_N_TOUCHPOINT answers are left out and counted. */
export function rankTouchpoints(parts: readonly InsightsCounts[]): { rows: TouchpointRow[]; hidden: number } {
  const rows = new Map<string, TouchpointRow>();
  for (const part of parts) {
    for (const t of part.touchpoints) {
      const key = `${t.kind}:${t.name.trim().toLowerCase()}`;
      const row = rows.get(key) ?? { kind: t.kind, name: t.name.trim(), n: 0, detractors: 0, detractorShare: 0 };
      row.n += t.n;
      row.detractors += t.detractors;
      rows.set(key, row);
    }
  }
  const all = [...rows.values()].filter((r) => r.n > 0);
  for (const r of all) r.detractorShare = pct(r.detractors, r.n);
  const shown = all.filter((r) => r.n >= LOW_N_TOUCHPOINT);
  shown.sort((a, b) => b.detractors / b.n - a.detractors / a.n || b.n - a.n || a.name.localeCompare(b.name));
  return { rows: shown, hidden: all.length - shown.length };
}

/** answers → opened → reached → resolved → thanked, each with its share of the step before. */
export function loopFunnel(answers: number, parts: readonly InsightsCounts[]): { steps: FunnelStep[]; meanCloseHours: number | null; closed: number } {
  // A step one CRM cannot count is not counted at all: a sum over some CRMs would read as the whole.
  const sum = (pick: (f: FunnelCounts) => number | null): number | null => {
    let total = 0;
    for (const part of parts) {
      const value = pick(part.funnel);
      if (value === null) return null;
      total += value;
    }
    return total;
  };
  const counts: Array<[FunnelStep['step'], number | null]> = [
    ['answers', answers],
    ['opened', sum((f) => f.opened)],
    ['reached', sum((f) => f.reached)],
    ['resolved', sum((f) => f.resolved)],
    ['thanked', sum((f) => f.thanked)],
  ];
  const steps = counts.map(([step, count], i): FunnelStep => {
    const previous = i > 0 ? counts[i - 1]![1] : null;
    return { step, count, ofPrevious: i === 0 || count === null || !previous ? null : pct(count, previous) };
  });
  const timed = parts.filter((p) => p.funnel.closeHoursTotal !== null);
  const hours = timed.reduce((n, p) => n + (p.funnel.closeHoursTotal ?? 0), 0);
  const counted = timed.reduce((n, p) => n + p.funnel.closeCounted, 0);
  return { steps, meanCloseHours: counted > 0 ? Math.round((hours / counted) * 10) / 10 : null, closed: parts.reduce((n, p) => n + p.funnel.closed, 0) };
}

/** The whole view from the CRMs that counted. */
export function insightsView(period: { from: Month; to: Month }, parts: readonly InsightsCounts[]): InsightsView {
  const months = npsByMonth(period, parts);
  const total = monthRow(`${period.from}`, {
    promoters: months.reduce((n, m) => n + m.promoters, 0),
    passives: months.reduce((n, m) => n + m.passives, 0),
    detractors: months.reduce((n, m) => n + m.detractors, 0),
  });
  const causes = rankCauses(parts);
  const touchpoints = rankTouchpoints(parts);
  const funnel = loopFunnel(total.n, parts);
  return {
    months,
    total,
    causesByCount: causes.byCount,
    causesByRevenue: causes.byRevenue,
    touchpoints: touchpoints.rows,
    hiddenTouchpoints: touchpoints.hidden,
    funnel: funnel.steps,
    meanCloseHours: funnel.meanCloseHours,
    closed: funnel.closed,
    recent: parts.flatMap((p) => p.recent).sort((a, b) => b.openedAt - a.openedAt).slice(0, RECENT_LOOPS),
    counted: [...new Set(parts.map((p) => p.counted))],
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * One cell: a text a spreadsheet would run as a formula (= + - @, or a tab or carriage return before one) gets a
 * leading apostrophe; quotes are doubled and a cell with a comma, quote or line break is quoted. Numbers stay numbers.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV file's text: UTF-8 with a byte-order mark (so spreadsheets read Cyrillic right), CRLF line ends. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Labels of the CSV's sections and columns, in the reader's language. */
export interface CsvLabels {
  section: Record<'months' | 'causes' | 'touchpoints' | 'funnel' | 'recent', string>;
  column: Record<
    'month' | 'n' | 'promoters' | 'passives' | 'detractors' | 'nps' | 'margin' | 'cause' | 'count' | 'share' | 'revenue' | 'currency' | 'kind' | 'name' | 'detractorShare' | 'step' | 'ofPrevious' | 'title' | 'contact' | 'rootCauses' | 'steps' | 'opened' | 'link',
    string
  >;
  step: Record<FunnelStep['step'], string>;
  kind: Record<TouchpointRow['kind'], string>;
  /** A survey's or channel's name as the reader says it (a channel is a CRM code such as "EMAIL"). */
  touchpoint: (kind: TouchpointRow['kind'], name: string) => string;
}

/** The view as one CSV for the quarterly review: every table, one after another, each under its title. */
export function insightsCsv(view: InsightsView, labels: CsvLabels): string {
  const c = labels.column;
  const rows: Array<Array<string | number | null>> = [
    [labels.section.months],
    [c.month, c.n, c.promoters, c.passives, c.detractors, c.nps, c.margin],
    ...view.months.map((m) => [m.month, m.n, m.promoters, m.passives, m.detractors, m.nps, m.margin]),
    [],
    [labels.section.causes],
    [c.cause, c.count, c.share, c.revenue, c.currency],
    ...view.causesByCount.flatMap((r) =>
      r.revenue.length === 0 ? [[r.cause, r.count, r.share, null, null]] : r.revenue.map((m) => [r.cause, r.count, r.share, m.amount, m.currency]),
    ),
    [],
    [labels.section.touchpoints],
    [c.kind, c.name, c.n, c.detractors, c.detractorShare],
    ...view.touchpoints.map((t) => [labels.kind[t.kind], labels.touchpoint(t.kind, t.name), t.n, t.detractors, t.detractorShare]),
    [],
    [labels.section.funnel],
    [c.step, c.count, c.ofPrevious],
    ...view.funnel.map((s) => [labels.step[s.step], s.count, s.ofPrevious]),
    [],
    [labels.section.recent],
    [c.opened, c.title, c.contact, c.rootCauses, c.steps, c.link],
    ...view.recent.map((l) => [new Date(l.openedAt).toISOString().slice(0, 10), l.title, l.contactName, l.rootCauses.join('; '), l.steps.join('; '), l.url]),
  ];
  return toCsv(rows);
}

/** The loop steps an outcome records on its follow-up: reached (any "reached" result), resolved, thanked. */
export function loopSteps(outcome: { result: OutcomeResult; thanked: boolean }): Array<'reached' | 'resolved' | 'thanked'> {
  return [
    ...(outcome.result === 'reached-resolved' || outcome.result === 'reached-unresolved' ? (['reached'] as const) : []),
    ...(outcome.result === 'reached-resolved' ? (['resolved'] as const) : []),
    ...(outcome.thanked ? (['thanked'] as const) : []),
  ];
}
