import type { Outcome, OutcomeResult } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { chunks } from '../batches';
import { CrmError, type OutcomeWriteResult } from '../crm';
import { nextStepLines } from '../loop-text';
import { parseWith, type Meter } from './client';
import type { SalesforceOrg } from './connection';
import { saveError, toCrmError } from './errors';
import { objectTypeOfId } from './ids';
import { recordUrl } from './paths';
import { caseStatusSchema, describeSchema, queryResultSchema, saveResultsSchema, sfTaskSchema } from './schema';
import * as soql from './soql';

// Close-the-loop outcomes on Salesforce: one completed Task per outcome, upserted on its key where the org has the
// External ID field, found by the key in its subject before creating where it has not.

/** External ID field on Task that makes outcome writes upserts (created by the admin; optional). */
export const TASK_KEY_FIELD = 'Loyalty_Lens_Key__c';
const MAX_RECORDS_PER_COLLECTION = 200;
/** Keys looked for in one Task query (a LIKE per key keeps the SOQL well under its length limit). */
const MARKERS_PER_QUERY = 20;

/** The Task subject's words for each result. HubSpot's note says "Reached, not resolved yet" where this says "Reached, not resolved". */
export const RESULT_LABELS: Record<OutcomeResult, string> = {
  'reached-resolved': 'Reached, resolved',
  'reached-unresolved': 'Reached, not resolved',
  'no-answer': 'No answer',
  escalated: 'Escalated',
  'promoter-reference': 'Promoter: reference',
  'promoter-review': 'Promoter: review',
  'promoter-community': 'Promoter: community',
};

export function outcomeSubject(outcome: Pick<Outcome, 'result' | 'idempotencyKey'>, withMarker: boolean): string {
  const base = `${soql.LOOP_SUBJECT_PREFIX}: ${RESULT_LABELS[outcome.result]}`;
  // Without the External ID field the key must sit in a filterable field (Description is a long text area).
  return withMarker ? `${base} [${outcome.idempotencyKey}]` : base;
}

export function outcomeDescription(outcome: Outcome): string {
  const lines = [
    `Result: ${outcome.result}`,
    `Root causes: ${outcome.rootCauses.join('; ') || '—'}`,
    `Thanked: ${outcome.thanked ? 'yes' : 'no'}`,
  ];
  lines.push(...nextStepLines(outcome));
  if (outcome.responseId) lines.push(`Response: ${outcome.responseId}`);
  lines.push(`Key: ${outcome.idempotencyKey}`);
  if (outcome.loggedBy) lines.push(`Logged by: ${outcome.loggedBy}`);
  return `${lines.join('\n')}\n\n${outcome.note}`.trimEnd().slice(0, 32_000);
}

function outcomeTask(outcome: Outcome, withKeyField: boolean): Record<string, unknown> {
  const whoIsLead = objectTypeOfId(outcome.contactId) === 'lead';
  const what =
    outcome.followUpId && objectTypeOfId(outcome.followUpId) === 'case'
      ? outcome.followUpId
      : ['account', 'opportunity', 'case'].includes(outcome.ref.objectType)
        ? outcome.ref.id
        : null;
  return {
    attributes: { type: 'Task' },
    ...(withKeyField ? { [TASK_KEY_FIELD]: outcome.idempotencyKey } : {}),
    Subject: outcomeSubject(outcome, !withKeyField),
    Status: 'Completed',
    TaskSubtype: 'Call',
    Priority: 'Normal',
    WhoId: outcome.contactId,
    // A Task about a lead cannot name a related record.
    ...(what && !whoIsLead ? { WhatId: what } : {}),
    ActivityDate: new Date(outcome.loggedAt).toISOString().slice(0, 10),
    Description: outcomeDescription(outcome),
  };
}

async function hasTaskKeyField(org: SalesforceOrg, meter: Meter): Promise<boolean> {
  if (org.taskKeyField !== null) return org.taskKeyField;
  const body = await org.api.request({ method: 'GET', url: org.api.paths.describe('Task'), idempotent: true }, meter);
  const describe = parseWith(describeSchema, body, 'the Task description');
  org.taskKeyField = describe.fields.some((f) => f.name === TASK_KEY_FIELD && f.externalId === true);
  return org.taskKeyField;
}

async function closingStatus(org: SalesforceOrg, settings: Settings, meter: Meter): Promise<string> {
  if (settings.salesforce.closedCaseStatus) return settings.salesforce.closedCaseStatus;
  if (org.closedStatus) return org.closedStatus;
  const body = await org.api.query(soql.closedCaseStatusQuery(), meter);
  const rows = parseWith(queryResultSchema(caseStatusSchema), body, 'the case statuses').records.filter((r) => r.IsClosed);
  const first = rows[0];
  if (!first) throw new CrmError('config', 'This Salesforce org has no closed case status; set one in the Loyalty Lens options.');
  org.closedStatus = first.ApiName ?? first.MasterLabel;
  return org.closedStatus;
}

/** Writes outcome Tasks; returns the save result per outcome, in order. */
async function writeTasks(org: SalesforceOrg, batch: Outcome[], meter: Meter): Promise<Array<{ ok: true; id: string } | { ok: false; error: CrmError }>> {
  if (await hasTaskKeyField(org, meter)) {
    // Upsert on the External ID: sending the same outcome twice updates the one Task.
    const upsert = async (records: Record<string, unknown>[]) =>
      parseWith(
        saveResultsSchema,
        await org.api.request(
          { method: 'PATCH', url: org.api.paths.upsertCollection('Task', TASK_KEY_FIELD), body: { allOrNone: false, records }, idempotent: true },
          meter,
        ),
        'the Task save results',
      );
    const results = await upsert(batch.map((o) => outcomeTask(o, true)));
    // TaskSubtype can be set only when a Task is created; an update of an existing Task is sent again without it.
    const subtypeRefused = batch
      .map((o, i) => ({ o, i, r: results[i] }))
      .filter(({ r }) => r && !r.success && r.errors.some((e) => e.fields?.includes('TaskSubtype') || /TaskSubtype/.test(e.message)));
    if (subtypeRefused.length > 0) {
      const again = await upsert(
        subtypeRefused.map(({ o }) => {
          const { TaskSubtype: _subtype, ...rest } = outcomeTask(o, true);
          return rest;
        }),
      );
      subtypeRefused.forEach(({ i }, j) => {
        const retried = again[j];
        if (retried) results[i] = retried;
      });
    }
    return batch.map((_, i) => {
      const r = results[i];
      return r?.success && r.id ? { ok: true as const, id: r.id } : { ok: false as const, error: saveError(r) };
    });
  }
  // Without the field: look for Tasks already carrying each key in their subject, create only the rest.
  // A create is never retried blindly: a retry after a cut connection finds the Task this query sees.
  const existing = new Map<string, string>();
  for (const group of chunks(batch, MARKERS_PER_QUERY)) {
    const keys = group.map((o) => o.idempotencyKey);
    const found = parseWith(queryResultSchema(sfTaskSchema.pick({ Id: true, Subject: true })), await org.api.query(soql.taskByMarkerQuery(keys), meter), 'the Task lookup');
    for (const task of found.records) {
      const match = keys.find((k) => task.Subject?.includes(`[${k}]`));
      if (match) existing.set(match, task.Id);
    }
  }
  const toCreate = batch.filter((o) => !existing.has(o.idempotencyKey));
  const created = new Map<string, { ok: true; id: string } | { ok: false; error: CrmError }>();
  if (toCreate.length > 0) {
    const body = await org.api.request(
      { method: 'POST', url: org.api.paths.collection, body: { allOrNone: false, records: toCreate.map((o) => outcomeTask(o, false)) }, idempotent: false },
      meter,
    );
    const results = parseWith(saveResultsSchema, body, 'the Task save results');
    toCreate.forEach((o, i) => {
      const r = results[i];
      created.set(o.idempotencyKey, r?.success && r.id ? { ok: true, id: r.id } : { ok: false, error: saveError(r) });
    });
  }
  return batch.map((o) => {
    const id = existing.get(o.idempotencyKey);
    return id ? { ok: true as const, id } : (created.get(o.idempotencyKey) ?? { ok: false as const, error: new CrmError('malformed', 'Salesforce skipped a Task.') });
  });
}

export async function writeOutcomes(org: SalesforceOrg, outcomes: Outcome[], settings: Settings): Promise<OutcomeWriteResult[]> {
  org.checkInstance();
  const meter: Meter = { requests: 0 };
  const results = new Map<string, OutcomeWriteResult>();
  for (const outcome of outcomes) {
    if (outcome.instance !== org.instance()) {
      results.set(outcome.idempotencyKey, {
        idempotencyKey: outcome.idempotencyKey,
        ok: false,
        error: new CrmError('wrong-instance', `This outcome belongs to Salesforce org ${outcome.instance}, but Loyalty Lens is connected to ${org.instance()}.`),
      });
    }
  }
  const pending = outcomes.filter((o) => !results.has(o.idempotencyKey));
  for (const batch of chunks(pending, MAX_RECORDS_PER_COLLECTION)) {
    let saved: Awaited<ReturnType<typeof writeTasks>>;
    try {
      saved = await writeTasks(org, batch, meter);
    } catch (error) {
      const crmError = toCrmError(error, { mapping: settings.salesforce });
      for (const o of batch) results.set(o.idempotencyKey, { idempotencyKey: o.idempotencyKey, ok: false, error: crmError });
      continue;
    }
    // Close the follow-ups the loop owner asked to close (Case status, or the open Task completed).
    const closing = batch.filter((o, j) => saved[j]?.ok && o.closeFollowUp && o.followUpId);
    const closeErrors = new Map<string, CrmError>();
    if (closing.length > 0) {
      try {
        const needsCaseStatus = closing.some((o) => objectTypeOfId(o.followUpId!) === 'case');
        const status = needsCaseStatus ? await closingStatus(org, settings, meter) : null;
        const updates = closing.map((o) =>
          objectTypeOfId(o.followUpId!) === 'case'
            ? { attributes: { type: 'Case' }, id: o.followUpId, Status: status }
            : { attributes: { type: 'Task' }, id: o.followUpId, Status: 'Completed' },
        );
        const body = await org.api.request({ method: 'PATCH', url: org.api.paths.collection, body: { allOrNone: false, records: updates }, idempotent: true }, meter);
        const updated = parseWith(saveResultsSchema, body, 'the follow-up save results');
        closing.forEach((o, j) => {
          const r = updated[j];
          if (!r?.success) closeErrors.set(o.idempotencyKey, saveError(r));
        });
      } catch (error) {
        const crmError = toCrmError(error, { mapping: settings.salesforce });
        for (const o of closing) closeErrors.set(o.idempotencyKey, crmError);
      }
    }
    batch.forEach((o, j) => {
      const s = saved[j];
      if (!s || !s.ok) {
        results.set(o.idempotencyKey, { idempotencyKey: o.idempotencyKey, ok: false, error: s?.error ?? new CrmError('malformed', 'Salesforce skipped a Task.') });
        return;
      }
      const closeError = closeErrors.get(o.idempotencyKey);
      results.set(o.idempotencyKey, {
        idempotencyKey: o.idempotencyKey,
        // The Task is written; a failed close is retried with it (the Task write is repeatable).
        ok: !closeError,
        crmRecordId: s.id,
        crmRecordUrl: recordUrl(org.instance(), 'Task', s.id),
        ...(closeError ? { error: closeError } : {}),
      });
    });
  }
  return outcomes.map((o) => results.get(o.idempotencyKey)!);
}
