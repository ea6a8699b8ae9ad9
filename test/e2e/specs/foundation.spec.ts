import assert from 'node:assert/strict';
import {
  connectHubSpot,
  expectedRecord,
  hasPanel,
  hubspotRecordUrl,
  panelHostPart,
  panelIframe,
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

function intersects(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export async function collapsedPanelDoesNotCoverCrmActions(t: E2E): Promise<void> {
  const page = await t.newPage();
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url));
  const collapse = await panelHostPart(page, '.close');
  assert.ok(collapse, 'no collapse button');
  await collapse.click();
  const tab = await panelHostPart(page, '.tab');
  assert.ok(tab, 'no tab after collapsing');
  await tab.waitForElementState('visible');
  assert.equal(await (await panelIframe(page)).isVisible(), false, 'the panel is still open');

  const toolbar = page.getByRole('toolbar', { name: 'CRM actions' });
  const toolbarBox = await toolbar.boundingBox();
  const tabBox = await tab.boundingBox();
  assert.ok(toolbarBox && tabBox, 'toolbar or tab not laid out');
  assert.equal(intersects(toolbarBox, tabBox), false, `the tab ${JSON.stringify(tabBox)} covers CRM actions ${JSON.stringify(toolbarBox)}`);
  await t.screenshot(page, 'collapsed-tab');

  // Remembered across page loads, then restored for the next tests.
  await page.reload();
  const tabAfterReload = await panelHostPart(page, '.tab');
  assert.ok(tabAfterReload, 'no tab after reload');
  await tabAfterReload.waitForElementState('visible');
  await tabAfterReload.click();
  await (await panelIframe(page)).waitForElementState('visible');
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
}
