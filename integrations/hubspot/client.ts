import * as objects from '@hubspot/api-client/lib/codegen/crm/objects';
import * as associations from '@hubspot/api-client/lib/codegen/crm/associations/v4';
import * as pipelines from '@hubspot/api-client/lib/codegen/crm/pipelines';
import * as properties from '@hubspot/api-client/lib/codegen/crm/properties';
import * as owners from '@hubspot/api-client/lib/codegen/crm/owners';
import * as schemas from '@hubspot/api-client/lib/codegen/crm/schemas';
import type { z } from 'zod';
import { CrmError } from '../crm';
import { backoffDelay, ConcurrencyLimit, realClock, RollingWindowLimiter, type Clock } from '../rate-limit';
import { isIdempotent, isSearchPath, servedUrl } from './paths';
import { redact, toCrmError } from './errors';

// A thin wrapper over the official codegen modules (slim deep imports, not the 4.7 MB `Client`). The modules'
// own HTTP library uses node-fetch; ours replaces it, so in the service worker every request goes through the
// global fetch, our limiter, our timeout and our error mapping, and we see the X-HubSpot-RateLimit-* headers.
// The codegen models still deserialize every successful body (ObjectSerializer); zod checks the result.

export const DEFAULT_API_BASE = 'https://api.hubapi.com';

/** Lowest tier: 100 requests per rolling 10 s per app; a small margin absorbs clock skew with the server. */
const TEN_SECOND_MAX = 90;
/**
 * CRM search has its own limit, five requests per second per token in the current reference (a 2020 changelog said
 * four; a portal that still answers the fifth with a secondly 429 is waited out like any other 429).
 */
const SEARCH_PER_SECOND = 5;
/** Browsers open at most six HTTP/1.1 connections per host. */
const CONNECTIONS_PER_HOST = 6;
const TIMEOUT_MS = 15_000;
/**
 * 429s are retried a bounded number of times (HubSpot refused the request, so nothing was written); 5xx only for
 * requests that are idempotent by construction (see isIdempotent). A longer wait is handed to the caller (the outbox).
 */
const MAX_RETRIES = 3;
const MAX_INLINE_WAIT_MS = 12_000;
const SERVER_BACKOFF = { baseMs: 250, capMs: 4_000 };

export interface HubSpotHttpOptions {
  token: string;
  apiBase: string;
  clock?: Clock;
  random?: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface HubSpotUsage {
  dailyRemaining: number | null;
  daily: number | null;
}

/** What the HTTP layer needs of a codegen request (each codegen module has its own, nominally distinct class). */
interface CodegenRequest {
  getHttpMethod(): string;
  getUrl(): string;
  getBody(): unknown;
  getHeaders(): Record<string, string>;
}
type ResponseBody = { text(): Promise<string>; binary(): Promise<Buffer> };

/** One token's limits, shared by every connector of it (a reconnect builds a new one while the old one's reads finish). */
interface TokenLimits {
  limiter: RollingWindowLimiter;
  searchLimiter: RollingWindowLimiter;
}

/**
 * HubSpot counts its limits per token, not per connector object: connectors of one token pace together. Keyed by
 * a digest of the token so a forgotten token is not kept; per clock, so a test's own clock gets its own limiters.
 */
const limitsByClock = new WeakMap<Clock, Map<string, TokenLimits>>();

function tokenLimits(clock: Clock, apiBase: string, token: string): TokenLimits {
  let byToken = limitsByClock.get(clock);
  if (!byToken) limitsByClock.set(clock, (byToken = new Map()));
  const key = `${apiBase}|${digest(token)}`;
  let limits = byToken.get(key);
  if (!limits) {
    limits = { limiter: new RollingWindowLimiter(TEN_SECOND_MAX, 10_000, clock), searchLimiter: new RollingWindowLimiter(SEARCH_PER_SECOND, 1_000, clock) };
    byToken.set(key, limits);
  }
  return limits;
}

/** FNV-1a, 32 bits: tells tokens apart for pacing; two tokens that collide only pace together. */
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}

/** The HTTP layer every codegen module of one connector shares. */
export class HubSpotHttp {
  readonly limiter: RollingWindowLimiter;
  readonly searchLimiter: RollingWindowLimiter;
  private readonly connections = new ConcurrencyLimit(CONNECTIONS_PER_HOST);
  /** Requests sent (including retries); the connector reports the difference per record view. */
  requestCount = 0;
  usage: HubSpotUsage = { dailyRemaining: null, daily: null };
  /** HubSpot's clock minus ours, from the last answer's Date header (to the second); null before any answer. */
  clockOffsetMs: number | null = null;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: HubSpotHttpOptions) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    // Late-bound so a test's or the service worker's current global fetch is used.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
    ({ limiter: this.limiter, searchLimiter: this.searchLimiter } = tokenLimits(this.clock, options.apiBase, options.token));
  }

  /** Serves a codegen request; `respond` builds that module's ResponseContext. */
  async send<R>(request: CodegenRequest, respond: (status: number, headers: Record<string, string>, body: ResponseBody) => R): Promise<R> {
    const body = request.getBody();
    const res = await this.request(request.getHttpMethod(), servedUrl(request.getUrl()), typeof body === 'string' ? body : undefined, request.getHeaders());
    return respond(res.status, res.headers, { text: async () => res.text, binary: async () => Buffer.from(res.text) });
  }

  /** One call with pacing, timeout, bounded retries and errors in the user's words. Returns 2xx only. */
  async request(
    method: string,
    url: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const path = new URL(url).pathname;
    const isSearch = isSearchPath(path);
    const idempotent = isIdempotent(method, path);
    for (let attempt = 0; ; attempt++) {
      // A search takes its per-second slot before a connection: the slot counts until the answer arrives (a second is
      // short next to the time a request may wait on its way, see acquireUntilDone), so waiting for a connection costs
      // nothing, and a search waiting for its second never holds a connection a request of another kind could use.
      // The ten-second slot is stamped when it is taken, so it is taken only once a connection is free.
      const searchDone = isSearch ? await this.searchLimiter.acquireUntilDone() : null;
      const { response, responseHeaders, text } = await this.connections
        .run(async () => {
          let sent: Response;
          try {
            await this.limiter.acquire();
            this.requestCount++;
            sent = await this.fetchOnce(method, url, body, headers);
          } finally {
            searchDone?.();
          }
          const received: Record<string, string> = {};
          sent.headers.forEach((value, name) => {
            received[name.toLowerCase()] = value;
          });
          this.observeRateHeaders(received);
          return { response: sent, responseHeaders: received, text: await this.readText(sent) };
        })
        .finally(() => searchDone?.());
      if (response.status >= 200 && response.status < 300) {
        if (text.trim() !== '') {
          try {
            JSON.parse(text);
          } catch {
            throw new CrmError('malformed', 'HubSpot sent a response Loyalty Lens could not read (not valid JSON).', { status: response.status });
          }
        }
        return { status: response.status, headers: responseHeaders, text };
      }
      const error = toCrmError(response.status, text, responseHeaders, this.clock.now(), this.options.token);
      const wait = this.retryWait(error, attempt, idempotent);
      if (wait === null) throw error;
      if (error.kind === 'rate-limit') this.limiter.pauseUntil(this.clock.now() + wait);
      await this.clock.sleep(wait);
    }
  }

  private retryWait(error: CrmError, attempt: number, idempotent: boolean): number | null {
    if (attempt >= MAX_RETRIES) return null;
    if (error.kind === 'rate-limit') {
      const wait = error.details.retryAfterMs ?? backoffDelay(attempt, { baseMs: 1_000, capMs: 10_000 }, this.random);
      return wait <= MAX_INLINE_WAIT_MS ? wait : null;
    }
    // A 5xx may come after HubSpot committed the write: only a request that lands on the same state when sent twice
    // is sent again here. A create is left to its caller, which looks the record up by its key first.
    if (error.kind === 'server' && idempotent) return backoffDelay(attempt, SERVER_BACKOFF, this.random);
    return null;
  }

  private async fetchOnce(method: string, url: string, body: string | undefined, headers: Record<string, string>): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await this.fetchImpl(url, {
        method,
        body,
        headers: { ...withoutAuthorization(headers), authorization: `Bearer ${this.options.token}`, accept: 'application/json' },
        signal: controller.signal,
        // A redirect would re-send the body (a token check carries the token in it) to a host nobody checked.
        redirect: 'error',
      });
    } catch (e) {
      if (controller.signal.aborted) {
        throw new CrmError('timeout', `HubSpot did not answer within ${Math.round(this.timeoutMs / 1000)} seconds. Try again in a moment.`);
      }
      throw new CrmError('network', `HubSpot could not be reached (${redact(describe(e), this.options.token)}). Check the connection.`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readText(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch {
      throw new CrmError('network', 'The connection to HubSpot dropped while the answer was arriving. Try again.');
    }
  }

  private observeRateHeaders(headers: Record<string, string>): void {
    const num = (name: string): number | null => {
      const v = headers[name];
      return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
    };
    const remaining = num('x-hubspot-ratelimit-remaining');
    const interval = num('x-hubspot-ratelimit-interval-milliseconds');
    // The server's view wins over ours: when it says the window is spent, wait it out rather than earn a 429.
    if (remaining === 0 && interval !== null) this.limiter.pauseUntil(this.clock.now() + interval);
    // Times HubSpot stamps (a record's creation, its last change) are on its clock: searches by them ask in its time.
    const date = headers.date ? Date.parse(headers.date) : NaN;
    if (!Number.isNaN(date)) this.clockOffsetMs = date - this.clock.now();
    const daily = num('x-hubspot-ratelimit-daily');
    const dailyRemaining = num('x-hubspot-ratelimit-daily-remaining');
    if (daily !== null) this.usage.daily = daily;
    if (dailyRemaining !== null) this.usage.dailyRemaining = dailyRemaining;
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/**
 * Runs a codegen call. The codegen only sees 2xx bodies that are valid JSON (our HTTP layer throws the rest), so
 * anything it still throws is its model refusing the body's shape; the result is then checked with zod.
 */
export async function call<T extends z.ZodType>(schema: T, what: string, run: () => Promise<unknown>): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = await run();
  } catch (e) {
    if (e instanceof CrmError) throw e;
    throw new CrmError('malformed', `HubSpot’s answer to ${what} did not have the expected shape.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CrmError('malformed', `HubSpot’s answer to ${what} did not have the expected shape (${issue?.path.join('.') ?? '?'}: ${issue?.message ?? '?'}).`);
  }
  return parsed.data;
}

/** The codegen API objects one connector uses, all on the same HTTP layer. */
export function createHubSpotApis(http: HubSpotHttp, apiBase: string) {
  const base = apiBase.replace(/\/+$/, '');
  // Auth is applied in HubSpotHttp, the one place that knows the token; the codegen's header is replaced there.
  const oauth2 = { accessToken: 'applied-by-the-http-layer' };
  const objectsConfig = objects.createConfiguration({
    baseServer: new objects.ServerConfiguration(base, {}),
    httpApi: objects.wrapHttpLibrary({ send: (r) => http.send(r, (...a) => new objects.ResponseContext(...a)) }),
    authMethods: { oauth2 },
  });
  const associationsConfig = associations.createConfiguration({
    baseServer: new associations.ServerConfiguration(base, {}),
    httpApi: associations.wrapHttpLibrary({ send: (r) => http.send(r, (...a) => new associations.ResponseContext(...a)) }),
    authMethods: { oauth2 },
  });
  const pipelinesConfig = pipelines.createConfiguration({
    baseServer: new pipelines.ServerConfiguration(base, {}),
    httpApi: pipelines.wrapHttpLibrary({ send: (r) => http.send(r, (...a) => new pipelines.ResponseContext(...a)) }),
    authMethods: { oauth2 },
  });
  const propertiesConfig = properties.createConfiguration({
    baseServer: new properties.ServerConfiguration(base, {}),
    httpApi: properties.wrapHttpLibrary({ send: (r) => http.send(r, (...a) => new properties.ResponseContext(...a)) }),
    authMethods: { oauth2 },
  });
  const ownersConfig = owners.createConfiguration({
    baseServer: new owners.ServerConfiguration(base, {}),
    httpApi: owners.wrapHttpLibrary({ send: (r) => http.send(r, (...a) => new owners.ResponseContext(...a)) }),
    authMethods: { oauth2 },
  });
  const schemasConfig = schemas.createConfiguration({
    baseServer: new schemas.ServerConfiguration(base, {}),
    httpApi: schemas.wrapHttpLibrary({ send: (r) => http.send(r, (...a) => new schemas.ResponseContext(...a)) }),
    authMethods: { oauth2 },
  });
  return {
    basic: new objects.BasicApi(objectsConfig),
    batch: new objects.BatchApi(objectsConfig),
    search: new objects.SearchApi(objectsConfig),
    associationsBatch: new associations.BatchApi(associationsConfig),
    pipelines: new pipelines.PipelinesApi(pipelinesConfig),
    properties: new properties.CoreApi(propertiesConfig),
    owners: new owners.OwnersApi(ownersConfig),
    schemas: new schemas.CoreApi(schemasConfig),
    /** Endpoints outside the CRM codegen modules (account-info), through the same limiter and error mapping. */
    async getJson(path: string): Promise<unknown> {
      const res = await http.request('GET', `${base}${path}`);
      return res.text.trim() === '' ? null : JSON.parse(res.text);
    },
    /** The same, for a POST with a JSON body (the token check). */
    async postJson(path: string, body: unknown): Promise<unknown> {
      const res = await http.request('POST', `${base}${path}`, JSON.stringify(body), { 'content-type': 'application/json' });
      return res.text.trim() === '' ? null : JSON.parse(res.text);
    },
  };
}
export type HubSpotApis = ReturnType<typeof createHubSpotApis>;

export { objects as hsObjects };
