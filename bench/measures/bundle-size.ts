import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { BenchModule, Measurement } from '../types';

// What the browser loads, in minified bytes: each injected content script runs on every CRM page
// view, and the panel's JavaScript is parsed every time the panel opens.

function contentScripts(buildDir: string): Array<{ file: string; bytes: number }> {
  const dir = join(buildDir, 'content-scripts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file, bytes: statSync(join(dir, file)).size }));
}

const STATIC_IMPORT = /(?:import|from)\s*["'](\.{1,2}\/[^"']+\.js)["']/g;
const HTML_SCRIPT = /<(?:script|link)[^>]+(?:src|href)="([^"]+\.js)"/g;

/** Every JS file panel.html loads before it can render: its scripts, preloads and their static imports. */
function panelScripts(buildDir: string): string[] {
  const html = readFileSync(join(buildDir, 'panel.html'), 'utf8');
  const pending = [...html.matchAll(HTML_SCRIPT)].map((match) => join(buildDir, match[1]!.replace(/^\//, '')));
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      pending.push(resolve(dirname(file), match[1]!));
    }
  }
  return [...seen];
}

const WORKLIST_FILES = /<meta name="loyalty-lens-worklist" content="([^"]*)"/;

/**
 * What the panel loads before it paints outside a CRM page, where it opens on My open loops: the above, and the list's
 * files panel.html names for public/panel-start.js to fetch at once (and their static imports).
 */
function worklistStartScripts(buildDir: string, panel: string[]): string[] {
  const named = WORKLIST_FILES.exec(readFileSync(join(buildDir, 'panel.html'), 'utf8'))?.[1] ?? '';
  const pending = named
    .split(' ')
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(buildDir, file.replace(/^\//, '')));
  const seen = new Set(panel);
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) pending.push(resolve(dirname(file), match[1]!));
  }
  return [...seen];
}

const bundleSize: BenchModule = {
  name: 'bundle-size',
  async run({ chromeBuildDir }): Promise<Measurement[]> {
    const scripts = contentScripts(chromeBuildDir);
    if (scripts.length === 0) throw new Error(`No content scripts in ${chromeBuildDir}/content-scripts`);
    const largest = scripts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const panel = panelScripts(chromeBuildDir);
    const panelBytes = panel.reduce((sum, file) => sum + statSync(file).size, 0);
    const listStart = worklistStartScripts(chromeBuildDir, panel);
    const listStartBytes = listStart.reduce((sum, file) => sum + statSync(file).size, 0);
    return [
      {
        name: 'contentScriptBytes',
        value: largest.bytes,
        unit: 'bytes',
        budget: 10_240,
        detail: scripts.map((script) => `${script.file} ${script.bytes}`).join(', '),
      },
      {
        name: 'panelScriptBytes',
        value: panelBytes,
        unit: 'bytes',
        budget: 300_000,
        detail: panel.map((file) => relative(chromeBuildDir, file)).join(', '),
      },
      {
        name: 'panelWorklistStartScriptBytes',
        value: listStartBytes,
        unit: 'bytes',
        budget: null,
        detail: `outside a CRM page (side panel, sidebar, tab): the above and ${listStart.filter((file) => !panel.includes(file)).map((file) => relative(chromeBuildDir, file)).join(', ')}`,
      },
    ];
  },
};

export default bundleSize;
