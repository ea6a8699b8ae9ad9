import type { Segment } from './schema';

// The NPS method (see shared/reference/nps-method.md). Pure: no browser APIs, no dates from the clock.

/** Whether a value is a usable NPS answer: an integer from 0 to 10. */
export function isNpsScore(score: number): boolean {
  return Number.isInteger(score) && score >= 0 && score <= 10;
}

/** Detractor 0–6, passive 7–8, promoter 9–10. Throws on anything that is not an NPS answer. */
export function segment(score: number): Segment {
  if (!isNpsScore(score)) throw new RangeError(`Not an NPS score (0–10): ${score}`);
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/** The segment of a stored score, or null when it is not an NPS answer (never throws). */
export function safeSegment(score: number): Segment | null {
  return isNpsScore(score) ? segment(score) : null;
}

export interface NpsSummary {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** %promoters − %detractors, in points from −100 to +100, unrounded; null when n = 0. */
  nps: number | null;
  /** Half-width of the 95% confidence interval, in points, unrounded; null when n = 0. */
  marginOfError95: number | null;
}

/** Summarizes NPS answers. Values that are not 0–10 integers are not counted. */
export function summarize(scores: number[]): NpsSummary {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const score of scores) {
    if (!isNpsScore(score)) continue;
    const s = segment(score);
    if (s === 'promoter') promoters++;
    else if (s === 'passive') passives++;
    else detractors++;
  }
  return summarizeCounts({ promoters, passives, detractors });
}

/** The same summary from segment counts, e.g. counts the CRM computed. */
export function summarizeCounts(counts: { promoters: number; passives: number; detractors: number }): NpsSummary {
  const { promoters, passives, detractors } = counts;
  const n = promoters + passives + detractors;
  if (n === 0) return { n, promoters, passives, detractors, nps: null, marginOfError95: null };
  const pPlus = promoters / n;
  const pMinus = detractors / n;
  const nps = (pPlus - pMinus) * 100;
  // Each answer scores +1/0/−1; its variance is p₊ + p₋ − (p₊ − p₋)².
  const variance = pPlus + pMinus - (pPlus - pMinus) ** 2;
  const marginOfError95 = 1.96 * Math.sqrt(Math.max(0, variance) / n) * 100;
  return { n, promoters, passives, detractors, nps, marginOfError95 };
}

/** Weighted NPS: each answer counts with its weight (e.g. by buying-group role). */
export function summarizeWeighted(answers: Array<{ score: number; weight: number }>): NpsSummary & { weight: number } {
  let wPlus = 0;
  let wMinus = 0;
  let wTotal = 0;
  let wSquared = 0;
  const counts = { promoters: 0, passives: 0, detractors: 0 };
  for (const { score, weight } of answers) {
    if (!isNpsScore(score) || !(weight > 0)) continue;
    const s = segment(score);
    counts[s === 'promoter' ? 'promoters' : s === 'passive' ? 'passives' : 'detractors']++;
    wTotal += weight;
    wSquared += weight * weight;
    if (s === 'promoter') wPlus += weight;
    if (s === 'detractor') wMinus += weight;
  }
  const n = counts.promoters + counts.passives + counts.detractors;
  if (wTotal === 0) return { n, ...counts, nps: null, marginOfError95: null, weight: 0 };
  const pPlus = wPlus / wTotal;
  const pMinus = wMinus / wTotal;
  const variance = pPlus + pMinus - (pPlus - pMinus) ** 2;
  // Kish's effective sample size keeps the margin honest when a few heavy weights dominate.
  const effectiveN = (wTotal * wTotal) / wSquared;
  return {
    n,
    ...counts,
    nps: (pPlus - pMinus) * 100,
    marginOfError95: 1.96 * Math.sqrt(Math.max(0, variance) / effectiveN) * 100,
    weight: wTotal,
  };
}

/** Below this many answers an account NPS is shown as "too few responses", with the margin. */
export const MIN_RESPONSES_FOR_NPS = 5;

/** An NPS as a whole number, halves away from zero: −12.5 and +12.5 are equally far from 0 and read −13 and +13. */
export function roundScore(nps: number): number {
  return Math.sign(nps) * Math.round(Math.abs(nps)) || 0;
}

/** CSAT % = share of 4s and 5s on a 1–5 scale. */
export function csatPercent(scores: number[]): number | null {
  const valid = scores.filter((s) => Number.isInteger(s) && s >= 1 && s <= 5);
  if (valid.length === 0) return null;
  return (valid.filter((s) => s >= 4).length / valid.length) * 100;
}

/**
 * Customer effort: higher is easier ("the company made it easy for me", CES 2.0, 1–7; older 1–5).
 * High effort is an agreement of 1–3 on the 7-point scale (1–2 on the 5-point scale).
 */
export function effortLevel(score: number, scaleMax: number): 'low-effort' | 'neutral' | 'high-effort' {
  const lowCut = scaleMax === 5 ? 2 : 3;
  const highCut = scaleMax === 5 ? 4 : 5;
  if (score <= lowCut) return 'high-effort';
  if (score >= highCut) return 'low-effort';
  return 'neutral';
}

/** Trend between two NPS answers of the same contact. */
export function trend(previous: number | null, latest: number | null): 'improving' | 'declining' | 'steady' | null {
  if (previous === null || latest === null) return null;
  if (latest > previous) return 'improving';
  if (latest < previous) return 'declining';
  return 'steady';
}
