import { rowKey, type LoopRecord, type OutcomeResult } from '../../core/schema';
import { rootCausesOf } from '../loop-text';
import { RESULT_LABELS } from './outcomes';
import { recordUrl } from './paths';
import { parseSfDate, type SfTask } from './schema';
import * as soql from './soql';

// The team's close-the-loop history on Salesforce: the completed Tasks outcomes.ts writes, read back as loops.
// Unlike HubSpot's notes they come with the record view's own request (its Tasks), so there is no separate read.

const OUTCOME_RESULTS = new Set<string>(Object.keys(RESULT_LABELS));

export function parseLoopTask(task: SfTask, instance: string): LoopRecord | null {
  if (!task.IsClosed || !task.Subject?.startsWith(soql.LOOP_SUBJECT_PREFIX) || !task.WhoId) return null;
  const description = task.Description ?? '';
  const line = (label: string) => new RegExp(`^${label}: (.*)$`, 'm').exec(description)?.[1]?.trim() ?? null;
  const result = line('Result');
  const causes = line('Root causes');
  const note = description.split('\n\n').slice(1).join('\n\n').trim();
  return {
    key: rowKey('salesforce', instance, task.Id),
    crm: 'salesforce',
    instance,
    id: task.Id,
    contactKey: rowKey('salesforce', instance, task.WhoId),
    idempotencyKey: line('Key'),
    loggedAt: parseSfDate(task.ActivityDate) ?? parseSfDate(task.CreatedDate) ?? 0,
    loggedBy: line('Logged by') ?? task.CreatedBy?.Name ?? task.Owner?.Name ?? null,
    result: result && OUTCOME_RESULTS.has(result) ? (result as OutcomeResult) : null,
    rootCauses: rootCausesOf(causes),
    summary: note || task.Subject,
    url: recordUrl(instance, 'Task', task.Id),
  };
}
