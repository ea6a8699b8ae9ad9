import { z } from 'zod';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from './settings';

// An IT department can set values for the whole company through the browser's managed storage
// (Chrome policy "3rdparty" / Firefox policies.json). The keys are flat and named for admins; each
// one maps to a settings path, is validated on its own, and is shown locked in the options page.
// public/managed-schema.json declares the same keys for the browser; a test keeps the two equal.

/** Policy key → the settings path it sets. */
export const POLICY_PATHS = {
  language: ['ui', 'language'],
  callModeDefault: ['ui', 'callModeDefault'],
  salesforceLoginHost: ['salesforce', 'loginHost'],
  salesforceConsumerKey: ['salesforce', 'consumerKey'],
  hubspotFollowUpPipelineId: ['hubspot', 'followUpPipelineId'],
  hubspotFollowUpStageId: ['hubspot', 'followUpStageId'],
  hubspotClosedStageId: ['hubspot', 'closedStageId'],
  salesforceFollowUpCaseType: ['salesforce', 'followUpCaseType'],
  salesforceClosedCaseStatus: ['salesforce', 'closedCaseStatus'],
  salesforceRootCauseField: ['salesforce', 'rootCauseField'],
  followUpMaxScore: ['rules', 'followUpMaxScore'],
  urgentMaxScore: ['rules', 'urgentMaxScore'],
  slaHoursDetractor: ['rules', 'slaHours', 'detractor'],
  slaHoursPassive: ['rules', 'slaHours', 'passive'],
  slaHoursPromoter: ['rules', 'slaHours', 'promoter'],
  businessDaysForPassives: ['rules', 'businessDaysForPassives'],
  rollupMethod: ['rules', 'rollup', 'method'],
  rollupWindowDays: ['rules', 'rollup', 'windowDays'],
  rootCauses: ['rules', 'rootCauses'],
  quietPeriodDays: ['rules', 'quietPeriodDays'],
  retentionDays: ['privacy', 'retentionDays'],
} as const satisfies Record<string, readonly string[]>;

export type PolicyKey = keyof typeof POLICY_PATHS;
export const POLICY_KEYS = Object.keys(POLICY_PATHS) as PolicyKey[];

/**
 * Policy keys about the person rather than the team's settings: who the user is in HubSpot, whose open loops the
 * worklist lists (a Service Key is not a person). Declared in public/managed-schema.json beside the settings keys.
 */
export const PERSON_POLICY = {
  hubspotOwnerId: z.string().regex(/^[0-9]{1,20}$/),
} as const;
export const PERSON_POLICY_KEYS = Object.keys(PERSON_POLICY) as Array<keyof typeof PERSON_POLICY>;

/** The HubSpot owner the administrator fixed for this user, or null (none, or a value that is not an owner id). */
export function hubspotOwnerFromPolicy(policy: unknown): string | null {
  if (typeof policy !== 'object' || policy === null) return null;
  const parsed = PERSON_POLICY.hubspotOwnerId.safeParse((policy as Record<string, unknown>).hubspotOwnerId);
  return parsed.success ? parsed.data : null;
}

/** The settings schema of the value at `path`, so a policy value obeys exactly the rules a saved setting does. */
function schemaAt(path: readonly string[]): z.ZodType {
  let schema: z.ZodType = settingsSchema;
  for (const segment of path) {
    if (!(schema instanceof z.ZodObject)) throw new Error(`Settings path ${path.join('.')} does not name a field.`);
    const next = (schema.shape as Record<string, z.ZodType | undefined>)[segment];
    if (!next) throw new Error(`Settings path ${path.join('.')} does not name a field.`);
    schema = next;
  }
  return schema;
}

/** Mirrors public/managed-schema.json: every key optional, unknown keys ignored (the browser filters them too). */
export const managedPolicySchema = z.object(
  Object.fromEntries(POLICY_KEYS.map((key) => [key, schemaAt(POLICY_PATHS[key]).optional()])) as Record<PolicyKey, z.ZodOptional<z.ZodType>>,
);

/**
 * What the user is told when the policy could not be applied as it is: unreadable, contradicting itself, or with
 * values that were refused (each named by its key, which the options page shows by its label; a refused login host
 * with the host it named).
 */
export type PolicyNotice =
  | { kind: 'policyUnreadable' }
  | { kind: 'policyContradicts' }
  | { kind: 'policyRefused'; keys: Array<{ key: PolicyKey; refusedHost: string | null }> };

export interface PolicyResult {
  settings: Settings;
  /** Dotted settings paths set by policy, e.g. "rules.followUpMaxScore". */
  lockedPaths: string[];
  notice: PolicyNotice | null;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

export function getAt(source: unknown, path: readonly string[] | string): unknown {
  const segments = typeof path === 'string' ? path.split('.') : path;
  let node: unknown = source;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function overlay(base: Settings, values: ReadonlyArray<[PolicyKey, unknown]>): Settings | null {
  const merged = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [key, value] of values) setAt(merged, POLICY_PATHS[key], value);
  const parsed = settingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : null;
}

/**
 * Lays the administrator's values over the user's settings. Each key is checked on its own, so one
 * bad value does not cancel the others; a bad one is reported, never applied.
 */
export function applyPolicy(local: Settings, policy: unknown): PolicyResult {
  if (policy === undefined || policy === null) return { settings: local, lockedPaths: [], notice: null };
  if (typeof policy !== 'object' || Array.isArray(policy)) {
    return { settings: local, lockedPaths: [], notice: { kind: 'policyUnreadable' } };
  }
  const raw = policy as Record<string, unknown>;
  const accepted: Array<[PolicyKey, unknown]> = [];
  const refused: Array<{ key: PolicyKey; refusedHost: string | null }> = [];
  for (const key of POLICY_KEYS) {
    if (!Object.hasOwn(raw, key)) continue;
    const parsed = managedPolicySchema.shape[key].safeParse(raw[key]);
    if (parsed.success && parsed.data !== undefined) accepted.push([key, parsed.data]);
    // A refused host is named, so the administrator sees which value was not trusted.
    else refused.push({ key, refusedHost: key === 'salesforceLoginHost' && typeof raw[key] === 'string' ? raw[key] : null });
  }
  if (accepted.length === 0) {
    return { settings: local, lockedPaths: [], notice: refused.length ? { kind: 'policyRefused', keys: refused } : null };
  }
  // A policy value can clash with a user's own (e.g. a lower follow-up threshold than their urgent
  // one); the administrator's values over the defaults are then the coherent choice.
  const merged = overlay(local, accepted) ?? overlay(DEFAULT_SETTINGS, accepted);
  if (!merged) {
    return {
      settings: local,
      lockedPaths: [],
      notice: { kind: 'policyContradicts' },
    };
  }
  return {
    settings: merged,
    lockedPaths: accepted.map(([key]) => POLICY_PATHS[key].join('.')),
    notice: refused.length ? { kind: 'policyRefused', keys: refused } : null,
  };
}


/** Whether a settings path (or anything under it) is set by policy. */
export function isLocked(lockedPaths: readonly string[], path: string): boolean {
  return lockedPaths.some((locked) => locked === path || locked.startsWith(`${path}.`) || path.startsWith(`${locked}.`));
}

/**
 * What the user may save: their edits, except that values the policy sets keep the user's own
 * stored value, so removing the policy later brings back what they had chosen.
 */
export function keepLocalWhereLocked(edited: Settings, local: Settings, lockedPaths: readonly string[]): Settings {
  const result = structuredClone(edited) as unknown as Record<string, unknown>;
  for (const path of lockedPaths) setAt(result, path.split('.'), structuredClone(getAt(local, path)));
  return result as unknown as Settings;
}
