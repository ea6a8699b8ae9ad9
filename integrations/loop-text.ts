import type { Outcome } from '../core/schema';

// The lines both connectors write into a close-the-loop record (a HubSpot note, a Salesforce Task) and read back
// from it. What differs is said where each writes: HubSpot's first line is a marker and its result line carries the
// label with the slug in brackets; Salesforce's result line is the slug, and the label goes into the Task's subject.

/** "Next step: call back (due 2026-12-01)", or nothing without a next step. */
export function nextStepLines(o: Pick<Outcome, 'nextStep'>): string[] {
  return o.nextStep ? [`Next step: ${o.nextStep.text} (due ${o.nextStep.dueDate})`] : [];
}

/** The root causes of a "Root causes: a; b" line; Salesforce writes "—" for none. */
export function rootCausesOf(line: string | null): string[] {
  if (!line || line === '—') return [];
  return line
    .split(';')
    .map((c) => c.trim())
    .filter(Boolean);
}
