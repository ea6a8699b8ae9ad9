import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Frame } from 'playwright-core';

// axe-core's browser build, injected into the panel's frame (or Chrome's side panel page) and run
// there: the panel's iframe sits in the content script's closed shadow root, which a frame walk from
// the top page (as in @axe-core/playwright's AxeBuilder) never sees.
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe in the panel's frame; fails on any serious or critical violation, naming each. */
export async function expectAccessible(frame: Frame, what: string): Promise<void> {
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(axeSource);
  const { violations, rulesPassed } = await frame.evaluate(async () => {
    // axe-core's global, injected just above; the page's own types do not know it.
    const { axe } = window as unknown as {
        axe: {
        run(context: Document, options: object): Promise<{ passes: unknown[]; violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }>;
      };
    };
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return {
      rulesPassed: results.passes.length,
      violations: results.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })),
    };
  });
  // A scan that checked nothing would pass too: make sure the rules ran against the panel's content.
  assert.ok(rulesPassed > 10, `${what}: axe checked only ${rulesPassed} rules`);
  const serious = violations.filter((v: Violation) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${what}: ${serious.length} serious or critical accessibility violations`);
}
