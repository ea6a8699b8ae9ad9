import { z } from 'zod';
import { parseWith, type Meter } from './client';
import type { SalesforceOrg } from './connection';
import { CAUSES_FIELD, STEPS_FIELD } from './insights';
import { describeSchema } from './schema';

// The follow-up Case's loop fields: root causes and loop steps (multi-select picklists, the outer loop counted by
// insights.ts) and the loop's timing — first contact, hours to it, closed within the SLA — which the outcome write
// fills and the worklist's numbers count (worklist.ts). All optional: an admin adds them, or the options page does.

export const FIRST_CONTACT_AT_FIELD = 'Loyalty_Lens_First_Contact__c';
export const FIRST_CONTACT_HOURS_FIELD = 'Loyalty_Lens_First_Contact_Hours__c';
export const SLA_FIELD = 'Loyalty_Lens_SLA__c';

/** The loop fields an org's Case has, with the values the picklists take; null where it lacks one. */
export interface SalesforceLoopFields {
  causes: string[] | null;
  steps: string[] | null;
  firstContactAt: boolean;
  firstContactHours: boolean;
  sla: string[] | null;
}

const fieldSchema = z
  .object({ name: z.string(), type: z.string(), updateable: z.boolean().optional(), picklistValues: z.array(z.object({ value: z.string(), active: z.boolean().optional() }).loose()).optional() })
  .loose();

/** Learned once per connection (describe), and again after `forgetLoopFields` (a field was just created). */
const known = new WeakMap<SalesforceOrg, SalesforceLoopFields>();

export function forgetLoopFields(org: SalesforceOrg): void {
  known.delete(org);
}

export async function caseLoopFields(org: SalesforceOrg, meter: Meter): Promise<SalesforceLoopFields> {
  const kept = known.get(org);
  if (kept) return kept;
  const body = await org.api.request({ method: 'GET', url: org.api.paths.describe('Case'), idempotent: true }, meter);
  const fields = z.object({ fields: z.array(fieldSchema) }).loose().parse(parseWith(describeSchema, body, 'the Case description'));
  const find = (name: string, type: string) => fields.fields.find((x) => x.name === name && x.type === type);
  const values = (name: string, type: string) => {
    const f = find(name, type);
    return f ? (f.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value) : null;
  };
  const found: SalesforceLoopFields = {
    causes: values(CAUSES_FIELD, 'multipicklist'),
    steps: values(STEPS_FIELD, 'multipicklist'),
    firstContactAt: !!find(FIRST_CONTACT_AT_FIELD, 'datetime'),
    firstContactHours: !!find(FIRST_CONTACT_HOURS_FIELD, 'double'),
    sla: values(SLA_FIELD, 'picklist'),
  };
  known.set(org, found);
  return found;
}

/** The timing fields an org lacks (by API name), for the loop's numbers to say what they cannot count. */
export function missingTimingFields(fields: SalesforceLoopFields): string[] {
  return [
    fields.firstContactAt ? null : FIRST_CONTACT_AT_FIELD,
    fields.firstContactHours ? null : FIRST_CONTACT_HOURS_FIELD,
    fields.sla?.includes('within') ? null : SLA_FIELD,
    fields.steps?.includes('thanked') ? null : STEPS_FIELD,
  ].filter((n): n is string => n !== null);
}
