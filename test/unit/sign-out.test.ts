import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db } from '../../core/db';
import { CONNECTIONS_KEY } from '../../core/messaging';
import { enqueueOutcome } from '../../core/outbox';
import { saveRecordContext } from '../../core/store';
import { rowKey, type RecordContext, type RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { signOut, wipeLocalData } from '../../entrypoints/background/outcomes';
import { readHubSpotToken, readSalesforceTokens, storeHubSpotToken, storeSalesforceTokens } from '../../entrypoints/background/credentials';
import { readLoopHistory } from '../../entrypoints/background/loop-history';
import { refreshRecord, type RefreshDeps } from '../../entrypoints/background/refresh';
import { forgetSalesforceSession, salesforceSession } from '../../entrypoints/background/salesforce-auth';
import type { CrmConnector } from '../../integrations/crm';
import { createHubSpotConnector } from '../../integrations/hubspot/connector';
import { HUBSPOT_FIXTURES as F } from '../../sandbox/hubspot/seed';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';

// Signing out forgets the CRM's credentials and its cached customer data, and never drops a queued
// outcome without the user's choice; wiping local data keeps queued outcomes unless told otherwise.

const NOW = Date.UTC(2026, 10, 22, 12);
const hubspotRef: RecordRef = { crm: 'hubspot', instance: '40001', objectType: 'contact', id: '111' };
const salesforceRef: RecordRef = { crm: 'salesforce', instance: 'acme.my.salesforce.com', objectType: 'contact', id: '003000000000001AAA' };

function context(ref: RecordRef): RecordContext {
  const contactKey = rowKey(ref.crm, ref.instance, ref.id);
  return {
    ref,
    title: 'Dana',
    focusContactKeys: [contactKey],
    account: null,
    accountCounts: null,
    contacts: [
      { key: contactKey, crm: ref.crm, instance: ref.instance, id: ref.id, accountKey: null, kind: 'contact', name: 'Dana', email: 'dana@example.com', title: null, ownerName: null, role: null, lastSurveyedAt: null, url: null },
    ],
    responses: [
      {
        key: rowKey(ref.crm, ref.instance, `r${ref.id}`),
        crm: ref.crm,
        instance: ref.instance,
        id: `r${ref.id}`,
        contactKey,
        accountKey: null,
        kind: 'nps',
        score: 3,
        scaleMax: 10,
        submittedAt: NOW - 86_400_000,
        comment: 'Invoices were wrong',
        surveyName: null,
        channel: null,
        source: 'test',
        subjectId: null,
      },
    ],
    followUps: [],
    followUpsRead: 'focusAndAccount',
    loops: [],
    rejected: [],
    requestCount: 1,
    fetchedAt: NOW,
  };
}

const outcomeFor = (ref: RecordRef) => ({
  ref,
  contactId: ref.id,
  followUpId: null,
  responseId: null,
  result: 'no-answer' as const,
  rootCauses: [],
  note: '',
  nextStep: null,
  thanked: false,
  closeFollowUp: false,
});

beforeEach(async () => {
  fakeBrowser.reset();
  await Promise.all(db.tables.map((table) => table.clear()));
  await saveRecordContext(db, context(hubspotRef));
  await saveRecordContext(db, context(salesforceRef));
  await storeHubSpotToken('pat-na1-test-token');
  await fakeBrowser.storage.local.set({ [CONNECTIONS_KEY]: { hubspot: { crm: 'hubspot', instance: '40001', name: 'Portal', user: null, missingScopes: [], usage: null, connectedAt: NOW } } });
  await db.directories.put({ crm: 'hubspot', value: { portalId: '40001', currency: 'USD', owners: [['7', 'Raj Patel']], ticketPipelines: null, fetchedAt: NOW } });
});

describe('signing out of a CRM', () => {
  it('forgets its token, its connection and its cached customer data, and keeps the other CRM’s', async () => {
    expect(await signOut('hubspot', 'discard', async () => ({ sent: 0 }))).toEqual({ sent: 0, discarded: 0 });
    expect(await readHubSpotToken()).toBeNull();
    expect((await fakeBrowser.storage.local.get(CONNECTIONS_KEY))[CONNECTIONS_KEY]).toEqual({});
    const left = await db.responses.toArray();
    expect(left.map((r) => r.crm)).toEqual(['salesforce']);
    expect((await db.contacts.toArray()).map((c) => c.crm)).toEqual(['salesforce']);
    expect((await db.views.toArray()).map((v) => v.ref.crm)).toEqual(['salesforce']);
    // Colleagues' names read from the portal go too.
    expect(await db.directories.get('hubspot')).toBeUndefined();
  });

  it('discards queued outcomes only when asked, and says how many', async () => {
    await enqueueOutcome(db, outcomeFor(hubspotRef), 'queued-key-000000001', NOW, null);
    await enqueueOutcome(db, outcomeFor(salesforceRef), 'queued-key-000000002', NOW, null);
    expect(await signOut('hubspot', 'discard', async () => ({ sent: 0 }))).toEqual({ sent: 0, discarded: 1 });
    expect((await db.outcomes.toArray()).map((o) => o.crm)).toEqual(['salesforce']);
  });

  it('stays signed in when queued outcomes could not be sent first', async () => {
    await enqueueOutcome(db, outcomeFor(hubspotRef), 'queued-key-000000001', NOW, null);
    await expect(signOut('hubspot', 'send-first', async () => ({ sent: 0 }))).rejects.toThrow(/1 outcome\(s\) could not be sent yet/);
    expect(await readHubSpotToken()).toBe('pat-na1-test-token');
    expect(await db.outcomes.count()).toBe(1);
    expect(await db.responses.count()).toBe(2);
  });
});

describe('wiping local data', () => {
  it('removes every cached customer row but keeps queued outcomes by default', async () => {
    await enqueueOutcome(db, outcomeFor(hubspotRef), 'queued-key-000000001', NOW, null);
    expect(await wipeLocalData('keep')).toEqual({ keptQueued: 1, discardedQueued: 0 });
    expect(await db.responses.count()).toBe(0);
    expect(await db.contacts.count()).toBe(0);
    expect(await db.outcomes.count()).toBe(1);
  });

  it('discards queued outcomes when the user chose to', async () => {
    await enqueueOutcome(db, outcomeFor(hubspotRef), 'queued-key-000000001', NOW, null);
    expect(await wipeLocalData('discard')).toEqual({ keptQueued: 0, discardedQueued: 1 });
    expect(await db.outcomes.count()).toBe(0);
  });
});

/** Everything cached for a CRM that a person wrote or is: contacts (names, emails), answers (comments), loop notes. */
async function customerRowsOf(crm: 'hubspot' | 'salesforce') {
  const [views, contacts, responses, loops] = await Promise.all([db.views.toArray(), db.contacts.toArray(), db.responses.toArray(), db.loops.toArray()]);
  return {
    views: views.filter((v) => v.ref.crm === crm).length,
    contacts: contacts.filter((c) => c.crm === crm).length,
    responses: responses.filter((r) => r.crm === crm).length,
    loops: loops.filter((l) => l.crm === crm).length,
  };
}
const NOTHING = { views: 0, contacts: 0, responses: 0, loops: 0 };
const noDelivery = async () => ({ sent: 0 });

describe('a record read from the CRM while the user signs out', () => {
  let sandbox: RunningSandbox;
  const sample: RecordRef = { crm: 'hubspot', instance: F.portals.main, objectType: 'contact', id: F.sampleContactId };
  const real = () => createHubSpotConnector({ token: F.tokens.main, apiBase: sandbox.httpUrl });
  /** The background's refresh, reading the sandbox portal; `between` runs after the CRM answered, before the cache write. */
  const deps = (between?: () => Promise<unknown> | void): RefreshDeps => ({
    settings: async () => DEFAULT_SETTINGS,
    missingPermission: async () => null,
    connectorFor: async () => {
      const connector = real();
      const answered = async <T>(read: Promise<T>): Promise<T> => {
        const value = await read;
        await between?.();
        return value;
      };
      return {
        ...connector,
        loadContext: (...args: Parameters<CrmConnector['loadContext']>) => answered(connector.loadContext(...args)),
        loadLoopHistory: (...args: Parameters<NonNullable<CrmConnector['loadLoopHistory']>>) => answered(connector.loadLoopHistory!(...args)),
      } as CrmConnector;
    },
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
  });
  afterAll(async () => sandbox?.close());
  beforeEach(async () => {
    await db.views.clear();
    await db.contacts.clear();
    await db.responses.clear();
    await db.loops.clear();
  });

  it('written before the sign-out: the sign-out removes it with the rest', async () => {
    await refreshRecord(sample, deps(), { force: true });
    const read = await customerRowsOf('hubspot');
    expect(read.contacts).toBeGreaterThan(0);
    expect(read.responses).toBeGreaterThan(0);
    await signOut('hubspot', 'discard', noDelivery);
    expect(await customerRowsOf('hubspot')).toEqual(NOTHING);
  });

  it('answered after the sign-out: nothing it read is written back, and the read says why', async () => {
    const reading = refreshRecord(sample, deps(() => signOut('hubspot', 'discard', noDelivery)), { force: true });
    await expect(reading).rejects.toThrow(/signed out or wiped local data while this record was loading/);
    expect(await customerRowsOf('hubspot')).toEqual(NOTHING);
    expect(await readHubSpotToken()).toBeNull();
  });

  it('answered as the sign-out begins: the sign-out still wins', async () => {
    let signingOut: Promise<unknown> = Promise.resolve();
    const reading = refreshRecord(
      sample,
      deps(() => {
        signingOut = signOut('hubspot', 'discard', noDelivery);
      }),
      { force: true },
    );
    await Promise.allSettled([reading, signingOut]);
    await signingOut;
    expect(await customerRowsOf('hubspot')).toEqual(NOTHING);
  });

  it('answered after a wipe of local data: nothing it read is written back, and the CRM stays connected', async () => {
    const reading = refreshRecord(sample, deps(() => wipeLocalData('keep')), { force: true });
    await expect(reading).rejects.toThrow(/was not kept/);
    expect(await customerRowsOf('hubspot')).toEqual(NOTHING);
    expect(await readHubSpotToken()).toBe('pat-na1-test-token');
  });

  it('loop history answered after the sign-out is not written back either', async () => {
    await refreshRecord(sample, deps(), { force: true });
    const reading = readLoopHistory(sample, deps(() => signOut('hubspot', 'discard', noDelivery)));
    await expect(reading).rejects.toThrow(/was not kept/);
    expect(await customerRowsOf('hubspot')).toEqual(NOTHING);
  });
});

describe('a Salesforce token refresh while the user signs out', () => {
  const stored = {
    loginHost: 'login.salesforce.com',
    consumerKey: '3MVG9key',
    tokens: {
      accessToken: '00DHn00000Loya1!AQold',
      refreshToken: '5Aep861old',
      instanceUrl: 'https://acme.my.salesforce.com',
      idUrl: 'https://login.salesforce.com/id/00DHn00000Loya1MAC/005Hn000000047SIAQ',
      issuedAt: NOW,
      scope: 'api refresh_token',
    },
  };
  const rotated = {
    access_token: '00DHn00000Loya1!AQnew',
    refresh_token: '5Aep861rotated',
    instance_url: 'https://acme.my.salesforce.com',
    id: 'https://login.salesforce.com/id/00DHn00000Loya1MAC/005Hn000000047SIAQ',
    issued_at: String(NOW + 1),
  };
  /** Salesforce's token endpoint, answering when the test says so. */
  let answer: () => void;
  const tokenRequests: string[] = [];

  beforeEach(async () => {
    forgetSalesforceSession();
    tokenRequests.length = 0;
    await storeSalesforceTokens(stored);
    await fakeBrowser.storage.local.set({
      [CONNECTIONS_KEY]: { salesforce: { crm: 'salesforce', instance: 'acme.my.salesforce.com', name: 'Acme', user: null, missingScopes: [], usage: null, connectedAt: NOW } },
    });
    vi.stubGlobal('fetch', (input: string | URL | Request) => {
      tokenRequests.push(String(input instanceof Request ? input.url : input));
      return new Promise<Response>((resolve) => {
        answer = () => resolve(new Response(JSON.stringify(rotated), { status: 200, headers: { 'content-type': 'application/json' } }));
      });
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  /** What the next worker start finds: a session to restore, or none. */
  async function afterWorkerRestart(): Promise<string | null> {
    forgetSalesforceSession();
    return salesforceSession().then(
      (session) => session.tokens.refreshToken,
      () => null,
    );
  }

  it('answered before the sign-out: the rotated token is stored, then the sign-out removes it', async () => {
    const session = await salesforceSession();
    const refreshing = session.refresh(session.accessToken);
    await vi.waitFor(() => expect(tokenRequests).toEqual(['https://login.salesforce.com/services/oauth2/token']));
    answer();
    await refreshing;
    expect(await afterWorkerRestart()).toBe('5Aep861rotated');
    await signOut('salesforce', 'discard', noDelivery);
    expect(await readSalesforceTokens()).toBeNull();
    expect(await afterWorkerRestart()).toBeNull();
  });

  it('answered after the sign-out: no refresh token is stored, and the next worker start is signed out', async () => {
    const session = await salesforceSession();
    const refreshing = session.refresh(session.accessToken);
    await vi.waitFor(() => expect(tokenRequests).toHaveLength(1));
    await signOut('salesforce', 'discard', noDelivery);
    answer();
    await expect(refreshing).rejects.toThrow(/signed out of Salesforce/);
    expect(await readSalesforceTokens()).toBeNull();
    expect(await afterWorkerRestart()).toBeNull();
  });

  it('answered as the sign-out begins: no refresh token survives it', async () => {
    const session = await salesforceSession();
    const refreshing = session.refresh(session.accessToken);
    await vi.waitFor(() => expect(tokenRequests).toHaveLength(1));
    const signingOut = signOut('salesforce', 'discard', noDelivery);
    answer();
    await Promise.allSettled([refreshing, signingOut]);
    await signingOut;
    expect(await readSalesforceTokens()).toBeNull();
    expect(await afterWorkerRestart()).toBeNull();
  });
});
