import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNCONFIRMED_WRITE_MS } from '../../integrations/unconfirmed-creates';
import { noteBody } from '../../integrations/hubspot/outcomes';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { HUBSPOT_FIXTURES as F } from '../../sandbox/hubspot/seed';
import { checkHubSpotToken, connectHubSpotToken, createHubSpotConnector, type DirectoryCache } from '../../integrations/hubspot/connector';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import type { Outcome, RecordContext, RecordRef } from '../../core/schema';
import { LoyaltyLensDb } from '../../core/db';
import { loadPanelData } from '../../core/panel-data';
import { saveRecordContext } from '../../core/store';
import { createHubSpotApis, HubSpotHttp } from '../../integrations/hubspot/client';
import { batchRead } from '../../integrations/hubspot/requests';

// What every connector does alike (record types, score parsing, follow-ups, error kinds, exactly-once writes, big
// accounts) is proven in connector-conformance.test.ts; this file keeps what is HubSpot's own.

let sandbox: RunningSandbox;
const ref = (objectType: RecordRef['objectType'], id: string): RecordRef => ({ crm: 'hubspot', instance: F.portals.main, objectType, id });
const connector = (token: string = F.tokens.main, directoryCache?: DirectoryCache) => createHubSpotConnector({ token, apiBase: sandbox.httpUrl, directoryCache });
/** The background's database, as the connector sees it: what was saved is loaded after a worker restart. */
function keptDirectory(initial: unknown = null) {
  const box = { value: initial };
  const cache: DirectoryCache = {
    load: async () => box.value,
    save: async (d) => {
      box.value = d;
    },
  };
  return { box, cache };
}
const requestPaths = () => sandbox.log().map((l) => `${l.method} ${l.path.split('?')[0]}`);
const TOKEN_CHECK = 'POST /oauth/v2/private-apps/get/access-token-info';
const ACCOUNT_INFO = 'GET /account-info/v3/details';
/** A connect, a connection test or a directory refresh: the token check, account-info, the owners and the ticket pipelines. */
const DIRECTORY_PATHS = [TOKEN_CHECK, ACCOUNT_INFO, 'GET /crm/v3/owners/', 'GET /crm/v3/pipelines/tickets'];
const PROBE_PATHS = ['contacts', 'companies', 'deals', 'feedback_submissions'].map((t) => `GET /crm/v3/objects/${t}`);
const SEARCH_ONLY_PATHS = ['companies', 'tickets', 'tasks', 'contacts', 'feedback_submissions'].map((t) => `POST /crm/v3/objects/${t}/search`).sort();
const BY_ID_PATHS = [
  `GET /crm/v3/objects/contacts/${F.sampleContactId}`,
  `GET /crm/v3/objects/companies/${F.companyId}`,
  'POST /crm/v3/objects/contacts/search',
  'POST /crm/v3/objects/feedback_submissions/search',
  'POST /crm/v3/objects/tickets/batch/read',
  'POST /crm/v3/objects/tasks/batch/read',
].sort();
/** The portal's search quota is five a second: earlier tests' searches leave it full, and a retried 429 would count. */
const searchWindowPassed = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1_150));
  sandbox.clearLog();
};
const sampleContactName = () => {
  const p = sandbox.hubspot.portal(F.portals.main).get('contacts', F.sampleContactId)!.properties;
  return `${p.firstname} ${p.lastname}`;
};
/** What a view shows, whichever way it was read. */
const summary = (ctx: RecordContext) => ({
  title: ctx.title,
  account: ctx.account,
  contacts: ctx.contacts.map((c) => c.key).sort(),
  responses: ctx.responses.map((r) => r.key).sort(),
  followUps: ctx.followUps.map((f) => f.key).sort(),
});
/** A close-the-loop outcome on the sample contact and its open ticket, as the outbox hands it over. */
const sampleOutcome = (idempotencyKey: string, loggedAt: number): Outcome => ({
    ref: ref('contact', F.sampleContactId),
    contactId: F.sampleContactId,
    followUpId: F.ticketId,
    responseId: null,
    result: 'reached-resolved',
    rootCauses: ['Support experience'],
    note: 'Called, fixed the SSO issue.',
    nextStep: null,
    thanked: true,
    closeFollowUp: true,
    idempotencyKey,
    crm: 'hubspot',
    instance: F.portals.main,
    contactKey: `hubspot|40001|${F.sampleContactId}`,
    loggedAt,
    loggedBy: 'Maya Lindgren',
    state: 'in-flight',
    attempts: 0,
    nextAttemptAt: 0,
    leaseUntil: null,
    lastError: null,
    lastErrorKind: null,
    crmRecordId: null,
    crmRecordUrl: null,
});

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, latencyMs: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
// Reads do not change the sandbox, so only the write test pays for a reseed.
beforeEach(() => {
  sandbox.clearFaults();
  sandbox.clearLog();
});

describe('the mapping preview', () => {
  it('names the contacts of the rows it read, as HubSpot shows them', async () => {
    const preview = await connector().previewSource(
      { id: 'fb', kind: 'hubspot-feedback', label: 'Feedback', surveyTypes: ['NPS', 'CSAT', 'CES'] },
      20,
    );
    const withContact = preview.parsed.filter((r) => r.contactKey !== null);
    expect(withContact.length).toBeGreaterThan(0);
    for (const row of withContact) {
      const id = row.contactKey!.split('|')[2]!;
      const p = sandbox.hubspot.portal(F.portals.main).get('contacts', id)!.properties;
      expect(preview.contactNames?.[row.contactKey!]).toBe([p.firstname, p.lastname].filter(Boolean).join(' ') || p.email);
    }
  });
});

describe('property history', () => {
  it('is read 50 contacts a request, the most HubSpot takes with history', async () => {
    const apis = createHubSpotApis(new HubSpotHttp({ token: F.tokens.main, apiBase: sandbox.httpUrl }), sandbox.httpUrl);
    const ids = sandbox.hubspot.records('contacts', F.portals.main).slice(0, 120).map((c) => c.id);
    const rows = await batchRead(apis, 'contacts', ids, ['email'], ['asknicely_nps_score']);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(sandbox.log().filter((l) => l.path.startsWith('/crm/v3/objects/contacts/batch/read')).map((l) => l.status)).toEqual([200, 200, 200]);
  });
});

describe('reading a record’s loyalty context from the sandbox', () => {
  it('contact: its company, every contact, responses and follow-ups in five searches', async () => {
    const { cache } = keptDirectory();
    const c = connector(F.tokens.main, cache);
    await c.refreshDirectory();
    await searchWindowPassed();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    expect(ctx.account?.id).toBe(F.companyId);
    expect(ctx.account?.name).toBe(F.companyName);
    expect(ctx.account?.ownerName).not.toBeNull();
    expect(ctx.title).toBe(sampleContactName());
    expect(ctx.focusContactKeys).toEqual([`hubspot|40001|${F.sampleContactId}`]);
    const mine = ctx.responses.filter((r) => r.contactKey === `hubspot|40001|${F.sampleContactId}`);
    expect(mine.filter((r) => r.kind === 'nps').length).toBeGreaterThanOrEqual(4);
    expect(mine.some((r) => r.kind === 'csat') && mine.some((r) => r.kind === 'ces')).toBe(true);
    expect(ctx.followUps.find((f) => f.id === F.ticketId)).toMatchObject({ status: 'open', kind: 'ticket' });
    expect(ctx.followUps.some((f) => f.kind === 'task')).toBe(true);
    expect(ctx.accountCounts).toBeNull();
    // The companies, tickets and tasks linked to the contact; its company's contacts; their responses.
    expect(requestPaths().sort()).toEqual(SEARCH_ONLY_PATHS);
    expect(ctx.requestCount).toBe(5);
    // The team's loop notes would be a sixth request: the panel asks for them.
    expect(ctx.loops).toBeNull();
  });

  it('a refresh within the same second reads by id and spends two searches, not five', async () => {
    const { cache } = keptDirectory();
    const c = connector(F.tokens.main, cache);
    await c.refreshDirectory();
    await searchWindowPassed();
    const first = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    sandbox.clearLog();
    // A manual refresh reads everything again (nothing shared with the first read).
    const second = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS, { fresh: true });
    expect(requestPaths().sort()).toEqual(BY_ID_PATHS);
    expect(second.requestCount).toBe(6);
    // Both ways read the same view.
    expect(summary(second)).toEqual(summary(first));
  });

  it('a contact without tickets or tasks, read by id, costs four requests', async () => {
    const { cache } = keptDirectory();
    const c = connector(F.tokens.main, cache);
    await c.refreshDirectory();
    await searchWindowPassed();
    await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const ctx = await c.loadContext(ref('contact', F.hardCommentsContactId), DEFAULT_SETTINGS, { fresh: true });
    expect(ctx.requestCount).toBe(4);
    expect(ctx.followUps).toEqual([]);
    expect(ctx.responses.length).toBeGreaterThan(0);
  });

  it('a contact linked to several companies reads itself to learn its primary one', async () => {
    sandbox.reset();
    const store = sandbox.hubspot.portal(F.portals.main);
    store.associate('contacts', F.hardCommentsContactId, 'companies', F.bigCompanyId);
    const { cache } = keptDirectory();
    const c = connector(F.tokens.main, cache);
    await c.refreshDirectory();
    await searchWindowPassed();
    const ctx = await c.loadContext(ref('contact', F.hardCommentsContactId), DEFAULT_SETTINGS);
    expect(ctx.account?.id).toBe(F.companyId);
    expect(requestPaths()).toContain(`GET /crm/v3/objects/contacts/${F.hardCommentsContactId}`);
    expect(requestPaths()).not.toContain(`GET /crm/v3/objects/companies/${F.companyId}`);
    expect(ctx.requestCount).toBe(6);
  });

  it('for a minute after a write of ours, reads go by id and so show what search has not indexed yet', async () => {
    sandbox.reset();
    sandbox.hubspot.setSearchIndexLag(60_000);
    try {
      const c = connector();
      const before = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
      const response = before.responses.find((r) => r.kind === 'nps' && r.score <= 6 && r.contactKey === before.focusContactKeys[0])!;
      const opened = await c.createFollowUp(response, DEFAULT_SETTINGS);
      await c.writeOutcomes([sampleOutcome('outcome-0004-abcdefgh', Date.UTC(2026, 10, 20))], DEFAULT_SETTINGS);
      await searchWindowPassed();
      // Another browser (or a restarted worker) did not write: it reads by search, which does not have them yet.
      const elsewhere = connector();
      const searched = await elsewhere.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
      expect(requestPaths()).toContain('POST /crm/v3/objects/companies/search');
      expect(searched.followUps.map((f) => f.id)).not.toContain(opened.id);
      expect(await elsewhere.loadLoopHistory(ref('contact', F.sampleContactId), [F.sampleContactId])).toEqual([]);
      // The writer reads by id, and sees both.
      sandbox.clearLog();
      const mine = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
      expect(requestPaths()).not.toContain('POST /crm/v3/objects/companies/search');
      expect(mine.followUps.find((f) => f.id === opened.id)).toMatchObject({ status: 'open', responseKey: response.key });
      sandbox.clearLog();
      const loops = await c.loadLoopHistory(ref('contact', F.sampleContactId), [F.sampleContactId]);
      expect(requestPaths()).toEqual(['POST /crm/v4/associations/contacts/notes/batch/read', 'POST /crm/v3/objects/notes/batch/read']);
      expect(loops.map((l) => l.idempotencyKey)).toEqual(['outcome-0004-abcdefgh']);
    } finally {
      sandbox.hubspot.setSearchIndexLag(0);
    }
  });

  it('a contact without a company, read by search alone, is shown alone in five requests', async () => {
    const { cache } = keptDirectory();
    const c = connector(F.tokens.main, cache);
    await c.refreshDirectory();
    await searchWindowPassed();
    const ctx = await c.loadContext(ref('contact', F.contactWithoutCompanyId), DEFAULT_SETTINGS);
    expect(ctx.account).toBeNull();
    expect(ctx.contacts.map((x) => x.id)).toEqual([F.contactWithoutCompanyId]);
    expect(requestPaths()).toContain(`GET /crm/v3/objects/contacts/${F.contactWithoutCompanyId}`);
    expect(ctx.requestCount).toBe(5);
  });

  it('a contact of the 2,500-contact company, read by search alone, is there even when not among the listed first', async () => {
    const { cache } = keptDirectory();
    const c = connector(F.tokens.main, cache);
    await c.refreshDirectory();
    await searchWindowPassed();
    const ctx = await c.loadContext(ref('contact', F.bigCompanyContactId), DEFAULT_SETTINGS);
    expect(ctx.focusContactKeys).toEqual([`hubspot|40001|${F.bigCompanyContactId}`]);
    expect(ctx.contacts.some((x) => x.id === F.bigCompanyContactId)).toBe(true);
    expect(ctx.accountCounts?.respondents).toBeGreaterThan(0);
    expect(ctx.requestCount).toBeLessThanOrEqual(10);
  });

  it('the team’s loop notes, when asked for: one search, newest first', async () => {
    sandbox.reset();
    const { cache } = keptDirectory();
    const c = connector(F.tokens.main, cache);
    await c.refreshDirectory();
    await c.writeOutcomes([sampleOutcome('outcome-0002-abcdefgh', Date.UTC(2026, 10, 3)), sampleOutcome('outcome-0003-abcdefgh', Date.UTC(2026, 10, 9))], DEFAULT_SETTINGS);
    // A teammate's panel, which did not write them.
    const teammate = connector(F.tokens.main, cache);
    sandbox.clearLog();
    const loops = await teammate.loadLoopHistory(ref('contact', F.sampleContactId), [F.sampleContactId]);
    expect(requestPaths()).toEqual(['POST /crm/v3/objects/notes/search']);
    expect(loops.map((l) => l.idempotencyKey)).toEqual(['outcome-0003-abcdefgh', 'outcome-0002-abcdefgh']);
    expect(loops.every((l) => l.contactKey === `hubspot|40001|${F.sampleContactId}`)).toBe(true);
    expect(loops.map((l) => l.loggedAt)).toEqual([...loops.map((l) => l.loggedAt)].sort((a, b) => b - a));
  });

  it('a directory older than 12 hours serves the view once more and is refreshed behind it', async () => {
    const { box, cache } = keptDirectory();
    await connector(F.tokens.main, cache).refreshDirectory();
    const stale = { ...(box.value as { fetchedAt: number }), fetchedAt: Date.now() - 13 * 3_600_000 };
    box.value = stale;
    sandbox.clearLog();
    const ctx = await connector(F.tokens.main, cache).loadContext(ref('contact', F.hardCommentsContactId), DEFAULT_SETTINGS);
    expect(ctx.account?.id).toBe(F.companyId);
    await expect.poll(() => (box.value as { fetchedAt: number }).fetchedAt).toBeGreaterThan(stale.fetchedAt);
    expect(requestPaths()).toEqual(expect.arrayContaining(DIRECTORY_PATHS));
  });

  it('an unreadable kept directory is fetched again, not trusted', async () => {
    const { box, cache } = keptDirectory({ portalId: 40001, owners: 'everyone' });
    const ctx = await connector(F.tokens.main, cache).loadContext(ref('contact', F.hardCommentsContactId), DEFAULT_SETTINGS);
    expect(ctx.account?.id).toBe(F.companyId);
    expect(requestPaths()).toEqual(expect.arrayContaining(DIRECTORY_PATHS));
    expect(box.value).toMatchObject({ portalId: F.portals.main });
  });

  it('lists the portal’s ticket pipelines with their stages in board order, open or closed', async () => {
    const pipelines = await connector().ticketPipelines();
    expect(pipelines.length).toBeGreaterThan(0);
    const stages = pipelines.flatMap((p) => p.stages);
    expect(stages.find((st) => st.id === F.openStageId)).toMatchObject({ closed: false });
    expect(stages.some((st) => st.closed)).toBe(true);
  });

  it('the pipelines a connect has just read are not read again for the options page; a copy older than a minute is', async () => {
    const { box, cache } = keptDirectory();
    await connector(F.tokens.main, cache).refreshDirectory();
    sandbox.clearLog();
    const justRead = await connector(F.tokens.main, cache).ticketPipelines();
    expect(requestPaths()).toEqual([]);
    box.value = { ...(box.value as { fetchedAt: number }), fetchedAt: Date.now() - 61_000 };
    const older = await connector(F.tokens.main, cache).ticketPipelines();
    expect(requestPaths()).toEqual(['GET /crm/v3/pipelines/tickets']);
    expect(older).toEqual(justRead);
  });

  it('a company view reads its open deals with the contacts on each, in the deal’s currency', async () => {
    const ctx = await connector().loadContext(ref('company', F.companyId), DEFAULT_SETTINGS);
    const store = sandbox.hubspot.portal(F.portals.main);
    const openIds = store.associatedIds('companies', F.companyId, 'deals').filter((id) => store.get('deals', id)!.properties.hs_is_closed === 'false');
    const open = openIds.reduce((sum, id) => sum + Number(store.get('deals', id)!.properties.amount), 0);
    expect(open).toBeGreaterThan(0);
    // The company's calculated open-deal total stays the account's revenue; the deals say which are at risk.
    expect(ctx.account).toMatchObject({ revenue: open, revenueSource: 'openPipeline', currency: 'USD' });
    expect(ctx.deals?.map((d) => [d.id, Number(d.amount), d.currency, d.contactKeys.length]).sort()).toEqual(
      openIds.map((id) => [id, Number(store.get('deals', id)!.properties.amount), 'USD', store.associatedIds('deals', id, 'contacts').length]).sort(),
    );
    // The sample deal ($48,000) has the sample contact on it.
    expect(ctx.deals?.find((d) => d.id === F.dealId)?.contactKeys).toEqual([`hubspot|40001|${F.sampleContactId}`]);
  });
});

describe('errors in the user’s words', () => {
  it('missing scope is named', async () => {
    const info = await checkHubSpotToken(F.tokens.missingScopes, sandbox.httpUrl);
    expect(info.missingScopes).toContain('crm.objects.feedback_submissions.read');
  });
  it('ten-secondly 429 with Retry-After is retried', async () => {
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/companies/search', times: 1, status: 429, headers: { 'retry-after': '1' }, body: { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } }]);
    const ctx = await connector().loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    expect(ctx.account?.id).toBe(F.companyId);
  });
});

describe('writing outcomes exactly once', () => {

  it('a follow-up ticket for a response is opened once, even when asked again after a dropped connection', async () => {
    sandbox.reset();
    const c = connector();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6 && r.contactKey === ctx.focusContactKeys[0])!;
    const companyOwner = sandbox.hubspot.portal(F.portals.main).get('companies', F.companyId)!.properties.hubspot_owner_id;
    const before = sandbox.stats().hubspot?.tickets ?? 0;
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/tickets/batch/upsert', times: 1, dropAfterCommit: true }]);
    await expect(c.createFollowUp(response, DEFAULT_SETTINGS)).rejects.toMatchObject({ kind: 'network' });
    // HubSpot stored the ticket before the connection dropped: asking again finds it and links it.
    const opened = await c.createFollowUp(response, DEFAULT_SETTINGS);
    const again = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect(opened).toMatchObject({ created: false, closed: false });
    expect(again).toMatchObject({ id: opened.id, created: false, closed: false });
    expect((sandbox.stats().hubspot?.tickets ?? 0) - before).toBe(1);
    const ticket = sandbox.hubspot.portal(F.portals.main).get('tickets', opened.id)!;
    expect(ticket.properties.hubspot_owner_id).toBe(companyOwner);
    const seen = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    expect(seen.followUps.find((f) => f.id === opened.id)).toMatchObject({ status: 'open', responseKey: response.key });
  });

  it('asking again for an answer whose ticket was closed and reassigned leaves the ticket as it is', async () => {
    sandbox.reset();
    const c = connector();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6 && r.contactKey === ctx.focusContactKeys[0])!;
    const opened = await c.createFollowUp(response, DEFAULT_SETTINGS);
    const ticket = sandbox.hubspot.portal(F.portals.main).get('tickets', opened.id)!;
    ticket.properties.hs_pipeline_stage = '4';
    ticket.properties.hubspot_owner_id = '70002';
    const again = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect(again).toMatchObject({ id: opened.id, created: false, closed: true });
    expect(ticket.properties).toMatchObject({ hs_pipeline_stage: '4', hubspot_owner_id: '70002' });
  });
});

describe('a 5xx answered after HubSpot committed the write', () => {
  /** The outbox hands an outcome over again after an answer that may have followed a commit. */
  const again = (o: Outcome): Outcome => ({ ...o, attempts: o.attempts + 2, lastErrorKind: 'server', lastError: 'HubSpot had a problem on its side (HTTP 502).' });
  const notesCarrying = (key: string) => sandbox.hubspot.records('notes', F.portals.main).filter((n) => (n.properties.hs_note_body ?? '').includes(key));
  const writesSent = () => requestPaths().filter((p) => !/\/(search|batch\/read)$/.test(p) && !p.startsWith('GET '));

  it.each([500, 504] as const)('with the key property: one note after a %i to the note write', async (status) => {
    sandbox.reset();
    const c = connector();
    const outcome = sampleOutcome(`outcome-${status}-key-abcdefgh`, Date.UTC(2026, 10, 2));
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/notes/batch/upsert$', times: 1, statusAfterCommit: status }]);
    const [first] = await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    const settled = first!.ok ? first! : (await c.writeOutcomes([again(outcome)], DEFAULT_SETTINGS))[0]!;
    expect(settled.ok).toBe(true);
    expect(sandbox.hubspot.find('notes', 'loyalty_lens_key', outcome.idempotencyKey)).toHaveLength(1);
  });

  it.each([500, 502, 503, 504] as const)('without the key property: one note after a %i to the note create, search index lagging', async (status) => {
    sandbox.reset();
    sandbox.hubspot.withoutProperty('loyalty_lens_key');
    // Search would not show the committed note for half a minute: the look-up must not depend on it.
    sandbox.hubspot.setSearchIndexLag(30_000);
    const c = connector();
    const outcome = sampleOutcome(`outcome-${status}-nokey-abcdefgh`, Date.UTC(2026, 10, 2));
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/notes(/batch/create)?$', times: 1, statusAfterCommit: status }]);
    const [first] = await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    const settled = first!.ok ? first! : (await c.writeOutcomes([again(outcome)], DEFAULT_SETTINGS))[0]!;
    expect(settled.ok).toBe(true);
    expect(notesCarrying(outcome.idempotencyKey)).toHaveLength(1);
    expect(sandbox.hubspot.portal(F.portals.main).associatedIds('notes', settled.crmRecordId!, 'contacts')).toContain(F.sampleContactId);
  });

  it('a repeated write sends only the look-up that proves it was done, and closes no ticket twice', async () => {
    sandbox.reset();
    const c = connector();
    const outcome = sampleOutcome('outcome-repeat-abcdefgh', Date.UTC(2026, 10, 2));
    const [first] = await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    expect(first!.ok).toBe(true);
    const updates = sandbox.stats().hubspot?.ticketUpdates;
    sandbox.clearLog();
    const [second] = await c.writeOutcomes([again(outcome)], DEFAULT_SETTINGS);
    expect(second).toMatchObject({ ok: true, crmRecordId: first!.crmRecordId });
    expect(writesSent()).toEqual([]);
    expect(sandbox.stats().hubspot?.ticketUpdates).toBe(updates);
    expect(sandbox.hubspot.find('notes', 'loyalty_lens_key', outcome.idempotencyKey)).toHaveLength(1);
  });

  it('without the key property, a repeated write finds the note by its contact (not search) and sends nothing else', async () => {
    sandbox.reset();
    sandbox.hubspot.withoutProperty('loyalty_lens_key');
    sandbox.hubspot.setSearchIndexLag(30_000);
    const c = connector();
    const outcome = sampleOutcome('outcome-repeat-nokey-abcdefgh', Date.UTC(2026, 10, 2));
    const [first] = await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    expect(first!.ok).toBe(true);
    sandbox.clearLog();
    const [second] = await c.writeOutcomes([again(outcome)], DEFAULT_SETTINGS);
    expect(second).toMatchObject({ ok: true, crmRecordId: first!.crmRecordId });
    expect(writesSent()).toEqual([]);
    expect(notesCarrying(outcome.idempotencyKey)).toHaveLength(1);
  });

  it.each([500, 503] as const)('without the key property: one follow-up ticket after a %i to its create', async (status) => {
    sandbox.reset();
    sandbox.hubspot.withoutProperty('loyalty_lens_key');
    sandbox.hubspot.setSearchIndexLag(30_000);
    const c = connector();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6 && r.contactKey === ctx.focusContactKeys[0])!;
    const before = sandbox.stats().hubspot?.tickets ?? 0;
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/tickets(/batch/create)?$', times: 1, statusAfterCommit: status }]);
    // The ticket the failed answer stood for is found by its contact and adopted at once.
    const opened = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect(opened.created).toBe(true);
    const asked = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect(asked).toMatchObject({ id: opened.id, created: false });
    expect((sandbox.stats().hubspot?.tickets ?? 0) - before).toBe(1);
    expect(sandbox.hubspot.portal(F.portals.main).associatedIds('tickets', opened.id, 'contacts')).toContain(F.sampleContactId);
  });

  it('without the key property: a note create HubSpot finishes after the client gave up is not sent again beside it, and is adopted once it must have ended', async () => {
    sandbox.reset();
    sandbox.hubspot.withoutProperty('loyalty_lens_key');
    const c = createHubSpotConnector({ token: F.tokens.main, apiBase: sandbox.httpUrl, timeoutMs: 2_500 });
    const outcome = sampleOutcome('outcome-late-nokey-abcdefgh', Date.UTC(2026, 10, 2));
    // The create reaches HubSpot and is committed 5 s later; the client stopped waiting at 2.5 s.
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/notes/batch/create$', times: 1, latencyMs: 5_000 }]);
    const [first] = await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    expect(first).toMatchObject({ ok: false, error: { kind: 'timeout', details: { retryAfterMs: UNCONFIRMED_WRITE_MS } } });
    expect(first).toMatchObject({ error: { message: expect.stringMatching(/may still be making it/) } });
    await vi.waitFor(() => expect(notesCarrying(outcome.idempotencyKey)).toHaveLength(1), { timeout: 10_000 });
    // Handed over again once the wait is over: the look-up finds the note and no second create is sent.
    const [second] = await c.writeOutcomes([{ ...again(outcome), lastErrorKind: 'timeout' }], DEFAULT_SETTINGS);
    expect(second).toMatchObject({ ok: true, crmRecordId: notesCarrying(outcome.idempotencyKey)[0]!.id });
    expect(notesCarrying(outcome.idempotencyKey)).toHaveLength(1);
  });

  it('without the key property: a multi-status answer to a note batch settles each outcome by the key its own note carries', async () => {
    sandbox.reset();
    sandbox.hubspot.withoutProperty('loyalty_lens_key');
    const c = connector();
    const refused = { ...sampleOutcome('outcome-207-a-abcdefgh', Date.UTC(2026, 10, 2)), followUpId: null };
    const saved = { ...sampleOutcome('outcome-207-b-abcdefgh', Date.UTC(2026, 10, 2)), followUpId: null };
    const noteId = sandbox.hubspot.records('notes', F.portals.main)[0]!.id;
    const now = new Date().toISOString();
    // HubSpot refused the first input and saved the second: its answer lists the second's note alone.
    sandbox.setFaults([
      {
        match: '^POST /crm/v3/objects/notes/batch/create$',
        times: 1,
        status: 207,
        body: {
          status: 'COMPLETE',
          startedAt: now,
          completedAt: now,
          results: [{ id: noteId, properties: { hs_note_body: noteBody(saved) }, createdAt: now, updatedAt: now, archived: false }],
          numErrors: 1,
          errors: [{ status: 'error', category: 'VALIDATION_ERROR', message: 'input 0 refused' }],
        },
      },
    ]);
    const [a, b] = await c.writeOutcomes([refused, saved], DEFAULT_SETTINGS);
    expect(a).toMatchObject({ ok: false });
    expect(b).toMatchObject({ ok: true, crmRecordId: noteId });
  });

  it('without the key property: a ticket create HubSpot finishes after the client gave up is not opened twice', async () => {
    sandbox.reset();
    sandbox.hubspot.withoutProperty('loyalty_lens_key');
    const c = createHubSpotConnector({ token: F.tokens.main, apiBase: sandbox.httpUrl, timeoutMs: 2_500 });
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6 && r.contactKey === ctx.focusContactKeys[0])!;
    const before = sandbox.stats().hubspot?.tickets ?? 0;
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/tickets$', times: 1, latencyMs: 5_000 }]);
    await expect(c.createFollowUp(response, DEFAULT_SETTINGS)).rejects.toThrow(/did not confirm the follow-up and may still be opening it\. Try again in 10 minutes/);
    await vi.waitFor(() => expect((sandbox.stats().hubspot?.tickets ?? 0) - before).toBe(1), { timeout: 10_000 });
    // Asked again at once: the ticket HubSpot made late is found and adopted, nothing else is created.
    const opened = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect(opened.created).toBe(false);
    expect((sandbox.stats().hubspot?.tickets ?? 0) - before).toBe(1);
  });

  it('with the key property: one follow-up ticket after a 502 to its upsert', async () => {
    sandbox.reset();
    const c = connector();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6 && r.contactKey === ctx.focusContactKeys[0])!;
    const before = sandbox.stats().hubspot?.tickets ?? 0;
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/tickets/batch/upsert$', times: 1, statusAfterCommit: 502 }]);
    const opened = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect((sandbox.stats().hubspot?.tickets ?? 0) - before).toBe(1);
    expect((await c.createFollowUp(response, DEFAULT_SETTINGS)).id).toBe(opened.id);
  });
});

describe('connecting', () => {
  /** HubSpot answers the token check with something else than the scopes (as it might for a Service Key). */
  const tokenCheckAnswers = (status: number, body: unknown) => sandbox.setFaults([{ match: '^POST /oauth/v2/private-apps/get/access-token-info', status, body }]);

  it('checks the token and reads the directory in one round of four requests, account-info once', async () => {
    await searchWindowPassed();
    const { info, directory } = await connectHubSpotToken(F.tokens.main, sandbox.httpUrl);
    expect(info).toMatchObject({ instance: F.portals.main, name: `HubSpot portal ${F.portals.main} (app.hubspot.com)`, missingScopes: [] });
    expect(directory).toMatchObject({ portalId: F.portals.main, currency: 'USD', ticketPipelines: expect.any(Object) });
    expect(directory.owners?.length).toBeGreaterThan(0);
    expect(requestPaths().sort()).toEqual([...DIRECTORY_PATHS].sort());
  });

  it('names the missing read scopes from the token check, in the order the admin meets them', async () => {
    await searchWindowPassed();
    const info = await checkHubSpotToken(F.tokens.missingScopes, sandbox.httpUrl);
    expect(info.missingScopes).toEqual(['tickets', 'crm.objects.feedback_submissions.read']);
    expect(requestPaths()).toHaveLength(4);
  });

  it('a key HubSpot refuses is refused, whichever request says so first', async () => {
    await expect(connectHubSpotToken(F.tokens.revoked, sandbox.httpUrl)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('a token check of another shape falls back to a probe per scope, with the same answer', async () => {
    tokenCheckAnswers(200, { status: 'ok', tokenType: 'SERVICE_KEY' });
    // What an earlier refused connect still had in flight is not this one's.
    await searchWindowPassed();
    const { info, directory } = await connectHubSpotToken(F.tokens.missingScopes, sandbox.httpUrl);
    expect(info).toMatchObject({ instance: F.portals.main, name: `HubSpot portal ${F.portals.main} (app.hubspot.com)` });
    expect(info.missingScopes).toEqual(['tickets', 'crm.objects.feedback_submissions.read']);
    expect(directory).toMatchObject({ portalId: F.portals.main, currency: 'USD' });
    expect(requestPaths().sort()).toEqual([...DIRECTORY_PATHS, ...PROBE_PATHS].sort());
  });

  it('a token check HubSpot refuses while the token reads the CRM falls back to the probes', async () => {
    for (const [status, category] of [
      [401, 'INVALID_AUTHENTICATION'],
      [403, 'MISSING_SCOPES'],
      [404, 'OBJECT_NOT_FOUND'],
      [400, 'VALIDATION_ERROR'],
    ] as const) {
      tokenCheckAnswers(status, { status: 'error', message: 'Not a private app token', correlationId: 'c0ffee00-0000-4000-8000-000000000000', category });
      const info = await checkHubSpotToken(F.tokens.main, sandbox.httpUrl);
      expect(info, `${status}`).toMatchObject({ instance: F.portals.main, missingScopes: [] });
    }
  });

  it('HubSpot unreachable or busy at the token check is the connect’s answer, not a reason to probe', async () => {
    sandbox.setFaults([{ match: '^POST /oauth/', dropAfterCommit: true }]);
    await expect(connectHubSpotToken(F.tokens.main, sandbox.httpUrl)).rejects.toMatchObject({ kind: 'network' });
    sandbox.setFaults([{ match: '^POST /oauth/', status: 429, body: { status: 'error', errorType: 'RATE_LIMIT', policyName: 'DAILY', message: 'You have reached your daily limit.' } }]);
    sandbox.clearLog();
    await expect(connectHubSpotToken(F.tokens.main, sandbox.httpUrl)).rejects.toMatchObject({ kind: 'daily-limit' });
    expect(requestPaths().filter((p) => PROBE_PATHS.includes(p))).toEqual([]);
  });

  it('a connection test checks the token again and names missing scopes', async () => {
    const c = createHubSpotConnector({ token: F.tokens.missingScopes, apiBase: sandbox.httpUrl });
    await searchWindowPassed();
    const info = await c.testConnection();
    expect(info).toMatchObject({ instance: F.portals.main, missingScopes: ['tickets', 'crm.objects.feedback_submissions.read'] });
    expect(requestPaths().sort()).toEqual([...DIRECTORY_PATHS].sort());
  });
});

describe('figures a rep can defend, worked out from the portal’s raw records', () => {
  const store = () => sandbox.hubspot.portal(F.portals.main);
  const key = (id: string) => `hubspot|40001|${id}`;
  const OPEN_STAGES = new Set(['1', '2', '3']);
  /** Open tickets (of the open stages) and open tasks, each with its first contact and company. */
  const openRows = () => {
    const s = store();
    const out: Array<{ id: string; contact: string | null; company: string | null }> = [];
    for (const type of ['tickets', 'tasks'] as const) {
      for (const row of s.table(type).values()) {
        const open = type === 'tickets' ? OPEN_STAGES.has(row.properties.hs_pipeline_stage ?? '') : row.properties.hs_task_status !== 'COMPLETED';
        if (open) out.push({ id: row.id, contact: s.associatedIds(type, row.id, 'contacts')[0] ?? null, company: s.associatedIds(type, row.id, 'companies')[0] ?? null });
      }
    }
    return out;
  };
  /** The rule (README): a view's contacts' rows, and its company's rows that name no contact. */
  const byRule = (contacts: string[], company: string | null) =>
    openRows()
      .filter((r) => (r.contact !== null ? contacts.includes(r.contact) : r.company !== null && r.company === company))
      .map((r) => r.id)
      .sort();
  const shown = async (db: LoyaltyLensDb, r: RecordRef) => {
    const result = await loadPanelData(db, r, DEFAULT_SETTINGS, Date.now(), 25);
    return result.status === 'found' ? result.data.followUps.map((f) => f.followUp.id).sort() : null;
  };

  it('a deal with several contacts lists their follow-ups, each row with its contact', async () => {
    const s = store();
    const deal = [...s.table('deals').keys()]
      .find((id) => {
        const contacts = s.associatedIds('deals', id, 'contacts');
        return contacts.length >= 2 && byRule(contacts, s.associatedIds('deals', id, 'companies')[0] ?? null).length >= 1;
      })!;
    const contacts = s.associatedIds('deals', deal, 'contacts');
    const company = s.associatedIds('deals', deal, 'companies')[0] ?? null;
    const db = new LoyaltyLensDb(`figures-deal-${Date.now()}`);
    const ctx = await connector().loadContext(ref('deal', deal), DEFAULT_SETTINGS);
    await saveRecordContext(db, ctx);
    const expected = byRule(contacts, company);
    expect(expected.length).toBeGreaterThanOrEqual(1);
    expect(await shown(db, ref('deal', deal))).toEqual(expected);
    const rows = await db.followUps.bulkGet(expected.map(key));
    for (const row of rows) {
      const raw = openRows().find((r) => r.id === row!.id)!;
      expect(row!.contactKey).toBe(raw.contact ? key(raw.contact) : null);
    }
    await db.delete();
  });

  it.each([
    [['contact', 'company', 'sibling', 'contact']],
    [['sibling', 'contact', 'company', 'sibling', 'contact']],
    [['company', 'sibling', 'contact', 'company']],
  ] as const)('visiting %j, every view keeps its follow-ups (the sample contact keeps its task)', async (order) => {
    const s = store();
    const sibling = s.associatedIds('companies', F.companyId, 'contacts').find((id) => id !== F.sampleContactId && byRule([id], F.companyId).length > 0) ?? s.associatedIds('companies', F.companyId, 'contacts').find((id) => id !== F.sampleContactId)!;
    const views = { contact: ref('contact', F.sampleContactId), sibling: ref('contact', sibling), company: ref('company', F.companyId) };
    const companyContacts = s.associatedIds('companies', F.companyId, 'contacts');
    const expected = { contact: byRule([F.sampleContactId], F.companyId), sibling: byRule([sibling], F.companyId), company: byRule(companyContacts, F.companyId) };
    expect(expected.contact.length).toBeGreaterThanOrEqual(2);
    const db = new LoyaltyLensDb(`figures-visits-${Date.now()}`);
    const c = connector();
    const visited = new Set<string>();
    for (const step of order) {
      await saveRecordContext(db, await c.loadContext(views[step], DEFAULT_SETTINGS));
      visited.add(step);
      for (const seen of visited) expect([seen, await shown(db, views[seen as keyof typeof views])]).toEqual([seen, expected[seen as keyof typeof expected]]);
    }
    await db.delete();
  });

  it('a second contact of a company opened within a minute shares the company’s reads: two searches', async () => {
    const c = connector();
    const s = store();
    const [first, second] = s.associatedIds('companies', F.companyId, 'contacts').filter((id) => id !== F.sampleContactId);
    await c.loadContext(ref('contact', first!), DEFAULT_SETTINGS);
    await searchWindowPassed();
    const ctx = await c.loadContext(ref('contact', second!), DEFAULT_SETTINGS);
    expect(requestPaths().sort()).toEqual(['POST /crm/v3/objects/tasks/search', 'POST /crm/v3/objects/tickets/search']);
    // The same view as one read alone, afresh.
    expect(summary(ctx)).toEqual(summary(await c.loadContext(ref('contact', second!), DEFAULT_SETTINGS, { fresh: true })));
  });

  it.each([
    ['latestPerContact', null],
    ['window', 'window'],
    ['weightedByRole', 'weightedByRole'],
  ] as const)('the 2,500-contact company under %s: people by their latest NPS rating, any other method named as not countable', async (method, unavailable) => {
    const s = store();
    const expected = { promoters: 0, passives: 0, detractors: 0 };
    for (const id of s.associatedIds('companies', F.bigCompanyId, 'contacts')) {
      const rating = s.get('contacts', id)!.properties.hs_feedback_last_nps_rating;
      if (rating == null || !/^\d{1,2}$/.test(rating) || Number(rating) > 10) continue;
      const n = Number(rating);
      expected[n >= 9 ? 'promoters' : n >= 7 ? 'passives' : 'detractors'] += 1;
    }
    const settings: Settings = { ...DEFAULT_SETTINGS, rules: { ...DEFAULT_SETTINGS.rules, rollup: { ...DEFAULT_SETTINGS.rules.rollup, method } } };
    const counts = (await connector().loadContext(ref('company', F.bigCompanyId), settings)).accountCounts!;
    expect({ promoters: counts.promoters, passives: counts.passives, detractors: counts.detractors }).toEqual(expected);
    expect([counts.method, counts.counted, counts.unavailable]).toEqual(['latestPerContact', 'people', unavailable]);
  });
});
