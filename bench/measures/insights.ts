import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import { SALESFORCE_FIXTURES } from '../../sandbox/salesforce/fixtures';
import type { LoggedRequest } from '../../sandbox/types';
import type { InsightsSnapshot } from '../../core/insights';
import { connectHubSpot, connectSalesforce, openExtensionPage, sendFromExtensionPage } from '../../test/e2e/harness';
import type { Sandbox } from '../../test/e2e/types';
import { median, type BenchContext, type BenchModule, type Measurement } from '../types';

// The Insights page's twelve-month view for everyone, in the real extension against the sandbox at 100 ms per API
// request. The seeds hold about 26,000 HubSpot feedback answers (the 2,500-contact company's ~10 each and the rest)
// and a Salesforce org of the same shape; the view counts those of November 2025 – October 2026.
//   insightsRequests*: the requests each CRM saw for one fresh count (insights.load with fresh, as "Count again").
//   insightsMs: the round trip of that fresh count from an extension page, both CRMs at once.
//   insightsCachedMs: the same view asked again (the page opening), answered from the kept count.

const LATENCY_MS = 100;
const RUNS = 3;
const HUBSPOT_API = 'api.hubapi.com';
const QUERY = { scope: { kind: 'everyone' }, period: { from: '2025-11', to: '2026-10' } };

function apiRequests(log: LoggedRequest[], host: string, from: number): LoggedRequest[] {
  return log.filter((r) => r.host === host && r.at >= from && !r.path.startsWith('/__sandbox/'));
}

async function quiet(sandbox: Sandbox): Promise<void> {
  for (;;) {
    const last = sandbox.log().filter((r) => !r.path.startsWith('/__sandbox/')).at(-1)?.at ?? 0;
    // HubSpot's search limit is per second: a second of quiet starts every run with an empty window.
    if (Date.now() - last >= 1_500) return;
    await new Promise((done) => setTimeout(done, 100));
  }
}

const insights: BenchModule = {
  name: 'insights',
  async run(bench: BenchContext): Promise<Measurement[]> {
    const sandbox = await bench.sandbox(LATENCY_MS);
    sandbox.reset();
    const { context, extensionId } = await bench.launch(sandbox);
    await connectHubSpot(context, extensionId, HUBSPOT_FIXTURES.tokens.main);
    await connectSalesforce(context, extensionId, SALESFORCE_FIXTURES.consumerKey);
    const page = await openExtensionPage(context, extensionId);

    const hubspot: number[] = [];
    const salesforce: number[] = [];
    const freshMs: number[] = [];
    const cachedMs: number[] = [];
    let answers = 0;
    for (let run = 0; run < RUNS; run++) {
      await quiet(sandbox);
      const from = Date.now();
      const started = performance.now();
      const reply = await sendFromExtensionPage(page, { type: 'insights.load', query: QUERY, fresh: true });
      freshMs.push(performance.now() - started);
      if (!reply.ok) throw new Error(`insights.load failed: ${reply.error.message}`);
      const snapshot = reply.value as InsightsSnapshot;
      for (const part of snapshot.parts) if (part.state !== 'counted') throw new Error(`${part.crm}: ${part.state} ${JSON.stringify(part.error)}`);
      answers = snapshot.parts.reduce((n, p) => n + (p.counts?.months.reduce((m, x) => m + x.promoters + x.passives + x.detractors, 0) ?? 0), 0);
      hubspot.push(apiRequests(sandbox.log(), HUBSPOT_API, from).length);
      salesforce.push(apiRequests(sandbox.log(), SALESFORCE_FIXTURES.hosts.api, from).length);
      const again = performance.now();
      const cached = await sendFromExtensionPage(page, { type: 'insights.load', query: QUERY, fresh: false });
      cachedMs.push(performance.now() - again);
      if (!cached.ok || !(cached.value as InsightsSnapshot).fromCache) throw new Error('the second load was not answered from the kept count');
    }
    await page.close();
    return [
      {
        name: 'insightsRequestsHubSpot',
        value: Math.max(...hubspot),
        unit: 'requests',
        budget: 40,
        detail: 'ticket properties; 3 search totals a month; answers and detractors per channel; 1 total per root cause and loop step; opened, closed, recent',
      },
      { name: 'insightsRequestsSalesforce', value: Math.max(...salesforce), unit: 'requests', budget: 5, detail: 'aggregate SOQL in composites of five queries, sent at once' },
      { name: 'insightsMs', value: median(freshMs), unit: 'ms', budget: 3_000, detail: `both CRMs counted fresh at ${LATENCY_MS} ms per request; median of ${RUNS}` },
      { name: 'insightsCachedMs', value: median(cachedMs), unit: 'ms', budget: 150, detail: `the same view again, from the kept count; median of ${RUNS}` },
      { name: 'insightsAnswersCounted', value: answers, unit: 'count', budget: null, detail: 'NPS answers the twelve-month view counted in both CRMs' },
    ];
  },
};

export default insights;
