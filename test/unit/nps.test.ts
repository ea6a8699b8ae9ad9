import { describe, expect, it } from 'vitest';
import { csatPercent, effortLevel, isNpsScore, roundScore, segment, summarize, summarizeCounts, summarizeWeighted, trend } from '../../core/nps';
import { createI18n } from '../../core/i18n';

/** n answers of the same score. */
function times(score: number, n: number): number[] {
  return Array.from({ length: n }, () => score);
}

describe('segment', () => {
  it.each([
    [0, 'detractor'],
    [3, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ] as const)('score %d is a %s', (score, expected) => {
    expect(segment(score)).toBe(expected);
  });

  it.each([-1, 11, 6.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d, which is not an NPS answer', (score) => {
    expect(isNpsScore(score)).toBe(false);
    expect(() => segment(score)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it.each([
    {
      name: 'reference example, 50% promoters / 20% detractors, n = 20',
      // 10 promoters, 6 passives, 4 detractors
      scores: [...times(10, 10), ...times(7, 6), ...times(0, 4)],
      counts: [10, 6, 4],
      // 50 − 20 = +30
      nps: 30,
      // variance = 0.5 + 0.2 − 0.3² = 0.61; 1.96 · √(0.61 / 20) · 100 = 1.96 · 0.174642 · 100 = 34.23
      margin: 34.23,
    },
    {
      name: 'the same shares at n = 200',
      scores: [...times(9, 100), ...times(8, 60), ...times(6, 40)],
      counts: [100, 60, 40],
      nps: 30,
      // 1.96 · √(0.61 / 200) · 100 = 1.96 · 0.055227 · 100 = 10.82 (the reference rounds it to ± 11)
      margin: 10.82,
    },
    {
      name: 'all promoters',
      scores: [9, 10, 10],
      counts: [3, 0, 0],
      // 100 − 0 = +100; variance = 1 + 0 − 1² = 0 → margin 0
      nps: 100,
      margin: 0,
    },
    {
      name: 'all detractors',
      scores: [0, 6],
      counts: [0, 0, 2],
      // 0 − 100 = −100; variance = 0 + 1 − (−1)² = 0
      nps: -100,
      margin: 0,
    },
    {
      name: 'all passives',
      scores: [7, 8, 7],
      counts: [0, 3, 0],
      // 0 − 0 = 0; variance = 0
      nps: 0,
      margin: 0,
    },
    {
      name: 'a small account: one of each',
      scores: [9, 7, 3],
      counts: [1, 1, 1],
      // 33.3 − 33.3 = 0; variance = 2/3 − 0 = 0.6667; 1.96 · √(0.6667 / 3) · 100 = 1.96 · 0.471405 · 100 = 92.40
      nps: 0,
      margin: 92.4,
    },
    {
      name: 'two promoters, a passive, a detractor',
      scores: [10, 9, 8, 6],
      counts: [2, 1, 1],
      // 50 − 25 = +25; variance = 0.5 + 0.25 − 0.25² = 0.6875; 1.96 · √(0.6875 / 4) · 100 = 1.96 · 0.414578 · 100 = 81.26
      nps: 25,
      margin: 81.26,
    },
    {
      name: 'values that are not 0–10 integers are skipped',
      scores: [10, 11, -1, 7.5, Number.NaN, 0],
      // only 10 and 0 count: 50 − 50 = 0; variance = 1 − 0 = 1; 1.96 · √(1 / 2) · 100 = 1.96 · 0.707107 · 100 = 138.59
      counts: [1, 0, 1],
      nps: 0,
      margin: 138.59,
    },
  ])('$name', ({ scores, counts, nps, margin }) => {
    const s = summarize(scores);
    expect([s.promoters, s.passives, s.detractors]).toEqual(counts);
    expect(s.n).toBe(counts[0]! + counts[1]! + counts[2]!);
    expect(s.nps).toBeCloseTo(nps, 2);
    expect(s.marginOfError95).toBeCloseTo(margin, 2);
  });

  it.each([[[]], [[11, -3, 2.5]]])('has no NPS and no margin without valid answers (%j)', (scores) => {
    expect(summarize(scores)).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, marginOfError95: null });
  });

  it('gives the same summary from counts as from the answers', () => {
    const fromScores = summarize([...times(10, 10), ...times(7, 6), ...times(0, 4)]);
    expect(summarizeCounts({ promoters: 10, passives: 6, detractors: 4 })).toEqual(fromScores);
    expect(summarizeCounts({ promoters: 0, passives: 0, detractors: 0 }).nps).toBeNull();
  });
});

describe('summarizeWeighted', () => {
  it.each([
    {
      name: 'a weight-3 promoter and a weight-1 detractor',
      answers: [
        { score: 10, weight: 3 },
        { score: 0, weight: 1 },
      ],
      // weight 4; p₊ = 3/4, p₋ = 1/4 → 75 − 25 = +50
      n: 2,
      weight: 4,
      nps: 50,
      // variance = 1 − 0.5² = 0.75; Kish n = 4² / (3² + 1²) = 16/10 = 1.6;
      // 1.96 · √(0.75 / 1.6) · 100 = 1.96 · 0.684653 · 100 = 134.19
      margin: 134.19,
    },
    {
      name: 'equal weights give the unweighted result',
      answers: [
        { score: 9, weight: 2 },
        { score: 9, weight: 2 },
        { score: 0, weight: 2 },
        { score: 7, weight: 2 },
      ],
      // as summarize([9, 9, 0, 7]): 50 − 25 = +25; Kish n = 8² / (4 · 2²) = 4; margin 81.26 (see above)
      n: 4,
      weight: 8,
      nps: 25,
      margin: 81.26,
    },
    {
      name: 'weight 0 and invalid scores are left out',
      answers: [
        { score: 10, weight: 0 },
        { score: 11, weight: 1 },
        { score: 5, weight: 2 },
      ],
      // only the 5 (weight 2) counts: 0 − 100 = −100, variance 0
      n: 1,
      weight: 2,
      nps: -100,
      margin: 0,
    },
  ])('$name', ({ answers, n, weight, nps, margin }) => {
    const s = summarizeWeighted(answers);
    expect(s.n).toBe(n);
    expect(s.weight).toBe(weight);
    expect(s.nps).toBeCloseTo(nps, 2);
    expect(s.marginOfError95).toBeCloseTo(margin, 2);
  });

  it('has no NPS without answers', () => {
    expect(summarizeWeighted([])).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, marginOfError95: null, weight: 0 });
  });

  it('matches summarize at weight 1 on the reference example', () => {
    const scores = [...times(10, 10), ...times(7, 6), ...times(0, 4)];
    const { weight, ...weighted } = summarizeWeighted(scores.map((score) => ({ score, weight: 1 })));
    expect(weight).toBe(20);
    expect(weighted.nps).toBeCloseTo(30, 10);
    expect(weighted.marginOfError95).toBeCloseTo(summarize(scores).marginOfError95!, 10);
  });
});

describe('csatPercent', () => {
  it.each([
    // 2 of 5 are 4 or 5 → 40%
    [[5, 4, 3, 2, 1], 40],
    // 1 of 3 → 33.33%
    [[3, 3, 4], 33.33],
    // 0 and 6 are off the 1–5 scale; 2 of 2 → 100%
    [[5, 5, 0, 6], 100],
    [[1, 2], 0],
  ])('%j → %d%%', (scores, expected) => {
    expect(csatPercent(scores)).toBeCloseTo(expected, 2);
  });

  it.each([[[]], [[0, 6, 4.5]]])('is null without valid answers (%j)', (scores) => {
    expect(csatPercent(scores)).toBeNull();
  });
});

describe('effortLevel', () => {
  it.each([
    // CES 2.0, 1–7 ("made it easy"): 1–3 high effort, 4 neutral, 5–7 low effort
    [1, 7, 'high-effort'],
    [3, 7, 'high-effort'],
    [4, 7, 'neutral'],
    [5, 7, 'low-effort'],
    [7, 7, 'low-effort'],
    // older 1–5 surveys: 1–2 high, 3 neutral, 4–5 low
    [1, 5, 'high-effort'],
    [2, 5, 'high-effort'],
    [3, 5, 'neutral'],
    [4, 5, 'low-effort'],
    [5, 5, 'low-effort'],
  ] as const)('%d on a 1–%d scale is %s', (score, scaleMax, expected) => {
    expect(effortLevel(score, scaleMax)).toBe(expected);
  });
});

describe('trend', () => {
  it.each([
    [null, 5, null],
    [5, null, null],
    [5, 8, 'improving'],
    [8, 5, 'declining'],
    [7, 7, 'steady'],
  ] as const)('from %s to %s is %s', (previous, latest, expected) => {
    expect(trend(previous, latest)).toBe(expected);
  });
});

describe('roundScore: an NPS as a whole number', () => {
  // n = 8: 1 detractor and 7 passives is −12.5; its mirror, 1 promoter and 7 passives, +12.5. Both are as far from 0.
  it.each([
    [-12.5, -13],
    [12.5, 13],
    [summarize([6, 7, 7, 7, 7, 7, 7, 7]).nps!, -13],
    [summarize([9, 7, 7, 7, 7, 7, 7, 7]).nps!, 13],
    [33.3, 33],
    [-0.4, 0],
    [0, 0],
    [100, 100],
  ])('%d → %d', (nps, whole) => {
    expect(roundScore(nps)).toBe(whole);
  });

  it('is what the panel prints, sign and all', () => {
    const i18n = createI18n('en');
    expect([i18n.score(-12.5), i18n.score(12.5), i18n.score(-0.4), i18n.score(0)]).toEqual(['-13', '+13', '0', '0']);
  });
});
