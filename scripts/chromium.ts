import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { installDebianPackages } from './debian-packages';
import { chromium, type Browser, type BrowserContext, type Page, type Worker } from 'playwright-core';

// Finding and launching Chromium with the built extension, shared by the demo, the e2e runner and
// the benchmarks. The browser's own DNS maps the real CRM hostnames to the local sandbox, so the
// shipped manifest and code paths are the ones exercised.

/** Stable thanks to the manifest `key` in wxt.config.ts. */
export const EXTENSION_ID = 'enekmphbbngfebmagfgmaakfcjgfhgfj';

/** Every host the extension talks to or runs on; each is answered by the sandbox on 443. */
export const SANDBOX_HOSTS = [
  'app.hubspot.com',
  'app-eu1.hubspot.com',
  'api.hubapi.com',
  'api-eu1.hubapi.com',
  '*.lightning.force.com',
  '*.my.salesforce.com',
  'login.salesforce.com',
  'test.salesforce.com',
] as const;

export const HOW_TO_GET_CHROMIUM = [
  'No Chromium found, and this user may not install packages (neither root nor sudo without a password). Either:',
  '  sudo apt-get install -y chromium        (Debian/Ubuntu: /usr/bin/chromium), then run this again',
  '  or set CHROME_PATH=/path/to/chrome      (any Chromium or Chrome ≥ 116)',
  '  or npx playwright-core install chromium (Playwright’s own build, where downloads are allowed)',
].join('\n');

function onPath(command: string): string | null {
  try {
    const found = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return found || null;
  } catch {
    return null;
  }
}

/** Where Chromium is, or null. Order: CHROME_PATH, the system's chromium, Playwright's own download. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  const candidates = [
    '/usr/bin/chromium',
    onPath('chromium'),
    onPath('chromium-browser'),
    onPath('google-chrome'),
    onPath('google-chrome-stable'),
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    const playwrights = chromium.executablePath();
    if (playwrights && existsSync(playwrights)) return playwrights;
  } catch {
    // Playwright's registry has no Chromium for this platform.
  }
  return null;
}

/**
 * Where Chromium is. When there is none and this machine lets us install packages, installs Debian's
 * chromium with a progress line; otherwise exits the process with instructions.
 */
export async function requireChromium(): Promise<string> {
  const found = findChromium();
  if (found) return found;
  if (process.env.CHROME_PATH) {
    console.error(`CHROME_PATH=${process.env.CHROME_PATH} does not exist.`);
    process.exit(1);
  }
  if (await installDebianPackages(['chromium'], 'Installing Chromium (apt-get install chromium)…')) {
    const installed = findChromium();
    if (installed) return installed;
  }
  console.error(HOW_TO_GET_CHROMIUM);
  process.exit(1);
}

export function hostResolverRules(port: number): string {
  return SANDBOX_HOSTS.map((host) => `MAP ${host}:443 127.0.0.1:${port}`).join(', ');
}

export interface LaunchOptions {
  extensionDir: string;
  sandboxHttpsPort: number;
  headless: boolean;
  /** A profile directory; a throwaway one is made (and removed on close) when omitted. */
  userDataDir?: string;
  executablePath?: string;
  viewport?: { width: number; height: number };
  /** More Chromium switches, e.g. to compare a browser setting. */
  extraArgs?: string[];
  /**
   * Values for the extension's managed storage, as an IT department's policy sets them. Linux and
   * root only: Chromium reads policy from /etc/chromium alone, so this browser gets a private mount
   * of a throwaway directory there; nothing is written to /etc.
   */
  managedPolicy?: Record<string, unknown>;
  /**
   * Makes Chrome's side panel reachable (`sidePanel()`): Playwright's own connection does not attach
   * to it, so the browser also listens for DevTools on a local port a second connection uses.
   */
  inspectSidePanel?: boolean;
}

const CHROMIUM_ETC = '/etc/chromium';

/**
 * A launcher script that runs Chromium in its own mount namespace with `dir` over /etc/chromium,
 * holding the policy file (and the system's master_preferences, which the bind mount would hide).
 */
function withManagedPolicy(executablePath: string, policy: Record<string, unknown>, dir: string): string {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || !existsSync(CHROMIUM_ETC)) {
    throw new Error(`A managed policy needs Linux, root and ${CHROMIUM_ETC} (a private bind mount over it).`);
  }
  const etc = join(dir, 'etc-chromium');
  mkdirSync(join(etc, 'policies/managed'), { recursive: true });
  const preferences = join(CHROMIUM_ETC, 'master_preferences');
  if (existsSync(preferences)) copyFileSync(preferences, join(etc, 'master_preferences'));
  writeFileSync(join(etc, 'policies/managed/loyalty-lens.json'), JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: policy } } }));
  const launcher = join(dir, 'chromium-with-policy.sh');
  // unshare without --fork execs in place, so Playwright's pipe and process id stay Chromium's.
  const script = [
    '#!/bin/sh',
    `exec unshare --mount --propagation private sh -c 'mount --bind "$1" ${CHROMIUM_ETC} && shift && exec "$@"' sh '${etc}' '${executablePath}' "$@"`,
    '',
  ].join('\n');
  writeFileSync(launcher, script);
  chmodSync(launcher, 0o755);
  return launcher;
}

export interface LaunchedExtension {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  /** Chrome's open side panel page (needs `inspectSidePanel`); waits for it to open. */
  sidePanel(timeout?: number): Promise<Page>;
  /** Closes the browser and removes the throwaway profile. */
  close(): Promise<void>;
}

export async function launchWithExtension(options: LaunchOptions): Promise<LaunchedExtension> {
  const chromiumPath = options.executablePath ?? (await requireChromium());
  const ownProfile = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'loyalty-lens-profile-'));
  const policyDir = options.managedPolicy ? mkdtempSync(join(tmpdir(), 'loyalty-lens-policy-')) : null;
  const removeOwnDirs = (): void => {
    if (ownProfile) rmSync(userDataDir, { recursive: true, force: true });
    if (policyDir) rmSync(policyDir, { recursive: true, force: true });
  };
  let context: BrowserContext;
  try {
    const executablePath = options.managedPolicy && policyDir ? withManagedPolicy(chromiumPath, options.managedPolicy, policyDir) : chromiumPath;
    context = await launch(userDataDir, executablePath, options);
  } catch (error) {
    removeOwnDirs();
    throw error;
  }
  let inspector: Promise<Browser> | null = null;
  const sidePanel = async (timeout = 15_000): Promise<Page> => {
    if (!options.inspectSidePanel) throw new Error('Launch with inspectSidePanel to reach the side panel.');
    // Chrome writes the port it chose for --remote-debugging-port=0 into the profile.
    const [port] = readFileSync(join(userDataDir, 'DevToolsActivePort'), 'utf8').split('\n');
    const deadline = Date.now() + timeout;
    for (let look = 0; ; look += 1) {
      // A connection sees the side panels open when it attaches: a panel opened later needs a new one
      // (which ends the pages of the old one, so an open panel is looked for first).
      if (!inspector || look > 0) {
        if (inspector) await (await inspector).close().catch(() => undefined);
        inspector = chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      }
      const browser = await inspector;
      // In CRM pages the panel is a frame, not a page: a panel.html page is the side panel (callers open no panel tab).
      const page = browser.contexts().flatMap((c) => c.pages()).find((p) => new URL(p.url()).pathname === '/panel.html');
      if (page) return page;
      if (Date.now() > deadline) throw new Error('The side panel did not open.');
      await new Promise((done) => setTimeout(done, 100));
    }
  };
  const close = async (): Promise<void> => {
    if (inspector) await (await inspector).close().catch(() => undefined);
    await context.close().catch(() => undefined);
    removeOwnDirs();
  };
  try {
    const serviceWorker =
      context.serviceWorkers().find((worker) => worker.url().startsWith('chrome-extension://')) ??
      (await context.waitForEvent('serviceworker', {
        predicate: (worker) => worker.url().startsWith('chrome-extension://'),
        timeout: 15_000,
      }));
    const extensionId = new URL(serviceWorker.url()).host;
    return { context, extensionId, serviceWorker, sidePanel, close };
  } catch (error) {
    await close();
    throw new Error(`The extension's service worker did not start (${String(error)}). Is ${options.extensionDir} a built extension?`);
  }
}

function launch(userDataDir: string, executablePath: string, options: LaunchOptions): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: options.headless,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    args: [
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      // Without these Chromium floods the closed network with refused connections.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      `--host-resolver-rules=${hostResolverRules(options.sandboxHttpsPort)}`,
      '--ignore-certificate-errors',
      ...(options.inspectSidePanel ? ['--remote-debugging-port=0'] : []),
      ...(options.extraArgs ?? []),
      // For comparing browser settings by hand, e.g. CHROMIUM_EXTRA_ARGS=--disable-features=BlockThirdPartyCookies
      ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(/\s+/).filter(Boolean),
    ],
  });
}
