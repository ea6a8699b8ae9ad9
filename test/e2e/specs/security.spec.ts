import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import type { LoggedRequest } from '../../../sandbox/types';
import {
  connectHubSpot,
  CONSOLE_LOG,
  expectedRecord,
  hubspotRecordUrl,
  openExtensionPage,
  panelFrame,
  readPanel,
  salesforceRecordUrl,
  screenshot,
  waitForPanel,
} from '../harness';
import { DEFAULT_SETTINGS } from '../../../core/settings';
import { commentSecrets, describeLeaks, findLeaks, sandboxSecrets, type Secret } from '../leaks';
import type { E2E } from '../types';

// A hostile script in the CRM page (Playwright's page.evaluate runs in the page's main world, as the
// CRM's own scripts do) tries everything it can reach: the panel's frame and shadow root, forged
// messages and events, the extension's messaging, its URLs, and the page's storage. Nothing may
// leak, nothing may be written, and the panel keeps showing the record the browser says the tab is on.
// Tests run in name order (the runner lists a module's exports alphabetically), hence the step numbers.

const SPEC = 'security.spec.ts';

/** What the extension holds that no page may read: its tokens and the customers' data it cached. */
interface Held {
  secrets: Secret[];
  /** Everything in the extension's storage.local (settings, connection labels). */
  storage: Record<string, unknown>;
  outcomes: number;
}

async function readHeld(t: E2E): Promise<Held> {
  const raw = await t.serviceWorker.evaluate(async () => {
    const open = indexedDB.open('loyalty-lens');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    // Inline callbacks only: the test runner's transpiler names function-valued consts with a helper
    // that does not exist in the browser.
    const [secrets, responses, contacts, outcomes] = await Promise.all(
      ['secrets', 'responses', 'contacts', 'outcomes'].map(
        (table) =>
          new Promise<unknown[]>((resolve, reject) => {
            const request = db.transaction(table).objectStore(table).getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          }),
      ),
    );
    db.close();
    // The worker's global is the extension's; node's types do not know `chrome`.
    const { chrome } = globalThis as unknown as { chrome: { storage: { local: { get(keys: null): Promise<Record<string, unknown>> } } } };
    return { secrets, responses, contacts, outcomes: outcomes?.length ?? 0, storage: await chrome.storage.local.get(null) };
  });
  const secrets: Secret[] = [];
  for (const row of raw.secrets as Array<{ name: string; value: string }>) {
    if (row.name.includes('salesforce')) {
      const tokens = (JSON.parse(row.value) as { tokens?: { accessToken?: string; refreshToken?: string } }).tokens ?? {};
      if (tokens.accessToken) secrets.push({ what: 'the Salesforce access token', text: tokens.accessToken });
      if (tokens.refreshToken) secrets.push({ what: 'the Salesforce refresh token', text: tokens.refreshToken });
    } else {
      secrets.push({ what: `the stored secret "${row.name}"`, text: row.value });
    }
  }
  for (const contact of raw.contacts as Array<{ email: string | null }>) {
    if (contact.email) secrets.push({ what: 'a cached customer email', text: contact.email });
  }
  secrets.push(...commentSecrets((raw.responses as Array<{ comment: string | null }>).map((response) => response.comment)));
  return { secrets, storage: raw.storage, outcomes: raw.outcomes };
}

/** Requests that change something in a CRM (searches and batch reads are POSTs that only read). */
function writes(log: LoggedRequest[]): LoggedRequest[] {
  return log.filter((entry) => entry.method !== 'GET' && !/\/(?:search|batch\/read)(?:\?|$)/.test(entry.path) && !entry.path.startsWith('/services/oauth2/'));
}

async function signInToSalesforce(t: E2E): Promise<void> {
  const page = await openExtensionPage(t.context, t.extensionId);
  const card = page.locator('#connections').getByRole('region', { name: 'Salesforce', exact: true });
  await card.getByLabel('Connected app consumer key').fill(t.salesforce.consumerKey);
  const [login] = await Promise.all([
    t.context.waitForEvent('page', { predicate: (candidate) => candidate.url().includes('/services/oauth2/authorize'), timeout: 20_000 }),
    card.getByRole('button', { name: 'Sign in with Salesforce' }).click(),
  ]);
  await login.getByRole('button', { name: 'Log in and allow' }).click();
  await card.locator('.verdict strong', { hasText: 'Connection works' }).waitFor({ timeout: 20_000 });
  await page.close();
}

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
  await signInToSalesforce(t);
}

/** Everything a page script reads or tries, reported back as data. */
interface AttackReport {
  hostElements: number;
  openShadowRoots: number;
  /** Shadow roots the page's patched attachShadow saw being made for the panel host. */
  capturedRoots: number;
  iframesInDocument: number;
  frames: number;
  frameDocumentsRead: number;
  frameLocationsRead: number;
  chromeRuntime: boolean;
  runtimeReplies: string[];
  extensionFetches: string[];
  databases: string[];
  /** All text the page could gather: its DOM, storage, cookies. */
  readable: string;
}

/** Runs before the page's own scripts (and so before the content script mounts the panel). */
function spyOnShadowRoots(): void {
  const captured: ShadowRoot[] = [];
  const original = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit): ShadowRoot {
    const root = original.call(this, init);
    captured.push(root);
    return root;
  };
  (window as unknown as { capturedRoots: ShadowRoot[] }).capturedRoots = captured;
}

/** The hostile script. Runs in the CRM page's main world. */
async function attack(page: Page, input: { extensionId: string; otherRef: Record<string, string>; otherUrl: string }): Promise<AttackReport> {
  return page.evaluate(async ({ extensionId, otherRef, otherUrl }) => {
    const host = document.querySelector('loyalty-lens-panel');
    const captured = ((window as unknown as { capturedRoots?: ShadowRoot[] }).capturedRoots ?? []).filter((root) => root.host === host);
    let frameDocumentsRead = 0;
    let frameLocationsRead = 0;
    const frames = Array.from({ length: window.frames.length }, (_, i) => window.frames[i]).filter((frame): frame is Window => frame !== undefined);
    for (const frame of frames) {
      try {
        if (frame.document.documentElement.outerHTML) frameDocumentsRead += 1;
      } catch {
        // Cross-origin: refused, as it should be.
      }
      try {
        if (frame.location.href) frameLocationsRead += 1;
      } catch {
        // Cross-origin: refused.
      }
    }

    // Forged messages in every shape the extension uses, plus prototype pollution.
    const forged: unknown[] = [
      { type: 'watch', ref: otherRef, contactLimit: 5, contactFilter: { segment: null, search: '' } },
      { type: 'record', ref: otherRef, pageUrl: otherUrl },
      { type: 'data', key: Object.values(otherRef).join('|'), contactLimit: 5, result: { status: 'ready' } },
      { type: 'settings', settings: { version: 999 }, notices: [] },
      { type: 'panel.toggle' },
      { type: 'record.refresh', ref: otherRef },
      { type: 'hubspot.connect', token: 'pat-na1-attacker-00000000' },
      { type: 'connector.signOut', crm: 'hubspot', queued: 'discard' },
      { type: 'data.wipe', queued: 'discard' },
      { type: 'outcome.log', input: { ref: otherRef, result: 'resolved' } },
      JSON.parse('{"type":"record.refresh","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
    ];
    for (const message of forged) {
      window.postMessage(message, '*');
      for (const frame of frames) frame.postMessage(message, '*');
      window.dispatchEvent(new CustomEvent('message', { detail: message }));
    }
    // WXT's own SPA-navigation event, forged with another record's URL.
    window.dispatchEvent(new CustomEvent('wxt:locationchange', { detail: { newUrl: otherUrl, oldUrl: location.href } }));
    document.dispatchEvent(new CustomEvent('wxt:locationchange', { detail: { newUrl: otherUrl } }));
    host?.setAttribute('data-record', otherUrl);

    // The extension's messaging, if the page can see it at all (it cannot without externally_connectable).
    const runtime = (globalThis as unknown as { chrome?: { runtime?: { sendMessage?: (id: string, message: unknown) => Promise<unknown> } } }).chrome?.runtime;
    const runtimeReplies: string[] = [];
    if (runtime?.sendMessage) {
      for (const message of forged) {
        try {
          runtimeReplies.push(JSON.stringify(await runtime.sendMessage(extensionId, message)));
        } catch (error) {
          runtimeReplies.push(`refused: ${String(error)}`);
        }
      }
    }

    // The extension's pages by their static URLs: Chrome refuses these page-initiated loads.
    const extensionFetches: string[] = [];
    for (const path of ['panel.html', 'options.html', 'manifest.json']) {
      try {
        const response = await fetch(`chrome-extension://${extensionId}/${path}`);
        extensionFetches.push(`${path}: ${response.status} ${(await response.text()).slice(0, 200)}`);
      } catch {
        // Not reachable from a web page.
      }
    }

    const databases = 'databases' in indexedDB ? (await indexedDB.databases()).map((db) => db.name ?? '') : [];
    const [local, session] = [localStorage, sessionStorage].map((area) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: area.length }, (_, i) => area.key(i) ?? '').map((key) => [key, area.getItem(key)]))),
    );
    const readable = [
      document.documentElement.outerHTML,
      document.documentElement.innerText,
      host ? `${host.outerHTML} ${host.textContent ?? ''}` : '',
      local,
      session,
      document.cookie,
      databases.join(' '),
      extensionFetches.join('\n'),
      runtimeReplies.join('\n'),
    ].join('\n');

    return {
      hostElements: document.querySelectorAll('loyalty-lens-panel').length,
      openShadowRoots: host?.shadowRoot ? 1 : 0,
      capturedRoots: captured.length,
      iframesInDocument: document.querySelectorAll('iframe').length,
      frames: frames.length,
      frameDocumentsRead,
      frameLocationsRead,
      chromeRuntime: Boolean(runtime),
      runtimeReplies,
      extensionFetches,
      databases,
      readable,
    };
  }, input);
}

/**
 * `ownDataPath` is the sandbox endpoint the CRM page renders the record from: what the CRM itself
 * shows (the contact's own email, say) is the page's to read.
 */
async function attackOnRecord(t: E2E, url: string, otherRef: Record<string, string>, otherUrl: string, ownDataPath: string): Promise<void> {
  const page = await t.newPage();
  await page.addInitScript(spyOnShadowRoots);
  await page.goto(url);
  const record = expectedRecord(url);
  await waitForPanel(page, record, { state: 'ready' });
  const panelTextBefore = await (await panelFrame(page)).locator('[data-ll-state]').innerText();

  const before = await readHeld(t);
  // The guard is real: the panel shows customers' data the page must not get.
  assert.ok(
    before.secrets.some((secret) => secret.what !== 'the stored secret "hubspot.token"' && panelTextBefore.includes(secret.text)),
    'the panel shows none of the cached comments or emails',
  );
  const statsBefore = t.sandbox.stats();
  t.sandbox.clearLog();

  const report = await attack(page, { extensionId: t.extensionId, otherRef, otherUrl });
  t.log(`attack on ${record}: ${report.frames} frame(s), runtime ${report.chromeRuntime ? 'visible' : 'absent'}, ${report.extensionFetches.length} extension URL(s) fetched`);

  // The panel is out of the page's reach.
  assert.equal(report.hostElements, 1);
  assert.equal(report.openShadowRoots, 0, 'the panel host has an open shadow root');
  assert.equal(report.capturedRoots, 0, 'the page captured the panel host’s shadow root');
  assert.equal(report.iframesInDocument, 0, 'the panel iframe is reachable from the document');
  // window.frames lists only the document's own frames, not those in a shadow tree: the page cannot
  // even get a handle to post to or navigate the panel's window (the sandbox page has no frames).
  assert.equal(report.frames, 0, 'the page reached a frame');
  assert.equal(report.frameDocumentsRead, 0, 'the page read the panel’s document');
  assert.equal(report.frameLocationsRead, 0, 'the page read the panel’s URL');
  assert.equal(report.chromeRuntime, false, 'the page can see chrome.runtime');
  assert.deepEqual(report.extensionFetches, [], 'the page fetched extension files');
  assert.ok(!report.databases.includes('loyalty-lens'), 'the extension’s database is on the page’s origin');

  // Nothing the extension holds is readable, beyond what the CRM page shows of the record itself.
  const ownData = await page.evaluate((path) => fetch(path).then((response) => response.text()), ownDataPath);
  assert.ok(ownData.length > 0, 'the CRM page has no data of its own');
  const secrets = [...sandboxSecrets(), ...before.secrets].filter((secret) => !ownData.includes(secret.text));
  const leaks = findLeaks(report.readable, secrets, []);
  assert.deepEqual(leaks, [], describeLeaks(leaks, 'What the page can read'));

  // The same record, nothing written, nothing changed. The panel keeps being served while the
  // forged messages are around: ask it to refresh the way a user does, then check again.
  await new Promise((done) => setTimeout(done, 1_000));
  const shown = await waitForPanel(page, record, { state: 'ready' });
  assert.equal(shown.record, record);
  assert.equal(await (await panelFrame(page)).locator('[data-ll-state]').innerText(), panelTextBefore, 'the panel changed');
  const after = await readHeld(t);
  assert.deepEqual(after.storage, before.storage, 'settings or connections changed');
  assert.equal(after.outcomes, before.outcomes, 'an outcome was queued');
  assert.deepEqual(writes(t.sandbox.log()), [], 'a write reached the CRM');
  assert.deepEqual(t.sandbox.stats(), statsBefore, 'the CRM changed');
  assert.equal(await page.evaluate(() => ({} as Record<string, unknown>).polluted), undefined, 'the page polluted its own prototype');

  // Last, the page frames the panel itself (its static URL, pointed at another record): the browser
  // does not load it, so no second panel shows anything, and nothing is written.
  const genuine = await panelFrame(page);
  await page.evaluate((src) => {
    const frame = document.createElement('iframe');
    frame.id = 'forged-panel';
    frame.src = src;
    document.body.append(frame);
  }, `chrome-extension://${t.extensionId}/panel.html#${otherUrl}`);
  await page.locator('#forged-panel').waitFor({ state: 'attached' });
  await new Promise((done) => setTimeout(done, 1_500));
  for (const frame of page.frames()) {
    if (frame === genuine || frame === page.mainFrame()) continue;
    const forgedRecord = await frame.evaluate(() => document.querySelector('[data-ll-state]')?.getAttribute('data-ll-record') ?? null).catch(() => null);
    assert.equal(forgedRecord, null, `a page-made panel shows ${forgedRecord}`);
  }
  assert.equal((await readPanel(page)).record, record);
  assert.deepEqual(writes(t.sandbox.log()), [], 'a write reached the CRM');
  await page.close();
}

export async function step1HubSpotPageScriptGetsNothing(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  const other = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.badScoresContactId);
  const own = `/__sandbox/page-data/hubspot/${t.hubspot.portals.main}/0-1/${t.hubspot.sampleContactId}`;
  await attackOnRecord(t, url, { crm: 'hubspot', instance: t.hubspot.portals.main, objectType: 'contact', id: t.hubspot.badScoresContactId }, other, own);
}

export async function step2SalesforcePageScriptGetsNothing(t: E2E): Promise<void> {
  const url = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId);
  const other = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Account', t.salesforce.sampleAccountId);
  const own = `/__sandbox/sf-page-data/${t.salesforce.sampleContactId}`;
  await attackOnRecord(t, url, { crm: 'salesforce', instance: t.salesforce.hosts.api, objectType: 'account', id: t.salesforce.sampleAccountId }, other, own);
}

/** This spec's console output from every context (pages, content scripts, panel, service worker). */
export async function step3ThisSpecsConsoleHoldsNoSecrets(t: E2E): Promise<void> {
  assert.ok(existsSync(CONSOLE_LOG), 'the runner captures console output');
  const held = await readHeld(t);
  assert.ok(held.secrets.some((secret) => secret.what === 'the Salesforce access token'), 'Salesforce is not signed in');
  const lines = readFileSync(CONSOLE_LOG, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`[${SPEC} `) || line.includes(`[${SPEC}]`));
  assert.ok(lines.length > 0, 'no console lines of this spec were captured');
  const leaks = findLeaks(lines.join('\n'), [...sandboxSecrets(), ...held.secrets]);
  assert.deepEqual(leaks, [], describeLeaks(leaks, `The console output of ${SPEC}`));
}

/**
 * A hostile settings file, and a hostile host typed on the options page, name a Salesforce login host that is not
 * Salesforce's. app.hubspot.com is mapped to the sandbox like every CRM host, so a single request to it would show in
 * the sandbox's log: the proof that the code and PKCE verifier went nowhere.
 */
export async function step4ForeignLoginHostIsRefusedBeforeAnyRequest(t: E2E): Promise<void> {
  const hostile = 'app.hubspot.com';
  const refusal = `"${hostile}" is not a Salesforce login host`;
  const before = await readHeld(t);
  const page = await openExtensionPage(t.context, t.extensionId);
  const rollout = page.locator('#rollout');
  await rollout.locator('input[type=file]').waitFor({ state: 'attached' });
  t.sandbox.clearLog();

  const file = {
    format: 'loyalty-lens-settings',
    exportedAt: new Date().toISOString(),
    settings: { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, loginHost: hostile, consumerKey: t.salesforce.consumerKey } },
  };
  await rollout.locator('input[type=file]').setInputFiles({ name: 'team-settings.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await rollout.getByText(refusal, { exact: false }).waitFor({ timeout: 10_000 });

  // Typed instead: refused on the click, with no sign-in window opened and nothing saved.
  const card = page.locator('#connections').getByRole('region', { name: 'Salesforce', exact: true });
  await card.getByLabel('Login host').fill(hostile);
  let windows = 0;
  const countWindow = () => void (windows += 1);
  t.context.on('page', countWindow);
  await card.getByRole('button', { name: 'Sign in with Salesforce' }).click();
  await card.getByText(refusal, { exact: false }).waitFor({ timeout: 10_000 });
  await new Promise((done) => setTimeout(done, 1_000));
  t.context.off('page', countWindow);
  await screenshot(page, 'security-foreign-login-host', { fullPage: true });

  assert.equal(windows, 0, 'a sign-in window opened');
  assert.deepEqual(
    t.sandbox.log().filter((entry) => entry.host.startsWith(hostile) || entry.path.startsWith('/services/oauth2/')),
    [],
    'a request went to the foreign login host or to a token endpoint',
  );
  const after = await readHeld(t);
  assert.deepEqual(after.storage, before.storage, 'settings or connections changed');
  await page.close();
}

/**
 * What a page script CAN do: move its own address bar with history.pushState, and the panel follows it to that record,
 * as it follows the CRM's own navigation. The panel then names the record from the CRM's data, and nothing is written.
 */
export async function step5PushStateMovesThePanelAsItMovesTheAddressBar(t: E2E): Promise<void> {
  const portal = t.hubspot.portals.main;
  const url = hubspotRecordUrl(portal, 'contact', t.hubspot.sampleContactId);
  const other = hubspotRecordUrl(portal, 'contact', t.hubspot.badScoresContactId);
  const page = await t.newPage();
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready' });
  t.sandbox.clearLog();

  await page.evaluate((target) => history.pushState({}, '', target), other);
  assert.equal(page.url(), other, 'the address bar did not move');
  await waitForPanel(page, expectedRecord(other), { state: 'ready' });
  const properties = t.sandbox.hubspot.portal(portal).get('contacts', t.hubspot.badScoresContactId)!.properties;
  const name = `${properties.firstname ?? ''} ${properties.lastname ?? ''}`.trim();
  assert.ok(name.length > 0, 'the sandbox contact has no name');
  const text = await (await panelFrame(page)).locator('[data-ll-state]').innerText();
  assert.ok(text.includes(name), `the panel does not name the contact as HubSpot has it (${name}): ${text.slice(0, 200)}`);
  assert.deepEqual(writes(t.sandbox.log()), [], 'a write reached the CRM');
  await page.close();
}

/** The page makes the panel invisible (opacity 0 on its host) and lays a decoy over one of its buttons. */
async function hideBehindDecoy(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<void> {
  await page.evaluate((at) => {
    const host = document.querySelector('loyalty-lens-panel') as HTMLElement;
    host.style.setProperty('opacity', '0', 'important');
    const decoy = document.createElement('button');
    decoy.className = 'decoy';
    decoy.textContent = 'Claim your prize';
    Object.assign(decoy.style, {
      position: 'fixed',
      left: `${at.x}px`,
      top: `${at.y}px`,
      width: `${at.width}px`,
      height: `${at.height}px`,
      zIndex: '2147483647',
      pointerEvents: 'none',
    });
    document.body.append(decoy);
  }, box);
}

/** The panel asked for a confirmation instead of acting. (Attached, not "visible": Playwright counts the page's opacity on the host.) */
async function expectAsked(confirmation: Locator): Promise<void> {
  await confirmation.waitFor({ state: 'attached' });
  assert.match((await confirmation.textContent()) ?? '', /The panel was covered or hidden when you clicked, so nothing was changed yet\./);
}

async function revealPanel(page: Page): Promise<void> {
  await page.evaluate(() => {
    (document.querySelector('loyalty-lens-panel') as HTMLElement).style.removeProperty('opacity');
    document.querySelector('.decoy')?.remove();
  });
}

/**
 * No borrowed clicks: with the panel made invisible by the page and a decoy over "Open a follow-up" and then over
 * "Save", one click on the decoy changes nothing in the CRM (nor queues anything); the panel asks for a confirmation
 * inside itself instead.
 */
export async function step6ClickOnAHiddenPanelChangesNothing(t: E2E): Promise<void> {
  const portal = t.hubspot.portals.main;
  const crmState = () => ({ tickets: t.sandbox.hubspot.records('tickets', portal).length, notes: t.sandbox.hubspot.records('notes', portal).length });
  const before = crmState();
  const queuedBefore = (await readHeld(t)).outcomes;
  const url = hubspotRecordUrl(portal, 'contact', t.hubspot.sampleContactId);
  const page = await t.newPage();
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready' });
  const frame = await panelFrame(page);

  const open = frame.getByRole('button', { name: 'Open a follow-up in HubSpot' }).first();
  await open.scrollIntoViewIfNeeded();
  await new Promise((done) => setTimeout(done, 1_000));
  const openBox = await open.boundingBox();
  assert.ok(openBox, 'no "Open a follow-up" button on screen');
  await hideBehindDecoy(page, openBox);
  await page.mouse.click(openBox.x + openBox.width / 2, openBox.y + openBox.height / 2);
  await expectAsked(frame.locator('.confirm-click'));
  await revealPanel(page);
  await t.screenshot(page, 'borrowed-click-asked');
  await frame.getByRole('button', { name: 'Cancel' }).click();

  const log = frame.getByRole('button', { name: 'Log outcome' }).first();
  await log.click();
  const form = frame.locator('form.outcome-form');
  await form.getByLabel('No answer').check();
  const save = form.getByRole('button', { name: 'Save to HubSpot' });
  await save.scrollIntoViewIfNeeded();
  await new Promise((done) => setTimeout(done, 1_000));
  const saveBox = await save.boundingBox();
  assert.ok(saveBox, 'no Save button on screen');
  await hideBehindDecoy(page, saveBox);
  await page.mouse.click(saveBox.x + saveBox.width / 2, saveBox.y + saveBox.height / 2);
  await expectAsked(form.locator('.confirm-click'));
  await new Promise((done) => setTimeout(done, 1_500));
  assert.deepEqual(crmState(), before, 'a hidden click changed the CRM');
  assert.equal((await readHeld(t)).outcomes, queuedBefore, 'a hidden click queued an outcome');
  await page.close();
}

