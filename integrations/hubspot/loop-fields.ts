import { z } from 'zod';
import { call } from './client';
import type { HubSpotPortal } from './connection';
import { CAUSES_PROPERTY, STEPS_PROPERTY } from './insights';

// The follow-up ticket's loop properties: root causes and loop steps (the outer loop, counted by insights.ts) and the
// loop's timing — first contact, hours to it, closed within the SLA — which the outcome write fills and the
// worklist's numbers count (worklist.ts). All are optional: an admin adds them, or the options page creates them.

export const FIRST_CONTACT_AT_PROPERTY = 'loyalty_lens_first_contact_at';
export const FIRST_CONTACT_HOURS_PROPERTY = 'loyalty_lens_first_contact_hours';
export const SLA_PROPERTY = 'loyalty_lens_sla';

/** The loop properties a portal has, with the values the enumerations take; null where it lacks one. */
export interface HubSpotLoopFields {
  causes: string[] | null;
  steps: string[] | null;
  firstContactAt: boolean;
  firstContactHours: boolean;
  sla: string[] | null;
}

const propertiesSchema = z.object({
  results: z.array(z.object({ name: z.string(), type: z.string(), fieldType: z.string().optional(), options: z.array(z.object({ value: z.string() })).optional() }).loose()),
});

/** One read of the ticket properties; a property of the right name but another type counts as missing. */
export async function readLoopFields(portal: HubSpotPortal): Promise<HubSpotLoopFields> {
  const res = await call(propertiesSchema, 'the ticket properties', () => portal.apis.properties.getAll('tickets', false));
  const find = (name: string, type: string) => res.results.find((r) => r.name === name && r.type === type);
  const values = (name: string) => {
    const p = find(name, 'enumeration');
    return p ? (p.options ?? []).map((o) => o.value) : null;
  };
  return {
    causes: values(CAUSES_PROPERTY),
    steps: values(STEPS_PROPERTY),
    firstContactAt: !!find(FIRST_CONTACT_AT_PROPERTY, 'datetime'),
    firstContactHours: !!find(FIRST_CONTACT_HOURS_PROPERTY, 'number'),
    sla: values(SLA_PROPERTY),
  };
}

/** The timing properties a portal lacks (by name), for the loop's numbers to say what they cannot count. */
export function missingTimingFields(fields: HubSpotLoopFields): string[] {
  return [
    fields.firstContactAt ? null : FIRST_CONTACT_AT_PROPERTY,
    fields.firstContactHours ? null : FIRST_CONTACT_HOURS_PROPERTY,
    fields.sla?.includes('within') ? null : SLA_PROPERTY,
    fields.steps?.includes('thanked') ? null : STEPS_PROPERTY,
  ].filter((n): n is string => n !== null);
}
