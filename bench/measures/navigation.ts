import type { Page } from 'playwright-core';
import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import { connectHubSpot, expectedRecord, hubspotRecordUrl, spaNavigate, waitForPanel } from '../../test/e2e/harness';
import { clearPanelMarks, documentArrivedAt, recordPanelTimings, waitForMark } from '../../test/e2e/timing';
import { median, percentile, type BenchModule, type Measurement } from '../types';

// How fast the panel shows a record the extension has already cached, with the CRM answering
// 100 ms late (so a panel that waited on the network would show it).
//
// warmOpenMs: a record page is opened (navigation start of the CRM page) → the panel frame painted
//   data-ll-state=ready for that record. The sandbox adds its latency to API calls only, so a panel
//   that waited on the network would show it here.
// spaNavigationMs: a link in the CRM page changes the URL without a reload → the panel painted the
//   new record, ready.

const LATENCY_MS = 100;
const ROUNDS = 24;
const CONTACTS = [
  HUBSPOT_FIXTURES.sampleContactId,
  HUBSPOT_FIXTURES.hardCommentsContactId,
  HUBSPOT_FIXTURES.badScoresContactId,
  HUBSPOT_FIXTURES.bigCompanyContactId,
];

function urls(): string[] {
  return CONTACTS.map((id) => hubspotRecordUrl(HUBSPOT_FIXTURES.portals.main, 'contact', id));
}

/** Visits every record once so that each is cached. */
async function warmUp(page: Page): Promise<void> {
  for (const url of urls()) {
    await page.goto(url);
    await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 30_000 });
  }
}

function summary(samples: number[]): string {
  return `n=${samples.length} p90=${percentile(samples, 90).toFixed(1)} max=${Math.max(...samples).toFixed(1)} ms`;
}

const navigation: BenchModule = {
  name: 'navigation',
  async run({ sandbox: startSandbox, launch }): Promise<Measurement[]> {
    const sandbox = await startSandbox(LATENCY_MS);
    const { context, extensionId } = await launch(sandbox);
    await recordPanelTimings(context);
    await connectHubSpot(context, extensionId, HUBSPOT_FIXTURES.tokens.main);
    const page = await context.newPage();
    await warmUp(page);

    const warm: number[] = [];
    const all = urls();
    for (let round = 0; round < ROUNDS; round += 1) {
      const url = all[round % all.length]!;
      await page.goto(url);
      const paintedAt = await waitForMark(page, expectedRecord(url), 'ready');
      const { navigationStart } = await documentArrivedAt(page);
      warm.push(paintedAt - navigationStart);
    }

    const spa: number[] = [];
    await page.goto(all[0]!);
    await waitForPanel(page, expectedRecord(all[0]!), { state: 'ready' });
    for (let round = 0; round < ROUNDS; round += 1) {
      const url = all[(round + 1) % all.length]!;
      await clearPanelMarks(page);
      const clickedAt = await spaNavigate(page, url);
      const paintedAt = await waitForMark(page, expectedRecord(url), 'ready');
      spa.push(paintedAt - clickedAt);
    }

    return [
      { name: 'warmOpenMs', value: median(warm), unit: 'ms', budget: 100, detail: summary(warm) },
      { name: 'spaNavigationMs', value: median(spa), unit: 'ms', budget: 150, detail: summary(spa) },
    ];
  },
};

export default navigation;
