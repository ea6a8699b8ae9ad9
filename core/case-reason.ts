import type { SalesforceRootCauseField } from './settings';

// Salesforce root causes in the standard Case Reason, as the admin maps them (settings.salesforce.rootCauseField).
// Reason holds one value, so a follow-up's Reason is the first root cause of its latest outcome (the cause the loop
// owner ticked first); every cause stays in the outcome's Task, and in the multi-select picklist where the org has it.
// Pure: the outcome write (integrations/salesforce/outcomes.ts), Insights and the options page share these rules.

export type CaseReasonMap = Extract<SalesforceRootCauseField, { kind: 'caseReason' }>['reasons'];

/**
 * The Reason value an outcome's causes put on its follow-up: its first cause's mapped value when the org's picklist
 * has it. null leaves the Reason as it is: no cause, a first cause without a value, or a value the org no longer has
 * (Salesforce refuses a value a restricted picklist lacks).
 */
export function reasonForCauses(causes: readonly string[], reasons: CaseReasonMap, orgValues: readonly string[]): string | null {
  const first = causes[0];
  if (first === undefined) return null;
  const value = reasons[first];
  return value !== undefined && orgValues.includes(value) ? value : null;
}

/** Reason value → the root cause it stands for, for the causes of the taxonomy (Insights counts by Reason). */
export function causesByReason(rootCauses: readonly string[], reasons: CaseReasonMap): Map<string, string> {
  const out = new Map<string, string>();
  for (const cause of rootCauses) {
    const value = reasons[cause];
    if (value !== undefined && !out.has(value)) out.set(value, cause);
  }
  return out;
}

/** How the mapping stands against the org, for the options page to say it in words. */
export interface ReasonMappingState {
  /** Whether the Case has a Reason picklist the user can see (describe names it). */
  present: boolean;
  /** Causes with a Reason value the org has: written and counted. */
  mapped: Array<{ cause: string; reason: string }>;
  /** Causes with no Reason value: they stay in the Task (and the multi-select picklist) only. */
  unmapped: string[];
  /** Causes mapped to a value the org's picklist lacks (renamed or removed since): not written, not counted. */
  stale: Array<{ cause: string; reason: string }>;
}

export function reasonMappingState(rootCauses: readonly string[], reasons: CaseReasonMap, orgValues: readonly string[] | null): ReasonMappingState {
  const state: ReasonMappingState = { present: orgValues !== null, mapped: [], unmapped: [], stale: [] };
  for (const cause of rootCauses) {
    const reason = reasons[cause];
    if (reason === undefined) state.unmapped.push(cause);
    else if (orgValues?.includes(reason)) state.mapped.push({ cause, reason });
    else state.stale.push({ cause, reason });
  }
  return state;
}
