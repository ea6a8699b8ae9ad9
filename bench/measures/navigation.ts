import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import { connectHubSpot, expectedRecord, hubspotRecordUrl, panelFrame, spaNavigate, waitForPanel } from '../../test/e2e/harness';
import { armPanelWatch, armWatch, navigationStartedAt, panelShownAt, type PanelShown } from '../../test/e2e/timing';
import { median, percentile, type BenchModule, type Measurement } from '../types';

// How fast the panel shows a record the extension has already cached, with the CRM answering
// 100 ms late (so a panel that waited on the network would show it).
//
// Method (test/e2e/timing.ts): a MutationObserver inside the panel's frame, installed through
// Playwright's frame.evaluate, stamps the moment the panel root first carries data-ll-record = the
// record and data-ll-state = ready (React's DOM commit; the paint follows in the next frame). Times are
// epoch ms on the browser's clock, so they compare with the CRM page's performance.timeOrigin.
//
// warmOpenMs: page.goto(record URL) → navigation start of the CRM page (its timeOrigin) → the panel
//   showed that record, ready. The watch is installed as soon as the panel frame exists (the page is
//   loaded with waitUntil 'commit' and the frame polled every 2 ms); a sample where the panel was
//   already ready at install counts the install time (an upper bound, reported as "late").
// spaNavigationMs: the watch is armed in the current panel frame, then a link of the CRM page is
//   clicked (its router pushes the new URL, no reload) → the panel showed the new record, ready.
//   Start = the click's time in the page.
// emptyPanelWarmOpenMs (reference, no budget): warmOpenMs for a copy of the build whose panel script
//   does nothing but open the port and mark the record it is told as shown — no React, no data. It is
//   the floor of any in-page panel here: what the browser takes to load the page, run the content
//   script and boot an extension frame inside the page.
// warmOpenGapMs: warmOpenMs − emptyPanelWarmOpenMs, the medians of one run (#17: within 15 ms).
// warmOpenSidePanelMs: the same full page loads as warmOpenMs with the panel moved to Chrome's side
//   panel (the in-page panel's "Side panel" button, clicked). The side panel's page stays; the watch
//   is armed in it before each page.goto and the time runs from the CRM page's navigation start.
// emptyPanelWarmOpenSidePanelMs (reference, no budget): warmOpenSidePanelMs for the empty panel (its own
//   "Side panel" button, clicked, moves it there): the side panel's floor — when the background hears the
//   tab's new URL from the browser (tabs.onUpdated, as the page commits) and tells a panel that only has to
//   mark it. The background is the real one, so the push it marks carries the record's data as the real panel's does.
// Every record is visited once first, so all are cached (and fresher than the 15-s refresh window
// only for some: a re-fetch in the background does not delay the cached paint).
// The empty panel and the real one are measured in alternating passes (PASSES), each in a fresh profile,
// and each figure pools its passes' samples. With one pass each, five runs of the same build gave a
// warm-open gap from 5 to 41 ms: the gap's budget (15 ms) is smaller than that spread.

const LATENCY_MS = 100;
const ROUNDS = 24;
/** SPA clicks per pass (8 × 3 passes: the 24 samples of one pass before). */
const SPA_ROUNDS_PER_PASS = 8;
/** Records the sandbox pages link to each other (its sample links), so the SPA rounds can click between them. */
const RECORDS: Array<['contact' | 'company', string]> = [
  ['contact', HUBSPOT_FIXTURES.sampleContactId],
  ['contact', HUBSPOT_FIXTURES.hardCommentsContactId],
  ['contact', HUBSPOT_FIXTURES.badScoresContactId],
  ['company', HUBSPOT_FIXTURES.companyId],
];

function urls(): string[] {
  return RECORDS.map(([type, id]) => hubspotRecordUrl(HUBSPOT_FIXTURES.portals.main, type, id));
}

/** Visits every record once so that each is cached. */
async function warmUp(page: Page): Promise<void> {
  for (const url of urls()) {
    await page.goto(url);
    await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 30_000 });
  }
}

/** Stands in for the panel's entry script in the empty-panel copy (plain JS: it is written into the build). */
const EMPTY_PANEL_SCRIPT = `
const shown = document.createElement('div');
shown.setAttribute('data-ll-state', 'loading');
document.getElementById('root').append(shown);
const port = chrome.runtime.connect({ name: 'loyalty-lens-panel' });
port.onMessage.addListener((push) => {
  if (push.type !== 'record' || !push.ref) return;
  shown.setAttribute('data-ll-record', [push.ref.crm, push.ref.instance, push.ref.objectType, push.ref.id].join('|'));
  shown.setAttribute('data-ll-state', 'ready');
});
// As the real panel does in a side panel: it names its window, so the background need not look it up per push.
if (window.top === window) chrome.windows.getCurrent().then((current) => port.postMessage({ type: 'window', windowId: current.id }));
if (window.top !== window) {
  const move = document.createElement('button');
  move.textContent = 'Side panel';
  move.addEventListener('click', async () => {
    const tab = await chrome.tabs.getCurrent();
    await chrome.sidePanel.open({ windowId: tab.windowId });
  });
  document.body.append(move);
}
`;

/**
 * A copy of the production build with the panel's entry script replaced by EMPTY_PANEL_SCRIPT, and without the
 * panel's start script (public/panel-start.js: the real panel's early port, which the empty one does not take).
 */
export function emptyPanelBuild(chromeBuildDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-lens-empty-panel-'));
  cpSync(chromeBuildDir, dir, { recursive: true });
  const html = readFileSync(join(dir, 'panel.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error('panel.html names no entry script');
  writeFileSync(join(dir, entry), EMPTY_PANEL_SCRIPT);
  writeFileSync(join(dir, 'panel.html'), html.replace(/<script src="[^"]*panel-start\.js"><\/script>/, ''));
  return dir;
}

interface Samples {
  samples: number[];
  shown: PanelShown[];
}

/** Full page loads of the cached records, each timed from navigation start to the panel showing it ready. */
async function warmOpens(page: Page, all: string[]): Promise<Samples> {
  const out: Samples = { samples: [], shown: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const url = all[round % all.length]!;
    await page.goto(url, { waitUntil: 'commit' });
    const seen = await panelShownAt(page, expectedRecord(url), 'ready');
    out.samples.push(seen.at - (await navigationStartedAt(page)));
    out.shown.push(seen);
  }
  return out;
}

/**
 * Moves the page's panel to Chrome's side panel (its "Side panel" button, clicked), then times full page loads of the
 * cached records from the CRM page's navigation start to the side panel showing each one ready.
 */
async function sidePanelOpens(page: Page, openSidePanel: () => Promise<Page>, all: string[]): Promise<Samples> {
  await (await panelFrame(page)).getByRole('button', { name: 'Side panel' }).click();
  const side = await openSidePanel();
  await side.waitForSelector(`[data-ll-record="${expectedRecord(page.url())}"][data-ll-state="ready"]`, { state: 'attached' });
  const out: Samples = { samples: [], shown: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const url = all[(round + 1) % all.length]!;
    const shownLater = await armWatch(side.mainFrame(), expectedRecord(url), 'ready');
    await page.goto(url, { waitUntil: 'commit' });
    const shown = await shownLater();
    out.samples.push(shown.at - (await navigationStartedAt(page)));
    out.shown.push(shown);
  }
  return out;
}

function summary(samples: number[], shown: PanelShown[]): string {
  const late = shown.filter((s) => s.late).length;
  return `n=${samples.length} p90=${percentile(samples, 90).toFixed(1)} max=${Math.max(...samples).toFixed(1)} ms${late ? ` (${late} late: upper bounds)` : ''}`;
}

/**
 * Passes of each build, alternated (empty, real, empty, real…), each in a fresh profile: what one browser's start or
 * the machine's state does to a pass falls on the figure and on its floor alike, and each figure pools its passes.
 */
const PASSES = 3;

function pooled(parts: Samples[]): Samples {
  return { samples: parts.flatMap((p) => p.samples), shown: parts.flatMap((p) => p.shown) };
}

const navigation: BenchModule = {
  name: 'navigation',
  async run({ sandbox: startSandbox, launch, chromeBuildDir }): Promise<Measurement[]> {
    const sandbox = await startSandbox(LATENCY_MS);
    const all = urls();

    // One browser at a time: two would share this machine's cores.
    const emptyBuild = emptyPanelBuild(chromeBuildDir);
    const emptyWarms: Samples[] = [];
    const emptySides: Samples[] = [];
    const warms: Samples[] = [];
    const sides: Samples[] = [];
    const spa: number[] = [];
    const spaShown: PanelShown[] = [];
    try {
      for (let pass = 0; pass < PASSES; pass += 1) {
        const empty = await launch(sandbox, { extensionDir: emptyBuild, inspectSidePanel: true });
        await connectHubSpot(empty.context, empty.extensionId, HUBSPOT_FIXTURES.tokens.main);
        const emptyPage = await empty.context.newPage();
        await warmUp(emptyPage);
        emptyWarms.push(await warmOpens(emptyPage, all));
        emptySides.push(await sidePanelOpens(emptyPage, empty.sidePanel, all));
        await empty.close();

        const real = await launch(sandbox, { inspectSidePanel: true });
        await connectHubSpot(real.context, real.extensionId, HUBSPOT_FIXTURES.tokens.main);
        const page = await real.context.newPage();
        await warmUp(page);
        warms.push(await warmOpens(page, all));
        await page.goto(all[0]!);
        await waitForPanel(page, expectedRecord(all[0]!), { state: 'ready' });
        for (let round = 0; round < SPA_ROUNDS_PER_PASS; round += 1) {
          const url = all[(round + 1) % all.length]!;
          const shownLater = await armPanelWatch(page, expectedRecord(url), 'ready');
          const clickedAt = await spaNavigate(page, url);
          const shown = await shownLater();
          spa.push(shown.at - clickedAt);
          spaShown.push(shown);
        }
        // Moving to the side panel is a click in the panel, as a user does it.
        sides.push(await sidePanelOpens(page, real.sidePanel, all));
        await real.close();
      }
    } finally {
      rmSync(emptyBuild, { recursive: true, force: true });
    }
    const warm = pooled(warms);
    const emptyWarm = pooled(emptyWarms);
    const side = pooled(sides);
    const emptySide = pooled(emptySides);

    return [
      { name: 'warmOpenMs', value: median(warm.samples), unit: 'ms', budget: 100, detail: summary(warm.samples, warm.shown) },
      { name: 'emptyPanelWarmOpenMs', value: median(emptyWarm.samples), unit: 'ms', budget: null, detail: summary(emptyWarm.samples, emptyWarm.shown) },
      {
        name: 'warmOpenGapMs',
        value: median(warm.samples) - median(emptyWarm.samples),
        unit: 'ms',
        budget: 15,
        detail: 'warmOpenMs above emptyPanelWarmOpenMs, both medians of this run: what the panel adds to the frame it lives in',
      },
      { name: 'warmOpenSidePanelMs', value: median(side.samples), unit: 'ms', budget: 70, detail: summary(side.samples, side.shown) },
      {
        name: 'emptyPanelWarmOpenSidePanelMs',
        value: median(emptySide.samples),
        unit: 'ms',
        budget: null,
        detail: summary(emptySide.samples, emptySide.shown),
      },
      { name: 'spaNavigationMs', value: median(spa), unit: 'ms', budget: 150, detail: summary(spa, spaShown) },
    ];
  },
};

export default navigation;
