import { rowKey, type Account, type AccountCounts, type Contact, type OpenDeal, type RecordContext, type RecordRef, type SurveyResponse } from '../../core/schema';
import type { HubSpotSource, Settings } from '../../core/settings';
import { CrmError } from '../crm';
import { chunks } from '../batches';
import { accountCounts, LAST_NPS_PROPERTY, LAST_SURVEY_PROPERTY } from './account-counts';
import { ContactListShare } from './account-contacts';
import type { HubSpotPortal } from './connection';
import { ACTIVITY_TYPES, contactsOfRows, linkFilters, linkFollowUps, openFollowUpRows, openRowsOfContacts, toFollowUps, type OpenFollowUpRows } from './follow-ups';
import { appRecordUrl } from './paths';
import { associated, BATCH_MAX, batchRead, eq, getObject, search, searchAll, type HsFilter } from './requests';
import {
  contactPropertiesToResponses,
  customObjectToResponse,
  FEEDBACK_PROPERTIES,
  feedbackToResponse,
  nameOf,
  partitionRows,
  toEpochMs,
  type HsObject,
  type HsSearchPage,
  type RowContext,
  type RowResult,
} from './schema';

// A record's loyalty context on HubSpot, in as few requests as HubSpot's REST API allows.
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
// Large accounts add one count search per segment (account-counts.ts). Responses: one feedback search
// (hs_contact_id IN …) per source; contact batch reads with propertiesWithHistory for contact-property sources;
// association + batch reads for a custom object. The team's close-the-loop notes are one more search, read when the
// panel asks (loop-history.ts). The portal's directory — the portal check (account-info), ticket pipelines and
// owners — is fetched when the token is connected and kept across worker restarts (connection.ts), so a record view
// pays no metadata requests.

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
/** Listed contacts per page; an account with more than two pages is "large" and summarized by HubSpot's counts. */
const CONTACT_PAGE = 100;
const LARGE_ACCOUNT = 200;
/** Small accounts: enough pages of responses for the whole account; large ones list only the newest page. */
const MAX_RESPONSE_PAGES_SMALL = 5;
const IN_FILTER_MAX = 100;
/** Companies one contact is linked to that a search-only read looks at to find its primary one. */
const COMPANY_MATCHES = 10;
/** HubSpot's calculated company property "Total open deal value". */
const OPEN_DEAL_VALUE_PROPERTY = 'hs_total_deal_value';

/** The record whose follow-ups a view lists (read with its links to them), and its search filter. */
interface ActivityAnchor {
  record: HsObject;
  scope: HsFilter;
}

type AccountRead = Awaited<ReturnType<typeof loadAccount>>;

/** What one company's views share for a short while: the company, its contacts and counts, their answers, its deals. */
interface SharedCompany {
  at: number;
  account: AccountRead;
  sourceRows: RowResult[];
  deals: OpenDeal[] | undefined;
}

/** How long records of one company share its reads: a rep moving down the buying group, not a stale dashboard. */
const SHARE_FOR_MS = 60_000;

/**
 * The company reads the views of one connector share. Our own writes (readsById) and a manual refresh (`fresh`) set it
 * aside; a view of the company itself always reads it afresh and renews it.
 */
export class CompanyShare {
  private readonly byCompany = new Map<string, SharedCompany>();
  /** Pages of large companies' contact lists read lately (account-contacts.ts). */
  readonly lists: ContactListShare;
  constructor(private readonly now: () => number) {
    this.lists = new ContactListShare(now);
  }

  get(companyId: string): SharedCompany | null {
    const shared = this.byCompany.get(companyId);
    return shared && this.now() - shared.at < SHARE_FOR_MS ? shared : null;
  }

  /** The fresh shared read that lists this contact. */
  ofContact(contactId: string): { companyId: string; shared: SharedCompany } | null {
    for (const [companyId, shared] of this.byCompany) {
      if (this.now() - shared.at < SHARE_FOR_MS && shared.account.contacts.some((c) => c.id === contactId)) return { companyId, shared };
    }
    return null;
  }

  put(companyId: string, shared: Omit<SharedCompany, 'at'>): void {
    const previous = this.byCompany.get(companyId);
    this.byCompany.set(companyId, { ...shared, deals: shared.deals ?? previous?.deals, at: this.now() });
  }

  clear(): void {
    this.byCompany.clear();
    this.lists.clear();
  }
}

export async function loadContext(
  hubspot: HubSpotPortal,
  share: CompanyShare,
  ref: RecordRef,
  settings: Settings,
  options: { fresh?: boolean } = {},
): Promise<RecordContext> {
  const { apis, http } = hubspot;
  const startCount = http.requestCount;
  const directory = await hubspot.checkedDirectory(ref.instance);
  const { portalId: portal, owners } = directory;
  const sources = settings.hubspot.sources;
  const historyProps = sources.flatMap((s) =>
    s.kind === 'hubspot-contact-properties' ? [s.scoreProperty, s.commentProperty, s.dateProperty].filter((p): p is string => p !== null) : [],
  );
  const contactProps = [...CONTACT_PROPERTIES, ...historyProps];
  // Our own writes show by id only for a while, and a manual refresh asks for everything again.
  if (options.fresh || hubspot.readsById()) share.clear();
  const sharedContact = ref.objectType === 'contact' && historyProps.length === 0 ? share.ofContact(ref.id) : null;

  let companyId: string | null = null;
  let company: HsObject | null = null;
  let focus: HsObject[] = [];
  let title = '';
  // Whose follow-ups the view lists: a contact's own, a company's and its contacts', or (deal, ticket) the record's
  // contacts' and the company's. A contact or company read by id brings its links to them along (see follow-ups.ts).
  let anchor: ActivityAnchor | null = null;
  let openRows: Promise<OpenFollowUpRows> | null = null;
  let shared: SharedCompany | null = null;
  if (sharedContact) {
    // Another contact of a company read moments ago: only its own tickets and tasks are new (two searches at once).
    ({ companyId, shared } = sharedContact);
    openRows = openFollowUpRows(hubspot, null, [eq('associations.contact', ref.id)], settings, directory);
    focus = [shared.account.contacts.find((c) => c.id === ref.id)!];
  } else if (ref.objectType === 'contact' && !hubspot.readsById() && hubspot.takeSearchOnlyRead()) {
    // Search alone: the contact's companies, tickets and tasks at once, by their link to it; the contact itself
    // comes with its company's contacts. One request fewer than reading it by id first (see the header).
    const scope = eq('associations.contact', ref.id);
    openRows = openFollowUpRows(hubspot, null, [scope], settings, directory);
    openRows.catch(() => undefined);
    const companies = await search(apis, 'companies', [[scope]], companyProperties(settings), [], COMPANY_MATCHES);
    if (companies.results.length === 1) {
      company = companies.results[0]!;
      companyId = company.id;
    } else {
      // No company, or several: the contact's own record names the primary one.
      const contact = await getObject(apis, 'contacts', ref.id, contactProps, historyProps, ['companies']);
      focus = [contact];
      companyId = primaryCompany(contact, 'contact_to_company');
      company = companies.results.find((c) => c.id === companyId) ?? null;
    }
  } else if (ref.objectType === 'contact') {
    const contact = await getObject(apis, 'contacts', ref.id, contactProps, historyProps, ['companies', ...ACTIVITY_TYPES]);
    companyId = primaryCompany(contact, 'contact_to_company');
    focus = [contact];
    anchor = { record: contact, scope: eq('associations.contact', ref.id) };
    // Its tickets and tasks are read by id while its company is.
    openRows = openFollowUpRows(hubspot, contact, [anchor.scope], settings, directory);
    openRows.catch(() => undefined);
  } else if (ref.objectType === 'company') {
    companyId = ref.id;
  } else if (ref.objectType === 'deal' || ref.objectType === 'ticket') {
    const type = ref.objectType === 'deal' ? 'deals' : 'tickets';
    const record = await getObject(apis, type, ref.id, ['dealname', 'subject', 'associatedcompanyid'], [], ['companies', 'contacts']);
    companyId = primaryCompany(record, ref.objectType === 'deal' ? 'deal_to_company' : 'ticket_to_company');
    const contactIds = (record.associations?.contacts?.results ?? []).map((r) => r.id);
    focus = contactIds.length ? await batchRead(apis, 'contacts', [...new Set(contactIds)].slice(0, BATCH_MAX), contactProps, historyProps) : [];
    title = record.properties.dealname ?? record.properties.subject ?? `${ref.objectType} ${ref.id}`;
  } else {
    throw new CrmError('config', `HubSpot has no ${ref.objectType} records.`);
  }

  const companyPage = ref.objectType === 'company';
  // Company, deal and ticket views read the company's open deals too (revenue at risk); a contact view does not.
  const withDeals = ref.objectType !== 'contact' && settings.hubspot.revenue.kind === 'openDeals';
  shared ??= companyId && !companyPage && !withDeals && historyProps.length === 0 ? share.get(companyId) : null;
  const account = shared
    ? shared.account
    : companyId
      ? await loadAccount(hubspot, companyId, company, focus, contactProps, historyProps, settings, portal, owners, { activity: companyPage, deals: withDeals })
      : null;
  if (companyPage && account) anchor = { record: account.company, scope: eq('associations.company', ref.id) };
  // A large company's counts brought its contact list's first pages: the panel's list starts from them.
  if (account?.firstPages && companyId && !shared) share.lists.seed(companyId, account.account.contactCount, account.firstPages);
  if (ref.objectType === 'contact' && focus.length === 0) {
    // Read by search: the contact is among its company's contacts, unless a large company listed others first.
    const listedContact = account?.contacts.find((c) => c.id === ref.id);
    focus = [listedContact ?? (await getObject(apis, 'contacts', ref.id, contactProps, historyProps, []))];
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
  const unlistedFocus = shared ? focus.filter((f) => !shared.account.contacts.some((c) => c.id === f.id)) : [];
  const [sourceRows, read, deals] = await Promise.all([
    shared ? Promise.all([shared.sourceRows, responsesOf(hubspot, unlistedFocus, sources, rowCtx, false)]).then((r) => r.flat()) : responsesOf(hubspot, listed, sources, rowCtx, account?.large ?? false),
    openRows ?? openFollowUpRows(hubspot, anchor?.record ?? null, anchor ? [anchor.scope] : linkFilters(companyId, focusIds), settings, directory),
    withDeals && account ? openDeals(hubspot, account, portal, directory.currency) : Promise.resolve(shared?.deals),
  ]);
  // Each row keeps its contact: a contact's own view knows it; a company's (of up to 200 contacts, all listed) also
  // lists its contacts' rows that name no company; the rest are told by their links.
  let rows = read;
  let known = new Map<string, string>();
  if (ref.objectType === 'contact') for (const r of [...read.tickets, ...read.tasks]) known.set(r.id, ref.id);
  if (companyPage && account && !account.large) ({ rows, contactOf: known } = await openRowsOfContacts(hubspot, account.contacts.map((c) => c.id), read, settings, directory));
  const contactOf = ref.objectType === 'contact' || (companyPage && account && !account.large) ? known : await contactsOfRows(hubspot, rows, known);
  const { responses, rejected } = partitionRows(sourceRows);
  const followUps = toFollowUps(rows, { accountKey, contactOf: (id) => contactOf.get(id) ?? null }, directory);
  linkFollowUps(followUps, responses);
  if (account && companyId && !shared && historyProps.length === 0) share.put(companyId, { account, sourceRows: sourceRows.filter((r) => !r.ok || account.contacts.some((c) => rowKey('hubspot', portal, c.id) === r.response.contactKey)), deals });

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
    followUpsRead: companyPage ? 'account' : ref.objectType === 'contact' ? 'focus' : 'focusAndAccount',
    ...(deals ? { deals } : {}),
    // The team's loop notes cost the view another request; the panel asks for them (loadLoopHistory).
    loops: null,
    rejected,
    requestCount: http.requestCount - startCount,
    fetchedAt: hubspot.now(),
  };
}

const DEAL_PROPERTIES = ['dealname', 'amount', 'deal_currency_code', 'hs_is_closed'];

/**
 * The company's open deals with the contacts on each (v4 deal → contact links), each in its own currency (else the
 * portal's). A contact of a deal the company read did not list is read by id for its name and HubSpot's "Last NPS
 * rating" (its latest answer), so a detractor on a deal of a large company still counts.
 */
async function openDeals(hubspot: HubSpotPortal, account: AccountRead, portal: string, portalCurrency: string | null): Promise<OpenDeal[]> {
  const ids = [...new Set((account.company.associations?.deals?.results ?? []).map((l) => l.id))];
  if (ids.length === 0) return [];
  const [rows, links] = await Promise.all([batchRead(hubspot.apis, 'deals', ids, DEAL_PROPERTIES), associated(hubspot.apis, 'deals', 'contacts', ids)]);
  const open = rows.filter((d) => d.properties.hs_is_closed !== 'true');
  const listed = new Map(account.contacts.map((c) => [c.id, c]));
  const missing = [...new Set(open.flatMap((d) => links.get(d.id) ?? []))].filter((id) => !listed.has(id));
  for (const c of missing.length ? await batchRead(hubspot.apis, 'contacts', missing, ['firstname', 'lastname', 'email', LAST_NPS_PROPERTY]) : []) listed.set(c.id, c);
  return open.map((d) => {
    const contactIds = links.get(d.id) ?? [];
    const contactFacts: OpenDeal['contactFacts'] = {};
    for (const id of contactIds) {
      const c = listed.get(id);
      if (!c) continue;
      const rating = c.properties[LAST_NPS_PROPERTY];
      contactFacts[rowKey('hubspot', portal, id)] = { name: nameOf(c.properties), latestNps: rating != null && /^\d{1,2}$/.test(rating) ? Number(rating) : null };
    }
    return {
      key: rowKey('hubspot', portal, d.id),
      crm: 'hubspot',
      instance: portal,
      id: d.id,
      accountKey: account.account.key,
      kind: 'deal',
      name: d.properties.dealname || `Deal ${d.id}`,
      amount: d.properties.amount != null && d.properties.amount !== '' ? money(d.properties.amount) : null,
      currency: d.properties.deal_currency_code || portalCurrency,
      contactKeys: contactIds.map((id) => rowKey('hubspot', portal, id)),
      contactFacts,
      url: appRecordUrl(portal, 'deal', d.id),
    };
  });
}

async function loadAccount(
  hubspot: HubSpotPortal,
  companyId: string,
  companyRead: HsObject | null,
  focus: HsObject[],
  contactProps: string[],
  historyProps: string[],
  settings: Settings,
  portal: string,
  owners: Map<string, string> | null,
  links: { activity: boolean; deals: boolean },
): Promise<{ account: Account; company: HsObject; contacts: HsObject[]; counts: AccountCounts | null; large: boolean; firstPages: Map<number, HsSearchPage> | null }> {
  const { apis } = hubspot;
  const revenue = settings.hubspot.revenue;
  const revenueProperty = revenuePropertyOf(settings);
  const sortProperty = lastSurveyProperty(settings.hubspot.sources);
  const byCompany = eq('associations.company', companyId);
  const associations = [...(links.activity ? ACTIVITY_TYPES : []), ...(links.deals ? ['deals'] : [])];
  const [company, firstPage] = await Promise.all([
    companyRead && associations.length === 0 ? companyRead : getObject(apis, 'companies', companyId, companyProperties(settings), [], associations),
    search(apis, 'contacts', [[byCompany]], contactProps, [`-${sortProperty}`], CONTACT_PAGE),
  ]);
  const total = firstPage.total;
  const large = total > LARGE_ACCOUNT;
  let contacts = firstPage.results;
  const [secondPage, counted] = await Promise.all([
    !large && firstPage.paging?.next?.after
      ? search(apis, 'contacts', [[byCompany]], contactProps, [`-${sortProperty}`], CONTACT_PAGE, firstPage.paging.next.after)
      : null,
    large ? accountCounts(hubspot, companyId, settings, portal) : null,
  ]);
  if (secondPage) contacts = [...contacts, ...secondPage.results];
  // Search results carry no property history; contact-property sources re-read the listed contacts with it.
  if (historyProps.length > 0) {
    const ids = contacts.map((c) => c.id).filter((id) => !focus.some((f) => f.id === id));
    const withHistory = await batchRead(apis, 'contacts', ids, contactProps, historyProps);
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
      revenueSource: revenue.kind === 'openDeals' ? 'openPipeline' : 'field',
      revenueLabel: revenue.kind === 'openDeals' ? '' : revenue.property,
      currency: null,
      contactCount: total,
      url: appRecordUrl(portal, 'company', companyId),
    },
    company,
    contacts,
    counts: counted?.counts ?? null,
    large,
    firstPages: counted?.firstPages ?? null,
  };
}

async function responsesOf(hubspot: HubSpotPortal, contacts: HsObject[], sources: HubSpotSource[], ctx: RowContext, large: boolean): Promise<RowResult[]> {
  const ids = contacts.map((c) => c.id);
  if (ids.length === 0) return [];
  const perSource = await Promise.all(
    sources.map(async (source): Promise<RowResult[]> => {
      if (source.kind === 'hubspot-contact-properties') return contacts.flatMap((c) => contactPropertiesToResponses(c, source, ctx));
      if (source.kind === 'hubspot-feedback') {
        const pages = await Promise.all(
          chunks(ids, IN_FILTER_MAX).map((group) =>
            searchAll(
              hubspot.apis,
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
      return customObjectRows(hubspot, source, ids, ctx);
    }),
  );
  return perSource.flat();
}

async function customObjectRows(
  hubspot: HubSpotPortal,
  source: Extract<HubSpotSource, { kind: 'hubspot-custom-object' }>,
  contactIds: string[],
  ctx: RowContext,
): Promise<RowResult[]> {
  const links = await associated(hubspot.apis, 'contacts', source.objectType, contactIds);
  const objectIds = [...new Set([...links.values()].flat())];
  if (objectIds.length === 0) return [];
  const contactOf = new Map<string, string>();
  for (const [contactId, ids] of links) for (const id of ids) contactOf.set(id, contactId);
  const rows = await batchRead(hubspot.apis, source.objectType, objectIds, customProps(source));
  return rows.map((row) => customObjectToResponse(row, source, ctx, contactOf.get(row.id) ?? null));
}

export function customProps(source: Extract<HubSpotSource, { kind: 'hubspot-custom-object' }>): string[] {
  return [source.scoreProperty, source.dateProperty, source.commentProperty, source.surveyKindProperty, source.surveyNameProperty].filter(
    (p): p is string => p !== null,
  );
}

function money(value: string | null | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** HubSpot keeps the sum of a company's open deals in a calculated property, so no deal search is needed. */
export function revenuePropertyOf(settings: Settings): string {
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
    url: appRecordUrl(portal, 'contact', c.id),
  };
}
