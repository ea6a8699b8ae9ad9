import { z } from 'zod';
import { readScore, surveyResponse, type ScoreParse } from '../scores';
import type { RejectedRow, SurveyKind, SurveyResponse } from '../../core/schema';
import type { HubSpotSource } from '../../core/settings';

// The edge between HubSpot's JSON (already deserialized by the official codegen models) and Loyalty Lens rows.
// Every row passes through here; a row that cannot be used becomes a RejectedRow with its reason, never a crash.

/** The codegen turns timestamps into Date objects; raw JSON has ISO strings. Both are accepted. */
const timestamp = z.union([z.date(), z.string(), z.number()]).transform((v, ctx) => {
  const ms = toEpochMs(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${String(v)}` });
    return z.NEVER;
  }
  return ms;
});

const associatedIds = z.object({
  results: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String), type: z.string().optional() })),
  /** Present when the record has more links of this type than one page holds. */
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

export const hsObjectSchema = z.object({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable().optional()),
  propertiesWithHistory: z
    .record(z.string(), z.array(z.object({ value: z.string().nullable().optional(), timestamp })))
    .optional(),
  associations: z.record(z.string(), associatedIds).optional(),
  createdAt: timestamp.optional(),
});
export type HsObject = z.infer<typeof hsObjectSchema>;

export const hsSearchPageSchema = z.object({
  total: z.number().int().nonnegative(),
  results: z.array(hsObjectSchema),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
export type HsSearchPage = z.infer<typeof hsSearchPageSchema>;

export const hsBatchSchema = z.object({
  status: z.string().optional(),
  results: z.array(hsObjectSchema),
  errors: z.array(z.object({ category: z.string().optional(), message: z.string().optional() })).optional(),
});

export const hsUpsertBatchSchema = z.object({
  results: z.array(hsObjectSchema.extend({ new: z.boolean().optional() })),
  errors: z.array(z.object({ category: z.string().optional(), message: z.string().optional() })).optional(),
});

export const hsOwnersPageSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      firstName: z.string().nullable().optional(),
      lastName: z.string().nullable().optional(),
      email: z.string().nullable().optional(),
    }),
  ),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});

export const hsPipelinesSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      displayOrder: z.number().optional(),
      stages: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          displayOrder: z.number().optional(),
          metadata: z.record(z.string(), z.string().nullable().optional()).optional(),
        }),
      ),
    }),
  ),
});
export type HsPipelines = z.infer<typeof hsPipelinesSchema>;

export const hsAccountInfoSchema = z.object({
  portalId: z.union([z.number(), z.string()]).transform(String),
  uiDomain: z.string().optional(),
  accountType: z.string().optional(),
  companyCurrency: z.string().optional(),
});

/**
 * HubSpot's token check (POST /oauth/v2/private-apps/get/access-token-info): the portal (hubId) a private-app token
 * belongs to and the scopes it holds. Whether Service Keys get the same answer is not documented; an answer of
 * another shape fails this schema, and the connector then checks the scopes by probing.
 */
export const hsTokenInfoSchema = z.object({
  hubId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String),
  userId: z.number().optional(),
  appId: z.number().optional(),
  scopes: z.array(z.string()),
});

/** The persisted form of a portal's directory (see HubSpotPortal.directory() in connection.ts); read back through this schema. */
export const hubSpotDirectorySchema = z.object({
  portalId: z.string().min(1),
  /** Kept from account-info for the connection's name; absent in copies kept before it was. */
  uiDomain: z.string().nullable().optional(),
  currency: z.string().nullable(),
  /** [owner id, display name]; null when the token lacks the owners scope. */
  owners: z.array(z.tuple([z.string(), z.string()])).nullable(),
  /** null when the token lacks the tickets scope. */
  ticketPipelines: hsPipelinesSchema.nullable(),
  fetchedAt: z.number(),
});
export type HubSpotDirectory = z.infer<typeof hubSpotDirectorySchema>;

export const hsPropertiesSchema = z.object({
  results: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      type: z.string(),
      fieldType: z.string().optional(),
      hasUniqueValue: z.boolean().optional(),
      hidden: z.boolean().optional(),
    }),
  ),
});

export const hsSchemasSchema = z.object({
  results: z.array(
    z.object({
      objectTypeId: z.string(),
      fullyQualifiedName: z.string().optional(),
      name: z.string(),
      labels: z.object({ singular: z.string().optional(), plural: z.string().optional() }).optional(),
    }),
  ),
});

/** HubSpot's error body (all fields optional: gateways and proxies answer with other shapes). */
export const hsErrorSchema = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  errorType: z.string().optional(),
  policyName: z.string().optional(),
  errors: z
    .array(z.object({ message: z.string().optional(), context: z.record(z.string(), z.array(z.string())).optional() }))
    .optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});
export type HsError = z.infer<typeof hsErrorSchema>;

/** Epoch milliseconds from a HubSpot date: ISO date/datetime, epoch-ms string or number, or a Date. */
export function toEpochMs(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d{10,14}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** HubSpot stores every property value as a string; the shared score schema reads it. */
export function parseScore(raw: unknown, kind: SurveyKind): ScoreParse {
  return readScore(kind, raw);
}

export function surveyKindFrom(value: string | null | undefined): SurveyKind | null {
  const v = (value ?? '').trim().toUpperCase();
  if (v === 'NPS') return 'nps';
  if (v === 'CSAT') return 'csat';
  if (v === 'CES' || v === 'CUSTOMER_EFFORT') return 'ces';
  return null;
}

/** Where a row sits: the portal, and the contact and company it belongs to. */
export interface RowContext {
  portal: string;
  /** Contact id → company id (null when the contact has none). */
  companyOf: (contactId: string) => string | null;
}

export type RowResult = { ok: true; response: SurveyResponse } | { ok: false; rejected: RejectedRow };

function reject(source: string, rowId: string, field: string, value: unknown, reason: string): RowResult {
  return { ok: false, rejected: { source, rowId, field, value: value === undefined ? 'null' : String(value), reason } };
}

function text(value: string | null | undefined): string | null {
  const t = (value ?? '').trim();
  return t === '' ? null : t;
}

export const FEEDBACK_PROPERTIES = [
  'hs_value',
  'hs_survey_type',
  'hs_content',
  'hs_submission_timestamp',
  'hs_survey_name',
  'hs_survey_channel',
  'hs_contact_id',
  'hs_ticket_id',
] as const;

/** One feedback_submissions row. `contactId` falls back to the association when hs_contact_id is empty. */
export function feedbackToResponse(row: HsObject, sourceId: string, ctx: RowContext, contactId?: string): RowResult {
  const p = row.properties;
  const kind = surveyKindFrom(p.hs_survey_type);
  if (!kind) return reject(sourceId, row.id, 'hs_survey_type', p.hs_survey_type, 'unknown survey type');
  const score = parseScore(p.hs_value, kind);
  if (!score.ok) return reject(sourceId, row.id, 'hs_value', p.hs_value, score.reason);
  const submittedAt = toEpochMs(p.hs_submission_timestamp) ?? row.createdAt ?? null;
  if (submittedAt === null) return reject(sourceId, row.id, 'hs_submission_timestamp', p.hs_submission_timestamp, 'no date');
  const contact = text(p.hs_contact_id) ?? contactId ?? null;
  if (!contact) return reject(sourceId, row.id, 'hs_contact_id', p.hs_contact_id, 'not linked to a contact');
  const company = ctx.companyOf(contact);
  return {
    ok: true,
    response: surveyResponse({
      crm: 'hubspot',
      instance: ctx.portal,
      id: row.id,
      contactId: contact,
      accountId: company,
      kind,
      score: score.score,
      submittedAt,
      comment: text(p.hs_content),
      surveyName: text(p.hs_survey_name),
      channel: text(p.hs_survey_channel),
      source: sourceId,
      subjectId: text(p.hs_ticket_id),
    }),
  };
}

type ContactPropertySource = Extract<HubSpotSource, { kind: 'hubspot-contact-properties' }>;
type CustomObjectSource = Extract<HubSpotSource, { kind: 'hubspot-custom-object' }>;

/** Entries of a property's history, oldest first, with their change times. */
function history(row: HsObject, property: string | null): Array<{ value: string | null; at: number }> {
  if (!property) return [];
  const entries = row.propertiesWithHistory?.[property];
  if (entries && entries.length > 0) {
    return entries.map((e) => ({ value: e.value ?? null, at: e.timestamp })).sort((a, b) => a.at - b.at);
  }
  return [];
}

/** The entry of a companion property written with the score (survey tools write score, comment and date together). */
function companionAt(entries: Array<{ value: string | null; at: number }>, at: number): string | null {
  const SAME_WRITE_MS = 5 * 60_000;
  let best: { value: string | null; at: number } | null = null;
  for (const e of entries) {
    if (Math.abs(e.at - at) <= SAME_WRITE_MS && (!best || Math.abs(e.at - at) < Math.abs(best.at - at))) best = e;
  }
  return best?.value ?? null;
}

/**
 * Survey tools overwrite "last score" contact properties; HubSpot's property history keeps every value, so each
 * history entry of the score property is one response. Without history (e.g. a search result), the current value is
 * the only response known.
 */
export function contactPropertiesToResponses(row: HsObject, source: ContactPropertySource, ctx: RowContext): RowResult[] {
  const scores = history(row, source.scoreProperty);
  const comments = history(row, source.commentProperty);
  const dates = history(row, source.dateProperty);
  const current = row.properties[source.scoreProperty];
  const entries =
    scores.length > 0
      ? scores
      : current === null || current === undefined || current === ''
        ? []
        : [{ value: current, at: toEpochMs(source.dateProperty ? row.properties[source.dateProperty] : null) ?? row.createdAt ?? 0 }];
  const results: RowResult[] = [];
  const company = ctx.companyOf(row.id);
  for (const entry of entries) {
    // A cleared property is not an answer; it is not a rejected answer either.
    if (entry.value === null || entry.value === '') continue;
    const id = `${row.id}-${source.id}-${entry.at}`;
    const score = parseScore(entry.value, source.surveyKind);
    if (!score.ok) {
      results.push(reject(source.id, id, source.scoreProperty, entry.value, score.reason));
      continue;
    }
    const dateValue = scores.length > 0 ? companionAt(dates, entry.at) : source.dateProperty ? (row.properties[source.dateProperty] ?? null) : null;
    const commentValue =
      scores.length > 0 ? companionAt(comments, entry.at) : source.commentProperty ? (row.properties[source.commentProperty] ?? null) : null;
    results.push({
      ok: true,
      response: surveyResponse({
        crm: 'hubspot',
        instance: ctx.portal,
        id,
        contactId: row.id,
        accountId: company,
        kind: source.surveyKind,
        score: score.score,
        submittedAt: toEpochMs(dateValue) ?? entry.at,
        comment: text(commentValue),
        surveyName: source.surveyName,
        channel: null,
        source: source.id,
        subjectId: null,
      }),
    });
  }
  return results;
}

export function customObjectToResponse(row: HsObject, source: CustomObjectSource, ctx: RowContext, contactId: string | null): RowResult {
  const p = row.properties;
  const kind = source.surveyKindProperty ? (surveyKindFrom(p[source.surveyKindProperty]) ?? source.fixedSurveyKind) : source.fixedSurveyKind;
  const score = parseScore(p[source.scoreProperty], kind);
  if (!score.ok) return reject(source.id, row.id, source.scoreProperty, p[source.scoreProperty], score.reason);
  const submittedAt = toEpochMs(p[source.dateProperty]);
  if (submittedAt === null) return reject(source.id, row.id, source.dateProperty, p[source.dateProperty], 'no date');
  if (!contactId) return reject(source.id, row.id, 'associations.contacts', null, 'not linked to a contact');
  const company = ctx.companyOf(contactId);
  return {
    ok: true,
    response: surveyResponse({
      crm: 'hubspot',
      instance: ctx.portal,
      id: `${source.objectType}-${row.id}`,
      contactId,
      accountId: company,
      kind,
      score: score.score,
      submittedAt,
      comment: source.commentProperty ? text(p[source.commentProperty]) : null,
      surveyName: source.surveyNameProperty ? text(p[source.surveyNameProperty]) : null,
      channel: null,
      source: source.id,
      subjectId: null,
    }),
  };
}

/** Splits row results into the usable responses and the rejected rows. */
export function partitionRows(results: RowResult[]): { responses: SurveyResponse[]; rejected: RejectedRow[] } {
  const responses: SurveyResponse[] = [];
  const rejected: RejectedRow[] = [];
  for (const r of results) {
    if (r.ok) responses.push(r.response);
    else rejected.push(r.rejected);
  }
  return { responses, rejected };
}

/** A unique-value property holding a write's idempotency key: on notes (outcomes) and on follow-up tickets. */
export const KEY_PROPERTY = 'loyalty_lens_key';

/** A contact's name as HubSpot shows it: first and last name, else the email. */
export function nameOf(p: HsObject['properties']): string {
  const name = [p.firstname, p.lastname].filter((s) => s && s.trim() !== '').join(' ').trim();
  return name || p.email || 'Unnamed contact';
}
