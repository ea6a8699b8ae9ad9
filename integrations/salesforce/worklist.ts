import { z } from 'zod';
import { rowKey, type SurveyResponse } from '../../core/schema';
import type { SalesforceSource, Settings } from '../../core/settings';
import {
  LOOP_WINDOWS,
  medianCount,
  medianOffset,
  medianOfMiddle,
  RECOVERY_PAIR_MAX,
  recoveryOfWindow,
  windowStart,
  type AnswerFact,
  type ClosedLoop,
  type LoopCounts,
  type LoopWindow,
  type RecoveryRead,
  type WindowCounts,
} from '../../core/loop-metrics';
import { STEPS_FIELD } from './insights';
import { caseLoopFields, FIRST_CONTACT_AT_FIELD, FIRST_CONTACT_HOURS_FIELD, missingTimingFields, SLA_FIELD, type SalesforceLoopFields } from './loop-fields';
import type { Owner, TeamCount, WorklistRead, WorklistRow } from '../../core/worklist';
import { chunks } from '../batches';
import { CrmError } from '../crm';
import type { WorklistReader } from '../worklist';
import type { Meter } from './client';
import type { SalesforceOrg } from './connection';
import { identityOf } from './oauth';
import { recordUrl } from './paths';
import { parseSfDate, parseSourceRows, queryResultSchema } from './schema';
import * as soql from './soql';
import { caseTitle } from './follow-ups';

// "My open loops" in Salesforce: the open Cases and Tasks the signed-in user owns, each with its contact, account,
// revenue and the contact's latest answer — in two composite requests: the loops and the CRM's own counts, then the
// listed contacts' answers and the revenue of their accounts. The team's numbers are aggregate SOQL, one request.

/** Loops listed per kind (oldest first); the CRM's COUNT() tells how many there are in all. */
export const WORKLIST_ROWS = 50;

const id = z.string().regex(/^[A-Za-z0-9]{15,18}$/);
const text = z.string().nullable().optional().transform((v) => v ?? null);
const named = z.object({ Name: z.string().nullable().optional() }).nullable().optional();
const accountParent = z
  .object({ Name: z.string().nullable().optional(), OwnerId: id.nullable().optional(), Owner: named, CurrencyIsoCode: z.string().nullable().optional() })
  .loose()
  .nullable()
  .optional();

const caseRowSchema = z.object({
  Id: id,
  CaseNumber: z.string(),
  Subject: text,
  Status: text,
  CreatedDate: z.string(),
  OwnerId: id.nullable().optional(),
  Owner: named,
  ContactId: id.nullable().optional(),
  Contact: named,
  AccountId: id.nullable().optional(),
  Account: accountParent,
});
const taskRowSchema = z.object({
  Id: id,
  Subject: text,
  Status: text,
  ActivityDate: text,
  CreatedDate: z.string(),
  OwnerId: id.nullable().optional(),
  Owner: named,
  WhoId: id.nullable().optional(),
  Who: named,
  AccountId: id.nullable().optional(),
  Account: accountParent,
});
const countSchema = queryResultSchema(z.unknown());
const revenueRowSchema = z.object({ AccountId: id.nullable(), total: z.number().nullable() }).loose();
const ownerCountSchema = z.object({ OwnerId: id.nullable(), n: z.number().int().nonnegative() }).loose();
const userSchema = z.object({ Id: id, Name: z.string(), Email: z.string().nullable().optional() });

type CaseRow = z.infer<typeof caseRowSchema>;
type TaskRow = z.infer<typeof taskRowSchema>;

/** What the worklist needs of the connector: composite queries (≤ 5 per request) and where it runs. */
export interface SalesforceWorklistDeps {
  instance: string;
  /** The signed-in user's id (the identity URL of the session). */
  userId: string;
  /** Runs read-only queries together; each result is the query's body, or a CrmError for a query that failed. */
  composite(queries: Array<{ referenceId: string; soql: string }>): Promise<Map<string, { ok: true; body: unknown } | { ok: false; error: CrmError }>>;
  /** Updates one record's fields (idempotent). */
  update(objectName: 'Case' | 'Task', recordId: string, fields: Record<string, string>): Promise<void>;
  recordUrl(objectName: string, recordId: string): string;
  /** The follow-up Case's loop fields the org has. */
  loopFields(): Promise<SalesforceLoopFields>;
  /** Whether records carry CurrencyIsoCode, and the org's corporate currency (known since connecting). */
  currencies(): Promise<{ multiCurrency: boolean; currency: string | null }>;
  now(): number;
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CrmError('malformed', `Salesforce sent ${what} in an unexpected shape.`);
  return parsed.data;
}

function body(results: Awaited<ReturnType<SalesforceWorklistDeps['composite']>>, ref: string): unknown {
  const result = results.get(ref);
  if (!result) throw new CrmError('malformed', `Salesforce left out part of the answer (${ref}).`);
  if (!result.ok) throw result.error;
  return result.body;
}

const idList = (ids: readonly string[]) => `(${ids.map(soql.idLiteral).join(', ')})`;

function revenueField(settings: Settings): string | null {
  const revenue = settings.salesforce.revenue;
  return revenue.kind === 'accountField' ? soql.apiName(revenue.field) : null;
}

/** The account's revenue field, with the account's currency where records carry their own. */
function accountRevenueColumns(settings: Settings, multiCurrency: boolean): string {
  const field = revenueField(settings);
  return field ? `, Account.${field}${multiCurrency ? ', Account.CurrencyIsoCode' : ''}` : '';
}

export function openCasesQuery(ownerId: string, settings: Settings, multiCurrency: boolean): string {
  const revenue = accountRevenueColumns(settings, multiCurrency);
  return (
    `SELECT Id, CaseNumber, Subject, Status, CreatedDate, OwnerId, Owner.Name, ContactId, Contact.Name, AccountId, ` +
    `Account.Name, Account.OwnerId, Account.Owner.Name${revenue} FROM Case ` +
    `WHERE OwnerId = ${soql.idLiteral(ownerId)} AND IsClosed = false ORDER BY CreatedDate ASC LIMIT ${WORKLIST_ROWS}`
  );
}

/** Open tasks, not the completed outcome Tasks Loyalty Lens writes (those are closed loops). */
export function openTasksQuery(ownerId: string, settings: Settings, multiCurrency: boolean): string {
  const revenue = accountRevenueColumns(settings, multiCurrency);
  return (
    `SELECT Id, Subject, Status, ActivityDate, CreatedDate, OwnerId, Owner.Name, WhoId, Who.Name, AccountId, ` +
    `Account.Name, Account.OwnerId, Account.Owner.Name${revenue} FROM Task ` +
    `WHERE OwnerId = ${soql.idLiteral(ownerId)} AND IsClosed = false ORDER BY ActivityDate ASC LIMIT ${WORKLIST_ROWS}`
  );
}

export function openCountQuery(object: 'Case' | 'Task', ownerId: string): string {
  return `SELECT COUNT() FROM ${object} WHERE OwnerId = ${soql.idLiteral(ownerId)} AND IsClosed = false`;
}

export function openRevenueQuery(accountIds: readonly string[]): string {
  return `SELECT AccountId, SUM(Amount) total FROM Opportunity WHERE IsClosed = false AND AccountId IN ${idList(accountIds)} GROUP BY AccountId`;
}

/** The NPS source whose answers stand beside a loop: the first configured one that can read contacts' answers. */
function npsSource(settings: Settings): SalesforceSource | null {
  return settings.salesforce.sources[0] ?? null;
}

function answersQuery(source: SalesforceSource, contactIds: string[]): string {
  return source.kind === 'salesforce-surveys'
    ? soql.surveyResponsesQuery(source, { kind: 'contacts', contactIds })
    : soql.customResponsesQuery(source, { kind: 'contacts', contactIds });
}

/** The latest answer per contact, NPS before other kinds (the list ranks by NPS). */
function latestAnswers(responses: SurveyResponse[]): Map<string, SurveyResponse> {
  const latest = new Map<string, SurveyResponse>();
  const rank = (r: SurveyResponse) => (r.kind === 'nps' ? 1 : 0);
  for (const r of responses) {
    const current = latest.get(r.contactKey);
    if (!current || rank(r) > rank(current) || (rank(r) === rank(current) && r.submittedAt > current.submittedAt)) latest.set(r.contactKey, r);
  }
  return latest;
}

/** One user's open loops (the signed-in user's, or a teammate's in the team view): two composite requests whatever their number. */
export async function readSalesforceWorklist(deps: SalesforceWorklistDeps, ownerId: string, settings: Settings, requestCount: () => number): Promise<WorklistRead> {
  const start = requestCount();
  const me = ownerId;
  const { multiCurrency, currency: orgCurrency } = await deps.currencies();
  const first = await deps.composite([
    { referenceId: 'cases', soql: openCasesQuery(me, settings, multiCurrency) },
    { referenceId: 'tasks', soql: openTasksQuery(me, settings, multiCurrency) },
    { referenceId: 'caseCount', soql: openCountQuery('Case', me) },
    { referenceId: 'taskCount', soql: openCountQuery('Task', me) },
  ]);
  const cases = parse(queryResultSchema(caseRowSchema), body(first, 'cases'), 'the open Cases').records;
  const tasks = parse(queryResultSchema(taskRowSchema), body(first, 'tasks'), 'the open tasks').records;
  const openTotal =
    parse(countSchema, body(first, 'caseCount'), 'the Case count').totalSize + parse(countSchema, body(first, 'taskCount'), 'the task count').totalSize;

  const contactIds = [...new Set([...cases.map((c) => c.ContactId), ...tasks.map((t) => (t.WhoId?.startsWith('003') ? t.WhoId : null))].filter((x): x is string => !!x))];
  const accountIds = [...new Set([...cases, ...tasks].map((r) => r.AccountId).filter((x): x is string => !!x))];
  const source = npsSource(settings);
  const second: Array<{ referenceId: string; soql: string }> = [];
  if (source && contactIds.length > 0) second.push({ referenceId: 'answers', soql: answersQuery(source, contactIds) });
  if (settings.salesforce.revenue.kind === 'openOpportunities' && accountIds.length > 0) second.push({ referenceId: 'revenue', soql: openRevenueQuery(accountIds) });
  const more = second.length > 0 ? await deps.composite(second) : new Map();

  const answers = new Map<string, SurveyResponse>();
  if (source && more.has('answers')) {
    const page = parse(queryResultSchema(z.unknown()), body(more, 'answers'), 'the answers');
    for (const [key, response] of latestAnswers(parseSourceRows(source, page.records, { instance: deps.instance }).parsed)) answers.set(key, response);
  }
  const revenue = new Map<string, number>();
  if (more.has('revenue')) {
    for (const row of parse(queryResultSchema(revenueRowSchema), body(more, 'revenue'), 'the open opportunities').records) {
      if (row.AccountId) revenue.set(row.AccountId, row.total ?? 0);
    }
  }
  const field = revenueField(settings);
  const accountOf = (r: CaseRow | TaskRow): WorklistRow['account'] => {
    if (!r.AccountId) return null;
    const parent = r.Account as Record<string, unknown> | null | undefined;
    const fieldValue = field ? parent?.[field] : undefined;
    const ownCurrency = r.Account?.CurrencyIsoCode ?? null;
    return {
      id: r.AccountId,
      name: r.Account?.Name ?? r.AccountId,
      revenue: field ? (typeof fieldValue === 'number' ? fieldValue : null) : (revenue.get(r.AccountId) ?? 0),
      // The field is in the account's currency (else the org's); SUM(Amount) answers in the corporate currency.
      currency: field ? (ownCurrency ?? orgCurrency) : orgCurrency,
      ownerId: r.Account?.OwnerId ?? null,
      ownerName: r.Account?.Owner?.Name ?? null,
    };
  };
  const scoreOf = (contactId: string | null | undefined): WorklistRow['score'] => {
    const answer = contactId ? answers.get(rowKey('salesforce', deps.instance, contactId)) : undefined;
    return answer ? { kind: answer.kind, value: answer.score, scaleMax: answer.scaleMax, submittedAt: answer.submittedAt, comment: answer.comment } : null;
  };
  const base = (objectName: 'Case' | 'Task', r: CaseRow | TaskRow) => ({
    key: rowKey('salesforce', deps.instance, r.Id),
    crm: 'salesforce' as const,
    instance: deps.instance,
    id: r.Id,
    statusLabel: r.Status,
    ownerId: r.OwnerId ?? null,
    ownerName: r.Owner?.Name ?? null,
    account: accountOf(r),
    createdAt: parseSfDate(r.CreatedDate) ?? 0,
    url: deps.recordUrl(objectName, r.Id),
  });
  const rows: WorklistRow[] = [
    ...cases.map((c) => ({
      ...base('Case', c),
      kind: 'case' as const,
      title: caseTitle(c),
      contact: c.ContactId ? { id: c.ContactId, name: c.Contact?.Name ?? c.ContactId, url: deps.recordUrl('Contact', c.ContactId) } : null,
      score: scoreOf(c.ContactId),
      crmDueAt: null,
    })),
    ...tasks.map((t) => ({
      ...base('Task', t),
      kind: 'task' as const,
      title: t.Subject ?? 'Task',
      contact: t.WhoId ? { id: t.WhoId, name: t.Who?.Name ?? t.WhoId, url: deps.recordUrl(t.WhoId.startsWith('00Q') ? 'Lead' : 'Contact', t.WhoId) } : null,
      score: scoreOf(t.WhoId),
      crmDueAt: parseSfDate(t.ActivityDate),
    })),
  ];
  return { crm: 'salesforce', instance: deps.instance, ownerId: me, rows, openTotal, requestCount: requestCount() - start, fetchedAt: deps.now() };
}

/**
 * Per owner, open and overdue loops as Salesforce counts them: a task is overdue past its date; a Case, once older than
 * the detractor SLA (the Case itself does not say which answer it follows up).
 */
export async function salesforceTeamCounts(deps: SalesforceWorklistDeps, settings: Settings): Promise<TeamCount[]> {
  const caseCutoff = new Date(deps.now() - settings.rules.slaHours.detractor * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const results = await deps.composite([
    { referenceId: 'cases', soql: 'SELECT OwnerId, COUNT(Id) n FROM Case WHERE IsClosed = false GROUP BY OwnerId' },
    { referenceId: 'tasks', soql: 'SELECT OwnerId, COUNT(Id) n FROM Task WHERE IsClosed = false GROUP BY OwnerId' },
    { referenceId: 'lateCases', soql: `SELECT OwnerId, COUNT(Id) n FROM Case WHERE IsClosed = false AND CreatedDate < ${caseCutoff} GROUP BY OwnerId` },
    { referenceId: 'lateTasks', soql: 'SELECT OwnerId, COUNT(Id) n FROM Task WHERE IsClosed = false AND ActivityDate < TODAY GROUP BY OwnerId' },
    { referenceId: 'users', soql: 'SELECT Id, Name, Email FROM User WHERE IsActive = true ORDER BY Name LIMIT 500' },
  ]);
  const counts = new Map<string, TeamCount>();
  const names = new Map(parse(queryResultSchema(userSchema), body(results, 'users'), 'the users').records.map((u) => [u.Id, u.Name]));
  const add = (ref: string, key: 'open' | 'overdue') => {
    for (const row of parse(queryResultSchema(ownerCountSchema), body(results, ref), 'the loop counts').records) {
      if (!row.OwnerId) continue;
      const entry = counts.get(row.OwnerId) ?? { crm: 'salesforce', ownerId: row.OwnerId, ownerName: names.get(row.OwnerId) ?? null, open: 0, overdue: 0 };
      entry[key] += row.n;
      counts.set(row.OwnerId, entry);
    }
  };
  add('cases', 'open');
  add('tasks', 'open');
  add('lateCases', 'overdue');
  add('lateTasks', 'overdue');
  return [...counts.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open);
}

const soqlDateTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Follow-up Cases closed in the window ending `now` (the types and origins the settings name, when they name any).
 * The window starts at an instant, as HubSpot's does, not at a midnight as LAST_N_DAYS would.
 */
export function closedCountQuery(settings: Settings, days: LoopWindow, ownerId: string | null, now: number): string {
  const parts = ['IsClosed = true', `ClosedDate >= ${soqlDateTime(windowStart(now, days))}`];
  if (settings.salesforce.caseTypes.length > 0) parts.push(`Type IN (${settings.salesforce.caseTypes.map(soql.quote).join(', ')})`);
  if (settings.salesforce.caseOrigins.length > 0) parts.push(`Origin IN (${settings.salesforce.caseOrigins.map(soql.quote).join(', ')})`);
  if (ownerId) parts.push(`OwnerId = ${soql.idLiteral(ownerId)}`);
  return `SELECT COUNT() FROM Case WHERE ${parts.join(' AND ')}`;
}

/** Salesforce refuses an OFFSET over 2,000 (NUMBER_OUTSIDE_VALID_RANGE): a median past it cannot be read. */
export const SOQL_OFFSET_MAX = 2_000;

/**
 * The loop's numbers of one window's closed follow-up Cases, in one aggregate query: COUNT(field) counts the rows where
 * the field holds a value, so one row per SLA result gives closed, recorded first contacts and hours to them.
 */
export function loopCountsQuery(settings: Settings, days: LoopWindow, ownerId: string | null, now: number, fields: SalesforceLoopFields): string {
  const where = closedCountQuery(settings, days, ownerId, now).replace('SELECT COUNT() FROM Case WHERE ', '');
  const select = ['COUNT(Id) n', ...(fields.firstContactAt ? [`COUNT(${FIRST_CONTACT_AT_FIELD}) r`] : []), ...(fields.firstContactHours ? [`COUNT(${FIRST_CONTACT_HOURS_FIELD}) h`] : [])];
  const slaCounted = !!fields.sla?.includes('within');
  return `SELECT ${slaCounted ? `${SLA_FIELD} s, ` : ''}${select.join(', ')} FROM Case WHERE ${where}${slaCounted ? ` GROUP BY ${SLA_FIELD}` : ''}`;
}

const loopCountRowSchema = z.object({ s: z.string().nullable().optional(), n: z.number().int().nonnegative(), r: z.number().int().nonnegative().optional(), h: z.number().int().nonnegative().optional() }).loose();
const hoursRowSchema = z.object({ [FIRST_CONTACT_HOURS_FIELD]: z.number().nullable() }).loose();

const closedCaseSchema = z.object({ Id: id, OwnerId: id.nullable().optional(), ContactId: id.nullable().optional(), CreatedDate: z.string(), ClosedDate: z.string().nullable() });

/**
 * The follow-up Cases closed in the last 90 days that recovery pairs, newest closed first, up to RECOVERY_PAIR_MAX: the
 * windows whose loops are no more than that are all in it.
 */
export function recoveryCasesQuery(settings: Settings, ownerId: string | null, now: number): string {
  const where = closedCountQuery(settings, 90, ownerId, now).replace('SELECT COUNT() FROM Case WHERE ', '');
  return `SELECT Id, OwnerId, ContactId, CreatedDate, ClosedDate FROM Case WHERE ${where} ORDER BY ClosedDate DESC LIMIT ${RECOVERY_PAIR_MAX}`;
}

/** Contacts per answers query: their ids in the query's URL stay well under Salesforce's URI limit. */
const ANSWER_QUERY_CONTACTS = 200;

/**
 * The loop's numbers, mine and the team's, over 30 and 90 days, in aggregate SOQL: per window one grouped count
 * (closed, SLA results, first contacts and hours recorded) and one COUNT() of the thanked, with the closed Cases
 * recovery pairs (the team's and the owner's, newest first, at most RECOVERY_PAIR_MAX each) — two composite requests —
 * then the middle one or two hours to first contact per window, sorted with OFFSET, and only those Cases' contacts'
 * answers (one more; never every answer: up to five queries of 200 contacts, each answered in one batch of 2,000 rows or
 * called too many to pair).
 */
export async function salesforceLoopCounts(deps: SalesforceWorklistDeps, ownerId: string | null, settings: Settings): Promise<LoopCounts> {
  const now = deps.now();
  const fields = await deps.loopFields();
  const thankedCounted = fields.firstContactAt && !!fields.steps?.includes('thanked');
  const slaCounted = !!fields.sla?.includes('within');
  const scopes = [{ key: 'team', owner: null }, ...(ownerId ? [{ key: 'mine', owner: ownerId }] : [])];
  const cells = scopes.flatMap((scope) => LOOP_WINDOWS.map((days) => ({ ref: `${scope.key}${days}`, owner: scope.owner, days })));
  const closedWhere = (c: (typeof cells)[number]) => closedCountQuery(settings, c.days, c.owner, now).replace('SELECT COUNT() FROM Case WHERE ', '');
  const source = npsSource(settings);
  const results = await deps.composite([
    ...cells.flatMap((c) => [
      { referenceId: c.ref, soql: loopCountsQuery(settings, c.days, c.owner, now, fields) },
      ...(thankedCounted ? [{ referenceId: `${c.ref}thanked`, soql: `SELECT COUNT() FROM Case WHERE ${closedWhere(c)} AND ${FIRST_CONTACT_AT_FIELD} != null AND ${STEPS_FIELD} INCLUDES ('thanked')` }] : []),
    ]),
    ...(source ? scopes.map((scope) => ({ referenceId: `${scope.key}Loops`, soql: recoveryCasesQuery(settings, scope.owner, now) })) : []),
  ]);
  const counted = new Map(
    cells.map((c) => {
      const rows = parse(queryResultSchema(loopCountRowSchema), body(results, c.ref), 'the loop’s numbers').records;
      const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((n, r) => n + pick(r), 0);
      const window: WindowCounts = {
        closed: sum((r) => r.n),
        withinSla: slaCounted ? { count: sum((r) => (r.s === 'within' ? r.n : 0)), n: sum((r) => (r.s ? r.n : 0)) } : null,
        thanked: thankedCounted ? { count: parse(countSchema, body(results, `${c.ref}thanked`), 'the count of thanked loops').totalSize, n: sum((r) => r.r ?? 0) } : null,
        firstContact: fields.firstContactHours ? { n: sum((r) => r.h ?? 0), medianHours: null, beyondLimit: false } : null,
        recovery: null,
      };
      return [c.ref, window] as const;
    }),
  );
  // The median: the middle one or two of the hours, sorted; past SOQL's OFFSET limit it is not read.
  const medians = cells.flatMap((c) => {
    const fc = counted.get(c.ref)!.firstContact;
    if (!fc || fc.n === 0) return [];
    if (medianOffset(fc.n) > SOQL_OFFSET_MAX) {
      fc.beyondLimit = true;
      return [];
    }
    return [{ cell: c, fc, soql: `SELECT ${FIRST_CONTACT_HOURS_FIELD} FROM Case WHERE ${closedWhere(c)} AND ${FIRST_CONTACT_HOURS_FIELD} != null ORDER BY ${FIRST_CONTACT_HOURS_FIELD} ASC LIMIT ${medianCount(fc.n)} OFFSET ${medianOffset(fc.n)}` }];
  });
  const loopsOf = (key: string): ClosedLoop[] | null => {
    if (!source || !results.has(`${key}Loops`)) return null;
    return parse(queryResultSchema(closedCaseSchema), body(results, `${key}Loops`), 'the closed Cases').records.map((r) => ({
      id: r.Id,
      ownerId: r.OwnerId ?? null,
      contactKey: r.ContactId ? rowKey('salesforce', deps.instance, r.ContactId) : null,
      openedAt: parseSfDate(r.CreatedDate) ?? 0,
      closedAt: parseSfDate(r.ClosedDate) ?? 0,
    }));
  };
  const team = loopsOf('team');
  const mine = loopsOf('mine');
  const contactIds = [...new Set([...(team ?? []), ...(mine ?? [])].flatMap((l) => (l.contactKey ? [l.contactKey.split('|')[2]!] : [])))];
  const answerQueries = source ? chunks(contactIds, ANSWER_QUERY_CONTACTS).map((ids, i) => ({ referenceId: `answers${i}`, soql: answersQuery(source, ids) })) : [];
  const [middle, answered] = await Promise.all([
    medians.length > 0 ? deps.composite(medians.map((m) => ({ referenceId: m.cell.ref, soql: m.soql }))) : null,
    answerQueries.length > 0 ? deps.composite(answerQueries) : null,
  ]);
  for (const m of medians) {
    const rows = parse(queryResultSchema(hoursRowSchema), body(middle!, m.cell.ref), 'the hours to first contact').records;
    m.fc.medianHours = medianOfMiddle(rows.flatMap((r) => (typeof r[FIRST_CONTACT_HOURS_FIELD] === 'number' ? [r[FIRST_CONTACT_HOURS_FIELD] as number] : [])));
  }
  if (source && team) {
    let answers: AnswerFact[] | null = [];
    for (const q of answerQueries) {
      const page = parse(queryResultSchema(z.unknown()), body(answered!, q.referenceId), 'the answers');
      // More than one batch of answers: too many to pair, said so rather than pairing some of them.
      if (!page.done) answers = null;
      else answers?.push(...parseSourceRows(source, page.records, { instance: deps.instance }).parsed.filter((r) => r.kind === 'nps').map((r) => ({ contactKey: r.contactKey, score: r.score, submittedAt: r.submittedAt })));
    }
    const read: RecoveryRead = { team, mine, answers };
    for (const days of LOOP_WINDOWS) {
      const since = windowStart(now, days);
      const teamCell = counted.get(`team${days}`)!;
      teamCell.recovery = recoveryOfWindow(read, { ownerId: null, since, closed: teamCell.closed, teamClosed: teamCell.closed });
      const mineCell = counted.get(`mine${days}`);
      if (mineCell && ownerId) mineCell.recovery = recoveryOfWindow(read, { ownerId, since, closed: mineCell.closed, teamClosed: teamCell.closed });
    }
  }
  const windows = (key: string) => ({ 30: counted.get(`${key}30`)!, 90: counted.get(`${key}90`)! });
  return { crm: 'salesforce', mine: ownerId ? windows('mine') : null, team: windows('team'), missingFields: missingTimingFields(fields), countedAt: now };
}

/** Active users a loop can go to. */
export async function salesforceOwners(deps: SalesforceWorklistDeps): Promise<Owner[]> {
  const results = await deps.composite([{ referenceId: 'users', soql: 'SELECT Id, Name, Email FROM User WHERE IsActive = true ORDER BY Name LIMIT 500' }]);
  return parse(queryResultSchema(userSchema), body(results, 'users'), 'the users').records.map((u) => ({ id: u.Id, name: u.Name, email: u.Email ?? null }));
}

/** Gives a loop (Case or task) to another user: an update, so sending it twice changes nothing more. */
export async function reassignSalesforceLoop(deps: SalesforceWorklistDeps, loop: { id: string; kind: WorklistRow['kind'] }, ownerId: string): Promise<void> {
  await deps.update(loop.kind === 'case' ? 'Case' : 'Task', loop.id, { OwnerId: soql.idLiteral(ownerId).slice(1, -1) });
}

/** The worklist's reads on one org, with the signed-in user as "me" and the org's request path. */
export function salesforceWorklist(org: SalesforceOrg): WorklistReader {
  const meter: Meter = { requests: 0 };
  const deps = (): SalesforceWorklistDeps => {
    org.checkInstance();
    const userId = identityOf(org.session.tokens).userId;
    if (!userId) throw new CrmError('auth', 'The Salesforce sign-in does not say who you are. Sign in with Salesforce again.');
    return {
      instance: org.instance(),
      userId,
      composite: (queries) => org.api.composite(queries, meter),
      update: async (objectName, recordId, fields) => {
        await org.api.request({ method: 'PATCH', url: `${org.api.paths.object(objectName)}/${soql.idLiteral(recordId).slice(1, -1)}`, body: fields, idempotent: true }, meter);
      },
      recordUrl: (objectName, recordId) => recordUrl(org.instance(), objectName, recordId),
      loopFields: () => caseLoopFields(org, meter),
      currencies: () => org.facts(meter),
      now: org.now,
    };
  };
  return {
    async signedInOwner() {
      const d = deps();
      const owners = await salesforceOwners(d);
      return owners.find((o) => o.id === d.userId) ?? { id: d.userId, name: d.userId, email: null };
    },
    read: (ownerId, settings) => readSalesforceWorklist(deps(), ownerId, settings, () => meter.requests),
    teamCounts: (settings) => salesforceTeamCounts(deps(), settings),
    loopCounts: (ownerId, settings) => salesforceLoopCounts(deps(), ownerId, settings),
    owners: () => salesforceOwners(deps()),
    reassign: (loop, ownerId) => reassignSalesforceLoop(deps(), loop, ownerId),
  };
}
