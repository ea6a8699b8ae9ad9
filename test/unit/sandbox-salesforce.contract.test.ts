import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { Connection, OAuth2 } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toId18 } from '../../integrations/salesforce/ids';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { SALESFORCE_FIXTURES, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { HARD_COMMENTS } from '../../sandbox/text';

// Fidelity of the Salesforce sandbox, read through jsforce itself over HTTP.

const F = SALESFORCE_FIXTURES;
const REDIRECT_URI = 'https://abcdefghijklmnop.chromiumapp.org/salesforce';

const Q = {
  accounts: 'SELECT COUNT() FROM Account',
  contacts: 'SELECT COUNT() FROM Contact',
  responses: 'SELECT COUNT() FROM SurveyResponse WHERE Status = \'Completed\'',
  bigContacts: `SELECT COUNT() FROM Contact WHERE AccountId = '${F.bigAccountId}'`,
  bigResponses: `SELECT COUNT() FROM SurveyResponse WHERE Invitation.Contact.AccountId = '${F.bigAccountId}'`,
  bigContactRows: `SELECT Id, Name, Title, Account.Name FROM Contact WHERE AccountId = '${F.bigAccountId}' ORDER BY Name`,
  accountWithChildren: `SELECT Id, Name, (SELECT Id, Name, Title FROM Contacts), (SELECT Id, CaseNumber, Status FROM Cases WHERE IsClosed = false) FROM Account WHERE Id = '${F.bigAccountId}'`,
  sampleNps: `SELECT Id, NumberValue, Question.QuestionType, Invitation.ContactId, Response.CompletionDateTime FROM SurveyQuestionResponse WHERE Invitation.ContactId = '${F.sampleContactId}' AND Question.QuestionType = 'NPS' ORDER BY Response.CompletionDateTime DESC`,
  sampleScores: `SELECT NumberValue, ResponseValue, Question.QuestionType, Response.CompletionDateTime FROM SurveyQuestionResponse WHERE Invitation.ContactId = '${F.sampleContactId}' AND (Question.QuestionType IN ('NPS', 'Rating', 'Score', 'Slider') OR Question.QuestionType = 'FreeText')`,
  sampleOpenCases: `SELECT Id, CaseNumber, Status, Owner.Name FROM Case WHERE ContactId = '${F.sampleContactId}' AND IsClosed = false`,
  bigByType: `SELECT Question.QuestionType qtype, COUNT(Id) n, AVG(NumberValue), MIN(NumberValue) low, MAX(NumberValue) high FROM SurveyQuestionResponse WHERE Invitation.Contact.AccountId = '${F.bigAccountId}' AND Question.QuestionType != 'FreeText' GROUP BY Question.QuestionType ORDER BY Question.QuestionType`,
  bigDetractors: `SELECT COUNT(Id) detractors FROM SurveyQuestionResponse WHERE Invitation.Contact.AccountId = '${F.bigAccountId}' AND Question.QuestionType = 'NPS' AND NumberValue <= 6 AND Response.CompletionDateTime = LAST_N_DAYS:365`,
  caseStatuses: 'SELECT MasterLabel, ApiName, IsClosed FROM CaseStatus ORDER BY SortOrder',
  semiJoin: `SELECT Id, Name FROM Contact WHERE AccountId = '${F.sampleAccountId}' AND Id IN (SELECT ContactId FROM SurveyInvitation WHERE ResponseStatus = 'Completed')`,
  antiJoinWindow: `SELECT Id FROM Contact WHERE AccountId = '${F.sampleAccountId}' AND Id NOT IN (SELECT WhoId FROM Task WHERE CreatedDate > 2026-01-01T00:00:00Z) AND (NOT Name LIKE 'zz%') LIMIT 5 OFFSET 1`,
  leadResponses: `SELECT Id, Response.CompletionDateTime, NumberValue FROM SurveyQuestionResponse WHERE Invitation.LeadId = '${F.leadId}' AND Question.QuestionType = 'NPS'`,
  lone: `SELECT Id, AccountId, Account.Name, (SELECT Id FROM SurveyInvitations) FROM Contact WHERE Id = '${F.contactWithoutAccountId}'`,
  person: `SELECT Id, Name, IsPersonAccount, PersonContactId FROM Account WHERE Id = '${F.personAccountId}'`,
  comments: 'SELECT ResponseValue FROM SurveyQuestionResponse WHERE Question.QuestionType = \'FreeText\' AND ResponseValue != null',
  badScores: `SELECT NumberValue, ResponseValue FROM SurveyQuestionResponse WHERE Invitation.ContactId = '${F.badScoresContactId}' AND Question.QuestionType = 'NPS'`,
  simpleSurvey: 'SELECT simplesurvey__Survey_Score__c, simplesurvey__Net_Promoter_System__c, simplesurvey__Contact__c, simplesurvey__Account__c, simplesurvey__Case__c, simplesurvey__Comment__c, simplesurvey__Survey_Name__c, CreatedDate FROM simplesurvey__Survey__c',
  taskByKey: 'SELECT Id, Subject, Status FROM Task WHERE Loyalty_Lens_Key__c = \'ll-outcome-1\'',
  badField: 'SELECT Id, Shoe_Size__c FROM Contact',
  badObject: 'SELECT Id FROM Survey_Result__c',
  compositeContact: `SELECT Id, AccountId FROM Contact WHERE Id = '${F.sampleContactId}'`,
  simple: 'SELECT Id FROM User LIMIT 1',
  byQuarter: `SELECT CALENDAR_YEAR(Response.CompletionDateTime) y, CALENDAR_QUARTER(Response.CompletionDateTime), NumberValue score, COUNT(Id) n FROM SurveyQuestionResponse WHERE Invitation.Contact.AccountId = '${F.bigAccountId}' AND Question.QuestionType = 'NPS' GROUP BY CALENDAR_YEAR(Response.CompletionDateTime), CALENDAR_QUARTER(Response.CompletionDateTime), NumberValue`,
  respondents: `SELECT COUNT_DISTINCT(Invitation.ContactId) n FROM SurveyQuestionResponse WHERE Invitation.Contact.AccountId = '${F.bigAccountId}'`,
  groupByCustomNumber: 'SELECT simplesurvey__Survey_Score__c, COUNT(Id) FROM simplesurvey__Survey__c GROUP BY simplesurvey__Survey_Score__c',
  escapedLike: "SELECT Id FROM Account WHERE Name LIKE 'North\\_wind%' OR Name LIKE 'Northwind\\%'",
  wildcardLike: "SELECT Id FROM Account WHERE Name LIKE 'North_ind%'",
  organization: 'SELECT Id, Name, IsSandbox FROM Organization',
  orgCurrency: 'SELECT DefaultCurrencyIsoCode FROM Organization',
  corporateCurrency: 'SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true',
  currencies: 'SELECT IsoCode, ConversionRate, IsCorporate FROM CurrencyType WHERE IsActive = true ORDER BY IsoCode',
  pipelineOf: "SELECT AccountId, SUM(Amount) total, MAX(Amount) top FROM Opportunity WHERE AccountId = '001000000000000AAA' GROUP BY AccountId",
};

async function pkceLogin(baseUrl: string, state: string): Promise<{ conn: Connection; oauth2: OAuth2; location: URL }> {
  const oauth2 = new OAuth2({ loginUrl: baseUrl, clientId: F.consumerKey, redirectUri: REDIRECT_URI, useVerifier: true });
  const page = await fetch(oauth2.getAuthorizationUrl({ state, scope: 'api refresh_token' }));
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(html).toContain('Log in and allow');
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1]!, match[2]!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
  }
  form.set('decision', 'allow');
  const approved = await fetch(`${baseUrl}/services/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const location = new URL(approved.headers.get('location')!);
  const conn = new Connection({ oauth2, version: '62.0' });
  await conn.authorize(location.searchParams.get('code')!);
  return { conn, oauth2, location };
}

function errorCodeOf(request: PromiseLike<unknown>): Promise<string> {
  return Promise.resolve(request).then(
    () => 'no error',
    (error: unknown) => (error as { errorCode?: string }).errorCode ?? String(error),
  );
}

describe('Salesforce sandbox through jsforce', () => {
  let sandbox: RunningSandbox;
  let salesforce: SalesforceSandbox;
  let conn: Connection;

  beforeAll(async () => {
    sandbox = await startSandbox();
    salesforce = sandbox.salesforce as SalesforceSandbox;
    ({ conn } = await pkceLogin(sandbox.httpUrl, 'st&te=1 ✓'));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('parses every SOQL statement of this file with soql-parser-js', () => {
    for (const soql of Object.values(Q)) expect(() => parseQuery(soql)).not.toThrow();
  });

  it('completes the PKCE web server flow, echoing state and pointing the client at the instance', async () => {
    const { location } = await pkceLogin(sandbox.httpUrl, 'a b/c?d=e&f');
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('a b/c?d=e&f');
    expect(conn.instanceUrl).toBe(sandbox.httpUrl);
    expect(conn.refreshToken).toBeTruthy();
    const info = (await conn.request('/services/oauth2/userinfo')) as { user_id: string; organization_id: string; name: string; preferred_username: string };
    expect(info).toMatchObject({ user_id: F.userId, organization_id: F.orgId, name: 'Avery Admin' });
  });

  it('rejects a wrong code verifier, a reused code and an unknown client', async () => {
    const oauth2 = new OAuth2({ loginUrl: sandbox.httpUrl, clientId: F.consumerKey, redirectUri: REDIRECT_URI, useVerifier: true });
    const html = await (await fetch(oauth2.getAuthorizationUrl({ state: 's' }))).text();
    const form = new URLSearchParams([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    form.set('decision', 'allow');
    const code = new URL((await fetch(`${sandbox.httpUrl}/services/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const exchange = (verifier: string) =>
      fetch(`${sandbox.httpUrl}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: F.consumerKey, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
      });
    const wrong = await exchange('not-the-verifier');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const reused = await exchange(oauth2.codeVerifier!);
    expect(reused.status).toBe(400);
    const unknown = await fetch(`${sandbox.httpUrl}/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('invalid_client_id');
  });

  it('holds the seeded world: sizes and the big account', async () => {
    expect((await conn.query(Q.accounts)).totalSize).toBeGreaterThanOrEqual(60);
    expect((await conn.query(Q.contacts)).totalSize).toBeGreaterThanOrEqual(1000);
    expect((await conn.query(Q.responses)).totalSize).toBeGreaterThanOrEqual(6000);
    expect((await conn.query(Q.bigContacts)).totalSize).toBe(2500);
    expect((await conn.query(Q.bigResponses)).totalSize).toBeGreaterThanOrEqual(25_000);
  });

  it('pages a big result: autoFetch follows nextRecordsUrl, queryMore continues by hand', async () => {
    const all = await conn.query(Q.bigContactRows, { autoFetch: true, maxFetch: 5000, headers: { 'Sforce-Query-Options': 'batchSize=500' } });
    expect(all.totalSize).toBe(2500);
    expect(all.records).toHaveLength(2500);
    expect(new Set(all.records.map((r) => r.Id)).size).toBe(2500);
    expect(all.records[0]).toMatchObject({ attributes: { type: 'Contact' }, Account: { attributes: { type: 'Account' }, Name: 'Northwind Global' } });

    const first = await conn.query(Q.bigContactRows);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    const rest = await conn.queryMore(first.nextRecordsUrl!);
    expect(rest.done).toBe(true);
    expect(rest.records).toHaveLength(500);
  });

  it('returns parent-to-child subqueries as nested results that page separately', async () => {
    const raw = await conn.query<{ Contacts: { done: boolean; totalSize: number; nextRecordsUrl?: string; records: unknown[] } }>(Q.accountWithChildren);
    const contacts = raw.records[0]!.Contacts;
    expect(contacts.totalSize).toBe(2500);
    expect(contacts.done).toBe(false);
    expect(contacts.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\//);
    const fetched = await conn.query<{ Contacts: { records: unknown[] }; Cases: { records: { Status: string }[] } }>(Q.accountWithChildren, { autoFetch: true });
    expect(fetched.records[0]!.Contacts.records).toHaveLength(2500);
    expect(fetched.records[0]!.Cases.records.every((c) => !['Closed', 'Resolved - Customer Thanked'].includes(c.Status))).toBe(true);
  });

  it('follows child-to-parent paths and filters for the sample contact', async () => {
    const nps = await conn.query<{ NumberValue: number; Question: { QuestionType: string }; Invitation: { ContactId: string }; Response: { CompletionDateTime: string } }>(Q.sampleNps);
    expect(nps.totalSize).toBeGreaterThanOrEqual(4);
    expect(nps.records.some((r) => r.NumberValue <= 6)).toBe(true);
    expect(nps.records.every((r) => r.Question.QuestionType === 'NPS' && r.Invitation.ContactId === F.sampleContactId)).toBe(true);
    const dates = nps.records.map((r) => r.Response.CompletionDateTime);
    expect([...dates].sort().reverse()).toEqual(dates);
    const scores = await conn.query<{ Question: { QuestionType: string } }>(Q.sampleScores);
    const types = new Set(scores.records.map((r) => r.Question.QuestionType));
    expect(types).toEqual(new Set(['NPS', 'Rating', 'Score', 'FreeText']));
    const cases = await conn.query<{ Id: string; Owner: { Name: string } }>(Q.sampleOpenCases);
    expect(cases.records.map((c) => c.Id)).toContain(F.caseId);
    expect(cases.records[0]!.Owner.Name).toBeTruthy();
    const lead = await conn.query(Q.leadResponses);
    expect(lead.totalSize).toBeGreaterThan(0);
  });

  it('runs aggregates on the server with aliases and exprN keys', async () => {
    const byType = await conn.query<Record<string, unknown>>(Q.bigByType);
    expect(byType.records.map((r) => r.qtype)).toEqual(['NPS', 'Rating', 'Score', 'Slider']);
    for (const row of byType.records) {
      expect(row.attributes).toEqual({ type: 'AggregateResult' });
      expect(row).toHaveProperty('n');
      expect(row).toHaveProperty('expr0');
    }
    const nps = byType.records.find((r) => r.qtype === 'NPS')!;
    expect(nps).toMatchObject({ low: 0, high: 10 });
    const detractors = await conn.query<{ detractors: number }>(Q.bigDetractors);
    expect(detractors.records[0]!.detractors).toBeGreaterThan(0);
    const statuses = await conn.query<{ MasterLabel: string; IsClosed: boolean }>(Q.caseStatuses);
    expect(statuses.records.filter((s) => s.IsClosed).map((s) => s.MasterLabel)).toEqual(['Closed', 'Resolved - Customer Thanked']);
  });

  it('groups by date functions and refuses to group what Salesforce cannot', async () => {
    const quarters = await conn.query<Record<string, number>>(Q.byQuarter);
    expect(quarters.records.length).toBeGreaterThan(11);
    expect(Object.keys(quarters.records[0]!).sort()).toEqual(['attributes', 'expr0', 'n', 'score', 'y']);
    expect(quarters.records.every((r) => r.expr0! >= 1 && r.expr0! <= 4)).toBe(true);
    const respondents = await conn.query<{ n: number }>(Q.respondents);
    expect(respondents.records[0]!.n).toBe(2500);
    expect(await errorCodeOf(conn.query(Q.groupByCustomNumber))).toBe('MALFORMED_QUERY');
  });

  it('treats % and _ as LIKE wildcards unless escaped, and knows its Organization', async () => {
    expect((await conn.query(Q.wildcardLike)).totalSize).toBe(1);
    expect((await conn.query(Q.escapedLike)).totalSize).toBe(0);
    expect((await conn.query(Q.organization)).records[0]).toMatchObject({ Id: F.orgId, IsSandbox: false });
  });

  it('evaluates semi-joins, anti-joins, NOT, LIMIT and OFFSET', async () => {
    const withResponses = await conn.query<{ Id: string }>(Q.semiJoin);
    expect(withResponses.records.map((r) => r.Id)).toContain(F.sampleContactId);
    const window = await conn.query(Q.antiJoinWindow);
    expect(window.records.length).toBeLessThanOrEqual(5);
  });

  it('keeps the hard cases', async () => {
    const lone = await conn.query<{ AccountId: string | null; Account: unknown; SurveyInvitations: { totalSize: number } }>(Q.lone);
    expect(lone.records[0]).toMatchObject({ AccountId: null, Account: null });
    expect(lone.records[0]!.SurveyInvitations.totalSize).toBeGreaterThan(0);
    const person = await conn.query(Q.person);
    expect(person.records[0]).toMatchObject({ IsPersonAccount: true, PersonContactId: F.personContactId });
    const comments = new Set((await conn.query<{ ResponseValue: string }>(Q.comments, { autoFetch: true, maxFetch: 100_000 })).records.map((r) => r.ResponseValue));
    for (const text of Object.values(HARD_COMMENTS)) expect(comments.has(text)).toBe(true);
    expect(HARD_COMMENTS.long).toHaveLength(10_000);
    const bad = await conn.query<{ NumberValue: number | null; ResponseValue: string | null }>(Q.badScores);
    expect(bad.records.map((r) => r.NumberValue)).toEqual(expect.arrayContaining([null, 11, -1, 8]));
    expect(bad.records.filter((r) => r.NumberValue === null).map((r) => r.ResponseValue)).toEqual(expect.arrayContaining(['9', 'N/A', null]));
    const simple = await conn.query<Record<string, unknown>>(Q.simpleSurvey, { autoFetch: true });
    const scores = simple.records.map((r) => r.simplesurvey__Survey_Score__c);
    expect(scores).toEqual(expect.arrayContaining([null, 11, -1]));
    expect(simple.records.map((r) => r.simplesurvey__Net_Promoter_System__c)).toEqual(expect.arrayContaining(['9', 'N/A']));
  });

  it('uses real 18-character ids with the right key prefixes', () => {
    const expected: [string, string][] = [
      [F.sampleContactId, '003'], [F.bigAccountId, '001'], [F.personAccountId, '001'], [F.contactWithoutAccountId, '003'],
      [F.opportunityId, '006'], [F.caseId, '500'], [F.leadId, '00Q'], [F.userId, '005'], [F.orgId, '00D'],
    ];
    for (const [id, prefix] of expected) {
      expect(id).toHaveLength(18);
      expect(toId18(id)).toBe(id);
      expect(toId18(id.slice(0, 15))).toBe(id);
      expect(id.startsWith(prefix)).toBe(true);
    }
  });

  it('upserts a Task by Loyalty_Lens_Key__c: twice is still one Task', async () => {
    const tasks = conn.sobject('Task');
    const outcome = { Loyalty_Lens_Key__c: 'll-outcome-1', Subject: 'Detractor follow-up: reached', Status: 'Completed', WhoId: F.sampleContactId, WhatId: F.caseId };
    const first = await tasks.upsert(outcome, 'Loyalty_Lens_Key__c');
    expect(first).toMatchObject({ success: true, created: true });
    const second = await tasks.upsert({ ...outcome, Subject: 'Detractor follow-up: resolved' }, 'Loyalty_Lens_Key__c');
    expect(second).toMatchObject({ success: true, created: false, id: first.id });
    expect(salesforce.countTasksWithKey('ll-outcome-1')).toBe(1);
    const found = await conn.query<{ Subject: string }>(Q.taskByKey);
    expect(found.records.map((r) => r.Subject)).toEqual(['Detractor follow-up: resolved']);
    const many = await tasks.upsert(
      [{ Loyalty_Lens_Key__c: 'll-batch-1', Subject: 'a' }, { Loyalty_Lens_Key__c: 'll-outcome-1', Subject: 'b' }],
      'Loyalty_Lens_Key__c',
      { allOrNone: true },
    );
    expect(many.map((r) => (r as { created?: boolean }).created)).toEqual([true, false]);
    const rejected = await errorCodeOf(tasks.create({ Subject: 'x', Status: 'Not a status' }));
    expect(rejected).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  });

  it('runs composite requests with references as one API request', async () => {
    await conn.query(Q.simple);
    const before = conn.limitInfo.apiUsage!.used;
    const result = await conn.requestPost<{ compositeResponse: { httpStatusCode: number; referenceId: string; body: Record<string, unknown> }[] }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'GET', url: `/services/data/v62.0/query?q=${encodeURIComponent(Q.compositeContact)}`, referenceId: 'contact' },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Account/@{contact.records[0].AccountId}?fields=Name', referenceId: 'account' },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Task', referenceId: 'task', body: { Subject: 'Called @{account.Name}', WhoId: '@{contact.records[0].Id}' } },
      ],
    });
    expect(result.compositeResponse.map((r) => r.httpStatusCode)).toEqual([200, 200, 201]);
    expect(result.compositeResponse[1]!.body.Name).toBe('Acme Robotics');
    expect(conn.limitInfo.apiUsage!.used).toBe(before + 1);

    const tasksBefore = salesforce.stats().tasks;
    const rolledBack = await conn.requestPost<{ compositeResponse: { httpStatusCode: number; body: { errorCode: string }[] }[] }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Task', referenceId: 'ok', body: { Subject: 'kept?' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Task', referenceId: 'bad', body: { Nope__c: 1 } },
      ],
    });
    expect(rolledBack.compositeResponse.map((r) => r.body[0]!.errorCode)).toEqual(['PROCESSING_HALTED', 'INVALID_FIELD']);
    expect(salesforce.stats().tasks).toBe(tasksBefore);
  });

  it('describes objects with external ids and picklists', async () => {
    const task = await conn.sobject('Task').describe();
    expect(task.fields.find((f) => f.name === 'Loyalty_Lens_Key__c')).toMatchObject({ externalId: true, unique: true, type: 'string', idLookup: true });
    const question = await conn.sobject('SurveyQuestion').describe();
    const types = question.fields.find((f) => f.name === 'QuestionType')!.picklistValues!.map((p) => p.value);
    expect(types).toEqual(expect.arrayContaining(['NPS', 'Rating', 'Score', 'Slider', 'FreeText']));
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(expect.arrayContaining(['Account', 'SurveyQuestionResponse', 'simplesurvey__Survey__c']));
    const account = await conn.sobject('Account').describe();
    expect(account.childRelationships.find((c) => c.relationshipName === 'Contacts')).toMatchObject({ childSObject: 'Contact', field: 'AccountId' });
  });

  it('Case Reason is a restricted single-select picklist: describe lists its values, a value it lacks is refused', async () => {
    const reason = (await conn.sobject('Case').describe()).fields.find((f) => f.name === 'Reason')!;
    expect(reason).toMatchObject({ type: 'picklist', restrictedPicklist: true });
    expect(reason.picklistValues!.map((p) => p.value)).toEqual(['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other']);
    const [kase] = (await conn.query<{ Id: string; Reason: string | null }>('SELECT Id, Reason FROM Case LIMIT 1')).records;
    const refused = await conn.requestPatch<Array<{ success: boolean; errors: Array<{ statusCode: string; message: string; fields: string[] }> }>>('/composite/sobjects', {
      allOrNone: false,
      records: [{ attributes: { type: 'Case' }, id: kase!.Id, Reason: 'Invoices' }],
    });
    expect(refused).toEqual([
      { success: false, errors: [{ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Case Reason: bad value for restricted picklist field: Invoices', fields: ['Reason'] }] },
    ]);
    expect((await conn.query<{ Reason: string | null }>(`SELECT Reason FROM Case WHERE Id = '${kase!.Id}'`)).records[0]!.Reason).toBe(kase!.Reason);
    expect(await errorCodeOf(conn.sobject('Case').update({ Id: kase!.Id, Reason: 'Equipment Design' }))).toBe('no error');
    const grouped = await conn.query<{ r: string | null; n: number }>("SELECT Reason r, COUNT(Id) n FROM Case WHERE Reason IN ('Equipment Design') GROUP BY Reason");
    expect(grouped.records.map((g) => g.r)).toEqual(['Equipment Design']);
  });

  it('surfaces Salesforce errors as jsforce errors with their errorCode', async () => {
    expect(await errorCodeOf(conn.query(Q.badField))).toBe('INVALID_FIELD');
    expect(await errorCodeOf(conn.query(Q.badObject))).toBe('INVALID_TYPE');
    expect(await errorCodeOf(conn.query('SELECT Id FROM'))).toBe('MALFORMED_QUERY');
    const stranger = new Connection({ instanceUrl: sandbox.httpUrl, accessToken: 'not-a-token', version: '62.0' });
    expect(await errorCodeOf(stranger.query(Q.simple))).toBe('INVALID_SESSION_ID');
  });

  it('reports usage in Sforce-Limit-Info and blocks requests over the daily limit', async () => {
    await conn.query(Q.simple);
    const { used } = conn.limitInfo.apiUsage!;
    expect(conn.limitInfo.apiUsage!.limit).toBe(100_000);
    const admin = await fetch(`${sandbox.httpUrl}/__sandbox/salesforce/limits`, { method: 'POST', body: JSON.stringify({ dailyLimit: used + 1 }) });
    expect(admin.status).toBe(200);
    await conn.query(Q.simple);
    expect(await errorCodeOf(conn.query(Q.simple))).toBe('REQUEST_LIMIT_EXCEEDED');
    salesforce.setDailyLimit(100_000);
    await conn.query(Q.simple);
  });

  it('refreshes an expired session through jsforce and rotates the refresh token', async () => {
    const { conn: own } = await pkceLogin(sandbox.httpUrl, 'refresh');
    const oldRefreshToken = own.refreshToken!;
    const refreshed: string[] = [];
    own.on('refresh', (accessToken: string) => refreshed.push(accessToken));
    const expire = await fetch(`${sandbox.httpUrl}/__sandbox/salesforce/expire-tokens`, { method: 'POST' });
    expect(expire.status).toBe(200);
    const result = await own.query(Q.simple);
    expect(result.totalSize).toBe(1);
    expect(refreshed).toHaveLength(1);
    expect(own.accessToken).toBe(refreshed[0]);
    const reuse = await fetch(`${sandbox.httpUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oldRefreshToken, client_id: F.consumerKey }),
    });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('serves Lightning record pages as an SPA fed by a same-origin helper', async () => {
    const page = await fetch(`${sandbox.httpUrl}/lightning/r/Contact/${F.sampleContactId}/view`);
    const html = await page.text();
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('aria-label="CRM actions"');
    expect(html).toContain('history.pushState');
    const data = (await (await fetch(`${sandbox.httpUrl}/__sandbox/sf-page-data/${F.sampleContactId}`)).json()) as { title: string; fields: { link?: { id: string } }[] };
    expect(data.title).toBe('Dana Whitfield');
    expect(data.fields.some((f) => f.link?.id === F.sampleAccountId)).toBe(true);
    const classic = await fetch(`${sandbox.httpUrl}/${F.caseId.slice(0, 15)}`);
    expect(classic.status).toBe(200);
  });

  it('TaskSubtype is create-only: describe says so, and an update naming it is refused with Salesforce’s code', async () => {
    const describe = await conn.sobject('Task').describe();
    expect(describe.fields.find((f) => f.name === 'TaskSubtype')).toMatchObject({ createable: true, updateable: false });
    const tasks = conn.sobject('Task');
    const created = await tasks.create({ Subject: 'Call', TaskSubtype: 'Call', Loyalty_Lens_Key__c: 'll-subtype-1' });
    expect(created.success).toBe(true);
    expect(await errorCodeOf(tasks.update({ Id: created.id!, TaskSubtype: 'Call' }))).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect((await tasks.update({ Id: created.id!, Subject: 'Called' })).success).toBe(true);
    // An upsert that finds the Task is an update: the create-only field is refused there too, alone or in a batch.
    expect(await errorCodeOf(tasks.upsert({ Loyalty_Lens_Key__c: 'll-subtype-1', TaskSubtype: 'Call' }, 'Loyalty_Lens_Key__c'))).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    const batch = await tasks.upsert([{ Loyalty_Lens_Key__c: 'll-subtype-1', TaskSubtype: 'Call' }, { Loyalty_Lens_Key__c: 'll-subtype-2', TaskSubtype: 'Call' }], 'Loyalty_Lens_Key__c', { allOrNone: false });
    expect(batch.map((r) => r.success)).toEqual([false, true]);
    expect((batch[0] as { errors: unknown[] }).errors[0]).toMatchObject({ statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['TaskSubtype'] });
    expect(salesforce.countTasksWithKey('ll-subtype-1')).toBe(1);
  });

  it('a create answers {id, success, errors} and nothing more, and jsforce reads it', async () => {
    const res = await fetch(`${sandbox.httpUrl}/services/data/v62.0/sobjects/Case`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Subject: 'Shape check', ContactId: F.sampleContactId }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['errors', 'id', 'success']);
    const viaClient = await conn.sobject('Case').create({ Subject: 'Shape check 2', ContactId: F.sampleContactId });
    expect(viaClient).toMatchObject({ success: true, errors: [] });
    expect(viaClient.id).toHaveLength(18);
  });

  describe('a 5xx after the commit, on every write route', () => {
    const base = '/services/data/v62.0';
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sandbox.httpUrl}${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await res.text();
      return res.status;
    };
    const taskWithSubject = (subject: string) => salesforce.records('Task').filter((t) => t.Subject === subject);
    const caseSubject = () => salesforce.records('Case').find((c) => c.Id === F.caseId)?.Subject;
    const routes: Array<{ name: string; match: string; run: (key: string) => Promise<number>; committed: (key: string) => boolean }> = [
      { name: 'POST sobjects/Task', match: '^POST /services/data/v62.0/sobjects/Task$', run: (k) => send('POST', '/sobjects/Task', { Subject: k }), committed: (k) => taskWithSubject(k).length === 1 },
      { name: 'PATCH sobjects/Case/{id}', match: '^PATCH /services/data/v62.0/sobjects/Case/', run: (k) => send('PATCH', `/sobjects/Case/${F.caseId}`, { Subject: k }), committed: (k) => caseSubject() === k },
      {
        name: 'PATCH sobjects/Task/{External ID}/{value}',
        match: '^PATCH /services/data/v62.0/sobjects/Task/Loyalty_Lens_Key__c/',
        run: (k) => send('PATCH', `/sobjects/Task/Loyalty_Lens_Key__c/${k}`, { Subject: k }),
        committed: (k) => salesforce.countTasksWithKey(k) === 1,
      },
      {
        name: 'POST composite/sobjects',
        match: '^POST /services/data/v62.0/composite/sobjects$',
        run: (k) => send('POST', '/composite/sobjects', { allOrNone: false, records: [{ attributes: { type: 'Task' }, Subject: k }] }),
        committed: (k) => taskWithSubject(k).length === 1,
      },
      {
        name: 'PATCH composite/sobjects',
        match: '^PATCH /services/data/v62.0/composite/sobjects$',
        run: (k) => send('PATCH', '/composite/sobjects', { allOrNone: false, records: [{ attributes: { type: 'Case' }, id: F.caseId, Subject: k }] }),
        committed: (k) => caseSubject() === k,
      },
      {
        name: 'PATCH composite/sobjects/Task/{External ID}',
        match: '^PATCH /services/data/v62.0/composite/sobjects/Task/Loyalty_Lens_Key__c$',
        run: (k) => send('PATCH', '/composite/sobjects/Task/Loyalty_Lens_Key__c', { allOrNone: false, records: [{ attributes: { type: 'Task' }, Loyalty_Lens_Key__c: k, Subject: k }] }),
        committed: (k) => salesforce.countTasksWithKey(k) === 1,
      },
      {
        name: 'POST composite',
        match: '^POST /services/data/v62.0/composite$',
        run: (k) => send('POST', '/composite', { allOrNone: true, compositeRequest: [{ method: 'POST', url: `${base}/sobjects/Task`, referenceId: 'task', body: { Subject: k } }] }),
        committed: (k) => taskWithSubject(k).length === 1,
      },
      {
        name: 'DELETE sobjects/Task/{id}',
        match: '^DELETE /services/data/v62.0/sobjects/Task/',
        run: async (k) => {
          const id = (await conn.sobject('Task').create({ Subject: k })).id!;
          return send('DELETE', `/sobjects/Task/${id}`);
        },
        committed: (k) => taskWithSubject(k).length === 0,
      },
    ];
    const statuses = [500, 502, 503, 504] as const;
    it.each(routes.flatMap((route) => statuses.map((status) => ({ ...route, status }))))('$name: commits, then answers $status', async ({ match, run, committed, status }) => {
      const key = `after-commit-${status}-${Math.random().toString(36).slice(2)}`;
      sandbox.setFaults([{ match, times: 1, statusAfterCommit: status }]);
      try {
        expect(await run(key)).toBe(status);
        expect(committed(key)).toBe(true);
      } finally {
        sandbox.clearFaults();
      }
    });
  });

  it('goes back to the seed on reset, keeping sessions', async () => {
    expect(salesforce.countTasksWithKey('ll-outcome-1')).toBe(1);
    salesforce.reset();
    expect(salesforce.countTasksWithKey('ll-outcome-1')).toBe(0);
    expect(salesforce.stats()).toMatchObject({ tasks: 601, tasksCreated: 0, casesCreated: 0, casesUpdated: 0, apiRequests: 0 });
    expect((await conn.query(Q.bigContacts)).totalSize).toBe(2500);
  });

  it('answers for the org, its sandbox org and login hosts, and leaves other hosts alone', async () => {
    const request = (host: string, path: string) => ({ method: 'GET', url: new URL(`https://${host}${path}`), host, headers: {}, rawBody: '' });
    expect(await salesforce.handle(request('api.hubapi.com', '/services/data/'))).toBeNull();
    for (const host of [F.hosts.api, F.hosts.sandboxApi]) {
      expect((await salesforce.handle(request(host, '/services/data/')))?.status).toBe(200);
      expect((await salesforce.handle(request(host, '/services/data/v62.0/query?q=SELECT+Id+FROM+User')))?.status).toBe(401);
    }
    expect((await salesforce.handle(request(F.hosts.lightning, `/lightning/r/Account/${F.bigAccountId}/view`)))?.status).toBe(200);
    const authorize = `/services/oauth2/authorize?response_type=code&client_id=${F.consumerKey}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`;
    expect((await salesforce.handle(request(F.hosts.testLogin, authorize)))?.body).toContain(F.hosts.sandboxApi);
  });
  it('knows its currencies: multi-currency with USD as the corporate one; aggregates of amounts answer in it', async () => {
    expect((await conn.query(Q.orgCurrency)).records[0]).toMatchObject({ DefaultCurrencyIsoCode: 'USD' });
    expect((await conn.query(Q.corporateCurrency)).records.map((r) => (r as { IsoCode: string }).IsoCode)).toEqual(['USD']);
    expect((await conn.query(Q.currencies)).records.map((r) => r as Record<string, unknown>)).toEqual([
      expect.objectContaining({ IsoCode: 'EUR', ConversionRate: 0.92, IsCorporate: false }),
      expect.objectContaining({ IsoCode: 'GBP', ConversionRate: 0.79, IsCorporate: false }),
      expect.objectContaining({ IsoCode: 'JPY', ConversionRate: 149.5, IsCorporate: false }),
      expect.objectContaining({ IsoCode: 'USD', ConversionRate: 1, IsCorporate: true }),
    ]);
    try {
      const account = await conn.sobject('Account').create({ Name: 'Currency Check GmbH', CurrencyIsoCode: 'EUR' });
      const opportunity = (Amount: number, CurrencyIsoCode: string) =>
        conn.sobject('Opportunity').create({ Name: `${CurrencyIsoCode} deal`, AccountId: account.id, Amount, CurrencyIsoCode, StageName: 'Prospecting', CloseDate: '2027-01-31' });
      await opportunity(46_000, 'EUR');
      await opportunity(10_000, 'USD');
      // Each amount stays in its record's currency; SUM and MAX answer in USD: 46,000 EUR / 0.92 = 50,000 USD.
      const pipeline = Q.pipelineOf.replace('001000000000000AAA', account.id!);
      expect((await conn.query(pipeline)).records[0]).toMatchObject({ total: 60_000, top: 50_000 });

      // The same org as a single-currency one in GBP: no CurrencyIsoCode anywhere, no CurrencyType, nothing converted.
      const multiCurrencyAgain = salesforce.singleCurrency('GBP');
      expect((await conn.query(Q.orgCurrency)).records[0]).toMatchObject({ DefaultCurrencyIsoCode: 'GBP' });
      expect(await errorCodeOf(conn.query(Q.corporateCurrency))).toBe('INVALID_TYPE');
      expect((await conn.describeGlobal()).sobjects.map((o) => o.name)).not.toContain('CurrencyType');
      expect((await conn.sobject('Opportunity').describe()).fields.map((f) => f.name)).not.toContain('CurrencyIsoCode');
      expect(await errorCodeOf(conn.query('SELECT Id, CurrencyIsoCode FROM Opportunity LIMIT 1'))).toBe('INVALID_FIELD');
      expect((await conn.query(pipeline)).records[0]).toMatchObject({ total: 56_000, top: 46_000 });
      multiCurrencyAgain();
      expect((await conn.query(Q.corporateCurrency)).records).toHaveLength(1);
    } finally {
      salesforce.reset();
    }
  });

  it('an org without the Task External ID field: describe leaves it out, SOQL and upserts naming it are refused', async () => {
    salesforce.withoutField('Task', 'Loyalty_Lens_Key__c');
    try {
      const describe = await conn.sobject('Task').describe();
      expect(describe.fields.map((f) => f.name)).not.toContain('Loyalty_Lens_Key__c');
      expect(await errorCodeOf(conn.query("SELECT Id FROM Task WHERE Loyalty_Lens_Key__c = 'x'"))).toBe('INVALID_FIELD');
      expect(await errorCodeOf(conn.sobject('Task').upsert({ Loyalty_Lens_Key__c: 'x', Subject: 'x' }, 'Loyalty_Lens_Key__c'))).toBe('NOT_FOUND');
    } finally {
      salesforce.reset();
    }
    expect((await conn.sobject('Task').describe()).fields.map((f) => f.name)).toContain('Loyalty_Lens_Key__c');
  });
});
