import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { connectHubSpot, expectedRecord, hasPanel, hubspotRecordUrl, panelFrame, spaNavigate, waitForPanel } from '../harness';
import { expectAccessible } from '../axe';
import { PLACEMENT_WAIT_MS } from '../../../core/placement';
import type { E2E } from '../types';

// Chrome's side panel: a rep moves the panel there with one click, it follows full page loads, SPA
// navigation and tab switches without an in-page panel beside it, and the in-page panel comes back
// when the side panel is closed. Screenshot: test/e2e/screenshots/side-panel.png.

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
}

function recordUrl(t: E2E, type: 'contact' | 'company', id: string): string {
  return hubspotRecordUrl(t.hubspot.portals.main, type, id);
}

async function shows(panel: Frame, url: string): Promise<void> {
  await panel.waitForSelector(`[data-ll-record="${expectedRecord(url)}"][data-ll-state="ready"]`, { timeout: 15_000 });
}

async function figure(panel: Frame, name: string): Promise<string | null> {
  return panel.locator(`[data-ll-figure="${name}"]`).first().getAttribute('data-ll-value');
}

/**
 * Records, in the page from its first moment, every time the in-page panel (its frame or its slim tab
 * at the right edge) is what the user would see there; a flash between two checks at the end would
 * otherwise pass unseen.
 */
async function watchForInPagePanel(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: number[] = [];
    (window as unknown as { __llInPageSeen: number[] }).__llInPageSeen = seen;
    setInterval(() => {
      const atRightEdge = document.elementFromPoint(window.innerWidth - 10, window.innerHeight / 2);
      if (atRightEdge?.tagName === 'LOYALTY-LENS-PANEL') seen.push(performance.now());
    }, 5);
  });
}

/** The in-page panel of a page loaded before the side panel opened steps aside. */
async function expectInPagePanelGone(page: Page): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (hasPanel(page) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 25));
  assert.equal(hasPanel(page), false, `the in-page panel stayed beside the side panel on ${page.url()}`);
}

/** On a page loaded while the side panel is open: no in-page panel was ever visible, and none is left. */
async function expectNoInPagePanel(page: Page): Promise<void> {
  await new Promise((done) => setTimeout(done, PLACEMENT_WAIT_MS + 300));
  const seen = await page.evaluate(() => (window as unknown as { __llInPageSeen?: number[] }).__llInPageSeen ?? null);
  assert.ok(seen !== null, 'the in-page panel watch was not installed');
  assert.deepEqual(seen, [], `an in-page panel showed beside the side panel on ${page.url()} (at ${seen.map(Math.round).join(', ')} ms)`);
  assert.equal(hasPanel(page), false, `an in-page panel frame is left on ${page.url()}`);
}

/** Closes the side panel as its own close button does (the extension API, from the worker). */
async function closeSidePanels(t: E2E): Promise<void> {
  await t.serviceWorker.evaluate(async () => {
    // The worker's `chrome` global; the test's own types do not know it.
    const { chrome: api } = globalThis as unknown as {
      chrome: { windows: { getAll(): Promise<Array<{ id?: number }>> }; sidePanel: { close(options: { windowId: number }): Promise<void> } };
    };
    for (const window of await api.windows.getAll()) if (window.id !== undefined) await api.sidePanel.close({ windowId: window.id });
  });
}

export async function movesToTheSidePanelAndBack(t: E2E): Promise<void> {
  const page = await t.newPage();
  const contact = recordUrl(t, 'contact', t.hubspot.sampleContactId);
  const company = recordUrl(t, 'company', t.hubspot.companyId);
  await page.goto(contact);
  await waitForPanel(page, expectedRecord(contact), { state: 'ready' });
  const inPage = await panelFrame(page);
  const latestInPage = await figure(inPage, 'contact-latest-score');
  await inPage.getByRole('button', { name: 'Side panel' }).click();
  await watchForInPagePanel(page);

  const side = (await t.sidePanel()).mainFrame();
  await shows(side, contact);
  assert.equal(await figure(side, 'contact-latest-score'), latestInPage, 'the side panel shows the same latest score');
  await expectInPagePanelGone(page);
  await expectAccessible(side, 'side panel, contact');
  await t.screenshot(await t.sidePanel(), 'side-panel');

  // Full page loads: the side panel stays and shows each new record; no in-page panel ever shows.
  for (const url of [company, contact, company, contact, company]) {
    await page.goto(url, { waitUntil: 'commit' });
    await shows(side, url);
    await expectNoInPagePanel(page);
  }
  await figure(side, 'account-nps').then((value) => assert.ok(value !== null, 'the account NPS shows'));

  // The CRM's own (SPA) navigation.
  await spaNavigate(page, contact);
  await shows(side, contact);
  assert.equal(hasPanel(page), false);

  // Closed: the in-page panel is back on the record at once, without a reload — and the watch that saw
  // nothing while the side panel was open sees it now.
  await closeSidePanels(t);
  await waitForPanel(page, expectedRecord(contact), { state: 'ready' });
  await page.waitForFunction(() => ((window as unknown as { __llInPageSeen?: number[] }).__llInPageSeen ?? []).length > 0, undefined, { timeout: 5_000 });
  await page.close();
}

export async function sidePanelFollowsTheTabInFront(t: E2E): Promise<void> {
  const first = await t.newPage();
  const contact = recordUrl(t, 'contact', t.hubspot.sampleContactId);
  const other = recordUrl(t, 'contact', t.hubspot.hardCommentsContactId);
  await first.goto(contact);
  await (await panelFrame(first)).getByRole('button', { name: 'Side panel' }).click();
  const side = (await t.sidePanel()).mainFrame();
  await shows(side, contact);

  // A second tab in the same window: its record shows in the side panel, not in the page.
  const second = await t.newPage();
  await watchForInPagePanel(second);
  await second.goto(other, { waitUntil: 'commit' });
  await shows(side, other);
  await expectNoInPagePanel(second);

  // Back to the first tab.
  await first.bringToFront();
  await shows(side, contact);
  assert.equal(hasPanel(first), false);

  await closeSidePanels(t);
  await waitForPanel(second, expectedRecord(other), { state: 'ready' });
  await first.close();
  await second.close();
}
