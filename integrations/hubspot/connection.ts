import { CrmError, type ApiUsage, type ConnectionInfo, type CrmErrorKind } from '../crm';
import { call, createHubSpotApis, DEFAULT_API_BASE, HubSpotHttp, type HubSpotApis } from './client';
import { API, objectProbe } from './paths';
import {
  hsAccountInfoSchema,
  hsOwnersPageSchema,
  hsPipelinesSchema,
  hsTokenInfoSchema,
  hubSpotDirectorySchema,
  type HsPipelines,
  type HubSpotDirectory,
} from './schema';
import { UnconfirmedFollowUps } from '../unconfirmed-creates';

// The connection to one portal: the token's HTTP layer, the portal's directory (which portal, owners, ticket
// pipelines, its currency) and what the connector remembers between calls (its writes, for HubSpot's search-index lag).

/** Owners and pipelines change rarely; a kept directory older than this is refreshed (the view still uses it). */
const DIRECTORY_TTL_MS = 12 * 3_600_000;
/** Searches of a contact view read by search alone: companies, tickets, tasks, the company's contacts, feedback. */
const SEARCH_ONLY_READ = 5;
/** How long reads go by id after a write of ours: HubSpot's search index takes seconds; a minute is the margin. */
const SEARCH_INDEX_LAG_MS = 60_000;

/** Where the connector keeps the portal's directory between worker restarts (the background's database). */
export interface DirectoryCache {
  load(): Promise<unknown>;
  save(directory: HubSpotDirectory): Promise<void>;
}

export interface Directory {
  portalId: string;
  currency: string | null;
  owners: Map<string, string> | null;
  pipelines: HsPipelines | null;
  /** When the pipelines above were read from HubSpot. */
  pipelinesReadAt: number;
}

/**
 * The read scopes the connector needs, in the order the admin meets them on HubSpot's scope list: objects, tickets
 * beside them, feedback, owners. The token check names the ones the token holds; when it gives no answer that fits,
 * each scope not told by the directory's own reads (tickets: the pipelines; owners: the owner list) is probed with
 * its cheapest call.
 */
const READ_SCOPES: Array<{ scope: string; probe: string | null }> = [
  { scope: 'crm.objects.contacts.read', probe: objectProbe('contacts') },
  { scope: 'crm.objects.companies.read', probe: objectProbe('companies') },
  { scope: 'crm.objects.deals.read', probe: objectProbe('deals') },
  { scope: 'tickets', probe: null },
  { scope: 'crm.objects.feedback_submissions.read', probe: objectProbe('feedback_submissions') },
  { scope: 'crm.objects.owners.read', probe: null },
];

/** Failures of the token check that are the connection's answer (HubSpot unreachable or busy), not a check that did not fit. */
const CONNECTION_FAILURES: ReadonlySet<CrmErrorKind> = new Set(['network', 'timeout', 'rate-limit', 'daily-limit']);

function usageOf(http: HubSpotHttp): ApiUsage | null {
  return http.usage.dailyRemaining !== null ? { kind: 'remainingToday', remaining: http.usage.dailyRemaining, limit: http.usage.daily } : null;
}

/** [owner id, name] pairs. A missing owner scope only hides names; it does not fail the view. */
async function fetchOwners(apis: HubSpotApis): Promise<Array<[string, string]> | null> {
  const names: Array<[string, string]> = [];
  let after: string | undefined;
  try {
    for (let page = 0; page < 10; page++) {
      const res = await call(hsOwnersPageSchema, 'the owner list', () => apis.owners.getPage(undefined, after, 500, false));
      for (const o of res.results) names.push([o.id, [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || o.id]);
      after = res.paging?.next?.after;
      if (!after) break;
    }
  } catch (e) {
    if (e instanceof CrmError && e.kind === 'scope') return null;
    throw e;
  }
  return names;
}

/** The portal's ticket pipelines as they are now; null without the tickets scope. */
async function fetchTicketPipelines(apis: HubSpotApis): Promise<HsPipelines | null> {
  try {
    return await call(hsPipelinesSchema, 'the ticket pipelines', () => apis.pipelines.getAll('tickets'));
  } catch (e) {
    if (e instanceof CrmError && e.kind === 'scope') return null;
    throw e;
  }
}

/**
 * HubSpot's token check: the token's portal and scopes. The token goes in the body, to the API host its
 * Authorization header goes to anyway. An answer that does not fit (refused, of another shape — a Service Key's,
 * perhaps) is returned as its error, for the caller to check another way; unreachable or busy is thrown.
 */
async function readTokenInfo(apis: HubSpotApis, token: string): Promise<{ portalId: string; scopes: ReadonlySet<string> } | CrmError> {
  try {
    const info = await call(hsTokenInfoSchema, 'the token check', () => apis.postJson(API.tokenInfo, { tokenKey: token }));
    return { portalId: info.hubId, scopes: new Set(info.scopes) };
  } catch (e) {
    if (e instanceof CrmError && !CONNECTION_FAILURES.has(e.kind)) return e;
    throw e;
  }
}

/** Whether the token may read with `scope`: an object list of the type answers, or says the scope is missing. */
async function probe(apis: HubSpotApis, path: string): Promise<boolean> {
  try {
    await apis.getJson(path);
    return true;
  } catch (e) {
    if (e instanceof CrmError && e.kind === 'scope') return false;
    throw e;
  }
}

interface TokenCheck {
  directory: HubSpotDirectory;
  /** The read scopes the token lacks (READ_SCOPES order); null when not checked. */
  missingScopes: string[] | null;
}

/** Account-info: the portal's id, its domain and its company currency. */
function readAccountInfo(apis: HubSpotApis) {
  return call(hsAccountInfoSchema, 'the account check', () => apis.getJson(API.accountInfo));
}

/**
 * Checks a token and reads the portal's directory in one round: the token check (scopes), account-info (the portal,
 * its currency), the owners and the ticket pipelines. When the token check gives no answer that fits, a second round
 * (with `scopes`) probes the read scopes the directory's reads did not tell.
 */
async function checkToken(apis: HubSpotApis, token: string, now: number, scopes: boolean): Promise<TokenCheck> {
  const [info, account, owners, ticketPipelines] = await Promise.all([readTokenInfo(apis, token), readAccountInfo(apis), fetchOwners(apis), fetchTicketPipelines(apis)]);
  const directory = { portalId: account.portalId, uiDomain: account.uiDomain ?? null, currency: account.companyCurrency ?? null, owners, ticketPipelines, fetchedAt: now };
  const toldByDirectory = (scope: string): boolean | null =>
    scope === 'tickets' ? ticketPipelines !== null : scope === 'crm.objects.owners.read' ? owners !== null : null;
  if (!(info instanceof CrmError)) {
    return { directory, missingScopes: READ_SCOPES.filter(({ scope }) => !info.scopes.has(scope) || toldByDirectory(scope) === false).map(({ scope }) => scope) };
  }
  if (!scopes) return { directory, missingScopes: null };
  const held = await Promise.all(READ_SCOPES.map(({ scope, probe: path }) => toldByDirectory(scope) ?? (path ? probe(apis, path) : true)));
  return { directory, missingScopes: READ_SCOPES.filter((_, i) => !held[i]).map(({ scope }) => scope) };
}

function connectionInfo(directory: HubSpotDirectory, missingScopes: string[], http: HubSpotHttp): ConnectionInfo {
  return {
    crm: 'hubspot',
    instance: directory.portalId,
    name: directory.uiDomain ? `HubSpot portal ${directory.portalId} (${directory.uiDomain})` : `HubSpot portal ${directory.portalId}`,
    user: null,
    missingScopes,
    usage: usageOf(http),
  };
}

/**
 * Checks a token — which portal it belongs to, which read scopes it lacks — and reads the portal's directory with the
 * same requests, all at once: the token check, account-info, the owners and the ticket pipelines. Never stores it.
 */
export async function connectHubSpotToken(token: string, apiBase: string = DEFAULT_API_BASE, now = Date.now()): Promise<{ info: ConnectionInfo; directory: HubSpotDirectory }> {
  const http = new HubSpotHttp({ token, apiBase });
  const { directory, missingScopes } = await checkToken(createHubSpotApis(http, apiBase), token, now, true);
  return { info: connectionInfo(directory, missingScopes ?? [], http), directory };
}

/** Checks a token: which portal it belongs to and which read scopes it lacks. Never stores it. */
export async function checkHubSpotToken(token: string, apiBase: string = DEFAULT_API_BASE): Promise<ConnectionInfo> {
  return (await connectHubSpotToken(token, apiBase)).info;
}

/** Checks the saved token again and re-reads the directory, then reports the portal and the scopes it lacks. */
export async function testConnection(portal: HubSpotPortal): Promise<ConnectionInfo> {
  const { directory, missingScopes } = await portal.refreshDirectory(true);
  portal.checkPortal(directory, null);
  return connectionInfo(directory, missingScopes ?? [], portal.http);
}

export class HubSpotPortal {
  private directoryLoad: Promise<Directory> | null = null;
  /** When the last search-only contact read started (see takeSearchOnlyRead). */
  private lastSearchOnlyRead = -Infinity;
  /** Our writes under way, and when the last one ended (see readsById). */
  private writesUnderWay = 0;
  private lastWriteEndedAt = -Infinity;
  /**
   * Object types (notes, tickets) whose key property this portal was found to lack during the current write: they
   * are written by marker. Forgotten when a write starts, so a property an admin adds is used from the next write on.
   */
  readonly withoutKeyProperty = new Set<string>();
  /** Follow-up tickets whose create HubSpot did not confirm, not opened again while it may still be running. */
  readonly unconfirmedFollowUps = new UnconfirmedFollowUps('HubSpot');

  constructor(
    readonly apis: HubSpotApis,
    readonly http: HubSpotHttp,
    private readonly token: string,
    private readonly expectedPortalId: string | null,
    readonly now: () => number,
    private readonly cache: DirectoryCache | null,
  ) {}

  /**
   * Which portal the token belongs to (the token check), owner names and ticket pipelines. Kept in memory for the
   * connector's life and, through the background's cache, across worker restarts, so a record view pays no
   * metadata requests: connecting (or testing) the token fetches it, and a copy older than DIRECTORY_TTL_MS is used
   * once more while a fresh one loads. A failed first load is retried on the next call.
   */
  directory(): Promise<Directory> {
    this.directoryLoad ??= this.keptDirectory().catch((e: unknown) => {
      this.directoryLoad = null;
      throw e;
    });
    return this.directoryLoad;
  }

  private async keptDirectory(): Promise<Directory> {
    const kept = hubSpotDirectorySchema.safeParse(this.cache ? await this.cache.load().catch(() => null) : null);
    if (!kept.success) return this.fetchDirectory();
    if (this.now() - kept.data.fetchedAt > DIRECTORY_TTL_MS) void this.refreshDirectory().catch(() => undefined);
    return this.use(kept.data);
  }

  /** Checks the token again and re-reads the directory; with `scopes`, tells which read scopes the token lacks. */
  async refreshDirectory(scopes = false): Promise<TokenCheck> {
    const check = await checkToken(this.apis, this.token, this.now(), scopes);
    await this.keep(check.directory);
    this.directoryLoad = Promise.resolve(this.use(check.directory));
    return check;
  }

  private async fetchDirectory(): Promise<Directory> {
    const { directory } = await checkToken(this.apis, this.token, this.now(), false);
    await this.keep(directory);
    return this.use(directory);
  }

  /** Keeps a directory; a cache that cannot write (a full disk) only means the next worker start reads it again. */
  private async keep(directory: HubSpotDirectory): Promise<void> {
    if (this.cache) await this.cache.save(directory).catch(() => undefined);
  }

  private use(d: HubSpotDirectory): Directory {
    return { portalId: d.portalId, currency: d.currency, owners: d.owners ? new Map(d.owners) : null, pipelines: d.ticketPipelines, pipelinesReadAt: d.fetchedAt };
  }

  /** The directory, once the token's portal is the one expected and the page's (when a page names one). */
  async checkedDirectory(pagePortal: string | null): Promise<Directory> {
    return this.checkPortal(await this.directory(), pagePortal);
  }

  /** Refuses a directory of another portal than the one expected and the page's (when a page names one). */
  checkPortal<D extends { portalId: string }>(directory: D, pagePortal: string | null): D {
    for (const expected of [this.expectedPortalId, pagePortal]) {
      if (expected !== null && expected !== directory.portalId) {
        throw new CrmError(
          'wrong-instance',
          `This page is HubSpot portal ${expected}, but the saved token belongs to portal ${directory.portalId}. Connect a token of portal ${expected} to see its records.`,
        );
      }
    }
    return directory;
  }

  /** The portal's ticket pipelines as they are now; null without the tickets scope. */
  fetchTicketPipelines(): Promise<HsPipelines | null> {
    return fetchTicketPipelines(this.apis);
  }


  /**
   * HubSpot's search shows a write only seconds later, so for a while after one of ours (an outcome, a follow-up)
   * reads go by id: the record's links and batch reads see it at once.
   */
  readsById(): boolean {
    return this.writesUnderWay > 0 || this.now() - this.lastWriteEndedAt < SEARCH_INDEX_LAG_MS;
  }

  /**
   * Whether a contact view may read by search alone (SEARCH_ONLY_READ searches): only while the portal's search
   * quota has room for all of them now and no other such read started within the quota's window, so views in
   * quick succession (or a sweep) take the by-id path, which spends two searches, instead of queueing for a second.
   */
  takeSearchOnlyRead(): boolean {
    const limiter = this.http.searchLimiter;
    const now = this.now();
    if (now - this.lastSearchOnlyRead < limiter.windowMs || limiter.available() < SEARCH_ONLY_READ) return false;
    this.lastSearchOnlyRead = now;
    return true;
  }

  /** Whether a HubSpot error says the key property does not exist on this object type (and remember it). */
  lacksKeyProperty(type: string, e: unknown): boolean {
    if (!(e instanceof CrmError) || e.kind !== 'config') return false;
    this.withoutKeyProperty.add(type);
    return true;
  }

  /** Runs a write and remembers when it ended: for a while after, reads go by id (see readsById). */
  async writing<T>(write: () => Promise<T>): Promise<T> {
    if (this.writesUnderWay === 0) this.withoutKeyProperty.clear();
    this.writesUnderWay++;
    try {
      return await write();
    } finally {
      this.writesUnderWay--;
      this.lastWriteEndedAt = this.now();
    }
  }
}
