import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { en } from '../../core/locales/en';
import { enAccount } from '../../core/locales/en-account';
import { enInsights } from '../../core/locales/en-insights';
import { enWorklist } from '../../core/locales/en-worklist';
import { ru } from '../../core/locales/ru';
import { ruAccount } from '../../core/locales/ru-account';
import { ruInsights } from '../../core/locales/ru-insights';
import { ruWorklist } from '../../core/locales/ru-worklist';

// Each surface loads only its own words (core/locales/README.md): the record panel en.ts / ru.ts, an account record's
// quarters and contacts those plus en-account.ts / ru-account.ts (loaded with their code), My open loops those
// plus en-worklist.ts / ru-worklist.ts (loaded with the list's code), Insights those plus en-insights.ts /
// ru-insights.ts, the options page en.ts. Here every module a surface runs (from the module graph esbuild resolves) is
// read for catalog keys — quoted keys, and `prefix.${…}` templates, which may reach every key under the prefix — and
// each must be in the catalogs that surface loads, in both languages.

const ROOT = join(import.meta.dirname, '../..');
const ALL_KEYS = new Set([...Object.keys(en), ...Object.keys(enAccount), ...Object.keys(enWorklist), ...Object.keys(enInsights)]);

interface Surface {
  name: string;
  entry: string;
  /** Modules another surface owns: the graph stops there (the panel loads the list on demand). */
  stopAt: string[];
  catalogs: Record<'en' | 'ru', Array<Record<string, unknown>>>;
}

const SURFACES: Surface[] = [
  { name: 'panel', entry: 'entrypoints/panel/main.tsx', stopAt: ['components/worklist/WorklistSurface.tsx', 'components/panel/AccountDetails.tsx'], catalogs: { en: [en], ru: [ru] } },
  { name: 'account details', entry: 'components/panel/AccountDetails.tsx', stopAt: [], catalogs: { en: [en, enAccount], ru: [ru, ruAccount] } },
  { name: 'worklist', entry: 'components/worklist/WorklistSurface.tsx', stopAt: [], catalogs: { en: [en, enWorklist], ru: [ru, ruWorklist] } },
  { name: 'insights', entry: 'entrypoints/insights/main.tsx', stopAt: [], catalogs: { en: [en, enInsights], ru: [ru, ruInsights] } },
  { name: 'options', entry: 'entrypoints/options/main.tsx', stopAt: [], catalogs: { en: [en], ru: [ru] } },
];

async function moduleGraph(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    format: 'esm',
    outdir: join(ROOT, '.output/locale-surfaces'),
    packages: 'external',
    loader: { '.css': 'empty', '.png': 'empty' },
    logLevel: 'silent',
  });
  return result.metafile;
}

/** The surface's own source files: from its entry through static and dynamic imports, stopping at other surfaces. */
async function surfaceFiles(surface: Surface): Promise<string[]> {
  const { inputs } = await moduleGraph(surface.entry);
  const seen = new Set<string>([surface.entry]);
  const pending = [surface.entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    for (const imported of inputs[file]?.imports ?? []) {
      if (seen.has(imported.path) || surface.stopAt.includes(imported.path) || imported.external) continue;
      seen.add(imported.path);
      pending.push(imported.path);
    }
  }
  // Words are shown by components; core/ names message types that look like keys.
  return [...seen].filter((file) => /\.(ts|tsx)$/.test(file) && /^(components|entrypoints)\//.test(file));
}

/** Catalog keys a source file names: quoted keys, and every key a `prefix.${…}` template can make. */
function keysIn(source: string): string[] {
  // A message type (`type: 'worklist.refresh'`) is no word.
  const quoted = [...source.matchAll(/(?<!type:\s*)['"]([a-zA-Z][\w]*(?:\.[\w]+)+)['"]/g)].map((m) => m[1]!).filter((key) => ALL_KEYS.has(key));
  const prefixes = [...source.matchAll(/`([a-zA-Z][\w]*(?:\.[\w]+)*\.)\$\{/g)].map((m) => m[1]!);
  const templated = [...ALL_KEYS].filter((key) => prefixes.some((prefix) => key.startsWith(prefix)));
  return [...new Set([...quoted, ...templated])];
}

describe('each surface loads the words it shows', () => {
  it.each(SURFACES)('$name: every key its modules name is in its catalogs, in English and Russian', async (surface) => {
    const files = await surfaceFiles(surface);
    expect(files.length).toBeGreaterThan(3);
    const missing: string[] = [];
    for (const file of files) {
      for (const key of keysIn(readFileSync(join(ROOT, file), 'utf8'))) {
        for (const language of ['en', 'ru'] as const) {
          if (!surface.catalogs[language].some((catalog) => key in catalog)) missing.push(`${file}: ${key} (${language})`);
        }
      }
    }
    expect(missing).toEqual([]);
  }, 30_000);

  it('the panel does not load the words of My open loops or Insights', async () => {
    const files = await surfaceFiles(SURFACES[0]!);
    expect(files).not.toContain('components/worklist/WorklistView.tsx');
    expect(files).not.toContain('components/insights/InsightsApp.tsx');
  });

  it('each Russian catalog has the keys of its English one, with a plural where English has one', () => {
    for (const [english, russian] of [
      [en, ru],
      [enAccount, ruAccount],
      [enWorklist, ruWorklist],
      [enInsights, ruInsights],
    ] as Array<[Record<string, unknown>, Record<string, unknown>]>) {
      expect(Object.keys(russian).sort()).toEqual(Object.keys(english).sort());
      for (const key of Object.keys(english)) expect(typeof russian[key], key).toBe(typeof english[key]);
    }
  });

  it('no key is in two catalogs', () => {
    const panel = Object.keys(en);
    expect(Object.keys(enAccount).filter((key) => panel.includes(key))).toEqual([]);
    expect(Object.keys(enWorklist).filter((key) => panel.includes(key) || key in enAccount)).toEqual([]);
    expect(Object.keys(enInsights).filter((key) => panel.includes(key) || key in enAccount || key in enWorklist)).toEqual([]);
  });
});
