import type { AccountCounts } from '../../core/schema';
import type { SalesforceSource, Settings } from '../../core/settings';
import { isNpsScore, segment } from '../../core/nps';
import { ok, parseWith, records, type Meter, type SubQuery } from './client';
import type { SalesforceOrg } from './connection';
import type { ErrorContext } from './errors';
import { aggregateRowSchema, countDistinctSchema, queryResultSchema, quarterRowSchema, sfRowSchema, titleCountSchema } from './schema';

const SEGMENTS = ['promoter', 'passive', 'detractor'] as const;
import * as soql from './soql';
import { CRM_CONTACT_PAGE, SEGMENT_RANGES, type ContactListQuery } from '../../core/account-contacts';

/** One page of the contact list read with the counts: the question, its rows and the list's total. */
export interface ListPage {
  query: ContactListQuery;
  rows: unknown[];
  total: number;
}

const LIST_SEGMENTS = ['detractor', 'passive', 'promoter'] as const;

export function listFilterOf(query: ContactListQuery): soql.ContactListFilter {
  return { range: query.segment === null ? undefined : SEGMENT_RANGES.find((r) => r.segment === query.segment)!.range, search: query.search };
}

// Big accounts on Salesforce: counted by aggregate SOQL where the data lives, never by reading every row. Unlike
// HubSpot (contacts by their latest answer) it counts the answers in the window, and by quarter.

/**
 * Runs the account-wide aggregate SOQL for a big account: the contact count, the NPS counts of the chosen method and
 * every answer per quarter. Per-contact methods count people by the latest-NPS contact field, per title for the role
 * weights; an org without that field cannot count them at this size, so its counts are every answer in the window,
 * naming the chosen method as unavailable (the panel says so beside the number).
 */
export async function bigAccount(org: SalesforceOrg,
  accountId: string,
  listedIds: string[],
  settings: Settings,
  meter: Meter,
  ctx: ErrorContext,
): Promise<{ contactCount: number; counts: AccountCounts; rows: Array<{ source: SalesforceSource; records: unknown[] }>; listPages: ListPage[] }> {
  const { windowDays, method: chosen } = settings.rules.rollup;
  const perContact = chosen !== 'window' && org.lastNpsField;
  const sources = settings.salesforce.sources;
  const queries: SubQuery[] = [{ referenceId: 'contactCount', soql: soql.contactCountQuery(accountId) }];
  if (perContact) {
    for (const seg of SEGMENTS) queries.push({ referenceId: `latest-${seg}`, soql: soql.latestNpsByTitleQuery(accountId, seg) });
  }
  // The contact list's first pages (all, and each answered segment) fill the composite request the listed rows open.
  const listed: ContactListQuery[] = perContact ? [null, ...LIST_SEGMENTS].map((segment) => ({ segment, search: '' })) : [];
  for (const query of listed) {
    queries.push({ referenceId: `list-${query.segment ?? 'all'}`, soql: soql.contactListQuery(accountId, listFilterOf(query), CRM_CONTACT_PAGE, 0) });
  }
  sources.forEach((source, i) => {
    if (!perContact) {
      queries.push({ referenceId: `npsCounts${i}`, soql: soql.npsCountsQuery(source, accountId, windowDays) });
      queries.push({ referenceId: `respondents${i}`, soql: soql.respondentCountQuery(source, accountId, windowDays) });
    }
    queries.push({ referenceId: `npsByQuarter${i}`, soql: soql.npsByQuarterQuery(source, accountId, windowDays) });
    const listed = soql.sourceQuery(source, { kind: 'contacts', contactIds: listedIds });
    if (listed) queries.push({ referenceId: `listed${i}`, soql: listed });
  });
  const results = await org.api.composite(queries, meter, ctx);
  const contactCount = parseWith(queryResultSchema(sfRowSchema), ok(results.get('contactCount'), 'contact count'), 'the contact count').totalSize;
  const totals = { promoters: 0, passives: 0, detractors: 0 };
  const quarters = new Map<string, { quarter: string; promoters: number; passives: number; detractors: number }>();
  let respondents = 0;
  const rows: Array<{ source: SalesforceSource; records: unknown[] }> = [];
  const segmentField = (value: unknown) => {
    const score = typeof value === 'string' ? Number(value) : value;
    if (typeof score !== 'number' || !isNpsScore(score)) return null;
    const s = segment(score);
    return s === 'promoter' ? 'promoters' : s === 'passive' ? 'passives' : 'detractors';
  };
  const byTitle = new Map<string | null, { role: string | null; promoters: number; passives: number; detractors: number }>();
  if (perContact) {
    for (const seg of SEGMENTS) {
      const field = seg === 'promoter' ? 'promoters' : seg === 'passive' ? 'passives' : 'detractors';
      const rows = parseWith(queryResultSchema(titleCountSchema), ok(results.get(`latest-${seg}`), 'latest NPS counts'), 'the latest NPS counts').records;
      for (const row of rows) {
        const role = row.t ?? null;
        const entry = byTitle.get(role) ?? { role, promoters: 0, passives: 0, detractors: 0 };
        entry[field] += row.n;
        byTitle.set(role, entry);
        totals[field] += row.n;
      }
    }
    respondents = totals.promoters + totals.passives + totals.detractors;
  }
  for (const [i, source] of sources.entries()) {
    const counted = perContact ? null : parseWith(queryResultSchema(aggregateRowSchema), ok(results.get(`npsCounts${i}`), 'NPS counts'), 'the NPS counts');
    for (const row of counted?.records ?? []) {
      const field = segmentField(row.score);
      if (field) totals[field] += row.n;
    }
    // The quarterly trend is secondary: the counts stand even when the org cannot group by quarter.
    const byQuarter = results.get(`npsByQuarter${i}`);
    if (byQuarter?.ok) {
      for (const row of parseWith(queryResultSchema(quarterRowSchema), byQuarter.body, 'the quarterly NPS counts').records) {
        const field = segmentField(row.score);
        if (!field) continue;
        const quarter = `${row.y}-Q${row.q}`;
        const entry = quarters.get(quarter) ?? { quarter, promoters: 0, passives: 0, detractors: 0 };
        entry[field] += row.n;
        quarters.set(quarter, entry);
      }
    }
    if (!perContact) {
      const distinct = parseWith(queryResultSchema(countDistinctSchema), ok(results.get(`respondents${i}`), 'respondent count'), 'the respondent count');
      // Two sources may count the same person; the larger count is the safe lower bound.
      respondents = Math.max(respondents, distinct.records[0]?.n ?? 0);
    }
    const listed = results.get(`listed${i}`);
    if (listed) rows.push({ source, records: await records(org.api, listed, `listed${i}`, sfRowSchema, meter, ctx) });
  }
  const segmentTotal = { detractor: totals.detractors, passive: totals.passives, promoter: totals.promoters };
  const listPages: ListPage[] = [];
  for (const query of listed) {
    const read = results.get(`list-${query.segment ?? 'all'}`);
    // The list is secondary here: without it the panel asks for its pages itself.
    if (!read?.ok) continue;
    const page = parseWith(queryResultSchema(sfRowSchema), read.body, 'the account’s contacts');
    listPages.push({ query, rows: page.records, total: query.segment === null ? contactCount : segmentTotal[query.segment as keyof typeof segmentTotal] });
  }
  return {
    contactCount,
    listPages,
    rows,
    counts: {
      accountKey: org.key(accountId),
      method: perContact ? chosen : 'window',
      unavailable: chosen !== 'window' && !perContact ? chosen : null,
      counted: perContact ? 'people' : 'answers',
      windowDays: perContact ? null : windowDays,
      byRole: chosen === 'weightedByRole' && perContact ? [...byTitle.values()] : [],
      ...totals,
      respondents,
      byQuarter: [...quarters.values()].sort((a, b) => a.quarter.localeCompare(b.quarter)),
      computedAt: org.now(),
    },
  };
}
