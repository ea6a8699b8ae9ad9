import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import { connectHubSpot, expectedRecord, hubspotRecordUrl, waitForPanel } from '../../test/e2e/harness';
import { navigationStartedAt, panelShownAt } from '../../test/e2e/timing';
import { median, percentile, type BenchContext, type BenchModule, type Measurement } from '../types';
import { emptyPanelBuild } from './navigation';

// accountRollupWarmMs: the 2,500-contact company (Northwind Global) rendered from the cache. Its
// context is fetched once (the data then sits in the background's IndexedDB); each round opens the
// company's record URL again and times the CRM page's navigation start → the panel frame's DOM
// showing that record ready, with the account figure present. The stamp comes from a MutationObserver
// inside the panel frame (test/e2e/timing.ts); a round whose watch was installed after the panel was
// already ready counts the install time (an upper bound, reported as "late"). The sandbox answers API
// calls 100 ms late, so a panel that waited on the network would show it. Rounds alternate with the
// sample contact so each open is a real change of record.
// accountRollupEmptyPanelMs (reference, no budget): the same rounds in the same run with the empty panel of
// navigation.ts (a panel script that only opens the port and marks the record it is told as shown: no React, no data),
// so the company page's own load and the frame's boot — what no panel code can go below — are measured beside it.

const LATENCY_MS = 100;
const ROUNDS = 12;

interface Opens {
  samples: number[];
  late: number;
}

/** Opens the big company from the cache ROUNDS times, each after the sample contact; the real panel must show the account figures. */
async function warmOpens(bench: BenchContext, extensionDir: string, withFigures: boolean): Promise<Opens> {
  const sandbox = await bench.sandbox(LATENCY_MS);
  const launched = await bench.launch(sandbox, { extensionDir });
  const { context, extensionId } = launched;
  await connectHubSpot(context, extensionId, HUBSPOT_FIXTURES.tokens.main);
  const portal = HUBSPOT_FIXTURES.portals.main;
  const big = hubspotRecordUrl(portal, 'company', HUBSPOT_FIXTURES.bigCompanyId);
  const other = hubspotRecordUrl(portal, 'contact', HUBSPOT_FIXTURES.sampleContactId);
  const page: Page = await context.newPage();
  for (const url of [big, other]) {
    await page.goto(url);
    await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 60_000 });
  }
  const opens: Opens = { samples: [], late: 0 };
  for (let round = 0; round < ROUNDS; round += 1) {
    await page.goto(big, { waitUntil: 'commit' });
    const shown = await panelShownAt(page, expectedRecord(big), 'ready');
    if (withFigures) {
      const frame = page.frames().find((f) => f.url().includes('/panel.html'));
      const figures = await frame?.evaluate(() => [...document.querySelectorAll('[data-ll-figure]')].map((e) => e.getAttribute('data-ll-figure')));
      // Says what the panel did show, so that a failure can be told from a panel frame that was replaced meanwhile.
      if (!figures?.includes('account-n')) throw new Error(`The panel was ready without the account figures (round ${round + 1}; ${frame ? `figures shown: ${figures?.join(', ') || 'none'}` : 'no panel frame'})`);
    }
    opens.samples.push(shown.at - (await navigationStartedAt(page)));
    if (shown.late) opens.late += 1;
    await page.goto(other);
    await waitForPanel(page, expectedRecord(other), { state: 'ready' });
  }
  await launched.close();
  return opens;
}

function summary({ samples, late }: Opens): string {
  return `n=${samples.length} p90=${percentile(samples, 90).toFixed(1)} max=${Math.max(...samples).toFixed(1)} ms${late ? ` (${late} late: upper bounds)` : ''}`;
}

const rollup: BenchModule = {
  name: 'rollup',
  async run(bench): Promise<Measurement[]> {
    // One browser at a time: two would share this machine's cores.
    const emptyBuild = emptyPanelBuild(bench.chromeBuildDir);
    let floor: Opens;
    try {
      floor = await warmOpens(bench, emptyBuild, false);
    } finally {
      rmSync(emptyBuild, { recursive: true, force: true });
    }
    const opens = await warmOpens(bench, bench.chromeBuildDir, true);
    return [
      { name: 'accountRollupWarmMs', value: median(opens.samples), unit: 'ms', budget: 100, detail: `${summary(opens)}; the empty panel's floor here: ${median(floor.samples).toFixed(0)} ms` },
      { name: 'accountRollupEmptyPanelMs', value: median(floor.samples), unit: 'ms', budget: null, detail: summary(floor) },
    ];
  },
};

export default rollup;
