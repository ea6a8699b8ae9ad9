import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db } from '../../core/db';
import { lastMonths, monthBounds, monthsOf, type InsightsQuery, type InsightsSnapshot, type Month } from '../../core/insights';
import { CONNECTIONS_KEY } from '../../core/messaging';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { wipeCachedData } from '../../entrypoints/background/connections';
import { storeHubSpotToken } from '../../entrypoints/background/credentials';
import { INSIGHTS_TTL_MS, loadInsights } from '../../entrypoints/background/insights';
import { signOut } from '../../entrypoints/background/outcomes';
import { OUTER_LOOP_OWNER } from '../../sandbox/hubspot/outer-loop';
import { HUBSPOT_FIXTURES as F } from '../../sandbox/hubspot/seed';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';

// HubSpot counts a closed month once and keeps it; later views count the open month and what changed since (answers
// created since name their months; follow-ups touched since recount the causes), and "Count again" counts everything.
// Through the background (loadInsights) against the sandbox portal, with the extension's database. Each count waits
// for HubSpot's five searches a second, so these take seconds each.

vi.setConfig({ testTimeout: 120_000 });

let sandbox: RunningSandbox;
const realFetch = globalThis.fetch;
/** The search bodies HubSpot received, by object type. */
let searches: Array<{ type: string; filters: Array<{ propertyName: string; operator: string; value?: string }> }> = [];

const months = monthsOf(lastMonths(3, Date.now()));
const [older, closed, open] = months as [Month, Month, Month];
const everyone: InsightsQuery = { scope: { kind: 'everyone' }, period: { from: older, to: open } };
const irisOnly: InsightsQuery = { scope: { kind: 'owners', crm: 'hubspot', ownerIds: [OUTER_LOOP_OWNER.id] }, period: { from: older, to: open } };
// Two causes keep each count to a few dozen searches (each cause is one more).
const settings = { ...DEFAULT_SETTINGS, rules: { ...DEFAULT_SETTINGS.rules, rootCauses: ['Billing', 'Onboarding'] } };
const deps = { settings: async () => settings, policy: async () => null };

/** The months whose promoters, passives and detractors were searched for (by their month's own date range). */
function monthsCounted(type = 'feedback_submissions'): Month[] {
  const starts = new Map(months.map((m) => [String(monthBounds(m).start), m]));
  const counted = searches.filter(
    (s) =>
      s.type === type &&
      s.filters.some((f) => f.propertyName === 'hs_response_group' || f.propertyName === 'hs_feedback_last_nps_rating') &&
      !s.filters.some((f) => f.propertyName === 'hs_survey_channel'),
  );
  return [...new Set(counted.flatMap((s) => s.filters.flatMap((f) => (f.operator === 'BETWEEN' && starts.has(f.value!) ? [starts.get(f.value!)!] : []))))].sort();
}
const causeSearches = () => searches.filter((s) => s.type === 'tickets' && s.filters.some((f) => f.propertyName === 'loyalty_lens_root_causes')).length;
const channelSearches = () => searches.filter((s) => s.filters.some((f) => f.propertyName === 'hs_survey_channel')).length;

async function load(query: InsightsQuery, fresh: boolean): Promise<InsightsSnapshot> {
  searches = [];
  return loadInsights(query, fresh, deps);
}
/** The kept copy of every view made older than its 6 hours, as when the manager comes back the next day. */
const expireViews = () => db.insights.toCollection().modify((v) => void (v.fetchedAt -= INSIGHTS_TTL_MS + 1));
const hubspotPart = (s: InsightsSnapshot) => s.parts.find((p) => p.crm === 'hubspot')!.counts!;
const shown = (s: InsightsSnapshot) => {
  const c = hubspotPart(s);
  return { months: c.months.map((m) => [m.month, m.promoters, m.passives, m.detractors]), touchpoints: c.touchpoints, causes: c.causes, funnel: c.funnel };
};
const answersOf = (s: InsightsSnapshot, month: Month) => {
  const m = hubspotPart(s).months.find((x) => x.month === month)!;
  return m.promoters + m.passives + m.detractors;
};
/** Some instant of a month that has already come (the open month: up to now). */
const during = (month: Month) => Math.min(monthBounds(month).start + 3 * 86_400_000, Date.now() - 1_000);

async function connect(token: string, instance: string): Promise<void> {
  await storeHubSpotToken(token);
  await fakeBrowser.storage.local.set({ [CONNECTIONS_KEY]: { hubspot: { crm: 'hubspot', instance, name: 'Portal', user: null, missingScopes: [], usage: null, connectedAt: Date.now() } } });
}

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const search = /^\/crm\/v3\/objects\/([^/]+)\/search$/.exec(url.pathname);
    if (search && typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as { filterGroups: Array<{ filters: (typeof searches)[number]['filters'] }> };
      searches.push({ type: search[1]!, filters: body.filterGroups.flatMap((g) => g.filters) });
    }
    return realFetch(`${sandbox.httpUrl}${url.pathname}${url.search}`, init);
  });
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await sandbox?.close();
});
beforeEach(async () => {
  fakeBrowser.reset();
  sandbox.reset();
  await Promise.all(db.tables.map((table) => table.clear()));
  await connect(F.tokens.main, F.portals.main);
});

describe('closed months kept, what changed counted', () => {
  it('counts a closed month once; the next view counts the open month with its new answer, and shows what counting afresh shows', async () => {
    const first = await load(everyone, false);
    expect(monthsCounted()).toEqual(months);
    expect(hubspotPart(first).keptSince).toBeUndefined();
    expect((await db.insightMonths.toArray()).map((r) => r.key.slice(-7)).sort()).toEqual([older, closed]);

    sandbox.hubspot.receiveNpsAnswer(F.sampleContactId, 3, during(open));
    await expireViews();
    const kept = await load(everyone, false);
    expect(kept.fromCache).toBe(false);
    expect(monthsCounted()).toEqual([open]);
    expect(answersOf(kept, open)).toBe(answersOf(first, open) + 1);
    // New answers change the channels; no follow-up changed, so the causes are those of the last count.
    expect(channelSearches()).toBeGreaterThan(0);
    expect(causeSearches()).toBe(0);
    expect(hubspotPart(kept).keptSince).toBe(hubspotPart(first).fetchedAt);

    const afresh = await load(everyone, true);
    expect(monthsCounted()).toEqual(months);
    expect(shown(kept)).toEqual(shown(afresh));
  });

  it('counts only the open month while nothing changed, and says since when the rest is kept', async () => {
    const first = await load(everyone, false);
    await expireViews();
    const kept = await load(everyone, false);
    expect(monthsCounted()).toEqual([open]);
    expect(channelSearches()).toBe(0);
    expect(causeSearches()).toBe(0);
    // The open month's three totals and the two questions: answers created since, follow-ups touched since.
    expect(searches.map((s) => s.type).sort()).toEqual([...Array<string>(4).fill('feedback_submissions'), 'tickets']);
    expect(shown(kept)).toEqual(shown(first));
    expect(hubspotPart(kept).keptSince).toBe(hubspotPart(first).fetchedAt);
  });

  it('adds the answers created since to the channels, once the last count is older than HubSpot’s index lag', async () => {
    await load(everyone, false);
    // As if the last count had been ten minutes ago: an answer now cannot be in it.
    await db.insights.toCollection().modify((v) => {
      for (const p of v.snapshot.parts) if (p.counts) Object.assign(p.counts, { fetchedAt: p.counts.fetchedAt - 600_000, countedUntil: p.counts.countedUntil! - 600_000 });
      v.fetchedAt -= INSIGHTS_TTL_MS + 600_000;
    });
    sandbox.hubspot.receiveNpsAnswer(F.sampleContactId, 2, during(open));
    sandbox.hubspot.receiveNpsAnswer(F.sampleContactId, 9, during(open) + 1);
    const kept = await load(everyone, false);
    expect(channelSearches()).toBe(0);
    expect(monthsCounted()).toEqual([open]);
    expect(shown(kept)).toEqual(shown(await load(everyone, true)));
  });

  it('counts again a closed month a late import added to, and only that one', async () => {
    const first = await load(everyone, false);
    sandbox.hubspot.receiveNpsAnswer(F.sampleContactId, 10, during(closed));
    await expireViews();
    const kept = await load(everyone, false);
    expect(monthsCounted()).toEqual([closed, open]);
    expect(answersOf(kept, closed)).toBe(answersOf(first, closed) + 1);
    expect(answersOf(kept, older)).toBe(answersOf(first, older));
    expect(shown(kept)).toEqual(shown(await load(everyone, true)));
  });

  it('counts the causes again once a follow-up of the period changed', async () => {
    const first = await load(everyone, false);
    const store = sandbox.hubspot.portal();
    store.insert('tickets', { subject: 'NPS 2: follow up', hs_pipeline: '0', hs_pipeline_stage: '1', loyalty_lens_root_causes: 'Billing', loyalty_lens_loop_steps: 'reached' }, new Date(Date.now() - 60_000).toISOString());
    await expireViews();
    const kept = await load(everyone, false);
    expect(causeSearches()).toBeGreaterThan(0);
    expect(monthsCounted()).toEqual([open]);
    const billing = (s: InsightsSnapshot) => hubspotPart(s).causes.find((c) => c.cause === 'Billing')!.count;
    expect(billing(kept)).toBe(billing(first) + 1);
    expect(hubspotPart(kept).funnel.opened).toBe(hubspotPart(first).funnel.opened + 1);
    expect(shown(kept)).toEqual(shown(await load(everyone, true)));
  });

  it('"Count again" counts every month and category, kept or not', async () => {
    await load(everyone, false);
    const again = await load(everyone, true);
    expect(monthsCounted()).toEqual(months);
    expect(channelSearches()).toBe(8);
    expect(causeSearches()).toBeGreaterThan(0);
    expect(hubspotPart(again).keptSince).toBeUndefined();
  });

  it('reuses the months another period of the same scope counted', async () => {
    await load({ scope: { kind: 'everyone' }, period: { from: older, to: closed } }, false);
    await load(everyone, false);
    expect(monthsCounted()).toEqual([open]);
  });
});

describe('kept counts never mix', () => {
  it('a scope of its own: one owner’s months are counted for them, not taken from everyone’s', async () => {
    const all = await load(everyone, false);
    const iris = await load(irisOnly, false);
    expect(monthsCounted('contacts')).toEqual(months);
    expect(hubspotPart(iris).keptSince).toBeUndefined();
    expect(hubspotPart(iris).months).not.toEqual(hubspotPart(all).months);
    const bases = new Set((await db.insightMonths.toArray()).map((r) => r.key.slice(0, -8)));
    expect(bases.size).toBe(2);
  });

  it('another portal connected: nothing of the first portal’s counts is used', async () => {
    await load(everyone, false);
    await connect(F.tokens.eu, F.portals.eu);
    await expireViews();
    const eu = await load(everyone, false);
    expect(hubspotPart(eu).instance).toBe(F.portals.eu);
    expect(monthsCounted()).toEqual(months);
    expect(hubspotPart(eu).keptSince).toBeUndefined();
  });

  it('signing out or wiping local data forgets the kept months', async () => {
    await load(everyone, false);
    expect(await db.insightMonths.count()).toBe(2);
    await wipeCachedData('salesforce');
    expect(await db.insightMonths.count()).toBe(2);
    await wipeCachedData();
    expect(await db.insightMonths.count()).toBe(0);

    await load(everyone, false);
    expect(await db.insightMonths.count()).toBe(2);
    await signOut('hubspot', 'discard', async () => ({ sent: 0 }));
    expect(await db.insightMonths.count()).toBe(0);
    expect(await db.insights.count()).toBe(0);
  });
});
