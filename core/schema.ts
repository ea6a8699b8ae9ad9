import { z } from 'zod';
import { OUTCOME_RESULTS } from './outcome-results';

// The data model of Loyalty Lens. Every type the product uses is inferred from these schemas,
// so what is validated at an edge is exactly what the rest of the code relies on.

export const crmSchema = z.enum(['hubspot', 'salesforce']);
export type Crm = z.infer<typeof crmSchema>;

export const objectTypeSchema = z.enum(['contact', 'company', 'deal', 'ticket', 'account', 'opportunity', 'case', 'lead']);
export type ObjectType = z.infer<typeof objectTypeSchema>;

/** Which CRM record a page shows. Salesforce ids are always the 18-character form. */
export const recordRefSchema = z.strictObject({
  crm: crmSchema,
  instance: z.string().min(1).max(253).regex(/^[a-z0-9.-]+$/),
  objectType: objectTypeSchema,
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9]+$/),
});
export type RecordRef = z.infer<typeof recordRefSchema>;

export const surveyKindSchema = z.enum(['nps', 'csat', 'ces']);
export type SurveyKind = z.infer<typeof surveyKindSchema>;

export const segmentSchema = z.enum(['promoter', 'passive', 'detractor']);
export type Segment = z.infer<typeof segmentSchema>;

export { refKey, rowKey } from './keys';

const cachedRow = {
  key: z.string(),
  crm: crmSchema,
  instance: z.string(),
  id: z.string(),
};

export const surveyResponseSchema = z.object({
  ...cachedRow,
  contactKey: z.string(),
  accountKey: z.string().nullable(),
  kind: surveyKindSchema,
  /** On the survey's own scale: NPS 0–10, CSAT 1–5, CES 1–7 (or 1–5 for older surveys). */
  score: z.number(),
  scaleMax: z.number().int().positive(),
  submittedAt: z.number().int(),
  comment: z.string().nullable(),
  surveyName: z.string().nullable(),
  channel: z.string().nullable(),
  /** Id of the score mapping (settings) that produced this row. */
  source: z.string(),
  /** The CRM record this response is linked to (ticket/case), when known. */
  subjectId: z.string().nullable(),
});
export type SurveyResponse = z.infer<typeof surveyResponseSchema>;

export const contactSchema = z.object({
  ...cachedRow,
  accountKey: z.string().nullable(),
  kind: z.enum(['contact', 'lead']),
  name: z.string(),
  email: z.string().nullable(),
  title: z.string().nullable(),
  ownerName: z.string().nullable(),
  /** Role in the buying group, used by the weighted roll-up. */
  role: z.string().nullable(),
  lastSurveyedAt: z.number().int().nullable(),
  url: z.string().nullable(),
});
export type Contact = z.infer<typeof contactSchema>;

export const accountSchema = z.object({
  ...cachedRow,
  name: z.string(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  /** The money behind the relationship, as configured: open pipeline or a revenue field. */
  revenue: z.number().nullable(),
  /** Where `revenue` comes from: the open deals/opportunities, or the revenue field the admin configured. */
  revenueSource: z.enum(['openPipeline', 'field']),
  /** The configured revenue field's name; the open-pipeline label is translated by the panel. */
  revenueLabel: z.string(),
  /** ISO 4217 code of `revenue` (the company's or org's currency); null when the CRM does not say. */
  currency: z.string().nullable(),
  contactCount: z.number().int().nonnegative(),
  url: z.string().nullable(),
});
export type Account = z.infer<typeof accountSchema>;

/**
 * Account-wide counts the CRM computed (HubSpot search `total`, Salesforce aggregate SOQL), so a
 * 2,500-contact account is summarized without pulling its rows.
 */
export const accountCountsSchema = z.object({
  accountKey: z.string(),
  /** The method the counts follow. */
  method: z.enum(['window', 'latestPerContact', 'weightedByRole']),
  /**
   * The method the admin chose, when the CRM cannot count it for an account this size and `method` is what it could
   * count instead; the panel says so beside the number. Null when `method` is the chosen one.
   */
  unavailable: z.enum(['window', 'latestPerContact', 'weightedByRole']).nullable(),
  /** What n counts: people (each contact's latest answer) or answers (every answer in the window). */
  counted: z.enum(['people', 'answers']),
  windowDays: z.number().int().positive().nullable(),
  promoters: z.number().int().nonnegative(),
  passives: z.number().int().nonnegative(),
  detractors: z.number().int().nonnegative(),
  respondents: z.number().int().nonnegative(),
  /**
   * Weighted by role: the counts per segment split by the contacts' role (or title), so the panel weighs them as the
   * small-account roll-up does. Empty for the other methods.
   */
  byRole: z.array(z.object({ role: z.string().nullable(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int() })),
  byQuarter: z.array(z.object({ quarter: z.string(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int() })),
  computedAt: z.number().int(),
});
export type AccountCounts = z.infer<typeof accountCountsSchema>;

/** An open deal (HubSpot) or opportunity (Salesforce) of an account, with the contacts on it. */
export const openDealSchema = z.object({
  ...cachedRow,
  accountKey: z.string(),
  kind: z.enum(['deal', 'opportunity']),
  name: z.string(),
  amount: z.number().nullable(),
  /** ISO 4217 code: the record's own currency, else the company's or org's. */
  currency: z.string().nullable(),
  /** The contacts on it: HubSpot deal–contact associations, Salesforce OpportunityContactRole. */
  contactKeys: z.array(z.string()),
  /**
   * What the CRM keeps on each of those contacts (name, latest NPS score: HubSpot's "Last NPS rating", Salesforce's
   * Loyalty_Lens_Last_NPS__c), for a contact whose answers the view did not read.
   */
  contactFacts: z.record(z.string(), z.object({ name: z.string(), latestNps: z.number().nullable() })),
  url: z.string().nullable(),
});
export type OpenDeal = z.infer<typeof openDealSchema>;

export const followUpSchema = z.object({
  ...cachedRow,
  kind: z.enum(['ticket', 'case', 'task']),
  contactKey: z.string().nullable(),
  accountKey: z.string().nullable(),
  responseKey: z.string().nullable(),
  title: z.string(),
  status: z.enum(['open', 'closed']),
  statusLabel: z.string().nullable(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  createdAt: z.number().int(),
  dueAt: z.number().int().nullable(),
  url: z.string().nullable(),
});
export type FollowUp = z.infer<typeof followUpSchema>;

export const outcomeResultSchema = z.enum(OUTCOME_RESULTS);
export type OutcomeResult = z.infer<typeof outcomeResultSchema>;

/** What the loop owner records; validated in the form and again in the background. */
export const outcomeInputSchema = z.strictObject({
  ref: recordRefSchema,
  contactId: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  followUpId: z.string().regex(/^[A-Za-z0-9]{1,64}$/).nullable(),
  responseId: z.string().regex(/^[A-Za-z0-9]{1,64}$/).nullable(),
  result: outcomeResultSchema,
  rootCauses: z.array(z.string().min(1).max(80)).max(10),
  note: z.string().max(10_000),
  nextStep: z.strictObject({ text: z.string().min(1).max(500), dueDate: z.iso.date() }).nullable(),
  thanked: z.boolean(),
  closeFollowUp: z.boolean(),
  /**
   * When the customer gave the answer this loop follows up, and when the follow-up was due (the SLA clock the panel
   * shows): the write records hours to first contact and whether it closed within the SLA. Absent on outcomes queued
   * before these existed; null when unknown.
   */
  answeredAt: z.number().int().nullable().optional(),
  dueAt: z.number().int().nullable().optional(),
});
export type OutcomeInput = z.infer<typeof outcomeInputSchema>;

export const outboxStateSchema = z.enum(['pending', 'in-flight', 'done', 'dead']);
export type OutboxState = z.infer<typeof outboxStateSchema>;

/** An outcome and its outbox entry are one row, written in one transaction. */
export const outcomeSchema = outcomeInputSchema.extend({
  idempotencyKey: z.string().min(16),
  crm: crmSchema,
  instance: z.string(),
  contactKey: z.string(),
  loggedAt: z.number().int(),
  loggedBy: z.string().nullable(),
  state: outboxStateSchema,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.number().int(),
  leaseUntil: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** CrmError kind of the last failure, so reconnecting can requeue outcomes that failed on auth. */
  lastErrorKind: z.string().nullable(),
  crmRecordId: z.string().nullable(),
  crmRecordUrl: z.string().nullable(),
});
export type Outcome = z.infer<typeof outcomeSchema>;

/** A close-the-loop record as read back from the CRM (notes / tasks), so the whole team's loops show. */
export const loopRecordSchema = z.object({
  ...cachedRow,
  contactKey: z.string(),
  idempotencyKey: z.string().nullable(),
  loggedAt: z.number().int(),
  loggedBy: z.string().nullable(),
  result: outcomeResultSchema.nullable(),
  rootCauses: z.array(z.string()),
  summary: z.string(),
  url: z.string().nullable(),
});
export type LoopRecord = z.infer<typeof loopRecordSchema>;

/** A CRM row a mapping could not use, kept with its reason so the admin can fix the mapping. */
export const rejectedRowSchema = z.object({
  source: z.string(),
  rowId: z.string(),
  field: z.string(),
  value: z.string(),
  reason: z.string(),
});
export type RejectedRow = z.infer<typeof rejectedRowSchema>;

/** Everything a connector assembled for one record view. */
export const recordContextSchema = z.object({
  ref: recordRefSchema,
  title: z.string(),
  /** The contact(s) this record is about (a contact, a ticket's contacts…); empty on an account view. */
  focusContactKeys: z.array(z.string()),
  account: accountSchema.nullable(),
  accountCounts: accountCountsSchema.nullable(),
  contacts: z.array(contactSchema),
  responses: z.array(surveyResponseSchema),
  /**
   * The open follow-ups this view lists, by one rule in both CRMs: a contact's own and its account's that name no
   * contact; on a company/account, the account's and all its contacts'; on a deal/opportunity or ticket/case, those
   * of the record's contacts and its account's that name no contact. Each row names its contact when it has one.
   */
  followUps: z.array(followUpSchema),
  /**
   * Which follow-ups the read looked at: the focus contacts' only; theirs and the account's that name no contact; or
   * the whole account's (its own and all its contacts'). A row the read could not have seen stays listed as it was.
   */
  followUpsRead: z.enum(['focus', 'focusAndAccount', 'account']),
  /** The account's open deals/opportunities with their contacts, for revenue at risk; undefined when not read. */
  deals: z.array(openDealSchema).optional(),
  /** The focus contacts' close-the-loop history; null when the connector reads it only on request (loadLoopHistory). */
  loops: z.array(loopRecordSchema).nullable(),
  rejected: z.array(rejectedRowSchema),
  requestCount: z.number().int().nonnegative(),
  fetchedAt: z.number().int(),
});
export type RecordContext = z.infer<typeof recordContextSchema>;
