import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { RecordRef } from '../../../core/schema';
import type { Settings } from '../../../core/settings';
import { parseRecordUrl } from '../../../integrations/pages';
import { HARD_COMMENTS } from '../../../sandbox/text';
import {
  changeStoredSettings,
  connectSalesforce,
  connectHubSpot,
  expectedRecord,
  hubspotRecordUrl,
  openExtensionPage,
  panelFrame,
  publishScreenshot,
  panelHostPart,
  panelIframe,
  readPanel,
  salesforceRecordUrl,
  screenshotPanel,
  sendFromExtensionPage,
  waitForPanel,
} from '../harness';
import { expectAccessible } from '../axe';
import type { E2E } from '../types';

// The panel as a rep or an agent sees it on sandbox pages of both CRMs: every designed state,
// light and dark, English and Russian, with an accessibility scan, untrusted comments shown as
// text, keyboard use and a 320 px width. Screenshots land in test/e2e/screenshots/panel-*.png.

type Scheme = 'light' | 'dark';
type Language = 'en' | 'ru';
const SCHEMES: Scheme[] = ['light', 'dark'];


function changeSettings(t: E2E, change: (settings: Settings) => Settings): Promise<void> {
  return changeStoredSettings(t.context, t.extensionId, change);
}

async function setLanguage(t: E2E, language: Language): Promise<void> {
  await changeSettings(t, (settings) => ({ ...settings, ui: { ...settings.ui, language } }));
}

/** Waits until the panel speaks `language` and is back in `state` after the settings change. */
async function waitForLanguage(page: Page, record: string, state: string, language: Language): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lang = await (await panelFrame(page)).evaluate(() => document.documentElement.lang).catch(() => null);
    const shown = await readPanel(page).catch(() => null);
    if (lang === language && shown?.state === state && shown.record === record) return;
    assert.ok(Date.now() < deadline, `the panel did not switch to ${language} in state ${state} (lang=${lang}, state=${shown?.state})`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function setScheme(page: Page, scheme: Scheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  const dark = await (await panelFrame(page)).evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
  assert.equal(dark, scheme === 'dark', `the panel did not follow the ${scheme} system theme`);
}

/**
 * Screenshots of the panel in its current state in light and dark, English and Russian
 * (panel-<name>-<language>-<scheme>.png); leaves it in English and light.
 */
async function shootEveryWay(t: E2E, page: Page, name: string, record: string, state: string): Promise<void> {
  for (const language of ['ru', 'en'] as const) {
    await setLanguage(t, language);
    await waitForLanguage(page, record, state, language);
    for (const scheme of ['dark', 'light'] as const) {
      await setScheme(page, scheme);
      await screenshotPanel(page, `panel-${name}-${language}-${scheme}`);
    }
  }
}

async function scanLightAndDark(page: Page, what: string): Promise<void> {
  for (const scheme of SCHEMES) {
    await setScheme(page, scheme);
    await expectAccessible(await panelFrame(page), `${what} (${scheme})`);
  }
  await setScheme(page, 'light');
}

async function openRecord(t: E2E, url: string, state: string): Promise<{ page: Page; record: string }> {
  const page = await t.newPage();
  await page.goto(url);
  const record = expectedRecord(url);
  await waitForPanel(page, record, { state, timeout: 20_000 });
  return { page, record };
}

function refOf(url: string): RecordRef {
  const ref = parseRecordUrl(url);
  assert.ok(ref, `not a record URL: ${url}`);
  return ref;
}

/** A comment with markup shows as its literal text; no element is made from it and no script runs. */
async function expectCommentAsText(page: Page, dialogs: string[]): Promise<void> {
  const frame = await panelFrame(page);
  const comment = frame.locator('.comment-text', { hasText: '<img src=x onerror=alert(1)>' }).first();
  await comment.waitFor({ state: 'visible' });
  assert.equal(await comment.textContent(), HARD_COMMENTS.html, 'the comment is not shown as the exact text');
  assert.equal(await frame.locator('img').count(), 0, 'the panel holds an <img> element');
  assert.equal(await frame.locator('.comment-text *').count(), 0, 'a comment produced elements');
  assert.equal(await frame.locator('script:not([src])').count(), 0, 'the panel holds an inline <script>');
  assert.deepEqual(dialogs, [], 'a dialog opened');
}

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
}

export async function loadingShowsASkeletonUntilTheDataArrives(t: E2E): Promise<void> {
  // A record no other test opens, so nothing is cached; HubSpot's first answer is held back so the
  // skeleton stays up long enough to be seen.
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'deal', t.hubspot.dealId);
  const record = expectedRecord(url);
  const page = await t.newPage();
  // Held by path: another page's background read must not take the one slow answer.
  t.sandbox.setFaults([{ match: `^GET /crm/v3/objects/deals/${t.hubspot.dealId}`, latencyMs: 12_000, times: 1 }]);
  try {
    await setLanguage(t, 'ru');
    await page.goto(url);
    await waitForPanel(page, record, { state: 'loading' });
    await (await panelFrame(page)).locator('.skeleton').waitFor({ state: 'visible' });
    for (const language of ['ru', 'en'] as const) {
      if (language === 'en') await setLanguage(t, 'en');
      await waitForLanguage(page, record, 'loading', language);
      for (const scheme of SCHEMES) {
        await setScheme(page, scheme);
        await screenshotPanel(page, `panel-loading-${language}-${scheme}`);
      }
    }
    await scanLightAndDark(page, 'loading');
  } finally {
    t.sandbox.clearFaults();
  }
  await waitForPanel(page, record, { state: 'ready', timeout: 30_000 });
  assert.equal(await (await panelFrame(page)).locator('.skeleton').count(), 0, 'the skeleton stayed after the data arrived');
}

export async function hubspotContactShowsEveryScore(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  const { page, record } = await openRecord(t, url, 'ready');
  const frame = await panelFrame(page);
  // Dana's latest NPS in the seed is 3 (12 days ago): a detractor.
  assert.equal(await frame.locator('[data-ll-figure="contact-latest-score"]').first().getAttribute('data-ll-value'), '3');
  assert.equal(await frame.locator('[data-ll-figure="contact-segment"]').first().getAttribute('data-ll-value'), 'detractor');
  await frame.getByRole('heading', { name: 'Dana Whitfield' }).waitFor();
  await scanLightAndDark(page, 'HubSpot contact');
  await shootEveryWay(t, page, 'hubspot-contact', record, 'ready');
  publishScreenshot('panel-hubspot-contact-en-light', 'panel-contact');
}

/**
 * The history chart a person can read in both languages and themes: the chart scrolled into view, a point focused
 * from the keyboard names its score and date, and axe finds nothing (panel-history-chart-<language>-<scheme>.png).
 */
export async function historyChartNamesItsPointsInBothLanguages(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  const { page, record } = await openRecord(t, url, 'ready');
  for (const language of ['ru', 'en'] as const) {
    await setLanguage(t, language);
    await waitForLanguage(page, record, 'ready', language);
    const frame = await panelFrame(page);
    const points = frame.locator('.chart .lane-point');
    // The drawing loads after the figures: wait for it as a person would see it come.
    await points.first().waitFor();
    assert.ok((await points.count()) > 1, 'the chart draws the answers');
    await frame.locator('.chart').scrollIntoViewIfNeeded();
    await points.last().focus();
    const label = frame.locator('.chart .point-label');
    await label.waitFor();
    assert.match((await label.textContent()) ?? '', /^\d+ · .+\d{4}/, 'the focused point names its score and date');
    assert.equal(await frame.locator('.chart .lane-label').first().textContent(), 'NPS');
    for (const scheme of ['dark', 'light'] as const) {
      await setScheme(page, scheme);
      await expectAccessible(frame, `history chart (${language}, ${scheme})`);
      await screenshotPanel(page, `panel-history-chart-${language}-${scheme}`);
    }
  }
}

export async function hubspotAccountShowsTheBuyingGroup(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'company', t.hubspot.companyId);
  const { page, record } = await openRecord(t, url, 'ready');
  const frame = await panelFrame(page);
  await frame.getByRole('heading', { level: 2, name: t.hubspot.companyName, exact: true }).waitFor();
  for (const figure of ['account-nps', 'account-n', 'revenue-at-risk', 'open-followups']) {
    assert.equal(await frame.locator(`[data-ll-figure="${figure}"]`).count() > 0, true, `no ${figure} figure`);
  }
  await scanLightAndDark(page, 'HubSpot account');
  await shootEveryWay(t, page, 'hubspot-account', record, 'ready');
  publishScreenshot('panel-hubspot-account-en-dark', 'panel-account-dark');
  publishScreenshot('panel-hubspot-account-ru-light', 'panel-account-ru');
}

export async function hubspotContactWithoutResponsesSaysSo(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.contactWithoutCompanyId);
  const { page, record } = await openRecord(t, url, 'empty');
  await (await panelFrame(page)).getByText('No survey responses yet').waitFor();
  await scanLightAndDark(page, 'empty');
  await shootEveryWay(t, page, 'empty', record, 'empty');
}

export async function crmUnreachableShowsCachedDataWithItsAge(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  const { page, record } = await openRecord(t, url, 'ready');
  t.sandbox.setFaults([{ match: '^(GET|POST) /', status: 503, body: { status: 'error', message: 'Service unavailable' } }]);
  try {
    // What the panel's "Try again" asks for: a fresh read, which HubSpot now fails.
    const extensionPage = await openExtensionPage(t.context, t.extensionId);
    const reply = await sendFromExtensionPage(extensionPage, { type: 'record.refresh', ref: refOf(url) });
    await extensionPage.close();
    assert.equal(reply.ok, false, 'the refresh succeeded although HubSpot answers 503');
    await waitForPanel(page, record, { state: 'offline' });
    const frame = await panelFrame(page);
    await frame.getByText('HubSpot cannot be reached right now.').waitFor();
    await frame.getByText(/Showing saved data from/).waitFor();
    // The cached figures stay under the message.
    assert.equal(await frame.locator('[data-ll-figure="contact-latest-score"]').first().getAttribute('data-ll-value'), '3');
    await scanLightAndDark(page, 'offline');
    await shootEveryWay(t, page, 'offline', record, 'offline');
  } finally {
    t.sandbox.clearFaults();
  }
}

export async function deletedRecordExplainsAndOffersRetry(t: E2E): Promise<void> {
  // No contact has this id in the sandbox portal: HubSpot answers 404.
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', '999999');
  const { page, record } = await openRecord(t, url, 'error');
  const frame = await panelFrame(page);
  await frame.getByText('This record no longer exists in HubSpot: it was deleted or merged.').waitFor();
  await frame.getByRole('button', { name: 'Try again' }).waitFor();
  assert.equal(await frame.getByText(/at .*\.(ts|js):\d+/).count(), 0, 'a stack trace is shown');
  await scanLightAndDark(page, 'error');
  await shootEveryWay(t, page, 'error', record, 'error');
}

export async function panelOutsideARecordAsksForOne(t: E2E): Promise<void> {
  // The panel page opened on its own (not beside a record): the background has no record for it.
  const page = await t.newPage();
  await page.goto(`chrome-extension://${t.extensionId}/panel.html`);
  await page.locator('[data-ll-state="no-record"]').waitFor();
  await page.getByText('Open a contact, company, deal or ticket to see its loyalty context.').waitFor();
  for (const language of ['ru', 'en'] as const) {
    await setLanguage(t, language);
    await page.waitForFunction((lang) => document.documentElement.lang === lang && !!document.querySelector('[data-ll-state="no-record"]'), language);
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 380, height: 640 });
      await t.screenshot(page, `panel-no-record-${language}-${scheme}`);
    }
  }
}

export async function untrustedCommentsRenderAsText(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.hardCommentsContactId);
  const page = await t.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 20_000 });
  await expectCommentAsText(page, dialogs);
  const frame = await panelFrame(page);
  // Right-to-left and emoji comments keep their text and pick their own direction.
  await frame.locator('.comment-text', { hasText: HARD_COMMENTS.arabic.slice(0, 20) }).first().waitFor();
  assert.equal(await frame.locator('.comment-text').first().getAttribute('dir'), 'auto');
  await screenshotPanel(page, 'panel-hard-comments-en-light');
}

export async function keyboardReachesCallModeAndShortcutToggles(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  const { page, record } = await openRecord(t, url, 'ready');
  const frame = await panelFrame(page);
  const toggle = frame.getByRole('button', { name: 'Call mode' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  // Into the panel from its header, then one Tab lands on the first control: the call-mode toggle.
  await frame.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Tab');
  assert.equal(await toggle.evaluate((element) => element === document.activeElement), true, 'Tab did not reach the call-mode toggle');

  await page.keyboard.press('Alt+Shift+K');
  await frame.locator('.panel.call-mode').waitFor();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await frame.locator('.call-card').waitFor({ state: 'visible' });
  assert.equal(await frame.locator('[data-ll-figure="contact-latest-score"]').first().getAttribute('data-ll-value'), '3');
  await scanLightAndDark(page, 'call mode');
  await shootEveryWay(t, page, 'call-mode', record, 'ready');

  // Remembered across page loads, then switched off again with the same keys.
  await page.reload();
  await waitForPanel(page, record, { state: 'ready' });
  const reloaded = await panelFrame(page);
  await reloaded.locator('.panel.call-mode').waitFor();
  await reloaded.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Alt+Shift+K');
  await reloaded.locator('.panel:not(.call-mode)').waitFor();
}

export async function panelWorksAt320PixelsWide(t: E2E): Promise<void> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  const { page } = await openRecord(t, url, 'ready');
  const grip = await panelHostPart(page, '.grip');
  assert.ok(grip, 'no resize grip');
  await grip.focus();
  // Each arrow key narrows the panel by 20 px down to its minimum: 320 px for the panel page itself.
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  const inner = await (await panelIframe(page)).boundingBox();
  assert.equal(inner?.width, 320, `the panel page is ${inner?.width} px wide`);
  const frame = await panelFrame(page);
  const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, 'the panel scrolls sideways at 320 px');
  await frame.getByRole('button', { name: 'Call mode' }).waitFor({ state: 'visible' });
  await frame.locator('[data-ll-figure="contact-latest-score"]').first().waitFor({ state: 'visible' });
  await screenshotPanel(page, 'panel-320px-en-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshotPanel(page, 'panel-320px-en-dark');
  // Back to the default width for whatever runs next in this profile.
  await grip.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
}

export async function salesforceBeforeAndAfterSignIn(t: E2E): Promise<void> {
  const contactUrl = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId);
  const notConnected = await openRecord(t, contactUrl, 'not-configured');
  const frame = await panelFrame(notConnected.page);
  await frame.getByText('Loyalty Lens is not connected to Salesforce yet.').waitFor();
  await frame.getByRole('link', { name: 'Open settings to connect' }).waitFor();
  await scanLightAndDark(notConnected.page, 'not configured');
  await shootEveryWay(t, notConnected.page, 'not-configured', notConnected.record, 'not-configured');
  await notConnected.page.close();

  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  const contact = await openRecord(t, contactUrl, 'ready');
  const contactFrame = await panelFrame(contact.page);
  // The seed's sample contact: latest NPS 3, nine days before the seed's end.
  assert.equal(await contactFrame.locator('[data-ll-figure="contact-latest-score"]').first().getAttribute('data-ll-value'), '3');
  await scanLightAndDark(contact.page, 'Salesforce contact');
  await shootEveryWay(t, contact.page, 'salesforce-contact', contact.record, 'ready');

  // The contact without an account answered in Hebrew and with emoji: both read as written.
  const loneUrl = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.contactWithoutAccountId);
  const lone = await openRecord(t, loneUrl, 'ready');
  const loneFrame = await panelFrame(lone.page);
  for (const comment of [HARD_COMMENTS.hebrew, HARD_COMMENTS.emoji]) {
    const shown = loneFrame.locator('.comment-text', { hasText: comment.slice(0, 12) }).first();
    await shown.waitFor({ state: 'visible' });
    assert.equal(await shown.getAttribute('dir'), 'auto');
  }

  const accountUrl = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Account', t.salesforce.sampleAccountId);
  const account = await openRecord(t, accountUrl, 'ready');
  const accountFrame = await panelFrame(account.page);
  await accountFrame.getByRole('heading', { level: 2, name: 'Acme Robotics', exact: true }).waitFor();
  assert.equal(await accountFrame.locator('[data-ll-figure="account-nps"]').count() > 0, true, 'no account NPS');
  await scanLightAndDark(account.page, 'Salesforce account');
  await shootEveryWay(t, account.page, 'salesforce-account', account.record, 'ready');
}
