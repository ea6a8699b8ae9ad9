import { Connection } from 'jsforce/core';
import { reportFetchFailures } from './fetch-transport';
import type { z } from 'zod';
import {
  rowKey,
  type Account,
  type AccountCounts,
  type Contact,
  type FollowUp,
  type LoopRecord,
  type Outcome,
  type OutcomeResult,
  type RecordContext,
  type RecordRef,
  type RejectedRow,
  type SurveyResponse,
} from '../../core/schema';
import type { HubSpotSource, SalesforceSource, Settings } from '../../core/settings';
import { segment, isNpsScore } from '../../core/nps';
import {
  CrmError,
  type ConnectionInfo,
  type CrmConnector,
  type OpenedFollowUp,
  type MetadataField,
  type MetadataObject,
  type OutcomeWriteResult,
  type PreviewResult,
} from '../crm';
import { backoffDelay, realClock, type Clock } from '../rate-limit';
import { objectTypeOfId } from './ids';
import { identityOf, type SalesforceSession } from './oauth';
import {
  aggregateRowSchema,
  quarterRowSchema,
  caseStatusSchema,
  compositeResponseSchema,
  countDistinctSchema,
  describeGlobalSchema,
  describeSchema,
  parseSfDate,
  parseSourceRows,
  queryResultSchema,
  saveResultsSchema,
  sfAccountRecordSchema,
  sfCaseSchema,
  sfContactRecordSchema,
  sfContactSchema,
  sfErrorSchema,
  sfLeadRecordSchema,
  sfOpportunityRecordSchema,
  sfTaskSchema,
  sfRowSchema,
  sfAmountSchema,
  userinfoSchema,
  limitsSchema,
  type QueryResult,
  type SaveResult,
  type SfAccountRecord,
  type SfCase,
  type SfContact,
  type SfTask,
} from './schema';
import * as soql from './soql';

// The Salesforce connector. Runs only in the background service worker; every call goes through jsforce's
// slim entry with the configured API version. A record view is assembled from ONE composite request
// (≤ 5 queries, later ones referencing the focus record's AccountId); more requests happen only for
// big accounts (aggregate counts), extra pages, more than one score source, or a record without an account.

export interface SalesforceConnectorOptions {
  session: SalesforceSession;
  /** The org the background expects (stored at connect time); a session for another org is refused. */
  expectedInstance?: string;
  apiVersion: string;
  now?: () => number;
  /** Per-request time limit. */
  timeoutMs?: number;
  clock?: Clock;
  random?: () => number;
}

/** External ID field on Task that makes outcome writes upserts (created by the admin; optional). */
export const TASK_KEY_FIELD = 'Loyalty_Lens_Key__c';
const MAX_QUERIES_PER_COMPOSITE = 5;
const MAX_RECORDS_PER_COLLECTION = 200;
const MAX_ATTEMPTS = 3;
/** Follows queryMore at most this far for one query, so a runaway result cannot exhaust the API allowance. */
const MAX_PAGES = 20;

const RESULT_LABELS: Record<OutcomeResult, string> = {
  'reached-resolved': 'Reached, resolved',
  'reached-unresolved': 'Reached, not resolved',
  'no-answer': 'No answer',
  escalated: 'Escalated',
  'promoter-reference': 'Promoter: reference',
  'promoter-review': 'Promoter: review',
  'promoter-community': 'Promoter: community',
};

/** The Lightning host of an org's API host: acme.my.salesforce.com → acme.lightning.force.com. */
export function lightningHost(instance: string): string {
  return instance.replace(/\.my\.salesforce\.com$/, '.lightning.force.com');
}

export function recordUrl(instance: string, objectName: string, id: string): string {
  return `https://${lightningHost(instance)}/lightning/r/${objectName}/${id}/view`;
}

// ---------------------------------------------------------------------------------------------
// Outcome Tasks: what we write, and how a past one is read back as a loop

export function outcomeSubject(outcome: Pick<Outcome, 'result' | 'idempotencyKey'>, withMarker: boolean): string {
  const base = `${soql.LOOP_SUBJECT_PREFIX}: ${RESULT_LABELS[outcome.result]}`;
  // Without the External ID field the key must sit in a filterable field (Description is a long text area).
  return withMarker ? `${base} [${outcome.idempotencyKey}]` : base;
}

export function outcomeDescription(outcome: Outcome): string {
  const lines = [
    `Result: ${outcome.result}`,
    `Root causes: ${outcome.rootCauses.join('; ') || '—'}`,
    `Thanked: ${outcome.thanked ? 'yes' : 'no'}`,
  ];
  if (outcome.nextStep) lines.push(`Next step: ${outcome.nextStep.text} (due ${outcome.nextStep.dueDate})`);
  if (outcome.responseId) lines.push(`Response: ${outcome.responseId}`);
  lines.push(`Key: ${outcome.idempotencyKey}`);
  if (outcome.loggedBy) lines.push(`Logged by: ${outcome.loggedBy}`);
  return `${lines.join('\n')}\n\n${outcome.note}`.trimEnd().slice(0, 32_000);
}

function outcomeTask(outcome: Outcome, withKeyField: boolean): Record<string, unknown> {
  const whoIsLead = objectTypeOfId(outcome.contactId) === 'lead';
  const what =
    outcome.followUpId && objectTypeOfId(outcome.followUpId) === 'case'
      ? outcome.followUpId
      : ['account', 'opportunity', 'case'].includes(outcome.ref.objectType)
        ? outcome.ref.id
        : null;
  return {
    attributes: { type: 'Task' },
    ...(withKeyField ? { [TASK_KEY_FIELD]: outcome.idempotencyKey } : {}),
    Subject: outcomeSubject(outcome, !withKeyField),
    Status: 'Completed',
    TaskSubtype: 'Call',
    Priority: 'Normal',
    WhoId: outcome.contactId,
    // A Task about a lead cannot name a related record.
    ...(what && !whoIsLead ? { WhatId: what } : {}),
    ActivityDate: new Date(outcome.loggedAt).toISOString().slice(0, 10),
    Description: outcomeDescription(outcome),
  };
}

const OUTCOME_RESULTS = new Set<string>(Object.keys(RESULT_LABELS));

export function parseLoopTask(task: SfTask, instance: string): LoopRecord | null {
  if (!task.IsClosed || !task.Subject?.startsWith(soql.LOOP_SUBJECT_PREFIX) || !task.WhoId) return null;
  const description = task.Description ?? '';
  const line = (label: string) => new RegExp(`^${label}: (.*)$`, 'm').exec(description)?.[1]?.trim() ?? null;
  const result = line('Result');
  const causes = line('Root causes');
  const note = description.split('\n\n').slice(1).join('\n\n').trim();
  return {
    key: rowKey('salesforce', instance, task.Id),
    crm: 'salesforce',
    instance,
    id: task.Id,
    contactKey: rowKey('salesforce', instance, task.WhoId),
    idempotencyKey: line('Key'),
    loggedAt: parseSfDate(task.ActivityDate) ?? parseSfDate(task.CreatedDate) ?? 0,
    loggedBy: line('Logged by') ?? task.CreatedBy?.Name ?? task.Owner?.Name ?? null,
    result: result && OUTCOME_RESULTS.has(result) ? (result as OutcomeResult) : null,
    rootCauses: causes && causes !== '—' ? causes.split(';').map((c) => c.trim()).filter(Boolean) : [],
    summary: note || task.Subject,
    url: recordUrl(instance, 'Task', task.Id),
  };
}

// ---------------------------------------------------------------------------------------------
// Errors in the user's words

interface ErrorContext {
  /** The mappings in use, so an error can name the setting that points at a missing field or object. */
  mapping?: Pick<Settings['salesforce'], 'sources' | 'revenue'>;
  usage?: string | null;
}

/** Which setting names a field or object, so the admin knows what to fix. */
function whereMapped(name: string, mapping: ErrorContext['mapping']): string | null {
  if (!mapping) return null;
  const lower = name.toLowerCase();
  const revenue = mapping.revenue;
  if (revenue.kind === 'accountField' && revenue.field.toLowerCase() === lower) return 'the revenue field setting';
  for (const source of mapping.sources) {
    if (source.kind !== 'salesforce-custom-object') continue;
    if (source.object.toLowerCase() === lower) return `score source "${source.label}"`;
    const fields = [source.scoreField, source.dateField, source.commentField, source.contactField, source.accountField, source.surveyKindField, source.surveyNameField];
    if (fields.some((f) => f?.toLowerCase() === lower || (f && soql.relationshipOf(f).toLowerCase() === lower))) {
      return `score source "${source.label}"`;
    }
  }
  return null;
}

export function crmErrorFrom(code: string, message: string, ctx: ErrorContext = {}, status?: number): CrmError {
  const details = { crmCode: code, ...(status !== undefined ? { status } : {}) };
  switch (code) {
    case 'REQUEST_LIMIT_EXCEEDED':
      // The same code covers the short-lived concurrent-request limit, which clears within seconds.
      if (/Concurrent/i.test(message)) {
        return new CrmError('rate-limit', 'Salesforce is busy with too many long requests from your org. Loyalty Lens will try again shortly.', {
          ...details,
          retryAfterMs: 5000,
        });
      }
      return new CrmError(
        'daily-limit',
        `Your Salesforce org has used up its daily API allowance${ctx.usage ? ` (${ctx.usage.replace('api-usage=', '')} requests)` : ''}. ` +
          'Loyalty Lens pauses until Salesforce resets it; the last loaded data stays visible.',
        { ...details, ...(ctx.usage ? { usage: ctx.usage } : {}) },
      );
    case 'INVALID_SESSION_ID':
    case 'INVALID_AUTH_HEADER':
      return new CrmError('auth', 'The Salesforce sign-in expired or was revoked. An admin needs to connect Salesforce again.', details);
    case 'INSUFFICIENT_ACCESS_OR_READONLY':
    case 'INSUFFICIENT_ACCESS':
    case 'API_DISABLED_FOR_ORG':
    case 'API_CURRENTLY_DISABLED':
    case 'FUNCTIONALITY_NOT_ENABLED':
      return new CrmError('scope', "Your Salesforce user lacks the permission for this (API access or access to these records). Ask your admin.", details);
    case 'INVALID_FIELD': {
      const column = /No such column '([^']+)'(?: on entity '([^']+)')?/i.exec(message);
      const field = column?.[1] ?? /'([A-Za-z0-9_.]+)'/.exec(message)?.[1] ?? null;
      const entity = column?.[2];
      const where = field ? whereMapped(field.split('.').pop()!, ctx.mapping) : null;
      return new CrmError(
        'config',
        field
          ? `The field "${field}"${entity ? ` on ${entity}` : ''}${where ? `, named in ${where},` : ''} does not exist in this Salesforce org (or your user cannot see it).`
          : `A mapped Salesforce field does not exist in this org: ${message}`,
        details,
      );
    }
    case 'INVALID_TYPE': {
      const object = /sObject type '([^']+)'/i.exec(message)?.[1] ?? /'([A-Za-z0-9_]+)'/.exec(message)?.[1] ?? null;
      const where = object ? whereMapped(object, ctx.mapping) : null;
      return new CrmError(
        'config',
        object
          ? `The object "${object}"${where ? ` (${where})` : ''} does not exist in this Salesforce org, or your user cannot see it.`
          : `A mapped Salesforce object does not exist in this org: ${message}`,
        details,
      );
    }
    case 'NOT_FOUND':
    case 'ENTITY_IS_DELETED':
      return new CrmError('not-found', 'This Salesforce record was deleted or merged, or you cannot see it.', details);
    case 'SERVER_UNAVAILABLE':
    case 'UNKNOWN_EXCEPTION':
    case 'REQUEST_RUNNING_TOO_LONG':
    case 'QUERY_TIMEOUT':
      return new CrmError('server', 'Salesforce had a problem answering. Loyalty Lens will try again.', details);
    default: {
      const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
      const httpStatus = status ?? (http ? Number(http[1]) : undefined);
      if (httpStatus !== undefined && httpStatus >= 500) {
        return new CrmError('server', `Salesforce had a problem answering (HTTP ${httpStatus}). Loyalty Lens will try again.`, { ...details, status: httpStatus });
      }
      if (httpStatus === 404) return new CrmError('not-found', 'This Salesforce record was deleted or merged, or you cannot see it.', details);
      // The identity endpoints (userinfo) answer an expired access token with Bad_OAuth_Token instead
      // of INVALID_SESSION_ID; it means the same, and a refresh cures it.
      if ((httpStatus === 401 || httpStatus === 403) && /Bad_OAuth_Token/i.test(`${code} ${message}`)) {
        return crmErrorFrom('INVALID_SESSION_ID', message, ctx, httpStatus);
      }
      return new CrmError('validation', `Salesforce refused the request: ${message.slice(0, 300)}`, details);
    }
  }
}

/** jsforce's HttpApiError (not exported by the slim entry's types), or a fetch failure. */
interface ThrownByJsforce {
  name?: string;
  errorCode?: string;
  message?: string;
  code?: string;
  type?: string;
}

function toCrmError(error: unknown, ctx: ErrorContext): CrmError {
  if (error instanceof CrmError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ThrownByJsforce;
  if (e.name === 'AbortError' || e.type === 'aborted' || e.code === 'ETIMEDOUT') {
    return new CrmError('timeout', 'Salesforce did not answer in time. Loyalty Lens will try again.');
  }
  if (e.errorCode) {
    // A non-JSON error body (an HTML error page, a cut connection) arrives as ERROR_HTTP_<status>.
    return crmErrorFrom(e.errorCode, e.message ?? '', ctx);
  }
  if (e.name === 'FetchError' || e.name === 'TypeError' || e.code) {
    return new CrmError('network', 'Cannot reach Salesforce. Check the internet connection; Loyalty Lens will try again.');
  }
  return new CrmError('malformed', 'Salesforce answered in an unexpected way.');
}

// ---------------------------------------------------------------------------------------------
// The connector

interface SubQuery {
  referenceId: string;
  soql: string;
}

type SubResult = { ok: true; body: unknown } | { ok: false; error: CrmError };

interface Call {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: unknown;
  /** Safe to send again after a timeout or a cut connection (reads, upserts, updates). */
  idempotent: boolean;
}

/** Counts requests sent for one operation. */
interface Meter {
  requests: number;
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CrmError('malformed', `Salesforce sent ${what} in an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? '?'}).`);
  }
  return parsed.data;
}

class SalesforceApi {
  readonly conn: Connection;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: SalesforceConnectorOptions) {
    this.conn = new Connection({ version: options.apiVersion, instanceUrl: options.session.instanceUrl, accessToken: options.session.accessToken });
    reportFetchFailures(this.conn);
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? 20_000;
  }

  get base(): string {
    return `/services/data/v${this.options.apiVersion}`;
  }

  get usage(): string | null {
    const usage = this.conn.limitInfo?.apiUsage;
    return usage ? `api-usage=${usage.used}/${usage.limit}` : null;
  }

  /** One REST call with one token refresh on INVALID_SESSION_ID and bounded retries of transient failures. */
  async request(call: Call, meter: Meter, ctx: ErrorContext = {}): Promise<unknown> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = this.options.session.accessToken;
      this.conn.accessToken = token;
      this.conn.instanceUrl = this.options.session.instanceUrl;
      meter.requests++;
      try {
        return await this.send(call);
      } catch (thrown) {
        const error = toCrmError(thrown, { ...ctx, usage: this.usage });
        if (error.kind === 'auth' && error.details.crmCode === 'INVALID_SESSION_ID' && !refreshed) {
          refreshed = true;
          try {
            await this.options.session.refresh(token);
          } catch (refreshError) {
            throw refreshError instanceof CrmError && refreshError.kind !== 'auth' && refreshError.transient
              ? refreshError
              : new CrmError('auth', 'The Salesforce sign-in expired or was revoked. An admin needs to connect Salesforce again.');
          }
          continue;
        }
        const retryable = error.kind === 'server' || ((error.kind === 'timeout' || error.kind === 'network') && call.idempotent);
        if (retryable && attempt + 1 < MAX_ATTEMPTS) {
          await this.clock.sleep(backoffDelay(attempt, { baseMs: 300, capMs: 3000 }, this.random));
          continue;
        }
        throw error;
      }
    }
  }

  private async send(call: Call): Promise<unknown> {
    const request = {
      method: call.method,
      url: call.url,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body), headers: { 'content-type': 'application/json' } } : {}),
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CrmError('timeout', 'Salesforce did not answer in time. Loyalty Lens will try again.')), this.timeoutMs);
    });
    try {
      // jsforce's own retries are off: this class decides what is safe to repeat.
      const body = await Promise.race([this.conn.request(request, { retry: { maxRetries: 0 }, timeout: this.timeoutMs }), timeout]);
      return body;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The query URL; composite references (@{…}) stay unencoded, as Salesforce resolves them in the URL text. */
  queryUrl(text: string): string {
    const encoded = text
      .split(/(@\{[^}]+\})/)
      .map((part) => (part.startsWith('@{') ? part : encodeURIComponent(part)))
      .join('');
    return `${this.base}/query?q=${encoded}`;
  }

  async query(text: string, meter: Meter, ctx: ErrorContext = {}): Promise<unknown> {
    return this.request({ method: 'GET', url: this.queryUrl(text), idempotent: true }, meter, ctx);
  }

  /** Runs read-only queries in as few composite requests as the 5-query limit allows. */
  async composite(queries: SubQuery[], meter: Meter, ctx: ErrorContext = {}): Promise<Map<string, SubResult>> {
    const results = new Map<string, SubResult>();
    for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_COMPOSITE) {
      const chunk = queries.slice(i, i + MAX_QUERIES_PER_COMPOSITE);
      const body = await this.request(
        {
          method: 'POST',
          url: `${this.base}/composite`,
          body: {
            allOrNone: false,
            compositeRequest: chunk.map((q) => ({ method: 'GET', url: this.queryUrl(q.soql), referenceId: q.referenceId })),
          },
          idempotent: true,
        },
        meter,
        ctx,
      );
      const parsed = parseWith(compositeResponseSchema, body, 'a composite response');
      for (const sub of parsed.compositeResponse) {
        if (sub.httpStatusCode < 300) {
          results.set(sub.referenceId, { ok: true, body: sub.body });
          continue;
        }
        const errors = sfErrorSchema.safeParse(sub.body);
        const first = errors.success ? errors.data[0] : undefined;
        results.set(sub.referenceId, {
          ok: false,
          error: crmErrorFrom(first?.errorCode ?? `ERROR_HTTP_${sub.httpStatusCode}`, first?.message ?? '', { ...ctx, usage: this.usage }, sub.httpStatusCode),
        });
      }
      // A failed session or daily limit fails every subrequest the same way; surface it as the request's error.
      for (const q of chunk) {
        const result = results.get(q.referenceId);
        if (result && !result.ok && ['auth', 'daily-limit'].includes(result.error.kind)) throw result.error;
      }
    }
    return results;
  }

  /** Follows nextRecordsUrl (queryMore) until done or `maxPages`. */
  async rest<T>(page: QueryResult<T>, schema: z.ZodType<T>, meter: Meter, ctx: ErrorContext, maxPages = MAX_PAGES): Promise<T[]> {
    const records = [...page.records];
    let next = page.nextRecordsUrl;
    for (let pages = 1; next && pages < maxPages; pages++) {
      const body = await this.request({ method: 'GET', url: next, idempotent: true }, meter, ctx);
      const more = parseWith(queryResultSchema(schema), body, 'a query page') as QueryResult<T>;
      records.push(...more.records);
      next = more.nextRecordsUrl;
    }
    return records;
  }
}

function ok<T>(result: SubResult | undefined, ref: string): T {
  if (!result) throw new CrmError('malformed', `Salesforce left out part of the answer (${ref}).`);
  if (!result.ok) throw result.error;
  return result.body as T;
}

function sumAmounts(rows: Array<{ Amount: number | null }>): number {
  return rows.reduce((sum, row) => sum + (row.Amount ?? 0), 0);
}

export function createSalesforceConnector(options: SalesforceConnectorOptions): CrmConnector {
  const api = new SalesforceApi(options);
  const now = options.now ?? (() => Date.now());
  const session = options.session;
  /** Learned once: orgs without person accounts have no IsPersonAccount field. */
  let personAccountFields = true;
  let taskKeyField: boolean | null = null;
  let closedStatus: string | null = null;

  function instance(): string {
    return session.instanceHost;
  }

  function checkInstance(pageInstance?: string): void {
    const connected = session.instanceHost;
    if (options.expectedInstance && options.expectedInstance !== connected) {
      throw new CrmError('wrong-instance', `The Salesforce sign-in is for org ${connected}, but Loyalty Lens was connected to ${options.expectedInstance}. Connect again.`);
    }
    if (pageInstance && pageInstance !== connected) {
      throw new CrmError('wrong-instance', `This page belongs to Salesforce org ${pageInstance}, but Loyalty Lens is connected to ${connected}.`);
    }
  }

  const key = (id: string) => rowKey('salesforce', instance(), id);

  function toContact(row: SfContact): Contact {
    return {
      key: key(row.Id),
      crm: 'salesforce',
      instance: instance(),
      id: row.Id,
      accountKey: row.AccountId ? key(row.AccountId) : null,
      kind: 'contact',
      name: row.Name,
      email: row.Email,
      title: row.Title,
      ownerName: row.Owner?.Name ?? null,
      role: null,
      lastSurveyedAt: null,
      url: recordUrl(instance(), 'Contact', row.Id),
    };
  }

  function caseFollowUp(row: SfCase): FollowUp {
    return {
      key: key(row.Id),
      crm: 'salesforce',
      instance: instance(),
      id: row.Id,
      kind: 'case',
      contactKey: row.ContactId ? key(row.ContactId) : null,
      accountKey: row.AccountId ? key(row.AccountId) : null,
      // A Case opened from the panel names its response in the subject's marker (see createFollowUp).
      responseKey: responseMarker(row.Subject),
      title: `Case ${row.CaseNumber}${row.Subject ? `: ${row.Subject}` : ''}`,
      status: row.IsClosed ? 'closed' : 'open',
      statusLabel: row.Status,
      ownerId: row.OwnerId,
      ownerName: row.Owner?.Name ?? null,
      createdAt: parseSfDate(row.CreatedDate) ?? 0,
      dueAt: null,
      url: recordUrl(instance(), 'Case', row.Id),
    };
  }

  function responseMarker(subject: string | null | undefined): string | null {
    const id = subject ? /\[([^\]\s]+)\]$/.exec(subject)?.[1] : undefined;
    return id ? key(id) : null;
  }

  function taskFollowUp(row: SfTask, accountId: string | null): FollowUp {
    return {
      key: key(row.Id),
      crm: 'salesforce',
      instance: instance(),
      id: row.Id,
      kind: 'task',
      contactKey: row.WhoId ? key(row.WhoId) : null,
      accountKey: accountId ? key(accountId) : null,
      responseKey: null,
      title: row.Subject ?? 'Task',
      status: row.IsClosed ? 'closed' : 'open',
      statusLabel: row.Status,
      ownerId: row.OwnerId,
      ownerName: row.Owner?.Name ?? null,
      createdAt: parseSfDate(row.CreatedDate) ?? 0,
      dueAt: parseSfDate(row.ActivityDate),
      url: recordUrl(instance(), 'Task', row.Id),
    };
  }

  function salesforceSources(settings: Settings): SalesforceSource[] {
    return settings.salesforce.sources;
  }

  async function records<T>(result: SubResult | undefined, ref: string, schema: z.ZodType<T>, meter: Meter, ctx: ErrorContext, maxPages?: number): Promise<T[]> {
    const page = parseWith(queryResultSchema(schema), ok(result, ref), `the ${ref} query`) as QueryResult<T>;
    return api.rest(page, schema, meter, ctx, maxPages);
  }

  async function childRecords<T>(child: QueryResult<T> | null, schema: z.ZodType<T>, meter: Meter, ctx: ErrorContext): Promise<T[]> {
    return child ? api.rest(child, schema, meter, ctx) : [];
  }

  function sourceQuery(source: SalesforceSource, audience: soql.Audience): string | null {
    if (source.kind === 'salesforce-surveys') return soql.surveyResponsesQuery(source, audience);
    if (audience.kind === 'lead') return null;
    return soql.customResponsesQuery(source, audience);
  }

  /** Runs the account-wide aggregate SOQL for a big account: contact count and NPS counts by quarter. */
  async function bigAccount(
    accountId: string,
    listedIds: string[],
    settings: Settings,
    meter: Meter,
    ctx: ErrorContext,
  ): Promise<{ contactCount: number; counts: AccountCounts; rows: Array<{ source: SalesforceSource; records: unknown[] }> }> {
    const windowDays = settings.rules.rollup.windowDays;
    const sources = salesforceSources(settings);
    const queries: SubQuery[] = [{ referenceId: 'contactCount', soql: soql.contactCountQuery(accountId) }];
    sources.forEach((source, i) => {
      queries.push({ referenceId: `npsCounts${i}`, soql: soql.npsCountsQuery(source, accountId, windowDays) });
      queries.push({ referenceId: `npsByQuarter${i}`, soql: soql.npsByQuarterQuery(source, accountId, windowDays) });
      queries.push({ referenceId: `respondents${i}`, soql: soql.respondentCountQuery(source, accountId, windowDays) });
      const listed = sourceQuery(source, { kind: 'contacts', contactIds: listedIds });
      if (listed) queries.push({ referenceId: `listed${i}`, soql: listed });
    });
    const results = await api.composite(queries, meter, ctx);
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
    for (const [i, source] of sources.entries()) {
      const counted = parseWith(queryResultSchema(aggregateRowSchema), ok(results.get(`npsCounts${i}`), 'NPS counts'), 'the NPS counts');
      for (const row of counted.records) {
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
      const distinct = parseWith(queryResultSchema(countDistinctSchema), ok(results.get(`respondents${i}`), 'respondent count'), 'the respondent count');
      // Two sources may count the same person; the larger count is the safe lower bound.
      respondents = Math.max(respondents, distinct.records[0]?.n ?? 0);
      const listed = results.get(`listed${i}`);
      if (listed) rows.push({ source, records: await records(listed, `listed${i}`, sfRowSchema, meter, ctx) });
    }
    return {
      contactCount,
      rows,
      counts: {
        accountKey: key(accountId),
        method: 'window',
        windowDays,
        ...totals,
        respondents,
        byQuarter: [...quarters.values()].sort((a, b) => a.quarter.localeCompare(b.quarter)),
        computedAt: now(),
      },
    };
  }

  async function loadContext(ref: RecordRef, settings: Settings): Promise<RecordContext> {
    checkInstance(ref.instance);
    try {
      return await assemble(ref, settings);
    } catch (error) {
      // Orgs without person accounts have no IsPersonAccount field: learn it once and ask again without it.
      if (personAccountFields && error instanceof CrmError && error.details.crmCode === 'INVALID_FIELD' && /IsPersonAccount|PersonContactId/.test(error.message)) {
        personAccountFields = false;
        return assemble(ref, settings);
      }
      throw error;
    }
  }

  async function assemble(ref: RecordRef, settings: Settings): Promise<RecordContext> {
    const meter: Meter = { requests: 0 };
    const ctx: ErrorContext = { mapping: settings.salesforce };
    const sources = salesforceSources(settings);
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
      queries.push({ referenceId: 'account', soql: soql.accountQuery(accountRef, settings, personAccountFields) });
      queries.push({ referenceId: 'tasks', soql: soql.accountTasksQuery(accountRef) });
    }
    // Sources fill the request up to its 5 queries; the rest are read once the focus record is known.
    const sourceQueries: Array<{ source: SalesforceSource; referenceId: string }> = [];
    for (const [i, source] of sources.entries()) {
      if (queries.length >= MAX_QUERIES_PER_COMPOSITE) break;
      const text = sourceQuery(source, leadView ? { kind: 'lead', leadId: ref.id } : { kind: 'account', accountId: accountRef });
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
        const text = sourceQuery(source, { kind: 'contacts', contactIds: [ref.id] });
        if (!text) continue;
        queries.push({ referenceId: `own${i}`, soql: text });
        contactOwn.push({ source, referenceId: `own${i}` });
      }
    }
    const results = await api.composite(queries, meter, ctx);

    // The focus record
    let title = '';
    let focusAccountId: string | null = ref.objectType === 'account' ? ref.id : null;
    let focusContactIds: string[] = [];
    const contacts = new Map<string, Contact>();
    const followUps = new Map<string, FollowUp>();
    const tasks: SfTask[] = [];
    const notFound = () => new CrmError('not-found', `This Salesforce ${objectName.toLowerCase()} was deleted or merged, or you cannot see it.`);
    if (ref.objectType === 'contact') {
      const [row] = await records(results.get('focus'), 'contact', sfContactRecordSchema, meter, ctx);
      if (!row) throw notFound();
      title = row.Name;
      focusAccountId = row.AccountId;
      focusContactIds = [row.Id];
      contacts.set(row.Id, toContact(row));
      for (const c of row.Cases?.records ?? []) followUps.set(c.Id, caseFollowUp(c));
      tasks.push(...(row.Tasks?.records ?? []));
    } else if (ref.objectType === 'lead') {
      const [row] = await records(results.get('focus'), 'lead', sfLeadRecordSchema, meter, ctx);
      if (!row) throw notFound();
      title = row.Name;
      focusContactIds = [row.Id];
      contacts.set(row.Id, {
        key: key(row.Id),
        crm: 'salesforce',
        instance: instance(),
        id: row.Id,
        accountKey: null,
        kind: 'lead',
        name: row.Name,
        email: row.Email,
        title: row.Title,
        ownerName: row.Owner?.Name ?? null,
        role: null,
        lastSurveyedAt: null,
        url: recordUrl(instance(), 'Lead', row.Id),
      });
      tasks.push(...(row.Tasks?.records ?? []));
    } else if (ref.objectType === 'opportunity') {
      const [row] = await records(results.get('focus'), 'opportunity', sfOpportunityRecordSchema, meter, ctx);
      if (!row) throw notFound();
      title = row.Name;
      focusAccountId = row.AccountId;
    } else if (ref.objectType === 'case') {
      const [row] = await records(results.get('focus'), 'case', sfCaseSchema, meter, ctx);
      if (!row) throw notFound();
      title = `Case ${row.CaseNumber}${row.Subject ? `: ${row.Subject}` : ''}`;
      focusAccountId = row.AccountId;
      focusContactIds = row.ContactId ? [row.ContactId] : [];
      if (!row.IsClosed) followUps.set(row.Id, caseFollowUp(row));
    }

    // The account, its contacts, cases and tasks
    let account: Account | null = null;
    let accountCounts: AccountCounts | null = null;
    let big = false;
    let accountContacts: SfContact[] = [];
    if (focusAccountId) {
      const [row] = (await records(results.get('account'), 'account', sfAccountRecordSchema, meter, ctx)) as SfAccountRecord[];
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
        for (const c of accountContacts) if (!contacts.has(c.Id)) contacts.set(c.Id, toContact(c));
        for (const c of await childRecords(row.Cases, sfCaseSchema, meter, ctx)) followUps.set(c.Id, caseFollowUp(c));
        const revenue = settings.salesforce.revenue;
        let amount: number | null;
        if (revenue.kind === 'accountField') {
          const value = (row as Record<string, unknown>)[revenue.field];
          amount = typeof value === 'number' ? value : null;
        } else {
          amount = sumAmounts(await childRecords(row.Opportunities, sfAmountSchema, meter, ctx));
        }
        tasks.push(...(await records(results.get('tasks'), 'tasks', sfTaskSchema, meter, ctx)));
        account = {
          key: key(row.Id),
          crm: 'salesforce',
          instance: instance(),
          id: row.Id,
          name: row.Name,
          ownerId: row.OwnerId,
          ownerName: row.Owner?.Name ?? null,
          revenue: amount,
          revenueLabel: revenue.kind === 'accountField' ? revenue.field : 'Open opportunities',
          currency: null,
          contactCount: accountContacts.length,
          url: recordUrl(instance(), 'Account', row.Id),
        };
      }
    }

    // Responses from every configured source
    const responses = new Map<string, SurveyResponse>();
    const rejected: RejectedRow[] = [];
    const take = (source: SalesforceSource, rows: unknown[]) => {
      const parsed = parseSourceRows(source, rows, { instance: instance() });
      for (const r of parsed.parsed) responses.set(r.key, r);
      rejected.push(...parsed.rejected);
    };
    if (big && focusAccountId && account) {
      const listedIds = [...new Set([...focusContactIds, ...accountContacts.map((c) => c.Id)])];
      const summary = await bigAccount(focusAccountId, listedIds, settings, meter, ctx);
      account.contactCount = summary.contactCount;
      accountCounts = summary.counts;
      for (const { source, records: rows } of summary.rows) take(source, rows);
    } else {
      // Rows read in the first request; the sources that did not fit (references reach only within one
      // composite request) are read now with the account, lead or contact as a literal.
      const fromAccount = focusAccountId !== null || leadView;
      const read = fromAccount ? sourceQueries : contactOwn;
      for (const { source, referenceId } of read) take(source, await records(results.get(referenceId), referenceId, sfRowSchema, meter, ctx));
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
            const text = done.has(source.id) ? null : sourceQuery(source, audience);
            return text ? [{ source, referenceId: `later${i}`, soql: text }] : [];
          })
        : [];
      if (later.length > 0) {
        const more = await api.composite(later, meter, ctx);
        for (const { source, referenceId } of later) take(source, await records(more.get(referenceId), referenceId, sfRowSchema, meter, ctx));
      }
    }

    // Tasks: open ones are follow-ups; completed Loyalty Lens tasks are the team's loops.
    const loops = new Map<string, LoopRecord>();
    for (const task of tasks) {
      const loop = parseLoopTask(task, instance());
      if (loop) loops.set(loop.key, loop);
      else if (!task.IsClosed) followUps.set(task.Id, taskFollowUp(task, focusAccountId));
    }

    const lastSurveyed = new Map<string, number>();
    for (const r of responses.values()) lastSurveyed.set(r.contactKey, Math.max(lastSurveyed.get(r.contactKey) ?? 0, r.submittedAt));
    const contactList = [...contacts.values()].map((c) => ({ ...c, lastSurveyedAt: lastSurveyed.get(c.key) ?? null }));

    return {
      ref,
      title,
      focusContactKeys: focusContactIds.map(key),
      account,
      accountCounts,
      contacts: contactList,
      responses: [...responses.values()].sort((a, b) => b.submittedAt - a.submittedAt),
      followUps: [...followUps.values()],
      loops: [...loops.values()].sort((a, b) => b.loggedAt - a.loggedAt),
      rejected,
      requestCount: meter.requests,
      fetchedAt: now(),
    };
  }

  async function hasTaskKeyField(meter: Meter): Promise<boolean> {
    if (taskKeyField !== null) return taskKeyField;
    const body = await api.request({ method: 'GET', url: `${api.base}/sobjects/Task/describe`, idempotent: true }, meter);
    const describe = parseWith(describeSchema, body, 'the Task description');
    taskKeyField = describe.fields.some((f) => f.name === TASK_KEY_FIELD && f.externalId === true);
    return taskKeyField;
  }

  async function closingStatus(settings: Settings, meter: Meter): Promise<string> {
    if (settings.salesforce.closedCaseStatus) return settings.salesforce.closedCaseStatus;
    if (closedStatus) return closedStatus;
    const body = await api.query(soql.closedCaseStatusQuery(), meter);
    const rows = parseWith(queryResultSchema(caseStatusSchema), body, 'the case statuses').records.filter((r) => r.IsClosed);
    const first = rows[0];
    if (!first) throw new CrmError('config', 'This Salesforce org has no closed case status; set one in the Loyalty Lens options.');
    closedStatus = first.ApiName ?? first.MasterLabel;
    return closedStatus;
  }

  function saveError(result: SaveResult | undefined): CrmError {
    const error = result?.errors[0];
    if (!error) return new CrmError('malformed', 'Salesforce did not say whether the record was saved.');
    return crmErrorFrom(error.statusCode ?? 'ERROR', error.message);
  }

  /** Writes outcome Tasks; returns the save result per outcome, in order. */
  async function writeTasks(batch: Outcome[], meter: Meter): Promise<Array<{ ok: true; id: string } | { ok: false; error: CrmError }>> {
    if (await hasTaskKeyField(meter)) {
      // Upsert on the External ID: sending the same outcome twice updates the one Task.
      const upsert = async (records: Record<string, unknown>[]) =>
        parseWith(
          saveResultsSchema,
          await api.request(
            { method: 'PATCH', url: `${api.base}/composite/sobjects/Task/${TASK_KEY_FIELD}`, body: { allOrNone: false, records }, idempotent: true },
            meter,
          ),
          'the Task save results',
        );
      const results = await upsert(batch.map((o) => outcomeTask(o, true)));
      // TaskSubtype can be set only when a Task is created; an update of an existing Task is sent again without it.
      const subtypeRefused = batch
        .map((o, i) => ({ o, i, r: results[i] }))
        .filter(({ r }) => r && !r.success && r.errors.some((e) => e.fields?.includes('TaskSubtype') || /TaskSubtype/.test(e.message)));
      if (subtypeRefused.length > 0) {
        const again = await upsert(
          subtypeRefused.map(({ o }) => {
            const { TaskSubtype: _subtype, ...rest } = outcomeTask(o, true);
            return rest;
          }),
        );
        subtypeRefused.forEach(({ i }, j) => {
          const retried = again[j];
          if (retried) results[i] = retried;
        });
      }
      return batch.map((_, i) => {
        const r = results[i];
        return r?.success && r.id ? { ok: true as const, id: r.id } : { ok: false as const, error: saveError(r) };
      });
    }
    // Without the field: look for Tasks already carrying each key in their subject, create only the rest.
    // A create is never retried blindly: a retry after a cut connection finds the Task this query sees.
    const existing = new Map<string, string>();
    for (let i = 0; i < batch.length; i += 20) {
      const keys = batch.slice(i, i + 20).map((o) => o.idempotencyKey);
      const found = parseWith(queryResultSchema(sfTaskSchema.pick({ Id: true, Subject: true })), await api.query(soql.taskByMarkerQuery(keys), meter), 'the Task lookup');
      for (const task of found.records) {
        const match = keys.find((k) => task.Subject?.includes(`[${k}]`));
        if (match) existing.set(match, task.Id);
      }
    }
    const toCreate = batch.filter((o) => !existing.has(o.idempotencyKey));
    const created = new Map<string, { ok: true; id: string } | { ok: false; error: CrmError }>();
    if (toCreate.length > 0) {
      const body = await api.request(
        { method: 'POST', url: `${api.base}/composite/sobjects`, body: { allOrNone: false, records: toCreate.map((o) => outcomeTask(o, false)) }, idempotent: false },
        meter,
      );
      const results = parseWith(saveResultsSchema, body, 'the Task save results');
      toCreate.forEach((o, i) => {
        const r = results[i];
        created.set(o.idempotencyKey, r?.success && r.id ? { ok: true, id: r.id } : { ok: false, error: saveError(r) });
      });
    }
    return batch.map((o) => {
      const id = existing.get(o.idempotencyKey);
      return id ? { ok: true as const, id } : (created.get(o.idempotencyKey) ?? { ok: false as const, error: new CrmError('malformed', 'Salesforce skipped a Task.') });
    });
  }

  async function writeOutcomes(outcomes: Outcome[], settings: Settings): Promise<OutcomeWriteResult[]> {
    checkInstance();
    const meter: Meter = { requests: 0 };
    const results = new Map<string, OutcomeWriteResult>();
    for (const outcome of outcomes) {
      if (outcome.instance !== instance()) {
        results.set(outcome.idempotencyKey, {
          idempotencyKey: outcome.idempotencyKey,
          ok: false,
          error: new CrmError('wrong-instance', `This outcome belongs to Salesforce org ${outcome.instance}, but Loyalty Lens is connected to ${instance()}.`),
        });
      }
    }
    const pending = outcomes.filter((o) => !results.has(o.idempotencyKey));
    for (let i = 0; i < pending.length; i += MAX_RECORDS_PER_COLLECTION) {
      const batch = pending.slice(i, i + MAX_RECORDS_PER_COLLECTION);
      let saved: Awaited<ReturnType<typeof writeTasks>>;
      try {
        saved = await writeTasks(batch, meter);
      } catch (error) {
        const crmError = toCrmError(error, { mapping: settings.salesforce });
        for (const o of batch) results.set(o.idempotencyKey, { idempotencyKey: o.idempotencyKey, ok: false, error: crmError });
        continue;
      }
      // Close the follow-ups the loop owner asked to close (Case status, or the open Task completed).
      const closing = batch.filter((o, j) => saved[j]?.ok && o.closeFollowUp && o.followUpId);
      const closeErrors = new Map<string, CrmError>();
      if (closing.length > 0) {
        try {
          const needsCaseStatus = closing.some((o) => objectTypeOfId(o.followUpId!) === 'case');
          const status = needsCaseStatus ? await closingStatus(settings, meter) : null;
          const updates = closing.map((o) =>
            objectTypeOfId(o.followUpId!) === 'case'
              ? { attributes: { type: 'Case' }, id: o.followUpId, Status: status }
              : { attributes: { type: 'Task' }, id: o.followUpId, Status: 'Completed' },
          );
          const body = await api.request({ method: 'PATCH', url: `${api.base}/composite/sobjects`, body: { allOrNone: false, records: updates }, idempotent: true }, meter);
          const updated = parseWith(saveResultsSchema, body, 'the follow-up save results');
          closing.forEach((o, j) => {
            const r = updated[j];
            if (!r?.success) closeErrors.set(o.idempotencyKey, saveError(r));
          });
        } catch (error) {
          const crmError = toCrmError(error, { mapping: settings.salesforce });
          for (const o of closing) closeErrors.set(o.idempotencyKey, crmError);
        }
      }
      batch.forEach((o, j) => {
        const s = saved[j];
        if (!s || !s.ok) {
          results.set(o.idempotencyKey, { idempotencyKey: o.idempotencyKey, ok: false, error: s?.error ?? new CrmError('malformed', 'Salesforce skipped a Task.') });
          return;
        }
        const closeError = closeErrors.get(o.idempotencyKey);
        results.set(o.idempotencyKey, {
          idempotencyKey: o.idempotencyKey,
          // The Task is written; a failed close is retried with it (the Task write is repeatable).
          ok: !closeError,
          crmRecordId: s.id,
          crmRecordUrl: recordUrl(instance(), 'Task', s.id),
          ...(closeError ? { error: closeError } : {}),
        });
      });
    }
    return outcomes.map((o) => results.get(o.idempotencyKey)!);
  }

  /** A Case for a response, owned per settings.rules.routing; an answer that already has one gets that one back. */
  async function createFollowUp(response: SurveyResponse, settings: Settings): Promise<OpenedFollowUp> {
    checkInstance(response.instance);
    const meter: Meter = { requests: 0 };
    const contactId = response.contactKey.split('|').pop() ?? '';
    const marker = `[${response.id}]`;
    const lookup = parseWith(
      queryResultSchema(
        sfContactSchema.pick({ Id: true, OwnerId: true, AccountId: true }).extend({
          Account: sfAccountRecordSchema.pick({ OwnerId: true }).nullable().optional(),
          Cases: queryResultSchema(sfCaseSchema.pick({ Id: true, CaseNumber: true, IsClosed: true })).nullable().optional(),
        }),
      ),
      await api.query(soql.followUpLookupQuery(contactId, marker), meter, { mapping: settings.salesforce }),
      'the contact lookup',
    );
    const contact = lookup.records[0];
    if (!contact) throw new CrmError('not-found', 'The contact of this response was deleted or merged, or you cannot see it.');
    const existing = contact.Cases?.records[0];
    if (existing) return { id: existing.Id, url: recordUrl(instance(), 'Case', existing.Id), created: false, closed: existing.IsClosed };
    const routing = settings.rules.routing;
    const ownerId =
      routing.kind === 'namedUser' ? routing.userId : routing.kind === 'accountOwner' ? (contact.Account?.OwnerId ?? contact.OwnerId) : contact.OwnerId;
    const urgent = response.kind === 'nps' && response.score <= settings.rules.urgentMaxScore;
    const body = await api.request(
      {
        method: 'POST',
        url: `${api.base}/sobjects/Case`,
        body: {
          Subject: `${response.kind.toUpperCase()} ${response.score} follow-up ${marker}`.slice(0, 255),
          Description: response.comment ?? '',
          ContactId: contactId,
          ...(contact.AccountId ? { AccountId: contact.AccountId } : {}),
          ...(ownerId ? { OwnerId: ownerId } : {}),
          ...(settings.salesforce.followUpCaseType ? { Type: settings.salesforce.followUpCaseType } : {}),
          Priority: urgent ? 'High' : 'Medium',
          Origin: 'Web',
        },
        idempotent: false,
      },
      meter,
      { mapping: settings.salesforce },
    );
    const created = parseWith(saveResultsSchema.element, body, 'the Case save result');
    if (!created.success || !created.id) throw saveError(created);
    return { id: created.id, url: recordUrl(instance(), 'Case', created.id), created: true, closed: false };
  }

  async function testConnection(): Promise<ConnectionInfo> {
    checkInstance();
    const meter: Meter = { requests: 0 };
    const info = parseWith(userinfoSchema, await api.request({ method: 'GET', url: '/services/oauth2/userinfo', idempotent: true }, meter), 'the user info');
    const limits = parseWith(limitsSchema, await api.request({ method: 'GET', url: `${api.base}/limits`, idempotent: true }, meter), 'the org limits');
    const daily = limits.DailyApiRequests;
    const { orgId } = identityOf(session.tokens);
    return {
      crm: 'salesforce',
      instance: instance(),
      name: `${instance()} (${orgId ?? info.organization_id})`,
      user: info.preferred_username ?? info.name ?? info.user_id,
      missingScopes: [],
      usage: `api-usage=${daily.Max - daily.Remaining}/${daily.Max}`,
    };
  }

  async function listObjects(): Promise<MetadataObject[]> {
    checkInstance();
    const body = await api.request({ method: 'GET', url: `${api.base}/sobjects`, idempotent: true }, { requests: 0 });
    return parseWith(describeGlobalSchema, body, 'the object list')
      .sobjects.filter((o) => o.queryable !== false)
      .map((o) => ({ name: o.name, label: o.label }));
  }

  async function listFields(objectName: string): Promise<MetadataField[]> {
    checkInstance();
    const body = await api.request({ method: 'GET', url: `${api.base}/sobjects/${soql.apiName(objectName)}/describe`, idempotent: true }, { requests: 0 });
    return parseWith(describeSchema, body, 'the field list').fields.map((f) => ({ name: f.name, label: f.label, type: f.type }));
  }

  async function previewSource(source: HubSpotSource | SalesforceSource, limit: number): Promise<PreviewResult> {
    checkInstance();
    if (source.kind !== 'salesforce-surveys' && source.kind !== 'salesforce-custom-object') {
      throw new CrmError('config', 'This score source belongs to HubSpot, not Salesforce.');
    }
    const meter: Meter = { requests: 0 };
    const ctx: ErrorContext = { mapping: { sources: [source], revenue: { kind: 'openOpportunities' } } };
    const page = parseWith(queryResultSchema(sfRowSchema), await api.query(soql.previewQuery(source, limit), meter, ctx), 'the preview rows');
    return parseSourceRows(source, page.records, { instance: instance() });
  }

  return { crm: 'salesforce', testConnection, loadContext, writeOutcomes, listObjects, listFields, previewSource, createFollowUp };
}
