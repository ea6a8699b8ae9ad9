import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoyaltyLensDb } from '../../core/db';
import { markRefreshFailed, markRefreshing, purgeCachedBefore, saveLoopHistory, saveRecordContext } from '../../core/store';
import { loadPanelData, watchPanelData, type PanelQueryResult } from '../../core/panel-data';
import { NO_CONTACT_FILTER } from '../../core/contact-list';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { enqueueOutcome } from '../../core/outbox';
import { Dexie } from 'dexie';
import { refKey, rowKey, type FollowUp, type RecordContext, type RecordRef } from '../../core/schema';
import { contact, context, loop, response } from './cache-rows';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 10, 22, 12, 0);
let db: LoyaltyLensDb;
let n = 0;

const ref51: RecordRef = { crm: 'hubspot', instance: '40001', objectType: 'contact', id: '51' };
const ref52: RecordRef = { crm: 'hubspot', instance: '40001', objectType: 'contact', id: '52' };

beforeEach(() => {
  db = new LoyaltyLensDb(`store-test-${++n}`);
});
afterEach(async () => {
  await db.delete();
});

describe('saveRecordContext', () => {
  it('stores the view and its rows, and a refresh replaces rows deleted in the CRM', async () => {
    await saveRecordContext(db, context(ref51, NOW, [response('1', '51', null, 9, NOW - DAY), response('2', '51', null, 3, NOW)], [contact('51', null)]));
    expect(await db.responses.count()).toBe(2);
    expect(await db.views.get(refKey(ref51))).toMatchObject({ title: 'Record 51', fetchedAt: NOW, error: null, refreshing: false });
    await saveRecordContext(db, context(ref51, NOW + 1000, [response('2', '51', null, 3, NOW)], [contact('51', null)]));
    expect((await db.responses.toArray()).map((r) => r.id)).toEqual(['2']);
    expect(await db.rejections.count()).toBe(1);
  });

  it("saving one record's many answers does not make another record's open panel read again", async () => {
    await saveRecordContext(db, context(ref51, NOW, [response('1', '51', 'A', 9, NOW)], [contact('51', 'A')]));
    const shown: PanelQueryResult[] = [];
    const stop = watchPanelData(db, ref51, DEFAULT_SETTINGS, 10, NO_CONTACT_FILTER, (result) => shown.push(result), () => undefined);
    const settle = () => new Promise((done) => setTimeout(done, 200));
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    // Another account's contact with 60 answers: a bulk write of 50 rows or more would count as a write of the whole table.
    const many = Array.from({ length: 60 }, (_, i) => response(`b${i}`, '52', 'B', i % 11, NOW - i * DAY));
    await saveRecordContext(db, context(ref52, NOW, many, [contact('52', 'B')]));
    await settle();
    expect(shown).toHaveLength(1);
    // A new answer of the record shown does reach its panel.
    await saveRecordContext(db, context(ref51, NOW + 1000, [response('1', '51', 'A', 9, NOW), response('3', '51', 'A', 2, NOW + 500)], [contact('51', 'A')]));
    await vi.waitFor(() => expect(shown.length).toBeGreaterThan(1));
    const last = shown.at(-1)!;
    expect(last.status === 'found' && last.data.focus[0]!.responses.map((r) => r.score)).toEqual([9, 2]);
    stop();
  });

  it('keeps the cached rows and their age when a refresh fails', async () => {
    await saveRecordContext(db, context(ref51, NOW, [response('1', '51', null, 9, NOW)], [contact('51', null)]));
    await markRefreshing(db, ref51);
    await markRefreshFailed(db, ref51, { kind: 'network', message: 'HubSpot cannot be reached.' }, NOW + 5000);
    const view = await db.views.get(refKey(ref51));
    expect(view).toMatchObject({ fetchedAt: NOW, refreshing: false, error: { kind: 'network', at: NOW + 5000 } });
    expect(await db.responses.count()).toBe(1);
  });
});

describe('one cache that stays right: each view keeps its follow-ups', () => {
  // Company 900 with contacts 51 and 52. 51 has ticket T1 and task K1 (linked to 51 only); 52 has ticket T2; the
  // company has task A1 that names no contact. A contact read (HubSpot's) sees its own rows; the company read sees
  // every row linked to the company, which K1 is not.
  const company: RecordRef = { crm: 'hubspot', instance: '40001', objectType: 'company', id: '900' };
  const account = {
    key: rowKey('hubspot', '40001', '900'),
    crm: 'hubspot' as const,
    instance: '40001',
    id: '900',
    name: 'Acme',
    ownerId: null,
    ownerName: null,
    revenue: 0,
    revenueSource: 'openPipeline' as const,
    revenueLabel: '',
    currency: 'USD',
    contactCount: 2,
    url: null,
  };
  const row = (id: string, contactId: string | null, kind: FollowUp['kind'] = 'ticket'): FollowUp => ({
    key: rowKey('hubspot', '40001', id),
    crm: 'hubspot',
    instance: '40001',
    id,
    kind,
    contactKey: contactId ? rowKey('hubspot', '40001', contactId) : null,
    accountKey: account.key,
    responseKey: null,
    title: id,
    status: 'open',
    statusLabel: null,
    ownerId: null,
    ownerName: null,
    createdAt: NOW - DAY,
    dueAt: null,
    url: null,
  });
  const contacts = [contact('51', '900'), contact('52', '900')];
  const open = { T1: row('T1', '51'), K1: row('K1', '51', 'task'), T2: row('T2', '52'), A1: row('A1', null, 'task') };
  type Open = Partial<typeof open>;
  const read = (ref: RecordRef, rows: Open, at: number): RecordContext => ({
    ...context(ref, at, [], contacts),
    account,
    followUps: Object.values(rows).filter((f): f is FollowUp => f !== undefined),
    followUpsRead: ref.objectType === 'company' ? 'account' : 'focus',
  });
  const visits = {
    '51': (rows: Open, at: number) => read(ref51, { T1: rows.T1, K1: rows.K1 }, at),
    '52': (rows: Open, at: number) => read(ref52, { T2: rows.T2 }, at),
    company: (rows: Open, at: number) => read(company, { T1: rows.T1, T2: rows.T2, A1: rows.A1 }, at),
  };
  const shown = async (ref: RecordRef) => {
    const result = await loadPanelData(db, ref, DEFAULT_SETTINGS, NOW, 25);
    return result.status === 'found' ? result.data.followUps.map((f) => f.followUp.id).sort() : null;
  };
  // What each view lists by the rule once the company was read: 51 its own and the company's A1; 52 likewise; the
  // company every row linked to it. Before the company is read, a contact view lists only what its own read found.
  const expected = (visited: Set<string>) => ({
    '51': visited.has('51') ? (visited.has('company') ? ['A1', 'K1', 'T1'] : ['K1', 'T1']) : null,
    '52': visited.has('52') ? (visited.has('company') ? ['A1', 'T2'] : ['T2']) : null,
    company: visited.has('company') ? ['A1', 'T1', 'T2'] : null,
  });

  it.each([
    [['51', '52', 'company', '51', '52']],
    [['51', 'company', '52', '51']],
    [['company', '52', '51', 'company', '52']],
    [['52', '51', '52', 'company', '51', 'company']],
  ] as const)('visiting %j, every view shows its follow-ups after each step', async (order) => {
    const visited = new Set<string>();
    let at = NOW;
    for (const step of order) {
      await saveRecordContext(db, visits[step](open, (at += 1000)));
      visited.add(step);
      const want = expected(visited);
      expect({ '51': await shown(ref51), '52': await shown(ref52), company: await shown(company) }).toEqual(want);
    }
  });

  it('a follow-up closed in the CRM leaves every view when a read that covers it no longer finds it', async () => {
    await saveRecordContext(db, visits.company(open, NOW));
    await saveRecordContext(db, visits['51'](open, NOW + 1000));
    expect(await shown(company)).toEqual(['A1', 'T1', 'T2']);
    // T1 closed: 51's own read no longer lists it.
    const { T1: _closed, ...rest } = open;
    await saveRecordContext(db, visits['51'](rest, NOW + 2000));
    expect(await shown(ref51)).toEqual(['A1', 'K1']);
    expect(await shown(company)).toEqual(['A1', 'T2']);
    // A1 closed: only the company's read covers it.
    const { A1: _done, ...left } = rest;
    await saveRecordContext(db, visits['51'](left, NOW + 3000));
    expect(await shown(ref51)).toEqual(['A1', 'K1']);
    await saveRecordContext(db, visits.company(left, NOW + 4000));
    expect(await shown(ref51)).toEqual(['K1']);
    expect(await shown(company)).toEqual(['T2']);
  });
});

describe('loop history', () => {
  const loopIds = async () => (await db.loops.toArray()).map((l) => l.id).sort();

  it('a view read with its loop history replaces the cached one and says when it was read', async () => {
    await saveRecordContext(db, { ...context(ref51, NOW, [], [contact('51', null)]), loops: [loop('7', '51', NOW - DAY)] });
    expect(await db.views.get(refKey(ref51))).toMatchObject({ loopsReadAt: NOW });
    await saveRecordContext(db, { ...context(ref51, NOW + 1000, [], [contact('51', null)]), loops: [loop('8', '51', NOW)] });
    expect(await loopIds()).toEqual(['8']);
    expect(await db.views.get(refKey(ref51))).toMatchObject({ loopsReadAt: NOW + 1000 });
  });

  it('a view read without it leaves the history read before, with its time', async () => {
    await saveRecordContext(db, { ...context(ref51, NOW, [], [contact('51', null)]), loops: null });
    expect(await db.views.get(refKey(ref51))).toMatchObject({ loopsReadAt: null });
    await saveLoopHistory(db, ref51, [rowKey('hubspot', '40001', '51')], [loop('7', '51', NOW - DAY), loop('9', '51', NOW)], NOW + 500);
    expect(await loopIds()).toEqual(['7', '9']);
    await saveRecordContext(db, { ...context(ref51, NOW + 1000, [], [contact('51', null)]), loops: null });
    expect(await loopIds()).toEqual(['7', '9']);
    expect(await db.views.get(refKey(ref51))).toMatchObject({ fetchedAt: NOW + 1000, loopsReadAt: NOW + 500 });
    // A later read finds one note gone (deleted in the CRM): it goes here too.
    await saveLoopHistory(db, ref51, [rowKey('hubspot', '40001', '51')], [loop('9', '51', NOW)], NOW + 2000);
    expect(await loopIds()).toEqual(['9']);
  });
});

describe('database upgrades', () => {
  it('v2 → v3: Salesforce views carried their loop history; HubSpot views drop theirs and offer to read it', async () => {
    const name = `store-upgrade-${++n}`;
    const v2 = new Dexie(name);
    v2.version(2).stores({ views: 'key, fetchedAt', loops: 'key, [contactKey+loggedAt]' });
    const salesforceRef: RecordRef = { crm: 'salesforce', instance: 'acme.my.salesforce.com', objectType: 'contact', id: '003000000000001AAA' };
    await v2.table('views').bulkPut([
      { key: refKey(ref51), ref: ref51, fetchedAt: NOW },
      { key: refKey(salesforceRef), ref: salesforceRef, fetchedAt: NOW - 1000 },
    ]);
    await v2.table('loops').bulkPut([loop('7', '51', NOW - DAY), { ...loop('8', '51', NOW), key: 'salesforce|acme.my.salesforce.com|00T8', crm: 'salesforce' }]);
    v2.close();
    const upgraded = new LoyaltyLensDb(name);
    expect(await upgraded.views.get(refKey(ref51))).toMatchObject({ loopsReadAt: null });
    expect(await upgraded.views.get(refKey(salesforceRef))).toMatchObject({ loopsReadAt: NOW - 1000 });
    expect((await upgraded.loops.toArray()).map((l) => l.crm)).toEqual(['salesforce']);
    await upgraded.delete();
  });
});

describe('retention purge (moved clock)', () => {
  it('deletes survey data older than the retention period and keeps fresher records and every outcome', async () => {
    const old = NOW - 31 * DAY;
    await saveRecordContext(db, context(ref51, old, [response('1', '51', null, 2, old)], [contact('51', null)]));
    await saveRecordContext(db, context(ref52, NOW - DAY, [response('2', '52', null, 10, NOW - DAY)], [contact('52', null)]));
    await enqueueOutcome(
      db,
      { ref: ref51, contactId: '51', followUpId: null, responseId: '1', result: 'no-answer', rootCauses: [], note: '', nextStep: null, thanked: false, closeFollowUp: false },
      'purge-test-key-0001',
      old,
      null,
    );
    const purged = await purgeCachedBefore(db, NOW - 30 * DAY);
    expect(purged).toBe(1);
    expect(await db.views.get(refKey(ref51))).toBeUndefined();
    expect((await db.responses.toArray()).map((r) => r.id)).toEqual(['2']);
    expect((await db.contacts.toArray()).map((c) => c.id)).toEqual(['52']);
    expect(await db.outcomes.count()).toBe(1);
  });

  it('purges nothing while everything is within the period', async () => {
    await saveRecordContext(db, context(ref51, NOW, [response('1', '51', null, 2, NOW)], [contact('51', null)]));
    expect(await purgeCachedBefore(db, NOW - 30 * DAY)).toBe(0);
    expect(await db.responses.count()).toBe(1);
  });
});
