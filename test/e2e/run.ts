import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { launchWithExtension, requireChromium } from '../../scripts/chromium';
import { startSandbox } from '../../sandbox/server';
import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import { SALESFORCE_FIXTURES } from '../../sandbox/salesforce/fixtures';
import { buildExtension, CHROME_BUILD_DIR, ConsoleCapture, rememberPanelOpen, ROOT, screenshot, SCREENSHOT_DIR } from './harness';
import type { E2E, Spec, Test } from './types';

// A tiny runner of our own: one build, one sandbox, a fresh Chromium profile per spec file.
// Usage: node --import tsx test/e2e/run.ts [--no-build] [--headed] [filter…]
// A filter matches spec file names or test names (substring).

const SPEC_DIR = join(ROOT, 'test/e2e/specs');
const HOOKS = new Set(['beforeAll', 'afterAll']);
const TEST_TIMEOUT_MS = 60_000;

const argv = process.argv.slice(2);
const skipBuild = argv.includes('--no-build');
const headless = !argv.includes('--headed');
const filters = argv.filter((arg) => !arg.startsWith('--'));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error.stack ?? error.message).split('\n').slice(0, 8).join('\n');
  return inspect(error);
}

async function main(): Promise<number> {
  const executablePath = await requireChromium();
  const specFiles = readdirSync(SPEC_DIR)
    .filter((file) => file.endsWith('.spec.ts'))
    .sort()
    .map((file) => join(SPEC_DIR, file));

  const specs: Array<{ file: string; tests: Array<[string, Test]>; spec: Spec }> = [];
  for (const file of specFiles) {
    const spec = (await import(pathToFileURL(file).href)) as Spec;
    const name = relative(SPEC_DIR, file);
    const fileMatches = filters.length === 0 || filters.some((filter) => name.includes(filter));
    const tests = Object.entries(spec).filter(
      (entry): entry is [string, Test] =>
        typeof entry[1] === 'function' &&
        !HOOKS.has(entry[0]) &&
        (fileMatches || filters.some((filter) => entry[0].includes(filter))),
    );
    if (tests.length > 0) specs.push({ file: name, tests, spec });
  }
  if (specs.length === 0) {
    console.error(`No e2e tests match ${filters.join(' ')}`);
    return 1;
  }

  if (!skipBuild) {
    console.log('building chrome-mv3 (production)…');
    buildExtension('chrome');
  }

  const sandbox = await startSandbox({ httpsPort: 0, httpPort: 0, latencyMs: 0 });
  const capture = new ConsoleCapture();
  capture.reset();
  let passed = 0;
  let failed = 0;

  try {
    for (const { file, tests, spec } of specs) {
      console.log(`\n${file}`);
      sandbox.reset();
      sandbox.clearFaults();
      sandbox.clearLog();
      capture.setLabel(file);
      let launched;
      try {
        launched = await launchWithExtension({
          extensionDir: CHROME_BUILD_DIR,
          sandboxHttpsPort: sandbox.httpsPort,
          headless,
          executablePath,
          inspectSidePanel: true,
        });
      } catch (error) {
        for (const [name] of tests) console.log(`  ✗ ${name}\n    ${describe(error)}`);
        failed += tests.length;
        continue;
      }
      capture.attach(launched.context);
      // The tests work in the open panel, as a person does who opened it once; the default slim tab has its own tests.
      await rememberPanelOpen(launched.serviceWorker, true);
      const t: E2E = {
        ...launched,
        sandbox,
        hubspot: HUBSPOT_FIXTURES,
        salesforce: SALESFORCE_FIXTURES,
        newPage: () => launched.context.newPage(),
        screenshot,
        log: (text) => capture.write('test', text),
      };
      try {
        let hookError: unknown = null;
        if (spec.beforeAll) {
          capture.setLabel(`${file} beforeAll`);
          await withTimeout(spec.beforeAll(t), TEST_TIMEOUT_MS, 'beforeAll').catch((error: unknown) => {
            hookError = error;
          });
        }
        for (const [name, test] of tests) {
          capture.setLabel(`${file} ${name}`);
          const pagesBefore = new Set(launched.context.pages());
          try {
            if (hookError) throw hookError;
            await withTimeout(test(t), TEST_TIMEOUT_MS, name);
            passed += 1;
            console.log(`  ✓ ${name}`);
          } catch (error) {
            failed += 1;
            console.log(`  ✗ ${name}\n    ${describe(error).replace(/\n/g, '\n    ')}`);
            let index = 0;
            for (const page of launched.context.pages()) {
              if (page.url() === 'about:blank') continue;
              index += 1;
              await screenshot(page, `FAILED-${file}-${name}-${index}`, { fullPage: true }).catch(() => undefined);
            }
            console.log(`    screenshots: ${relative(ROOT, SCREENSHOT_DIR)}/FAILED-${file}-${name}-*.png`);
          } finally {
            // Each test starts from the pages it found, so one test's tabs do not leak into the next.
            for (const page of launched.context.pages()) {
              if (!pagesBefore.has(page)) await page.close().catch(() => undefined);
            }
          }
        }
        if (spec.afterAll) await withTimeout(spec.afterAll(t), TEST_TIMEOUT_MS, 'afterAll').catch(() => undefined);
      } finally {
        await launched.close();
      }
    }
  } finally {
    await sandbox.close();
  }

  console.log(`\ne2e: ${passed} passed, ${failed} failed`);
  console.log(`console output of every context: ${relative(ROOT, join(ROOT, 'test/e2e/artifacts/console.log'))}`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(describe(error));
    console.log('\ne2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
