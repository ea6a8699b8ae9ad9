import { z } from 'zod';
import { salesforceLoginHostSchema } from './host-schemas';

// Settings are versioned. A stored or imported document is migrated step by step to the current
// version and then validated; a document that fails either step is refused as a whole.

const sourceId = z.string().regex(/^[a-z0-9-]{1,40}$/);
const propertyName = z.string().regex(/^[A-Za-z0-9_]{1,100}$/);
const sfApiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/);
/** Salesforce record ids (15 or 18 characters) start with a digit as often as not, so they are not API names. */
const sfRecordId = z.string().regex(/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/);

export const scaleSchema = z.strictObject({ min: z.number().int(), max: z.number().int() });

export const hubspotSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    id: sourceId,
    kind: z.literal('hubspot-feedback'),
    label: z.string().max(80),
    surveyTypes: z.array(z.enum(['NPS', 'CSAT', 'CES'])).min(1),
  }),
  z.strictObject({
    id: sourceId,
    kind: z.literal('hubspot-contact-properties'),
    label: z.string().max(80),
    surveyKind: z.enum(['nps', 'csat', 'ces']),
    scoreProperty: propertyName,
    commentProperty: propertyName.nullable(),
    dateProperty: propertyName.nullable(),
    surveyName: z.string().max(120).nullable(),
  }),
  z.strictObject({
    id: sourceId,
    kind: z.literal('hubspot-custom-object'),
    label: z.string().max(80),
    objectType: z.string().regex(/^(\d-\d+|p_[a-z0-9_]+|[a-z0-9_]+)$/),
    scoreProperty: propertyName,
    dateProperty: propertyName,
    commentProperty: propertyName.nullable(),
    surveyKindProperty: propertyName.nullable(),
    fixedSurveyKind: z.enum(['nps', 'csat', 'ces']),
    surveyNameProperty: propertyName.nullable(),
  }),
]);
export type HubSpotSource = z.infer<typeof hubspotSourceSchema>;

export const salesforceSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    id: sourceId,
    kind: z.literal('salesforce-surveys'),
    label: z.string().max(80),
    /** SurveyQuestion ids whose answers are CSAT and CES (NPS questions are found by type). */
    csatQuestionIds: z.array(sfRecordId),
    cesQuestionIds: z.array(sfRecordId),
  }),
  z.strictObject({
    id: sourceId,
    kind: z.literal('salesforce-custom-object'),
    label: z.string().max(80),
    object: sfApiName,
    scoreField: sfApiName,
    dateField: sfApiName,
    commentField: sfApiName.nullable(),
    contactField: sfApiName,
    accountField: sfApiName.nullable(),
    surveyKindField: sfApiName.nullable(),
    fixedSurveyKind: z.enum(['nps', 'csat', 'ces']),
    surveyNameField: sfApiName.nullable(),
  }),
]);
export type SalesforceSource = z.infer<typeof salesforceSourceSchema>;

export const routingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('recordOwner') }),
  z.strictObject({ kind: z.literal('accountOwner') }),
  z.strictObject({ kind: z.literal('namedUser'), userId: z.string().regex(/^[A-Za-z0-9]{1,64}$/), label: z.string().max(120) }),
]);

export const rollupMethodSchema = z.enum(['window', 'latestPerContact', 'weightedByRole']);
export type RollupMethod = z.infer<typeof rollupMethodSchema>;

export const DEFAULT_ROOT_CAUSES = [
  'Product quality',
  'Missing feature',
  'Ease of use',
  'Support experience',
  'Onboarding',
  'Price / value',
  'Billing',
  'Reliability / outages',
  'Communication',
  'Relationship / account management',
];

/** A value of the org's Case Reason picklist (as its API name: the value, not the label). */
const caseReasonValue = z.string().min(1).max(255);

/**
 * Where an outcome's root causes go on a Salesforce follow-up Case: the multi-select picklist Loyalty_Lens_Root_Causes__c
 * (every cause), or the standard Case Reason, a single-select picklist: the outcome's first cause goes there through
 * this map of root cause → Reason value. One Reason value stands for one cause, so Insights can count causes by Reason.
 */
export const salesforceRootCauseFieldSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('multiPicklist') }),
  z.strictObject({
    kind: z.literal('caseReason'),
    reasons: z
      .record(z.string().min(1).max(80), caseReasonValue)
      .refine((map) => new Set(Object.values(map)).size === Object.values(map).length, { message: 'each Case Reason value can stand for one root cause only' }),
  }),
]);
export type SalesforceRootCauseField = z.infer<typeof salesforceRootCauseFieldSchema>;

export const languageSettingSchema = z.enum(['auto', 'en', 'ru']);

export const settingsSchema = z.strictObject({
  version: z.literal(3),
  /** How the extension looks and opens for everyone who uses these settings (version 2 grouped these). */
  ui: z.strictObject({
    language: languageSettingSchema,
    /** Teams that work the phone open the panel in call mode; each person can still switch. */
    callModeDefault: z.boolean(),
  }),
  hubspot: z.strictObject({
    sources: z.array(hubspotSourceSchema),
    followUpPipelineId: z.string().max(64).nullable(),
    followUpStageId: z.string().max(64).nullable(),
    closedStageId: z.string().max(64).nullable(),
    revenue: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('openDeals') }),
      z.strictObject({ kind: z.literal('companyProperty'), property: propertyName }),
    ]),
  }),
  salesforce: z.strictObject({
    /** Checked against Salesforce's own login domains wherever it comes from: typed, imported, policy or stored. */
    loginHost: salesforceLoginHostSchema,
    consumerKey: z.string().max(256),
    apiVersion: z.string().regex(/^\d{2}\.0$/),
    sources: z.array(salesforceSourceSchema),
    caseTypes: z.array(z.string().max(80)),
    caseOrigins: z.array(z.string().max(80)),
    followUpCaseType: z.string().max(80).nullable(),
    closedCaseStatus: z.string().max(80).nullable(),
    revenue: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('openOpportunities') }),
      z.strictObject({ kind: z.literal('accountField'), field: sfApiName }),
    ]),
    /** Version 3: where root causes go (before, always the multi-select picklist). */
    rootCauseField: salesforceRootCauseFieldSchema,
  }),
  rules: z.strictObject({
    /** Scores at or below this open a follow-up (NPS scale). */
    followUpMaxScore: z.number().int().min(0).max(10),
    /** Scores at or below this come first. */
    urgentMaxScore: z.number().int().min(0).max(10),
    slaHours: z.strictObject({
      detractor: z.number().positive().max(24 * 60),
      passive: z.number().positive().max(24 * 60),
      promoter: z.number().positive().max(24 * 60),
    }),
    /** Passives' SLA counts business days (Mon–Fri) rather than calendar hours. */
    businessDaysForPassives: z.boolean(),
    routing: routingSchema,
    rollup: z.strictObject({
      method: rollupMethodSchema,
      windowDays: z.number().int().min(1).max(3660),
      roleWeights: z.record(z.string().max(80), z.number().min(0).max(10)),
    }),
    rootCauses: z.array(z.string().min(1).max(80)).min(1).max(50),
    quietPeriodDays: z.number().int().min(0).max(365),
  }).refine((rules) => rules.urgentMaxScore <= rules.followUpMaxScore, {
    // "Comes first" ranks follow-ups; a score that opens none cannot be urgent.
    message: 'urgent scores must be within the scores that open a follow-up',
    path: ['urgentMaxScore'],
  }),
  privacy: z.strictObject({
    retentionDays: z.number().int().min(1).max(365),
  }),
});
export type Settings = z.infer<typeof settingsSchema>;
export const CURRENT_SETTINGS_VERSION = 3;

export const DEFAULT_SETTINGS: Settings = {
  version: 3,
  ui: { language: 'auto', callModeDefault: false },
  hubspot: {
    sources: [{ id: 'hubspot-feedback', kind: 'hubspot-feedback', label: 'HubSpot feedback surveys', surveyTypes: ['NPS', 'CSAT', 'CES'] }],
    followUpPipelineId: null,
    followUpStageId: null,
    closedStageId: null,
    revenue: { kind: 'openDeals' },
  },
  salesforce: {
    loginHost: 'login.salesforce.com',
    consumerKey: '',
    apiVersion: '62.0',
    sources: [{ id: 'salesforce-surveys', kind: 'salesforce-surveys', label: 'Salesforce Surveys', csatQuestionIds: [], cesQuestionIds: [] }],
    caseTypes: [],
    caseOrigins: [],
    followUpCaseType: null,
    closedCaseStatus: null,
    revenue: { kind: 'openOpportunities' },
    rootCauseField: { kind: 'multiPicklist' },
  },
  rules: {
    followUpMaxScore: 6,
    urgentMaxScore: 3,
    slaHours: { detractor: 48, passive: 5 * 24, promoter: 7 * 24 },
    businessDaysForPassives: true,
    routing: { kind: 'accountOwner' },
    rollup: { method: 'latestPerContact', windowDays: 365, roleWeights: { 'decision maker': 3, influencer: 2, user: 1 } },
    rootCauses: DEFAULT_ROOT_CAUSES,
    quietPeriodDays: 90,
  },
  privacy: { retentionDays: 30 },
};

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** migrations[n] turns a version-n document into version n+1. They never validate: that happens once, at the end. */
const migrations: Record<number, Migration> = {
  // 1 → 2: the language moves into the `ui` group, which gains the team's call-mode default (off, as before).
  1: ({ language, ...rest }) => ({ ...rest, version: 2, ui: { language: language ?? 'auto', callModeDefault: false } }),
  // 2 → 3: Salesforce root causes may go to the Case Reason; a version-2 document wrote them to the multi-select.
  2: (doc) => {
    const salesforce = typeof doc.salesforce === 'object' && doc.salesforce !== null ? doc.salesforce : {};
    return { ...doc, version: 3, salesforce: { ...salesforce, rootCauseField: { kind: 'multiPicklist' } } };
  },
};

export type SettingsParseResult =
  | { ok: true; settings: Settings; migratedFrom: number | null }
  | { ok: false; reason: string };

/** Migrates and validates a settings document from storage or an imported file. Never throws. */
export function parseSettingsDocument(input: unknown): SettingsParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'The settings are not a JSON object.' };
  }
  let doc = input as Record<string, unknown>;
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, reason: 'The settings have no valid "version" number.' };
  }
  if (version > CURRENT_SETTINGS_VERSION) {
    return {
      ok: false,
      reason: `These settings are version ${version}, newer than this Loyalty Lens understands (${CURRENT_SETTINGS_VERSION}). Update the extension first.`,
    };
  }
  for (let v = version; v < CURRENT_SETTINGS_VERSION; v++) {
    const migrate = migrations[v];
    if (!migrate) return { ok: false, reason: `No migration from settings version ${v}.` };
    doc = migrate(doc);
  }
  const parsed = settingsSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `Setting "${issue?.path.join('.') ?? '?'}" is invalid: ${issue?.message ?? 'unknown problem'}.` };
  }
  return { ok: true, settings: parsed.data, migratedFrom: version === CURRENT_SETTINGS_VERSION ? null : version };
}
