import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db } from '../../core/db';
import { CONNECTIONS_KEY } from '../../core/messaging';
import { enqueueOutcome } from '../../core/outbox';
import { saveRecordContext } from '../../core/store';
import { rowKey, type RecordContext, type RecordRef } from '../../core/schema';
import { signOut, wipeLocalData } from '../../entrypoints/background/outcomes';
import { readHubSpotToken, storeHubSpotToken } from '../../entrypoints/background/credentials';

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
