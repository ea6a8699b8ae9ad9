import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { connectHubSpot, expectedRecord, hubspotRecordUrl, openExtensionPage, panelFrame, ROOT, waitForPanel } from '../harness';
import type { E2E } from '../types';

// The store listings' screenshots (docs/store/*.png), taken at the 1280×800 the Chrome Web Store and
// addons.mozilla.org ask for, from the production build against the sandbox CRM.

const STORE_DIR = join(ROOT, 'docs/store');
const VIEWPORT = { width: 1280, height: 800 };

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
  mkdirSync(STORE_DIR, { recursive: true });
}

async function storeShot(page: Page, name: string): Promise<void> {
  const path = join(STORE_DIR, `${name}.png`);
  await page.waitForTimeout(300);
  await page.screenshot({ path });
  const png = readFileSync(path);
  assert.deepEqual({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }, VIEWPORT, `${name}.png is not 1280×800`);
}

async function openRecord(t: E2E, objectType: 'contact' | 'company', id: string, scheme: 'light' | 'dark'): Promise<Page> {
  const page = await t.newPage();
  await page.setViewportSize(VIEWPORT);
  await page.emulateMedia({ colorScheme: scheme });
  const url = hubspotRecordUrl(t.hubspot.portals.main, objectType, id);
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 20_000 });
  return page;
}

export async function storeScreenshotContact(t: E2E): Promise<void> {
  const page = await openRecord(t, 'contact', t.hubspot.sampleContactId, 'light');
  const frame = await panelFrame(page);
  await frame.getByText('Latest NPS').first().waitFor();
  await storeShot(page, '1-contact');
}

export async function storeScreenshotAccountDark(t: E2E): Promise<void> {
  const page = await openRecord(t, 'company', t.hubspot.companyId, 'dark');
  const frame = await panelFrame(page);
  await frame.getByText(t.hubspot.companyName).first().waitFor();
  await storeShot(page, '2-account-dark');
}

export async function storeScreenshotCallMode(t: E2E): Promise<void> {
  const page = await openRecord(t, 'contact', t.hubspot.sampleContactId, 'light');
  const frame = await panelFrame(page);
  await frame.getByRole('button', { name: 'Call mode' }).click();
  await frame.locator('[aria-pressed="true"]').first().waitFor();
  await storeShot(page, '3-call-mode');
  // Call mode is remembered; the other pictures show the full panel.
  await frame.getByRole('button', { name: 'Call mode' }).click();
  await frame.getByText('Latest NPS').first().waitFor();
}

export async function storeScreenshotOptions(t: E2E): Promise<void> {
  const page = await openExtensionPage(t.context, t.extensionId);
  await page.setViewportSize(VIEWPORT);
  await page.getByText(`portal ${t.hubspot.portals.main}`, { exact: false }).first().waitFor();
  await storeShot(page, '4-options');
}
