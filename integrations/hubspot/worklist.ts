import {
  LOOP_ANSWER_LOOKBACK_DAYS,
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
import { STEPS_PROPERTY } from './insights';
import { FIRST_CONTACT_AT_PROPERTY, FIRST_CONTACT_HOURS_PROPERTY, missingTimingFields, readLoopFields, SLA_PROPERTY, type HubSpotLoopFields } from './loop-fields';
import { rowKey } from '../../core/schema';
import type { Settings } from '../../core/settings';
import type { Owner, TeamCount, WorklistRead, WorklistRow } from '../../core/worklist';
import { CrmError } from '../crm';
import type { WorklistReader } from '../worklist';
import { call } from './client';
import type { HubSpotPortal } from './connection';
import { followUpPipeline } from './follow-ups';
import { customProps, revenuePropertyOf } from './record-context';
import { associated, batchRead, MAX_FILTER_GROUPS, search, SEARCH_PAGE, type HsFilter } from './requests';
import { contactPropertiesToResponses, customObjectToResponse, hsBatchSchema, hsOwnersPageSchema, toEpochMs, type HsObject, type HsPipelines, type HsSearchPage, type RowResult } from './schema';

// "My open loops" in HubSpot: the open tickets of the follow-up pipeline and the open tasks one owner has, each with
// its contact, company, revenue and the contact's latest NPS answer (HubSpot keeps it on the contact). Search finds the
// loops and counts them (`total`); HubSpot's search answers carry no links, so the contacts behind the loops are read
// through the v4 association batch, then the contacts and their companies in batches.
//   tickets search ∥ tasks search → tickets→contacts ∥ tasks→contacts → contacts (batch) → companies (batch)
// A loop's contact and a company's name, owner and revenue change rarely, so they are kept between reads (LoopLinks):
// a refresh of a list already read asks only the two searches and the contacts (whose latest answers may be new).

/** Loops listed per kind (oldest first); the search `total` tells how many there are in all. */
export const WORKLIST_ROWS = 50;

/** How long a company read or a loop's contact is reused: the alarm's default period, so each alarm reads them afresh. */
export const LINK_TTL_MS = 10 * 60_000;

/** What earlier reads learned and later ones reuse, kept by the connector for the worker's life. */
export interface LoopLinks {
  /** "tickets:id" / "tasks:id" → the loop's first contact (null: none), and when that was read. */
  contactOf: Map<string, { contactId: string | null; at: number }>;
  /** Companies as read with the revenue property of the time (settings may change it). */
  companies: Map<string, { company: HsObject; revenueProperty: string; at: number }>;
}

export function emptyLoopLinks(): LoopLinks {
  return { contactOf: new Map(), companies: new Map() };
}

/** What the worklist needs of the connector: its thin calls, the portal's directory and the follow-up pipeline. */
export interface HubSpotWorklistDeps {
  portalId: string;
  currency: string | null;
  owners: Map<string, string> | null;
  /** The follow-up pipeline (settings, else HubSpot's default), its open stages and its closed ones. */
  pipeline: { id: string; openStages: string[]; closedStages: string[] } | null;
  search(type: string, filterGroups: HsFilter[][], props: string[], sorts?: string[], limit?: number, after?: string): Promise<HsSearchPage>;
  /** The follow-up ticket's loop properties the portal has. */
  loopFields(): Promise<HubSpotLoopFields>;
  /** Records by id; with `history`, each property's earlier values too. */
  batchRead(type: string, ids: string[], props: string[], history?: string[]): Promise<HsObject[]>;
  associated(fromType: string, toType: string, fromIds: string[]): Promise<Map<string, string[]>>;
  updateOwner(type: 'tickets' | 'tasks', id: string, ownerId: string): Promise<void>;
  ownersWithEmail(): Promise<Owner[]>;
  revenueProperty: string;
  links: LoopLinks;
  now(): number;
}

const eq = (propertyName: string, value: string): HsFilter => ({ propertyName, operator: 'EQ', value });

const TICKET_PROPS = ['subject', 'content', 'createdate', 'hs_pipeline', 'hs_pipeline_stage', 'hubspot_owner_id'];
const TASK_PROPS = ['hs_task_subject', 'hs_task_status', 'hs_timestamp', 'hs_createdate', 'hubspot_owner_id'];
const CONTACT_PROPS = [
  'firstname',
  'lastname',
  'email',
  'associatedcompanyid',
  'hs_feedback_last_nps_rating',
  'hs_feedback_last_nps_follow_up',
  'hs_feedback_last_survey_date',
];

function ticketFilters(ownerId: string, pipeline: NonNullable<HubSpotWorklistDeps['pipeline']>): HsFilter[] {
  return [eq('hubspot_owner_id', ownerId), eq('hs_pipeline', pipeline.id), { propertyName: 'hs_pipeline_stage', operator: 'IN', values: pipeline.openStages }];
}

function taskFilters(ownerId: string): HsFilter[] {
  return [eq('hubspot_owner_id', ownerId), { propertyName: 'hs_task_status', operator: 'NEQ', value: 'COMPLETED' }];
}

/** The follow-up pipeline's id and open stages, from the portal's pipelines (stage metadata says open or closed). */
export function followUpStages(pipeline: HsPipelines['results'][number] | null): HubSpotWorklistDeps['pipeline'] {
  if (!pipeline) return null;
  const closed = (s: HsPipelines['results'][number]['stages'][number]) => (s.metadata?.ticketState ?? '').toUpperCase() === 'CLOSED';
  return { id: pipeline.id, openStages: pipeline.stages.filter((s) => !closed(s)).map((s) => s.id), closedStages: pipeline.stages.filter(closed).map((s) => s.id) };
}

function nameOf(p: HsObject['properties']): string {
  return [p.firstname, p.lastname].filter((s) => s && s.trim() !== '').join(' ').trim() || p.email || 'Unnamed contact';
}

const chunk = <T,>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** One owner's open loops. `requestCount` reads the connector's counter, so the read says what it cost. */
export async function readHubSpotWorklist(deps: HubSpotWorklistDeps, ownerId: string, requestCount: () => number): Promise<WorklistRead> {
  const start = requestCount();
  const portal = deps.portalId;
  const pipeline = deps.pipeline;
  const [tickets, tasks] = await Promise.all([
    pipeline && pipeline.openStages.length > 0
      ? deps.search('tickets', [ticketFilters(ownerId, pipeline)], TICKET_PROPS, ['createdate'], WORKLIST_ROWS)
      : { total: 0, results: [] },
    deps.search('tasks', [taskFilters(ownerId)], TASK_PROPS, ['hs_timestamp'], WORKLIST_ROWS),
  ]);
  const now = deps.now();
  const fresh = (at: number) => now - at < LINK_TTL_MS;
  const linksOf = async (type: 'tickets' | 'tasks', loops: HsObject[]): Promise<Map<string, string | null>> => {
    const known = new Map<string, string | null>();
    const unknown: string[] = [];
    for (const loop of loops) {
      const kept = deps.links.contactOf.get(`${type}:${loop.id}`);
      if (kept && fresh(kept.at)) known.set(loop.id, kept.contactId);
      else unknown.push(loop.id);
    }
    if (unknown.length > 0) {
      const read = await deps.associated(type, 'contacts', unknown);
      for (const id of unknown) {
        const contactId = read.get(id)?.[0] ?? null;
        known.set(id, contactId);
        deps.links.contactOf.set(`${type}:${id}`, { contactId, at: now });
      }
    }
    return known;
  };
  const [ticketContacts, taskContacts] = await Promise.all([linksOf('tickets', tickets.results), linksOf('tasks', tasks.results)]);
  const contactIds = [...new Set([...ticketContacts.values(), ...taskContacts.values()].filter((x): x is string => !!x))];
  const contacts = new Map<string, HsObject>();
  for (const ids of chunk(contactIds, 100)) for (const c of await deps.batchRead('contacts', ids, CONTACT_PROPS)) contacts.set(c.id, c);
  const companyIds = [...new Set([...contacts.values()].map((c) => c.properties.associatedcompanyid).filter((x): x is string => !!x))];
  const companies = new Map<string, HsObject>();
  const toRead: string[] = [];
  for (const id of companyIds) {
    const kept = deps.links.companies.get(id);
    if (kept && fresh(kept.at) && kept.revenueProperty === deps.revenueProperty) companies.set(id, kept.company);
    else toRead.push(id);
  }
  for (const ids of chunk(toRead, 100)) {
    for (const c of await deps.batchRead('companies', ids, ['name', 'hubspot_owner_id', deps.revenueProperty])) {
      companies.set(c.id, c);
      deps.links.companies.set(c.id, { company: c, revenueProperty: deps.revenueProperty, at: now });
    }
  }
  // Stale entries are let go, so what is kept stays as small as the lists read within the period.
  for (const [key, link] of deps.links.contactOf) if (!fresh(link.at)) deps.links.contactOf.delete(key);
  for (const [id, kept] of deps.links.companies) if (!fresh(kept.at)) deps.links.companies.delete(id);

  const ownerName = (id: string | null | undefined) => (id ? (deps.owners?.get(id) ?? null) : null);
  const contactUrl = (id: string) => `https://app.hubspot.com/contacts/${portal}/record/0-1/${id}`;
  const parts = (contactId: string | undefined): Pick<WorklistRow, 'contact' | 'account' | 'score'> => {
    const contact = contactId ? contacts.get(contactId) : undefined;
    if (!contact) return { contact: null, account: null, score: null };
    const p = contact.properties;
    const companyId = p.associatedcompanyid || null;
    const company = companyId ? companies.get(companyId) : undefined;
    const rating = p.hs_feedback_last_nps_rating;
    const answeredAt = toEpochMs(p.hs_feedback_last_survey_date);
    const revenue = company?.properties[deps.revenueProperty];
    return {
      contact: { id: contact.id, name: nameOf(p), url: contactUrl(contact.id) },
      account:
        companyId && company
          ? {
              id: companyId,
              name: company.properties.name || `Company ${companyId}`,
              revenue: revenue != null && revenue !== '' && Number.isFinite(Number(revenue)) ? Number(revenue) : null,
              currency: deps.currency,
              ownerId: company.properties.hubspot_owner_id || null,
              ownerName: ownerName(company.properties.hubspot_owner_id),
            }
          : null,
      // Some portals keep the last rating as an enumeration: only a whole 0–10 is a score.
      score:
        rating != null && /^(?:[0-9]|10)$/.test(rating.trim()) && answeredAt !== null
          ? { kind: 'nps', value: Number(rating), scaleMax: 10, submittedAt: answeredAt, comment: p.hs_feedback_last_nps_follow_up || null }
          : null,
    };
  };
  const rows: WorklistRow[] = [
    ...tickets.results.map((t) => ({
      key: rowKey('hubspot', portal, t.id),
      crm: 'hubspot' as const,
      instance: portal,
      id: t.id,
      kind: 'ticket' as const,
      title: t.properties.subject || `Ticket ${t.id}`,
      statusLabel: null,
      ownerId: t.properties.hubspot_owner_id || null,
      ownerName: ownerName(t.properties.hubspot_owner_id),
      ...parts(ticketContacts.get(t.id) ?? undefined),
      createdAt: toEpochMs(t.properties.createdate) ?? 0,
      crmDueAt: null,
      url: `https://app.hubspot.com/contacts/${portal}/record/0-5/${t.id}`,
    })),
    ...tasks.results.map((t) => ({
      key: rowKey('hubspot', portal, t.id),
      crm: 'hubspot' as const,
      instance: portal,
      id: t.id,
      kind: 'task' as const,
      title: t.properties.hs_task_subject || `Task ${t.id}`,
      statusLabel: t.properties.hs_task_status ?? null,
      ownerId: t.properties.hubspot_owner_id || null,
      ownerName: ownerName(t.properties.hubspot_owner_id),
      ...parts(taskContacts.get(t.id) ?? undefined),
      createdAt: toEpochMs(t.properties.hs_createdate) ?? 0,
      crmDueAt: toEpochMs(t.properties.hs_timestamp),
      url: `https://app.hubspot.com/contacts/${portal}/record/0-27/${t.id}`,
    })),
  ];
  return { crm: 'hubspot', instance: portal, ownerId, rows, openTotal: tickets.total + tasks.total, requestCount: requestCount() - start, fetchedAt: deps.now() };
}

/**
 * Per owner, open and overdue loops as HubSpot counts them (search totals, one row each): a task is overdue past its
 * due time; a ticket once older than the detractor SLA (the ticket itself does not say which answer it follows up).
 */
export async function hubspotTeamCounts(deps: HubSpotWorklistDeps, settings: Settings): Promise<TeamCount[]> {
  if (!deps.owners) throw new CrmError('scope', 'Loyalty Lens cannot read this portal’s owners (the crm.objects.owners.read scope is missing).');
  const now = deps.now();
  const late = String(now - settings.rules.slaHours.detractor * 3_600_000);
  const pipeline = deps.pipeline;
  const total = async (type: string, filters: HsFilter[]) => (await deps.search(type, [filters], ['hs_object_id'], [], 1)).total;
  const counts = await Promise.all(
    [...deps.owners].map(async ([ownerId, ownerName]): Promise<TeamCount> => {
      const tickets = pipeline && pipeline.openStages.length > 0 ? ticketFilters(ownerId, pipeline) : null;
      const [openTickets, lateTickets, openTasks, lateTasks] = await Promise.all([
        tickets ? total('tickets', tickets) : 0,
        tickets ? total('tickets', [...tickets, { propertyName: 'createdate', operator: 'LT', value: late }]) : 0,
        total('tasks', taskFilters(ownerId)),
        total('tasks', [...taskFilters(ownerId), { propertyName: 'hs_timestamp', operator: 'LT', value: String(now) }]),
      ]);
      return { crm: 'hubspot', ownerId, ownerName, open: openTickets + openTasks, overdue: lateTickets + lateTasks };
    }),
  );
  return counts.filter((c) => c.open > 0).sort((a, b) => b.overdue - a.overdue || b.open - a.open);
}

/** HubSpot's search pages through at most 10,000 results of one query: a median past it cannot be read. */
const SEARCH_RESULT_CAP = 10_000;

/**
 * The loop's numbers, mine (when "me" is known) and the team's, over 30 and 90 days, over the follow-up pipeline's
 * tickets in a closed stage whose close date is in the window — search totals, each a small search that lists nothing:
 * closed; with an SLA result, and within it; with a first contact recorded, and thanked among them; with hours to
 * first contact, and the middle one or two of those sorted by hours (`after` = the offset, one search).
 */
export async function hubspotLoopCounts(deps: HubSpotWorklistDeps, ownerId: string | null, settings: Settings): Promise<LoopCounts> {
  const pipeline = deps.pipeline;
  const now = deps.now();
  const fields = await deps.loopFields();
  const thankedCounted = fields.firstContactAt && !!fields.steps?.includes('thanked');
  const slaCounted = !!fields.sla?.includes('within');
  const window = async (days: LoopWindow, owner: string | null): Promise<WindowCounts> => {
    if (!pipeline || pipeline.closedStages.length === 0) {
      return { closed: 0, withinSla: slaCounted ? { count: 0, n: 0 } : null, thanked: thankedCounted ? { count: 0, n: 0 } : null, firstContact: fields.firstContactHours ? { n: 0, medianHours: null, beyondLimit: false } : null, recovery: null };
    }
    const base: HsFilter[] = [
      eq('hs_pipeline', pipeline.id),
      { propertyName: 'hs_pipeline_stage', operator: 'IN', values: pipeline.closedStages },
      { propertyName: 'closed_date', operator: 'GTE', value: String(windowStart(now, days)) },
      ...(owner ? [eq('hubspot_owner_id', owner)] : []),
    ];
    const total = async (more: HsFilter[]) => (await deps.search('tickets', [[...base, ...more]], ['hs_object_id'], [], 1)).total;
    const has = (propertyName: string): HsFilter => ({ propertyName, operator: 'HAS_PROPERTY' });
    const median = async (): Promise<WindowCounts['firstContact']> => {
      const n = await total([has(FIRST_CONTACT_HOURS_PROPERTY)]);
      if (n === 0) return { n, medianHours: null, beyondLimit: false };
      const offset = medianOffset(n);
      if (offset + medianCount(n) > SEARCH_RESULT_CAP) return { n, medianHours: null, beyondLimit: true };
      const page = await deps.search('tickets', [[...base, has(FIRST_CONTACT_HOURS_PROPERTY)]], [FIRST_CONTACT_HOURS_PROPERTY], [FIRST_CONTACT_HOURS_PROPERTY], medianCount(n), String(offset));
      return { n, medianHours: medianOfMiddle(page.results.map((t) => Number(t.properties[FIRST_CONTACT_HOURS_PROPERTY])).filter(Number.isFinite)), beyondLimit: false };
    };
    const [closed, slaN, within, recorded, thanked, firstContact] = await Promise.all([
      total([]),
      slaCounted ? total([has(SLA_PROPERTY)]) : null,
      slaCounted ? total([eq(SLA_PROPERTY, 'within')]) : null,
      thankedCounted ? total([has(FIRST_CONTACT_AT_PROPERTY)]) : null,
      thankedCounted ? total([has(FIRST_CONTACT_AT_PROPERTY), eq(STEPS_PROPERTY, 'thanked')]) : null,
      fields.firstContactHours ? median() : null,
    ]);
    return {
      closed,
      withinSla: slaN !== null && within !== null ? { count: within, n: slaN } : null,
      thanked: recorded !== null && thanked !== null ? { count: thanked, n: recorded } : null,
      firstContact,
      recovery: null,
    };
  };
  const [team30, team90, mine30, mine90, read] = await Promise.all([
    window(30, null),
    window(90, null),
    ownerId ? window(30, ownerId) : null,
    ownerId ? window(90, ownerId) : null,
    readRecovery(deps, settings, ownerId, now),
  ]);
  const team = { 30: team30, 90: team90 };
  const mine = mine30 && mine90 ? { 30: mine30, 90: mine90 } : null;
  if (read) {
    for (const days of LOOP_WINDOWS) {
      const since = windowStart(now, days);
      team[days].recovery = recoveryOfWindow(read, { ownerId: null, since, closed: team[days].closed, teamClosed: team[days].closed });
      if (mine && ownerId) mine[days].recovery = recoveryOfWindow(read, { ownerId, since, closed: mine[days].closed, teamClosed: team[days].closed });
    }
  }
  return { crm: 'hubspot', mine, team, missingFields: missingTimingFields(fields), countedAt: now };
}

/** Pages of closed tickets read for recovery per scope: enough for RECOVERY_PAIR_MAX. */
const RECOVERY_LOOP_PAGES = Math.ceil(RECOVERY_PAIR_MAX / SEARCH_PAGE);
/** Pages of answers read for recovery; more answers than this are too many to pair. */
const RECOVERY_ANSWER_PAGES = 5;
/** Answers kept as custom-object records, read 100 by id a request: more than this are too many to pair. */
const RECOVERY_OBJECT_ANSWERS_MAX = 1_000;
/** Contacts per IN filter (HubSpot takes up to 100 values). */
const IN_VALUES_MAX = 100;

type HubSpotSource = Settings['hubspot']['sources'][number];

/** Whether a source can hold NPS answers, the ones recovery pairs. */
function holdsNps(source: HubSpotSource): boolean {
  if (source.kind === 'hubspot-feedback') return source.surveyTypes.includes('NPS');
  if (source.kind === 'hubspot-contact-properties') return source.surveyKind === 'nps';
  return source.fixedSurveyKind === 'nps' || source.surveyKindProperty !== null;
}

/** The NPS answers among mapped rows, by the contact's own id (as a loop names its customer). */
function npsAnswers(rows: RowResult[]): AnswerFact[] {
  return rows.flatMap((row) =>
    row.ok && row.response.kind === 'nps' ? [{ contactKey: row.response.contactKey.split('|')[2]!, score: row.response.score, submittedAt: row.response.submittedAt }] : [],
  );
}

/**
 * The NPS answers of `contactIds` given since `since`, from one source, read without listing any other contact's:
 * feedback submissions by a search of those contacts (up to five IN groups of 100, paged); contact properties by the
 * contacts' property history (HubSpot keeps every value a survey tool overwrote; 50 contacts a read); a custom object
 * by the contacts' links to it and its records by id. Null when there are too many to pair.
 */
async function answersOf(deps: HubSpotWorklistDeps, source: HubSpotSource, contactIds: string[], since: number): Promise<AnswerFact[] | null> {
  const mapped = { portal: deps.portalId, companyOf: () => null };
  if (source.kind === 'hubspot-contact-properties') {
    const props = [source.scoreProperty, source.dateProperty].filter((p): p is string => p !== null);
    const contacts = await deps.batchRead('contacts', contactIds, props, props);
    return npsAnswers(contacts.flatMap((c) => contactPropertiesToResponses(c, { ...source, commentProperty: null }, mapped))).filter((a) => a.submittedAt >= since);
  }
  if (source.kind === 'hubspot-custom-object') {
    const links = await deps.associated('contacts', source.objectType, contactIds);
    const contactOf = new Map<string, string>();
    for (const [contactId, ids] of links) for (const id of ids) contactOf.set(id, contactId);
    if (contactOf.size > RECOVERY_OBJECT_ANSWERS_MAX) return null;
    const rows = contactOf.size > 0 ? await deps.batchRead(source.objectType, [...contactOf.keys()], customProps(source)) : [];
    return npsAnswers(rows.map((row) => customObjectToResponse(row, source, mapped, contactOf.get(row.id) ?? null))).filter((a) => a.submittedAt >= since);
  }
  const answers: AnswerFact[] = [];
  const groups = chunk(contactIds, IN_VALUES_MAX).map((ids): HsFilter[] => [
    { propertyName: 'hs_contact_id', operator: 'IN', values: ids },
    eq('hs_survey_type', 'NPS'),
    { propertyName: 'hs_submission_timestamp', operator: 'GTE', value: String(since) },
  ]);
  for (const searchGroups of chunk(groups, MAX_FILTER_GROUPS)) {
    let after: string | undefined;
    let page = 0;
    do {
      if (page++ === RECOVERY_ANSWER_PAGES) return null;
      const res = await deps.search('feedback_submissions', searchGroups, ['hs_value', 'hs_contact_id', 'hs_submission_timestamp'], ['hs_submission_timestamp'], SEARCH_PAGE, after);
      for (const row of res.results) {
        const score = Number(row.properties.hs_value);
        const at = toEpochMs(row.properties.hs_submission_timestamp);
        const contact = row.properties.hs_contact_id;
        if (contact && at !== null && row.properties.hs_value?.trim() && Number.isInteger(score)) answers.push({ contactKey: contact, score, submittedAt: at });
      }
      after = res.paging?.next?.after;
    } while (after);
  }
  return answers;
}

/**
 * What recovery pairs, read — never every answer: the follow-up tickets closed in the last 90 days, newest first, up to
 * RECOVERY_PAIR_MAX (the team's; the owner's too when the team's are more), their contacts (one v4 link read, kept with
 * the list's links), and only those contacts' NPS answers since the oldest loop's answer could have been given, from
 * every source that holds NPS answers (see answersOf). With feedback submissions at most 3 + 3 + 1 + 2 × 5 = 17
 * requests, 3 for a small team. Null where no source holds NPS answers.
 */
async function readRecovery(deps: HubSpotWorklistDeps, settings: Settings, ownerId: string | null, now: number): Promise<RecoveryRead | null> {
  const sources = settings.hubspot.sources.filter(holdsNps);
  const pipeline = deps.pipeline;
  if (sources.length === 0) return null;
  if (!pipeline || pipeline.closedStages.length === 0) return { team: [], mine: null, answers: [] };
  const closedLoops = async (owner: string | null): Promise<{ rows: HsObject[]; total: number }> => {
    const filters: HsFilter[] = [
      eq('hs_pipeline', pipeline.id),
      { propertyName: 'hs_pipeline_stage', operator: 'IN', values: pipeline.closedStages },
      { propertyName: 'closed_date', operator: 'GTE', value: String(windowStart(now, 90)) },
      ...(owner ? [eq('hubspot_owner_id', owner)] : []),
    ];
    const rows: HsObject[] = [];
    let total = 0;
    let after: string | undefined;
    for (let page = 0; page < RECOVERY_LOOP_PAGES && rows.length < RECOVERY_PAIR_MAX; page++) {
      const res = await deps.search('tickets', [filters], ['hubspot_owner_id', 'closed_date', 'createdate'], ['-closed_date'], Math.min(SEARCH_PAGE, RECOVERY_PAIR_MAX - rows.length), after);
      rows.push(...res.results);
      total = res.total;
      after = res.paging?.next?.after;
      if (!after) break;
    }
    return { rows, total };
  };
  const teamRead = await closedLoops(null);
  const team = teamRead.rows;
  const mine = teamRead.total > RECOVERY_PAIR_MAX && ownerId ? (await closedLoops(ownerId)).rows : null;
  const tickets = [...new Map([...team, ...(mine ?? [])].map((t) => [t.id, t])).values()];
  const fresh = (at: number) => now - at < LINK_TTL_MS;
  const contactOf = new Map<string, string | null>();
  const unknown: string[] = [];
  for (const t of tickets) {
    const kept = deps.links.contactOf.get(`tickets:${t.id}`);
    if (kept && fresh(kept.at)) contactOf.set(t.id, kept.contactId);
    else unknown.push(t.id);
  }
  if (unknown.length > 0) {
    const links = await deps.associated('tickets', 'contacts', unknown);
    for (const id of unknown) {
      const contactId = links.get(id)?.[0] ?? null;
      contactOf.set(id, contactId);
      deps.links.contactOf.set(`tickets:${id}`, { contactId, at: now });
    }
  }
  const loopOf = (t: HsObject): ClosedLoop => ({
    id: t.id,
    ownerId: t.properties.hubspot_owner_id || null,
    contactKey: contactOf.get(t.id) ?? null,
    openedAt: toEpochMs(t.properties.createdate) ?? t.createdAt ?? 0,
    closedAt: toEpochMs(t.properties.closed_date) ?? 0,
  });
  const loops = tickets.map(loopOf);
  const read = { team: team.map(loopOf), mine: mine?.map(loopOf) ?? null };
  const contactIds = [...new Set(loops.map((l) => l.contactKey).filter((x): x is string => !!x))];
  if (contactIds.length === 0) return { ...read, answers: [] };
  const since = Math.min(...loops.map((l) => l.openedAt)) - LOOP_ANSWER_LOOKBACK_DAYS * 86_400_000;
  const answers: AnswerFact[] = [];
  for (const source of sources) {
    const found = await answersOf(deps, source, contactIds, since);
    if (found === null) return { ...read, answers: null };
    answers.push(...found);
  }
  return { ...read, answers };
}

/** Gives a ticket or task to another owner: an update, so sending it twice changes nothing more. */
export async function reassignHubSpotLoop(deps: HubSpotWorklistDeps, loop: Pick<WorklistRow, 'id' | 'kind'>, ownerId: string): Promise<void> {
  if (loop.kind === 'case') throw new CrmError('config', 'HubSpot has no Cases.');
  await deps.updateOwner(loop.kind === 'ticket' ? 'tickets' : 'tasks', loop.id, ownerId);
}

/** The worklist's reads on one portal, through the portal's directory (owners, pipelines) and its thin calls. */
export function hubspotWorklist(portal: HubSpotPortal): WorklistReader {
  const { apis } = portal;
  const links = emptyLoopLinks();
  const deps = async (settings: Settings | null): Promise<HubSpotWorklistDeps> => {
    const directory = await portal.checkedDirectory(null);
    return {
      portalId: directory.portalId,
      currency: directory.currency,
      owners: directory.owners,
      pipeline: settings ? followUpStages(followUpPipeline(settings, directory.pipelines)) : null,
      search: (type, groups, props, sorts, limit, after) => search(apis, type, groups, props, sorts, limit, after),
      loopFields: () => readLoopFields(portal),
      batchRead: (type, ids, props, history) => batchRead(apis, type, ids, props, history),
      associated: (from, to, ids) => associated(apis, from, to, ids),
      updateOwner: async (type, id, ownerId) => {
        await call(hsBatchSchema, 'reassigning the follow-up', () => apis.batch.update(type, { inputs: [{ id, properties: { hubspot_owner_id: ownerId } }] }));
      },
      ownersWithEmail: async () => {
        const res = await call(hsOwnersPageSchema, 'the owner list', () => apis.owners.getPage(undefined, undefined, 500, false));
        return res.results.map((o) => ({ id: o.id, name: [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email || o.id, email: o.email ?? null }));
      },
      revenueProperty: settings ? revenuePropertyOf(settings) : 'hs_total_deal_value',
      links,
      now: portal.now,
    };
  };
  return {
    // A Service Key is not a person: the user picks which owner they are.
    signedInOwner: async () => null,
    read: async (ownerId, settings) => readHubSpotWorklist(await deps(settings), ownerId, () => portal.http.requestCount),
    teamCounts: async (settings) => hubspotTeamCounts(await deps(settings), settings),
    loopCounts: async (ownerId, settings) => hubspotLoopCounts(await deps(settings), ownerId, settings),
    owners: async () => (await deps(null)).ownersWithEmail(),
    // A write: for a while after, the portal's reads go by id (HubSpot's search shows it seconds later).
    reassign: (loop, ownerId) => portal.writing(async () => reassignHubSpotLoop(await deps(null), loop, ownerId)),
  };
}
