import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../../core/db';
import type { Crm } from '../../core/schema';

export type QueuedCounts = Record<Crm, number> & { total: number };

const NONE: QueuedCounts = { hubspot: 0, salesforce: 0, total: 0 };

/** Outcomes not yet confirmed by the CRM (waiting or being sent), per CRM; follows the outbox live. */
export function useQueuedOutcomes(): QueuedCounts {
  return (
    useLiveQuery(async () => {
      const queued = await db.outcomes.filter((outcome) => outcome.state === 'pending' || outcome.state === 'in-flight').toArray();
      const counts: QueuedCounts = { ...NONE };
      for (const outcome of queued) {
        counts[outcome.crm] += 1;
        counts.total += 1;
      }
      return counts;
    }, []) ?? NONE
  );
}
