import { Connection } from 'jsforce/core';
import type { z } from 'zod';
import { chunks } from '../batches';
import { CrmError } from '../crm';
import { backoffDelay, realClock, type Clock } from '../rate-limit';
import { crmErrorFrom, toCrmError, type ErrorContext } from './errors';
import { reportFetchFailures } from './fetch-transport';
import type { SalesforceSession } from './oauth';
import { dataPaths, type DataPaths } from './paths';
import { compositeResponseSchema, queryResultSchema, sfErrorSchema, type QueryResult } from './schema';

// The transport: every call goes through jsforce's slim entry with the configured API version, one token refresh
// on an expired session, bounded retries of what is safe to repeat, and composite requests of up to five queries.

export const MAX_QUERIES_PER_COMPOSITE = 5;
const MAX_ATTEMPTS = 3;
/** Follows queryMore at most this far for one query, so a runaway result cannot exhaust the API allowance. */
const MAX_PAGES = 20;

export interface SalesforceApiOptions {
  session: SalesforceSession;
  apiVersion: string;
  /** Per-request time limit. */
  timeoutMs?: number;
  clock?: Clock;
  random?: () => number;
}

export interface SubQuery {
  referenceId: string;
  soql: string;
}

export type SubResult = { ok: true; body: unknown } | { ok: false; error: CrmError };

interface Call {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: unknown;
  /** Safe to send again after a 5xx, a timeout or a cut connection (reads, upserts, updates); never a create. */
  idempotent: boolean;
}

/** Counts requests sent for one operation. */
export interface Meter {
  requests: number;
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CrmError('malformed', `Salesforce sent ${what} in an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? '?'}).`);
  }
  return parsed.data;
}

export class SalesforceApi {
  readonly paths: DataPaths;
  readonly conn: Connection;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: SalesforceApiOptions) {
    this.paths = dataPaths(options.apiVersion);
    this.conn = new Connection({ version: options.apiVersion, instanceUrl: options.session.instanceUrl, accessToken: options.session.accessToken });
    reportFetchFailures(this.conn);
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? 20_000;
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
        // A 5xx, a timeout or a cut connection may all come after Salesforce committed: only a call that is
        // idempotent by construction is sent again here; a create goes back to its caller, which looks it up first.
        const retryable = (error.kind === 'server' || error.kind === 'timeout' || error.kind === 'network') && call.idempotent;
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
    return this.paths.query(encoded);
  }

  async query(text: string, meter: Meter, ctx: ErrorContext = {}): Promise<unknown> {
    return this.request({ method: 'GET', url: this.queryUrl(text), idempotent: true }, meter, ctx);
  }

  /** Runs read-only queries in as few composite requests as the 5-query limit allows, those requests at once. */
  async composite(queries: SubQuery[], meter: Meter, ctx: ErrorContext = {}): Promise<Map<string, SubResult>> {
    const results = new Map<string, SubResult>();
    const parts = chunks(queries, MAX_QUERIES_PER_COMPOSITE);
    const bodies = await Promise.all(
      parts.map((chunk) =>
        this.request(
          {
            method: 'POST',
            url: this.paths.composite,
            body: {
              allOrNone: false,
              compositeRequest: chunk.map((q) => ({ method: 'GET', url: this.queryUrl(q.soql), referenceId: q.referenceId })),
            },
            idempotent: true,
          },
          meter,
          ctx,
        ),
      ),
    );
    parts.forEach((chunk, i) => {
      const parsed = parseWith(compositeResponseSchema, bodies[i], 'a composite response');
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
    });
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

export function ok<T>(result: SubResult | undefined, ref: string): T {
  if (!result) throw new CrmError('malformed', `Salesforce left out part of the answer (${ref}).`);
  if (!result.ok) throw result.error;
  return result.body as T;
}

/** The rows of one composite subquery, with the pages after its first. */
export async function records<T>(
  api: SalesforceApi,
  result: SubResult | undefined,
  ref: string,
  schema: z.ZodType<T>,
  meter: Meter,
  ctx: ErrorContext,
  maxPages?: number,
): Promise<T[]> {
  const page = parseWith(queryResultSchema(schema), ok(result, ref), `the ${ref} query`) as QueryResult<T>;
  return api.rest(page, schema, meter, ctx, maxPages);
}

/** The rows of a parent-to-child subquery (e.g. an Account's Cases), with the pages after its first. */
export async function childRecords<T>(api: SalesforceApi, child: QueryResult<T> | null, schema: z.ZodType<T>, meter: Meter, ctx: ErrorContext): Promise<T[]> {
  return child ? api.rest(child, schema, meter, ctx) : [];
}
