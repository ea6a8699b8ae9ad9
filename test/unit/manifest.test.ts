import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Reads the manifests the production build wrote (npm test builds before running unit tests) and
// the product's source, so a new permission without a use, or a broadened host, fails here.

const root = join(import.meta.dirname, '..', '..');
const chromeManifestPath = join(root, '.output', 'chrome-mv3', 'manifest.json');
const firefoxManifestPath = join(root, '.output', 'firefox-mv2', 'manifest.json');

interface Manifest {
  manifest_version: number;
  version: string;
  icons?: Record<string, string>;
  action?: { default_icon?: Record<string, string> };
  browser_action?: { default_icon?: Record<string, string> };
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  optional_permissions?: string[];
  content_scripts?: Array<{ matches: string[]; js: string[] }>;
  content_security_policy?: unknown;
  web_accessible_resources?: Array<{ resources: string[]; matches: string[]; use_dynamic_url?: boolean }> | string[];
  key?: string;
  side_panel?: { default_path: string };
  sidebar_action?: { default_panel: string; open_at_install?: boolean };
}

function readManifest(path: string): Manifest {
  if (!existsSync(path)) throw new Error(`${path} is missing: run the production build first (npm run build).`);
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

function productSource(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(name)) files.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['entrypoints', 'components', 'core', 'integrations', 'content']) walk(join(root, dir));
  return files.join('\n');
}

/** Width and height from a PNG's header chunk; anything else is not a PNG. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1'), `${file} is not a PNG`).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** How each permission is used; a permission the source never uses is a failure. */
const PERMISSION_USES: Record<string, RegExp> = {
  storage: /browser\.storage\./,
  alarms: /browser\.alarms\./,
  identity: /browser\.identity\./,
  sidePanel: /browser\.sidePanel/,
};

const CRM_HOSTS = /^https:\/\/(app(-[a-z0-9]+)?\.hubspot\.com|\*\.lightning\.force\.com|\*\.my\.salesforce\.com|api(-eu1)?\.hubapi\.com|(login|test)\.salesforce\.com)\/\*$/;

describe.each([
  ['Chrome (MV3)', chromeManifestPath],
  ['Firefox', firefoxManifestPath],
])('the built %s manifest', (_name, path) => {
  const manifest = readManifest(path);
  const everything = JSON.stringify(manifest);

  it('asks for no <all_urls> and no wildcard host anywhere', () => {
    expect(everything).not.toContain('<all_urls>');
    const required = [...(manifest.host_permissions ?? []), ...(manifest.permissions ?? []).filter((p) => p.includes('://'))];
    for (const host of required) expect(host).toMatch(CRM_HOSTS);
  });

  it('offers no wildcard host even as an optional permission: only CRM hosts are ever one prompt away', () => {
    for (const wildcard of ['https://*/*', 'http://*/*', '*://*/*', '<all_urls>']) expect(everything).not.toContain(wildcard);
    // Any match pattern whose host is a bare "*" (any scheme, any path) is a wildcard host.
    expect(everything).not.toMatch(/:\/\/\*(?:\/|")/);
    const optional = [...(manifest.optional_host_permissions ?? []), ...(manifest.optional_permissions ?? []).filter((p) => p.includes('://'))];
    for (const host of optional) expect(host).toMatch(CRM_HOSTS);
  });

  it('uses every permission it asks for', () => {
    const source = productSource();
    for (const permission of (manifest.permissions ?? []).filter((p) => !p.includes('://'))) {
      expect(PERMISSION_USES[permission], `unexpected permission "${permission}"`).toBeDefined();
      expect(source, `permission "${permission}" is never used`).toMatch(PERMISSION_USES[permission]!);
    }
  });

  it('injects content scripts only on CRM hosts', () => {
    for (const script of manifest.content_scripts ?? []) for (const match of script.matches) expect(match).toMatch(CRM_HOSTS);
  });

  it('has a PNG icon of every size the stores and toolbars ask for, and the toolbar button shows it', () => {
    const dir = join(path, '..');
    for (const size of [16, 32, 48, 128]) {
      const file = manifest.icons?.[String(size)];
      expect(file, `no ${size} px icon`).toBeDefined();
      expect(pngSize(join(dir, file!)), `icon ${file}`).toEqual({ width: size, height: size });
    }
    const toolbar = manifest.action ?? manifest.browser_action;
    for (const file of Object.values(toolbar?.default_icon ?? {})) expect(existsSync(join(dir, file))).toBe(true);
    expect(Object.keys(toolbar?.default_icon ?? {})).toEqual(['16', '32']);
  });

  it('carries the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe(pkg.version);
  });

  it('keeps the default extension CSP (no unsafe-eval, no remote code)', () => {
    expect(manifest.content_security_policy).toBeUndefined();
    expect(everything).not.toContain('unsafe-eval');
  });

  it('exposes only the panel page, and only to CRM pages', () => {
    const resources = manifest.web_accessible_resources ?? [];
    for (const entry of resources) {
      if (typeof entry === 'string') {
        expect(entry).toBe('panel.html');
        continue;
      }
      expect(entry.resources).toEqual(['panel.html']);
      for (const match of entry.matches) expect(match).toMatch(CRM_HOSTS);
    }
  });
});

describe('the built Chrome manifest specifically', () => {
  const manifest = readManifest(chromeManifestPath);
  it('is MV3 with a stable key and a dynamic URL for the panel', () => {
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.key).toMatch(/^MII/);
    const [panel] = manifest.web_accessible_resources as Array<{ use_dynamic_url?: boolean }>;
    expect(panel?.use_dynamic_url).toBe(true);
  });

  it('offers the panel page as the native side panel', () => {
    expect(manifest.side_panel).toEqual({ default_path: 'panel.html' });
  });
});

describe('the built Firefox manifest specifically', () => {
  const manifest = readManifest(firefoxManifestPath);
  it('offers the panel page as the sidebar, closed until the user opens it', () => {
    expect(manifest.sidebar_action).toMatchObject({ default_panel: 'panel.html', open_at_install: false });
  });
});
