import { Dexie } from 'dexie';
import { db } from '../../core/db';
import { UserFacingFailure } from '../../core/errors';
import { countUndelivered, discardUndelivered, enqueueOutcome, releaseHeld, requeue, UNDO_WINDOW_MS, withdrawQueued } from '../../core/outbox';
import type { Crm, OutcomeInput } from '../../core/schema';
import { disconnect, storedConnections, wipeCachedData } from './connections';

/**
 * Queues an outcome, held for the undo window; the flush schedules its send and the panel follows its state in
 * the database.
 */
export async function logOutcome(input: OutcomeInput, startFlush: () => void): Promise<{ idempotencyKey: string }> {
  const connections = await storedConnections();
  const outcome = await enqueueOutcome(db, input, crypto.randomUUID(), Date.now(), connections[input.ref.crm]?.user ?? null, UNDO_WINDOW_MS);
  startFlush();
  return { idempotencyKey: outcome.idempotencyKey };
}

/** Undo: takes a just-logged outcome back before its first send; afterwards says why it is too late. */
export async function withdrawOutcome(idempotencyKey: string): Promise<{ withdrawn: true }> {
  const result = await withdrawQueued(db, idempotencyKey);
  if (result === 'withdrawn') return { withdrawn: true };
  const message =
    result === 'saved'
      ? 'Too late to undo: this outcome is already written to the CRM.'
      : result === 'sending'
        ? 'Too late to undo: this outcome is being written to the CRM.'
        : 'This outcome is no longer queued.';
  throw new UserFacingFailure({ kind: 'invalid', message });
}

export async function retryOutcome(idempotencyKey: string, startFlush: () => void): Promise<{ idempotencyKey: string }> {
  if (!(await requeue(db, idempotencyKey, Date.now()))) {
    throw new UserFacingFailure({ kind: 'invalid', message: 'This outcome is not waiting for a retry.' });
  }
  startFlush();
  return { idempotencyKey };
}

/**
 * Signs a CRM out. Queued outcomes are either sent first (sign-out stops if some cannot be sent) or
 * discarded — the user chose which, having seen the count.
 */
export async function signOut(
  crm: Crm,
  queued: 'send-first' | 'discard',
  flush: () => Promise<{ sent: number }>,
): Promise<{ sent: number; discarded: number }> {
  let sent = 0;
  let discarded = 0;
  if ((await countUndelivered(db, crm)) > 0) {
    if (queued === 'send-first') {
      await releaseHeld(db, crm, Date.now());
      sent = (await flush()).sent;
      const left = await countUndelivered(db, crm);
      if (left > 0) {
        throw new UserFacingFailure({
          kind: 'queued',
          message: `${left} outcome(s) could not be sent yet, so you are still signed in. Try again later, or sign out and discard them.`,
        });
      }
    } else {
      discarded = await discardUndelivered(db, crm);
    }
  }
  await disconnect(crm);
  return { sent, discarded };
}

/** Wipes cached customer data. Outcomes not yet in the CRM are kept unless the user chose to discard them. */
export async function wipeLocalData(queued: 'keep' | 'discard'): Promise<{ keptQueued: number; discardedQueued: number }> {
  const discardedQueued = queued === 'discard' ? await discardUndelivered(db) : 0;
  await wipeCachedData();
  await db.outcomes.where('[state+nextAttemptAt]').between(['done', Dexie.minKey], ['done', Dexie.maxKey]).delete();
  return { keptQueued: await countUndelivered(db), discardedQueued };
}
