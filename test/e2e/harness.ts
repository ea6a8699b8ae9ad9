import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, ElementHandle, Frame, Page, Worker } from 'playwright-core';
import { refKey } from '../../core/schema';
import { DEFAULT_SETTINGS, parseSettingsDocument, settingsSchema, type Settings } from '../../core/settings';
import { SETTINGS_KEY } from '../../core/settings-store';
import { parseRecordUrl } from '../../integrations/pages';

// Shared by the e2e runner, the demo and the benchmarks: building, console capture, screenshots,
// configuring the extension the way an admin would, and finding the panel inside a CRM page.

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROME_BUILD_DIR = join(ROOT, '.output/chrome-mv3');
export const SCREENSHOT_DIR = join(ROOT, 'test/e2e/screenshots');
/** Where the README's pictures live; the e2e run refreshes them (see publishScreenshot). */
export const DOCS_DIR = join(ROOT, 'docs');
export const ARTIFACT_DIR = join(ROOT, 'test/e2e/artifacts');
export const CONSOLE_LOG = join(ARTIFACT_DIR, 'console.log');

/** Production build of one target; throws with wxt's output when it fails. */
export function buildExtension(browser: 'chrome' | 'firefox' = 'chrome'): void {
  const args = ['wxt', 'build', ...(browser === 'firefox' ? ['-b', 'firefox'] : [])];
  const result = spawnSync('npx', args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`wxt build (${browser}) failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Appends every console message and uncaught error of a browser context to one log file. */
export class ConsoleCapture {
  private label = '';
  private readonly watched = new WeakSet<object>();

  constructor(private readonly file: string = CONSOLE_LOG) {
    mkdirSync(dirname(file), { recursive: true });
  }

  /** Starts a fresh log file (once per run). */
  reset(): void {
    writeFileSync(this.file, '');
  }

  /** Prefix for the lines that follow, e.g. the spec and test name. */
  setLabel(label: string): void {
    this.label = label;
  }

  write(source: string, text: string): void {
    appendFileSync(this.file, `${new Date().toISOString()} [${this.label}] [${source}] ${text}\n`);
  }

  attach(context: BrowserContext): void {
    for (const page of context.pages()) this.watchPage(page);
    for (const worker of context.serviceWorkers()) this.watchWorker(worker);
    context.on('page', (page) => this.watchPage(page));
    context.on('serviceworker', (worker) => this.watchWorker(worker));
  }

  private watchPage(page: Page): void {
    if (this.watched.has(page)) return;
    this.watched.add(page);
    // page 'console' covers the page, its iframes (the panel) and content scripts.
    page.on('console', (message) => {
      const where = message.location().url || page.url();
      this.write(`${message.type()} ${where}`, message.text());
    });
    page.on('pageerror', (error) => this.write(`pageerror ${page.url()}`, error.stack ?? error.message));
    page.on('crash', () => this.write('crash', page.url()));
  }

  private watchWorker(worker: Worker): void {
    if (this.watched.has(worker)) return;
    this.watched.add(worker);
    worker.on('console', (message) => this.write(`${message.type()} service-worker`, message.text()));
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Saves a PNG under test/e2e/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${safeName(name)}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

/** Screenshot of just the panel iframe, once the parts that load after the figures are drawn. */
export async function screenshotPanel(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${safeName(name)}.png`);
  await (await panelFrame(page)).locator(LOADING_PARTS).first().waitFor({ state: 'detached', timeout: 10_000 });
  await (await panelIframe(page)).screenshot({ path });
  return path;
}

/** Copies a screenshot this run took (test/e2e/screenshots/<name>.png) to docs/<docName>.png, which the README shows. */
export function publishScreenshot(name: string, docName: string): void {
  copyFileSync(join(SCREENSHOT_DIR, `${safeName(name)}.png`), join(DOCS_DIR, `${docName}.png`));
}

export type Reply = { ok: true; value: unknown } | { ok: false; error: { kind: string; message: string } };

/** Opens an extension page (options.html by default) and returns it once loaded. */
export async function openExtensionPage(context: BrowserContext, extensionId: string, path = 'options.html'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/${path}`);
  return page;
}

/** The stored settings, changed by `change`, validated as the options page's save does and written back. */
export async function changeStoredSettings(context: BrowserContext, extensionId: string, change: (settings: Settings) => Settings): Promise<void> {
  const page = await openExtensionPage(context, extensionId);
  try {
    const stored = await page.evaluate(async (key) => {
      const { chrome } = globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } };
      return (await chrome.storage.local.get(key))[key];
    }, SETTINGS_KEY);
    let current = DEFAULT_SETTINGS;
    if (stored !== undefined) {
      const parsed = parseSettingsDocument(stored);
      if (!parsed.ok) throw new Error(`the stored settings are not valid: ${parsed.reason}`);
      current = parsed.settings;
    }
    const next = settingsSchema.parse(change(structuredClone(current)));
    await page.evaluate(
      async ({ key, settings }) => {
        const { chrome } = globalThis as unknown as { chrome: { storage: { local: { set(items: object): Promise<void> } } } };
        await chrome.storage.local.set({ [key]: settings });
      },
      { key: SETTINGS_KEY, settings: next },
    );
  } finally {
    await page.close();
  }
}

/** Sends a request to the background from an extension page, as the options page does. */
export async function sendFromExtensionPage(page: Page, request: Record<string, unknown>): Promise<Reply> {
  return (await page.evaluate((message) => {
    // The page is an extension page, where `chrome.runtime` exists; node's types do not know it.
    const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } };
    return chrome.runtime.sendMessage(message);
  }, request)) as Reply;
}

/**
 * Connects HubSpot with a private-app token the way an admin does on the options page:
 * the background checks the token against the CRM and stores it.
 */
export async function connectHubSpot(context: BrowserContext, extensionId: string, token: string): Promise<void> {
  const page = await openExtensionPage(context, extensionId);
  try {
    const reply = await sendFromExtensionPage(page, { type: 'hubspot.connect', token });
    if (!reply.ok) throw new Error(`hubspot.connect failed: ${reply.error.kind}: ${reply.error.message}`);
  } finally {
    await page.close();
  }
}

/**
 * Connects Salesforce the way an admin does: the connected app's consumer key saved in the settings,
 * then "Sign in" runs the real OAuth + PKCE flow, whose consent page (the sandbox's authorize page on
 * login.salesforce.com) opens as a window the test approves.
 */
export async function connectSalesforce(context: BrowserContext, extensionId: string, consumerKey: string): Promise<void> {
  await changeStoredSettings(context, extensionId, (settings) => ({ ...settings, salesforce: { ...settings.salesforce, consumerKey } }));
  const page = await openExtensionPage(context, extensionId);
  try {
    const consent = context.waitForEvent('page', { predicate: (p) => p.url().includes('/services/oauth2/authorize'), timeout: 15_000 });
    const reply = sendFromExtensionPage(page, { type: 'salesforce.connect' });
    await (await consent).getByRole('button', { name: 'Log in and allow' }).click();
    const answer = await reply;
    if (!answer.ok) throw new Error(`salesforce.connect failed: ${answer.error.kind}: ${answer.error.message}`);
  } finally {
    await page.close();
  }
}

/** The record key the panel must show for a CRM page URL (data-ll-record). */
export function expectedRecord(url: string): string {
  const ref = parseRecordUrl(url);
  if (!ref) throw new Error(`Not a record URL: ${url}`);
  return refKey(ref);
}

function isPanelFrame(frame: Frame): boolean {
  try {
    const url = new URL(frame.url());
    return url.protocol === 'chrome-extension:' && url.pathname === '/panel.html';
  } catch {
    return false;
  }
}

/**
 * The panel's frame, once the content script has mounted it. The host element is a closed shadow
 * root, which locators cannot pierce, so the frame is found through the page's frame tree.
 */
export async function panelFrame(page: Page, timeout = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = page.frames().find(isPanelFrame);
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`No panel iframe in ${page.url()} after ${timeout} ms`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

/** Whether the page hosts a panel iframe right now. */
export function hasPanel(page: Page): boolean {
  return page.frames().some(isPanelFrame);
}

/** The panel's <iframe> element in a CRM page (inside the content script's closed shadow root). */
export async function panelIframe(page: Page): Promise<ElementHandle<HTMLIFrameElement>> {
  const frame = await panelFrame(page);
  return (await frame.frameElement()) as ElementHandle<HTMLIFrameElement>;
}

/**
 * An element of the panel host (e.g. '.tab', '.close') in its closed shadow root, reached from
 * the iframe's own root node; null when absent.
 */
export async function panelHostPart(page: Page, selector: string): Promise<ElementHandle<HTMLElement> | null> {
  const iframe = await panelIframe(page);
  const handle = await iframe.evaluateHandle(
    (element, css) => (element.getRootNode() as ShadowRoot | Document).querySelector<HTMLElement>(css),
    selector,
  );
  return handle.asElement() as ElementHandle<HTMLElement> | null;
}

export interface PanelState {
  state: string | null;
  record: string | null;
  /** The frame is folded to the slim tab (the panel draws the tab in the same states). */
  slim: boolean;
  /** A part that loads after the figures (the history chart's drawing, an account's quarters and contacts) is still coming. */
  partsLoading: boolean;
}

/** The places held for the parts of a ready panel that load after its figures. */
const LOADING_PARTS = '.chart-loading, .details-loading';

/** The panel's data-ll-state / data-ll-record, read from its root. */
export async function readPanel(page: Page): Promise<PanelState> {
  const frame = await panelFrame(page);
  return frame.evaluate((loadingParts) => {
    const root = document.querySelector('[data-ll-state]');
    return {
      state: root?.getAttribute('data-ll-state') ?? null,
      record: root?.getAttribute('data-ll-record') ?? null,
      slim: root?.classList.contains('slim') ?? false,
      partsLoading: document.querySelector(loadingParts) !== null,
    };
  }, LOADING_PARTS);
}

/**
 * Waits until the panel shows `record`, optionally in `state` (e.g. 'ready'), in the open layout unless `layout`
 * says otherwise: the frame starts folded and opens once the remembered choice is read, and the slim tab carries the
 * same state, so a read in between would find none of the open panel's figures. Ready means as a person sees it
 * settle: with the parts that load after the figures drawn. Returns what it shows.
 * The wait polls inside the frame, so it survives the frame reloading on navigation.
 */
export async function waitForPanel(
  page: Page,
  record: string,
  options: { state?: string; timeout?: number; layout?: 'open' | 'slim' | 'any' } = {},
): Promise<PanelState> {
  const timeout = options.timeout ?? 15_000;
  const layout = options.layout ?? 'open';
  const deadline = Date.now() + timeout;
  let last: PanelState = { state: null, record: null, slim: false, partsLoading: false };
  while (Date.now() < deadline) {
    try {
      last = await readPanel(page);
      const laidOut = layout === 'any' || last.slim === (layout === 'slim');
      const settled = options.state !== 'ready' || !last.partsLoading;
      if (last.record === record && (options.state === undefined || last.state === options.state) && laidOut && settled) return last;
    } catch {
      // The frame is being replaced; try again.
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(
    `The panel did not show ${record}${options.state ? ` (${options.state})` : ''} within ${timeout} ms; ` +
      `it shows record=${last.record} state=${last.state}${last.slim ? ' (slim tab)' : ''}`,
  );
}

const HUBSPOT_TYPE_IDS = { contact: '0-1', company: '0-2', deal: '0-3', ticket: '0-5' } as const;

/** A HubSpot record page on app.hubspot.com (mapped to the sandbox). */
export function hubspotRecordUrl(portalId: string, objectType: keyof typeof HUBSPOT_TYPE_IDS, id: string): string {
  return `https://app.hubspot.com/contacts/${portalId}/record/${HUBSPOT_TYPE_IDS[objectType]}/${id}`;
}

/** A Salesforce Lightning record page, e.g. ('acme.lightning.force.com', 'Contact', id). */
export function salesforceRecordUrl(lightningHost: string, sobject: string, id: string): string {
  return `https://${lightningHost}/lightning/r/${sobject}/${id}/view`;
}

/**
 * Follows a link of the CRM page to `url` the way a user does (a click the page's router turns into
 * history.pushState) and returns when the click happened (performance.timeOrigin-based ms).
 */
export async function spaNavigate(page: Page, url: string): Promise<number> {
  const target = new URL(url);
  const clickedAt = await page.evaluate((href) => {
    const links = [...document.querySelectorAll<HTMLAnchorElement>('a[href]')];
    const link = links.find((a) => {
      const resolved = new URL(a.href, location.href);
      return resolved.pathname + resolved.search === href;
    });
    if (!link) return null;
    const at = performance.timeOrigin + performance.now();
    link.click();
    return at;
  }, target.pathname + target.search);
  if (clickedAt === null) throw new Error(`The page ${page.url()} has no link to ${target.pathname}`);
  await page.waitForURL(url);
  return clickedAt;
}

/** storage.local: the person's choice of a folded (slim tab) or open in-page panel (content/panel-host.ts). */
const PANEL_COLLAPSED_KEY = 'ui.panelCollapsed';

/**
 * Remembers the in-page panel open (true) or folded (false) as a person's click does, or forgets the choice (null):
 * the default, a slim tab at the page's edge. Pages opened afterwards follow it.
 */
export async function rememberPanelOpen(worker: Worker, open: boolean | null): Promise<void> {
  await worker.evaluate(
    async ({ key, open }) => {
      const { chrome } = globalThis as unknown as { chrome: { storage: { local: { set(items: object): Promise<void>; remove(key: string): Promise<void> } } } };
      if (open === null) await chrome.storage.local.remove(key);
      else await chrome.storage.local.set({ [key]: !open });
    },
    { key: PANEL_COLLAPSED_KEY, open },
  );
}
