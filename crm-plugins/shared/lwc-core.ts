import { rowKey } from '../../core/keys';
import type { Account, Contact, OutcomeInput, RecordContext, RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import type { SalesforceOrg } from '../../integrations/salesforce/connection';
import { caseFollowUp } from '../../integrations/salesforce/follow-ups';
import { outcomeTask, TASK_KEY_FIELD } from '../../integrations/salesforce/outcomes';
import { SALESFORCE_SURVEYS_PRESET } from '../../integrations/salesforce/presets';
import { parseSurveyRows, sfCaseSchema, sfContactSchema } from '../../integrations/salesforce/schema';

// What the build bundles into the Lightning component's c/loyaltyCore module: the card's figures and words, and the
// extension's own Salesforce parsers and Task writer, fed with what the UI API's GraphQL wire adapter returns. A
// GraphQL node is turned back into the REST record shape those parsers read, so rows are read by the same rules.

export * from './card-core';
export { TASK_KEY_FIELD };

/** The extension's default loop rules (SLA hours, priority bands, roll-up method, root causes), as the card uses them. */
export const DEFAULT_RULES = DEFAULT_SETTINGS.rules;

export type LwcObject = 'Contact' | 'Account' | 'Opportunity' | 'Case';

const OBJECT_TYPES: Record<LwcObject, RecordRef['objectType']> = { Contact: 'contact', Account: 'account', Opportunity: 'opportunity', Case: 'case' };

/** The record the component sits on, with the account and contact it is about (from getRecord). */
export interface LwcView {
  objectApiName: LwcObject;
  recordId: string;
  title: string;
  accountId: string | null;
  contactId: string | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A UI API GraphQL node as a REST record: `{ Name: { value } }` → `{ Name }`, a parent relationship → its record, a
 * child relationship's `edges` → `{ records }`. Ids stay as they are.
 */
export function restRecord(node: Json): Json {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const record: { [key: string]: Json } = {};
  for (const [name, value] of Object.entries(node)) {
    if (name === '__typename') continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      if ('value' in value) record[name] = value.value ?? null;
      else if ('edges' in value && Array.isArray(value.edges)) {
        const records = value.edges.map((edge) => restRecord(edge !== null && typeof edge === 'object' && !Array.isArray(edge) ? (edge.node ?? null) : null));
        record[name] = { totalSize: records.length, done: true, records };
      } else record[name] = restRecord(value);
    } else record[name] = value;
  }
  return record;
}

function rows(data: Json, objectName: string): Json[] {
  const query = (data as { uiapi?: { query?: Record<string, { edges?: Array<{ node: Json }> }> } } | null)?.uiapi?.query;
  return (query?.[objectName]?.edges ?? []).map((edge) => restRecord(edge.node));
}

/** The record's loyalty context, as the extension's Salesforce connector assembles it, from the component's query. */
export function contextFromGraphql(data: Json, view: LwcView, instance: string, now: number): RecordContext {
  const key = (id: string) => rowKey('salesforce', instance, id);
  // The two members caseFollowUp reads of a connected org.
  const org = { key, instance: () => instance } as unknown as SalesforceOrg;

  const contacts: Contact[] = [];
  for (const raw of rows(data, 'Contact')) {
    const parsed = sfContactSchema.safeParse({ Email: null, Title: null, OwnerId: null, Owner: null, CreatedDate: '', ...(raw as object) });
    if (!parsed.success) continue;
    const row = parsed.data;
    contacts.push({
      key: key(row.Id),
      crm: 'salesforce',
      instance,
      id: row.Id,
      accountKey: row.AccountId ? key(row.AccountId) : null,
      kind: 'contact',
      name: row.Name,
      email: row.Email,
      title: row.Title,
      ownerName: row.Owner?.Name ?? null,
      role: null,
      lastSurveyedAt: null,
      url: null,
    });
  }

  const { parsed: responses, rejected } = parseSurveyRows(SALESFORCE_SURVEYS_PRESET, rows(data, 'SurveyQuestionResponse'), { instance });

  const followUps = rows(data, 'Case').flatMap((raw) => {
    const parsed = sfCaseSchema.safeParse({ Type: null, Origin: null, OwnerId: null, Owner: null, ...(raw as object) });
    return parsed.success && !parsed.data.IsClosed ? [{ ...caseFollowUp(org, parsed.data), url: null }] : [];
  });

  const accountRow = rows(data, 'Account')[0] as { Id?: string; Name?: string; Owner?: { Name?: string } | null; Opportunities?: { records: Array<{ Amount?: number | null }> } } | undefined;
  const account: Account | null =
    view.accountId && accountRow?.Id
      ? {
          key: key(accountRow.Id),
          crm: 'salesforce',
          instance,
          id: accountRow.Id,
          name: accountRow.Name ?? '',
          ownerId: null,
          ownerName: accountRow.Owner?.Name ?? null,
          revenue: (accountRow.Opportunities?.records ?? []).reduce((sum, o) => sum + (o.Amount ?? 0), 0),
          revenueLabel: 'Open opportunities',
          currency: null,
          contactCount: contacts.filter((c) => c.accountKey === key(accountRow.Id!)).length,
          url: null,
        }
      : null;

  // A contact or a case is about its contact; an account or an opportunity is about the account.
  const focusId = view.objectApiName === 'Contact' ? view.recordId : view.objectApiName === 'Case' ? view.contactId : null;
  return {
    ref: { crm: 'salesforce', instance, objectType: OBJECT_TYPES[view.objectApiName], id: view.recordId },
    title: view.title,
    focusContactKeys: focusId ? [key(focusId)] : [],
    account,
    accountCounts: null,
    contacts,
    responses,
    followUps,
    loops: null,
    rejected,
    requestCount: 1,
    fetchedAt: now,
  };
}

/** What the form holds; the key is made when the form opens and kept for every repeat of the same outcome. */
export interface LwcOutcome extends Omit<OutcomeInput, 'ref' | 'nextStep'> {
  idempotencyKey: string;
  loggedBy: string | null;
}

/** The Task createRecord writes: the extension's Task (integrations/salesforce/outcomes.ts), keyed by its External ID. */
export function taskRecordInput(view: LwcView, instance: string, outcome: LwcOutcome, loggedAt: number): { apiName: 'Task'; fields: Record<string, unknown> } {
  const ref: RecordRef = { crm: 'salesforce', instance, objectType: OBJECT_TYPES[view.objectApiName], id: view.recordId };
  const task = outcomeTask(
    {
      ...outcome,
      ref,
      nextStep: null,
      crm: 'salesforce',
      instance,
      contactKey: rowKey('salesforce', instance, outcome.contactId),
      loggedAt,
      state: 'in-flight',
      attempts: 1,
      nextAttemptAt: loggedAt,
      leaseUntil: null,
      lastError: null,
      lastErrorKind: null,
      crmRecordId: null,
      crmRecordUrl: null,
    },
    true,
  );
  const { attributes: _attributes, ...fields } = task;
  return { apiName: 'Task', fields };
}

/** Whether createRecord's failure may have come after Salesforce saved the Task (no answer, or a server error). */
export function mayHaveSaved(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status !== 'number' || status === 0 || status >= 500;
}

/** The words of a createRecord or wire error (one error, or GraphQL's list of them), for the person. */
export function errorMessage(error: unknown): string {
  const first = (Array.isArray(error) ? error[0] : error) as { body?: unknown; message?: unknown } | null | undefined;
  const body = first?.body;
  const inner = (Array.isArray(body) ? body[0] : body) as { message?: unknown } | null | undefined;
  const message = inner?.message ?? first?.message;
  return typeof message === 'string' && message ? message : 'Salesforce did not answer.';
}

/** A fresh idempotency key (the form's, for one outcome). */
export function newOutcomeKey(): string {
  return crypto.randomUUID();
}
