import { z } from 'zod';
import { readScore, surveyResponse } from '../scores';
import type { RejectedRow, SurveyKind, SurveyResponse } from '../../core/schema';
import type { SalesforceSource } from '../../core/settings';
import { relationshipOf } from './soql';

// zod schemas for what the Salesforce REST API returns, and the pure functions that turn rows into
// Loyalty Lens rows. Anything that does not match is refused at this edge, never passed on.

const id = z.string().regex(/^[A-Za-z0-9]{15,18}$/);
const text = z.string().nullable().optional().transform((v) => v ?? null);
const idOrNull = id.nullable().optional().transform((v) => v ?? null);
const named = z.object({ Name: z.string().nullable().optional() }).nullable().optional();

export const sfErrorSchema = z.array(
  z.object({ errorCode: z.string(), message: z.string(), fields: z.array(z.string()).optional() }).loose(),
);
export type SfError = z.infer<typeof sfErrorSchema>[number];

/** A query result page; `records` is validated by the caller's record schema. */
export function queryResultSchema<T extends z.ZodType>(record: T) {
  return z.object({
    totalSize: z.number().int().nonnegative(),
    done: z.boolean(),
    nextRecordsUrl: z.string().startsWith('/services/data/').optional(),
    records: z.array(record),
  });
}
export type QueryResult<T> = { totalSize: number; done: boolean; nextRecordsUrl?: string | undefined; records: T[] };

const child = <T extends z.ZodType>(record: T) => queryResultSchema(record).nullable().optional().transform((v) => v ?? null);

export const sfContactSchema = z.object({
  Id: id,
  Name: z.string(),
  Email: text,
  Title: text,
  AccountId: idOrNull,
  OwnerId: idOrNull,
  Owner: named,
  CreatedDate: z.string(),
});
export type SfContact = z.infer<typeof sfContactSchema>;

export const sfCaseSchema = z.object({
  Id: id,
  CaseNumber: z.string(),
  Subject: text,
  Status: text,
  IsClosed: z.boolean(),
  Type: text,
  Origin: text,
  ContactId: idOrNull,
  AccountId: idOrNull,
  OwnerId: idOrNull,
  Owner: named,
  CreatedDate: z.string(),
});
export type SfCase = z.infer<typeof sfCaseSchema>;

export const sfTaskSchema = z.object({
  Id: id,
  Subject: text,
  Description: text,
  Status: text,
  IsClosed: z.boolean(),
  ActivityDate: text,
  WhoId: idOrNull,
  WhatId: idOrNull,
  OwnerId: idOrNull,
  Owner: named,
  CreatedDate: z.string(),
  CreatedBy: named,
});
export type SfTask = z.infer<typeof sfTaskSchema>;

/** A score source's row; its fields are checked one by one by the row parsers, which keep the reasons. */
export const sfRowSchema = z.object({ Id: id }).loose();
export const sfContactNameSchema = z.object({ Id: id, Name: z.string() });
export const sfAmountSchema = z.object({ Amount: z.number().nullable() });

/** An open opportunity as the account query reads it, with its contact roles. */
export const sfOpenOpportunitySchema = z.object({
  Id: id,
  Name: z.string(),
  Amount: z.number().nullable(),
  CurrencyIsoCode: z.string().nullable().optional(),
  OpportunityContactRoles: child(
    z
      .object({
        ContactId: idOrNull,
        Contact: z.object({ Name: z.string().nullable().optional() }).loose().nullable().optional(),
      })
      .loose(),
  ),
});
export type SfOpenOpportunity = z.infer<typeof sfOpenOpportunitySchema>;

export const titleCountSchema = z.object({ t: z.string().nullable().optional(), n: z.number().int().nonnegative() }).loose();

export const sfContactRecordSchema = sfContactSchema.extend({ Cases: child(sfCaseSchema), Tasks: child(sfTaskSchema) });

export const sfLeadRecordSchema = z.object({
  Id: id,
  Name: z.string(),
  Email: text,
  Title: text,
  Company: text,
  OwnerId: idOrNull,
  Owner: named,
  CreatedDate: z.string(),
  Tasks: child(sfTaskSchema),
});

export const sfOpportunityRecordSchema = z.object({
  Id: id,
  Name: z.string(),
  AccountId: idOrNull,
  Amount: z.number().nullable().optional(),
  OwnerId: idOrNull,
  Owner: named,
  OpportunityContactRoles: child(z.object({ ContactId: idOrNull }).loose()),
});

/** The account with its children; the revenue field is read separately because its name is configured. */
export const sfAccountRecordSchema = z
  .object({
    Id: id,
    Name: z.string(),
    OwnerId: idOrNull,
    Owner: named,
    IsPersonAccount: z.boolean().optional(),
    PersonContactId: idOrNull,
    Contacts: child(sfContactSchema),
    Cases: child(sfCaseSchema),
    CurrencyIsoCode: z.string().nullable().optional(),
    Opportunities: child(sfOpenOpportunitySchema),
  })
  .loose();
export type SfAccountRecord = z.infer<typeof sfAccountRecordSchema>;

export const compositeResponseSchema = z.object({
  compositeResponse: z.array(
    z.object({
      body: z.unknown(),
      httpHeaders: z.record(z.string(), z.string()).optional(),
      httpStatusCode: z.number().int(),
      referenceId: z.string(),
    }),
  ),
});

export const aggregateRowSchema = z.object({ score: z.unknown(), n: z.number().int().nonnegative() }).loose();
export const quarterRowSchema = aggregateRowSchema.extend({ y: z.number().int(), q: z.number().int().min(1).max(4) });
export const countDistinctSchema = z.object({ n: z.number().int().nonnegative() }).loose();

export const describeFieldSchema = z
  .object({ name: z.string(), label: z.string(), type: z.string(), externalId: z.boolean().optional(), unique: z.boolean().optional() })
  .loose();
export const describeSchema = z
  .object({ name: z.string(), label: z.string(), fields: z.array(describeFieldSchema) })
  .loose();
export const describeGlobalSchema = z.object({
  sobjects: z.array(z.object({ name: z.string(), label: z.string(), queryable: z.boolean().optional() }).loose()),
});

export const caseStatusSchema = z.object({ MasterLabel: z.string(), ApiName: z.string().nullable().optional(), IsClosed: z.boolean() }).loose();

export const saveResultSchema = z.object({
  id: id.nullable().optional(),
  success: z.boolean(),
  created: z.boolean().optional(),
  errors: z.array(z.object({ statusCode: z.string().optional(), message: z.string(), fields: z.array(z.string()).optional() }).loose()),
});
export const saveResultsSchema = z.array(saveResultSchema);
export type SaveResult = z.infer<typeof saveResultSchema>;

/** An ISO 4217 currency code, as Salesforce's currency picklists hold them. */
const isoCurrency = z.string().regex(/^[A-Z]{3}$/);

/** `SELECT DefaultCurrencyIsoCode FROM Organization`: a single-currency org's currency (multi-currency: the corporate one). */
export const sfOrganizationCurrencySchema = z.object({ DefaultCurrencyIsoCode: isoCurrency.nullable().optional().transform((v) => v ?? null) }).loose();
/** `SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true`: only multi-currency orgs have the object. */
export const sfCorporateCurrencySchema = z.object({ IsoCode: isoCurrency }).loose();

/** What the connector learns about an org once per connection, kept across worker restarts (see connection.ts). */
export const orgFactsSchema = z.object({
  /** The org's API host: a kept copy of another org is not used. */
  instance: z.string().min(1),
  multiCurrency: z.boolean(),
  /** The org's corporate currency (a single-currency org's only one); null when the org names none. */
  currency: isoCurrency.nullable(),
  readAt: z.number(),
});
export type SalesforceOrgFacts = z.infer<typeof orgFactsSchema>;

export const userinfoSchema = z
  .object({ user_id: z.string(), organization_id: z.string(), name: z.string().optional(), preferred_username: z.string().optional() })
  .loose();

// ---------------------------------------------------------------------------------------------
// Dates and scores

/** Salesforce datetimes look like 2026-10-20T14:03:00.000+0000; dates like 2026-10-20 (taken as UTC midnight). */
export function parseSfDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  let iso = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  iso = iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}


function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.slice(0, 200);
  return JSON.stringify(value).slice(0, 200);
}

/** Reads a field or a relationship path (Invitation.Contact.AccountId) from a REST record. */
export function pick(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return null;
    const entry = Object.entries(current).find(([key]) => key.toLowerCase() === part.toLowerCase());
    current = entry?.[1] ?? null;
  }
  return current ?? null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function idOf(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9]{15,18}$/.test(value) ? value : null;
}

export interface ParsedRows {
  parsed: SurveyResponse[];
  rejected: RejectedRow[];
}

interface RowContext {
  instance: string;
}

// ---------------------------------------------------------------------------------------------
// Salesforce Surveys

type SurveysSource = Extract<SalesforceSource, { kind: 'salesforce-surveys' }>;
type CustomSource = Extract<SalesforceSource, { kind: 'salesforce-custom-object' }>;

function surveyKindOf(source: SurveysSource, record: unknown): SurveyKind | 'comment' | null {
  const type = pick(record, 'Question.QuestionType');
  const questionId = stringOrNull(pick(record, 'QuestionId'));
  if (type === 'NPS') return 'nps';
  if (questionId && source.csatQuestionIds.some((q) => sameId(q, questionId))) return 'csat';
  if (questionId && source.cesQuestionIds.some((q) => sameId(q, questionId))) return 'ces';
  if (type === 'FreeText') return 'comment';
  return null;
}

/** 15- and 18-character forms of one id are the same record. */
function sameId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}

/**
 * SurveyQuestionResponse rows → responses. Each NPS/CSAT/CES answer is one response; a free-text answer
 * in the same survey response becomes the comment of its NPS answer (or of its first score).
 */
export function parseSurveyRows(source: SurveysSource, records: unknown[], ctx: RowContext): ParsedRows {
  const parsed: SurveyResponse[] = [];
  const rejected: RejectedRow[] = [];
  const comments = new Map<string, string>();
  for (const record of records) {
    if (surveyKindOf(source, record) !== 'comment') continue;
    const responseId = stringOrNull(pick(record, 'ResponseId'));
    const comment = stringOrNull(pick(record, 'ResponseValue'));
    if (responseId && comment && !comments.has(responseId)) comments.set(responseId, comment);
  }
  const commented = new Set<string>();
  const ordered = [...records].sort((a, b) => Number(surveyKindOf(source, b) === 'nps') - Number(surveyKindOf(source, a) === 'nps'));
  for (const record of ordered) {
    const kind = surveyKindOf(source, record);
    if (kind === null || kind === 'comment') continue;
    const rowId = stringOrNull(pick(record, 'Id')) ?? '?';
    const reject = (field: string, value: unknown, reason: string) =>
      rejected.push({ source: source.id, rowId, field, value: display(value), reason });
    // NumberValue holds the answer; some channels leave it empty and keep only the text form.
    const number = pick(record, 'NumberValue');
    const field = number === null ? 'ResponseValue' : 'NumberValue';
    const raw = number ?? pick(record, 'ResponseValue');
    const score = readScore(kind, raw);
    if (!score.ok) {
      reject(field, raw, score.reason);
      continue;
    }
    const completion = pick(record, 'Response.CompletionDateTime');
    const submittedAt = parseSfDate(completion);
    if (submittedAt === null) {
      reject('Response.CompletionDateTime', completion, 'The response has no completion time (not submitted)');
      continue;
    }
    const contactId = idOf(pick(record, 'Invitation.ContactId')) ?? idOf(pick(record, 'Invitation.LeadId'));
    if (!contactId) {
      reject('Invitation.ContactId', pick(record, 'Invitation.ContactId'), 'The invitation names no contact or lead');
      continue;
    }
    const accountId = idOf(pick(record, 'Invitation.Contact.AccountId'));
    const responseId = stringOrNull(pick(record, 'ResponseId'));
    let comment: string | null = null;
    if (responseId && !commented.has(responseId)) {
      comment = comments.get(responseId) ?? null;
      if (comment) commented.add(responseId);
    }
    parsed.push(surveyResponse({
      crm: 'salesforce',
      instance: ctx.instance,
      id: rowId,
      contactId,
      accountId,
      kind,
      score: score.score,
      submittedAt,
      comment,
      surveyName: stringOrNull(pick(record, 'Invitation.Survey.Name')),
      channel: null,
      source: source.id,
      subjectId: null,
    }));
  }
  return { parsed, rejected };
}

// ---------------------------------------------------------------------------------------------
// A mapped custom object (Simple Survey, Qualtrics, SurveyMonkey…)

const KIND_WORDS: Record<string, SurveyKind> = {
  nps: 'nps',
  'net promoter': 'nps',
  'net promoter score': 'nps',
  csat: 'csat',
  satisfaction: 'csat',
  'customer satisfaction': 'csat',
  ces: 'ces',
  effort: 'ces',
  'customer effort': 'ces',
  'customer effort score': 'ces',
};

export function parseCustomRows(source: CustomSource, records: unknown[], ctx: RowContext): ParsedRows {
  const parsed: SurveyResponse[] = [];
  const rejected: RejectedRow[] = [];
  for (const record of records) {
    const rowId = stringOrNull(pick(record, 'Id')) ?? '?';
    const reject = (field: string, value: unknown, reason: string) =>
      rejected.push({ source: source.id, rowId, field, value: display(value), reason });
    let kind: SurveyKind = source.fixedSurveyKind;
    if (source.surveyKindField) {
      const rawKind = pick(record, source.surveyKindField);
      const word = typeof rawKind === 'string' ? KIND_WORDS[rawKind.trim().toLowerCase()] : undefined;
      if (rawKind !== null && rawKind !== '' && !word) {
        reject(source.surveyKindField, rawKind, 'Unknown survey type (expected NPS, CSAT or CES)');
        continue;
      }
      kind = word ?? source.fixedSurveyKind;
    }
    const raw = pick(record, source.scoreField);
    const score = readScore(kind, raw);
    if (!score.ok) {
      reject(source.scoreField, raw, score.reason);
      continue;
    }
    const rawDate = pick(record, source.dateField);
    const submittedAt = parseSfDate(rawDate);
    if (submittedAt === null) {
      reject(source.dateField, rawDate, 'Not a date');
      continue;
    }
    const contactId = idOf(pick(record, source.contactField));
    if (!contactId) {
      reject(source.contactField, pick(record, source.contactField), 'No contact linked');
      continue;
    }
    const accountId =
      (source.accountField ? idOf(pick(record, source.accountField)) : null) ??
      idOf(pick(record, `${relationshipOf(source.contactField)}.AccountId`));
    parsed.push(surveyResponse({
      crm: 'salesforce',
      instance: ctx.instance,
      id: rowId,
      contactId,
      accountId,
      kind,
      score: score.score,
      submittedAt,
      comment: source.commentField ? stringOrNull(pick(record, source.commentField)) : null,
      surveyName: source.surveyNameField ? stringOrNull(pick(record, source.surveyNameField)) : null,
      channel: null,
      source: source.id,
      subjectId: null,
    }));
  }
  return { parsed, rejected };
}

export function parseSourceRows(source: SalesforceSource, records: unknown[], ctx: RowContext): ParsedRows {
  return source.kind === 'salesforce-surveys' ? parseSurveyRows(source, records, ctx) : parseCustomRows(source, records, ctx);
}
