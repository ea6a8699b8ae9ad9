import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

// npm test: every suite in order, keeping going after a failure so the summary is complete.
// Test suites report their own counts; the other steps count as one check each.
// The last line is exactly `N passed, N failed`.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = join(ROOT, 'test/e2e/artifacts');
const VITEST_JSON = join(ARTIFACTS, 'vitest.json');
const FIREFOX_DIR = '.output/firefox-mv2';

interface Outcome {
  passed: number;
  failed: number;
  note?: string;
}

interface Suite {
  name: string;
  command: string[];
  /** Counts from the output; omitted = one check that passes when the exit code is 0. */
  count?: (output: string, exitCode: number) => Outcome;
}

const vitestReport = z.object({ numPassedTests: z.number(), numFailedTests: z.number(), numTotalTests: z.number() });
const webExtReport = z.object({ summary: z.object({ errors: z.number(), warnings: z.number(), notices: z.number() }) });

function single(exitCode: number): Outcome {
  return exitCode === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

const suites: Suite[] = [
  { name: 'typecheck', command: ['npx', 'tsc', '--noEmit'] },
  // eslint, then the import-cycle check (dpdm): both are in `npm run lint`.
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  { name: 'build chrome', command: ['npx', 'wxt', 'build'] },
  { name: 'build firefox', command: ['npx', 'wxt', 'build', '-b', 'firefox'] },
  {
    name: 'web-ext lint',
    command: ['npx', 'web-ext', 'lint', '--source-dir', FIREFOX_DIR, '--self-hosted', '--no-config-discovery', '--output', 'json'],
    count: (output) => {
      const start = output.indexOf('{');
      const end = output.lastIndexOf('}');
      if (start < 0 || end < start) return { passed: 0, failed: 1, note: 'no lint report' };
      try {
        const parsed = webExtReport.safeParse(JSON.parse(output.slice(start, end + 1)));
        if (!parsed.success) return { passed: 0, failed: 1, note: 'unreadable lint report' };
        const { errors, warnings, notices } = parsed.data.summary;
        const note = `${errors} errors, ${warnings} warnings, ${notices} notices`;
        return errors === 0 ? { passed: 1, failed: 0, note } : { passed: 0, failed: 1, note };
      } catch {
        return { passed: 0, failed: 1, note: 'unreadable lint report' };
      }
    },
  },
  {
    // After the builds: test/unit/manifest.test.ts reads the manifests they wrote.
    name: 'unit',
    command: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_JSON}`],
    count: (_output, exitCode) => {
      if (!existsSync(VITEST_JSON)) return { passed: 0, failed: 1, note: 'vitest wrote no report' };
      const parsed = vitestReport.safeParse(JSON.parse(readFileSync(VITEST_JSON, 'utf8')));
      if (!parsed.success) return { passed: 0, failed: 1, note: 'unreadable vitest report' };
      const { numPassedTests, numFailedTests } = parsed.data;
      // A crash outside any test (a broken import, an unhandled error) still fails the suite.
      if (exitCode !== 0 && numFailedTests === 0) return { passed: numPassedTests, failed: 1, note: `vitest exited ${exitCode}` };
      return { passed: numPassedTests, failed: numFailedTests };
    },
  },
  {
    // The CRM plugins (crm-plugins/): their bundles, their TypeScript project, the HubSpot card with HubSpot's test
    // renderer and the Lightning component with sfdx-lwc-jest, both against the sandbox. Nothing of it is in the builds.
    name: 'crm-plugins',
    command: ['node', '--import', 'tsx', 'crm-plugins/test.ts'],
    count: (output, exitCode) => {
      const match = /crm-plugins: (\d+) passed, (\d+) failed/.exec(output);
      if (!match) return { passed: 0, failed: 1, note: `no crm-plugins summary (exit ${exitCode})` };
      const outcome = { passed: Number(match[1]), failed: Number(match[2]) };
      if (exitCode !== 0 && outcome.failed === 0) return { ...outcome, failed: 1, note: `exited ${exitCode}` };
      return outcome;
    },
  },
  {
    name: 'e2e',
    // The chrome build above is the one under test.
    command: ['node', '--import', 'tsx', 'test/e2e/run.ts', '--no-build'],
    count: (output, exitCode) => {
      const match = /e2e: (\d+) passed, (\d+) failed/.exec(output);
      if (!match) return { passed: 0, failed: 1, note: `no e2e summary (exit ${exitCode})` };
      const outcome = { passed: Number(match[1]), failed: Number(match[2]) };
      if (exitCode !== 0 && outcome.failed === 0) return { ...outcome, failed: 1, note: `exited ${exitCode}` };
      return outcome;
    },
  },
  {
    name: 'e2e firefox',
    // The firefox build above, in Firefox ESR over WebDriver BiDi.
    command: ['node', '--import', 'tsx', 'test/e2e/firefox.ts', '--no-build'],
    count: (output, exitCode) => {
      const match = /e2e firefox: (\d+) passed, (\d+) failed/.exec(output);
      if (!match) return { passed: 0, failed: 1, note: `no e2e firefox summary (exit ${exitCode})` };
      const outcome = { passed: Number(match[1]), failed: Number(match[2]) };
      if (exitCode !== 0 && outcome.failed === 0) return { ...outcome, failed: 1, note: `exited ${exitCode}` };
      return outcome;
    },
  },
];

function run(command: string[]): Promise<{ exitCode: number; output: string }> {
  return new Promise((done) => {
    const [program, ...args] = command as [string, ...string[]];
    const child = spawn(program, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      output += String(error);
      done({ exitCode: 127, output });
    });
    child.on('close', (code) => done({ exitCode: code ?? 1, output }));
  });
}

async function main(): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  rmSync(VITEST_JSON, { force: true });
  const rows: Array<{ name: string; seconds: number } & Outcome> = [];
  for (const suite of suites) {
    console.log(`\n━━ ${suite.name}: ${suite.command.join(' ')}`);
    const started = Date.now();
    const { exitCode, output } = await run(suite.command);
    const outcome = suite.count ? suite.count(output, exitCode) : single(exitCode);
    rows.push({ name: suite.name, seconds: (Date.now() - started) / 1000, ...outcome });
  }

  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`\n  ${'suite'.padEnd(width)}  passed  failed    time`);
  for (const row of rows) {
    const status = row.failed > 0 ? '✗' : '✓';
    console.log(
      `${status} ${row.name.padEnd(width)}  ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}  ` +
        `${row.seconds.toFixed(1).padStart(5)} s${row.note ? `  (${row.note})` : ''}`,
    );
  }
  const passed = rows.reduce((sum, row) => sum + row.passed, 0);
  const failed = rows.reduce((sum, row) => sum + row.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
