import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { buildCrmPlugins } from './build';

// npm run test:crm-plugins (and npm test's crm-plugins suite): builds the bundles, typechecks the plugins' own
// TypeScript project, runs the HubSpot card's and the config tests (vitest, HubSpot's test renderer) and the Lightning
// component's tests (sfdx-lwc-jest). Each step counts its tests; the last line is `crm-plugins: N passed, N failed`.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const VITEST_JSON = join(ROOT, 'crm-plugins/salesforce-lwc/.sandbox/vitest.json');
const vitestReport = z.object({ numPassedTests: z.number(), numFailedTests: z.number() });

/** Runs a command; `quiet` keeps its output until it ends, so a step run beside another prints in one piece. */
function run(command: string[], quiet = false): Promise<{ exitCode: number; output: string }> {
  return new Promise((done) => {
    const [program, ...args] = command as [string, ...string[]];
    const child = spawn(program, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => done({ exitCode: 127, output: output + String(error) }));
    child.on('close', (code) => {
      if (quiet) process.stdout.write(output);
      done({ exitCode: code ?? 1, output });
    });
  });
}

async function main(): Promise<void> {
  let passed = 0;
  let failed = 0;
  const step = (name: string, ok: boolean) => {
    if (ok) passed += 1;
    else failed += 1;
    console.log(`crm-plugins ${name}: ${ok ? 'ok' : 'FAILED'}`);
  };

  try {
    await buildCrmPlugins();
    step('build', true);
  } catch (error) {
    console.error(error);
    step('build', false);
  }

  // The typecheck runs beside the vitest step: both mostly wait on their own work, and the suite stays short.
  const typecheck = run(['npx', 'tsc', '--noEmit', '-p', 'crm-plugins/tsconfig.json'], true);

  mkdirSync(dirname(VITEST_JSON), { recursive: true });
  rmSync(VITEST_JSON, { force: true });
  const vitest = await run(['npx', 'vitest', 'run', '--config', 'crm-plugins/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_JSON}`]);
  const report = existsSync(VITEST_JSON) ? vitestReport.safeParse(JSON.parse(readFileSync(VITEST_JSON, 'utf8'))) : null;
  if (report?.success) {
    passed += report.data.numPassedTests;
    failed += report.data.numFailedTests + (vitest.exitCode !== 0 && report.data.numFailedTests === 0 ? 1 : 0);
  } else failed += 1;
  step('typecheck', (await typecheck).exitCode === 0);

  const lwc = await run(['node', '--import', 'tsx', 'crm-plugins/test-support/lwc-run.ts']);
  const match = /lwc-jest: (\d+) passed, (\d+) failed/.exec(lwc.output);
  if (match) {
    passed += Number(match[1]);
    failed += Number(match[2]) + (lwc.exitCode !== 0 && Number(match[2]) === 0 ? 1 : 0);
  } else failed += 1;

  console.log(`crm-plugins: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
