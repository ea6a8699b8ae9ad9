import { rowKey, type FollowUp, type SurveyResponse } from '../../core/schema';
import { followUpSubject } from '../../core/follow-up-subject';
import type { Settings } from '../../core/settings';
import { CrmError, mayHaveCommitted, type OpenedFollowUp } from '../crm';
import { mayStillBeRunning } from '../unconfirmed-creates';
import { call, type HubSpotApis } from './client';
import type { Directory, HubSpotPortal } from './connection';
import { appRecordUrl } from './paths';
import { chunks } from '../batches';
import { allLinked, associated, associateDefault, BATCH_MAX, batchRead, eq, getObject, search, type HsFilter } from './requests';
import { hsObjectSchema, hsUpsertBatchSchema, KEY_PROPERTY, nameOf, toEpochMs, type HsObject, type HsPipelines } from './schema';

// Follow-ups on HubSpot: open tickets (of the follow-up pipeline) and open tasks a view lists, and the ticket the
// panel opens for one response. The ticket is found again by its key property (an upsert); Salesforce has no such
// upsert for a Case and looks for the response's marker in the subject before creating one.

/** Activity the view lists beside the scores: follow-up tickets and tasks. */
export const ACTIVITY_TYPES = ['tickets', 'tasks'] as const;
/** HubSpot's default ticket pipeline. */
const DEFAULT_PIPELINE_ID = '0';
/** A follow-up ticket's key property: this prefix and the response id. */
const FOLLOW_UP_KEY_PREFIX = 'followup-';
/** HUBSPOT_DEFINED association types (hubspot-api-nodejs AssociationTypes): ticket→contact, ticket→company. */
const TICKET_TO_CONTACT = 16;
const TICKET_TO_COMPANY = 339;

const TICKET_PROPERTIES = ['subject', 'hs_pipeline', 'hs_pipeline_stage', 'hubspot_owner_id', 'createdate', KEY_PROPERTY];
const TASK_PROPERTIES = ['hs_task_subject', 'hs_task_status', 'hs_timestamp', 'hubspot_owner_id', 'hs_createdate'];

/** Open follow-up tickets and tasks as read, with the follow-up pipeline's stages (label, open or closed). */
export interface OpenFollowUpRows {
  tickets: HsObject[];
  tasks: HsObject[];
  stages: Map<string, { label: string; open: boolean }>;
}

type HsPipeline = HsPipelines['results'][number];

/** Open or closed comes from the stage's `ticketState` metadata; a stage without it counts as open. */
export function isClosedStage(stage: HsPipeline['stages'][number]): boolean {
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
export function firstStage(pipeline: HsPipeline | null, closed: boolean): string | null {
  const stage = [...(pipeline?.stages ?? [])]
    .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
    .find((st) => isClosedStage(st) === closed);
  return stage?.id ?? null;
}

export function closedStageIds(pipelines: HsPipelines | null): Set<string> {
  return new Set((pipelines?.results ?? []).flatMap((p) => p.stages.filter(isClosedStage).map((st) => st.id)));
}

/** The contacts' company filter (company-wide), plus each focus contact (links to a contact alone), ≤ 5 groups. */
export function linkFilters(companyId: string | null, contactIds: string[]): HsFilter[] {
  const filters: HsFilter[] = companyId ? [eq('associations.company', companyId)] : [];
  for (const id of contactIds.slice(0, 5 - filters.length)) filters.push(eq('associations.contact', id));
  return filters;
}

/**
 * The records of one activity type (tickets, tasks) that the view lists. When the viewed contact or company
 * was read with its links and one batch holds them all, they are read by id — no search quota, no search-index
 * delay, and no request at all when there are none; otherwise a search over the scopes finds them.
 */
async function activityOf(
  portal: HubSpotPortal,
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
    return ids.length === 0 ? [] : (await batchRead(portal.apis, type, ids, props)).filter(keep);
  }
  if (scopes.length === 0) return [];
  const page = await search(portal.apis, type, scopes.map((f) => [f, ...filters]), props, sorts);
  return page.results.filter(keep);
}

/** The follow-up pipeline's stages (all pipelines without one configured), and which of them are open. */
function followUpStages(settings: Settings, directory: Directory) {
  const pipelineId = settings.hubspot.followUpPipelineId;
  const stages = new Map<string, { label: string; open: boolean }>();
  for (const p of directory.pipelines?.results ?? []) {
    if (pipelineId && p.id !== pipelineId) continue;
    for (const s of p.stages) stages.set(s.id, { label: s.label, open: !isClosedStage(s) });
  }
  const openStages = [...stages].filter(([, s]) => s.open).map(([id]) => id);
  const openTicket = (t: HsObject) => openStages.includes(t.properties.hs_pipeline_stage ?? '') && (!pipelineId || t.properties.hs_pipeline === pipelineId);
  const openTask = (t: HsObject) => t.properties.hs_task_status !== 'COMPLETED';
  return { pipelineId, stages, openStages, openTicket, openTask };
}

/** The open follow-up tickets (of the configured pipeline) and open tasks a view lists, with the stage names. */
export async function openFollowUpRows(
  portal: HubSpotPortal,
  anchor: HsObject | null,
  scopes: HsFilter[],
  settings: Settings,
  directory: Directory,
): Promise<OpenFollowUpRows> {
  const { pipelineId, stages, openStages, openTicket, openTask } = followUpStages(settings, directory);
  const [tickets, tasks] = await Promise.all([
    directory.pipelines && openStages.length > 0
      ? activityOf(
          portal,
          anchor,
          'tickets',
          scopes,
          [{ propertyName: 'hs_pipeline_stage', operator: 'IN', values: openStages }, ...(pipelineId ? [eq('hs_pipeline', pipelineId)] : [])],
          TICKET_PROPERTIES,
          ['-createdate'],
          openTicket,
        )
      : [],
    activityOf(portal, anchor, 'tasks', scopes, [{ propertyName: 'hs_task_status', operator: 'NEQ', value: 'COMPLETED' }], TASK_PROPERTIES, ['hs_timestamp'], openTask),
  ]);
  return { tickets, tasks, stages };
}

/** A follow-up ticket's key: its key property, or in a portal without it the `[followup-…]` its subject ends with. */
function followUpKeyOf(ticket: HsObject): string | null {
  const property = ticket.properties[KEY_PROPERTY];
  if (property) return property;
  return new RegExp(`\\[(${FOLLOW_UP_KEY_PREFIX}[A-Za-z0-9-]+)\\]$`).exec(ticket.properties.subject ?? '')?.[1] ?? null;
}

/**
 * The open tickets and tasks linked to these contacts (v4 association reads, then batch reads of the ones not in
 * `read`), with the contact of each: how a company page lists its contacts' follow-ups that name no company.
 */
export async function openRowsOfContacts(
  portal: HubSpotPortal,
  contactIds: string[],
  read: OpenFollowUpRows,
  settings: Settings,
  directory: Directory,
): Promise<{ rows: OpenFollowUpRows; contactOf: Map<string, string> }> {
  const { openTicket, openTask, openStages } = followUpStages(settings, directory);
  const contactOf = new Map<string, string>();
  const types = directory.pipelines && openStages.length > 0 ? ACTIVITY_TYPES : (['tasks'] as const);
  const more = await Promise.all(
    types.map(async (type) => {
      if (contactIds.length === 0) return { type, rows: [] as HsObject[] };
      const links = await associated(portal.apis, 'contacts', type, contactIds);
      for (const [contactId, ids] of links) for (const id of ids) if (!contactOf.has(id)) contactOf.set(id, contactId);
      const seen = new Set(read[type].map((r) => r.id));
      const ids = [...new Set([...links.values()].flat())].filter((id) => !seen.has(id));
      const rows = ids.length === 0 ? [] : await batchRead(portal.apis, type, ids, type === 'tickets' ? TICKET_PROPERTIES : TASK_PROPERTIES);
      return { type, rows: rows.filter(type === 'tickets' ? openTicket : openTask) };
    }),
  );
  const rows: OpenFollowUpRows = { tickets: [...read.tickets], tasks: [...read.tasks], stages: read.stages };
  for (const { type, rows: extra } of more) rows[type].push(...extra);
  return { rows, contactOf };
}

function followUpResponseKey(key: string | null | undefined, portal: string): string | null {
  return key?.startsWith(FOLLOW_UP_KEY_PREFIX) ? rowKey('hubspot', portal, key.slice(FOLLOW_UP_KEY_PREFIX.length)) : null;
}

/**
 * Which contact each follow-up row belongs to: its first linked contact (v4 association reads, one per type, only for
 * rows not already known and only when there are any). A row linked to no contact belongs to its company.
 */
export async function contactsOfRows(portal: HubSpotPortal, rows: Pick<OpenFollowUpRows, 'tickets' | 'tasks'>, known: ReadonlyMap<string, string>): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>(known);
  await Promise.all(
    ACTIVITY_TYPES.map(async (type) => {
      const ids = rows[type].map((r) => r.id).filter((id) => !out.has(id));
      if (ids.length === 0) return;
      const links = await associated(portal.apis, type, 'contacts', ids);
      for (const id of ids) out.set(id, links.get(id)?.[0] ?? null);
    }),
  );
  return out;
}

/** The view's follow-ups from the open tickets and tasks read for it, each with its contact (see contactsOfRows). */
export function toFollowUps(rows: OpenFollowUpRows, keys: { accountKey: string | null; contactOf: (rowId: string) => string | null }, directory: Directory): FollowUp[] {
  const { portalId: portal, owners } = directory;
  const { tickets, tasks, stages } = rows;
  const contactKeyOf = (rowId: string) => {
    const contactId = keys.contactOf(rowId);
    return contactId ? rowKey('hubspot', portal, contactId) : null;
  };
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
      contactKey: contactKeyOf(t.id),
      accountKey: keys.accountKey,
      // A ticket opened from the panel carries its response in the key (see createFollowUp).
      responseKey: followUpResponseKey(followUpKeyOf(t), portal),
      title: t.properties.subject || `Ticket ${t.id}`,
      status: stage?.open === false ? 'closed' : 'open',
      statusLabel: stage?.label ?? null,
      ownerId: t.properties.hubspot_owner_id || null,
      ownerName: ownerName(t.properties.hubspot_owner_id),
      createdAt: toEpochMs(t.properties.createdate) ?? t.createdAt ?? 0,
      dueAt: null,
      url: appRecordUrl(portal, 'ticket', t.id),
    });
  }
  for (const t of tasks) {
    out.push({
      key: rowKey('hubspot', portal, t.id),
      crm: 'hubspot',
      instance: portal,
      id: t.id,
      kind: 'task',
      contactKey: contactKeyOf(t.id),
      accountKey: keys.accountKey,
      responseKey: null,
      title: t.properties.hs_task_subject || `Task ${t.id}`,
      status: 'open',
      statusLabel: t.properties.hs_task_status ?? null,
      ownerId: t.properties.hubspot_owner_id || null,
      ownerName: ownerName(t.properties.hubspot_owner_id),
      createdAt: toEpochMs(t.properties.hs_createdate) ?? t.createdAt ?? 0,
      dueAt: toEpochMs(t.properties.hs_timestamp),
      url: appRecordUrl(portal, 'task', t.id),
    });
  }
  return out;
}

/** A ticket opened for a feedback submission carries hs_ticket_id on the submission. */
export function linkFollowUps(followUps: FollowUp[], responses: SurveyResponse[]): void {
  for (const f of followUps) {
    const r = responses.find((x) => x.subjectId === f.id);
    if (r && !f.responseKey) {
      f.responseKey = r.key;
      f.contactKey ??= r.contactKey;
    }
  }
}

/**
 * One follow-up ticket per response, whatever HubSpot answers. With the key property the ticket is upserted on
 * `loyalty_lens_key` = "followup-" + the response id (idempotent by construction), after a look-up by that key
 * (by id, no index lag). Without it the ticket's subject ends with the same key in brackets and the ticket is
 * created linked to its contact inline; the look-up reads the contact's tickets by id, before the create and again
 * after a create that may have committed (5xx, timeout, dropped connection), so a second click or a 5xx after the
 * commit finds the one ticket. An answer whose ticket already exists keeps it as it is — stage, owner and text —
 * so asking again never reopens or reassigns it.
 */
export function createFollowUp(portal: HubSpotPortal, response: SurveyResponse, settings: Settings): Promise<OpenedFollowUp> {
  return portal.writing(() => openFollowUpTicket(portal, response, settings));
}

async function openFollowUpTicket(hubspot: HubSpotPortal, response: SurveyResponse, settings: Settings): Promise<OpenedFollowUp> {
  const { apis } = hubspot;
  const { portalId: portal, pipelines } = await hubspot.checkedDirectory(response.instance);
  const key = `${FOLLOW_UP_KEY_PREFIX}${response.id}`;
  const contactId = response.contactKey.split('|')[2] ?? '';
  const [existing, contact] = await Promise.all([
    followUpTicket(hubspot, key, contactId),
    getObject(apis, 'contacts', contactId, ['firstname', 'lastname', 'email', 'hubspot_owner_id', 'associatedcompanyid'], [], []),
  ]);
  const companyId = contact.properties.associatedcompanyid || null;
  // Links are added to an upserted ticket either way: a save that dropped after HubSpot stored it left it without them.
  const link = (ticketId: string) =>
    Promise.all([
      associateDefault(apis, 'tickets', 'contacts', [{ _from: { id: ticketId }, to: { id: contactId } }]),
      companyId ? associateDefault(apis, 'tickets', 'companies', [{ _from: { id: ticketId }, to: { id: companyId } }]) : null,
    ]);
  const opened = (ticket: HsObject, created: boolean): OpenedFollowUp => ({
    id: ticket.id,
    url: appRecordUrl(portal, 'ticket', ticket.id),
    created,
    closed: !created && closedStageIds(pipelines).has(ticket.properties.hs_pipeline_stage ?? ''),
  });
  if (existing) {
    hubspot.unconfirmedFollowUps.settled(key);
    if (!hubspot.withoutKeyProperty.has('tickets')) await link(existing.id);
    return opened(existing, false);
  }
  const waiting = hubspot.unconfirmedFollowUps.pending(key, hubspot.now());
  if (waiting) throw waiting;
  const routing = settings.rules.routing;
  let ownerId: string | null = null;
  if (routing.kind === 'namedUser') ownerId = routing.userId;
  else if (routing.kind === 'recordOwner') ownerId = contact.properties.hubspot_owner_id || null;
  else if (companyId) ownerId = (await getObject(apis, 'companies', companyId, ['hubspot_owner_id'], [], [])).properties.hubspot_owner_id || null;
  const pipeline = followUpPipeline(settings, pipelines);
  const stageId = settings.hubspot.followUpStageId ?? firstStage(pipeline, false);
  if (!pipeline || !stageId) throw new CrmError('config', 'No open stage is known for the follow-up pipeline; choose one in the Loyalty Lens options.');
  const subject = followUpSubject(response, nameOf(contact.properties));
  const properties = {
    subject,
    content: response.comment ?? '',
    hs_pipeline: pipeline.id,
    hs_pipeline_stage: stageId,
    ...(ownerId ? { hubspot_owner_id: ownerId } : {}),
  };
  if (!hubspot.withoutKeyProperty.has('tickets')) {
    try {
      const res = await call(hsUpsertBatchSchema, 'opening the follow-up ticket', () =>
        apis.batch.upsert('tickets', { inputs: [{ idProperty: KEY_PROPERTY, id: key, properties: { ...properties, [KEY_PROPERTY]: key } }] }),
      );
      const ticket = res.results[0];
      if (!ticket) throw new CrmError('malformed', 'HubSpot did not return the follow-up ticket it saved.');
      await link(ticket.id);
      return opened(ticket, true);
    } catch (e) {
      if (!hubspot.lacksKeyProperty('tickets', e)) throw e;
      // Learnt only now that the portal has no key property: a ticket of an earlier click carries the marker.
      const marked = await ticketByMarker(apis, key, contactId);
      if (marked) return opened(marked, false);
    }
  }
  const associations = [
    { to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TICKET_TO_CONTACT }] },
    ...(companyId ? [{ to: { id: companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TICKET_TO_COMPANY }] }] : []),
  ];
  const create = () =>
    call(hsObjectSchema, 'opening the follow-up ticket', () =>
      apis.basic.create('tickets', { properties: { ...properties, subject: `${subject} [${key}]` }, associations } as unknown as Parameters<HubSpotApis['basic']['create']>[1]),
    );
  const sentAt = hubspot.now();
  try {
    return opened(await create(), true);
  } catch (e) {
    if (!mayHaveCommitted(e)) throw e;
    const committed = await ticketByMarker(apis, key, contactId);
    if (committed) return opened(committed, true);
    // A create that may still be running is not sent beside it: the next ask looks for it once it must have ended.
    if (mayStillBeRunning(e)) throw hubspot.unconfirmedFollowUps.unconfirmed(key, sentAt, e);
    return opened(await create(), true);
  }
}

/** The follow-up ticket holding `key`: by the key property, or in a portal without it by its contact's tickets. */
async function followUpTicket(portal: HubSpotPortal, key: string, contactId: string): Promise<HsObject | null> {
  if (!portal.withoutKeyProperty.has('tickets')) {
    try {
      return await call(hsObjectSchema, 'looking for the follow-up ticket', () =>
        portal.apis.basic.getById('tickets', key, ['hs_pipeline', 'hs_pipeline_stage'], undefined, undefined, false, KEY_PROPERTY),
      );
    } catch (e) {
      if (e instanceof CrmError && e.kind === 'not-found') return null;
      if (!portal.lacksKeyProperty('tickets', e)) throw e;
    }
  }
  return ticketByMarker(portal.apis, key, contactId);
}

/** The contact's ticket whose subject ends with `[key]`, read by its links and id (search would lag). */
async function ticketByMarker(apis: HubSpotApis, key: string, contactId: string): Promise<HsObject | null> {
  const ids = (await allLinked(apis, 'contacts', 'tickets', [contactId])).get(contactId) ?? [];
  for (const part of chunks([...ids].sort((a, b) => Number(b) - Number(a)), BATCH_MAX)) {
    const match = (await batchRead(apis, 'tickets', part, ['subject', 'hs_pipeline', 'hs_pipeline_stage'])).find((t) => followUpKeyOf(t) === key);
    if (match) return match;
  }
  return null;
}
