import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { CONSOLE_LOG } from '../harness';
import { describeLeaks, findLeaks, sandboxSecrets } from '../leaks';
import type { E2E } from '../types';

// Runs last (spec files run in name order): the console output the whole e2e run captured from
// every context — CRM pages, content scripts, panels, extension pages, service workers — holds no
// sandbox token and no customer email or comment. Run alone, it checks whatever this run captured.

export async function wholeRunConsoleHoldsNoSecrets(t: E2E): Promise<void> {
  t.log('checking the console output of this run');
  assert.ok(existsSync(CONSOLE_LOG), `${CONSOLE_LOG} is missing: the runner captures every context's console there`);
  const text = readFileSync(CONSOLE_LOG, 'utf8');
  const leaks = findLeaks(text, sandboxSecrets());
  assert.deepEqual(leaks, [], describeLeaks(leaks, CONSOLE_LOG));
}
