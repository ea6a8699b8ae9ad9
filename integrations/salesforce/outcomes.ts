import { z } from 'zod';
import type { Outcome, OutcomeResult } from '../../core/schema';
import { reasonForCauses } from '../../core/case-reason';
import type { Settings } from '../../core/settings';
import { CrmError, mayHaveCommitted, mayHaveReachedCrm, type OutcomeWriteResult } from '../crm';
import { mayStillBeRunning, unconfirmedCreate } from '../unconfirmed-creates';
import { loopDataLine } from '../loop-notes';
import { parseWith, type Meter } from './client';
import type { SalesforceOrg } from './connection';
import { saveError, toCrmError } from './errors';
import { objectTypeOfId } from './ids';
import { recordUrl } from './paths';
import { caseStatusSchema, describeSchema, parseSfDate, queryResultSchema, saveResultsSchema, sfTaskSchema, type SaveResult } from './schema';
import * as soql from './soql';
import { loopSteps } from '../../core/insights';
import { CAUSES_FIELD, STEPS_FIELD } from './insights';
import { caseLoopFields, FIRST_CONTACT_AT_FIELD, FIRST_CONTACT_HOURS_FIELD, REASON_FIELD, SLA_FIELD } from './loop-fields';
import { combineTimings, outcomeTiming, timingUpdate, type LoopTiming } from '../../core/loop-metrics';

// Close-the-loop outcomes on Salesforce: one completed Task per outcome, upserted on its key where the org has the
// External ID field, created with the key at the end of its subject where it has not (see writeTasks).

/** External ID field on Task that makes outcome writes upserts (created by the admin; optional). */
export const TASK_KEY_FIELD = 'Loyalty_Lens_Key__c';
const MAX_RECORDS_PER_COLLECTION = 200;

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

/**
 * The Task's Description: lines for people, the note, and last the data line Loyalty Lens reads back
 * (integrations/loop-notes.ts). The note comes before the data line, so its text cannot end the Description.
 */
export function outcomeDescription(outcome: Outcome): string {
  const lines = [
    `Result: ${RESULT_LABELS[outcome.result]}`,
    `Root causes: ${outcome.rootCauses.join('; ') || '—'}`,
    `Thanked: ${outcome.thanked ? 'yes' : 'no'}`,
  ];
  if (outcome.nextStep) lines.push(`Next step: ${outcome.nextStep.text.replace(/\s+/g, ' ')} (due ${outcome.nextStep.dueDate})`);
  if (outcome.responseId) lines.push(`Response: ${outcome.responseId}`);
  if (outcome.loggedBy) lines.push(`Logged by: ${outcome.loggedBy.replace(/\s+/g, ' ')}`);
  const data = loopDataLine(outcome);
  // Salesforce keeps 32,000 characters: the note gives way, never the data line.
  const note = outcome.note.trim().slice(0, Math.max(0, 32_000 - lines.join('\n').length - data.length - 4));
  return [lines.join('\n'), ...(note ? [note] : []), data].join('\n\n');
}

export function outcomeTask(outcome: Outcome, withKeyField: boolean): Record<string, unknown> {
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
  // Unique as well as External ID: on a field that is not, two upserts of one key that cross (a re-send while the first
  // is still running at Salesforce) can both insert. Such a field is not trusted; the subject's marker is used instead.
  org.taskKeyField = describe.fields.some((f) => f.name === TASK_KEY_FIELD && f.externalId === true && f.unique === true);
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

type Saved = { ok: true; id: string } | { ok: false; error: CrmError };

/** idempotencyKey → Task id for the outcomes whose Task the org already holds (queries: no index lag in SOQL). */
async function findTasks(org: SalesforceOrg, outcomes: Outcome[], withKeyField: boolean, meter: Meter): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const keys = outcomes.map((o) => o.idempotencyKey);
  if (withKeyField) {
    const rows = sfTaskSchema.pick({ Id: true }).extend({ [TASK_KEY_FIELD]: z.string().nullable().optional() });
    for (let i = 0; i < keys.length; i += 100) {
      const page = parseWith(queryResultSchema(rows), await org.api.query(soql.taskByKeyQuery(TASK_KEY_FIELD, keys.slice(i, i + 100)), meter), 'the Task lookup');
      for (const task of page.records) {
        const key = keys.find((k) => k.toLowerCase() === String(task[TASK_KEY_FIELD] ?? '').toLowerCase());
        if (key) found.set(key, task.Id);
      }
    }
    // An earlier attempt may have written before the admin added the field: its Task carries the key only at the end
    // of its subject, so what the field does not find is looked for by that marker too.
    const rest = outcomes.filter((o) => !found.has(o.idempotencyKey));
    if (rest.length > 0) for (const [key, id] of await findTasks(org, rest, false, meter)) found.set(key, id);
    return found;
  }
  for (let i = 0; i < keys.length; i += 20) {
    const part = keys.slice(i, i + 20);
    const page = parseWith(queryResultSchema(sfTaskSchema.pick({ Id: true, Subject: true })), await org.api.query(soql.taskByMarkerQuery(part), meter), 'the Task lookup');
    for (const task of page.records) {
      const key = part.find((k) => task.Subject?.endsWith(`[${k}]`));
      if (key) found.set(key, task.Id);
    }
  }
  return found;
}

/** Salesforce refused a field that can be set only when a record is created: the record exists already. */
function refusedCreateOnly(result: SaveResult | undefined): boolean {
  return !!result && !result.success && result.errors.some((e) => e.statusCode === 'INVALID_FIELD_FOR_INSERT_UPDATE' && (e.fields?.includes('TaskSubtype') || /TaskSubtype/.test(e.message)));
}

/**
 * Writes outcome Tasks, one per outcome whatever Salesforce answers; returns the save result per outcome, in order.
 * - An outcome that may have reached Salesforce before (mayHaveReachedCrm) is looked up first — by the External ID
 *   field, else by the `[key]` its Subject ends with — and a Task found is adopted as it is: nothing is sent.
 * - With the External ID field the rest are upserted on it (idempotent by construction, so the HTTP layer may send
 *   it again after a 5xx). TaskSubtype can be set only on create: an item refused for it is a Task an earlier send
 *   created, so it is looked up and adopted, never updated without the field.
 * - Without the field they are created (composite/sobjects, allOrNone=false); a create that met a 5xx, a timeout
 *   or a cut connection is looked up by its marker before anything is sent again. After Salesforce's own 500 or 503
 *   the Tasks not found are created once more at most; after a timeout, a cut connection or a gateway's 502/504 the
 *   first create may still be running, so they wait (unconfirmedCreate) and are looked up again first. Each item of a
 *   partial batch settles by its own result.
 */
async function writeTasks(org: SalesforceOrg, batch: Outcome[], meter: Meter, described = false): Promise<Saved[]> {
  const withKeyField = await hasTaskKeyField(org, meter);
  const saved = new Map<string, Saved>();
  // Without the External ID nothing stops a second create, so every Task is looked up first (SOQL has no lag).
  const repeats = withKeyField ? batch.filter(mayHaveReachedCrm) : batch;
  if (repeats.length > 0) for (const [key, id] of await findTasks(org, repeats, withKeyField, meter)) saved.set(key, { ok: true, id });
  const rest = batch.filter((o) => !saved.has(o.idempotencyKey));
  if (rest.length > 0 && withKeyField) {
    let results: SaveResult[];
    try {
      results = parseWith(
        saveResultsSchema,
        await org.api.request(
          { method: 'PATCH', url: org.api.paths.upsertCollection('Task', TASK_KEY_FIELD), body: { allOrNone: false, records: rest.map((o) => outcomeTask(o, true)) }, idempotent: true },
          meter,
        ),
        'the Task save results',
      );
    } catch (error) {
      // The field was removed since it was described: describe again and write by marker.
      if (!described && error instanceof CrmError && error.kind === 'not-found') {
        org.taskKeyField = null;
        return writeTasks(org, batch, meter, true);
      }
      throw error;
    }
    const existing = rest.filter((_, i) => refusedCreateOnly(results[i]));
    const adopted = existing.length > 0 ? await findTasks(org, existing, true, meter) : new Map<string, string>();
    rest.forEach((o, i) => {
      const r = results[i];
      const id = adopted.get(o.idempotencyKey);
      saved.set(o.idempotencyKey, id ? { ok: true, id } : r?.success && r.id ? { ok: true, id: r.id } : { ok: false, error: saveError(r) });
    });
  } else if (rest.length > 0) {
    const create = async (part: Outcome[]) => {
      const body = await org.api.request(
        { method: 'POST', url: org.api.paths.collection, body: { allOrNone: false, records: part.map((o) => outcomeTask(o, false)) }, idempotent: false },
        meter,
      );
      const results = parseWith(saveResultsSchema, body, 'the Task save results');
      part.forEach((o, i) => {
        const r = results[i];
        saved.set(o.idempotencyKey, r?.success && r.id ? { ok: true, id: r.id } : { ok: false, error: saveError(r) });
      });
    };
    try {
      await create(rest);
    } catch (error) {
      if (!mayHaveCommitted(error)) throw error;
      for (const [key, id] of await findTasks(org, rest, false, meter)) saved.set(key, { ok: true, id });
      const missing = rest.filter((o) => !saved.has(o.idempotencyKey));
      // A create that may still be running is looked up again once it must have ended, never sent beside it.
      if (missing.length > 0 && mayStillBeRunning(error)) for (const o of missing) saved.set(o.idempotencyKey, { ok: false, error: unconfirmedCreate(error, 'Salesforce') });
      else if (missing.length > 0) await create(missing);
    }
  }
  return batch.map((o) => saved.get(o.idempotencyKey) ?? { ok: false as const, error: new CrmError('malformed', 'Salesforce skipped a Task.') });
}

/**
 * The loop's data on the follow-up Case: the outcome's root causes and loop steps added to its multi-select picklists
 * (integrations/salesforce/insights.ts counts them); where the admin maps root causes to the Case Reason, the latest
 * outcome's first cause as its mapped Reason value (core/case-reason.ts: nothing unmapped, nothing the picklist lacks,
 * nothing when the Case has that value already); and its timing — first contact, hours from the answer to it,
 * closed within the SLA or late (the worklist's numbers count and sort them). The Cases are read first and updated only
 * with what they lack, so a repeat sends nothing; a value a picklist lacks is left out (the options page names it), and
 * an org without the fields gets the Task alone. Returns the error of each Case that could not be updated.
 */
async function markCases(org: SalesforceOrg, outcomes: Outcome[], settings: Settings, meter: Meter): Promise<Map<string, CrmError>> {
  const errors = new Map<string, CrmError>();
  const fields = await caseLoopFields(org, meter);
  const mapping = settings.salesforce.rootCauseField;
  const reasons = mapping.kind === 'caseReason' && fields.reason ? { map: mapping.reasons, values: fields.reason } : null;
  const names = [
    reasons ? REASON_FIELD : null,
    fields.causes ? CAUSES_FIELD : null,
    fields.steps ? STEPS_FIELD : null,
    fields.firstContactAt ? FIRST_CONTACT_AT_FIELD : null,
    fields.firstContactHours ? FIRST_CONTACT_HOURS_FIELD : null,
    fields.sla ? SLA_FIELD : null,
  ].filter((n): n is string => n !== null);
  if (names.length === 0) return errors;
  const wanted = new Map<string, { picks: Record<string, Set<string>>; reason: string | null; timings: LoopTiming[] }>();
  for (const o of outcomes) {
    const entry = wanted.get(o.followUpId!) ?? { picks: { [CAUSES_FIELD]: new Set<string>(), [STEPS_FIELD]: new Set<string>() }, reason: null, timings: [] };
    // Outcomes come in the order they were logged: the latest one naming a mapped first cause sets the Reason.
    entry.reason = (reasons && reasonForCauses(o.rootCauses, reasons.map, reasons.values)) ?? entry.reason;
    for (const c of o.rootCauses) if (fields.causes?.includes(c)) entry.picks[CAUSES_FIELD]!.add(c);
    for (const st of loopSteps(o)) if (fields.steps?.includes(st)) entry.picks[STEPS_FIELD]!.add(st);
    entry.timings.push(outcomeTiming(o));
    wanted.set(o.followUpId!, entry);
  }
  const ids = [...wanted.keys()];
  const rows = z.object({ Id: z.string() }).catchall(z.unknown());
  const held = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < ids.length; i += 200) {
    const query = `SELECT Id, ${names.join(', ')} FROM Case WHERE Id IN (${ids.slice(i, i + 200).map(soql.idLiteral).join(', ')})`;
    for (const row of parseWith(queryResultSchema(rows), await org.api.query(query, meter), 'the follow-up Cases').records) held.set(row.Id, row);
  }
  const updates = [...held.entries()].flatMap(([id, row]) => {
    const want = wanted.get(id)!;
    const record: Record<string, unknown> = { attributes: { type: 'Case' }, id };
    for (const name of [CAUSES_FIELD, STEPS_FIELD]) {
      if (!names.includes(name)) continue;
      const now = typeof row[name] === 'string' ? (row[name] as string).split(';').filter(Boolean) : [];
      const missing = [...want.picks[name]!].filter((v) => !now.includes(v));
      if (missing.length > 0) record[name] = [...now, ...missing].join(';');
    }
    if (reasons && want.reason !== null && row[REASON_FIELD] !== want.reason) record[REASON_FIELD] = want.reason;
    const update = timingUpdate(
      {
        firstContactAt: fields.firstContactAt ? parseSfDate(typeof row[FIRST_CONTACT_AT_FIELD] === 'string' ? (row[FIRST_CONTACT_AT_FIELD] as string) : null) : null,
        firstContactHours: typeof row[FIRST_CONTACT_HOURS_FIELD] === 'number' ? (row[FIRST_CONTACT_HOURS_FIELD] as number) : null,
        sla: typeof row[SLA_FIELD] === 'string' && row[SLA_FIELD] !== '' ? (row[SLA_FIELD] as string) : null,
      },
      combineTimings(want.timings),
    );
    if (fields.firstContactAt && update.firstContactAt !== undefined) record[FIRST_CONTACT_AT_FIELD] = new Date(update.firstContactAt).toISOString();
    if (fields.firstContactHours && update.firstContactHours != null) record[FIRST_CONTACT_HOURS_FIELD] = update.firstContactHours;
    if (update.sla && fields.sla?.includes(update.sla)) record[SLA_FIELD] = update.sla;
    return Object.keys(record).length > 2 ? [record] : [];
  });
  for (let i = 0; i < updates.length; i += MAX_RECORDS_PER_COLLECTION) {
    const part = updates.slice(i, i + MAX_RECORDS_PER_COLLECTION);
    const body = await org.api.request({ method: 'PATCH', url: org.api.paths.collection, body: { allOrNone: false, records: part }, idempotent: true }, meter);
    parseWith(saveResultsSchema, body, 'the follow-up save results').forEach((r, j) => {
      if (!r.success) errors.set(part[j]!.id as string, saveError(r));
    });
  }
  return errors;
}

/** Which of these follow-ups (Case or Task ids) are still open: closing one already closed sends nothing. */
async function stillOpen(org: SalesforceOrg, ids: string[], meter: Meter): Promise<Set<string>> {
  const open = new Set<string>();
  for (const object of ['Case', 'Task'] as const) {
    const some = ids.filter((id) => objectTypeOfId(id) === (object === 'Case' ? 'case' : 'task'));
    for (let i = 0; i < some.length; i += 200) {
      const page = parseWith(queryResultSchema(sfTaskSchema.pick({ Id: true })), await org.api.query(soql.openRecordsQuery(object, some.slice(i, i + 200)), meter), 'the follow-ups');
      for (const row of page.records) open.add(row.Id);
    }
  }
  return open;
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
  for (let i = 0; i < pending.length; i += MAX_RECORDS_PER_COLLECTION) {
    const batch = pending.slice(i, i + MAX_RECORDS_PER_COLLECTION);
    let saved: Awaited<ReturnType<typeof writeTasks>>;
    try {
      saved = await writeTasks(org, batch, meter);
    } catch (error) {
      const crmError = toCrmError(error, { mapping: settings.salesforce });
      for (const o of batch) results.set(o.idempotencyKey, { idempotencyKey: o.idempotencyKey, ok: false, error: crmError });
      continue;
    }
    const closeErrors = new Map<string, CrmError>();
    // Record the root causes and loop steps on the follow-up Case; a failure fails the outcome, sent again later.
    const marking = batch.filter((o, j) => saved[j]?.ok && o.followUpId && objectTypeOfId(o.followUpId) === 'case');
    if (marking.length > 0) {
      try {
        const failed = await markCases(org, marking, settings, meter);
        for (const o of marking) if (failed.has(o.followUpId!)) closeErrors.set(o.idempotencyKey, failed.get(o.followUpId!)!);
      } catch (error) {
        const crmError = toCrmError(error, { mapping: settings.salesforce });
        for (const o of marking) closeErrors.set(o.idempotencyKey, crmError);
      }
    }
    // Close the follow-ups the loop owner asked to close (Case status, or the open Task completed).
    const asked = batch.filter((o, j) => saved[j]?.ok && o.closeFollowUp && o.followUpId);
    let closing: Outcome[] = [];
    try {
      const open = asked.length > 0 ? await stillOpen(org, [...new Set(asked.map((o) => o.followUpId!))], meter) : new Set<string>();
      closing = asked.filter((o, j, all) => open.has(o.followUpId!) && all.findIndex((x) => x.followUpId === o.followUpId) === j);
    } catch (error) {
      const crmError = toCrmError(error, { mapping: settings.salesforce });
      for (const o of asked) closeErrors.set(o.idempotencyKey, crmError);
    }
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
