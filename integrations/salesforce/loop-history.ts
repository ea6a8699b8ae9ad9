import { rowKey, type LoopRecord, type OutcomeResult } from '../../core/schema';
import { parseLoopDataLine } from '../loop-notes';
import { RESULT_LABELS } from './outcomes';
import { recordUrl } from './paths';
import { parseSfDate, type SfTask } from './schema';
import * as soql from './soql';

// The team's close-the-loop history on Salesforce: the completed Tasks outcomes.ts writes, read back as loops.
// Unlike HubSpot's notes they come with the record view's own request (its Tasks), so there is no separate read.

const OUTCOME_RESULTS = new Set<string>(Object.keys(RESULT_LABELS));

interface LoopTaskFields {
  key: string;
  result: OutcomeResult | null;
  rootCauses: string[];
  loggedBy: string | null;
  note: string;
}

/** A Description in the current format: every field from its last line; the note between the header and it. */
function currentTaskFields(description: string): LoopTaskFields | null {
  const data = parseLoopDataLine(description.split('\n'));
  if (!data) return null;
  const body = description.slice(0, description.lastIndexOf('\n'));
  const firstBreak = body.indexOf('\n\n');
  return {
    key: data.key,
    result: data.result,
    rootCauses: data.rootCauses,
    loggedBy: data.loggedBy,
    note: firstBreak >= 0 ? body.slice(firstBreak + 2).trim() : '',
  };
}

/**
 * A Description written before the data line: labelled lines, a blank line, then the note. Only the lines before
 * the first blank line are read, each by its exact label, so the note cannot name a field.
 */
function legacyTaskFields(description: string): LoopTaskFields | null {
  const firstBreak = description.indexOf('\n\n');
  const header = (firstBreak >= 0 ? description.slice(0, firstBreak) : description).split('\n');
  const line = (label: string) => header.find((l) => l.startsWith(`${label}: `))?.slice(label.length + 2).trim() ?? null;
  const key = line('Key');
  if (!key || !/^[A-Za-z0-9-]{16,64}$/.test(key)) return null;
  const result = line('Result');
  const causes = line('Root causes');
  return {
    key,
    result: result && OUTCOME_RESULTS.has(result) ? (result as OutcomeResult) : null,
    rootCauses: causes && causes !== '—' ? causes.split(';').map((c) => c.trim()).filter(Boolean) : [],
    loggedBy: line('Logged by'),
    note: firstBreak >= 0 ? description.slice(firstBreak + 2).trim() : '',
  };
}

/** A completed Loyalty Lens Task as a loop, or null when it is not one of ours (no key of ours). */
export function parseLoopTask(task: SfTask, instance: string): LoopRecord | null {
  if (!task.IsClosed || !task.Subject?.startsWith(soql.LOOP_SUBJECT_PREFIX) || !task.WhoId) return null;
  const description = task.Description ?? '';
  const fields = currentTaskFields(description) ?? legacyTaskFields(description);
  if (!fields) return null;
  // A subject that carries a key (an org without the External ID field) must carry the same one.
  const marked = /\[([A-Za-z0-9-]{16,64})\]$/.exec(task.Subject)?.[1];
  if (marked && marked !== fields.key) return null;
  return {
    key: rowKey('salesforce', instance, task.Id),
    crm: 'salesforce',
    instance,
    id: task.Id,
    contactKey: rowKey('salesforce', instance, task.WhoId),
    idempotencyKey: fields.key,
    loggedAt: parseSfDate(task.ActivityDate) ?? parseSfDate(task.CreatedDate) ?? 0,
    loggedBy: fields.loggedBy ?? task.CreatedBy?.Name ?? task.Owner?.Name ?? null,
    result: fields.result,
    rootCauses: fields.rootCauses,
    // The result is its own field, said in the panel's language; the subject stands in only for a loop without one.
    summary: fields.note || (fields.result ? '' : task.Subject),
    url: recordUrl(instance, 'Task', task.Id),
  };
}
