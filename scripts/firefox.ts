import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import puppeteer, { type Browser } from 'puppeteer-core';
import { installDebianPackages } from './debian-packages';
import { startSandboxProxy } from './sandbox-proxy';

// Finding Firefox for the Firefox end-to-end run: FIREFOX_PATH, else Debian's firefox-esr (installed
// with a progress line where this machine lets us install packages).

export const HOW_TO_GET_FIREFOX = [
  'No Firefox found, and this user may not install packages (neither root nor sudo without a password). Either:',
  '  sudo apt-get install -y firefox-esr     (Debian/Ubuntu: /usr/bin/firefox-esr), then run this again',
  '  or set FIREFOX_PATH=/path/to/firefox    (Firefox ≥ 128)',
].join('\n');

function onPath(command: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function findFirefox(): string | null {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  for (const candidate of ['/usr/bin/firefox-esr', onPath('firefox-esr'), onPath('firefox')]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Where Firefox is; installs Debian's firefox-esr where allowed, else exits with instructions. */
export async function requireFirefox(): Promise<string> {
  const found = findFirefox();
  if (found) return found;
  if (process.env.FIREFOX_PATH) {
    console.error(`FIREFOX_PATH=${process.env.FIREFOX_PATH} does not exist.`);
    process.exit(1);
  }
  if (await installDebianPackages(['firefox-esr'], 'Installing Firefox ESR (apt-get install firefox-esr)…')) {
    const installed = findFirefox();
    if (installed) return installed;
  }
  console.error(HOW_TO_GET_FIREFOX);
  process.exit(1);
}

/** Firefox's id for the add-on (wxt.config.ts, browser_specific_settings.gecko.id). */
export const FIREFOX_ADDON_ID = 'loyalty-lens@loyaltylens.dev';
/** Pinned through extensions.webextensions.uuids so moz-extension:// URLs are known before install. */
export const FIREFOX_ADDON_UUID = '6c1f3f5e-6a43-4a55-9d2a-6f0c2d1b7e11';

export interface LaunchedFirefox {
  browser: Browser;
  /** moz-extension://<uuid> */
  extensionOrigin: string;
  close(): Promise<void>;
}

/**
 * Firefox ESR over WebDriver BiDi (puppeteer-core) with the built add-on installed as a temporary
 * add-on, its traffic to the CRM hostnames sent to the sandbox through a local proxy.
 */
export async function launchFirefoxWithExtension(options: {
  extensionDir: string;
  sandboxHttpsPort: number;
  headless: boolean;
  executablePath?: string;
}): Promise<LaunchedFirefox> {
  const proxy = await startSandboxProxy(options.sandboxHttpsPort);
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: options.executablePath ?? (await requireFirefox()),
      headless: options.headless,
      // The sandbox's self-signed certificate, for pages and the add-on's own requests alike.
      acceptInsecureCerts: true,
      defaultViewport: { width: 1440, height: 900 },
      // WebDriver may open moz-extension:// pages (the options page) and script the panel's frame only with this.
      args: ['-remote-allow-system-access'],
      extraPrefsFirefox: {
        'network.proxy.type': 1,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': proxy.port,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': proxy.port,
        'network.proxy.no_proxies_on': '',
        'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: FIREFOX_ADDON_UUID }),
      },
    });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  const close = async (): Promise<void> => {
    await browser.close().catch(() => undefined);
    await proxy.close();
  };
  try {
    const id = await browser.installExtension(options.extensionDir);
    if (id !== FIREFOX_ADDON_ID) throw new Error(`Firefox installed ${id}, not ${FIREFOX_ADDON_ID}`);
  } catch (error) {
    await close();
    throw new Error(`Firefox did not install the add-on from ${options.extensionDir} (${String(error)}). Is it a Firefox build?`);
  }
  return { browser, extensionOrigin: `moz-extension://${FIREFOX_ADDON_UUID}`, close };
}
