import { db } from '../../core/db';
import { permissionNeeded, toUserFacingError, UserFacingFailure } from '../../core/errors';
import { refKey, type RecordRef } from '../../core/schema';
import { markRefreshFailed, markRefreshing, saveRecordContext } from '../../core/store';
import type { RefreshDeps } from './crm-access';
import { SUPERSEDED, whileCacheKept } from './generations';
import { readLoopHistory } from './loop-history';

/** A record fetched this recently is not fetched again on a mere re-visit. */
const FRESH_FOR_MS = 15_000;

const inFlight = new Map<string, Promise<{ fetchedAt: number }>>();

export type { RefreshDeps } from './crm-access';

/**
 * Loads a record's context from its CRM into the cache. Concurrent calls for one record share a
 * single fetch; the cache keeps the last good data when a refresh fails.
 */
export function refreshRecord(ref: RecordRef, deps: RefreshDeps, options: { force: boolean }): Promise<{ fetchedAt: number }> {
  const key = refKey(ref);
  const running = inFlight.get(key);
  if (running) return running;
  const task = (async () => {
    // Taken before the first request: a sign-out or wipe from here on means this read is not written back.
    const cacheKept = whileCacheKept(ref.crm);
    // Everything the first CRM request waits for is read at once: the cached view (is it fresh?), the host
    // permission, the settings and the connector. Marking the view as refreshing is no part of that wait.
    const settingsRead = deps.settings();
    const connecting = settingsRead.then((settings) => deps.connectorFor(ref, settings));
    // Awaited below, or not at all when the view is fresh (a record not connected fails its refresh there).
    connecting.catch(() => undefined);
    let marked: Promise<void> = Promise.resolve();
    try {
      const [view, origin, settings] = await Promise.all([options.force ? undefined : db.views.get(key), deps.missingPermission(ref), settingsRead]);
      if (view?.fetchedAt && !view.error && Date.now() - view.fetchedAt < FRESH_FOR_MS) return { fetchedAt: view.fetchedAt };
      marked = markRefreshing(db, ref);
      // Awaited before anything is written after it; a failure is then reported like the read's own.
      marked.catch(() => undefined);
      if (origin) {
        await marked;
        const reason = permissionNeeded(origin);
        await markRefreshFailed(db, ref, reason, Date.now());
        throw new UserFacingFailure(reason);
      }
      const connector = await connecting;
      const context = await connector.loadContext(ref, settings, { fresh: options.force });
      await marked;
      const saved = await saveRecordContext(db, context, cacheKept);
      if (!saved) throw new UserFacingFailure(SUPERSEDED);
      // A record whose loop history the user asked for keeps it fresh, read once the rest shows. A failure leaves
      // the history read before, with its time.
      if (context.loops === null && saved.loopsReadAt !== null) await readLoopHistory(ref, deps).catch(() => undefined);
      return { fetchedAt: context.fetchedAt };
    } catch (error) {
      if (error instanceof UserFacingFailure) throw error;
      await marked.catch(() => undefined);
      const reason = toUserFacingError(error, 'The CRM response');
      await markRefreshFailed(db, ref, reason, Date.now());
      throw new UserFacingFailure(reason);
    }
  })().finally(() => inFlight.delete(key));
  inFlight.set(key, task);
  return task;
}

/** Waits for a read of this record under way, if any (its answer may already hold what is asked next). */
export async function refreshSettled(ref: RecordRef): Promise<void> {
  await inFlight.get(refKey(ref))?.catch(() => undefined);
}

/** Re-reads a record after a write changed it: a refresh already under way may have read it before the write. */
export async function refreshAfterChange(ref: RecordRef, deps: RefreshDeps): Promise<{ fetchedAt: number }> {
  await inFlight.get(refKey(ref))?.catch(() => undefined);
  return refreshRecord(ref, deps, { force: true });
}
