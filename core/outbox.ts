import { Dexie } from 'dexie';
import type { LoyaltyLensDb } from './db';
import { rowKey, type Outcome, type OutcomeInput } from './schema';

// The outbox state machine. An outcome row is its own outbox entry:
//   pending ──lease──▶ in-flight ──ok──▶ done
//      ▲                  │ transient failure (backoff, Retry-After)
//      └──────────────────┘
//   in-flight with an expired lease (worker killed mid-request) is leased again;
//   a permanent failure goes to dead, and only a person's retry brings it back.
// Delivery is at-least-once; the connectors' writes are idempotent on the key, so the CRM gets exactly one record.

/**
 * How long a worker owns the entries it is sending. Only one background worker runs at a time and it
 * never re-leases while its own send is under way, so the lease only decides when a new worker takes over
 * entries of a worker that was stopped mid-request. The CRM may still be working on that request (our
 * timeout does not reach it), so the new worker looks the record up first and, with the CRM's key field,
 * upserts on it: a late first write and the re-send land on one record. Without the key field a create the
 * CRM did not confirm waits out UNCONFIRMED_WRITE_MS (integrations/unconfirmed-creates.ts) before its
 * look-up; a worker stopped in the middle of such a create is the one case this lease does not cover.
 */
export const LEASE_MS = 30_000;
const BASE_DELAY_MS = 2_000;
/**
 * How long a newly logged outcome waits before its first send, so the person who logged it can take it back
 * (Undo) before anything reaches the CRM.
 */
export const UNDO_WINDOW_MS = 5_000;
const MAX_DELAY_MS = 15 * 60_000;

export interface Clock {
  now(): number;
  /** Uniform in [0, 1). */
  random(): number;
}

/** Exponential backoff with full jitter: a uniform delay in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempts: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Records an outcome and its outbox entry in one transaction; the idempotency key is made once, here. `holdMs`
 * keeps it back from the first send (the undo window).
 */
export async function enqueueOutcome(
  db: LoyaltyLensDb,
  input: OutcomeInput,
  idempotencyKey: string,
  now: number,
  loggedBy: string | null,
  holdMs = 0,
): Promise<Outcome> {
  const outcome: Outcome = {
    ...input,
    idempotencyKey,
    crm: input.ref.crm,
    instance: input.ref.instance,
    contactKey: rowKey(input.ref.crm, input.ref.instance, input.contactId),
    loggedAt: now,
    loggedBy,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now + holdMs,
    leaseUntil: null,
    lastError: null,
    lastErrorKind: null,
    crmRecordId: null,
    crmRecordUrl: null,
  };
  await db.transaction('rw', db.outcomes, async () => {
    await db.outcomes.add(outcome);
  });
  return outcome;
}

/** Takes up to `limit` due entries (pending and due, or in-flight with an expired lease) and leases them. */
export async function leaseDue(db: LoyaltyLensDb, clock: Clock, limit: number): Promise<Outcome[]> {
  return db.transaction('rw', db.outcomes, async () => {
    const now = clock.now();
    const due = await db.outcomes.where('[state+nextAttemptAt]').between(['pending', Dexie.minKey], ['pending', now], true, true).limit(limit).toArray();
    const abandoned = await db.outcomes
      .where('[state+nextAttemptAt]')
      .between(['in-flight', Dexie.minKey], ['in-flight', Dexie.maxKey])
      .filter((o) => (o.leaseUntil ?? 0) <= now)
      .limit(Math.max(0, limit - due.length))
      .toArray();
    const leased = [...due, ...abandoned].map((o) => ({ ...o, state: 'in-flight' as const, leaseUntil: now + LEASE_MS, attempts: o.attempts + 1 }));
    await db.outcomes.bulkPut(leased);
    return leased;
  });
}

export interface DeliveryFailure {
  kind: string;
  message: string;
  transient: boolean;
  retryAfterMs?: number;
}

/** What came back for one outcome: the CRM record it made, or why it failed. */
export type DeliveryResult =
  | { idempotencyKey: string; ok: true; record: { id: string | null; url: string | null } }
  | { idempotencyKey: string; ok: false; failure: DeliveryFailure };

/**
 * Records a flush's results in one transaction (a thousand outcomes are one write, not a thousand).
 * A confirmed write completes its entry whichever worker's lease it was: the record exists in the
 * CRM. A transient failure waits (Retry-After, else backoff with full jitter); a permanent one is
 * "failed" until a person retries it.
 */
export async function recordDeliveries(db: LoyaltyLensDb, results: DeliveryResult[], clock: Clock): Promise<void> {
  if (results.length === 0) return;
  await db.transaction('rw', db.outcomes, async () => {
    const stored = await db.outcomes.bulkGet(results.map((r) => r.idempotencyKey));
    const now = clock.now();
    const updated: Outcome[] = [];
    results.forEach((result, i) => {
      const outcome = stored[i];
      if (!outcome || outcome.state === 'done') return;
      if (result.ok) {
        updated.push({ ...outcome, state: 'done', leaseUntil: null, lastError: null, lastErrorKind: null, crmRecordId: result.record.id, crmRecordUrl: result.record.url });
        return;
      }
      const { failure } = result;
      const delay =
        failure.retryAfterMs !== undefined ? failure.retryAfterMs + Math.floor(clock.random() * 250) : backoffDelay(outcome.attempts, () => clock.random());
      updated.push({
        ...outcome,
        state: failure.transient ? 'pending' : 'dead',
        nextAttemptAt: failure.transient ? now + delay : outcome.nextAttemptAt,
        leaseUntil: null,
        lastError: failure.message,
        lastErrorKind: failure.kind,
      });
    });
    await db.outcomes.bulkPut(updated);
  });
}

/** What became of an Undo: taken out of the outbox, or too late because it was already sent or is being sent. */
export type WithdrawResult = 'withdrawn' | 'sending' | 'saved' | 'missing';

/**
 * The person who logged an outcome takes it back. Only an entry never leased can go: once a send has started,
 * the CRM may hold the record, so the entry stays and is delivered (exactly once) like any other.
 */
export async function withdrawQueued(db: LoyaltyLensDb, idempotencyKey: string): Promise<WithdrawResult> {
  return db.transaction('rw', db.outcomes, async () => {
    const outcome = await db.outcomes.get(idempotencyKey);
    if (!outcome) return 'missing';
    if (outcome.state === 'done') return 'saved';
    if (outcome.state !== 'pending' || outcome.attempts > 0) return 'sending';
    await db.outcomes.delete(idempotencyKey);
    return 'withdrawn';
  });
}

/** Outcomes still in their undo window go out now (sign-out sends what is queued before it signs out). */
export async function releaseHeld(db: LoyaltyLensDb, crm: Outcome['crm'], now: number): Promise<void> {
  await db.transaction('rw', db.outcomes, async () => {
    await db.outcomes
      .where('[state+nextAttemptAt]')
      .between(['pending', now], ['pending', Dexie.maxKey], false, true)
      .filter((o) => o.crm === crm && o.attempts === 0)
      .modify({ nextAttemptAt: now });
  });
}

/** A person asked to try a failed outcome again. */
export async function requeue(db: LoyaltyLensDb, idempotencyKey: string, now: number): Promise<boolean> {
  return db.transaction('rw', db.outcomes, async () => {
    const outcome = await db.outcomes.get(idempotencyKey);
    if (!outcome || outcome.state !== 'dead') return false;
    await db.outcomes.update(idempotencyKey, { state: 'pending', nextAttemptAt: now, attempts: 0 });
    return true;
  });
}

/** After reconnecting a CRM, outcomes that failed only for lack of a valid token go back in the queue. */
export async function requeueAuthFailures(db: LoyaltyLensDb, crm: Outcome['crm'], now: number): Promise<number> {
  return db.transaction('rw', db.outcomes, async () => {
    const stuck = await db.outcomes
      .where('[state+nextAttemptAt]')
      .between(['dead', Dexie.minKey], ['dead', Dexie.maxKey])
      .filter((o) => o.crm === crm && (o.lastErrorKind === 'auth' || o.lastErrorKind === 'not-connected'))
      .toArray();
    await db.outcomes.bulkPut(
      stuck.map((o) => {
        // A single attempt that found no connection sent nothing, so there is nothing to look up before sending;
        // anything else may have reached the CRM on an earlier attempt and keeps its look-up (mayHaveReachedCrm).
        const sentNothing = o.attempts <= 1 && o.lastErrorKind === 'not-connected';
        return { ...o, state: 'pending' as const, nextAttemptAt: now, attempts: 0, ...(sentNothing && { lastErrorKind: null, lastError: null }) };
      }),
    );
    return stuck.length;
  });
}

/** When the flusher should wake next: the earliest due entry or lease expiry; null when nothing waits. */
export async function nextWakeUp(db: LoyaltyLensDb): Promise<number | null> {
  const pending = await db.outcomes.where('[state+nextAttemptAt]').between(['pending', Dexie.minKey], ['pending', Dexie.maxKey]).first();
  const leased = await db.outcomes.where('[state+nextAttemptAt]').between(['in-flight', Dexie.minKey], ['in-flight', Dexie.maxKey]).toArray();
  const times = [pending?.nextAttemptAt, ...leased.map((o) => o.leaseUntil ?? 0)].filter((t): t is number => typeof t === 'number');
  return times.length === 0 ? null : Math.min(...times);
}

/** Outcomes not yet in the CRM (queued, sending, or failed) — what sign-out and wipe must ask about. */
export async function countUndelivered(db: LoyaltyLensDb, crm?: Outcome['crm']): Promise<number> {
  return db.outcomes
    .where('[state+nextAttemptAt]')
    .between(['dead', Dexie.minKey], ['pending', Dexie.maxKey])
    .filter((o) => o.state !== 'done' && (crm === undefined || o.crm === crm))
    .count();
}

/** Discards undelivered outcomes of one CRM (or all) — only ever after the user chose to, with the count shown. */
export async function discardUndelivered(db: LoyaltyLensDb, crm?: Outcome['crm']): Promise<number> {
  return db.transaction('rw', db.outcomes, async () => {
    const keys = await db.outcomes
      .where('[state+nextAttemptAt]')
      .between(['dead', Dexie.minKey], ['pending', Dexie.maxKey])
      .filter((o) => o.state !== 'done' && (crm === undefined || o.crm === crm))
      .primaryKeys();
    await db.outcomes.bulkDelete(keys);
    return keys.length;
  });
}
