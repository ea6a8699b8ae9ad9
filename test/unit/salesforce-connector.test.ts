import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { Connection } from 'jsforce/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { rowKey, type Outcome, type RecordRef, type SurveyResponse } from '../../core/schema';
import { CrmError } from '../../integrations/crm';
import { UNCONFIRMED_WRITE_MS } from '../../integrations/unconfirmed-creates';
import { createSalesforceConnector } from '../../integrations/salesforce/connector';
import { TASK_KEY_FIELD } from '../../integrations/salesforce/outcomes';
import { parseRedirect, SalesforceSession, type SalesforceTokens } from '../../integrations/salesforce/oauth';
import { SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET } from '../../integrations/salesforce/presets';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { SALESFORCE_FIXTURES as F, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { keptOrgFacts, REDIRECT_URI, routeToSandbox, sandboxFetch, signIn } from './salesforce-sandbox-client';
import { objectDef } from '../../sandbox/salesforce/schema';
import { seed } from '../../sandbox/salesforce/seed';
import { Store } from '../../sandbox/salesforce/store';

// Contract tests against the sandbox org on its real host names (see salesforce-sandbox-client.ts). What every
// connector does alike is proven in connector-conformance.test.ts; this file keeps what is Salesforce's own.

const LOGIN = F.hosts.login;
const INSTANCE = F.hosts.api;

let sandbox: RunningSandbox;
let org: SalesforceSandbox;
let unroute: () => void;
const sentQueries: string[] = [];

let tokens: SalesforceTokens;
let rotated: SalesforceTokens[];
function newSession(): SalesforceSession {
  rotated = [];
  return new SalesforceSession({ tokens, loginHost: LOGIN, consumerKey: F.consumerKey, onTokens: (t) => void rotated.push(t) });
}
/** What connecting learned about the org (its currencies), kept as the background keeps it. */
const connected = keptOrgFacts();
function connector(extra: Partial<Parameters<typeof createSalesforceConnector>[0]> = {}) {
  return createSalesforceConnector({ session: newSession(), apiVersion: '62.0', clock: { now: Date.now, sleep: async () => {} }, factsCache: connected, ...extra });
}
const ref = (objectType: RecordRef['objectType'], id: string): RecordRef => ({ crm: 'salesforce', instance: INSTANCE, objectType, id });
const key = (id: string) => rowKey('salesforce', INSTANCE, id);
const apiRequests = () => sandbox.log().filter((l) => l.path.startsWith('/services/data/'));
const withSources = (...sources: Settings['salesforce']['sources']): Settings => ({ ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, sources } });
const bothSources = withSources(SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET);

async function failure(promise: Promise<unknown>): Promise<CrmError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CrmError);
    return error as CrmError;
  }
  throw new Error('expected a CrmError');
}

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0 });
  org = sandbox.salesforce as SalesforceSandbox;
  unroute = routeToSandbox(sandbox);
  // Every SOQL the connector sends, from plain queries and composite subrequests alike.
  const request = Connection.prototype.request;
  vi.spyOn(Connection.prototype, 'request').mockImplementation(function (this: Connection, req, options) {
    const r = typeof req === 'string' ? { url: req, body: undefined } : req;
    const urls = [r.url];
    if (typeof r.body === 'string' && r.url.endsWith('/composite')) {
      for (const sub of (JSON.parse(r.body) as { compositeRequest: Array<{ url: string }> }).compositeRequest) urls.push(sub.url);
    }
    for (const url of urls) {
      const q = /\/query\?q=(.*)$/.exec(url)?.[1];
      if (q) sentQueries.push(decodeURIComponent(q));
    }
    return request.call(this, req, options);
  } as typeof request);
  tokens = await signIn();
  await connector().testConnection();
});
afterAll(async () => {
  unroute?.();
  vi.restoreAllMocks();
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.clearFaults();
  sandbox.clearLog();
});

describe('sign-in: OAuth web server flow with PKCE against the sandbox', () => {
  it('issues tokens for the org’s API host and rotates the refresh token', async () => {
    expect(new URL(tokens.instanceUrl).hostname).toBe(INSTANCE);
    expect(tokens.refreshToken).not.toBe('');
    const session = newSession();
    const before = session.tokens.refreshToken;
    await session.refresh(session.accessToken);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]!.refreshToken).not.toBe(before);
    tokens = session.tokens;
  });

  it('refuses a code exchanged with the wrong verifier', async () => {
    const error = await failure(signIn('allow', 'x'.repeat(64)));
    expect(error.kind).toBe('auth');
    expect(error.details.crmCode).toBe('invalid_grant');
  });

  it('refuses a redirect whose state is not ours, and words a denial', async () => {
    expect(() => parseRedirect(`${REDIRECT_URI}?code=abc&state=forged`, 'ours')).toThrow(/does not belong/);
    const error = await failure(signIn('deny'));
    expect(error.message).toMatch(/not allowed/);
  });

  /** A token answer as the login host gives it, with its instance and identity URLs replaced. */
  const hostileAnswer = (urls: { instance_url?: string; id?: string }) => ({
    access_token: `${F.orgId.slice(0, 15)}!AQhostile`,
    refresh_token: '5Aep861hostile',
    instance_url: `https://${INSTANCE}`,
    id: `https://${LOGIN}/id/${F.orgId}/005Hn000000047SIAQ`,
    issued_at: String(Date.now()),
    token_type: 'Bearer',
    ...urls,
  });

  it.each([
    ['an http collector as the instance', { instance_url: 'http://collector.example' }],
    ['a look-alike instance host', { instance_url: `https://${INSTANCE}.collector.example` }],
    ['an identity URL on another domain', { id: `https://collector.example/id/${F.orgId}/005Hn000000047SIAQ` }],
  ])('refuses a sign-in answer naming %s: no tokens come back to be stored', async (_name, urls) => {
    sandbox.setFaults([{ match: '^POST /services/oauth2/token$', status: 200, body: hostileAnswer(urls), times: 1 }]);
    const error = await failure(signIn());
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/which is not a Salesforce address over https\. Nothing was stored\./);
  });

  it('refuses a refresh answer that moves the instance: the session keeps its tokens and persists nothing', async () => {
    const session = newSession();
    const before = session.tokens;
    sandbox.setFaults([{ match: '^POST /services/oauth2/token$', status: 200, body: hostileAnswer({ instance_url: 'http://collector.example' }), times: 1 }]);
    expect((await failure(session.refresh(session.accessToken))).message).toMatch(/collector\.example/);
    expect(session.tokens).toBe(before);
    expect(rotated).toEqual([]);
    expect(sandbox.log().map((l) => `${l.method} ${l.host} ${l.path}`)).toEqual([`POST ${LOGIN} /services/oauth2/token`]);
  });
});

describe('a record’s loyalty context from the sandbox org', () => {
  it('contact: account, owner, contacts, responses, open case — in ONE request with a warm token', async () => {
    const c = connector();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    expect(apiRequests()).toHaveLength(1);
    expect(ctx.requestCount).toBe(1);
    expect(ctx.account?.id).toBe(F.sampleAccountId);
    expect(ctx.account?.ownerName).toBeTruthy();
    expect(ctx.account?.revenue).toBeGreaterThan(0);
    expect(ctx.focusContactKeys).toEqual([key(F.sampleContactId)]);
    expect(ctx.contacts.length).toBeGreaterThan(1);
    expect(ctx.contacts.every((k) => k.ownerName !== null)).toBe(true);
    const mine = ctx.responses.filter((r) => r.contactKey === key(F.sampleContactId));
    expect(mine.filter((r) => r.kind === 'nps').map((r) => r.score)).toEqual([3, 6, 7, 9]);
    expect(mine.find((r) => r.score === 3)?.comment).toMatch(/three days/);
    expect(ctx.followUps.some((f) => f.kind === 'case' && f.status === 'open' && f.title.includes('Billing portal'))).toBe(true);
    expect(ctx.accountCounts).toBeNull();
  });

  it('Simple Survey and Salesforce Surveys together in one request; a score sent as text counts', async () => {
    // The rejected rows' reasons are proven for every CRM in connector-conformance.test.ts.
    const ctx = await connector().loadContext(ref('contact', F.badScoresContactId), bothSources);
    const mine = ctx.responses.filter((r) => r.contactKey === key(F.badScoresContactId) && r.source === 'salesforce-surveys');
    expect(mine.map((r) => r.score).sort()).toEqual([8, 9]); // "9" as text counts as 9
    expect(ctx.responses.some((r) => r.source === 'simple-survey')).toBe(true);
    expect(ctx.requestCount).toBe(1);
  });

  it('more sources than fit in one request: the rest follow in a second one', async () => {
    const three = withSources(SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET, { ...SIMPLE_SURVEY_PRESET, id: 'simple-survey-eu', label: 'Simple Survey (EU)' });
    const ctx = await connector().loadContext(ref('contact', F.sampleContactId), three);
    expect(ctx.requestCount).toBe(2);
    expect(new Set(ctx.responses.map((r) => r.source))).toEqual(new Set(['salesforce-surveys', 'simple-survey-eu']));
  });

  it('account, opportunity and case pages', async () => {
    const c = connector();
    const account = await c.loadContext(ref('account', F.sampleAccountId), DEFAULT_SETTINGS);
    expect(account.title).toBe(account.account?.name);
    expect(account.contacts.length).toBeGreaterThan(1);
    expect(account.responses.length).toBeGreaterThan(0);
    const opportunity = await c.loadContext(ref('opportunity', F.opportunityId), DEFAULT_SETTINGS);
    expect(opportunity.account?.id).toBe(F.sampleAccountId);
    const kase = await c.loadContext(ref('case', F.caseId), DEFAULT_SETTINGS);
    expect(kase.focusContactKeys).toHaveLength(1);
    expect(kase.followUps.some((f) => f.id === F.caseId)).toBe(true);
    for (const ctx of [account, opportunity, kase]) expect(ctx.requestCount).toBe(1);
  });

  it('a lead shows its own responses', async () => {
    const ctx = await connector().loadContext(ref('lead', F.leadId), bothSources);
    expect(ctx.account).toBeNull();
    expect(ctx.contacts).toHaveLength(1);
    expect(ctx.contacts[0]!.kind).toBe('lead');
    expect(ctx.responses.length).toBeGreaterThan(0);
    expect(ctx.responses.every((r) => r.contactKey === key(F.leadId))).toBe(true);
  });

  it('a person account focuses its person', async () => {
    const ctx = await connector().loadContext(ref('account', F.personAccountId), DEFAULT_SETTINGS);
    expect(ctx.focusContactKeys).toEqual([key(F.personContactId)]);
    expect(ctx.responses.some((r) => r.contactKey === key(F.personContactId) && r.kind === 'nps')).toBe(true);
  });

  it('a contact without an account, still in one request', async () => {
    const ctx = await connector().loadContext(ref('contact', F.contactWithoutAccountId), DEFAULT_SETTINGS);
    expect(ctx.account).toBeNull();
    expect(ctx.contacts).toHaveLength(1);
    expect(ctx.responses.filter((r) => r.kind === 'nps').map((r) => r.score).sort()).toEqual([10, 9].sort());
    expect(ctx.requestCount).toBe(1);
  });
});

describe('errors in the user’s words', () => {
  it('daily limit: stops at once, shows usage, no retry', async () => {
    org.setDailyLimit(0);
    try {
      const error = await failure(connector().loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS));
      expect(error.kind).toBe('daily-limit');
      expect(error.details.usage).toMatch(/^api-usage=\d+\/0$/);
      expect(apiRequests()).toHaveLength(1);
    } finally {
      org.setDailyLimit(100_000);
    }
  });

  it('five concurrent 401s share ONE refresh; the rotated tokens are reported once', async () => {
    const c = connector();
    org.expireAccessTokens();
    const views = await Promise.all([1, 2, 3, 4, 5].map(() => c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS)));
    expect(views.every((v) => v.account?.id === F.sampleAccountId)).toBe(true);
    expect(sandbox.log().filter((l) => l.path === '/services/oauth2/token')).toHaveLength(1);
    expect(rotated).toHaveLength(1);
    tokens = rotated[0]!;
  });

  it('a session that stays invalid: refreshed once, then "auth"', async () => {
    sandbox.setFaults([{ match: '^POST /services/data/', status: 401, body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }] }]);
    const c = connector();
    const error = await failure(c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS));
    expect(error.kind).toBe('auth');
    expect(sandbox.log().filter((l) => l.path === '/services/oauth2/token')).toHaveLength(1);
    expect(error.message).not.toContain(tokens.accessToken.slice(0, 20));
    tokens = rotated[0]!;
  });

  it('a mapped field that does not exist is named', async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, revenue: { kind: 'accountField', field: 'Revenue_Tier__c' } } };
    const error = await failure(connector().loadContext(ref('contact', F.sampleContactId), settings));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('Revenue_Tier__c');
    expect(error.message).toContain('revenue field');
  });

  it('a mapped object missing in this org is named', async () => {
    const error = await failure(connector().loadContext(ref('contact', F.sampleContactId), withSources({ ...SIMPLE_SURVEY_PRESET, object: 'Medallia_Feedback__c' })));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('Medallia_Feedback__c');
    expect(error.message).toContain('Simple Survey');
  });
});

function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return {
    ref: ref('case', F.caseId),
    contactId: F.sampleContactId,
    followUpId: F.caseId,
    responseId: null,
    result: 'reached-resolved',
    rootCauses: ['Billing'],
    note: 'Called Dana; invoices download again.',
    nextStep: null,
    thanked: true,
    closeFollowUp: false,
    idempotencyKey: `ll-${Math.random().toString(36).slice(2)}-0123456789`,
    crm: 'salesforce',
    instance: INSTANCE,
    contactKey: key(F.sampleContactId),
    loggedAt: Date.UTC(2026, 10, 20),
    loggedBy: 'Avery Admin',
    state: 'in-flight',
    attempts: 0,
    nextAttemptAt: 0,
    leaseUntil: null,
    lastError: null,
    lastErrorKind: null,
    crmRecordId: null,
    crmRecordUrl: null,
    ...overrides,
  };
}

describe('writing outcomes back, exactly once', () => {

  it('an upsert refused for the create-only TaskSubtype: the Task exists, so it is adopted, not updated without the field', async () => {
    const c = connector();
    const o = outcome();
    const [first] = await c.writeOutcomes([o], DEFAULT_SETTINGS);
    sandbox.setFaults([
      {
        match: `^PATCH /services/data/v62.0/composite/sobjects/Task/${TASK_KEY_FIELD}$`,
        times: 1,
        status: 200,
        body: [{ success: false, errors: [{ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: 'Unable to create/update fields: TaskSubtype.', fields: ['TaskSubtype'] }] }],
      },
    ]);
    const [second] = await c.writeOutcomes([o], DEFAULT_SETTINGS);
    expect(second).toMatchObject({ ok: true, crmRecordId: first!.crmRecordId });
    expect(org.countTasksWithKey(o.idempotencyKey)).toBe(1);
  });

  it('a key field marked External ID but not Unique is not trusted: the key goes in the subject, as without the field', async () => {
    const restore = org.notUnique('Task', TASK_KEY_FIELD);
    try {
      const c = connector();
      const o = outcome();
      const [result] = await c.writeOutcomes([o], DEFAULT_SETTINGS);
      expect(result!.ok).toBe(true);
      const task = org.records('Task').find((t) => t.Id === result!.crmRecordId)!;
      expect(String(task.Subject)).toMatch(new RegExp(`\\[${o.idempotencyKey}\\]$`));
      expect(task[TASK_KEY_FIELD] ?? null).toBeNull();
    } finally {
      restore();
    }
  });

  it('closing the follow-up sets the first closed Case status', async () => {
    const c = connector();
    const [result] = await c.writeOutcomes([outcome({ closeFollowUp: true })], DEFAULT_SETTINGS);
    expect(result!.ok).toBe(true);
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    expect(ctx.followUps.some((f) => f.id === F.caseId)).toBe(false);
  });

  it('createFollowUp opens one Case per response, owned by the account owner', async () => {
    const c = connector();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6) as SurveyResponse;
    const first = await c.createFollowUp(response, DEFAULT_SETTINGS);
    const second = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    const after = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const kase = after.followUps.find((f) => f.id === first.id);
    expect(kase?.ownerId).toBe(after.account?.ownerId);
    // The Case names its response, so the panel shows the score beside it and offers no second one.
    expect(kase?.responseKey).toBe(response.key);
  });
});

describe('root causes in the Case Reason, as the admin maps them', () => {
  const mapped = (reasons: Record<string, string>): Settings => ({ ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, rootCauseField: { kind: 'caseReason', reasons } } });
  const followUp = () => org.records('Case').find((r) => r.Id === F.caseId)!;
  const caseUpdates = () => apiRequests().filter((l) => l.method === 'PATCH' && l.path.split('?')[0] === '/services/data/v62.0/composite/sobjects');

  it('offers the org’s Case Reason values to map to', async () => {
    expect(await connector().loopFields!.caseReasons!()).toEqual(['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other']);
  });

  it('the first cause goes into Reason, every cause into the multi-select; the same value is never sent again', async () => {
    const c = connector();
    const settings = mapped({ 'Support experience': 'Breakdown', Billing: 'Other' });
    const first = outcome({ idempotencyKey: `reason-first-${Date.now()}`, rootCauses: ['Support experience', 'Billing'] });
    expect(followUp().Reason).not.toBe('Breakdown');
    const [written] = await c.writeOutcomes([first], settings);
    expect(written!.ok).toBe(true);
    expect(followUp().Reason).toBe('Breakdown');
    expect(String(followUp().Loyalty_Lens_Root_Causes__c).split(';')).toEqual(expect.arrayContaining(['Support experience', 'Billing']));
    sandbox.clearLog();
    const [again] = await c.writeOutcomes([first], settings);
    expect(again).toMatchObject({ ok: true, crmRecordId: written!.crmRecordId });
    expect(caseUpdates()).toEqual([]);
    // A later outcome whose first cause has no Reason value, or a value the picklist lacks, leaves the Reason alone:
    // nothing is sent that Salesforce would refuse.
    sandbox.clearLog();
    const unmapped = outcome({ idempotencyKey: `reason-unmapped-${Date.now()}`, rootCauses: ['Onboarding', 'Billing'] });
    const stale = outcome({ idempotencyKey: `reason-stale-${Date.now()}`, rootCauses: ['Price / value'] });
    const results = await c.writeOutcomes([unmapped, stale], { ...settings, salesforce: { ...settings.salesforce, rootCauseField: { kind: 'caseReason', reasons: { 'Support experience': 'Breakdown', 'Price / value': 'Invoices' } } } });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(followUp().Reason).toBe('Breakdown');
    // The latest outcome's mapped first cause replaces it.
    const [later] = await c.writeOutcomes([outcome({ idempotencyKey: `reason-later-${Date.now()}`, rootCauses: ['Billing'] })], settings);
    expect(later!.ok).toBe(true);
    expect(followUp().Reason).toBe('Other');
  });

  it('Insights counts the causes by GROUP BY Reason, read back through the mapping, with the revenue behind them', async () => {
    const c = connector();
    const from = sentQueries.length;
    // Iris Lund's follow-ups of August–October (sandbox/salesforce/outer-loop.ts): Reasons Other (Bo, Larkspur), Other
    // (Cyd, Quarry Hill), Installation (Fox, Larkspur), Equipment Design (Dev, Quarry Hill); open pipeline Larkspur
    // 90,000, Quarry Hill 30,000. Communication is named only in a multi-select: the Reason does not count it.
    const settings = mapped({ Billing: 'Other', Onboarding: 'Installation', 'Product quality': 'Equipment Design', Communication: 'Feedback' });
    const counts = await c.insights!.count({ kind: 'owners', ownerIds: [F.outerLoopOwnerId] }, ['2026-08', '2026-09', '2026-10'], settings, null);
    expect(counts.causes.filter((x) => x.count > 0).sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause))).toEqual([
      { cause: 'Billing', count: 2, revenue: 120_000 },
      { cause: 'Onboarding', count: 1, revenue: 90_000 },
      { cause: 'Product quality', count: 1, revenue: 30_000 },
    ]);
    expect(counts.causes.find((x) => x.cause === 'Communication')).toEqual({ cause: 'Communication', count: 0, revenue: 0 });
    expect(counts.causeField).toBe('present');
    expect(counts.recent.map((r) => r.rootCauses)).toEqual([['Onboarding'], ['Product quality'], ['Billing'], ['Billing']]);
    // The steps are counted as before.
    expect(counts.funnel).toMatchObject({ opened: 4, reached: 3, resolved: 2, thanked: 1 });
    const sent = sentQueries.slice(from);
    expect(sent.filter((q) => /GROUP BY Reason, AccountId/.test(q))).toHaveLength(1);
    expect(sent.some((q) => q.includes('Loyalty_Lens_Root_Causes__c INCLUDES'))).toBe(false);
    expect(counts.requestCount).toBeLessThanOrEqual(2);
  });

  it('Insights says so when no cause is mapped yet, and counts the rest', async () => {
    const counts = await connector().insights!.count({ kind: 'owners', ownerIds: [F.outerLoopOwnerId] }, ['2026-08', '2026-09', '2026-10'], mapped({}), null);
    expect(counts.causeField).toBe('unmapped');
    expect(counts.causes).toEqual([]);
    expect(counts.funnel.opened).toBe(4);
  });
});

describe('setup: connection check, metadata and preview', () => {
  it('testConnection names the org and user and shows API usage', async () => {
    const info = await connector().testConnection();
    expect(info.instance).toBe(INSTANCE);
    expect(info.user).toBeTruthy();
    expect(info.usage).toEqual({ kind: 'usedLast24h', used: expect.any(Number), limit: expect.any(Number) });
  });

  it('lists objects and fields, and previews a source with rejected rows', async () => {
    const c = connector();
    expect((await c.listObjects()).map((o) => o.name)).toEqual(expect.arrayContaining(['Contact', 'SurveyQuestionResponse', 'simplesurvey__Survey__c']));
    expect((await c.listFields('simplesurvey__Survey__c')).map((f) => f.name)).toContain('simplesurvey__Survey_Score__c');
    const preview = await c.previewSource(SALESFORCE_SURVEYS_PRESET, 20);
    expect(preview.parsed.length + preview.rejected.length).toBeGreaterThan(0);
    expect(preview.parsed.length).toBeLessThanOrEqual(20);
    // Every read row's contact is named as Salesforce names it.
    const named = preview.parsed.filter((r) => r.contactKey !== null);
    expect(named.length).toBeGreaterThan(0);
    for (const row of named) expect(preview.contactNames?.[row.contactKey!], row.contactKey!).toMatch(/\S/);
  });
});

describe('every money figure in its currency: the org’s, learned when connecting', () => {
  const nordlicht = () => org.records('Account').find((a) => a.Name === 'Nordlicht Logistics')!;
  /** Adds an open opportunity through the org's REST API, as a rep would. */
  async function addOpportunity(fields: Record<string, unknown>): Promise<void> {
    const answer = await sandboxFetch(`https://${INSTANCE}/services/data/v62.0/sobjects/Opportunity`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await freshToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ StageName: 'Proposal/Price Quote', CloseDate: '2027-03-31', ...fields }),
    });
    expect(answer.status).toBe(201);
  }
  const sfPaths = () => apiRequests().map((l) => `${l.method} ${l.path.split('?')[0]}`);
  /** An access token good now (earlier tests expire some), kept for the connectors built after. */
  async function freshToken(): Promise<string> {
    const session = newSession();
    await session.refresh(session.accessToken);
    tokens = session.tokens;
    return tokens.accessToken;
  }

  it('connecting reads the currencies with the connection check: two requests, as before', async () => {
    const kept = keptOrgFacts();
    const info = await connector({ factsCache: kept }).testConnection();
    // The user info, and one composite request whose answer also carries the API usage (no /limits read).
    expect(sandbox.log().filter((l) => l.host === INSTANCE).map((l) => `${l.method} ${l.path.split('?')[0]}`).sort()).toEqual(
      ['GET /services/oauth2/userinfo', 'POST /services/data/v62.0/composite'].sort(),
    );
    expect(info.usage).toEqual({ kind: 'usedLast24h', used: org.apiUsage().used, limit: org.apiUsage().limit });
    expect(kept.kept()).toEqual({ instance: INSTANCE, multiCurrency: true, currency: 'USD', readAt: expect.any(Number) });
  });

  it('multi-currency org: an aggregate is in the corporate currency (USD), converted at the org’s rates', async () => {
    try {
      // Nordlicht's open pipeline: its 120,000 renewal (no CurrencyIsoCode: the org's) and 46,000 EUR added now.
      await addOpportunity({ Name: 'Nordlicht Logistics - Fleet', AccountId: nordlicht().Id, Amount: 46_000, CurrencyIsoCode: 'EUR' });
      sandbox.clearLog();
      const c = connector();
      const read = await c.worklist!.read(F.userId, DEFAULT_SETTINGS);
      expect(read.requestCount).toBe(2);
      const row = read.rows.find((r) => r.account?.name === 'Nordlicht Logistics')!;
      // SUM(Amount) answers in USD: 120,000 + 46,000 / 0.92 (the EUR rate) = 120,000 + 50,000.
      expect(row.account).toMatchObject({ revenue: 170_000, currency: 'USD' });

      sandbox.clearLog();
      const ctx = await c.loadContext(ref('account', nordlicht().Id as string), DEFAULT_SETTINGS);
      expect(ctx.requestCount).toBe(1);
      expect(sfPaths()).toEqual(['POST /services/data/v62.0/composite']);
      // Each opportunity in its own currency; the one without any in the org's.
      expect(ctx.deals?.map((d) => [d.amount, d.currency]).sort()).toEqual([[120_000, 'USD'], [46_000, 'EUR']].sort());
      expect(ctx.account?.currency).toBe('USD');

      const insights = await c.insights!.count({ kind: 'owners', ownerIds: [F.outerLoopOwnerId] }, ['2026-08', '2026-09', '2026-10'], DEFAULT_SETTINGS, null);
      expect(insights.currency).toBe('USD');
    } finally {
      sandbox.reset();
    }
  });

  it('single-currency org: records without CurrencyIsoCode and aggregates are in the org’s currency (GBP), views still one request', async () => {
    const multiCurrencyAgain = org.singleCurrency('GBP');
    try {
      // Salesforce's answers in such an org.
      const token = await freshToken();
      const query = async (soql: string) =>
        (await sandboxFetch(`https://${INSTANCE}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<unknown>;
      expect(await query('SELECT DefaultCurrencyIsoCode FROM Organization')).toMatchObject({ totalSize: 1, records: [{ DefaultCurrencyIsoCode: 'GBP' }] });
      expect(await query('SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true')).toEqual([
        expect.objectContaining({ errorCode: 'INVALID_TYPE', message: expect.stringContaining("sObject type 'CurrencyType' is not supported") }),
      ]);

      const kept = keptOrgFacts();
      await connector({ factsCache: kept }).testConnection();
      expect(kept.kept()).toMatchObject({ multiCurrency: false, currency: 'GBP' });
      sandbox.clearLog();
      const c = connector({ factsCache: kept });
      // No CurrencyIsoCode asked for (the org has none), so no second try: one request.
      const ctx = await c.loadContext(ref('account', F.sampleAccountId), DEFAULT_SETTINGS);
      expect(ctx.requestCount).toBe(1);
      expect(apiRequests()).toHaveLength(1);
      expect(ctx.account?.currency).toBe('GBP');
      expect(ctx.deals?.length).toBeGreaterThan(0);
      expect(new Set(ctx.deals?.map((d) => d.currency))).toEqual(new Set(['GBP']));
      expect((await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS)).requestCount).toBe(1);

      const read = await c.worklist!.read(F.userId, DEFAULT_SETTINGS);
      expect(read.requestCount).toBe(2);
      // One currency, nothing converted: SUM(Amount) is the renewal's 120,000, in pounds.
      expect(read.rows.find((r) => r.account?.name === 'Nordlicht Logistics')!.account).toMatchObject({ revenue: 120_000, currency: 'GBP' });
      const insights = await c.insights!.count({ kind: 'owners', ownerIds: [F.outerLoopOwnerId] }, ['2026-08', '2026-09', '2026-10'], DEFAULT_SETTINGS, null);
      expect(insights.currency).toBe('GBP');
    } finally {
      multiCurrencyAgain();
    }
  });

  it('a connection made before the currencies were read reads them once, with its first view, and keeps them', async () => {
    const kept = keptOrgFacts();
    const first = await connector({ factsCache: kept }).loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    expect(first.requestCount).toBe(2);
    expect(kept.kept()).toMatchObject({ instance: INSTANCE, currency: 'USD' });
    // The next worker start finds them kept.
    const again = await connector({ factsCache: kept }).loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    expect(again.requestCount).toBe(1);
    // A kept copy of another org is not used.
    const other = keptOrgFacts();
    await other.save({ instance: 'other.my.salesforce.com', multiCurrency: false, currency: 'JPY', readAt: 0 });
    const view = await connector({ factsCache: other }).loadContext(ref('account', F.sampleAccountId), DEFAULT_SETTINGS);
    expect(view.account?.currency).toBe('USD');
    expect(other.kept()).toMatchObject({ instance: INSTANCE, currency: 'USD' });
    // A copy older than half a day serves the view at once (one request) and is read again beside it.
    const stale = keptOrgFacts();
    const readAt = Date.now() - 13 * 3_600_000;
    await stale.save({ instance: INSTANCE, multiCurrency: true, currency: 'USD', readAt });
    expect((await connector({ factsCache: stale }).loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS)).requestCount).toBe(1);
    await vi.waitFor(() => expect((stale.kept() as { readAt: number }).readAt).toBeGreaterThan(readAt));
  });
});

describe('every SOQL the connector sent during these tests', () => {
  it('parses with a real SOQL parser', () => {
    expect(sentQueries.length).toBeGreaterThan(20);
    for (const text of new Set(sentQueries)) {
      const resolved = text.replace(/@\{[^}]+\}/g, F.sampleAccountId);
      expect(() => parseQuery(resolved), text).not.toThrow();
    }
  });
});

describe('a 5xx answered after Salesforce committed the write', () => {
  /** The outbox hands an outcome over again after an answer that may have followed a commit. */
  const again = (o: Outcome): Outcome => ({ ...o, attempts: o.attempts + 2, lastErrorKind: 'server', lastError: 'Salesforce had a problem answering (HTTP 502).' });
  const tasksCarrying = (k: string) => org.records('Task').filter((t) => String(t.Subject ?? '').includes(k) || t.Loyalty_Lens_Key__c === k);
  const writesSent = () => apiRequests().filter((r) => r.method !== 'GET');
  const settle = async (c: ReturnType<typeof connector>, o: Outcome) => {
    const [first] = await c.writeOutcomes([o], DEFAULT_SETTINGS);
    return first!.ok ? first! : (await c.writeOutcomes([again(o)], DEFAULT_SETTINGS))[0]!;
  };

  it.each([500, 502, 503, 504] as const)('with the External ID: one Task after a %i to the upsert, and no create-only field sent on an update', async (status) => {
    const c = connector();
    const o = outcome();
    const updated = org.stats().tasksUpdated!;
    sandbox.setFaults([{ match: `^PATCH /services/data/v62.0/composite/sobjects/Task/${TASK_KEY_FIELD}$`, times: 1, statusAfterCommit: status }]);
    expect((await settle(c, o)).ok).toBe(true);
    expect(org.countTasksWithKey(o.idempotencyKey)).toBe(1);
    // The Task the first send created is adopted as it is, not updated to the state it already has.
    expect(org.stats().tasksUpdated).toBe(updated);
  });

  it.each([500, 502, 503, 504] as const)('without the External ID: one Task after a %i to the create', async (status) => {
    const restore = org.withoutField('Task', TASK_KEY_FIELD);
    try {
      const c = connector();
      const o = outcome();
      sandbox.setFaults([{ match: '^POST /services/data/v62.0/composite/sobjects$', times: 1, statusAfterCommit: status }]);
      const settled = await settle(c, o);
      expect(settled.ok).toBe(true);
      expect(tasksCarrying(o.idempotencyKey)).toHaveLength(1);
      expect(tasksCarrying(o.idempotencyKey)[0]!.Id).toBe(settled.crmRecordId);
    } finally {
      restore();
    }
  });

  it('without the External ID: a create Salesforce finishes after the client gave up is not sent again beside it, and is adopted once it must have ended', async () => {
    const restore = org.withoutField('Task', TASK_KEY_FIELD);
    try {
      const c = connector({ timeoutMs: 2_500 });
      const o = outcome();
      // The create reaches Salesforce and is committed 5 s later; the client stopped waiting at 2.5 s.
      sandbox.setFaults([{ match: '^POST /services/data/v62.0/composite/sobjects$', times: 1, latencyMs: 5_000 }]);
      const [first] = await c.writeOutcomes([o], DEFAULT_SETTINGS);
      expect(first).toMatchObject({ ok: false, error: { kind: 'timeout', details: { retryAfterMs: UNCONFIRMED_WRITE_MS } } });
      await vi.waitFor(() => expect(tasksCarrying(o.idempotencyKey)).toHaveLength(1), { timeout: 10_000 });
      // Handed over again once the wait is over: the look-up finds the Task, and no second one is created (the
      // Case still gets the loop's data the first attempt did not reach).
      sandbox.clearLog();
      const [second] = await c.writeOutcomes([{ ...again(o), lastErrorKind: 'timeout' }], DEFAULT_SETTINGS);
      expect(second).toMatchObject({ ok: true, crmRecordId: tasksCarrying(o.idempotencyKey)[0]!.Id });
      expect(writesSent().filter((r) => r.method === 'POST' && r.path.endsWith('/composite/sobjects'))).toEqual([]);
      expect(tasksCarrying(o.idempotencyKey)).toHaveLength(1);
    } finally {
      restore();
    }
  });

  it('a Task written before the admin added the External ID field is found by its subject, not written again', async () => {
    const addField = org.withoutField('Task', TASK_KEY_FIELD);
    const o = outcome({ followUpId: null });
    const [first] = await connector().writeOutcomes([o], DEFAULT_SETTINGS);
    expect(first!.ok).toBe(true);
    addField();
    // Handed over again (say its result was lost with the worker): the field finds nothing, the subject does.
    const [second] = await connector().writeOutcomes([again(o)], DEFAULT_SETTINGS);
    expect(second).toMatchObject({ ok: true, crmRecordId: first!.crmRecordId });
    expect(tasksCarrying(o.idempotencyKey)).toHaveLength(1);
  });

  it('a follow-up Case Salesforce makes after the client gave up is not opened twice', async () => {
    const c = connector({ timeoutMs: 2_500 });
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6 && !ctx.followUps.some((f) => f.responseKey === r.key))!;
    const before = org.stats().casesCreated!;
    sandbox.setFaults([{ match: '^POST /services/data/v62.0/sobjects/Case$', times: 1, latencyMs: 5_000 }]);
    await expect(c.createFollowUp(response, DEFAULT_SETTINGS)).rejects.toThrow(/did not confirm the follow-up and may still be opening it\. Try again in 10 minutes/);
    await vi.waitFor(() => expect(org.stats().casesCreated! - before).toBe(1), { timeout: 10_000 });
    // Asked again: the Case Salesforce made late is found and adopted, nothing else is created.
    expect((await c.createFollowUp(response, DEFAULT_SETTINGS)).created).toBe(false);
    expect(org.stats().casesCreated! - before).toBe(1);
  });

  it('partial batch (allOrNone=false) under a 503 after the commit: each outcome settles exactly once', async () => {
    const restore = org.withoutField('Task', TASK_KEY_FIELD);
    try {
      const c = connector();
      const good = outcome();
      // A Case is no contact: Salesforce refuses this Task and saves the other one.
      const refused = outcome({ contactId: F.caseId });
      sandbox.setFaults([{ match: '^POST /services/data/v62.0/composite/sobjects$', times: 1, statusAfterCommit: 503 }]);
      const [a, b] = await c.writeOutcomes([good, refused], DEFAULT_SETTINGS);
      expect(a).toMatchObject({ ok: true });
      expect(b).toMatchObject({ ok: false, error: { kind: 'validation' } });
      expect(tasksCarrying(good.idempotencyKey)).toHaveLength(1);
      expect(tasksCarrying(good.idempotencyKey)[0]!.Id).toBe(a!.crmRecordId);
      expect(tasksCarrying(refused.idempotencyKey)).toHaveLength(0);
    } finally {
      restore();
    }
  });

  it('a repeated write sends only the look-up, and a Case already closed gets no update', async () => {
    const c = connector();
    const o = outcome({ closeFollowUp: true });
    const [first] = await c.writeOutcomes([o], DEFAULT_SETTINGS);
    expect(first!.ok).toBe(true);
    const casesUpdated = org.stats().casesUpdated!;
    sandbox.clearLog();
    const [second] = await c.writeOutcomes([again(o)], DEFAULT_SETTINGS);
    expect(second).toMatchObject({ ok: true, crmRecordId: first!.crmRecordId });
    expect(writesSent().map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(org.stats().casesUpdated).toBe(casesUpdated);
  });

  it.each([500, 502, 503, 504] as const)('one follow-up Case after a %i to its create', async (status) => {
    const c = connector();
    const ctx = await c.loadContext(ref('contact', F.sampleContactId), DEFAULT_SETTINGS);
    const response = ctx.responses.find((r) => r.kind === 'nps' && r.score <= 6 && !ctx.followUps.some((f) => f.responseKey === r.key))!;
    expect(response).toBeDefined();
    const before = org.stats().casesCreated!;
    sandbox.setFaults([{ match: '^POST /services/data/v62.0/sobjects/Case$', times: 1, statusAfterCommit: status }]);
    // The Case the failed answer stood for is found and adopted at once: the loop owner sees it opened.
    const opened = await c.createFollowUp(response, DEFAULT_SETTINGS);
    expect(opened.created).toBe(true);
    expect(org.stats().casesCreated! - before).toBe(1);
    expect((await c.createFollowUp(response, DEFAULT_SETTINGS)).id).toBe(opened.id);
  });
});

describe('figures a rep can defend, worked out from the org’s raw rows', () => {
  const world = new Store();
  seed(world);
  const rows = (name: string) => [...world.rows(objectDef(name)!)];
  /** Each contact's latest NPS answer (Salesforce Surveys), from responses, invitations and questions alone. */
  const latestNps = (() => {
    const npsQuestions = new Set(rows('SurveyQuestion').filter((q) => q.QuestionType === 'NPS').map((q) => q.Id));
    const invitations = new Map(rows('SurveyInvitation').map((i) => [i.Id, i.ContactId as string | null]));
    const completed = new Map(rows('SurveyResponse').map((r) => [r.Id, Date.parse(String(r.CompletionDateTime))]));
    const latest = new Map<string, { at: number; score: number }>();
    for (const a of rows('SurveyQuestionResponse')) {
      if (!npsQuestions.has(a.QuestionId) || typeof a.NumberValue !== 'number') continue;
      const contact = invitations.get(a.InvitationId as string);
      const at = completed.get(a.ResponseId as string)!;
      if (!contact) continue;
      const seen = latest.get(contact);
      if (!seen || at >= seen.at) latest.set(contact, { at, score: a.NumberValue });
    }
    return latest;
  })();
  const segmentOf = (score: number) => (score >= 9 ? 'promoters' : score >= 7 ? 'passives' : 'detractors');
  const bigContacts = rows('Contact').filter((c) => c.AccountId === F.bigAccountId);
  const withMethod = (method: Settings['rules']['rollup']['method'], roleWeights = DEFAULT_SETTINGS.rules.rollup.roleWeights): Settings => ({
    ...DEFAULT_SETTINGS,
    rules: { ...DEFAULT_SETTINGS.rules, rollup: { ...DEFAULT_SETTINGS.rules.rollup, method, roleWeights } },
  });

  it('the big account, latest answer per contact: n counts people (each contact once), by their latest answer', async () => {
    const expected = { promoters: 0, passives: 0, detractors: 0 };
    for (const c of bigContacts) {
      const latest = latestNps.get(c.Id as string);
      if (latest) expected[segmentOf(latest.score)] += 1;
    }
    const ctx = await connector().loadContext(ref('account', F.bigAccountId), withMethod('latestPerContact'));
    const counts = ctx.accountCounts!;
    expect({ promoters: counts.promoters, passives: counts.passives, detractors: counts.detractors }).toEqual(expected);
    expect([counts.method, counts.counted, counts.unavailable, counts.respondents]).toEqual(['latestPerContact', 'people', null, expected.promoters + expected.passives + expected.detractors]);
    // 2,500 contacts, one of them never answered: far fewer people than answers.
    expect(counts.respondents).toBeLessThanOrEqual(2500);
    expect(apiRequests().length).toBeLessThanOrEqual(3);
  });

  it('the big account, weighted by role: the counts come per title, weighed as one contact each', async () => {
    const title = String(bigContacts[0]!.Title);
    const ctx = await connector().loadContext(ref('account', F.bigAccountId), withMethod('weightedByRole', { [title.toLowerCase()]: 3 }));
    const counts = ctx.accountCounts!;
    const expected = { promoters: 0, passives: 0, detractors: 0 };
    for (const c of bigContacts.filter((c) => c.Title === title)) {
      const latest = latestNps.get(c.Id as string);
      if (latest) expected[segmentOf(latest.score)] += 1;
    }
    const row = counts.byRole.find((r) => r.role === title);
    expect(row && { promoters: row.promoters, passives: row.passives, detractors: row.detractors }).toEqual(expected);
    expect(counts.method).toBe('weightedByRole');
    expect(counts.byRole.reduce((n, r) => n + r.promoters + r.passives + r.detractors, 0)).toBe(counts.respondents);
  });

  it('the big account, every answer in the window: n counts answers, more than people', async () => {
    const people = (await connector().loadContext(ref('account', F.bigAccountId), withMethod('latestPerContact'))).accountCounts!;
    const counts = (await connector().loadContext(ref('account', F.bigAccountId), withMethod('window'))).accountCounts!;
    expect([counts.method, counts.counted, counts.unavailable, counts.windowDays]).toEqual(['window', 'answers', null, 365]);
    expect(counts.promoters + counts.passives + counts.detractors).toBeGreaterThan(people.respondents);
  });

  it('open opportunities carry their contact roles and currency; revenue at risk is the ones a detractor is on', async () => {
    const ctx = await connector().loadContext(ref('account', F.sampleAccountId), DEFAULT_SETTINGS);
    const open = rows('Opportunity').filter((o) => o.AccountId === F.sampleAccountId && !o.IsClosed);
    const roles = rows('OpportunityContactRole');
    expect(ctx.deals?.map((d) => [d.id, d.amount, d.currency, d.contactKeys.length]).sort()).toEqual(
      open.map((o) => [o.Id, o.Amount, o.CurrencyIsoCode, roles.filter((r) => r.OpportunityId === o.Id).length]).sort(),
    );
    // Dana Whitfield's latest NPS answer is a detractor's: the renewal she is on is at risk.
    expect(segmentOf(latestNps.get(F.sampleContactId)!.score)).toBe('detractors');
    const renewal = ctx.deals?.find((d) => d.id === F.opportunityId);
    expect(renewal?.contactKeys).toContain(rowKey('salesforce', INSTANCE, F.sampleContactId));
    expect(new Set(ctx.deals?.map((d) => d.currency))).toEqual(new Set(open.map((o) => o.CurrencyIsoCode)));
    expect(ctx.account?.currency).toBe('USD');
  });

  it('an opportunity page is about its contact roles', async () => {
    const ctx = await connector().loadContext(ref('opportunity', F.opportunityId), DEFAULT_SETTINGS);
    const expected = rows('OpportunityContactRole').filter((r) => r.OpportunityId === F.opportunityId).map((r) => rowKey('salesforce', INSTANCE, String(r.ContactId)));
    expect(ctx.focusContactKeys.sort()).toEqual(expected.sort());
    expect(ctx.followUpsRead).toBe('focusAndAccount');
  });
});

describe('a big account’s contact list beyond what OFFSET reaches', () => {
  const account = { instance: INSTANCE, id: F.bigAccountId };

  it('Salesforce refuses an OFFSET above 2,000, as the sandbox says it', async () => {
    const { runQuery, SoqlError } = await import('../../sandbox/salesforce/soql');
    const store = new Store();
    seed(store);
    expect(runQuery('SELECT Id FROM Contact ORDER BY Id LIMIT 5 OFFSET 2000', store, '62.0').records).toHaveLength(5);
    expect(() => runQuery('SELECT Id FROM Contact ORDER BY Id LIMIT 5 OFFSET 2001', store, '62.0')).toThrow(SoqlError);
    try {
      runQuery('SELECT Id FROM Contact LIMIT 5 OFFSET 2001', store, '62.0');
    } catch (error) {
      expect((error as InstanceType<typeof SoqlError>).errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
    }
  });

  it('pages on after the last row read, so all 2,500 contacts are listed once each, lowest score first', async () => {
    const c = connector();
    const seen: Array<{ id: string; score: number | null }> = [];
    sentQueries.length = 0;
    let cursor: string | null = null;
    do {
      const page = await c.listAccountContacts(account, { segment: null, search: '' }, cursor, DEFAULT_SETTINGS);
      if (page.status !== 'listed') throw new Error('not listed');
      expect(page.total).toBe(2500);
      seen.push(...page.rows.map((r) => ({ id: r.contact.id, score: r.score })));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toHaveLength(2500);
    expect(new Set(seen.map((s) => s.id)).size).toBe(2500);
    const scores = seen.map((s) => s.score ?? 11);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    const offsets = sentQueries.flatMap((q) => [...q.matchAll(/OFFSET (\d+)/g)].map((m) => Number(m[1])));
    expect(Math.max(...offsets)).toBe(2000);
    expect(sentQueries.some((q) => q.includes('Id > '))).toBe(true);
  });

  it('an org without the latest-NPS field lists nothing itself, and the view works as before', async () => {
    const restore = org.withoutField('Contact', 'Loyalty_Lens_Last_NPS__c');
    try {
      const c = connector();
      const ctx = await c.loadContext(ref('account', F.bigAccountId), DEFAULT_SETTINGS);
      expect(ctx.account?.contactCount).toBe(2500);
      expect(await c.listAccountContacts(account, { segment: 'detractor', search: '' }, null, DEFAULT_SETTINGS)).toEqual({ status: 'unavailable' });
    } finally {
      restore();
    }
  });
});
