import { CrmError, type ApiUsage, type ConnectionInfo } from '../crm';
import { call, createHubSpotApis, DEFAULT_API_BASE, HubSpotHttp, type HubSpotApis } from './client';
import { API, objectProbe } from './paths';
import { hsAccountInfoSchema, hsOwnersPageSchema, hsPipelinesSchema, hubSpotDirectorySchema, type HsPipelines, type HubSpotDirectory } from './schema';

// The connection to one portal: the token's HTTP layer, the portal's directory (which portal, owners, ticket
// pipelines) and what the connector remembers between calls (its writes, for HubSpot's search-index lag).

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

function fromStored(d: HubSpotDirectory): Directory {
  return { portalId: d.portalId, currency: d.currency, owners: d.owners ? new Map(d.owners) : null, pipelines: d.ticketPipelines, pipelinesReadAt: d.fetchedAt };
}

/**
 * Scopes the connector reads with, each probed with its cheapest call. Owners and tickets are not probed: reading the
 * owners and the ticket pipelines for the directory tells about those scopes.
 */
const PROBED_SCOPES: Array<{ scope: string; path: string }> = [
  { scope: 'crm.objects.contacts.read', path: objectProbe('contacts') },
  { scope: 'crm.objects.companies.read', path: objectProbe('companies') },
  { scope: 'crm.objects.deals.read', path: objectProbe('deals') },
  { scope: 'crm.objects.feedback_submissions.read', path: objectProbe('feedback_submissions') },
];

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

/** The portal's directory: which portal (account-info, read once), its owners and ticket pipelines, at once. */
async function fetchDirectory(apis: HubSpotApis, now: number): Promise<HubSpotDirectory> {
  const [info, owners, ticketPipelines] = await Promise.all([
    call(hsAccountInfoSchema, 'the account check', () => apis.getJson(API.accountInfo)),
    fetchOwners(apis),
    fetchTicketPipelines(apis),
  ]);
  return { portalId: info.portalId, uiDomain: info.uiDomain ?? null, currency: info.companyCurrency ?? null, owners, ticketPipelines, fetchedAt: now };
}

/**
 * Checks a token — which portal it belongs to, which read scopes it lacks — and reads the portal's directory with the
 * same requests (account-info once), all at once. Never stores the token.
 */
export async function connectHubSpotToken(token: string, apiBase: string = DEFAULT_API_BASE, now = Date.now()): Promise<{ info: ConnectionInfo; directory: HubSpotDirectory }> {
  const http = new HubSpotHttp({ token, apiBase });
  const apis = createHubSpotApis(http, apiBase);
  const [directory, probes] = await Promise.all([
    fetchDirectory(apis, now),
    Promise.all(
      PROBED_SCOPES.map(async ({ scope, path }) => {
        try {
          await apis.getJson(path);
          return null;
        } catch (e) {
          if (e instanceof CrmError && e.kind === 'scope') return scope;
          throw e;
        }
      }),
    ),
  ]);
  // In the order the admin meets them on HubSpot's scope list: objects, tickets beside them, feedback, owners.
  const [contacts, companies, deals, feedback] = probes;
  const missing = [contacts, companies, deals, directory.ticketPipelines === null ? 'tickets' : null, feedback, directory.owners === null ? 'crm.objects.owners.read' : null].filter(
    (s): s is string => s !== null && s !== undefined,
  );
  return {
    info: {
      crm: 'hubspot',
      instance: directory.portalId,
      name: directory.uiDomain ? `HubSpot portal ${directory.portalId} (${directory.uiDomain})` : `HubSpot portal ${directory.portalId}`,
      user: null,
      missingScopes: missing,
      usage: usageOf(http),
    },
    directory,
  };
}

/** Checks a token: which portal it belongs to and which read scopes it lacks. Never stores it. */
export async function checkHubSpotToken(token: string, apiBase: string = DEFAULT_API_BASE): Promise<ConnectionInfo> {
  return (await connectHubSpotToken(token, apiBase)).info;
}

/** Re-reads the directory, then reports the portal the connector reads. */
export async function testConnection(portal: HubSpotPortal): Promise<ConnectionInfo> {
  await portal.refreshDirectory();
  const directory = await portal.checkedDirectory(null);
  return {
    crm: 'hubspot',
    instance: directory.portalId,
    name: `HubSpot portal ${directory.portalId}`,
    user: null,
    missingScopes: [],
    usage: usageOf(portal.http),
  };
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

  constructor(
    readonly apis: HubSpotApis,
    readonly http: HubSpotHttp,
    private readonly expectedPortalId: string | null,
    readonly now: () => number,
    private readonly cache: DirectoryCache | null,
  ) {}

  /**
   * Which portal the token belongs to (account-info), owner names and ticket pipelines. Kept in memory for the
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
    return fromStored(kept.data);
  }

  async refreshDirectory(): Promise<void> {
    const fresh = await this.fetchDirectory();
    this.directoryLoad = Promise.resolve(fresh);
  }

  private async fetchDirectory(): Promise<Directory> {
    const stored = await fetchDirectory(this.apis, this.now());
    // A cache that cannot write (a full disk) only means the next worker start fetches the directory again.
    if (this.cache) await this.cache.save(stored).catch(() => undefined);
    return fromStored(stored);
  }

  /** The directory, once the token's portal is the one expected and the page's (when a page names one). */
  async checkedDirectory(pagePortal: string | null): Promise<Directory> {
    const directory = await this.directory();
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
