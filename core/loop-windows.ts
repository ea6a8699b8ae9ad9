// The windows the loop's numbers are shown for, apart from core/loop-metrics.ts: the list draws its table from them
// without loading the schemas the counts are parsed with.
export const LOOP_WINDOWS = [30, 90] as const;
export type LoopWindow = (typeof LOOP_WINDOWS)[number];
