import { z } from 'zod';
import type { Settings } from '../../core/settings';
import { CrmError, type LoopFieldStatus } from '../crm';
import { parseWith, type Meter } from './client';
import { toCrmError } from './errors';
import type { SalesforceOrg } from './connection';
import { CAUSES_FIELD, STEPS_FIELD } from './insights';
import { describeSchema } from './schema';

// The follow-up Case's loop fields: root causes and loop steps (multi-select picklists, the outer loop counted by
// insights.ts) and the loop's timing — first contact, hours to it, closed within the SLA — which the outcome write
// fills and the worklist's numbers count (worklist.ts). All optional: an admin adds them, or the options page does.

export const FIRST_CONTACT_AT_FIELD = 'Loyalty_Lens_First_Contact__c';
export const FIRST_CONTACT_HOURS_FIELD = 'Loyalty_Lens_First_Contact_Hours__c';
export const SLA_FIELD = 'Loyalty_Lens_SLA__c';
/** The standard Case Reason (single-select picklist), where an admin may map root causes instead (core/case-reason.ts). */
export const REASON_FIELD = 'Reason';

/** The loop fields an org's Case has, with the values the picklists take; null where it lacks one. */
export interface SalesforceLoopFields {
  causes: string[] | null;
  steps: string[] | null;
  firstContactAt: boolean;
  firstContactHours: boolean;
  sla: string[] | null;
  /** The standard Reason picklist's active values; null where the user cannot see the field. */
  reason: string[] | null;
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
    reason: values(REASON_FIELD, 'picklist'),
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

/** The org's Case Reason values (null: no Reason field to see), described afresh for the options page's mapping. */
export async function caseReasonValues(org: SalesforceOrg, meter: Meter): Promise<string[] | null> {
  org.checkInstance();
  forgetLoopFields(org);
  return (await caseLoopFields(org, meter)).reason;
}

// ── the options page: which fields exist, and creating one ─────────────────────────────────────────────────

interface FieldSpec {
  name: string;
  label: string;
  /** The describe type the field has once created. */
  describeType: 'multipicklist' | 'picklist' | 'datetime' | 'double';
  /** The Tooling API's CustomField metadata, without the label. */
  metadata: Record<string, unknown>;
  /** In the words of Salesforce's field wizard. */
  typeWords: string;
  options: string[];
  purpose: LoopFieldStatus['purpose'];
}

const LOOP_STEPS = ['reached', 'resolved', 'thanked'];

const valueSet = (values: string[]) => ({
  restricted: true,
  valueSetDefinition: { sorted: false, value: values.map((v) => ({ fullName: v, label: v, default: false })) },
});

function specs(settings: Settings): FieldSpec[] {
  const causes = settings.rules.rootCauses;
  return [
    { name: CAUSES_FIELD, label: 'Root causes', describeType: 'multipicklist', metadata: { type: 'MultiselectPicklist', visibleLines: 4, valueSet: valueSet(causes) }, typeWords: 'Picklist (Multi-Select)', options: causes, purpose: 'root-causes' },
    { name: STEPS_FIELD, label: 'Loop steps', describeType: 'multipicklist', metadata: { type: 'MultiselectPicklist', visibleLines: 3, valueSet: valueSet(LOOP_STEPS) }, typeWords: 'Picklist (Multi-Select)', options: LOOP_STEPS, purpose: 'loop-steps' },
    { name: FIRST_CONTACT_AT_FIELD, label: 'First contact', describeType: 'datetime', metadata: { type: 'DateTime' }, typeWords: 'Date/Time', options: [], purpose: 'first-contact-at' },
    { name: FIRST_CONTACT_HOURS_FIELD, label: 'Hours to first contact', describeType: 'double', metadata: { type: 'Number', precision: 8, scale: 1 }, typeWords: 'Number (8, 1 decimal place)', options: [], purpose: 'first-contact-hours' },
    { name: SLA_FIELD, label: 'Closed within SLA', describeType: 'picklist', metadata: { type: 'Picklist', valueSet: valueSet(['within', 'late']) }, typeWords: 'Picklist', options: ['within', 'late'], purpose: 'sla' },
  ];
}

/** The Case fields Loyalty Lens writes, each present (with the values it lacks) or missing; described afresh. */
export async function loopFieldStatus(org: SalesforceOrg, settings: Settings, meter: Meter): Promise<LoopFieldStatus[]> {
  org.checkInstance();
  const body = await org.api.request({ method: 'GET', url: org.api.paths.describe('Case'), idempotent: true }, meter);
  const fields = z.object({ fields: z.array(fieldSchema) }).loose().parse(parseWith(describeSchema, body, 'the Case description'));
  forgetLoopFields(org);
  return specs(settings).map((spec) => {
    const found = fields.fields.find((f) => f.name === spec.name && f.type === spec.describeType);
    const values = (found?.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value);
    const missingOptions = found ? spec.options.filter((o) => !values.includes(o)) : [];
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
 * Creates one missing Case field through the Tooling API (POST tooling/sobjects/CustomField; the user needs the
 * Customize Application permission). A field that exists answers DUPLICATE_DEVELOPER_NAME and is left as it is.
 * Salesforce gives a field created this way to no profile: an admin grants access (a permission set) afterwards.
 */
export async function createLoopField(org: SalesforceOrg, name: string, settings: Settings, meter: Meter): Promise<LoopFieldStatus[]> {
  org.checkInstance();
  const spec = specs(settings).find((s) => s.name === name);
  if (!spec) throw new CrmError('config', `Loyalty Lens does not write a Case field named ${name}.`);
  try {
    await org.api.request(
      {
        method: 'POST',
        url: org.api.paths.toolingCustomField,
        body: { FullName: `Case.${spec.name}`, Metadata: { label: spec.label, description: 'Written by Loyalty Lens with each close-the-loop outcome.', ...spec.metadata } },
        idempotent: false,
      },
      meter,
    );
  } catch (error) {
    const crmError = toCrmError(error, { mapping: settings.salesforce });
    if (crmError.kind === 'scope') {
      throw new CrmError('scope', `Your Salesforce user may not create fields (it needs the Customize Application permission). Ask an admin to create ${name} as shown.`, crmError.details);
    }
    // Created already (by an earlier click whose answer was lost, or by hand): nothing to do.
    if (crmError.details.crmCode !== 'DUPLICATE_DEVELOPER_NAME') throw crmError;
  }
  return loopFieldStatus(org, settings, meter);
}
