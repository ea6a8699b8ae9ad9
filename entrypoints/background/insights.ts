import { db } from '../../core/db';
import { toUserFacingError } from '../../core/errors';
import { monthsOf, type InsightsPart, type InsightsQuery, type InsightsSnapshot, type OwnerFilter } from '../../core/insights';
import type { Crm } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { CrmError } from '../../integrations/crm';
import { connectorForCrm, storedConnections } from './connections';
import { meFor } from './worklist';

// The Insights page's counts: each connected CRM counts the scope and period (integrations/*/insights.ts); the view
// is kept per scope and period, so opening it again shows the last counts at once and a refresh counts afresh.

const CRMS: Crm[] = ['hubspot', 'salesforce'];
/** Counts older than this are counted again when the page opens; a refresh always counts afresh. */
export const INSIGHTS_TTL_MS = 6 * 3_600_000;

export interface InsightsDeps {
  settings(): Promise<Settings>;
  /** The administrator's policy (it may fix who "me" is in HubSpot). */
  policy(): Promise<unknown>;
}

const crmName = (crm: Crm) => (crm === 'hubspot' ? 'HubSpot' : 'Salesforce');

/** Whose loops a CRM counts for the scope; null when the scope is another CRM's owners. */
async function ownerFilter(crm: Crm, instance: string, query: InsightsQuery, deps: InsightsDeps): Promise<OwnerFilter | null> {
  const scope = query.scope;
  if (scope.kind === 'everyone') return { kind: 'everyone' };
  if (scope.kind === 'owners') return scope.crm === crm ? { kind: 'owners', ownerIds: scope.ownerIds } : null;
  let me = await meFor(crm, instance, deps);
  if (!me && crm === 'salesforce') {
    const owner = await (await connectorForCrm(crm)).worklist?.signedInOwner();
    if (owner) me = { ownerId: owner.id, name: owner.name, fixed: true };
  }
  if (!me) throw new CrmError('config', `Choose who you are in ${crmName(crm)} under My open loops to see your accounts.`);
  return { kind: 'owners', ownerIds: [me.ownerId] };
}

export async function loadInsights(query: InsightsQuery, fresh: boolean, deps: InsightsDeps): Promise<InsightsSnapshot> {
  const key = JSON.stringify(query);
  const connections = await storedConnections();
  if (!fresh) {
    const cached = await db.insights.get(key);
    const sameConnections = cached?.snapshot.parts.every((p) => (p.counts ? connections[p.crm]?.instance === p.counts.instance : true));
    if (cached && sameConnections && Date.now() - cached.fetchedAt < INSIGHTS_TTL_MS) return { ...cached.snapshot, fromCache: true };
  }
  const settings = await deps.settings();
  const months = monthsOf(query.period);
  const parts = await Promise.all(
    CRMS.map(async (crm): Promise<InsightsPart> => {
      const connection = connections[crm];
      if (!connection) return { crm, state: 'not-connected', counts: null, error: null };
      try {
        const filter = await ownerFilter(crm, connection.instance, query, deps);
        if (!filter) return { crm, state: 'out-of-scope', counts: null, error: null };
        const connector = await connectorForCrm(crm);
        if (!connector.insights) throw new CrmError('config', `This ${crmName(crm)} connection cannot count insights.`);
        return { crm, state: 'counted', counts: await connector.insights.count(filter, months, settings), error: null };
      } catch (error) {
        const reason = toUserFacingError(error, 'The CRM response');
        return { crm, state: 'error', counts: null, error: { kind: reason.kind, message: reason.message } };
      }
    }),
  );
  const counted = parts.flatMap((p) => (p.counts ? [p.counts.fetchedAt] : []));
  const snapshot: InsightsSnapshot = { query, parts, fetchedAt: counted.length > 0 ? Math.min(...counted) : null, fromCache: false };
  // A view with a failing CRM is not kept: opening it again tries that CRM again.
  if (parts.every((p) => p.state !== 'error')) await db.insights.put({ key, snapshot, fetchedAt: Date.now() });
  return snapshot;
}
