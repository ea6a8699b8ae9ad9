import { z } from 'zod';
import {
  rowKey,
  type Account,
  type AccountCounts,
  type Contact,
  type FollowUp,
  type LoopRecord,
  type Outcome,
  type RecordContext,
  type RecordRef,
  type SurveyResponse,
} from '../../core/schema';
import type { HubSpotSource, SalesforceSource, Settings } from '../../core/settings';
import {
  CrmError,
  type ConnectionInfo,
  type CrmConnector,
  type MetadataField,
  type MetadataObject,
  type OpenedFollowUp,
  type OutcomeWriteResult,
  type PreviewResult,
  type TicketPipeline,
} from '../crm';
import type { hsObjects} from './client';
import { call, createHubSpotApis, DEFAULT_API_BASE, HubSpotHttp, type HubSpotApis } from './client';
import {
  contactPropertiesToResponses,
  customObjectToResponse,
  FEEDBACK_PROPERTIES,
  feedbackToResponse,
  hsAccountInfoSchema,
  hsBatchSchema,
  hubSpotDirectorySchema,
  hsObjectSchema,
  hsOwnersPageSchema,
  hsPipelinesSchema,
  hsPropertiesSchema,
  hsSchemasSchema,
  hsSearchPageSchema,
  hsUpsertBatchSchema,
  partitionRows,
  toEpochMs,
  type HsObject,
  type HsPipelines,
  type HubSpotDirectory,
  type RowContext,
  type RowResult,
} from './schema';

// The HubSpot connector: runs only in the background service worker (the one place with the token).
//
// Requests for one record view (counted in test/unit/hubspot-connector.test.ts and bench/results.json). HubSpot's
// REST API reads one object type per request, so the fewest requests are one per type the view shows — contacts,
// company, feedback, tickets, tasks — and only search reads a type by its link to another without knowing ids:
//   contact, by search alone (5 searches): the companies, open tickets and open tasks linked to the contact
//      (`associations.contact`), at once; then the company's contacts (`associations.company`, newest survey first,
//      `total` telling small accounts from large), the viewed one among them; then their responses. A contact with
//      no company, or with several (its own record names the primary one), is read by id too; so is one a large
//      company did not list first.
//   contact, by id (6: four by id, two searches): the contact with its links (company, tickets, tasks); then the
//      company, its contacts (search) and the linked tickets and tasks by id; then the responses (search). Taken when
//      the portal's search quota (five a second) has no room for a search-only read, and for a minute after a write
//      of ours, which search shows only seconds later.
//   company (5): the company with its links ∥ its contacts; then the responses, and the linked tickets and tasks.
//   deal, ticket: the record with its company and contacts links, the focus contacts, then the company as above;
//      their follow-ups are searched over the company and the focus contacts.
// Large accounts add one count search per segment. Responses: one feedback search (hs_contact_id IN …) per source;
// contact batch reads with propertiesWithHistory for contact-property sources; association + batch reads for a custom
// object. The team's close-the-loop notes are one more search, read when the panel asks (loadLoopHistory).
// The portal's directory — the portal check (account-info), ticket pipelines and owners — is fetched when the token is
// connected and kept across worker restarts (see `directory()`), so a record view pays no metadata requests.

const PORTAL_LOOKUPS = { accountInfo: '/account-info/v3/details' } as const;
/** Owners and pipelines change rarely; a kept directory older than this is refreshed (the view still uses it). */
const DIRECTORY_TTL_MS = 12 * 3_600_000;
const CONTACT_PROPERTIES = [
  'firstname',
  'lastname',
  'email',
  'jobtitle',
  'hubspot_owner_id',
  'associatedcompanyid',
  'hs_buying_role',
  'hs_feedback_last_survey_date',
  'hs_feedback_last_nps_rating',
];
const LAST_SURVEY_PROPERTY = 'hs_feedback_last_survey_date';
const LAST_NPS_PROPERTY = 'hs_feedback_last_nps_rating';
/** Listed contacts per page; an account with more than two pages is "large" and summarized by HubSpot's counts. */
const CONTACT_PAGE = 100;
const LARGE_ACCOUNT = 200;
const SEARCH_PAGE = 200;
/** Small accounts: enough pages of responses for the whole account; large ones list only the newest page. */
const MAX_RESPONSE_PAGES_SMALL = 5;
const IN_FILTER_MAX = 100;
const BATCH_MAX = 100;
/** The v4 default-association batch takes up to 1,000 pairs per call. */
const ASSOCIATION_BATCH_MAX = 1_000;
/** Activity the view lists beside the scores: follow-up tickets and tasks. */
const ACTIVITY_TYPES = ['tickets', 'tasks'] as const;
/** Searches of a contact view read by search alone: companies, tickets, tasks, the company's contacts, feedback. */
const SEARCH_ONLY_READ = 5;
/** Companies one contact is linked to that a search-only read looks at to find its primary one. */
const COMPANY_MATCHES = 10;
/** How long reads go by id after a write of ours: HubSpot's search index takes seconds; a minute is the margin. */
const SEARCH_INDEX_LAG_MS = 60_000;
/** HubSpot's search takes up to five filter groups (OR-ed). */
const MAX_FILTER_GROUPS = 5;
/** HubSpot's calculated company property "Total open deal value". */
const OPEN_DEAL_VALUE_PROPERTY = 'hs_total_deal_value';
/** HubSpot's default ticket pipeline. */
const DEFAULT_PIPELINE_ID = '0';
/** A follow-up ticket's key property: this prefix and the response id. */
const FOLLOW_UP_KEY_PREFIX = 'followup-';
/** The first line of every close-the-loop note. */
const NOTE_MARKER = 'Loyalty Lens close-the-loop';
/** A unique-value note property holding the outcome's idempotency key (see writeOutcomes). */
export const KEY_PROPERTY = 'loyalty_lens_key';
const LOOP_NOTE_PROPERTIES = ['hs_note_body', 'hs_timestamp', 'hubspot_owner_id', KEY_PROPERTY] as const;

const ANSWER_VALUES: Record<string, string> = {
  'reached-resolved': 'Reached, resolved',
  'reached-unresolved': 'Reached, not resolved yet',
  'no-answer': 'No answer',
  escalated: 'Escalated',
  'promoter-reference': 'Promoter: reference',
  'promoter-review': 'Promoter: review',
  'promoter-community': 'Promoter: community',
};

export interface HubSpotConnectorOptions {
  token: string;
  apiBase?: string;
  expectedPortalId?: string;
  now?: () => number;
  directoryCache?: DirectoryCache;
}

export interface HubSpotConnector extends CrmConnector {
  /** Re-reads the portal, owners and ticket pipelines (on connect and on a connection test). */
  refreshDirectory(): Promise<void>;
  /** The portal's ticket pipelines as they are now (one request); empty without the tickets scope. */
  ticketPipelines(): Promise<TicketPipeline[]>;
  loadLoopHistory(ref: RecordRef, contactIds: string[]): Promise<LoopRecord[]>;
}

/** Where the connector keeps the portal's directory between worker restarts (the background's database). */
export interface DirectoryCache {
  load(): Promise<unknown>;
  save(directory: HubSpotDirectory): Promise<void>;
}

interface Directory {
  portalId: string;
  currency: string | null;
  owners: Map<string, string> | null;
  pipelines: HsPipelines | null;
}

function fromStored(d: HubSpotDirectory): Directory {
  return { portalId: d.portalId, currency: d.currency, owners: d.owners ? new Map(d.owners) : null, pipelines: d.ticketPipelines };
}

type HsFilter = { propertyName: string; operator: string; value?: string; values?: string[]; highValue?: string };

/** The record whose follow-ups a view lists (read with its links to them), and its search filter. */
interface ActivityAnchor {
  record: HsObject;
  scope: HsFilter;
}

/** Open follow-up tickets and tasks as read, with the follow-up pipeline's stages (label, open or closed). */
interface OpenFollowUpRows {
  tickets: HsObject[];
  tasks: HsObject[];
  stages: Map<string, { label: string; open: boolean }>;
}

/** Scopes the connector reads with, each probed with its cheapest call. */
const REQUIRED_SCOPES: Array<{ scope: string; path: string }> = [
  { scope: 'crm.objects.contacts.read', path: '/crm/v3/objects/contacts?limit=1&properties=hs_object_id' },
  { scope: 'crm.objects.companies.read', path: '/crm/v3/objects/companies?limit=1&properties=hs_object_id' },
  { scope: 'crm.objects.deals.read', path: '/crm/v3/objects/deals?limit=1&properties=hs_object_id' },
  { scope: 'tickets', path: '/crm/v3/objects/tickets?limit=1&properties=hs_object_id' },
  { scope: 'crm.objects.feedback_submissions.read', path: '/crm/v3/objects/feedback_submissions?limit=1&properties=hs_object_id' },
  { scope: 'crm.objects.owners.read', path: '/crm/v3/owners?limit=1' },
];

/** Checks a token: which portal it belongs to and which read scopes it lacks. Never stores it. */
export async function checkHubSpotToken(token: string, apiBase: string = DEFAULT_API_BASE): Promise<ConnectionInfo> {
  const http = new HubSpotHttp({ token, apiBase });
  const apis = createHubSpotApis(http, apiBase);
  const info = await call(hsAccountInfoSchema, 'the account check', () => apis.getJson(PORTAL_LOOKUPS.accountInfo));
  const probes = await Promise.all(
    REQUIRED_SCOPES.map(async ({ scope, path }) => {
      try {
        await apis.getJson(path);
        return null;
      } catch (e) {
        if (e instanceof CrmError && e.kind === 'scope') return scope;
        throw e;
      }
    }),
  );
  return {
    crm: 'hubspot',
    instance: info.portalId,
    name: info.uiDomain ? `HubSpot portal ${info.portalId} (${info.uiDomain})` : `HubSpot portal ${info.portalId}`,
    user: null,
    missingScopes: probes.filter((s): s is string => s !== null),
    usage: http.usage.dailyRemaining !== null ? `daily-remaining=${http.usage.dailyRemaining}/${http.usage.daily ?? '?'}` : null,
  };
}

export function createHubSpotConnector(options: HubSpotConnectorOptions): HubSpotConnector {
  const apiBase = options.apiBase ?? DEFAULT_API_BASE;
  const now = options.now ?? (() => Date.now());
  const http = new HubSpotHttp({ token: options.token, apiBase });
  const apis = createHubSpotApis(http, apiBase);
  return new Connector(apis, http, options.expectedPortalId ?? null, now, options.directoryCache ?? null);
}

function scoresBetween(low: number, high: number): string[] {
  return Array.from({ length: high - low + 1 }, (_, i) => String(low + i));
}

function eq(propertyName: string, value: string): HsFilter {
  return { propertyName, operator: 'EQ', value };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function nameOf(p: HsObject['properties']): string {
  const name = [p.firstname, p.lastname].filter((s) => s && s.trim() !== '').join(' ').trim();
  return name || p.email || 'Unnamed contact';
}

function money(value: string | null | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

class Connector implements HubSpotConnector {
  readonly crm = 'hubspot' as const;
  private directoryLoad: Promise<Directory> | null = null;
  /** When the last search-only contact read started (see takeSearchOnlyRead). */
  private lastSearchOnlyRead = -Infinity;
  /** Our writes under way, and when the last one ended (see readsById). */
  private writesUnderWay = 0;
  private lastWriteEndedAt = -Infinity;

  constructor(
    private readonly apis: HubSpotApis,
    private readonly http: HubSpotHttp,
    private readonly expectedPortalId: string | null,
    private readonly now: () => number,
    private readonly cache: DirectoryCache | null,
  ) {}

  // ── the portal's directory ─────────────────────────────────────────────────────────────────────────

  /**
   * Which portal the token belongs to (account-info), owner names and ticket pipelines. Kept in memory for the
   * connector's life and, through the background's cache, across worker restarts, so a record view pays no
   * metadata requests: connecting (or testing) the token fetches it, and a copy older than DIRECTORY_TTL_MS is used
   * once more while a fresh one loads. A failed first load is retried on the next call.
   */
  private directory(): Promise<Directory> {
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
    const [info, owners, ticketPipelines] = await Promise.all([
      call(hsAccountInfoSchema, 'the account check', () => this.apis.getJson(PORTAL_LOOKUPS.accountInfo)),
      this.fetchOwners(),
      this.fetchTicketPipelines(),
    ]);
    const stored: HubSpotDirectory = { portalId: info.portalId, currency: info.companyCurrency ?? null, owners, ticketPipelines, fetchedAt: this.now() };
    // A cache that cannot write (a full disk) only means the next worker start fetches the directory again.
    if (this.cache) await this.cache.save(stored).catch(() => undefined);
    return fromStored(stored);
  }

  async ticketPipelines(): Promise<TicketPipeline[]> {
    const pipelines = await this.fetchTicketPipelines();
    // Views of this worker see the pipelines the admin is choosing from; the kept copy follows on its own schedule.
    const known = await this.directory().catch(() => null);
    if (known) known.pipelines = pipelines;
    return [...(pipelines?.results ?? [])]
      .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
      .map((p) => ({
        id: p.id,
        label: p.label,
        stages: [...p.stages]
          .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
          .map((s) => ({ id: s.id, label: s.label, closed: isClosedStage(s) })),
      }));
  }

  private async checkedDirectory(pagePortal: string | null): Promise<Directory> {
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

  /** [owner id, name] pairs. A missing owner scope only hides names; it does not fail the view. */
  private async fetchOwners(): Promise<Array<[string, string]> | null> {
    const names: Array<[string, string]> = [];
    let after: string | undefined;
    try {
      for (let page = 0; page < 10; page++) {
        const res = await call(hsOwnersPageSchema, 'the owner list', () => this.apis.owners.getPage(undefined, after, 500, false));
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

  private async fetchTicketPipelines(): Promise<HsPipelines | null> {
    try {
      return await call(hsPipelinesSchema, 'the ticket pipelines', () => this.apis.pipelines.getAll('tickets'));
    } catch (e) {
      if (e instanceof CrmError && e.kind === 'scope') return null;
      throw e;
    }
  }

  // ── thin calls ────────────────────────────────────────────────────────────────────────────────────────

  private getObject(type: string, id: string, props: string[], history: string[], assoc: string[]): Promise<HsObject> {
    return call(hsObjectSchema, `reading ${type} ${id}`, () =>
      this.apis.basic.getById(type, id, props, history.length ? history : undefined, assoc.length ? assoc : undefined, false),
    );
  }

  private search(type: string, filterGroups: HsFilter[][], props: string[], sorts: string[] = [], limit = SEARCH_PAGE, after?: string) {
    // HubSpot documents sorts as { propertyName, direction }; "-name" means descending here.
    const body = {
      filterGroups: filterGroups.map((filters) => ({ filters })),
      properties: props,
      sorts: sorts.map((s) => (s.startsWith('-') ? { propertyName: s.slice(1), direction: 'DESCENDING' } : { propertyName: s, direction: 'ASCENDING' })),
      limit,
      ...(after ? { after } : {}),
    } as unknown as hsObjects.PublicObjectSearchRequest;
    return call(hsSearchPageSchema, `searching ${type}`, () => this.apis.search.doSearch(type, body));
  }

  private async batchRead(type: string, ids: string[], props: string[], history: string[] = []): Promise<HsObject[]> {
    const pages = await Promise.all(
      chunks(ids, BATCH_MAX).map((inputs) =>
        call(hsBatchSchema, `reading ${type}`, () =>
          this.apis.batch.read(type, {
            inputs: inputs.map((id) => ({ id })),
            properties: props,
            propertiesWithHistory: history,
          }),
        ),
      ),
    );
    return pages.flatMap((p) => p.results);
  }

  // ── reading a record's context ──────────────────────────────────────────────────────────────────────

  async testConnection(): Promise<ConnectionInfo> {
    await this.refreshDirectory();
    const directory = await this.checkedDirectory(null);
    return {
      crm: 'hubspot',
      instance: directory.portalId,
      name: `HubSpot portal ${directory.portalId}`,
      user: null,
      missingScopes: [],
      usage: this.http.usage.dailyRemaining !== null ? `daily-remaining=${this.http.usage.dailyRemaining}/${this.http.usage.daily ?? '?'}` : null,
    };
  }

  async loadContext(ref: RecordRef, settings: Settings): Promise<RecordContext> {
    const startCount = this.http.requestCount;
    const directory = await this.checkedDirectory(ref.instance);
    const { portalId: portal, owners } = directory;
    const sources = settings.hubspot.sources;
    const historyProps = sources.flatMap((s) =>
      s.kind === 'hubspot-contact-properties' ? [s.scoreProperty, s.commentProperty, s.dateProperty].filter((p): p is string => p !== null) : [],
    );
    const contactProps = [...CONTACT_PROPERTIES, ...historyProps];

    let companyId: string | null = null;
    let company: HsObject | null = null;
    let focus: HsObject[] = [];
    let title = '';
    // Whose follow-ups the view lists: a contact's own, a company's, or (deal, ticket) the company's and the
    // record's contacts'. A contact or company read by id brings its links to them along (see activityOf).
    let anchor: ActivityAnchor | null = null;
    let openRows: Promise<OpenFollowUpRows> | null = null;
    if (ref.objectType === 'contact' && !this.readsById() && this.takeSearchOnlyRead()) {
      // Search alone: the contact's companies, tickets and tasks at once, by their link to it; the contact itself
      // comes with its company's contacts. One request fewer than reading it by id first (see the header).
      const scope = eq('associations.contact', ref.id);
      openRows = this.openFollowUpRows(null, [scope], settings, directory);
      openRows.catch(() => undefined);
      const companies = await this.search('companies', [[scope]], companyProperties(settings), [], COMPANY_MATCHES);
      if (companies.results.length === 1) {
        company = companies.results[0]!;
        companyId = company.id;
      } else {
        // No company, or several: the contact's own record names the primary one.
        const contact = await this.getObject('contacts', ref.id, contactProps, historyProps, ['companies']);
        focus = [contact];
        companyId = primaryCompany(contact, 'contact_to_company');
        company = companies.results.find((c) => c.id === companyId) ?? null;
      }
    } else if (ref.objectType === 'contact') {
      const contact = await this.getObject('contacts', ref.id, contactProps, historyProps, ['companies', ...ACTIVITY_TYPES]);
      companyId = primaryCompany(contact, 'contact_to_company');
      focus = [contact];
      anchor = { record: contact, scope: eq('associations.contact', ref.id) };
      // Its tickets and tasks are read by id while its company is.
      openRows = this.openFollowUpRows(contact, [anchor.scope], settings, directory);
      openRows.catch(() => undefined);
    } else if (ref.objectType === 'company') {
      companyId = ref.id;
    } else if (ref.objectType === 'deal' || ref.objectType === 'ticket') {
      const type = ref.objectType === 'deal' ? 'deals' : 'tickets';
      const record = await this.getObject(type, ref.id, ['dealname', 'subject', 'associatedcompanyid'], [], ['companies', 'contacts']);
      companyId = primaryCompany(record, ref.objectType === 'deal' ? 'deal_to_company' : 'ticket_to_company');
      const contactIds = (record.associations?.contacts?.results ?? []).map((r) => r.id);
      focus = contactIds.length ? await this.batchRead('contacts', [...new Set(contactIds)].slice(0, BATCH_MAX), contactProps, historyProps) : [];
      title = record.properties.dealname ?? record.properties.subject ?? `${ref.objectType} ${ref.id}`;
    } else {
      throw new CrmError('config', `HubSpot has no ${ref.objectType} records.`);
    }

    const companyPage = ref.objectType === 'company';
    const account = companyId
      ? await this.loadAccount(companyId, company, focus, contactProps, historyProps, settings, portal, owners, companyPage)
      : null;
    if (companyPage && account) anchor = { record: account.company, scope: eq('associations.company', ref.id) };
    if (ref.objectType === 'contact' && focus.length === 0) {
      // Read by search: the contact is among its company's contacts, unless a large company listed others first.
      const listedContact = account?.contacts.find((c) => c.id === ref.id);
      focus = [listedContact ?? (await this.getObject('contacts', ref.id, contactProps, historyProps, []))];
    }
    if (ref.objectType === 'contact') title = nameOf(focus[0]!.properties);
    const listed = account ? mergeContacts(account.contacts, focus) : focus;
    const companyOf = (contactId: string): string | null => {
      if (account && account.contacts.some((c) => c.id === contactId)) return companyId;
      const f = listed.find((c) => c.id === contactId);
      return f?.properties.associatedcompanyid || null;
    };
    const rowCtx: RowContext = { portal, companyOf };
    const focusIds = focus.map((c) => c.id);
    const accountKey = companyId ? rowKey('hubspot', portal, companyId) : null;
    const [sourceRows, rows] = await Promise.all([
      this.responsesOf(listed, sources, rowCtx, account?.large ?? false),
      openRows ?? this.openFollowUpRows(anchor?.record ?? null, anchor ? [anchor.scope] : linkFilters(companyId, focusIds), settings, directory),
    ]);
    const { responses, rejected } = partitionRows(sourceRows);
    const followUps = toFollowUps(rows, { accountKey, contactIds: focusIds }, directory);
    linkFollowUps(followUps, responses);

    const contacts: Contact[] = listed.map((c) => toContact(c, portal, companyOf(c.id), owners, responses));
    return {
      ref,
      title: title || account?.account.name || `${ref.objectType} ${ref.id}`,
      focusContactKeys: focusIds.map((id) => rowKey('hubspot', portal, id)),
      account: account ? { ...account.account, currency: directory.currency } : null,
      accountCounts: account?.counts ?? null,
      contacts,
      responses,
      followUps,
      // The team's loop notes cost the view another request; the panel asks for them (loadLoopHistory).
      loops: null,
      rejected,
      requestCount: this.http.requestCount - startCount,
      fetchedAt: this.now(),
    };
  }

  /**
   * HubSpot's search shows a write only seconds later, so for a while after one of ours (an outcome, a follow-up)
   * reads go by id: the record's links and batch reads see it at once.
   */
  private readsById(): boolean {
    return this.writesUnderWay > 0 || this.now() - this.lastWriteEndedAt < SEARCH_INDEX_LAG_MS;
  }

  /**
   * Whether a contact view may read by search alone (SEARCH_ONLY_READ searches): only while the portal's search
   * quota has room for all of them now and no other such read started within the quota's window, so views in
   * quick succession (or a sweep) take the by-id path, which spends two searches, instead of queueing for a second.
   */
  private takeSearchOnlyRead(): boolean {
    const limiter = this.http.searchLimiter;
    const now = this.now();
    if (now - this.lastSearchOnlyRead < limiter.windowMs || limiter.available() < SEARCH_ONLY_READ) return false;
    this.lastSearchOnlyRead = now;
    return true;
  }

  /**
   * The focus contacts' close-the-loop notes, newest first: one search (per five contacts), or, for a while after a
   * write of ours, their links and a batch read, which see a note just written. The search reads one page, the 200
   * newest notes, which holds the loops a view lists unless a contact has had hundreds of other notes since.
   */
  async loadLoopHistory(ref: RecordRef, contactIds: string[]): Promise<LoopRecord[]> {
    const { portalId: portal, owners } = await this.checkedDirectory(ref.instance);
    let notes: HsObject[];
    if (this.readsById()) {
      const links = await this.associated('contacts', 'notes', contactIds);
      const ids = [...new Set([...links.values()].flat())];
      notes = ids.length ? await this.batchRead('notes', ids, [...LOOP_NOTE_PROPERTIES]) : [];
    } else {
      const pages = await Promise.all(
        chunks(contactIds, MAX_FILTER_GROUPS).map((group) =>
          // No filter on the key property: a portal without it finds its loop notes by their first line.
          this.search('notes', group.map((id) => [eq('associations.contact', id)]), [...LOOP_NOTE_PROPERTIES], ['-hs_timestamp']),
        ),
      );
      notes = pages.flatMap((p) => p.results);
    }
    const loops = new Map(notes.filter(isLoopNote).map((n) => [n.id, n]));
    return [...loops.values()].map((n) => parseLoopNote(n, portal, owners)).sort((a, b) => b.loggedAt - a.loggedAt);
  }

  private async loadAccount(
    companyId: string,
    companyRead: HsObject | null,
    focus: HsObject[],
    contactProps: string[],
    historyProps: string[],
    settings: Settings,
    portal: string,
    owners: Map<string, string> | null,
    withActivityLinks: boolean,
  ): Promise<{ account: Account; company: HsObject; contacts: HsObject[]; counts: AccountCounts | null; large: boolean }> {
    const revenue = settings.hubspot.revenue;
    const revenueProperty = revenuePropertyOf(settings);
    const sortProperty = lastSurveyProperty(settings.hubspot.sources);
    const byCompany = eq('associations.company', companyId);
    const [company, firstPage] = await Promise.all([
      companyRead ?? this.getObject('companies', companyId, companyProperties(settings), [], withActivityLinks ? [...ACTIVITY_TYPES] : []),
      this.search('contacts', [[byCompany]], contactProps, [`-${sortProperty}`], CONTACT_PAGE),
    ]);
    const total = firstPage.total;
    const large = total > LARGE_ACCOUNT;
    let contacts = firstPage.results;
    const [secondPage, counts] = await Promise.all([
      !large && firstPage.paging?.next?.after
        ? this.search('contacts', [[byCompany]], contactProps, [`-${sortProperty}`], CONTACT_PAGE, firstPage.paging.next.after)
        : null,
      large ? this.accountCounts(companyId, settings, portal) : null,
    ]);
    if (secondPage) contacts = [...contacts, ...secondPage.results];
    // Search results carry no property history; contact-property sources re-read the listed contacts with it.
    if (historyProps.length > 0) {
      const ids = contacts.map((c) => c.id).filter((id) => !focus.some((f) => f.id === id));
      const withHistory = await this.batchRead('contacts', ids, contactProps, historyProps);
      contacts = [...focus.filter((f) => contacts.some((c) => c.id === f.id)), ...withHistory];
    }
    const ownerId = company.properties.hubspot_owner_id || null;
    const revenueText = company.properties[revenueProperty];
    return {
      account: {
        key: rowKey('hubspot', portal, companyId),
        crm: 'hubspot',
        instance: portal,
        id: companyId,
        name: company.properties.name || `Company ${companyId}`,
        ownerId,
        ownerName: ownerId ? (owners?.get(ownerId) ?? null) : null,
        revenue: revenueText != null && revenueText !== '' ? money(revenueText) : revenue.kind === 'openDeals' ? 0 : null,
        revenueLabel: revenue.kind === 'openDeals' ? 'Open deals' : revenue.property,
        currency: null,
        contactCount: total,
        url: `https://app.hubspot.com/contacts/${portal}/record/0-2/${companyId}`,
      },
      company,
      contacts,
      counts,
      large,
    };
  }

  /**
   * Large accounts: HubSpot counts the contacts per segment of their latest NPS answer (search `total`), so the
   * roll-up covers every contact without fetching them. Feedback submissions are linked to contacts, not companies,
   * so a response-level window count would need every contact id; the window method therefore counts contacts whose
   * latest answer falls inside the window.
   */
  private async accountCounts(companyId: string, settings: Settings, portal: string): Promise<AccountCounts> {
    const rollup = settings.rules.rollup;
    const sources = settings.hubspot.sources;
    const cp = sources.find((s) => s.kind === 'hubspot-contact-properties' && s.surveyKind === 'nps');
    const scoreProperty = cp && cp.kind === 'hubspot-contact-properties' ? cp.scoreProperty : LAST_NPS_PROPERTY;
    const dateProperty = cp && cp.kind === 'hubspot-contact-properties' && cp.dateProperty ? cp.dateProperty : LAST_SURVEY_PROPERTY;
    const windowed = rollup.method === 'window';
    const since = String(this.now() - rollup.windowDays * 86_400_000);
    const ranges: Array<[number, number]> = [
      [9, 10],
      [7, 8],
      [0, 6],
    ];
    const [promoters, passives, detractors] = await Promise.all(
      ranges.map(async ([low, high]) => {
        const filters: HsFilter[] = [
          eq('associations.company', companyId),
          // IN, not BETWEEN: some portals store the last NPS rating as an enumeration, where BETWEEN compares text ("10" < "6").
          { propertyName: scoreProperty, operator: 'IN', values: scoresBetween(low, high) },
          ...(windowed ? [{ propertyName: dateProperty, operator: 'GTE', value: since }] : []),
        ];
        const page = await this.search('contacts', [filters], ['hs_object_id'], [], 1);
        return page.total;
      }),
    );
    return {
      accountKey: rowKey('hubspot', portal, companyId),
      method: 'latestPerContact',
      windowDays: windowed ? rollup.windowDays : null,
      promoters: promoters!,
      passives: passives!,
      detractors: detractors!,
      respondents: promoters! + passives! + detractors!,
      byQuarter: [],
      computedAt: this.now(),
    };
  }

  private async responsesOf(contacts: HsObject[], sources: HubSpotSource[], ctx: RowContext, large: boolean): Promise<RowResult[]> {
    const ids = contacts.map((c) => c.id);
    if (ids.length === 0) return [];
    const perSource = await Promise.all(
      sources.map(async (source): Promise<RowResult[]> => {
        if (source.kind === 'hubspot-contact-properties') return contacts.flatMap((c) => contactPropertiesToResponses(c, source, ctx));
        if (source.kind === 'hubspot-feedback') {
          const pages = await Promise.all(
            chunks(ids, IN_FILTER_MAX).map((group) =>
              this.searchAll(
                'feedback_submissions',
                [[{ propertyName: 'hs_contact_id', operator: 'IN', values: group }, { propertyName: 'hs_survey_type', operator: 'IN', values: source.surveyTypes }]],
                [...FEEDBACK_PROPERTIES],
                ['-hs_submission_timestamp'],
                large ? 1 : MAX_RESPONSE_PAGES_SMALL,
              ),
            ),
          );
          return pages.flat().map((row) => feedbackToResponse(row, source.id, ctx));
        }
        return this.customObjectRows(source, ids, ctx);
      }),
    );
    return perSource.flat();
  }

  private async searchAll(type: string, groups: HsFilter[][], props: string[], sorts: string[], maxPages: number): Promise<HsObject[]> {
    const rows: HsObject[] = [];
    let after: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const res = await this.search(type, groups, props, sorts, SEARCH_PAGE, after);
      rows.push(...res.results);
      after = res.paging?.next?.after;
      if (!after) break;
    }
    return rows;
  }

  private async customObjectRows(source: Extract<HubSpotSource, { kind: 'hubspot-custom-object' }>, contactIds: string[], ctx: RowContext): Promise<RowResult[]> {
    const links = await this.associated('contacts', source.objectType, contactIds);
    const objectIds = [...new Set([...links.values()].flat())];
    if (objectIds.length === 0) return [];
    const contactOf = new Map<string, string>();
    for (const [contactId, ids] of links) for (const id of ids) contactOf.set(id, contactId);
    const rows = await this.batchRead(source.objectType, objectIds, customProps(source));
    return rows.map((row) => customObjectToResponse(row, source, ctx, contactOf.get(row.id) ?? null));
  }

  /** from id → associated to ids, through the v4 batch association read (≤ 1,000 inputs per call). */
  private async associated(fromType: string, toType: string, fromIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const group of chunks(fromIds, 1000)) {
      const res = await call(
        hsAssociationBatchSchema,
        `reading ${fromType} → ${toType} links`,
        () => this.apis.associationsBatch.getPage(fromType, toType, { inputs: group.map((id) => ({ id })) }),
      );
      for (const r of res.results) out.set(r._from.id, r.to.map((t) => t.toObjectId));
    }
    return out;
  }

  /**
   * The records of one activity type (tickets, tasks) that the view lists. When the viewed contact or company
   * was read with its links and one batch holds them all, they are read by id — no search quota, no search-index
   * delay, and no request at all when there are none; otherwise a search over the scopes finds them.
   */
  private async activityOf(
    anchor: HsObject | null,
    type: (typeof ACTIVITY_TYPES)[number],
    scopes: HsFilter[],
    filters: HsFilter[],
    props: string[],
    sorts: string[],
    keep: (row: HsObject) => boolean,
  ): Promise<HsObject[]> {
    const links = anchor?.associations?.[type];
    const ids = [...new Set((links?.results ?? []).map((l) => l.id))];
    if (anchor && !links?.paging?.next && ids.length <= BATCH_MAX) {
      return ids.length === 0 ? [] : (await this.batchRead(type, ids, props)).filter(keep);
    }
    if (scopes.length === 0) return [];
    const page = await this.search(type, scopes.map((f) => [f, ...filters]), props, sorts);
    return page.results.filter(keep);
  }

  /** The open follow-up tickets (of the configured pipeline) and open tasks a view lists, with the stage names. */
  private async openFollowUpRows(anchor: HsObject | null, scopes: HsFilter[], settings: Settings, directory: Directory): Promise<OpenFollowUpRows> {
    const pipelineId = settings.hubspot.followUpPipelineId;
    const stages = new Map<string, { label: string; open: boolean }>();
    for (const p of directory.pipelines?.results ?? []) {
      if (pipelineId && p.id !== pipelineId) continue;
      for (const s of p.stages) stages.set(s.id, { label: s.label, open: !isClosedStage(s) });
    }
    const openStages = [...stages].filter(([, s]) => s.open).map(([id]) => id);
    const [tickets, tasks] = await Promise.all([
      directory.pipelines && openStages.length > 0
        ? this.activityOf(
            anchor,
            'tickets',
            scopes,
            [{ propertyName: 'hs_pipeline_stage', operator: 'IN', values: openStages }, ...(pipelineId ? [eq('hs_pipeline', pipelineId)] : [])],
            ['subject', 'hs_pipeline', 'hs_pipeline_stage', 'hubspot_owner_id', 'createdate', KEY_PROPERTY],
            ['-createdate'],
            (t) => openStages.includes(t.properties.hs_pipeline_stage ?? '') && (!pipelineId || t.properties.hs_pipeline === pipelineId),
          )
        : [],
      this.activityOf(
        anchor,
        'tasks',
        scopes,
        [{ propertyName: 'hs_task_status', operator: 'NEQ', value: 'COMPLETED' }],
        ['hs_task_subject', 'hs_task_status', 'hs_timestamp', 'hubspot_owner_id', 'hs_createdate'],
        ['hs_timestamp'],
        (t) => t.properties.hs_task_status !== 'COMPLETED',
      ),
    ]);
    return { tickets, tasks, stages };
  }

  // ── writes ──────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Each outcome becomes one note whose unique-value property `loyalty_lens_key` holds the outcome's idempotency
   * key, written with batch/upsert (idProperty = loyalty_lens_key): a repeat — including after a connection that
   * dropped once HubSpot had committed — updates the same note instead of creating another. Associations (contact,
   * company, ticket) are set with the v4 default-association batch, which is idempotent too, and the ticket stage
   * change is a plain update. Fallback for a portal without the property (upsert answers "property does not exist"):
   * search notes for the key (kept in the note body as well) before creating, which is repeatable unless two writers
   * race inside HubSpot's search indexing delay — the outbox's lease keeps writes of one outcome sequential.
   */
  async writeOutcomes(outcomes: Outcome[], settings: Settings): Promise<OutcomeWriteResult[]> {
    if (outcomes.length === 0) return [];
    return this.writing(() => this.writeOutcomesToPortal(outcomes, settings));
  }

  /** Runs a write and remembers when it ended: for a while after, reads go by id (see readsById). */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    this.writesUnderWay++;
    try {
      return await write();
    } finally {
      this.writesUnderWay--;
      this.lastWriteEndedAt = this.now();
    }
  }

  private async writeOutcomesToPortal(outcomes: Outcome[], settings: Settings): Promise<OutcomeWriteResult[]> {
    const meta = await this.checkedDirectory(null);
    const portal = meta.portalId;
    const failures = new Map<string, CrmError>();
    const fail = (group: Outcome[], e: unknown) => {
      const error = e instanceof CrmError ? e : new CrmError('malformed', 'Writing to HubSpot failed unexpectedly.');
      for (const o of group) if (!failures.has(o.idempotencyKey)) failures.set(o.idempotencyKey, error);
    };
    const attempt = async (group: Outcome[], write: () => Promise<void>) => {
      try {
        await write();
      } catch (e) {
        fail(group, e);
      }
    };
    for (const o of outcomes) {
      if (o.instance !== portal) {
        failures.set(o.idempotencyKey, new CrmError('wrong-instance', `This outcome belongs to HubSpot portal ${o.instance}, but the saved token belongs to portal ${portal}.`));
      }
    }
    // Requests are what the rate limit counts, so every step goes in the largest batches HubSpot takes:
    // notes and reads 100 per call, default associations 1,000 per call (1,000 outcomes ≈ 23 requests).
    const noteIds = new Map<string, string>();
    for (const group of chunks(outcomes.filter((o) => !failures.has(o.idempotencyKey)), BATCH_MAX)) {
      await attempt(group, async () => {
        for (const [key, id] of await this.upsertNotes(group)) noteIds.set(key, id);
      });
    }
    const written = () => outcomes.filter((o) => !failures.has(o.idempotencyKey) && noteIds.has(o.idempotencyKey));
    const companyOf = new Map<string, string | null>();
    const contactIds = [...new Set(written().map((o) => o.contactId))];
    for (const ids of chunks(contactIds, BATCH_MAX)) {
      await attempt(
        written().filter((o) => ids.includes(o.contactId)),
        async () => {
          for (const c of await this.batchRead('contacts', ids, ['associatedcompanyid'])) companyOf.set(c.id, c.properties.associatedcompanyid || null);
        },
      );
    }
    const links = (to: (o: Outcome) => string | null | undefined) =>
      written().flatMap((o) => {
        const toId = to(o);
        return toId ? [{ outcome: o, link: { _from: { id: noteIds.get(o.idempotencyKey)! }, to: { id: toId } } }] : [];
      });
    const associate = async (toType: string, pairs: ReturnType<typeof links>) => {
      for (const part of chunks(pairs, ASSOCIATION_BATCH_MAX)) {
        await attempt(
          part.map((p) => p.outcome),
          () => this.associateDefault('notes', toType, part.map((p) => p.link)),
        );
      }
    };
    const closing = written().filter((o) => o.closeFollowUp && o.followUpId);
    await Promise.all([
      associate('contacts', links((o) => o.contactId)),
      associate('companies', links((o) => companyOf.get(o.contactId))),
      associate('tickets', links((o) => o.followUpId)),
      ...chunks(closing, BATCH_MAX).map((part) => attempt(part, () => this.closeTickets(part.map((o) => o.followUpId!), settings))),
    ]);
    return outcomes.map((o) => {
      const error = failures.get(o.idempotencyKey);
      const id = noteIds.get(o.idempotencyKey);
      if (error || !id) {
        return { idempotencyKey: o.idempotencyKey, ok: false, error: error ?? new CrmError('malformed', 'HubSpot did not return the note it saved.') };
      }
      // A failed link or ticket close fails the outcome, so it is sent again: the upsert finds the same note.
      return { idempotencyKey: o.idempotencyKey, ok: true, crmRecordId: id, crmRecordUrl: `https://app.hubspot.com/contacts/${portal}/record/0-1/${o.contactId}` };
    });
  }

  /** idempotencyKey → note id. */
  private async upsertNotes(group: Outcome[]): Promise<Map<string, string>> {
    const inputs = group.map((o) => ({
      idProperty: KEY_PROPERTY,
      id: o.idempotencyKey,
      properties: { hs_timestamp: new Date(o.loggedAt).toISOString(), hs_note_body: noteBody(o), [KEY_PROPERTY]: o.idempotencyKey },
    }));
    try {
      const res = await call(hsUpsertBatchSchema, 'saving the outcome notes', () => this.apis.batch.upsert('notes', { inputs }));
      return new Map(res.results.map((r) => [r.properties[KEY_PROPERTY] ?? '', r.id]));
    } catch (e) {
      if (!(e instanceof CrmError) || e.kind !== 'config') throw e;
      return this.createNotesBySearch(group);
    }
  }

  private async createNotesBySearch(group: Outcome[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const o of group) {
      const found = await this.search('notes', [[{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN', value: o.idempotencyKey }]], ['hs_note_body'], [], 1);
      const existing = found.results[0];
      if (existing) {
        out.set(o.idempotencyKey, existing.id);
        continue;
      }
      const created = await call(hsObjectSchema, 'saving an outcome note', () =>
        this.apis.basic.create('notes', { properties: { hs_timestamp: new Date(o.loggedAt).toISOString(), hs_note_body: noteBody(o) }, associations: [] }),
      );
      out.set(o.idempotencyKey, created.id);
    }
    return out;
  }

  private async associateDefault(fromType: string, toType: string, inputs: Array<{ _from: { id: string }; to: { id: string } }>): Promise<void> {
    if (inputs.length === 0) return;
    await call(hsAnySchema, `linking ${fromType} to ${toType}`, () =>
      this.apis.associationsBatch.createDefault(fromType, toType, { inputs } as unknown as Parameters<HubSpotApis['associationsBatch']['createDefault']>[2]),
    );
  }

  private async closeTickets(ticketIds: string[], settings: Settings): Promise<void> {
    if (ticketIds.length === 0) return;
    const stageId = settings.hubspot.closedStageId ?? (await this.firstClosedStage(settings));
    if (!stageId) throw new CrmError('config', 'No closed stage is known for the follow-up pipeline; choose one in the Loyalty Lens options.');
    await call(hsBatchSchema, 'closing the follow-up tickets', () =>
      this.apis.batch.update('tickets', { inputs: [...new Set(ticketIds)].map((id) => ({ id, properties: { hs_pipeline_stage: stageId } })) }),
    );
  }

  private async firstClosedStage(settings: Settings): Promise<string | null> {
    const { pipelines } = await this.directory();
    return firstStage(followUpPipeline(settings, pipelines), true);
  }

  /**
   * The follow-up ticket is upserted on `loyalty_lens_key` = "followup-" + the response id, so asking twice (or
   * retrying after a dropped connection) finds the same ticket. An answer whose ticket already exists keeps it as it
   * is — stage, owner and text — so asking again never reopens or reassigns it.
   */
  createFollowUp(response: SurveyResponse, settings: Settings): Promise<OpenedFollowUp> {
    return this.writing(() => this.openFollowUpTicket(response, settings));
  }

  private async openFollowUpTicket(response: SurveyResponse, settings: Settings): Promise<OpenedFollowUp> {
    const { portalId: portal, pipelines } = await this.checkedDirectory(response.instance);
    const key = `${FOLLOW_UP_KEY_PREFIX}${response.id}`;
    const ticketUrl = (id: string) => `https://app.hubspot.com/contacts/${portal}/record/0-5/${id}`;
    const contactId = response.contactKey.split('|')[2] ?? '';
    const [existing, contact] = await Promise.all([
      this.ticketByKey(key),
      this.getObject('contacts', contactId, ['firstname', 'lastname', 'email', 'hubspot_owner_id', 'associatedcompanyid'], [], []),
    ]);
    const companyId = contact.properties.associatedcompanyid || null;
    // Links are added either way: a save that dropped after HubSpot stored the ticket left it without them.
    const link = (ticketId: string) =>
      Promise.all([
        this.associateDefault('tickets', 'contacts', [{ _from: { id: ticketId }, to: { id: contactId } }]),
        companyId ? this.associateDefault('tickets', 'companies', [{ _from: { id: ticketId }, to: { id: companyId } }]) : null,
      ]);
    if (existing) {
      await link(existing.id);
      const closed = closedStageIds(pipelines).has(existing.properties.hs_pipeline_stage ?? '');
      return { id: existing.id, url: ticketUrl(existing.id), created: false, closed };
    }
    const routing = settings.rules.routing;
    let ownerId: string | null = null;
    if (routing.kind === 'namedUser') ownerId = routing.userId;
    else if (routing.kind === 'recordOwner') ownerId = contact.properties.hubspot_owner_id || null;
    else if (companyId) ownerId = (await this.getObject('companies', companyId, ['hubspot_owner_id'], [], [])).properties.hubspot_owner_id || null;
    const pipeline = followUpPipeline(settings, pipelines);
    const stageId = settings.hubspot.followUpStageId ?? firstStage(pipeline, false);
    if (!pipeline || !stageId) throw new CrmError('config', 'No open stage is known for the follow-up pipeline; choose one in the Loyalty Lens options.');
    const subject = `${response.kind.toUpperCase()} ${response.score}/${response.scaleMax} from ${nameOf(contact.properties)}: follow up`;
    const res = await call(hsUpsertBatchSchema, 'opening the follow-up ticket', () =>
      this.apis.batch.upsert('tickets', {
        inputs: [
          {
            idProperty: KEY_PROPERTY,
            id: key,
            properties: {
              subject,
              content: response.comment ?? '',
              hs_pipeline: pipeline.id,
              hs_pipeline_stage: stageId,
              [KEY_PROPERTY]: key,
              ...(ownerId ? { hubspot_owner_id: ownerId } : {}),
            },
          },
        ],
      }),
    );
    const ticket = res.results[0];
    if (!ticket) throw new CrmError('malformed', 'HubSpot did not return the follow-up ticket it saved.');
    await link(ticket.id);
    return { id: ticket.id, url: ticketUrl(ticket.id), created: true, closed: false };
  }

  /** The ticket holding `key` in the key property, or null when there is none yet. */
  private async ticketByKey(key: string): Promise<HsObject | null> {
    try {
      return await call(hsObjectSchema, 'looking for the follow-up ticket', () =>
        this.apis.basic.getById('tickets', key, ['hs_pipeline', 'hs_pipeline_stage'], undefined, undefined, false, KEY_PROPERTY),
      );
    } catch (e) {
      if (e instanceof CrmError && e.kind === 'not-found') return null;
      throw e;
    }
  }

  // ── admin: metadata and preview ─────────────────────────────────────────────────────────────────────

  async listObjects(): Promise<MetadataObject[]> {
    const standard: MetadataObject[] = [
      { name: 'contacts', label: 'Contacts' },
      { name: 'companies', label: 'Companies' },
      { name: 'deals', label: 'Deals' },
      { name: 'tickets', label: 'Tickets' },
      { name: 'feedback_submissions', label: 'Feedback submissions' },
    ];
    try {
      const custom = await call(hsSchemasSchema, 'the custom object list', () => this.apis.schemas.getAll(false));
      return [...standard, ...custom.results.map((s) => ({ name: s.fullyQualifiedName ?? s.objectTypeId, label: s.labels?.plural ?? s.name }))];
    } catch (e) {
      if (e instanceof CrmError && e.kind === 'scope') return standard;
      throw e;
    }
  }

  async listFields(objectName: string): Promise<MetadataField[]> {
    const res = await call(hsPropertiesSchema, `the ${objectName} properties`, () => this.apis.properties.getAll(objectName, false));
    return res.results.filter((p) => !p.hidden).map((p) => ({ name: p.name, label: p.label, type: p.type }));
  }

  async previewSource(source: HubSpotSource | SalesforceSource, limit: number): Promise<PreviewResult> {
    if (!source.kind.startsWith('hubspot-')) throw new CrmError('config', 'This is not a HubSpot score source.');
    const hs = source as HubSpotSource;
    const meta = await this.checkedDirectory(null);
    const size = Math.max(1, Math.min(limit, 100));
    const ctx: RowContext = { portal: meta.portalId, companyOf: () => null };
    let rows: RowResult[];
    if (hs.kind === 'hubspot-feedback') {
      const page = await this.search(
        'feedback_submissions',
        [[{ propertyName: 'hs_survey_type', operator: 'IN', values: hs.surveyTypes }]],
        [...FEEDBACK_PROPERTIES],
        ['-hs_submission_timestamp'],
        size,
      );
      rows = page.results.map((r) => feedbackToResponse(r, hs.id, ctx));
    } else if (hs.kind === 'hubspot-contact-properties') {
      const page = await this.search(
        'contacts',
        [[{ propertyName: hs.scoreProperty, operator: 'HAS_PROPERTY' }]],
        ['hs_object_id'],
        hs.dateProperty ? [`-${hs.dateProperty}`] : [],
        size,
      );
      const props = [hs.scoreProperty, hs.commentProperty, hs.dateProperty].filter((p): p is string => p !== null);
      const contacts = await this.batchRead('contacts', page.results.map((c) => c.id), props, props);
      rows = contacts.flatMap((c) => contactPropertiesToResponses(c, hs, ctx)).sort((a, b) => rowTime(b) - rowTime(a)).slice(0, size);
    } else {
      const page = await this.search(hs.objectType, [], customProps(hs), [`-${hs.dateProperty}`], size);
      const links = await this.associated(hs.objectType, 'contacts', page.results.map((r) => r.id));
      rows = page.results.map((r) => customObjectToResponse(r, hs, ctx, links.get(r.id)?.[0] ?? null));
    }
    const { responses, rejected } = partitionRows(rows);
    return { parsed: responses, rejected };
  }
}

const hsAnySchema = z.unknown();
const hsAssociationBatchSchema = z.object({
  results: z.array(
    z.object({
      _from: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
      to: z.array(z.object({ toObjectId: z.union([z.string(), z.number()]).transform(String) })),
    }),
  ),
});

/** The view's follow-ups from the open tickets and tasks read for it. */
function toFollowUps(rows: OpenFollowUpRows, keys: { accountKey: string | null; contactIds: string[] }, directory: Directory): FollowUp[] {
  const { portalId: portal, owners } = directory;
  const { tickets, tasks, stages } = rows;
  const singleContact = keys.contactIds.length === 1 ? rowKey('hubspot', portal, keys.contactIds[0]!) : null;
  const ownerName = (id: string | null | undefined) => (id ? (owners?.get(id) ?? null) : null);
  const out: FollowUp[] = [];
  for (const t of tickets) {
    const stage = stages.get(t.properties.hs_pipeline_stage ?? '');
    out.push({
      key: rowKey('hubspot', portal, t.id),
      crm: 'hubspot',
      instance: portal,
      id: t.id,
      kind: 'ticket',
      contactKey: singleContact,
      accountKey: keys.accountKey,
      // A ticket opened from the panel carries its response in the key (see createFollowUp).
      responseKey: followUpResponseKey(t.properties[KEY_PROPERTY], portal),
      title: t.properties.subject || `Ticket ${t.id}`,
      status: stage?.open === false ? 'closed' : 'open',
      statusLabel: stage?.label ?? null,
      ownerId: t.properties.hubspot_owner_id || null,
      ownerName: ownerName(t.properties.hubspot_owner_id),
      createdAt: toEpochMs(t.properties.createdate) ?? t.createdAt ?? 0,
      dueAt: null,
      url: `https://app.hubspot.com/contacts/${portal}/record/0-5/${t.id}`,
    });
  }
  for (const t of tasks) {
    out.push({
      key: rowKey('hubspot', portal, t.id),
      crm: 'hubspot',
      instance: portal,
      id: t.id,
      kind: 'task',
      contactKey: singleContact,
      accountKey: keys.accountKey,
      responseKey: null,
      title: t.properties.hs_task_subject || `Task ${t.id}`,
      status: 'open',
      statusLabel: t.properties.hs_task_status ?? null,
      ownerId: t.properties.hubspot_owner_id || null,
      ownerName: ownerName(t.properties.hubspot_owner_id),
      createdAt: toEpochMs(t.properties.hs_createdate) ?? t.createdAt ?? 0,
      dueAt: toEpochMs(t.properties.hs_timestamp),
      url: `https://app.hubspot.com/contacts/${portal}/record/0-27/${t.id}`,
    });
  }
  return out;
}

function rowTime(r: RowResult): number {
  return r.ok ? r.response.submittedAt : 0;
}

function customProps(source: Extract<HubSpotSource, { kind: 'hubspot-custom-object' }>): string[] {
  return [source.scoreProperty, source.dateProperty, source.commentProperty, source.surveyKindProperty, source.surveyNameProperty].filter(
    (p): p is string => p !== null,
  );
}

/** The contacts' company filter (company-wide), plus each focus contact (links to a contact alone), ≤ 5 groups. */
function linkFilters(companyId: string | null, contactIds: string[]): HsFilter[] {
  const filters: HsFilter[] = companyId ? [eq('associations.company', companyId)] : [];
  for (const id of contactIds.slice(0, 5 - filters.length)) filters.push(eq('associations.contact', id));
  return filters;
}

/** HubSpot keeps the sum of a company's open deals in a calculated property, so no deal search is needed. */
function revenuePropertyOf(settings: Settings): string {
  const revenue = settings.hubspot.revenue;
  return revenue.kind === 'companyProperty' ? revenue.property : OPEN_DEAL_VALUE_PROPERTY;
}

function companyProperties(settings: Settings): string[] {
  return ['name', 'hubspot_owner_id', 'num_associated_contacts', revenuePropertyOf(settings)];
}

function lastSurveyProperty(sources: HubSpotSource[]): string {
  const cp = sources.find((s) => s.kind === 'hubspot-contact-properties' && s.dateProperty);
  return cp && cp.kind === 'hubspot-contact-properties' && cp.dateProperty && !sources.some((s) => s.kind === 'hubspot-feedback')
    ? cp.dateProperty
    : LAST_SURVEY_PROPERTY;
}

/** The primary company: the `associatedcompanyid` property, else the association labelled primary, else the first. */
function primaryCompany(record: HsObject, primaryType: string): string | null {
  const prop = record.properties.associatedcompanyid;
  if (prop) return prop;
  const links = record.associations?.companies?.results ?? [];
  return (links.find((l) => l.type === primaryType) ?? links[0])?.id ?? null;
}

function mergeContacts(accountContacts: HsObject[], focus: HsObject[]): HsObject[] {
  const byId = new Map(accountContacts.map((c) => [c.id, c]));
  for (const f of focus) byId.set(f.id, f);
  return [...byId.values()];
}

function toContact(c: HsObject, portal: string, companyId: string | null, owners: Map<string, string> | null, responses: SurveyResponse[]): Contact {
  const key = rowKey('hubspot', portal, c.id);
  const latestResponse = responses.filter((r) => r.contactKey === key).reduce<number | null>((m, r) => (m === null || r.submittedAt > m ? r.submittedAt : m), null);
  const ownerId = c.properties.hubspot_owner_id;
  return {
    key,
    crm: 'hubspot',
    instance: portal,
    id: c.id,
    accountKey: companyId ? rowKey('hubspot', portal, companyId) : null,
    kind: 'contact',
    name: nameOf(c.properties),
    email: c.properties.email || null,
    title: c.properties.jobtitle || null,
    ownerName: ownerId ? (owners?.get(ownerId) ?? null) : null,
    role: c.properties.hs_buying_role || null,
    lastSurveyedAt: toEpochMs(c.properties[LAST_SURVEY_PROPERTY]) ?? latestResponse,
    url: `https://app.hubspot.com/contacts/${portal}/record/0-1/${c.id}`,
  };
}

function followUpResponseKey(key: string | null | undefined, portal: string): string | null {
  return key?.startsWith(FOLLOW_UP_KEY_PREFIX) ? rowKey('hubspot', portal, key.slice(FOLLOW_UP_KEY_PREFIX.length)) : null;
}

type HsPipeline = HsPipelines['results'][number];

/** Open or closed comes from the stage's `ticketState` metadata; a stage without it counts as open. */
function isClosedStage(stage: HsPipeline['stages'][number]): boolean {
  return (stage.metadata?.ticketState ?? '').toUpperCase() === 'CLOSED';
}

/**
 * Where follow-up tickets go: the configured pipeline, else HubSpot's default pipeline ("0"), else the first one.
 * The options page offers the same default.
 */
export function followUpPipeline(settings: Settings, pipelines: HsPipelines | null): HsPipeline | null {
  const all = pipelines?.results ?? [];
  return all.find((p) => p.id === (settings.hubspot.followUpPipelineId ?? DEFAULT_PIPELINE_ID)) ?? (settings.hubspot.followUpPipelineId ? null : (all[0] ?? null));
}

/** The pipeline's first open (or closed) stage in board order. */
function firstStage(pipeline: HsPipeline | null, closed: boolean): string | null {
  const stage = [...(pipeline?.stages ?? [])]
    .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
    .find((st) => isClosedStage(st) === closed);
  return stage?.id ?? null;
}

function closedStageIds(pipelines: HsPipelines | null): Set<string> {
  return new Set((pipelines?.results ?? []).flatMap((p) => p.stages.filter(isClosedStage).map((st) => st.id)));
}

/** A ticket opened for a feedback submission carries hs_ticket_id on the submission. */
function linkFollowUps(followUps: FollowUp[], responses: SurveyResponse[]): void {
  for (const f of followUps) {
    const r = responses.find((x) => x.subjectId === f.id);
    if (r && !f.responseKey) {
      f.responseKey = r.key;
      f.contactKey ??= r.contactKey;
    }
  }
}

export function noteBody(o: Outcome): string {
  const lines = [
    NOTE_MARKER,
    `Result: ${ANSWER_VALUES[o.result] ?? o.result} [${o.result}]`,
    ...(o.rootCauses.length ? [`Root causes: ${o.rootCauses.join('; ')}`] : []),
    ...(o.note.trim() ? [`Note: ${o.note.trim()}`] : []),
    ...(o.nextStep ? [`Next step: ${o.nextStep.text} (due ${o.nextStep.dueDate})`] : []),
    `Thanked: ${o.thanked ? 'yes' : 'no'}`,
    ...(o.loggedBy ? [`Logged by: ${o.loggedBy}`] : []),
    `Contact: ${o.contactId} · key ${o.idempotencyKey}`,
  ];
  return lines.map(escapeHtml).join('<br>');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Ours carry the key property or, in a portal without it, the marker line first in the body. */
function isLoopNote(n: HsObject): boolean {
  return Boolean(n.properties[KEY_PROPERTY]) || (n.properties.hs_note_body ?? '').startsWith(NOTE_MARKER);
}

export function parseLoopNote(n: HsObject, portal: string, owners: Map<string, string> | null): LoopRecord {
  const lines = unescapeHtml((n.properties.hs_note_body ?? '').replace(/<br\s*\/?>/gi, '\n')).split('\n');
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
  const resultSlug = /\[([a-z-]+)\]$/.exec(field('Result') ?? '')?.[1] ?? null;
  const result = resultSlug && resultSlug in ANSWER_VALUES ? (resultSlug as LoopRecord['result']) : null;
  const contactId = /^(\w+)/.exec(field('Contact') ?? '')?.[1] ?? '';
  const ownerId = n.properties.hubspot_owner_id;
  return {
    key: rowKey('hubspot', portal, n.id),
    crm: 'hubspot',
    instance: portal,
    id: n.id,
    contactKey: rowKey('hubspot', portal, contactId),
    idempotencyKey: n.properties[KEY_PROPERTY] || null,
    loggedAt: toEpochMs(n.properties.hs_timestamp) ?? n.createdAt ?? 0,
    loggedBy: field('Logged by') ?? (ownerId ? (owners?.get(ownerId) ?? null) : null),
    result,
    rootCauses: (field('Root causes') ?? '').split(';').map((s) => s.trim()).filter(Boolean),
    summary: field('Note') ?? field('Result') ?? '',
    url: contactId ? `https://app.hubspot.com/contacts/${portal}/record/0-1/${contactId}` : null,
  };
}
