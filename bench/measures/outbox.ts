import type { Page } from 'playwright-core';
import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import { DEFAULT_LIMITS } from '../../sandbox/hubspot/limits';
import { connectHubSpot, openExtensionPage, type Reply } from '../../test/e2e/harness';
import type { BenchModule, Measurement } from '../types';

// Writing 1,000 queued close-the-loop outcomes to HubSpot, in the real extension (its service worker),
// against the sandbox with HubSpot's rate limits on (100 requests per rolling 10 s per token).
//
// Method: the outcomes are sent through the panel's own protocol ({type:'outcome.log', input}) from an
// extension page, 1,000 of them for 1,000 different contacts of the big account, while HubSpot is not connected
// yet: each is held for its Undo (5 s), then waits as "not connected" — as outcomes logged before an admin connects
// (or while a key is being replaced) do. Connecting HubSpot then hands the whole queue to one flush, which is what is
// measured. Requests = every request the sandbox served apart from the connection check's own (the token check, a
// POST; account-info, the directory and any scope probes, GETs). Start = when the first of them was received (sandbox clock, same machine);
// end = the extension's own database shows all 1,000 delivered (read from an extension page every 25 ms; the read
// waits behind the flusher's writes, so the end is, if anything, late).
const OUTCOMES = 1_000;
/** The connection check's own requests: account-info, owners, pipelines and the scope probes (GETs, no record id). */
const CONNECT_REQUEST = /^\/(account-info\/v3\/details|crm\/v3\/owners\/?|crm\/v3\/pipelines\/tickets|crm\/v3\/objects\/[a-z_]+)$/;
const TOKEN_CHECK = '/oauth/v2/private-apps/get/access-token-info';

/**
 * The time HubSpot's limit itself forces on N requests: at the limit's sustained rate of L requests per
 * window W, N requests need N × W / L (100 ms a request at 100 per 10 s). A rolling window would let the
 * first L go at once — a floor of 0 ms for any N ≤ L, which no real flush can be "within 10 %" of — so
 * the budget is that sustained-rate time plus 10 %: 1.1 × N × W / L.
 */
export function rateLimitFloorMs(requests: number, limit = DEFAULT_LIMITS.perTenSeconds, windowMs = 10_000): number {
  return (requests * windowMs) / limit;
}

function input(contactId: string, note: string) {
  return {
    ref: { crm: 'hubspot', instance: HUBSPOT_FIXTURES.portals.main, objectType: 'contact', id: contactId },
    contactId,
    followUpId: null,
    responseId: null,
    result: 'reached-resolved',
    rootCauses: ['Support'],
    note,
    nextStep: null,
    thanked: true,
    closeFollowUp: false,
  };
}

/** Sends outcome.log requests from an extension page, up to 200 at a time, as quickly as the background answers. */
async function logMany(page: Page, inputs: Array<ReturnType<typeof input>>): Promise<Reply[]> {
  return (await page.evaluate(async (all) => {
    // The page is an extension page, where `chrome.runtime` exists; node's types do not know it.
    const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } };
    const replies: unknown[] = [];
    for (let i = 0; i < all.length; i += 200) {
      replies.push(...(await Promise.all(all.slice(i, i + 200).map((one) => chrome.runtime.sendMessage({ type: 'outcome.log', input: one })))));
    }
    return replies;
  }, inputs)) as Reply[];
}

/** How many outcomes the extension's database (the background's Dexie database) holds in an outbox state. */
async function stateCount(page: Page, state: 'pending' | 'done' | 'dead'): Promise<number> {
  return page.evaluate(
    (wanted) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('loyalty-lens');
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const database = open.result;
          const index = database.transaction('outcomes').objectStore('outcomes').index('[state+nextAttemptAt]');
          const count = index.count(IDBKeyRange.bound([wanted, -Infinity], [wanted, Infinity]));
          count.onsuccess = () => {
            database.close();
            resolve(count.result);
          };
          count.onerror = () => reject(new Error(String(count.error)));
        };
      }),
    state,
  );
}

const outbox: BenchModule = {
  name: 'outbox',
  async run({ sandbox: startSandbox, launch }): Promise<Measurement[]> {
    const sandbox = await startSandbox(0);
    sandbox.reset();
    const limit = DEFAULT_LIMITS.perTenSeconds;
    const { context, extensionId } = await launch(sandbox);
    const contacts = sandbox.hubspot
      .records('contacts')
      .filter((c) => c.properties.associatedcompanyid === HUBSPOT_FIXTURES.bigCompanyId)
      .map((c) => c.id)
      .slice(0, OUTCOMES);
    if (contacts.length < OUTCOMES) throw new Error(`The sandbox's big account has only ${contacts.length} contacts`);
    const page = await openExtensionPage(context, extensionId);
    const enqueueStarted = Date.now();
    const replies = await logMany(page, contacts.map((contactId, i) => input(contactId, `Outcome ${i + 1} of ${OUTCOMES}`)));
    const keys = replies.map((reply) => {
      if (!reply.ok) throw new Error(`outcome.log failed: ${reply.error.message}`);
      return (reply.value as { idempotencyKey: string }).idempotencyKey;
    });
    const enqueueMs = Date.now() - enqueueStarted;
    const waitDeadline = Date.now() + 60_000;
    while ((await stateCount(page, 'dead')) < OUTCOMES) {
      if (Date.now() > waitDeadline) throw new Error(`Only ${await stateCount(page, 'dead')} of ${OUTCOMES} outcomes wait for a connection`);
      await new Promise((done) => setTimeout(done, 100));
    }
    sandbox.clearLog();
    await connectHubSpot(context, extensionId, HUBSPOT_FIXTURES.tokens.main);

    const deadline = Date.now() + 120_000;
    let delivered = 0;
    while ((delivered = await stateCount(page, 'done')) < OUTCOMES) {
      if (Date.now() > deadline) throw new Error(`Only ${delivered} of ${OUTCOMES} outcomes were delivered`);
      await new Promise((done) => setTimeout(done, 25));
    }
    const finished = Date.now();

    const flush = sandbox.log().filter((r) => !(r.method === 'GET' && CONNECT_REQUEST.test(r.path.split('?')[0]!)) && !(r.method === 'POST' && r.path === TOKEN_CHECK));
    if (flush.length === 0) throw new Error('No request of the flush reached the sandbox');
    // The log stamps a request when it is answered; it arrived durationMs earlier.
    const started = Math.min(...flush.map((r) => r.at - r.durationMs));
    // Exactly once: one note per outcome.
    const notesPerKey = new Map<string, number>();
    for (const note of sandbox.hubspot.records('notes')) {
      const key = note.properties.loyalty_lens_key;
      if (key) notesPerKey.set(key, (notesPerKey.get(key) ?? 0) + 1);
    }
    const wrong = keys.filter((key) => notesPerKey.get(key) !== 1);
    if (wrong.length > 0) throw new Error(`${wrong.length} outcomes do not have exactly one note in the CRM`);
    const requests = flush.length;
    const ms = finished - started;
    const byRoute = new Map<string, number>();
    for (const r of flush) {
      const route = `${r.method} ${r.path.split('?')[0]!.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
      byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
    }
    const floor = rateLimitFloorMs(requests, limit);
    await page.close();
    return [
      {
        name: 'outboxFlush1000Requests',
        value: requests,
        unit: 'requests',
        budget: 30,
        detail: `in the extension's service worker; ${[...byRoute].map(([route, n]) => `${n}× ${route}`).join(', ')}; ${sandbox.stats().hubspot?.rateLimited ?? 0} rate-limited; one note per outcome in the CRM`,
      },
      {
        name: 'outboxFlush1000Ms',
        value: ms,
        unit: 'ms',
        budget: Math.round(floor * 1.1),
        detail: `enqueued in ${enqueueMs} ms; in the extension's service worker, limit ${limit}/10 s: floor ${requests} × 10000 / ${limit} = ${floor} ms, budget +10 %`,
      },
    ];
  },
};

export default outbox;
