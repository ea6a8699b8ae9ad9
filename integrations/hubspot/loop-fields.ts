import { z } from 'zod';
import type { Settings } from '../../core/settings';
import { CrmError, type LoopFieldStatus } from '../crm';
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

// ── the options page: which properties exist, and creating one ───────────────────────────────────────────

interface PropertySpec {
  name: string;
  label: string;
  type: 'enumeration' | 'datetime' | 'number';
  fieldType: 'checkbox' | 'select' | 'date' | 'number';
  /** In the words of HubSpot's property editor. */
  typeWords: string;
  options: string[];
  purpose: LoopFieldStatus['purpose'];
}

const LOOP_STEPS = ['reached', 'resolved', 'thanked'];

function specs(settings: Settings): PropertySpec[] {
  return [
    { name: CAUSES_PROPERTY, label: 'Root causes', type: 'enumeration', fieldType: 'checkbox', typeWords: 'Multiple checkboxes', options: settings.rules.rootCauses, purpose: 'root-causes' },
    { name: STEPS_PROPERTY, label: 'Loop steps', type: 'enumeration', fieldType: 'checkbox', typeWords: 'Multiple checkboxes', options: LOOP_STEPS, purpose: 'loop-steps' },
    { name: FIRST_CONTACT_AT_PROPERTY, label: 'First contact', type: 'datetime', fieldType: 'date', typeWords: 'Date and time picker', options: [], purpose: 'first-contact-at' },
    { name: FIRST_CONTACT_HOURS_PROPERTY, label: 'Hours to first contact', type: 'number', fieldType: 'number', typeWords: 'Number', options: [], purpose: 'first-contact-hours' },
    { name: SLA_PROPERTY, label: 'Closed within SLA', type: 'enumeration', fieldType: 'select', typeWords: 'Dropdown select', options: ['within', 'late'], purpose: 'sla' },
  ];
}

/** The ticket properties Loyalty Lens writes, each present (with the options it lacks) or missing. */
export async function loopFieldStatus(portal: HubSpotPortal, settings: Settings): Promise<LoopFieldStatus[]> {
  const res = await call(propertiesSchema, 'the ticket properties', () => portal.apis.properties.getAll('tickets', false));
  return specs(settings).map((spec) => {
    const found = res.results.find((r) => r.name === spec.name && r.type === spec.type);
    const missingOptions = found ? spec.options.filter((o) => !(found.options ?? []).some((f) => f.value === o)) : [];
    return {
      name: spec.name,
      label: spec.label,
      type: spec.typeWords,
      options: spec.options,
      purpose: spec.purpose,
      state: !found ? 'missing' : missingOptions.length > 0 ? 'missing-options' : 'present',
      missingOptions,
    };
  });
}

/**
 * Creates one missing ticket property (POST /crm/v3/properties/tickets: needs the crm.schemas.tickets.write scope).
 * HubSpot answers 409 for a property that exists, which leaves it as it is: asking twice creates one.
 */
export async function createLoopField(portal: HubSpotPortal, name: string, settings: Settings): Promise<LoopFieldStatus[]> {
  const spec = specs(settings).find((s) => s.name === name);
  if (!spec) throw new CrmError('config', `Loyalty Lens does not write a ticket property named ${name}.`);
  try {
    await call(z.unknown(), 'creating the ticket property', () =>
      portal.apis.properties.create('tickets', {
        name: spec.name,
        label: spec.label,
        type: spec.type,
        fieldType: spec.fieldType,
        groupName: 'ticketinformation',
        description: 'Written by Loyalty Lens with each close-the-loop outcome.',
        options: spec.options.map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false })),
      } as unknown as Parameters<HubSpotPortal['apis']['properties']['create']>[1]),
    );
  } catch (error) {
    if (error instanceof CrmError && error.kind === 'scope') {
      throw new CrmError('scope', `The HubSpot key may not create properties: it lacks the scope ${SCHEMA_WRITE_SCOPE}. Add that scope, or create ${name} by hand as shown.`, error.details);
    }
    if (!(error instanceof CrmError && error.details.status === 409)) throw error;
  }
  return loopFieldStatus(portal, settings);
}

/** The scope HubSpot asks of a key that creates ticket properties. */
export const SCHEMA_WRITE_SCOPE = 'crm.schemas.tickets.write';
