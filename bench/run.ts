import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { launchWithExtension, requireChromium, type LaunchedExtension } from '../scripts/chromium';
import { startSandbox } from '../sandbox/server';
import { buildExtension, CHROME_BUILD_DIR, rememberPanelOpen, ROOT } from '../test/e2e/harness';
import type { Sandbox } from '../test/e2e/types';
import type { BenchContext, BenchModule, Measurement } from './types';

// npm run bench [-- --build | --no-build] [module…]
// Runs every module in bench/measures/ (or the named ones) and writes bench/results.json.
// With module names, the other entries of an existing results.json are kept.

const MEASURES_DIR = join(ROOT, 'bench/measures');
const RESULTS_FILE = join(ROOT, 'bench/results.json');
const SOURCES = ['entrypoints', 'components', 'content', 'core', 'integrations', 'public', 'wxt.config.ts', 'package-lock.json'];

const resultsSchema = z.object({
  generatedAt: z.string(),
  results: z.record(z.string(), z.object({ value: z.number(), unit: z.enum(['ms', 'bytes', 'requests', 'count']), budget: z.number().nullable() })),
});
type Results = z.infer<typeof resultsSchema>['results'];

const argv = process.argv.slice(2);
const only = argv.filter((arg) => !arg.startsWith('--'));

function newestSource(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestSource(join(path, entry))), stat.mtimeMs);
}

function buildIsStale(): boolean {
  const manifest = join(CHROME_BUILD_DIR, 'manifest.json');
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  return SOURCES.some((source) => newestSource(join(ROOT, source)) > built);
}

async function loadModules(): Promise<BenchModule[]> {
  const files = readdirSync(MEASURES_DIR)
    .filter((file) => file.endsWith('.ts'))
    .sort();
  const modules: BenchModule[] = [];
  for (const file of files) {
    const loaded = (await import(pathToFileURL(join(MEASURES_DIR, file)).href)) as { default?: BenchModule };
    if (!loaded.default) throw new Error(`bench/measures/${file} has no default export`);
    if (only.length === 0 || only.includes(loaded.default.name)) modules.push(loaded.default);
  }
  return modules;
}

function readPrevious(): Results {
  if (!existsSync(RESULTS_FILE)) return {};
  const parsed = resultsSchema.safeParse(JSON.parse(readFileSync(RESULTS_FILE, 'utf8')));
  return parsed.success ? parsed.data.results : {};
}

function formatValue(measurement: { value: number; unit: string }): string {
  return measurement.unit === 'ms' ? measurement.value.toFixed(1) : String(Math.round(measurement.value));
}

async function main(): Promise<number> {
  const modules = await loadModules();
  if (modules.length === 0) {
    console.error(`No bench module named ${only.join(', ')}`);
    return 2;
  }
  if (argv.includes('--build') || (!argv.includes('--no-build') && buildIsStale())) {
    console.log('building chrome-mv3 (production)…');
    buildExtension('chrome');
  }

  const sandboxes = new Map<string, Promise<Sandbox>>();
  const closeSandboxes = async (): Promise<void> => {
    const running = [...sandboxes.values()];
    sandboxes.clear();
    for (const sandbox of running) await (await sandbox).close();
  };
  const browsers: LaunchedExtension[] = [];
  let executablePath: string | null = null;
  const context: BenchContext = {
    root: ROOT,
    chromeBuildDir: CHROME_BUILD_DIR,
    sandbox(latencyMs, { answersInYear } = {}) {
      const key = `${latencyMs} ${answersInYear ?? 'seed'}`;
      const running = sandboxes.get(key);
      if (running) return running;
      const started = startSandbox({ httpsPort: 0, httpPort: 0, latencyMs, ...(answersInYear ? { answersInYear } : {}) });
      sandboxes.set(key, started);
      return started;
    },
    async launch(sandbox, { extensionDir = CHROME_BUILD_DIR, ...options } = {}) {
      executablePath ??= await requireChromium();
      const launched = await launchWithExtension({
        extensionDir,
        sandboxHttpsPort: sandbox.httpsPort,
        headless: true,
        executablePath,
        ...options,
      });
      browsers.push(launched);
      // Measured with the panel open, as a person has it once they opened it (the default is a slim tab).
      await rememberPanelOpen(launched.serviceWorker, true);
      return launched;
    },
  };

  const measured: Measurement[] = [];
  const failures: string[] = [];
  try {
    for (const module of modules) {
      console.log(`measuring ${module.name}…`);
      try {
        measured.push(...(await module.run(context)));
      } catch (error) {
        failures.push(`${module.name}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        // Each module gets fresh browsers, so one module's cache never warms another's, and a fresh
        // sandbox: the one process also serves the CRM pages, and a sweep's leftovers would slow them.
        for (const browser of browsers.splice(0)) await browser.close();
        await closeSandboxes();
      }
    }
  } finally {
    await closeSandboxes();
  }

  const results: Results = only.length > 0 ? readPrevious() : {};
  for (const { name, value, unit, budget } of measured) results[name] = { value, unit, budget };
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ generatedAt: new Date().toISOString(), results }, null, 2)}\n`);

  const width = Math.max(...measured.map((m) => m.name.length), 4);
  console.log(`\n  ${'name'.padEnd(width)}  ${'value'.padStart(10)}  ${'budget'.padStart(10)}  unit`);
  let over = 0;
  for (const m of measured) {
    const ok = m.budget === null || m.value <= m.budget;
    if (!ok) over += 1;
    console.log(
      `${ok ? '✓' : '✗'} ${m.name.padEnd(width)}  ${formatValue(m).padStart(10)}  ${(m.budget === null ? '—' : String(m.budget)).padStart(10)}  ` +
        `${m.unit.padEnd(8)}${ok ? '' : ' OVER BUDGET'}${m.detail ? `  ${m.detail}` : ''}`,
    );
  }
  for (const failure of failures) console.log(`✗ ${failure}`);
  console.log(`\nwrote ${RESULTS_FILE}${over > 0 ? ` — ${over} over budget` : ''}`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
