import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../core/db';
import { refKey, rowKey, type LoopRecord, type RecordContext, type RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import type { CrmConnector } from '../../integrations/crm';
import { readLoopHistory } from '../../entrypoints/background/loop-history';
import { refreshRecord, type RefreshDeps } from '../../entrypoints/background/refresh';

// How the background reads a record: which read the connector is asked for, and when the team's loop
// history (left out of a HubSpot view to save a request) is read with it.

const NOW = Date.UTC(2026, 10, 22, 12);
const ref: RecordRef = { crm: 'hubspot', instance: '40001', objectType: 'contact', id: '111' };
const contactKey = rowKey('hubspot', '40001', '111');

function context(loops: LoopRecord[] | null): RecordContext {
  return {
    ref,
    title: 'Dana',
    focusContactKeys: [contactKey],
    account: null,
    accountCounts: null,
    contacts: [
      { key: contactKey, crm: 'hubspot', instance: '40001', id: '111', accountKey: null, kind: 'contact', name: 'Dana', email: null, title: null, ownerName: null, role: null, lastSurveyedAt: null, url: null },
    ],
    responses: [],
    followUps: [],
    followUpsRead: 'focusAndAccount',
    loops,
    rejected: [],
    requestCount: 5,
    fetchedAt: NOW,
  };
}

const loop: LoopRecord = {
  key: rowKey('hubspot', '40001', '9001'),
  crm: 'hubspot',
  instance: '40001',
  id: '9001',
  contactKey,
  idempotencyKey: 'outcome-0001-abcdefgh',
  loggedAt: NOW - 3_600_000,
  loggedBy: 'Maya Lindgren',
  result: 'reached-resolved',
  rootCauses: [],
  summary: 'Refund agreed.',
  url: null,
};

function fakeConnector(options: { loopsInView: boolean }) {
  const loadContext = vi.fn(async () => context(options.loopsInView ? [loop] : null));
  const loadLoopHistory = vi.fn(async () => [loop]);
  const connector = { crm: 'hubspot', loadContext, ...(options.loopsInView ? {} : { loadLoopHistory }) } as unknown as CrmConnector;
  const deps: RefreshDeps = { connectorFor: async () => connector, settings: async () => DEFAULT_SETTINGS, missingPermission: async () => null };
  return { loadContext, loadLoopHistory, deps };
}

beforeEach(async () => {
  await Promise.all(db.tables.map((t) => t.clear()));
});

describe('reading a record in the background', () => {
  it('reads the loop history only once asked for, then with every refresh of that record', async () => {
    const { loadLoopHistory, deps } = fakeConnector({ loopsInView: false });
    await refreshRecord(ref, deps, { force: true });
    expect(loadLoopHistory).not.toHaveBeenCalled();
    expect(await db.views.get(refKey(ref))).toMatchObject({ loopsReadAt: null });

    await readLoopHistory(ref, deps);
    expect(loadLoopHistory).toHaveBeenCalledWith(ref, ['111']);
    expect(await db.loops.toArray()).toEqual([loop]);
    expect((await db.views.get(refKey(ref)))?.loopsReadAt).toBeGreaterThanOrEqual(NOW);

    await refreshRecord(ref, deps, { force: true });
    expect(loadLoopHistory).toHaveBeenCalledTimes(2);
    expect(await db.loops.count()).toBe(1);
  });

  it('a record not read yet cannot have its loop history read, and says so', async () => {
    const { deps } = fakeConnector({ loopsInView: false });
    await expect(readLoopHistory(ref, deps)).rejects.toMatchObject({ kind: 'not-found', message: 'This record is still loading. Try again once it shows.' });
  });

  it('a CRM whose views carry their loop history reads nothing more', async () => {
    const { loadContext, deps } = fakeConnector({ loopsInView: true });
    await refreshRecord(ref, deps, { force: true });
    expect(await readLoopHistory(ref, deps)).toEqual({ readAt: NOW });
    expect(loadContext).toHaveBeenCalledTimes(1);
  });
});
