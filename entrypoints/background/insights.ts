import { db, type KeptInsightsMonth } from '../../core/db';
import { toUserFacingError } from '../../core/errors';
import { KEPT_MONTH_MAX_AGE_MS, monthClosedAt, monthsOf, type InsightsCounts, type InsightsPart, type InsightsQuery, type InsightsSnapshot, type Month, type OwnerFilter } from '../../core/insights';
import { keptInsightMonths, saveInsights } from '../../core/store';
import type { Crm } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { CrmError } from '../../integrations/crm';
import type { InsightsKept } from '../../integrations/insights';
import { connectorForCrm, storedConnections } from './connections';
import { whileCacheKept } from './generations';
import { meFor } from './worklist';

// The Insights page's counts: each connected CRM counts the scope and period (each CRM folder's insights.ts); the view
// is kept per scope and period, so opening it again shows the last counts at once and a refresh counts afresh.
// Closed months are kept too, per CRM and basis (any period of the same scope): once the view's copy is too old, its
// CRM counts only what may have changed since (see InsightsKept); "Count again" counts everything.

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

const monthKey = (crm: Crm, basis: string, month: Month) => `${crm}|${basis}|${month}`;

/** What a CRM may reuse of earlier counts: closed months of the basis, and its part of this view's last count. */
function keptFor(crm: Crm, previous: InsightsCounts | null): InsightsKept {
  return {
    previous,
    async months(basis, months) {
      const rows = await keptInsightMonths(db, months.map((m) => monthKey(crm, basis, m)), Date.now() - KEPT_MONTH_MAX_AGE_MS);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      return months.flatMap((month) => {
        const row = byKey.get(monthKey(crm, basis, month));
        return row ? [{ month, promoters: row.promoters, passives: row.passives, detractors: row.detractors, countedAt: row.countedAt }] : [];
      });
    },
  };
}

/** The months of a count that were over when counted, to keep. */
function closedMonths(counts: InsightsCounts): KeptInsightsMonth[] {
  const basis = counts.basis;
  if (basis === undefined) return [];
  return counts.months.flatMap((m) =>
    m.countedAt !== undefined && monthClosedAt(m.month, m.countedAt)
      ? [{ key: monthKey(counts.crm, basis, m.month), promoters: m.promoters, passives: m.passives, detractors: m.detractors, countedAt: m.countedAt }]
      : [],
  );
}

export async function loadInsights(query: InsightsQuery, fresh: boolean, deps: InsightsDeps): Promise<InsightsSnapshot> {
  const settings = await deps.settings();
  // The same view counted with other causes, or with Salesforce's causes in another field, is another count.
  const key = JSON.stringify([query, settings.rules.rootCauses, settings.salesforce.rootCauseField]);
  const connections = await storedConnections();
  const cached = await db.insights.get(key);
  if (!fresh) {
    const sameConnections = cached?.snapshot.parts.every((p) => (p.counts ? connections[p.crm]?.instance === p.counts.instance : true));
    if (cached && sameConnections && Date.now() - cached.fetchedAt < INSIGHTS_TTL_MS) return { ...cached.snapshot, fromCache: true };
  }
  const months = monthsOf(query.period);
  const kept: Array<{ rows: KeptInsightsMonth[]; stillCurrent: () => boolean }> = [];
  const parts = await Promise.all(
    CRMS.map(async (crm): Promise<InsightsPart> => {
      const connection = connections[crm];
      if (!connection) return { crm, state: 'not-connected', counts: null, error: null };
      const stillCurrent = whileCacheKept(crm);
      try {
        const filter = await ownerFilter(crm, connection.instance, query, deps);
        if (!filter) return { crm, state: 'out-of-scope', counts: null, error: null };
        const connector = await connectorForCrm(crm);
        if (!connector.insights) throw new CrmError('config', `This ${crmName(crm)} connection cannot count insights.`);
        // Only this connection's own last count is lent; the connector checks it is of the same basis.
        const previous = cached?.snapshot.parts.find((p) => p.crm === crm)?.counts ?? null;
        const counts = await connector.insights.count(filter, months, settings, fresh ? null : keptFor(crm, previous?.instance === connection.instance ? previous : null));
        kept.push({ rows: closedMonths(counts), stillCurrent });
        return { crm, state: 'counted', counts, error: null };
      } catch (error) {
        const reason = toUserFacingError(error, 'The CRM response');
        return { crm, state: 'error', counts: null, error: { kind: reason.kind, message: reason.message } };
      }
    }),
  );
  const counted = parts.flatMap((p) => (p.counts ? [p.counts.fetchedAt] : []));
  const snapshot: InsightsSnapshot = { query, parts, fetchedAt: counted.length > 0 ? Math.min(...counted) : null, fromCache: false };
  // A view with a failing CRM is not kept: opening it again tries that CRM again. The months counted are kept anyway.
  await saveInsights(db, parts.every((p) => p.state !== 'error') ? { key, snapshot, fetchedAt: Date.now() } : null, kept);
  return snapshot;
}
