import { Dexie } from 'dexie';
import { db } from '../../core/db';
import { UserFacingFailure } from '../../core/errors';
import { countUndelivered, discardUndelivered, enqueueOutcome, requeue } from '../../core/outbox';
import type { Crm, OutcomeInput } from '../../core/schema';
import { disconnect, storedConnections, wipeCachedData } from './connections';

/** Queues an outcome; the flush starts at once and the panel follows its state in the database. */
export async function logOutcome(input: OutcomeInput, startFlush: () => void): Promise<{ idempotencyKey: string }> {
  const connections = await storedConnections();
  const outcome = await enqueueOutcome(db, input, crypto.randomUUID(), Date.now(), connections[input.ref.crm]?.user ?? null);
  startFlush();
  return { idempotencyKey: outcome.idempotencyKey };
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
