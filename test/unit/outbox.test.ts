import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LoyaltyLensDb } from '../../core/db';
import {
  backoffDelay,
  countUndelivered,
  discardUndelivered,
  enqueueOutcome,
  LEASE_MS,
  leaseDue,
  recordDeliveries,
  nextWakeUp,
  requeue,
  requeueAuthFailures,
  type Clock,
  type DeliveryFailure,
} from '../../core/outbox';
import type { OutcomeInput } from '../../core/schema';

// One-outcome shorthands over recordDeliveries, as the flusher records a batch.
const markDelivered = (target: LoyaltyLensDb, idempotencyKey: string, record: { id: string | null; url: string | null }) =>
  recordDeliveries(target, [{ idempotencyKey, ok: true, record }], { now: () => Date.now(), random: () => 0 });
const markFailed = (target: LoyaltyLensDb, idempotencyKey: string, failure: DeliveryFailure, at: Clock) =>
  recordDeliveries(target, [{ idempotencyKey, ok: false, failure }], at);

const input = (contactId: string): OutcomeInput => ({
  ref: { crm: 'hubspot', instance: '40001', objectType: 'contact', id: contactId },
  contactId,
  followUpId: null,
  responseId: null,
  result: 'reached-resolved',
  rootCauses: ['Onboarding'],
  note: 'Called, fixed the login issue.',
  nextStep: null,
  thanked: true,
  closeFollowUp: false,
});

class ManualClock implements Clock {
  constructor(public time = Date.UTC(2026, 10, 22, 9, 0)) {}
  now() {
    return this.time;
  }
  random() {
    return 0.5;
  }
}

let db: LoyaltyLensDb;
let clock: ManualClock;
let dbCounter = 0;

beforeEach(() => {
  db = new LoyaltyLensDb(`outbox-test-${++dbCounter}`);
  clock = new ManualClock();
});
afterEach(async () => {
  await db.delete();
});

describe('outbox state machine', () => {
  it('queues an outcome as pending, due now, with its key', async () => {
    const outcome = await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), 'Ann Owner');
    expect(outcome).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: clock.now(), contactKey: 'hubspot|40001|51' });
    expect(await countUndelivered(db)).toBe(1);
  });

  it('leases due entries once: a second flush does not take them while the lease holds', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    const first = await leaseDue(db, clock, 10);
    expect(first.map((o) => [o.state, o.attempts])).toEqual([['in-flight', 1]]);
    expect(await leaseDue(db, clock, 10)).toEqual([]);
  });

  it('takes back an entry whose worker died mid-request once its lease expires', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    await leaseDue(db, clock, 10);
    clock.time += LEASE_MS;
    const again = await leaseDue(db, clock, 10);
    expect(again.map((o) => o.attempts)).toEqual([2]);
  });

  it('backs off after a transient failure and honours Retry-After', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    await leaseDue(db, clock, 10);
    await markFailed(db, 'key-0000000000000001', { kind: 'rate-limit', message: 'Slow down', transient: true, retryAfterMs: 10_000 }, clock);
    const waiting = await db.outcomes.get('key-0000000000000001');
    expect(waiting).toMatchObject({ state: 'pending', lastError: 'Slow down', lastErrorKind: 'rate-limit' });
    expect(waiting!.nextAttemptAt - clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(await leaseDue(db, clock, 10)).toEqual([]);
    clock.time = waiting!.nextAttemptAt;
    expect(await leaseDue(db, clock, 10)).toHaveLength(1);
  });

  it('sends a permanent failure to "failed" with the CRM message, and a person can retry it', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    await leaseDue(db, clock, 10);
    await markFailed(db, 'key-0000000000000001', { kind: 'validation', message: 'Property hs_note_body is too long', transient: false }, clock);
    expect(await db.outcomes.get('key-0000000000000001')).toMatchObject({ state: 'dead', lastError: 'Property hs_note_body is too long' });
    clock.time += 24 * 3600_000;
    expect(await leaseDue(db, clock, 10)).toEqual([]);
    expect(await requeue(db, 'key-0000000000000001', clock.now())).toBe(true);
    expect(await leaseDue(db, clock, 10)).toHaveLength(1);
  });

  it('requeues outcomes that failed on a revoked token once the CRM is reconnected', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    await enqueueOutcome(db, input('52'), 'key-0000000000000002', clock.now(), null);
    await leaseDue(db, clock, 10);
    await markFailed(db, 'key-0000000000000001', { kind: 'auth', message: 'Token revoked', transient: false }, clock);
    await markFailed(db, 'key-0000000000000002', { kind: 'validation', message: 'Bad', transient: false }, clock);
    expect(await requeueAuthFailures(db, 'hubspot', clock.now())).toBe(1);
    expect((await leaseDue(db, clock, 10)).map((o) => o.idempotencyKey)).toEqual(['key-0000000000000001']);
  });

  it('requeues outcomes logged before the CRM was connected as never sent, and keeps the look-up for any other', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    await enqueueOutcome(db, input('52'), 'key-0000000000000002', clock.now(), null);
    await leaseDue(db, clock, 10);
    await markFailed(db, 'key-0000000000000001', { kind: 'not-connected', message: 'HubSpot is not connected yet.', transient: false }, clock);
    await markFailed(db, 'key-0000000000000002', { kind: 'auth', message: 'Token revoked', transient: false }, clock);
    expect(await requeueAuthFailures(db, 'hubspot', clock.now())).toBe(2);
    const [neverSent, refused] = await leaseDue(db, clock, 10);
    expect(neverSent).toMatchObject({ idempotencyKey: 'key-0000000000000001', lastErrorKind: null, lastError: null });
    expect(refused).toMatchObject({ idempotencyKey: 'key-0000000000000002', lastErrorKind: 'auth' });
  });

  it('completes a delivered entry and keeps the CRM record link', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    await leaseDue(db, clock, 10);
    await markDelivered(db, 'key-0000000000000001', { id: '9001', url: 'https://app.hubspot.com/contacts/40001/record/0-1/51' });
    expect(await db.outcomes.get('key-0000000000000001')).toMatchObject({ state: 'done', crmRecordId: '9001' });
    expect(await countUndelivered(db)).toBe(0);
    expect(await nextWakeUp(db)).toBeNull();
  });

  it('discards only undelivered outcomes of the chosen CRM, and says how many', async () => {
    await enqueueOutcome(db, input('51'), 'key-0000000000000001', clock.now(), null);
    await enqueueOutcome(db, { ...input('52'), ref: { crm: 'salesforce', instance: 'acme.my.salesforce.com', objectType: 'contact', id: '52' } }, 'key-0000000000000002', clock.now(), null);
    expect(await discardUndelivered(db, 'hubspot')).toBe(1);
    expect(await countUndelivered(db)).toBe(1);
  });

  it.each([
    // attempt → ceiling = min(15 min, 2 s · 2^(attempt−1)); random 0.5 → half the ceiling
    [1, 1_000],
    [2, 2_000],
    [5, 16_000],
    [20, 450_000],
  ])('full-jitter backoff after attempt %i waits %i ms at random 0.5', (attempts, expected) => {
    expect(backoffDelay(attempts, () => 0.5)).toBe(expected);
  });
});

describe('outbox property: failures, crashes and restarts never yield 0 or 2 CRM records', () => {
  type Step = 'deliver' | 'fail-transient' | 'crash-before-commit' | 'crash-after-commit' | 'drop-after-commit' | 'tick';

  it('holds for random interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.constantFrom<Step>('deliver', 'fail-transient', 'crash-before-commit', 'crash-after-commit', 'drop-after-commit', 'tick'), { maxLength: 25 }),
        async (outcomes, steps) => {
          const propertyDb = new LoyaltyLensDb(`outbox-property-${++dbCounter}`);
          const time = new ManualClock();
          // The CRM side: the connectors upsert on the idempotency key, so a repeated write updates the
          // record it made before (their contract tests prove that against the sandbox). What this property
          // adds is the outbox's half: every outcome reaches the CRM, none is marked saved without a write.
          const crm = new Map<string, number>();
          const commit = (key: string) => {
            if (!crm.has(key)) crm.set(key, 1);
          };
          const markedDone = new Set<string>();
          try {
            for (let i = 0; i < outcomes; i++) await enqueueOutcome(propertyDb, input(String(100 + i)), `prop-key-${String(i).padStart(8, '0')}`, time.now(), null);
            const run = async (step: Step) => {
              if (step === 'tick') {
                time.time += 61_000;
                return;
              }
              const leased = await leaseDue(propertyDb, time, 10);
              for (const outcome of leased) {
                if (step === 'deliver') {
                  commit(outcome.idempotencyKey);
                  await markDelivered(propertyDb, outcome.idempotencyKey, { id: 'x', url: null });
                  markedDone.add(outcome.idempotencyKey);
                } else if (step === 'fail-transient') {
                  await markFailed(propertyDb, outcome.idempotencyKey, { kind: 'server', message: '500', transient: true }, time);
                } else if (step === 'crash-after-commit') {
                  commit(outcome.idempotencyKey); // the worker died before recording success
                } else if (step === 'drop-after-commit') {
                  commit(outcome.idempotencyKey);
                  await markFailed(propertyDb, outcome.idempotencyKey, { kind: 'network', message: 'connection reset', transient: true }, time);
                }
                // crash-before-commit: the lease simply expires
              }
            };
            for (const step of steps) await run(step);
            // Afterwards the network is healthy: keep flushing until nothing is left.
            for (let round = 0; round < 50 && (await countUndelivered(propertyDb)) > 0; round++) {
              time.time += 16 * 60_000;
              await run('deliver');
            }
            expect(await countUndelivered(propertyDb)).toBe(0);
            expect(crm.size).toBe(outcomes);
            for (const key of markedDone) expect(crm.get(key)).toBe(1);
            const done = await propertyDb.outcomes.toArray();
            expect(done.every((o) => o.state === 'done' && crm.get(o.idempotencyKey) === 1)).toBe(true);
          } finally {
            await propertyDb.delete();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
