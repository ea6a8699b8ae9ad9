import type { LaunchedExtension } from '../scripts/chromium';
import type { Sandbox } from '../test/e2e/types';

export type Unit = 'ms' | 'bytes' | 'requests' | 'count';

export interface Measurement {
  name: string;
  value: number;
  unit: Unit;
  /** The budget, which the value must not exceed; null for a reference figure that explains another. */
  budget: number | null;
  /** One line on how it was measured, printed beside the table (not written to results.json). */
  detail?: string;
}

export interface BenchContext {
  /** Repository root. */
  root: string;
  /** The production Chrome build (.output/chrome-mv3). */
  chromeBuildDir: string;
  /**
   * A sandbox with this much added latency per request; started once per latency (and volume) for the module, closed
   * after it. `answersInYear`: each CRM's seed padded to that many NPS answers in the twelve months ending now.
   */
  sandbox(latencyMs: number, options?: { answersInYear?: number }): Promise<Sandbox>;
  /** Chromium with the built extension in a fresh profile, mapped to the sandbox; closed after the run. */
  launch(sandbox: Sandbox, options?: { inspectSidePanel?: boolean; extensionDir?: string }): Promise<LaunchedExtension>;
}

/**
 * A benchmark module: bench/measures/<name>.ts default-exports one. The runner discovers the files,
 * so a new measurement is a new file.
 */
export interface BenchModule {
  name: string;
  run(context: BenchContext): Promise<Measurement[]>;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
