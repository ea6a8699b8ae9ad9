import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  connectHubSpot,
  connectSalesforce,
  expectedRecord,
  hasPanel,
  hubspotRecordUrl,
  panelFrame,
  publishScreenshot,
  panelIframe,
  rememberPanelOpen,
  salesforceRecordUrl,
  spaNavigate,
  waitForPanel,
} from '../harness';
import type { E2E } from '../types';

// The foundation: the panel is beside CRM records (and only there), follows the CRM's own
// navigation, gets out of the way, and the admin's options page opens.

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
}

export async function panelAppearsOnHubSpotContact(t: E2E): Promise<void> {
  const page = await t.newPage();
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  await page.goto(url);
  const shown = await waitForPanel(page, expectedRecord(url), { state: 'ready' });
  assert.equal(shown.record, `hubspot|${t.hubspot.portals.main}|contact|${t.hubspot.sampleContactId}`);
  await t.screenshot(page, 'hubspot-contact');
}

export async function panelAppearsOnSalesforceContact(t: E2E): Promise<void> {
  const page = await t.newPage();
  const url = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId);
  await page.goto(url);
  const shown = await waitForPanel(page, expectedRecord(url));
  assert.equal(shown.record, `salesforce|${t.salesforce.hosts.api}|contact|${t.salesforce.sampleContactId}`);
  await t.screenshot(page, 'salesforce-contact');
}

export async function panelFollowsSpaNavigation(t: E2E): Promise<void> {
  const page = await t.newPage();
  const first = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  const second = hubspotRecordUrl(t.hubspot.portals.main, 'company', t.hubspot.companyId);
  await page.goto(first);
  await waitForPanel(page, expectedRecord(first));
  // Survives only if the page is not reloaded.
  await page.evaluate(() => {
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });
  await spaNavigate(page, second);
  const shown = await waitForPanel(page, expectedRecord(second));
  assert.equal(shown.record, `hubspot|${t.hubspot.portals.main}|company|${t.hubspot.companyId}`);
  assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'the page reloaded');
}

export async function panelIsAbsentOnNonRecordPage(t: E2E): Promise<void> {
  const page = await t.newPage();
  const home = `https://${t.salesforce.hosts.lightning}/lightning/page/home`;
  await page.goto(home);
  await page.getByRole('heading', { name: 'Home' }).waitFor();
  assert.equal(hasPanel(page), false, 'a panel on the home page');
  // Proof the content script runs on this page: following a link to a record shows the panel,
  // and going back to the home page removes it.
  const record = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId);
  await spaNavigate(page, record);
  await waitForPanel(page, expectedRecord(record));
  await page.goBack();
  await page.waitForURL(home);
  await page.waitForFunction(() => !document.querySelector('loyalty-lens-panel'));
  assert.equal(hasPanel(page), false, 'the panel stayed on the home page');
}

/**
 * Whether each of the page's own controls (its action buttons, and on HubSpot its sidebar links) is the topmost
 * element at its centre — what a click there would reach. Returns the labels of those covered.
 */
async function coveredControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll<HTMLElement>('[aria-label="CRM actions"] button, [data-testid="associations"] a')];
    return controls
      .filter((control) => {
        // The first line box: a link that wraps has empty space in the middle of its bounding box.
        const box = control.getClientRects()[0] ?? control.getBoundingClientRect();
        if (box.width === 0 || box.bottom < 0 || box.top > innerHeight) return false;
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return !(top && (top === control || control.contains(top)));
      })
      .map((control) => control.textContent ?? '');
  });
}

/**
 * The CRM page stays usable in the default state: the panel starts as a slim tab, every control of the page is
 * the topmost element, and the tab (segment and open follow-ups) opens the panel over the page on a click; the
 * choice is remembered across page loads.
 */
async function defaultStateLeavesThePageUsable(t: E2E, url: string, name: string): Promise<void> {
  await rememberPanelOpen(t.serviceWorker, null);
  const page = await t.newPage();
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url);
    await waitForPanel(page, expectedRecord(url), { layout: 'slim', state: 'ready' });
    const iframe = await panelIframe(page);
    const slim = await iframe.boundingBox();
    assert.ok(slim && slim.width <= 48, `the default panel is ${JSON.stringify(slim)}, not a slim tab`);
    const controls = await page.evaluate(() => document.querySelectorAll('[aria-label="CRM actions"] button').length);
    assert.ok(controls >= 3, 'the page has its own action buttons');
    assert.deepEqual(await coveredControls(page), [], 'page controls covered by the panel');
    const frame = await panelFrame(page);
    // What the tab tells without a click: the latest score with its segment in words, and the open follow-ups.
    const tab = frame.getByRole('button', { name: /^Open Loyalty Lens/ });
    await tab.locator('.slim-segment', { hasText: 'Detractor' }).waitFor();
    assert.match((await tab.locator('.slim-loops').textContent()) ?? '', /^\d+ open$/);
    await t.screenshot(page, `${name}-default-slim-tab`);
    publishScreenshot(`${name}-default-slim-tab`, `${name}-default-slim-tab`);

    await tab.click();
    for (let i = 0; i < 50 && ((await iframe.boundingBox())?.width ?? 0) < 300; i++) await new Promise((done) => setTimeout(done, 50));
    assert.ok(((await iframe.boundingBox())?.width ?? 0) >= 300, 'the tab did not open the panel');
    await page.reload();
    await waitForPanel(page, expectedRecord(url));
    const reopened = await (await panelIframe(page)).boundingBox();
    assert.ok(reopened && reopened.width >= 300, 'the open panel was not remembered');
  } finally {
    await rememberPanelOpen(t.serviceWorker, true);
    await page.close();
  }
}

export async function defaultStateLeavesHubSpotUsable(t: E2E): Promise<void> {
  await defaultStateLeavesThePageUsable(t, hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId), 'hubspot');
}

export async function defaultStateLeavesSalesforceUsable(t: E2E): Promise<void> {
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  await defaultStateLeavesThePageUsable(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId), 'salesforce');
}

export async function optionsPageOpens(t: E2E): Promise<void> {
  const errors: string[] = [];
  const page = await t.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`chrome-extension://${t.extensionId}/options.html`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  assert.match(await page.title(), /Loyalty Lens/);
  assert.deepEqual(errors, []);
  await t.screenshot(page, 'options');
  publishScreenshot('options', 'options');
}
