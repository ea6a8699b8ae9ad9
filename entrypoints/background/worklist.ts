import { browser } from 'wxt/browser';
import { db, type CachedWorklist } from '../../core/db';
import { toUserFacingError } from '../../core/errors';
import { CONNECTIONS_KEY } from '../../core/messaging';
import { combineLoopCounts, type LoopCountsPart, type LoopNumbers } from '../../core/loop-metrics';
import { hubspotOwnerFromPolicy } from '../../core/policy';
import { rowKey, type Crm, type Outcome } from '../../core/schema';
import type { Settings } from '../../core/settings';
import {
  DEFAULT_REFRESH_MINUTES,
  overdueCount,
  rankLoops,
  type CrmPart,
  type Owner,
  type TeamCount,
  type WorklistMe,
  type WorklistRead,
  type WorklistRow,
  type WorklistSnapshot,
} from '../../core/worklist';
import { worklistMeSchema } from '../../core/worklist-schema';
import { CrmError } from '../../integrations/crm';
import type { WorklistReader } from '../../integrations/worklist';
import { showOverdue } from './badge';
import { connectorForCrm, storedConnections } from './connections';

// "My open loops": who "me" is in each CRM, the cached list, its refresh (on request, by alarm, after our own writes)
// and the overdue count on the toolbar icon.

export const WORKLIST_ALARM = 'worklist-refresh';
const ME_KEY = 'worklist.me';
const INTERVAL_KEY = 'worklist.refreshMinutes';
const CRMS: Crm[] = ['hubspot', 'salesforce'];
/** How long a loop we closed or gave away stays off the list although HubSpot's search may still show it. */
const WRITE_LAG_MS = 60_000;
/** After a daily-limit answer the alarm leaves that CRM alone this long (the allowance resets within a day). */
const DAILY_LIMIT_PAUSE_MS = 3_600_000;

export interface WorklistDeps {
  settings(): Promise<Settings>;
  /** The administrator's policy as the background knows it (never a wait on Chrome's slow first read). */
  policy(): Promise<unknown>;
}

type StoredMe = Partial<Record<Crm, { instance: string; me: WorklistMe }>>;

async function storedMe(): Promise<StoredMe> {
  const stored = (await browser.storage.local.get(ME_KEY))[ME_KEY];
  return typeof stored === 'object' && stored !== null ? (stored as StoredMe) : {};
}

/**
 * Who "me" is for a CRM's connected instance; a choice made for another portal or org does not carry over. In HubSpot
 * an administrator's policy may fix it (its name is looked up at the next refresh).
 */
export async function meFor(crm: Crm, instance: string, deps: Pick<WorklistDeps, 'policy'>): Promise<WorklistMe | null> {
  const entry = (await storedMe())[crm];
  const fixed = crm === 'hubspot' ? hubspotOwnerFromPolicy(await deps.policy()) : null;
  if (fixed) return entry?.instance === instance && entry.me.ownerId === fixed && entry.me.fixed ? entry.me : { ownerId: fixed, name: fixed, fixed: true };
  if (!entry || entry.instance !== instance) return null;
  const parsed = worklistMeSchema.safeParse(entry.me);
  return parsed.success ? parsed.data : null;
}

async function rememberMe(crm: Crm, instance: string, me: WorklistMe | null): Promise<void> {
  const all = await storedMe();
  if (me) all[crm] = { instance, me };
  else delete all[crm];
  await browser.storage.local.set({ [ME_KEY]: all });
}

export async function refreshMinutes(): Promise<number> {
  const stored = (await browser.storage.local.get(INTERVAL_KEY))[INTERVAL_KEY];
  return typeof stored === 'number' && Number.isInteger(stored) && stored >= 5 && stored <= 240 ? stored : DEFAULT_REFRESH_MINUTES;
}

async function reader(crm: Crm): Promise<WorklistReader> {
  const connector = await connectorForCrm(crm);
  if (!connector.worklist) throw new CrmError('config', 'This CRM connection cannot list open loops.');
  return connector.worklist;
}

/** Loops just given to someone else: HubSpot's search shows such a change only seconds later. */
const givenAway = new Map<string, number>();

/**
 * The outcomes logged here against listed loops that are still on their way or were written within the last minute,
 * and the loops they close: one that closes its follow-up and has left its Undo hold (or was given away) is left out
 * of the list meanwhile, as HubSpot's search shows the change only seconds later. Held, it stays, with its Undo.
 */
async function loopOutcomes(now: number): Promise<{ closed: Set<string>; outcomes: Outcome[] }> {
  const closed = new Set<string>();
  for (const [key, at] of givenAway) {
    if (now - at < WRITE_LAG_MS) closed.add(key);
    else givenAway.delete(key);
  }
  // Outcomes are few (delivered ones are wiped with the cache); no index serves "on a loop, recently", so they are scanned.
  const outcomes = await db.outcomes.filter((o) => o.followUpId !== null && (o.state !== 'done' || now - o.loggedAt < WRITE_LAG_MS)).toArray();
  for (const o of outcomes) {
    const held = o.state === 'pending' && o.attempts === 0;
    if (o.closeFollowUp && o.state !== 'dead' && !held) closed.add(rowKey(o.crm, o.instance, o.followUpId!));
  }
  return { closed, outcomes };
}

function withoutClosed(read: WorklistRead | null, closed: Set<string>): WorklistRead | null {
  if (!read || closed.size === 0) return read;
  const rows = read.rows.filter((r) => !closed.has(r.key));
  return { ...read, rows, openTotal: Math.max(rows.length, read.openTotal - (read.rows.length - rows.length)) };
}

/** The list as cached, without a request; each CRM's part says whether it is connected and who "me" is. */
export async function worklistSnapshot(deps: Pick<WorklistDeps, 'policy'>): Promise<WorklistSnapshot> {
  const now = Date.now();
  const [connections, cached, { closed, outcomes }, minutes] = await Promise.all([
    storedConnections(),
    db.worklists.bulkGet(CRMS),
    loopOutcomes(now),
    refreshMinutes(),
  ]);
  const parts: CrmPart[] = await Promise.all(
    CRMS.map(async (crm, i) => {
      const connection = connections[crm];
      if (!connection) return { crm, connected: false, me: null, read: null, error: null };
      const row = cached[i];
      // A cache of another portal or org (the connection changed) is not shown.
      const own = row && (!row.read || row.read.instance === connection.instance) ? row : undefined;
      return { crm, connected: true, me: await meFor(crm, connection.instance, deps), read: withoutClosed(own?.read ?? null, closed), error: own?.error ?? null };
    }),
  );
  const listed = new Set(parts.flatMap((p) => p.read?.rows.map((r) => r.key) ?? []));
  return { parts, outcomes: outcomes.filter((o) => listed.has(rowKey(o.crm, o.instance, o.followUpId!))), refreshMinutes: minutes };
}

let running: Promise<WorklistSnapshot> | null = null;
let queued: Promise<WorklistSnapshot> | null = null;
let queuedFromAlarm = false;

/**
 * Reads both CRMs' lists (one failing leaves the other), caches them and updates the badge. A call while a read runs
 * gets the next read, not the running one: that began before whatever prompted the call (a CRM just connected, "me"
 * just chosen) and may not see it. Calls meanwhile share that one next read.
 */
export function refreshWorklist(deps: WorklistDeps, options: { fromAlarm?: boolean } = {}): Promise<WorklistSnapshot> {
  if (!running) {
    running = readBothCrms(deps, options).finally(() => {
      running = null;
    });
    return running;
  }
  if (queued) {
    queuedFromAlarm &&= options.fromAlarm === true;
    return queued;
  }
  queuedFromAlarm = options.fromAlarm === true;
  queued = running
    .catch(() => undefined)
    .then(() => {
      queued = null;
      return refreshWorklist(deps, { fromAlarm: queuedFromAlarm });
    });
  return queued;
}

async function readBothCrms(deps: WorklistDeps, options: { fromAlarm?: boolean }): Promise<WorklistSnapshot> {
  const [connections, settings] = await Promise.all([storedConnections(), deps.settings()]);
  await Promise.all(
    CRMS.map(async (crm) => {
      const connection = connections[crm];
      if (!connection) {
        await db.worklists.delete(crm);
        return;
      }
      const previous = await db.worklists.get(crm);
      if (options.fromAlarm && previous?.error?.kind === 'daily-limit' && Date.now() - previous.error.at < DAILY_LIMIT_PAUSE_MS) return;
      const keep = previous?.read && previous.read.instance === connection.instance ? previous.read : null;
      try {
        let me = await meFor(crm, connection.instance, deps);
        const worklist = await reader(crm);
        if (!me && crm === 'salesforce') {
          const owner = await worklist.signedInOwner();
          if (owner) {
            me = { ownerId: owner.id, name: owner.name, fixed: true };
            await rememberMe(crm, connection.instance, me);
          }
        }
        if (!me) return;
        if (me.fixed && crm === 'hubspot' && me.name === me.ownerId) {
          const owner = (await worklist.owners()).find((o) => o.id === me!.ownerId);
          me = { ...me, name: owner?.name ?? me.name };
          await rememberMe(crm, connection.instance, me);
        }
        const read = await worklist.read(me.ownerId, settings);
        await db.worklists.put({ crm, read, error: null } satisfies CachedWorklist);
      } catch (error) {
        const reason = toUserFacingError(error, 'The CRM response');
        await db.worklists.put({ crm, read: keep, error: { kind: reason.kind, message: reason.message, at: Date.now() } });
      }
    }),
  );
  const snapshot = await worklistSnapshot(deps);
  await showBadge(snapshot, settings);
  return snapshot;
}

/** The toolbar badge from the cached list: my overdue loops across both CRMs; nothing when no CRM is connected. */
export async function showBadge(snapshot: WorklistSnapshot, settings: Settings): Promise<void> {
  const mine = snapshot.parts.filter((p) => p.connected && p.read);
  if (mine.length === 0) {
    await showOverdue(null, 'Loyalty Lens');
    return;
  }
  const now = Date.now();
  const overdue = mine.reduce((n, p) => n + overdueCount(rankLoops(p.read!.rows, settings.rules, now)), 0);
  await showOverdue(overdue, overdue > 0 ? `Loyalty Lens: ${overdue} overdue loop${overdue === 1 ? '' : 's'}` : 'Loyalty Lens');
}

/**
 * At the worker's start (which MV3 does often): the badge from the cache at once; a read only when the cached list
 * is older than the refresh interval, so restarts cost the CRMs nothing.
 */
export async function refreshIfStale(deps: WorklistDeps): Promise<void> {
  const [snapshot, settings] = await Promise.all([worklistSnapshot(deps), deps.settings()]);
  await showBadge(snapshot, settings);
  const oldest = snapshot.parts.filter((p) => p.connected).map((p) => p.read?.fetchedAt ?? 0);
  if (oldest.length > 0 && Date.now() - Math.min(...oldest) > snapshot.refreshMinutes * 60_000) await refreshWorklist(deps, { fromAlarm: true });
}

let afterWriteTimer: ReturnType<typeof setTimeout> | undefined;

/** Our own write changed loops (an outcome sent, a follow-up opened, a loop reassigned): refresh soon, once. */
export function refreshAfterOwnWrite(deps: WorklistDeps): void {
  clearTimeout(afterWriteTimer);
  afterWriteTimer = setTimeout(() => void refreshWorklist(deps).catch(() => undefined), 1_000);
}

export async function chooseHubSpotOwner(owner: { id: string; name: string } | null, deps: WorklistDeps): Promise<WorklistSnapshot> {
  const connection = (await storedConnections()).hubspot;
  if (!connection) throw new CrmError('not-connected', 'HubSpot is not connected yet. An admin can connect it in the Loyalty Lens options.');
  const current = await meFor('hubspot', connection.instance, deps);
  if (current?.fixed) throw new CrmError('validation', 'Your administrator has set who you are in HubSpot.');
  await rememberMe('hubspot', connection.instance, owner ? { ownerId: owner.id, name: owner.name, fixed: false } : null);
  await db.worklists.delete('hubspot');
  return refreshWorklist(deps);
}

export async function listOwners(crm: Crm): Promise<Owner[]> {
  return (await reader(crm)).owners();
}

export async function teamCounts(crm: Crm, deps: WorklistDeps): Promise<TeamCount[]> {
  return (await reader(crm)).teamCounts(await deps.settings());
}

export async function ownerLoops(crm: Crm, ownerId: string, deps: WorklistDeps): Promise<WorklistRead> {
  return (await reader(crm)).read(ownerId, await deps.settings());
}

/** Gives a loop to another owner, drops it from the cached list at once and refreshes. */
export async function reassignLoop(crm: Crm, loop: Pick<WorklistRow, 'id' | 'kind'>, ownerId: string, deps: WorklistDeps): Promise<WorklistSnapshot> {
  const connection = (await storedConnections())[crm];
  if (!connection) throw new CrmError('not-connected', `${crm === 'hubspot' ? 'HubSpot' : 'Salesforce'} is not connected yet.`);
  await (await reader(crm)).reassign(loop, ownerId);
  givenAway.set(rowKey(crm, connection.instance, loop.id), Date.now());
  return refreshWorklist(deps);
}

/**
 * The loop's numbers — closed, within the SLA, thanked, median time to first contact — mine and the team's, over 30 and
 * 90 days, as each connected CRM counts them. Asked
 * when the list opens or is refreshed by hand, never by the alarm.
 */
export async function loopNumbers(deps: WorklistDeps): Promise<LoopNumbers> {
  const [connections, settings] = await Promise.all([storedConnections(), deps.settings()]);
  const parts = await Promise.all(
    CRMS.flatMap((crm) => {
      const connection = connections[crm];
      if (!connection) return [];
      return [
        (async (): Promise<LoopCountsPart> => {
          try {
            const me = await meFor(crm, connection.instance, deps);
            return { crm, counts: await (await reader(crm)).loopCounts(me?.ownerId ?? null, settings), failedKind: null };
          } catch (error) {
            return { crm, counts: null, failedKind: toUserFacingError(error, 'The CRM response').kind };
          }
        })(),
      ];
    }),
  );
  return combineLoopCounts(parts);
}

export async function setRefreshMinutes(minutes: number): Promise<{ minutes: number }> {
  await browser.storage.local.set({ [INTERVAL_KEY]: minutes });
  await scheduleWorklistRefresh();
  return { minutes };
}

/** The alarm that keeps the badge current; CRMs not connected cost nothing when it fires. */
export async function scheduleWorklistRefresh(): Promise<void> {
  const minutes = await refreshMinutes();
  const existing = await browser.alarms.get(WORKLIST_ALARM);
  if (existing?.periodInMinutes === minutes) return;
  await browser.alarms.create(WORKLIST_ALARM, { delayInMinutes: minutes, periodInMinutes: minutes });
}

/**
 * Connecting or signing out a CRM changes whose loops there are: the list and badge follow at once. Signing out also
 * forgets who "me" was there, as it forgets the CRM's data.
 */
export function followConnections(deps: WorklistDeps): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    const connections = changes[CONNECTIONS_KEY];
    if (!connections) return;
    const now = (connections.newValue ?? {}) as Record<string, unknown>;
    void Promise.all(CRMS.filter((crm) => !now[crm]).map(async (crm) => (await storedMe())[crm] && rememberMe(crm, '', null)))
      .then(() => refreshWorklist(deps))
      .catch(() => undefined);
  });
}
