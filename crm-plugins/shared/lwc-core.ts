import { rowKey } from '../../core/keys';
import type { Account, Contact, FollowUp, OpenDeal, OutcomeInput, RecordContext, RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import type { SalesforceOrg } from '../../integrations/salesforce/connection';
import { caseFollowUp, taskFollowUp } from '../../integrations/salesforce/follow-ups';
import { outcomeTask, TASK_KEY_FIELD } from '../../integrations/salesforce/outcomes';
import { SALESFORCE_SURVEYS_PRESET } from '../../integrations/salesforce/presets';
import { openDeal, toContact } from '../../integrations/salesforce/record-context';
import { parseSurveyRows, sfCaseSchema, sfContactSchema, sfOpenOpportunitySchema, sfTaskSchema } from '../../integrations/salesforce/schema';

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

const ACCOUNT_VIEWS: readonly LwcObject[] = ['Account'];

/**
 * The record's loyalty context from the component's query, assembled as the extension's Salesforce connector assembles
 * it (integrations/salesforce/record-context.ts), with its own row mappers and parsers.
 */
export function contextFromGraphql(data: Json, view: LwcView, instance: string, now: number, currencies: Record<string, string | null> = {}): RecordContext {
  const key = (id: string) => rowKey('salesforce', instance, id);
  // The members of a connected org the connector's mappers read.
  const org = { key, instance: () => instance } as unknown as SalesforceOrg;

  const contacts = new Map<string, Contact>();
  for (const raw of rows(data, 'Contact')) {
    const parsed = sfContactSchema.safeParse({ Email: null, Title: null, OwnerId: null, Owner: null, ...(raw as object) });
    if (parsed.success) contacts.set(parsed.data.Id, { ...toContact(org, parsed.data), url: null });
  }

  const { parsed: responses, rejected } = parseSurveyRows(SALESFORCE_SURVEYS_PRESET, rows(data, 'SurveyQuestionResponse'), { instance });

  const followUps = new Map<string, FollowUp>();
  for (const raw of rows(data, 'Case')) {
    const parsed = sfCaseSchema.safeParse({ Type: null, Origin: null, OwnerId: null, Owner: null, ...(raw as object) });
    if (parsed.success && !parsed.data.IsClosed) followUps.set(parsed.data.Id, { ...caseFollowUp(org, parsed.data), url: null });
  }
  for (const raw of rows(data, 'Task')) {
    const parsed = sfTaskSchema.safeParse({ Description: null, ActivityDate: null, WhatId: null, OwnerId: null, Owner: null, CreatedBy: null, ...(raw as object) });
    if (parsed.success && !parsed.data.IsClosed) followUps.set(parsed.data.Id, { ...taskFollowUp(org, parsed.data, view.accountId), url: null });
  }

  const accountRow = rows(data, 'Account')[0] as { Id?: string; Name?: string; OwnerId?: string | null; Owner?: { Name?: string } | null } | undefined;
  const opportunities = rows(data, 'Opportunity').flatMap((raw) => {
    const id = (raw as { Id?: string } | null)?.Id;
    const parsed = sfOpenOpportunitySchema.safeParse({ ...(raw as object), CurrencyIsoCode: id ? (currencies[id] ?? null) : null });
    return parsed.success ? [parsed.data] : [];
  });
  let account: Account | null = null;
  let deals: OpenDeal[] | undefined;
  if (view.accountId && accountRow?.Id) {
    const currency = currencies[accountRow.Id] ?? null;
    deals = opportunities.map((o) => ({ ...openDeal(org, accountRow.Id!, o, currency), url: null }));
    account = {
      key: key(accountRow.Id),
      crm: 'salesforce',
      instance,
      id: accountRow.Id,
      name: accountRow.Name ?? '',
      ownerId: accountRow.OwnerId ?? null,
      ownerName: accountRow.Owner?.Name ?? null,
      revenue: opportunities.reduce((sum, o) => sum + (o.Amount ?? 0), 0),
      revenueSource: 'openPipeline',
      revenueLabel: '',
      currency,
      contactCount: [...contacts.values()].filter((c) => c.accountKey === key(accountRow.Id!)).length,
      url: null,
    };
  }

  // A contact or a case is about its contact, an opportunity about its contact roles, an account about itself.
  const roles = rows(data, 'OpportunityContactRole').flatMap((r) => {
    const id = (r as { ContactId?: unknown } | null)?.ContactId;
    return typeof id === 'string' ? [id] : [];
  });
  const focusIds =
    view.objectApiName === 'Contact' ? [view.recordId] : view.objectApiName === 'Case' ? (view.contactId ? [view.contactId] : []) : view.objectApiName === 'Opportunity' ? [...new Set(roles)] : [];
  return {
    ref: { crm: 'salesforce', instance, objectType: OBJECT_TYPES[view.objectApiName], id: view.recordId },
    title: view.title,
    focusContactKeys: focusIds.map(key),
    account,
    accountCounts: null,
    contacts: [...contacts.values()],
    responses: responses.sort((a, b) => b.submittedAt - a.submittedAt),
    followUps: [...followUps.values()],
    followUpsRead: ACCOUNT_VIEWS.includes(view.objectApiName) ? 'account' : view.accountId ? 'focusAndAccount' : 'focus',
    ...(deals ? { deals } : {}),
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
