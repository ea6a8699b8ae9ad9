import type { Account, AccountCounts, Contact, FollowUp, LoopRecord, OpenDeal, RecordContext, RecordRef, RejectedRow, SurveyResponse } from '../../core/schema';
import type { SalesforceSource, Settings } from '../../core/settings';
import { CrmError } from '../crm';
import { bigAccount, type ListPage } from './account-counts';
import { childRecords, MAX_QUERIES_PER_COMPOSITE, records, type Meter, type SubQuery } from './client';
import type { SalesforceOrg } from './connection';
import type { ErrorContext } from './errors';
import { caseFollowUp, caseTitle, taskFollowUp } from './follow-ups';
import { parseLoopTask } from './loop-history';
import { recordUrl } from './paths';
import {
  parseSourceRows,
  sfAccountRecordSchema,
  sfOpenOpportunitySchema,
  sfCaseSchema,
  sfContactRecordSchema,
  sfLeadRecordSchema,
  sfOpportunityRecordSchema,
  sfRowSchema,
  sfTaskSchema,
  type SfAccountRecord,
  type SfContact,
  type SfOpenOpportunity,
  type SfTask,
} from './schema';
import * as soql from './soql';

// A record's loyalty context on Salesforce: assembled from ONE composite request (≤ 5 queries, later ones
// referencing the focus record's AccountId); more requests happen only for big accounts (aggregate counts, see
// account-counts.ts), extra pages, more than one score source, or a record without an account. The team's loops
// (completed Loyalty Lens Tasks) come with it.

/** Takes the contact list's first pages a big account's view read along (account-contacts.ts keeps them). */
export type ListPagesSink = (accountId: string, pages: ListPage[]) => void;

export async function loadContext(org: SalesforceOrg, ref: RecordRef, settings: Settings, onListPages?: ListPagesSink): Promise<RecordContext> {
  org.checkInstance(ref.instance);
  try {
    return await assemble(org, ref, settings, onListPages);
  } catch (error) {
    // Fields some orgs lack — person accounts, multiple currencies, the latest-NPS field: learn it once, ask again.
    if (error instanceof CrmError && error.details.crmCode === 'INVALID_FIELD') {
      if (org.personAccountFields && /IsPersonAccount|PersonContactId/.test(error.message)) org.personAccountFields = false;
      else if (org.multiCurrency && /CurrencyIsoCode/.test(error.message)) org.multiCurrency = false;
      else if (org.lastNpsField && error.message.includes(soql.LAST_NPS_FIELD)) org.lastNpsField = false;
      else throw error;
      return loadContext(org, ref, settings, onListPages);
    }
    throw error;
  }
}

async function assemble(org: SalesforceOrg, ref: RecordRef, settings: Settings, onListPages?: ListPagesSink): Promise<RecordContext> {
  const meter: Meter = { requests: 0 };
  const ctx: ErrorContext = { mapping: settings.salesforce };
  // Known since connecting (kept across worker restarts): which currency fields the org has, and its own currency.
  const { currency: orgCurrency } = await org.facts(meter);
  const sources = settings.salesforce.sources;
  const accountRef = ref.objectType === 'account' ? ref.id : '@{focus.records[0].AccountId}';
  const queries: SubQuery[] = [];
  const objectName = { contact: 'Contact', lead: 'Lead', opportunity: 'Opportunity', case: 'Case', account: 'Account' }[ref.objectType as string];
  if (!objectName) throw new CrmError('not-found', 'Loyalty Lens does not show this kind of Salesforce record.');
  if (ref.objectType === 'contact') queries.push({ referenceId: 'focus', soql: soql.contactQuery(ref.id, settings) });
  if (ref.objectType === 'lead') queries.push({ referenceId: 'focus', soql: soql.leadQuery(ref.id) });
  if (ref.objectType === 'opportunity') queries.push({ referenceId: 'focus', soql: soql.opportunityQuery(ref.id) });
  if (ref.objectType === 'case') queries.push({ referenceId: 'focus', soql: soql.caseQuery(ref.id) });
  const leadView = ref.objectType === 'lead';
  if (!leadView) {
    queries.push({ referenceId: 'account', soql: soql.accountQuery(accountRef, settings, org.fields) });
    queries.push({ referenceId: 'tasks', soql: soql.accountTasksQuery(accountRef) });
  }
  // Sources fill the request up to its 5 queries; the rest are read once the focus record is known.
  const sourceQueries: Array<{ source: SalesforceSource; referenceId: string }> = [];
  for (const [i, source] of sources.entries()) {
    if (queries.length >= MAX_QUERIES_PER_COMPOSITE) break;
    const text = soql.sourceQuery(source, leadView ? { kind: 'lead', leadId: ref.id } : { kind: 'account', accountId: accountRef });
    if (!text) continue;
    queries.push({ referenceId: `source${i}`, soql: text });
    sourceQueries.push({ source, referenceId: `source${i}` });
  }
  // With room left, also read the focus contact's own rows, so a contact without an account
  // still needs only this one request.
  const contactOwn: Array<{ source: SalesforceSource; referenceId: string }> = [];
  if (ref.objectType === 'contact') {
    for (const [i, source] of sources.entries()) {
      if (queries.length >= MAX_QUERIES_PER_COMPOSITE) break;
      const text = soql.sourceQuery(source, { kind: 'contacts', contactIds: [ref.id] });
      if (!text) continue;
      queries.push({ referenceId: `own${i}`, soql: text });
      contactOwn.push({ source, referenceId: `own${i}` });
    }
  }
  const results = await org.api.composite(queries, meter, ctx);

  // The focus record
  let title = '';
  let focusAccountId: string | null = ref.objectType === 'account' ? ref.id : null;
  let focusContactIds: string[] = [];
  const contacts = new Map<string, Contact>();
  const followUps = new Map<string, FollowUp>();
  const tasks: SfTask[] = [];
  const notFound = () => new CrmError('not-found', `This Salesforce ${objectName.toLowerCase()} was deleted or merged, or you cannot see it.`);
  if (ref.objectType === 'contact') {
    const [row] = await records(org.api, results.get('focus'), 'contact', sfContactRecordSchema, meter, ctx);
    if (!row) throw notFound();
    title = row.Name;
    focusAccountId = row.AccountId;
    focusContactIds = [row.Id];
    contacts.set(row.Id, toContact(org, row));
    for (const c of row.Cases?.records ?? []) followUps.set(c.Id, caseFollowUp(org, c));
    tasks.push(...(row.Tasks?.records ?? []));
  } else if (ref.objectType === 'lead') {
    const [row] = await records(org.api, results.get('focus'), 'lead', sfLeadRecordSchema, meter, ctx);
    if (!row) throw notFound();
    title = row.Name;
    focusContactIds = [row.Id];
    contacts.set(row.Id, {
      key: org.key(row.Id),
      crm: 'salesforce',
      instance: org.instance(),
      id: row.Id,
      accountKey: null,
      kind: 'lead',
      name: row.Name,
      email: row.Email,
      title: row.Title,
      ownerName: row.Owner?.Name ?? null,
      role: null,
      lastSurveyedAt: null,
      url: recordUrl(org.instance(), 'Lead', row.Id),
    });
    tasks.push(...(row.Tasks?.records ?? []));
  } else if (ref.objectType === 'opportunity') {
    const [row] = await records(org.api, results.get('focus'), 'opportunity', sfOpportunityRecordSchema, meter, ctx);
    if (!row) throw notFound();
    title = row.Name;
    focusAccountId = row.AccountId;
    // Its contacts are its contact roles.
    focusContactIds = [...new Set((row.OpportunityContactRoles?.records ?? []).flatMap((r) => (r.ContactId ? [r.ContactId] : [])))];
  } else if (ref.objectType === 'case') {
    const [row] = await records(org.api, results.get('focus'), 'case', sfCaseSchema, meter, ctx);
    if (!row) throw notFound();
    title = caseTitle(row);
    focusAccountId = row.AccountId;
    focusContactIds = row.ContactId ? [row.ContactId] : [];
    if (!row.IsClosed) followUps.set(row.Id, caseFollowUp(org, row));
  }

  // The account, its contacts, cases and tasks
  let account: Account | null = null;
  let deals: OpenDeal[] | undefined;
  let accountCounts: AccountCounts | null = null;
  let big = false;
  let accountContacts: SfContact[] = [];
  if (focusAccountId) {
    const [row] = (await records(org.api, results.get('account'), 'account', sfAccountRecordSchema, meter, ctx)) as SfAccountRecord[];
    if (!row) {
      if (ref.objectType === 'account') throw notFound();
    } else {
      if (ref.objectType === 'account') {
        title = row.Name;
        if (row.IsPersonAccount && row.PersonContactId) focusContactIds = [row.PersonContactId];
      }
      // The subquery asks for one contact more than is listed; its totalSize tells a big account.
      big = (row.Contacts?.totalSize ?? 0) > soql.LISTED_CONTACTS;
      accountContacts = (row.Contacts?.records ?? []).slice(0, soql.LISTED_CONTACTS);
      for (const c of accountContacts) if (!contacts.has(c.Id)) contacts.set(c.Id, toContact(org, c));
      for (const c of await childRecords(org.api, row.Cases, sfCaseSchema, meter, ctx)) followUps.set(c.Id, caseFollowUp(org, c));
      const revenue = settings.salesforce.revenue;
      // A record without its own currency (every record of a single-currency org) is in the org's.
      const currency = row.CurrencyIsoCode ?? orgCurrency;
      let amount: number | null;
      if (revenue.kind === 'accountField') {
        const value = (row as Record<string, unknown>)[revenue.field];
        amount = typeof value === 'number' ? value : null;
      } else {
        const opportunities = await childRecords(org.api, row.Opportunities, sfOpenOpportunitySchema, meter, ctx);
        deals = opportunities.map((o) => openDeal(org, row.Id, o, currency));
        amount = sumAmounts(opportunities);
      }
      tasks.push(...(await records(org.api, results.get('tasks'), 'tasks', sfTaskSchema, meter, ctx)));
      account = {
        key: org.key(row.Id),
        crm: 'salesforce',
        instance: org.instance(),
        id: row.Id,
        name: row.Name,
        ownerId: row.OwnerId,
        ownerName: row.Owner?.Name ?? null,
        revenue: amount,
        revenueSource: revenue.kind === 'accountField' ? 'field' : 'openPipeline',
        revenueLabel: revenue.kind === 'accountField' ? revenue.field : '',
        currency,
        contactCount: accountContacts.length,
        url: recordUrl(org.instance(), 'Account', row.Id),
      };
    }
  }

  // Responses from every configured source
  const responses = new Map<string, SurveyResponse>();
  const rejected: RejectedRow[] = [];
  const take = (source: SalesforceSource, rows: unknown[]) => {
    const parsed = parseSourceRows(source, rows, { instance: org.instance() });
    for (const r of parsed.parsed) responses.set(r.key, r);
    rejected.push(...parsed.rejected);
  };
  if (big && focusAccountId && account) {
    const listedIds = [...new Set([...focusContactIds, ...accountContacts.map((c) => c.Id)])];
    const summary = await bigAccount(org, focusAccountId, listedIds, settings, meter, ctx);
    account.contactCount = summary.contactCount;
    accountCounts = summary.counts;
    if (summary.listPages.length > 0) onListPages?.(focusAccountId, summary.listPages);
    for (const { source, records: rows } of summary.rows) take(source, rows);
  } else {
    // Rows read in the first request; the sources that did not fit (references reach only within one
    // composite request) are read now with the account, lead or contact as a literal.
    const fromAccount = focusAccountId !== null || leadView;
    const read = fromAccount ? sourceQueries : contactOwn;
    for (const { source, referenceId } of read) take(source, await records(org.api, results.get(referenceId), referenceId, sfRowSchema, meter, ctx));
    const audience: soql.Audience | null = leadView
      ? { kind: 'lead', leadId: ref.id }
      : focusAccountId
        ? { kind: 'account', accountId: focusAccountId }
        : focusContactIds.length > 0
          ? { kind: 'contacts', contactIds: focusContactIds }
          : null;
    const done = new Set(read.map((r) => r.source.id));
    const later = audience
      ? sources.flatMap((source, i) => {
          const text = done.has(source.id) ? null : soql.sourceQuery(source, audience);
          return text ? [{ source, referenceId: `later${i}`, soql: text }] : [];
        })
      : [];
    if (later.length > 0) {
      const more = await org.api.composite(later, meter, ctx);
      for (const { source, referenceId } of later) take(source, await records(org.api, more.get(referenceId), referenceId, sfRowSchema, meter, ctx));
    }
  }

  // Tasks: open ones are follow-ups; completed Loyalty Lens tasks are the team's loops.
  const loops = new Map<string, LoopRecord>();
  for (const task of tasks) {
    const loop = parseLoopTask(task, org.instance());
    if (loop) loops.set(loop.key, loop);
    else if (!task.IsClosed) followUps.set(task.Id, taskFollowUp(org, task, focusAccountId));
  }

  const lastSurveyed = new Map<string, number>();
  for (const r of responses.values()) lastSurveyed.set(r.contactKey, Math.max(lastSurveyed.get(r.contactKey) ?? 0, r.submittedAt));
  const contactList = [...contacts.values()].map((c) => ({ ...c, lastSurveyedAt: lastSurveyed.get(c.key) ?? null }));

  return {
    ref,
    title,
    focusContactKeys: focusContactIds.map((id) => org.key(id)),
    account,
    accountCounts,
    contacts: contactList,
    responses: [...responses.values()].sort((a, b) => b.submittedAt - a.submittedAt),
    followUps: [...followUps.values()],
    // The account query reads every open Case and Task of the account: this read covers them all.
    followUpsRead: ref.objectType === 'account' ? 'account' : focusAccountId ? 'focusAndAccount' : 'focus',
    ...(deals ? { deals } : {}),
    loops: [...loops.values()].sort((a, b) => b.loggedAt - a.loggedAt),
    rejected,
    requestCount: meter.requests,
    fetchedAt: org.now(),
  };
}

export function toContact(org: SalesforceOrg, row: SfContact): Contact {
  return {
    key: org.key(row.Id),
    crm: 'salesforce',
    instance: org.instance(),
    id: row.Id,
    accountKey: row.AccountId ? org.key(row.AccountId) : null,
    kind: 'contact',
    name: row.Name,
    email: row.Email,
    title: row.Title,
    ownerName: row.Owner?.Name ?? null,
    role: null,
    lastSurveyedAt: null,
    url: recordUrl(org.instance(), 'Contact', row.Id),
  };
}

/** An open opportunity with its contact roles, in its own currency (else the account's). */
export function openDeal(org: SalesforceOrg, accountId: string, o: SfOpenOpportunity, accountCurrency: string | null): OpenDeal {
  const roles = (o.OpportunityContactRoles?.records ?? []).filter((r): r is typeof r & { ContactId: string } => r.ContactId !== null);
  const contactFacts: OpenDeal['contactFacts'] = {};
  for (const r of roles) {
    const score = (r.Contact as Record<string, unknown> | null | undefined)?.[soql.LAST_NPS_FIELD];
    contactFacts[org.key(r.ContactId)] = { name: r.Contact?.Name ?? '', latestNps: typeof score === 'number' ? score : null };
  }
  return {
    key: org.key(o.Id),
    crm: 'salesforce',
    instance: org.instance(),
    id: o.Id,
    accountKey: org.key(accountId),
    kind: 'opportunity',
    name: o.Name,
    amount: o.Amount,
    currency: o.CurrencyIsoCode ?? accountCurrency,
    contactKeys: [...new Set(roles.map((r) => org.key(r.ContactId)))],
    contactFacts,
    url: recordUrl(org.instance(), 'Opportunity', o.Id),
  };
}

function sumAmounts(rows: Array<{ Amount: number | null }>): number {
  return rows.reduce((sum, row) => sum + (row.Amount ?? 0), 0);
}
