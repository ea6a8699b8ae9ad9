import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { rowKey, type LoopRecord, type Outcome, type RecordContext, type RecordRef } from '../../core/schema';
import { CrmError, type CrmConnector, type CrmErrorKind } from '../../integrations/crm';
import { createHubSpotConnector } from '../../integrations/hubspot/connector';
import { ASKNICELY_PRESET, CUSTOM_OBJECT_PRESET, HUBSPOT_FEEDBACK_PRESET } from '../../integrations/hubspot/presets';
import { createSalesforceConnector } from '../../integrations/salesforce/connector';
import { SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET } from '../../integrations/salesforce/presets';
import { HUBSPOT_FIXTURES as HS } from '../../sandbox/hubspot/seed';
import { OUTER_LOOP_OWNER } from '../../sandbox/hubspot/outer-loop';
import { SALESFORCE_FIXTURES as SF, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import type { FaultRule } from '../../sandbox/types';
import { SalesforceSession, type SalesforceTokens } from '../../integrations/salesforce/oauth';
import { keptOrgFacts, routeToSandbox, signIn } from './salesforce-sandbox-client';

// One table of behaviours every CRM connector shows, run against each connector through the sandbox. A CRM joins
// by adding a harness below: how to reach it, which of its records to read, and how its API says each failure.
// What only one CRM does stays in its own test file (hubspot-connector, salesforce-connector).

let sandbox: RunningSandbox;

/** The failures every connector maps to a CrmErrorKind, each as the CRM's own API says it. */
type FailureCase = '401' | '403 scope' | '404' | '429 with Retry-After' | 'daily limit' | '5xx' | 'timeout' | 'malformed JSON' | 'dropped connection';

interface Arranged {
  faults: FaultRule[];
  /** A connector other than the warmed default (e.g. one holding a revoked token). */
  connector?: () => CrmConnector;
}

type WriteMode = 'with the key field' | 'without the key field';

interface Harness {
  name: string;
  instance: string;
  beforeAll(): Promise<void>;
  afterAll(): void;
  connector(options?: { timeoutMs?: number }): CrmConnector;
  /** Reads what the connector reads once per connection (HubSpot's portal directory), so counts show a view's own requests. */
  warm(connector: CrmConnector): Promise<void>;
  /** Every API request (not sign-in), as a fault pattern. */
  api: string;
  /** Each record type the CRM's pages show; `account`: whether it belongs to one. */
  records: Array<{ ref: RecordRef; account: boolean; settings?: Settings }>;
  /** A view with bad score rows, and the rejections it must report (`source value reason`). */
  badScores: { ref: RecordRef; settings: Settings; reasons: RegExp[] };
  /** A view with an open follow-up, and the kinds of follow-up the CRM lists. */
  followUps: { ref: RecordRef; openId: string; kinds: string[] };
  /** A big account, its contact count, the fewest answers it counts, and the most requests its view may take. */
  bigAccount: { ref: RecordRef; contacts: number; minCounted: number; maxRequests: number };
  /** The big account's contacts as the sandbox's seed holds them: each one's name and latest NPS score on the contact. */
  bigAccountContacts(): Array<{ id: string; name: string; score: number | null }>;
  /** The same, counted by hand once from the seed: detractors, the first page of them, no answer, the "Öztürk"s and their promoters. */
  bigAccountByHand: { detractors: number; firstDetractors: number[]; none: number; ozturk: number; ozturkPromoters: number };
  failing: { ref: RecordRef; missing: RecordRef; arrange: Record<FailureCase, Arranged> };
  /** The outer loop's hand-counted owner (sandbox/hubspot and sandbox/salesforce outer-loop.ts), the revenue behind each cause where the CRM counts it, and request ceilings. */
  insights: { ownerId: string; revenue: Record<string, number> | null; maxRequests: { owner: number; everyoneYear: number } };
  /** The loop's timing fields: taking them out of the CRM (as an org or portal that never added them), and a connector whose token may not create fields, with the words of its refusal. */
  loopFields: { timing: string[]; takeOut(): Array<() => void>; withoutPermission(): Promise<CrmConnector>; refusal: RegExp };
  write: {
    outcome(idempotencyKey: string): Outcome;
    /** Faults that make the CRM behave as one without the key field; and the create to drop once it committed. */
    arrange: Record<WriteMode, { faults: FaultRule[]; dropAfterCommit: string }>;
    created(): number;
    /** The follow-up's root-cause and loop-step fields as the CRM holds them (';'-joined), and the loop's timing. */
    followUpFields(): { causes: string; steps: string; firstContactAt: number | null; firstContactHours: number | null; sla: string | null };
    /** The request that updates follow-ups (method and path). */
    followUpUpdate: RegExp;
    loops(connector: CrmConnector, outcome: Outcome): Promise<LoopRecord[]>;
    recordUrl: (id: string) => RegExp;
  };
}

/**
 * How each failure ends, whatever the CRM: its kind, and whether the request that met it is sent again ('either':
 * the CRMs differ, or, for a timeout, the sandbox logs a request only once it answers).
 */
const FAILURES: Array<{ failure: FailureCase; kind: CrmErrorKind; retried: 'never' | 'bounded' | 'either'; check?: (e: CrmError) => void }> = [
  // Salesforce refreshes its access token once and asks again; a HubSpot private-app token has no refresh.
  { failure: '401', kind: 'auth', retried: 'either' },
  { failure: '403 scope', kind: 'scope', retried: 'never' },
  { failure: '404', kind: 'not-found', retried: 'never' },
  { failure: '429 with Retry-After', kind: 'rate-limit', retried: 'either', check: (e) => expect(e.details.retryAfterMs).toBeGreaterThan(0) },
  { failure: 'daily limit', kind: 'daily-limit', retried: 'never', check: (e) => expect(e.transient).toBe(false) },
  { failure: '5xx', kind: 'server', retried: 'bounded' },
  // HubSpot sends a timed-out read once; Salesforce tries an idempotent one again (at most three times).
  { failure: 'timeout', kind: 'timeout', retried: 'either' },
  { failure: 'malformed JSON', kind: 'malformed', retried: 'never' },
  { failure: 'dropped connection', kind: 'network', retried: 'either' },
];

// ── HubSpot ──────────────────────────────────────────────────────────────────────────────────────────

const hsRef = (objectType: RecordRef['objectType'], id: string, instance: string = HS.portals.main): RecordRef => ({ crm: 'hubspot', instance, objectType, id });
const hsAllSources: Settings = {
  ...DEFAULT_SETTINGS,
  hubspot: { ...DEFAULT_SETTINGS.hubspot, sources: [HUBSPOT_FEEDBACK_PRESET, ASKNICELY_PRESET, { ...CUSTOM_OBJECT_PRESET, objectType: 'p_loyalty_survey' } as typeof CUSTOM_OBJECT_PRESET] },
};
const hsError = (status: number, body: unknown, headers?: Record<string, string>): FaultRule[] => [{ match: HS_API, status, body, ...(headers ? { headers } : {}) }];
const HS_API = '^(GET|POST|PATCH|PUT|DELETE) /(crm|crm-object-schemas|account-info|oauth)/';

const hubspot: Harness = {
  name: 'HubSpot',
  instance: HS.portals.main,
  async beforeAll() {},
  afterAll() {},
  connector: (options = {}) => createHubSpotConnector({ token: HS.tokens.main, apiBase: sandbox.httpUrl, ...options }),
  warm: (c) => (c as ReturnType<typeof createHubSpotConnector>).refreshDirectory(),
  api: HS_API,
  records: [
    { ref: hsRef('contact', HS.sampleContactId), account: true },
    { ref: hsRef('company', HS.companyId), account: true },
    { ref: hsRef('deal', HS.dealId), account: true },
    { ref: hsRef('ticket', HS.ticketId), account: true },
    { ref: hsRef('contact', HS.contactWithoutCompanyId), account: false },
  ],
  badScores: {
    ref: hsRef('contact', HS.badScoresContactId),
    settings: hsAllSources,
    reasons: [/^hubspot-feedback 11 outside the NPS scale 0–10$/, /^asknicely -1 outside the NPS scale 0–10$/, /^survey-responses N\/A not a whole number$/],
  },
  followUps: { ref: hsRef('contact', HS.sampleContactId), openId: HS.ticketId, kinds: ['ticket', 'task'] },
  // Company ∥ contacts; 3 counts, answers, open deals and their contacts, tickets and theirs, deal contacts not listed (11),
  // and a search the warm-up left no quota for, retried after HubSpot's 429.
  bigAccount: { ref: hsRef('company', HS.bigCompanyId), contacts: HS.bigCompanyContacts, minCounted: 200, maxRequests: 13 },
  // Detractors by score 0–6: 0, 24, 107, 168, 224, 308, 420.
  bigAccountByHand: { detractors: 1251, firstDetractors: [...Array<number>(24).fill(1), 2], none: 2, ozturk: 84, ozturkPromoters: 15 },
  bigAccountContacts: () => {
    const store = sandbox.hubspot.portal(HS.portals.main);
    return store.associatedIds('companies', HS.bigCompanyId, 'contacts').map((id) => {
      const p = store.get('contacts', id)!.properties;
      const rating = p.hs_feedback_last_nps_rating;
      return { id, name: `${p.firstname ?? ''} ${p.lastname ?? ''}`.trim(), score: rating != null && /^\d{1,2}$/.test(rating) ? Number(rating) : null };
    });
  },
  // Search cannot add money up; 1 property read + 3 totals a month + 1 per cause and step + opened, closed, recent,
  // and up to two searches retried after HubSpot's secondly 429.
  loopFields: {
    timing: ['loyalty_lens_first_contact_at', 'loyalty_lens_first_contact_hours', 'loyalty_lens_sla'],
    takeOut: () => ['loyalty_lens_first_contact_at', 'loyalty_lens_first_contact_hours', 'loyalty_lens_sla'].map((name) => sandbox.hubspot.withoutProperty(name)),
    withoutPermission: async () => createHubSpotConnector({ token: HS.tokens.noSchemaWrite, apiBase: sandbox.httpUrl }),
    refusal: /lacks the scope crm\.schemas\.tickets\.write/,
  },
  insights: { ownerId: OUTER_LOOP_OWNER.id, revenue: null, maxRequests: { owner: 1 + 3 * 3 + 10 + 3 + 3 + 2, everyoneYear: 1 + 3 * 12 + 2 * 4 + 10 + 3 + 3 + 2 } },
  failing: {
    ref: hsRef('contact', HS.sampleContactId),
    missing: hsRef('contact', '999999'),
    arrange: {
      '401': { faults: [], connector: () => createHubSpotConnector({ token: HS.tokens.revoked, apiBase: sandbox.httpUrl }) },
      '403 scope': {
        faults: hsError(403, {
          status: 'error',
          category: 'MISSING_SCOPES',
          message: 'This app hasn’t been granted all required scopes to make this call.',
          errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.companies.read'] } }],
        }),
      },
      '404': { faults: [] },
      '429 with Retry-After': {
        faults: hsError(429, { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' }, { 'retry-after': '1' }),
      },
      'daily limit': { faults: hsError(429, { status: 'error', errorType: 'RATE_LIMIT', policyName: 'DAILY', message: 'You have reached your daily limit.' }) },
      '5xx': { faults: hsError(502, { status: 'error', message: 'Bad gateway' }) },
      timeout: { faults: [{ match: HS_API, latencyMs: 1_500 }] },
      'malformed JSON': { faults: [{ match: HS_API, status: 200, body: '{"total": ', headers: { 'content-type': 'application/json' } }] },
      'dropped connection': { faults: [{ match: HS_API, dropAfterCommit: true }] },
    },
  },
  write: {
    outcome: (idempotencyKey) => ({
      ref: hsRef('contact', HS.sampleContactId),
      contactId: HS.sampleContactId,
      followUpId: HS.ticketId,
      responseId: null,
      result: 'reached-resolved',
      rootCauses: ['Support experience'],
      note: 'Called, fixed the SSO issue.',
      nextStep: null,
      thanked: true,
      closeFollowUp: false,
      idempotencyKey,
      crm: 'hubspot',
      instance: HS.portals.main,
      contactKey: rowKey('hubspot', HS.portals.main, HS.sampleContactId),
      loggedAt: Date.UTC(2026, 10, 2),
      answeredAt: Date.UTC(2026, 10, 2) - 6 * 3_600_000,
      dueAt: Date.UTC(2026, 10, 2) + 42 * 3_600_000,
      loggedBy: 'Maya Lindgren',
      state: 'in-flight',
      attempts: 0,
      nextAttemptAt: 0,
      leaseUntil: null,
      lastError: null,
      lastErrorKind: null,
      crmRecordId: null,
      crmRecordUrl: null,
    }),
    arrange: {
      'with the key field': { faults: [], dropAfterCommit: '^POST /crm/v3/objects/notes/batch/upsert$' },
      // A portal without the unique-value property: the upsert names it missing, and notes are found by their body.
      'without the key field': {
        faults: [
          {
            match: '^POST /crm/v3/objects/notes/batch/upsert$',
            status: 400,
            body: { status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid: [{"error":"PROPERTY_DOESNT_EXIST","name":"loyalty_lens_key"}]' },
          },
        ],
        dropAfterCommit: '^POST /crm/v3/objects/notes$',
      },
    },
    created: () => sandbox.stats().hubspot?.notes ?? 0,
    followUpFields: () => {
      const p = sandbox.hubspot.portal().get('tickets', HS.ticketId)!.properties;
      return {
        causes: p.loyalty_lens_root_causes ?? '',
        steps: p.loyalty_lens_loop_steps ?? '',
        firstContactAt: p.loyalty_lens_first_contact_at ? Date.parse(p.loyalty_lens_first_contact_at) : null,
        firstContactHours: p.loyalty_lens_first_contact_hours ? Number(p.loyalty_lens_first_contact_hours) : null,
        sla: p.loyalty_lens_sla || null,
      };
    },
    followUpUpdate: /^POST \/crm\/v3\/objects\/tickets\/batch\/update$/,
    loops: (c, o) => c.loadLoopHistory!(o.ref, [o.contactId]),
    recordUrl: () => new RegExp(`^https://app\\.hubspot\\.com/contacts/${HS.portals.main}/record/0-1/${HS.sampleContactId}$`),
  },
};

// ── Salesforce ───────────────────────────────────────────────────────────────────────────────────────

const sfRef = (objectType: RecordRef['objectType'], id: string, instance: string = SF.hosts.api): RecordRef => ({ crm: 'salesforce', instance, objectType, id });
const sfBothSources: Settings = { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, sources: [SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET] } };
const SF_API = '^(GET|POST|PATCH) /services/data/';
const sfError = (status: number, errorCode: string, message: string): FaultRule[] => [{ match: SF_API, status, body: [{ errorCode, message }] }];
let sfTokens: SalesforceTokens;
let unroute: (() => void) | null = null;
/** The sandbox's own control routes are plain HTTP on its local port, outside the CRM host routing. */
const plainFetch = globalThis.fetch;

const sfConnected = keptOrgFacts();
const salesforce: Harness = {
  name: 'Salesforce',
  instance: SF.hosts.api,
  async beforeAll() {
    unroute = routeToSandbox(sandbox);
    sfTokens = await signIn();
    // Connected as the background connects: what it learns of the org (its currencies) is kept for the views.
    await salesforce.connector().testConnection();
  },
  afterAll() {
    unroute?.();
  },
  connector: (options = {}) =>
    createSalesforceConnector({
      // A rotated refresh token replaces the old one, as the background stores it.
      session: new SalesforceSession({ tokens: sfTokens, loginHost: SF.hosts.login, consumerKey: SF.consumerKey, onTokens: (t) => void (sfTokens = t) }),
      apiVersion: '62.0',
      clock: { now: Date.now, sleep: async () => {} },
      factsCache: sfConnected,
      ...options,
    }),
  warm: async () => {},
  api: SF_API,
  records: [
    { ref: sfRef('contact', SF.sampleContactId), account: true },
    { ref: sfRef('account', SF.sampleAccountId), account: true },
    { ref: sfRef('opportunity', SF.opportunityId), account: true },
    { ref: sfRef('case', SF.caseId), account: true },
    { ref: sfRef('lead', SF.leadId), account: false, settings: sfBothSources },
    { ref: sfRef('contact', SF.contactWithoutAccountId), account: false },
  ],
  badScores: {
    ref: sfRef('contact', SF.badScoresContactId),
    settings: sfBothSources,
    reasons: [
      /^salesforce-surveys N\/A not a whole number/,
      /^salesforce-surveys 11 outside the NPS scale 0–10/,
      /^salesforce-surveys -1 outside the NPS scale 0–10/,
      /^simple-survey 11 outside the NPS scale/,
      /^simple-survey {2}no score/,
    ],
  },
  followUps: { ref: sfRef('contact', SF.sampleContactId), openId: SF.caseId, kinds: ['case'] },
  bigAccount: { ref: sfRef('account', SF.bigAccountId), contacts: 2500, minCounted: 1000, maxRequests: 3 },
  // Detractors by score 0–6: 99, 80, 98, 102, 79, 212, 199.
  bigAccountByHand: { detractors: 869, firstDetractors: Array<number>(25).fill(0), none: 1, ozturk: 78, ozturkPromoters: 31 },
  bigAccountContacts: () =>
    sandbox.salesforce
      .records('Contact')
      .filter((c) => c.AccountId === SF.bigAccountId)
      .map((c) => ({ id: String(c.Id), name: String(c.Name), score: typeof c.Loyalty_Lens_Last_NPS__c === 'number' ? c.Loyalty_Lens_Last_NPS__c : null })),
  // Open pipeline behind each cause's accounts: Larkspur 90,000, Quarry Hill 30,000. Composites of five queries each.
  loopFields: {
    timing: ['Loyalty_Lens_First_Contact__c', 'Loyalty_Lens_First_Contact_Hours__c', 'Loyalty_Lens_SLA__c'],
    takeOut: () => ['Loyalty_Lens_First_Contact__c', 'Loyalty_Lens_First_Contact_Hours__c', 'Loyalty_Lens_SLA__c'].map((name) => (sandbox.salesforce as SalesforceSandbox).withoutField('Case', name)),
    // A user without Customize Application: the 500-loop owner.
    withoutPermission: async () => {
      const as = (userId: string) => plainFetch(`${sandbox.httpUrl}/__sandbox/salesforce/sign-in-user`, { method: 'POST', body: JSON.stringify({ userId }) });
      await as(SF.bulkLoopOwnerId);
      const tokens = await signIn();
      await as(SF.userId);
      return createSalesforceConnector({
        session: new SalesforceSession({ tokens, loginHost: SF.hosts.login, consumerKey: SF.consumerKey, onTokens: () => undefined }),
        apiVersion: '62.0',
        clock: { now: Date.now, sleep: async () => {} },
      });
    },
    refusal: /needs the Customize Application permission/,
  },
  insights: { ownerId: SF.outerLoopOwnerId, revenue: { Billing: 120_000, Communication: 90_000, Onboarding: 90_000, 'Product quality': 30_000 }, maxRequests: { owner: 4, everyoneYear: 4 } },
  failing: {
    ref: sfRef('contact', SF.sampleContactId),
    missing: sfRef('contact', '003000000000000AAA'),
    arrange: {
      // An access token that a refresh does not cure.
      '401': { faults: sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid') },
      '403 scope': { faults: sfError(403, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id') },
      '404': { faults: [] },
      // Salesforce's short-term limit is the concurrent long-request limit: HTTP 403 REQUEST_LIMIT_EXCEEDED with no
      // Retry-After header; the connector names a wait of its own.
      '429 with Retry-After': { faults: sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.') },
      'daily limit': { faults: sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.') },
      '5xx': { faults: [{ match: SF_API, status: 503 }] },
      timeout: { faults: [{ match: SF_API, latencyMs: 1_500 }] },
      'malformed JSON': { faults: [{ match: SF_API, status: 200, body: '{"compositeResponse": [', headers: { 'content-type': 'application/json' } }] },
      'dropped connection': { faults: [{ match: SF_API, dropAfterCommit: true }] },
    },
  },
  write: {
    outcome: (idempotencyKey) => ({
      ref: sfRef('case', SF.caseId),
      contactId: SF.sampleContactId,
      followUpId: SF.caseId,
      responseId: null,
      result: 'reached-resolved',
      rootCauses: ['Billing'],
      note: 'Called Dana; invoices download again.',
      nextStep: null,
      thanked: true,
      closeFollowUp: false,
      idempotencyKey,
      crm: 'salesforce',
      instance: SF.hosts.api,
      contactKey: rowKey('salesforce', SF.hosts.api, SF.sampleContactId),
      loggedAt: Date.UTC(2026, 10, 20),
      answeredAt: Date.UTC(2026, 10, 20) - 6 * 3_600_000,
      dueAt: Date.UTC(2026, 10, 20) + 42 * 3_600_000,
      loggedBy: 'Avery Admin',
      state: 'in-flight',
      attempts: 0,
      nextAttemptAt: 0,
      leaseUntil: null,
      lastError: null,
      lastErrorKind: null,
      crmRecordId: null,
      crmRecordUrl: null,
    }),
    arrange: {
      'with the key field': { faults: [], dropAfterCommit: '^PATCH /services/data/v62.0/composite/sobjects/Task/Loyalty_Lens_Key__c$' },
      // An org without the External ID field on Task: Tasks are found by the key in their subject.
      'without the key field': {
        faults: [{ match: '^GET /services/data/v62.0/sobjects/Task/describe$', status: 200, body: { name: 'Task', label: 'Task', fields: [{ name: 'Id', label: 'Task ID', type: 'id' }] } }],
        dropAfterCommit: '^POST /services/data/v62.0/composite/sobjects$',
      },
    },
    created: () => (sandbox.salesforce as SalesforceSandbox).stats().tasksCreated ?? 0,
    followUpFields: () => {
      const row = (sandbox.salesforce as SalesforceSandbox).records('Case').find((r) => r.Id === SF.caseId)!;
      return {
        causes: String(row.Loyalty_Lens_Root_Causes__c ?? ''),
        steps: String(row.Loyalty_Lens_Loop_Steps__c ?? ''),
        firstContactAt: typeof row.Loyalty_Lens_First_Contact__c === 'string' ? Date.parse(row.Loyalty_Lens_First_Contact__c) : null,
        firstContactHours: typeof row.Loyalty_Lens_First_Contact_Hours__c === 'number' ? row.Loyalty_Lens_First_Contact_Hours__c : null,
        sla: typeof row.Loyalty_Lens_SLA__c === 'string' ? row.Loyalty_Lens_SLA__c : null,
      };
    },
    followUpUpdate: /^PATCH \/services\/data\/v62\.0\/composite\/sobjects$/,
    // Salesforce's loops come with the record view (its completed Tasks).
    loops: async (c, o) => (await c.loadContext(sfRef('contact', o.contactId), DEFAULT_SETTINGS)).loops ?? [],
    recordUrl: (id) => new RegExp(`^https://${SF.hosts.lightning.replace(/\./g, '\\.')}/lightning/r/Task/${id}/view$`),
  },
};

// ── the behaviours ───────────────────────────────────────────────────────────────────────────────────

async function failure(promise: Promise<unknown>): Promise<CrmError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CrmError);
    return error as CrmError;
  }
  throw new Error('expected a CrmError');
}

/** How often each API path was requested since the log was cleared. */
function timesRequested(api: string): number[] {
  const pattern = new RegExp(api);
  const counts = new Map<string, number>();
  for (const l of sandbox.log()) {
    const line = `${l.method} ${l.path.split('?')[0]}`;
    if (pattern.test(line)) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts.values()];
}

const listedKeys = (ctx: RecordContext) => new Set(ctx.contacts.map((c) => c.key));

/** Until no request has reached the sandbox for a second. */
async function quiet(): Promise<void> {
  for (;;) {
    const last = sandbox.log().at(-1)?.at ?? 0;
    if (Date.now() - last >= 1_000) return;
    await new Promise((done) => setTimeout(done, 100));
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, latencyMs: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
// Each behaviour starts with empty rate-limit windows: HubSpot allows 100 requests per 10 s, and a suite that runs
// faster than that would otherwise count retried 429s that belong to earlier behaviours.
beforeEach(() => {
  sandbox.hubspot.clearRateWindows();
  sandbox.clearFaults();
  sandbox.clearLog();
});

describe.each([hubspot, salesforce])('the $name connector', (crm) => {
  beforeAll(() => crm.beforeAll());
  afterAll(() => crm.afterAll());

  it.each(crm.records.map((r) => ({ ...r, type: r.ref.objectType })))('a $type record resolves', async ({ ref, account, settings }) => {
    const ctx = await crm.connector().loadContext(ref, settings ?? DEFAULT_SETTINGS);
    expect(ctx.ref).toEqual(ref);
    expect(ctx.title).not.toBe('');
    expect(ctx.account === null).toBe(!account);
    expect(ctx.contacts.length).toBeGreaterThan(0);
    expect(ctx.focusContactKeys.every((k) => listedKeys(ctx).has(k))).toBe(true);
    expect(ctx.requestCount).toBeGreaterThan(0);
  });

  it('scores parse from every source; bad rows are rejected with their reasons', async () => {
    const { ref, settings, reasons } = crm.badScores;
    const ctx = await crm.connector().loadContext(ref, settings);
    const rejected = ctx.rejected.map((r) => `${r.source} ${r.value} ${r.reason}`);
    for (const reason of reasons) expect(rejected, String(reason)).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
    expect(ctx.responses.every((r) => r.kind !== 'nps' || (Number.isInteger(r.score) && r.score >= 0 && r.score <= 10))).toBe(true);
    expect(new Set(ctx.responses.map((r) => r.source)).size).toBeGreaterThanOrEqual(2);
  });

  it('the open follow-ups are listed with the view', async () => {
    const { ref, openId, kinds } = crm.followUps;
    const ctx = await crm.connector().loadContext(ref, DEFAULT_SETTINGS);
    expect(ctx.followUps.find((f) => f.id === openId)).toMatchObject({ status: 'open', crm: ref.crm, instance: crm.instance });
    for (const kind of kinds) expect(ctx.followUps.some((f) => f.kind === kind && f.status === 'open')).toBe(true);
  });

  it('a big account is counted by the CRM, with only the listed contacts read', async () => {
    const { ref, contacts, minCounted, maxRequests } = crm.bigAccount;
    const c = crm.connector();
    await crm.warm(c);
    sandbox.clearLog();
    const ctx = await c.loadContext(ref, DEFAULT_SETTINGS);
    expect(ctx.account?.contactCount).toBe(contacts);
    const counts = ctx.accountCounts!;
    expect(counts.respondents).toBeGreaterThan(0);
    expect(counts.promoters + counts.passives + counts.detractors).toBeGreaterThan(minCounted);
    expect(ctx.contacts.length).toBeLessThanOrEqual(200);
    expect(ctx.responses.every((r) => listedKeys(ctx).has(r.contactKey))).toBe(true);
    expect(ctx.requestCount).toBeLessThanOrEqual(maxRequests);
    expect(timesRequested(crm.api).reduce((a, b) => a + b, 0)).toBe(ctx.requestCount);
  });

  describe('a big account\'s contact list, listed by the CRM', () => {
    const account = () => ({ instance: crm.instance, id: crm.bigAccount.ref.id });
    /** Scores as the list orders them: lowest first, no answer last. */
    const byScore = (a: number | null, b: number | null) => (a ?? 11) - (b ?? 11);
    const expectedScores = (filter: (score: number | null) => boolean) =>
      crm.bigAccountContacts().filter((c) => filter(c.score)).map((c) => c.score).sort(byScore);
    const list = (c: CrmConnector, segment: 'detractor' | 'passive' | 'promoter' | 'none' | null, search: string, cursor: string | null = null) =>
      c.listAccountContacts(account(), { segment, search }, cursor, DEFAULT_SETTINGS);
    const listed = (page: Awaited<ReturnType<CrmConnector['listAccountContacts']>>) => {
      if (page.status !== 'listed') throw new Error('the CRM did not list the account');
      return page;
    };

    it('the whole account lowest score first, and the first pages the view read cost no request', async () => {
      const c = crm.connector();
      await crm.warm(c);
      const ctx = await c.loadContext(crm.bigAccount.ref, DEFAULT_SETTINGS);
      sandbox.clearLog();
      const all = listed(await list(c, null, ''));
      const detractors = listed(await list(c, 'detractor', ''));
      expect(timesRequested(crm.api).reduce((a, b) => a + b, 0)).toBe(0);
      expect(all.total).toBe(crm.bigAccount.contacts);
      expect(all.rows.map((r) => r.score)).toEqual(expectedScores(() => true).slice(0, 25));
      // The detractor chip: its count is the roll-up's, its first page the account's lowest scores (0–3 before 4–6).
      expect(detractors.total).toBe(ctx.accountCounts!.detractors);
      expect(detractors.total).toBe(crm.bigAccountByHand.detractors);
      expect(detractors.rows.map((r) => r.score)).toEqual(crm.bigAccountByHand.firstDetractors);
      expect(detractors.total).toBe(expectedScores((s) => s !== null && s <= 6).length);
      expect(detractors.rows.map((r) => r.score)).toEqual(expectedScores((s) => s !== null && s <= 6).slice(0, 25));
      const seed = new Map(crm.bigAccountContacts().map((c) => [c.id, c]));
      for (const row of detractors.rows) expect(seed.get(row.contact.id)?.score).toBe(row.score);
      // Paging goes on where the first page ended.
      const next = listed(await list(c, 'detractor', '', detractors.cursor));
      expect(next.rows.map((r) => r.score)).toEqual(expectedScores((s) => s !== null && s <= 6).slice(25, 50));
      expect(next.rows.some((r) => detractors.rows.some((d) => d.contact.id === r.contact.id))).toBe(false);
      expect(timesRequested(crm.api).reduce((a, b) => a + b, 0)).toBe(1);
    });

    it('those without an answer are counted and listed by the CRM', async () => {
      const c = crm.connector();
      const none = listed(await list(c, 'none', ''));
      expect(none.total).toBe(expectedScores((s) => s === null).length);
      expect(none.total).toBe(crm.bigAccountByHand.none);
      expect(none.rows).toHaveLength(Math.min(25, none.total));
      expect(none.total).toBeGreaterThan(0);
      expect(none.rows.every((r) => r.score === null)).toBe(true);
    });

    it('a name search covers the whole account, whatever the letter case', async () => {
      const c = crm.connector();
      const found = listed(await list(c, null, 'ÖZTÜRK'));
      const expected = crm.bigAccountContacts().filter((x) => x.name.toLocaleLowerCase().includes('öztürk'));
      expect(found.total).toBe(expected.length);
      expect(found.total).toBe(crm.bigAccountByHand.ozturk);
      expect(found.rows.every((r) => r.contact.name.includes('Öztürk'))).toBe(true);
      expect(found.rows.map((r) => r.score)).toEqual(expected.map((x) => x.score).sort(byScore).slice(0, 25));
      const promoters = listed(await list(c, 'promoter', 'öztürk'));
      expect(promoters.total).toBe(expected.filter((x) => x.score !== null && x.score >= 9).length);
      expect(promoters.total).toBe(crm.bigAccountByHand.ozturkPromoters);
    });

    it('text that looks like query syntax is looked for as text', async () => {
      const c = crm.connector();
      for (const text of ["x' OR Name LIKE '%", '%', '_', '\\', "') OR (Id != null"]) {
        const page = listed(await list(c, null, text));
        expect(page.total, text).toBe(0);
        expect(page.rows).toEqual([]);
      }
    });

    it('a place in the list that was tampered with is refused', async () => {
      const error = await failure(list(crm.connector(), 'detractor', '', '{"b":0,"o":"1 OR 1=1","t":5}'));
      expect(error.kind).toBe('validation');
    });
  });

  it('a page of another instance is refused, naming both', async () => {
    const error = await failure(crm.connector().loadContext({ ...crm.failing.ref, instance: 'other-instance' }, DEFAULT_SETTINGS));
    expect(error.kind).toBe('wrong-instance');
    expect(error.message).toContain('other-instance');
    expect(error.message).toContain(crm.instance);
  });

  it.each(FAILURES)('$failure → $kind', async ({ failure: what, kind, retried, check }) => {
    const arranged = crm.failing.arrange[what];
    const c = arranged.connector?.() ?? crm.connector(what === 'timeout' ? { timeoutMs: 300 } : {});
    if (!arranged.connector) await crm.warm(c);
    sandbox.setFaults(arranged.faults);
    sandbox.clearLog();
    const error = await failure(c.loadContext(what === '404' ? crm.failing.missing : crm.failing.ref, DEFAULT_SETTINGS));
    expect(error.kind).toBe(kind);
    expect(error.message).not.toMatch(/undefined|\[object/);
    const most = Math.max(0, ...timesRequested(crm.api));
    if (retried === 'never') expect(most).toBe(1);
    if (retried === 'bounded') {
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(4);
    }
    check?.(error);
  });

  it('a 5xx once is retried and the view loads', async () => {
    const c = crm.connector();
    await crm.warm(c);
    sandbox.setFaults([{ match: crm.api, status: 503, times: 1 }]);
    const ctx = await c.loadContext(crm.failing.ref, DEFAULT_SETTINGS);
    expect(ctx.contacts.length).toBeGreaterThan(0);
  });

  it('the outer loop of one owner is counted by the CRM, as counted by hand', async () => {
    const c = crm.connector();
    await crm.warm(c);
    // A session an earlier behaviour expired is renewed here, and the reads earlier behaviours left running finish
    // first: the log and HubSpot's search window then hold the count's own requests.
    await c.testConnection();
    await quiet();
    sandbox.hubspot.clearRateWindows();
    sandbox.clearLog();
    const counts = await c.insights!.count({ kind: 'owners', ownerIds: [crm.insights.ownerId] }, ['2026-08', '2026-09', '2026-10'], DEFAULT_SETTINGS, null);
    // Latest answers (HubSpot, people) and answers (Salesforce) agree here: Cyd's July 10 is outside the period.
    expect(counts.months.map((m) => ({ month: m.month, promoters: m.promoters, passives: m.passives, detractors: m.detractors }))).toEqual([
      { month: '2026-08', promoters: 1, passives: 0, detractors: 1 },
      { month: '2026-09', promoters: 0, passives: 1, detractors: 1 },
      { month: '2026-10', promoters: 1, passives: 0, detractors: 1 },
    ]);
    const counted = counts.causes.filter((x) => x.count > 0).sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause));
    expect(counted.map((x) => [x.cause, x.count])).toEqual([
      ['Billing', 3],
      ['Communication', 1],
      ['Onboarding', 1],
      ['Product quality', 1],
    ]);
    const revenue = crm.insights.revenue;
    for (const x of counted) expect(x.revenue).toBe(revenue ? revenue[x.cause] : null);
    // Bo's ticket closed after 48 h, Dev's after 24 h; the July follow-up is outside the period.
    expect(counts.funnel).toEqual({ opened: 4, reached: 3, resolved: 2, thanked: 1, closed: 2, closeHoursTotal: 72, closeCounted: 2 });
    expect(counts.causeField).toBe('present');
    expect(counts.recent.map((r) => [r.rootCauses, r.steps, r.closed])).toEqual([
      [['Onboarding'], [], false],
      [['Product quality', 'Billing'], ['reached', 'resolved'], true],
      [['Billing'], ['reached'], false],
      [['Billing', 'Communication'], ['reached', 'resolved', 'thanked'], true],
    ]);
    expect(counts.requestCount).toBeLessThanOrEqual(crm.insights.maxRequests.owner);
    expect(timesRequested(crm.api).reduce((a, b) => a + b, 0)).toBe(counts.requestCount);
  });

  it('everyone over twelve months costs requests by months and categories, not by answers', async () => {
    const c = crm.connector();
    await crm.warm(c);
    const months = ['2025-11', '2025-12', ...Array.from({ length: 10 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)];
    const counts = await c.insights!.count({ kind: 'everyone' }, months, DEFAULT_SETTINGS, null);
    expect(counts.months.map((m) => m.month)).toEqual(months);
    expect(counts.months.reduce((n, m) => n + m.promoters + m.passives + m.detractors, 0)).toBeGreaterThan(1_000);
    expect(counts.touchpoints.length).toBeGreaterThan(0);
    expect(counts.requestCount).toBeLessThanOrEqual(crm.insights.maxRequests.everyoneYear);
  });

  it('the loop fields: each one’s status, one-click creation where the token may, exact words where it may not', async () => {
    const c = crm.connector();
    await crm.warm(c);
    const state = async (connector: CrmConnector) => Object.fromEntries((await connector.loopFields!.status(DEFAULT_SETTINGS)).map((f) => [f.name, f.state]));
    expect(Object.values(await state(c))).toEqual(['present', 'present', 'present', 'present', 'present']);
    const putBack = crm.loopFields.takeOut();
    try {
      const missing = await c.loopFields!.status(DEFAULT_SETTINGS);
      expect(missing.filter((f) => f.state === 'missing').map((f) => f.name)).toEqual(crm.loopFields.timing);
      // What to create, exactly: the SLA field's type and values.
      expect(missing.find((f) => f.purpose === 'sla')).toMatchObject({ options: ['within', 'late'], type: expect.any(String) });
      // A token that may not create fields is refused by the CRM, in words naming what it lacks; nothing is created.
      const refused = await failure((await crm.loopFields.withoutPermission()).loopFields!.create(crm.loopFields.timing[2]!, DEFAULT_SETTINGS));
      expect(refused.kind).toBe('scope');
      expect(refused.message).toMatch(crm.loopFields.refusal);
      expect((await state(c))[crm.loopFields.timing[2]!]).toBe('missing');
      // One click creates it; a second finds it there and leaves it.
      const after = await c.loopFields!.create(crm.loopFields.timing[2]!, DEFAULT_SETTINGS);
      expect(after.find((f) => f.name === crm.loopFields.timing[2])?.state).toBe('present');
      await c.loopFields!.create(crm.loopFields.timing[2]!, DEFAULT_SETTINGS);
      expect(Object.values(await state(c)).filter((v) => v === 'missing')).toHaveLength(2);
      for (const name of crm.loopFields.timing.slice(0, 2)) await c.loopFields!.create(name, DEFAULT_SETTINGS);
      expect(Object.values(await state(c))).toEqual(['present', 'present', 'present', 'present', 'present']);
    } finally {
      for (const back of putBack) back();
    }
  });

  it.each<WriteMode>(['with the key field', 'without the key field'])('an outcome is written exactly once %s, even after a dropped connection', async (mode) => {
    const { faults, dropAfterCommit } = crm.write.arrange[mode];
    const c = crm.connector();
    await crm.warm(c);
    const outcome = crm.write.outcome(`conformance-${mode.startsWith('with ') ? 'with' : 'without'}-${Date.now()}`);
    const before = crm.write.created();
    sandbox.setFaults([...faults, { match: dropAfterCommit, dropAfterCommit: true, times: 1 }]);
    // The CRM saved the record, then the connection dropped: the connector may or may not know it yet.
    const [first] = await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    // Not knowing is a failure worth trying again, never a final one.
    if (!first!.ok) expect(first!.error?.transient).toBe(true);
    const [second] = first!.ok ? [first!] : await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    sandbox.clearLog();
    const [third] = await c.writeOutcomes([outcome], DEFAULT_SETTINGS);
    // Sent again, it finds the follow-up holding all of it already: nothing updates it to the state it has.
    expect(sandbox.log().filter((l) => crm.write.followUpUpdate.test(`${l.method} ${l.path.split('?')[0]}`))).toEqual([]);
    expect(second).toMatchObject({ ok: true, idempotencyKey: outcome.idempotencyKey });
    expect(third).toMatchObject({ ok: true, crmRecordId: second!.crmRecordId });
    expect(second!.crmRecordUrl).toMatch(crm.write.recordUrl(second!.crmRecordId!));
    expect(crm.write.created() - before).toBe(1);
    // The outer loop's data is on the follow-up, once each however often the outcome was sent.
    const fields = crm.write.followUpFields();
    expect(fields.causes.split(';').filter((c) => c === outcome.rootCauses[0])).toHaveLength(1);
    expect(fields.steps.split(';').sort()).toEqual(['reached', 'resolved', 'thanked']);
    // The loop's timing: first contact when the outcome was logged, six hours after the answer; it did not close the
    // follow-up, so no SLA result. Both modes log the same instant, so the first one written stays.
    expect(fields).toMatchObject({ firstContactAt: outcome.loggedAt, firstContactHours: 6, sla: null });
    sandbox.clearFaults();
    const loops = await crm.write.loops(c, outcome);
    expect(loops.filter((l) => l.id === second!.crmRecordId)).toMatchObject([
      { result: 'reached-resolved', rootCauses: outcome.rootCauses, ...(mode === 'with the key field' ? { idempotencyKey: outcome.idempotencyKey } : {}) },
    ]);
  });
});
