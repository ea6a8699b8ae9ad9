import { contactKeysById } from '../scores';
import type { HubSpotSource, SalesforceSource } from '../../core/settings';
import { CrmError, type MetadataField, type MetadataObject, type PreviewResult, type TicketPipeline } from '../crm';
import { call } from './client';
import type { HubSpotPortal } from './connection';
import { isClosedStage } from './follow-ups';
import { customProps } from './record-context';
import { associated, batchRead, search } from './requests';
import {
  contactPropertiesToResponses,
  customObjectToResponse,
  FEEDBACK_PROPERTIES,
  feedbackToResponse,
  hsPropertiesSchema,
  nameOf,
  hsSchemasSchema,
  partitionRows,
  type RowContext,
  type RowResult,
} from './schema';

// What the options page asks of HubSpot: its objects and properties, a preview of a score source, ticket pipelines.

export async function listObjects(portal: HubSpotPortal): Promise<MetadataObject[]> {
  const standard: MetadataObject[] = [
    { name: 'contacts', label: 'Contacts' },
    { name: 'companies', label: 'Companies' },
    { name: 'deals', label: 'Deals' },
    { name: 'tickets', label: 'Tickets' },
    { name: 'feedback_submissions', label: 'Feedback submissions' },
  ];
  try {
    const custom = await call(hsSchemasSchema, 'the custom object list', () => portal.apis.schemas.getAll(false));
    return [...standard, ...custom.results.map((s) => ({ name: s.fullyQualifiedName ?? s.objectTypeId, label: s.labels?.plural ?? s.name }))];
  } catch (e) {
    if (e instanceof CrmError && e.kind === 'scope') return standard;
    throw e;
  }
}

export async function listFields(portal: HubSpotPortal, objectName: string): Promise<MetadataField[]> {
  const res = await call(hsPropertiesSchema, `the ${objectName} properties`, () => portal.apis.properties.getAll(objectName, false));
  return res.results.filter((p) => !p.hidden).map((p) => ({ name: p.name, label: p.label, type: p.type }));
}

/** Pipelines read this recently (connecting reads them) are as they are now: the options page asks right after. */
const PIPELINES_CURRENT_MS = 60_000;

/** The portal's ticket pipelines as they are now (one request, none just after connecting); empty without the tickets scope. */
export async function ticketPipelines(portal: HubSpotPortal): Promise<TicketPipeline[]> {
  const known = await portal.directory().catch(() => null);
  const current = known !== null && portal.now() - known.pipelinesReadAt < PIPELINES_CURRENT_MS;
  const pipelines = current ? known.pipelines : await portal.fetchTicketPipelines();
  // Views of this worker see the pipelines the admin is choosing from; the kept copy follows on its own schedule.
  if (known && !current) {
    known.pipelines = pipelines;
    known.pipelinesReadAt = portal.now();
  }
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

export async function previewSource(portal: HubSpotPortal, source: HubSpotSource | SalesforceSource, limit: number): Promise<PreviewResult> {
  if (!source.kind.startsWith('hubspot-')) throw new CrmError('config', 'This is not a HubSpot score source.');
  const { apis } = portal;
  const hs = source as HubSpotSource;
  const meta = await portal.checkedDirectory(null);
  const size = Math.max(1, Math.min(limit, 100));
  const ctx: RowContext = { portal: meta.portalId, companyOf: () => null };
  let rows: RowResult[];
  if (hs.kind === 'hubspot-feedback') {
    const page = await search(
      apis,
      'feedback_submissions',
      [[{ propertyName: 'hs_survey_type', operator: 'IN', values: hs.surveyTypes }]],
      [...FEEDBACK_PROPERTIES],
      ['-hs_submission_timestamp'],
      size,
    );
    rows = page.results.map((r) => feedbackToResponse(r, hs.id, ctx));
  } else if (hs.kind === 'hubspot-contact-properties') {
    const page = await search(
      apis,
      'contacts',
      [[{ propertyName: hs.scoreProperty, operator: 'HAS_PROPERTY' }]],
      ['hs_object_id'],
      hs.dateProperty ? [`-${hs.dateProperty}`] : [],
      size,
    );
    const props = [hs.scoreProperty, hs.commentProperty, hs.dateProperty].filter((p): p is string => p !== null);
    const contacts = await batchRead(apis, 'contacts', page.results.map((c) => c.id), props, props);
    rows = contacts.flatMap((c) => contactPropertiesToResponses(c, hs, ctx)).sort((a, b) => rowTime(b) - rowTime(a)).slice(0, size);
  } else {
    const page = await search(apis, hs.objectType, [], customProps(hs), [`-${hs.dateProperty}`], size);
    const links = await associated(apis, hs.objectType, 'contacts', page.results.map((r) => r.id));
    rows = page.results.map((r) => customObjectToResponse(r, hs, ctx, links.get(r.id)?.[0] ?? null));
  }
  const { responses, rejected } = partitionRows(rows);
  return { parsed: responses, rejected, contactNames: await contactNames(portal, responses.map((r) => r.contactKey)) };
}

/** The preview's contacts by name (one batch read), so the admin recognises whose answers were read. */
async function contactNames(portal: HubSpotPortal, contactKeys: ReadonlyArray<string | null>): Promise<Record<string, string>> {
  const keyOf = contactKeysById(contactKeys);
  if (keyOf.size === 0) return {};
  const contacts = await batchRead(portal.apis, 'contacts', [...keyOf.keys()], ['firstname', 'lastname', 'email']);
  return Object.fromEntries(contacts.flatMap((c) => (keyOf.has(c.id) ? [[keyOf.get(c.id)!, nameOf(c.properties)]] : [])));
}

function rowTime(r: RowResult): number {
  return r.ok ? r.response.submittedAt : 0;
}
