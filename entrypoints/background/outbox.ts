import { Dexie } from 'dexie';
import { browser } from 'wxt/browser';
import { db } from '../../core/db';
import { leaseDue, nextWakeUp, recordDeliveries, type Clock, type DeliveryResult } from '../../core/outbox';
import type { Outcome } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { CrmError, type CrmConnector } from '../../integrations/crm';

export const OUTBOX_ALARM = 'outbox-flush';
/** Chrome will not fire an alarm sooner than this; shorter waits use a timer while the worker lives. */
const MIN_ALARM_MS = 30_000;
/**
 * Outcomes leased per round. Each CRM's share goes to its connector in one call, which splits it into
 * the largest batches the CRM takes (HubSpot batch upsert 100, associations 1,000; Salesforce
 * composite/sobjects 200), so a long queue costs few requests against the rate limit.
 */
const FLUSH_ROUND = 1_000;

const systemClock: Clock = { now: () => Date.now(), random: () => Math.random() };

export interface OutboxDeps {
  connectorFor(outcome: Outcome, settings: Settings): Promise<CrmConnector>;
  settings(): Promise<Settings>;
  /** After a flush that wrote something, however it was started (a request, the alarm, the short-wait timer). */
  afterSent(): void;
}

let running: Promise<FlushSummary> | null = null;
let rerun = false;
let timer: ReturnType<typeof setTimeout> | undefined;

export interface FlushSummary {
  sent: number;
  failed: number;
  pending: number;
}

/** Sends every due outcome. Concurrent calls join the running flush, which then runs once more. */
export function flushOutbox(deps: OutboxDeps): Promise<FlushSummary> {
  if (running) {
    rerun = true;
    return running;
  }
  running = (async () => {
    const summary: FlushSummary = { sent: 0, failed: 0, pending: 0 };
    do {
      rerun = false;
      for (;;) {
        const batch = await leaseDue(db, systemClock, FLUSH_ROUND);
        if (batch.length === 0) break;
        await wakeAfterLease(batch);
        await deliver(batch, deps, summary);
      }
    } while (rerun);
    summary.pending = await db.outcomes.where('[state+nextAttemptAt]').between(['pending', Dexie.minKey], ['pending', Dexie.maxKey]).count();
    await scheduleNextFlush(deps);
    if (summary.sent > 0) deps.afterSent();
    return summary;
  })().finally(() => {
    running = null;
  });
  return running;
}

async function deliver(batch: Outcome[], deps: OutboxDeps, summary: FlushSummary): Promise<void> {
  const settings = await deps.settings();
  const groups = new Map<string, Outcome[]>();
  for (const outcome of batch) {
    const group = `${outcome.crm}|${outcome.instance}`;
    groups.set(group, [...(groups.get(group) ?? []), outcome]);
  }
  for (const outcomes of groups.values()) {
    let results: DeliveryResult[];
    try {
      const connector = await deps.connectorFor(outcomes[0]!, settings);
      results = (await connector.writeOutcomes(outcomes, settings)).map((result) =>
        result.ok
          ? { idempotencyKey: result.idempotencyKey, ok: true, record: { id: result.crmRecordId ?? null, url: result.crmRecordUrl ?? null } }
          : { idempotencyKey: result.idempotencyKey, ok: false, failure: failureOf(result.error) },
      );
    } catch (error) {
      const failure = failureOf(error);
      results = outcomes.map((outcome) => ({ idempotencyKey: outcome.idempotencyKey, ok: false, failure }));
    }
    await recordDeliveries(db, results, systemClock);
    for (const result of results) {
      if (result.ok) summary.sent++;
      else summary.failed++;
    }
  }
}

function failureOf(error: unknown) {
  if (error instanceof CrmError) {
    return { kind: error.kind, message: error.message, transient: error.transient, retryAfterMs: error.details.retryAfterMs };
  }
  return { kind: 'internal', message: 'Loyalty Lens could not send this outcome; it will try again.', transient: true };
}

/** A worker stopped mid-request leaves its entries leased: the alarm wakes a new one to take them over. */
async function wakeAfterLease(batch: Outcome[]): Promise<void> {
  const leaseUntil = Math.max(...batch.map((o) => o.leaseUntil ?? 0));
  await browser.alarms.create(OUTBOX_ALARM, { when: Math.max(leaseUntil, Date.now() + MIN_ALARM_MS) });
}

async function scheduleNextFlush(deps: OutboxDeps): Promise<void> {
  clearTimeout(timer);
  const wakeAt = await nextWakeUp(db);
  if (wakeAt === null) {
    await browser.alarms.clear(OUTBOX_ALARM);
    return;
  }
  const wait = Math.max(0, wakeAt - Date.now());
  // The alarm survives the worker being stopped; the timer makes short waits (Retry-After) precise.
  await browser.alarms.create(OUTBOX_ALARM, { when: Date.now() + Math.max(wait, MIN_ALARM_MS) });
  if (wait < MIN_ALARM_MS) timer = setTimeout(() => void flushOutbox(deps), wait);
}
