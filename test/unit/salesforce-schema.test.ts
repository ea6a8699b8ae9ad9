import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../core/schema';
import { crmErrorFrom } from '../../integrations/salesforce/errors';
import { parseLoopTask } from '../../integrations/salesforce/loop-history';
import { outcomeDescription, outcomeSubject } from '../../integrations/salesforce/outcomes';
import { lightningHost } from '../../integrations/salesforce/paths';
import { SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET } from '../../integrations/salesforce/presets';
import { parseCustomRows, parseSfDate, parseSurveyRows } from '../../integrations/salesforce/schema';
import { readScore } from '../../integrations/scores';
import { DEFAULT_SETTINGS } from '../../core/settings';

const ctx = { instance: 'acme.my.salesforce.com' };
const CONTACT = '003Hn00000033WmIAI';
const ACCOUNT = '001Hn0000000znmIAA';

describe('scores', () => {
  it.each([
    ['nps', 9, 9],
    ['nps', '9', 9],
    ['nps', ' 10 ', 10],
    ['nps', 0, 0],
    ['csat', 5, 5],
    ['ces', 7, 7],
  ] as const)('%s %j → %d', (kind, value, score) => {
    expect(readScore(kind, value)).toEqual({ ok: true, score });
  });

  it.each([
    ['nps', 'N/A', 'not a whole number'],
    ['nps', null, 'no score'],
    ['nps', undefined, 'no score'],
    ['nps', 11, 'outside the NPS scale 0–10'],
    ['nps', -1, 'outside the NPS scale 0–10'],
    ['nps', 7.5, 'not a whole number'],
    ['csat', 0, 'outside the CSAT scale 1–5'],
    ['ces', 8, 'outside the CES scale 1–7'],
    ['nps', true, 'not a whole number'],
  ] as const)('%s %j is refused: %s', (kind, value, reason) => {
    expect(readScore(kind, value)).toEqual({ ok: false, reason });
  });
});

describe('Salesforce dates', () => {
  it.each([
    ['2026-10-20T14:03:00.000+0000', Date.UTC(2026, 9, 20, 14, 3)],
    ['2026-10-20T16:03:00.000+0200', Date.UTC(2026, 9, 20, 14, 3)],
    ['2026-10-20', Date.UTC(2026, 9, 20)],
    ['yesterday', null],
    [null, null],
  ])('%j → %j', (value, ms) => expect(parseSfDate(value)).toBe(ms));
});

const surveyRow = (id: string, type: string, value: unknown, extra: Record<string, unknown> = {}) => ({
  Id: id,
  NumberValue: typeof value === 'number' || value === null ? value : null,
  ResponseValue: typeof value === 'string' ? value : value === null ? null : String(value),
  QuestionId: '0KzHn0000000WxcKAE',
  Question: { Name: 'q', QuestionType: type },
  ResponseId: 'resp1',
  Response: { CompletionDateTime: '2026-10-20T14:03:00.000+0000' },
  Invitation: { ContactId: CONTACT, Contact: { AccountId: ACCOUNT }, LeadId: null, Survey: { Name: 'Relationship NPS' } },
  ...extra,
});

describe('Salesforce Surveys rows', () => {
  it('turns NPS answers into responses with the free-text comment of the same response', () => {
    const { parsed, rejected } = parseSurveyRows(
      SALESFORCE_SURVEYS_PRESET,
      [surveyRow('0LU000000000001', 'FreeText', 'Slow support.'), surveyRow('0LU000000000002', 'NPS', 3), surveyRow('0LU000000000003', 'NPS', '9', { ResponseId: 'resp2' })],
      ctx,
    );
    expect(rejected).toEqual([]);
    expect(parsed.map((r) => [r.score, r.comment, r.surveyName])).toEqual([
      [3, 'Slow support.', 'Relationship NPS'],
      [9, null, 'Relationship NPS'],
    ]);
    expect(parsed[0]).toMatchObject({
      key: 'salesforce|acme.my.salesforce.com|0LU000000000002',
      contactKey: `salesforce|acme.my.salesforce.com|${CONTACT}`,
      accountKey: `salesforce|acme.my.salesforce.com|${ACCOUNT}`,
      kind: 'nps',
      scaleMax: 10,
      submittedAt: Date.UTC(2026, 9, 20, 14, 3),
    });
  });

  it('reads CSAT and CES from the questions the admin picked', () => {
    const source = { ...SALESFORCE_SURVEYS_PRESET, csatQuestionIds: ['0KzHn0000000CSAT'], cesQuestionIds: ['0KzHn0000000CES1'] };
    const { parsed } = parseSurveyRows(
      source,
      [surveyRow('0LU000000000004', 'Rating', 4, { QuestionId: '0KzHn0000000CSATAAA' }), surveyRow('0LU000000000005', 'Slider', 6, { QuestionId: '0KzHn0000000CES1AAA' })],
      ctx,
    );
    expect(parsed.map((r) => [r.kind, r.score, r.scaleMax])).toEqual([
      ['csat', 4, 5],
      ['ces', 6, 7],
    ]);
  });

  it('rejects unusable rows with the field and the reason', () => {
    const { parsed, rejected } = parseSurveyRows(
      SALESFORCE_SURVEYS_PRESET,
      [
        surveyRow('0LU00000000000A', 'NPS', 'N/A'),
        surveyRow('0LU00000000000B', 'NPS', null),
        surveyRow('0LU00000000000C', 'NPS', 11),
        surveyRow('0LU00000000000D', 'NPS', -1),
        surveyRow('0LU00000000000E', 'NPS', 8, { Response: { CompletionDateTime: null } }),
        surveyRow('0LU00000000000F', 'NPS', 8, { Invitation: { ContactId: null, LeadId: null } }),
      ],
      ctx,
    );
    expect(parsed).toEqual([]);
    expect(rejected.map((r) => [r.rowId, r.field, r.value, r.reason])).toEqual([
      ['0LU00000000000A', 'ResponseValue', 'N/A', 'not a whole number'],
      ['0LU00000000000B', 'ResponseValue', '', 'no score'],
      ['0LU00000000000C', 'NumberValue', '11', 'outside the NPS scale 0–10'],
      ['0LU00000000000D', 'NumberValue', '-1', 'outside the NPS scale 0–10'],
      ['0LU00000000000E', 'Response.CompletionDateTime', '', 'The response has no completion time (not submitted)'],
      ['0LU00000000000F', 'Invitation.ContactId', '', 'The invitation names no contact or lead'],
    ]);
  });
});

describe('Simple Survey rows (a mapped custom object)', () => {
  const row = (id: string, score: unknown, extra: Record<string, unknown> = {}) => ({
    Id: id,
    simplesurvey__Survey_Score__c: score,
    CreatedDate: '2026-09-01T08:00:00.000+0000',
    simplesurvey__Contact__c: CONTACT,
    simplesurvey__Contact__r: { AccountId: ACCOUNT },
    simplesurvey__Account__c: ACCOUNT,
    simplesurvey__Comment__c: 'Fine.',
    simplesurvey__Survey_Name__c: 'Customer NPS',
    ...extra,
  });

  it('maps the fields and rejects what cannot be used', () => {
    const { parsed, rejected } = parseCustomRows(
      SIMPLE_SURVEY_PRESET,
      [row('a0S000000000001', 9), row('a0S000000000002', '7'), row('a0S000000000003', 'N/A'), row('a0S000000000004', null), row('a0S000000000005', 11), row('a0S000000000006', 5, { simplesurvey__Contact__c: null })],
      ctx,
    );
    expect(parsed.map((r) => [r.score, r.comment, r.surveyName, r.source])).toEqual([
      [9, 'Fine.', 'Customer NPS', 'simple-survey'],
      [7, 'Fine.', 'Customer NPS', 'simple-survey'],
    ]);
    expect(rejected.map((r) => r.reason)).toEqual(['not a whole number', 'no score', 'outside the NPS scale 0–10', 'No contact linked']);
  });

  it('reads the survey type from a mapped field', () => {
    const source = { ...SIMPLE_SURVEY_PRESET, surveyKindField: 'Type__c' };
    const { parsed, rejected } = parseCustomRows(source, [row('a0S000000000007', 4, { Type__c: 'CSAT' }), row('a0S000000000008', 4, { Type__c: 'Happiness' })], ctx);
    expect(parsed.map((r) => r.kind)).toEqual(['csat']);
    expect(rejected[0]?.reason).toMatch(/Unknown survey type/);
  });
});

describe('Salesforce errors in the user’s words', () => {
  it.each([
    ['REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 'daily-limit', /daily API allowance \(15000\/15000 requests\)/],
    ['INVALID_SESSION_ID', 'Session expired or invalid', 'auth', /connect Salesforce again/],
    ['INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights', 'scope', /permission/],
    ['INVALID_FIELD', "No such column 'Revenue_Tier__c' on entity 'Account'.", 'config', /"Revenue_Tier__c" on Account, named in the revenue field setting/],
    ['INVALID_TYPE', "sObject type 'simplesurvey__Survey__c' is not supported.", 'config', /"simplesurvey__Survey__c" \(score source "Simple Survey"\)/],
    ['ERROR_HTTP_503', '<html>', 'server', /HTTP 503/],
    ['MALFORMED_QUERY', 'unexpected token', 'validation', /refused/],
    ['REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.', 'rate-limit', /try again shortly/],
  ] as const)('%s → %s', (code, message, kind, words) => {
    const settings = {
      ...DEFAULT_SETTINGS.salesforce,
      sources: [SIMPLE_SURVEY_PRESET],
      revenue: { kind: 'accountField' as const, field: 'Revenue_Tier__c' },
    };
    const error = crmErrorFrom(code, message, { mapping: settings, usage: 'api-usage=15000/15000' });
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(words);
  });

  it('an expired token on the identity endpoint (Bad_OAuth_Token) is a session to refresh, not a refusal', () => {
    const error = crmErrorFrom('ERROR_HTTP_403', 'Bad_OAuth_Token', {}, 403);
    expect(error.kind).toBe('auth');
    expect(error.details.crmCode).toBe('INVALID_SESSION_ID');
  });

  it('daily limit is not retried, a 5xx is', () => {
    expect(crmErrorFrom('REQUEST_LIMIT_EXCEEDED', '').transient).toBe(false);
    expect(crmErrorFrom('ERROR_HTTP_502', '').transient).toBe(true);
  });
});

describe('outcome Tasks', () => {
  const outcome = {
    result: 'reached-unresolved',
    rootCauses: ['Billing', 'Support experience'],
    note: 'Promised a call back.\n\nSecond paragraph.',
    nextStep: { text: 'Call back', dueDate: '2026-12-01' },
    thanked: true,
    responseId: '0LUHn00001IAJ6lOAH',
    idempotencyKey: 'key-0123456789abcdef',
    loggedBy: 'Avery Admin',
    contactId: CONTACT,
  } as Outcome;

  it('reads back what it writes', () => {
    const task = {
      Id: '00THn000000KXxkIAG',
      Subject: outcomeSubject(outcome, false),
      Description: outcomeDescription(outcome),
      Status: 'Completed',
      IsClosed: true,
      ActivityDate: '2026-11-20',
      WhoId: CONTACT,
      WhatId: null,
      OwnerId: null,
      Owner: null,
      CreatedDate: '2026-11-20T10:00:00.000+0000',
      CreatedBy: { Name: 'Integration' },
    };
    expect(parseLoopTask(task, ctx.instance)).toMatchObject({
      idempotencyKey: 'key-0123456789abcdef',
      result: 'reached-unresolved',
      rootCauses: ['Billing', 'Support experience'],
      loggedBy: 'Avery Admin',
      loggedAt: Date.UTC(2026, 10, 20),
      summary: 'Promised a call back.\n\nSecond paragraph.',
      url: 'https://acme.lightning.force.com/lightning/r/Task/00THn000000KXxkIAG/view',
    });
    expect(parseLoopTask({ ...task, IsClosed: false }, ctx.instance)).toBeNull();
    expect(parseLoopTask({ ...task, Subject: 'Call about renewal' }, ctx.instance)).toBeNull();
  });

  it('puts the key in the subject only when there is no External ID field to hold it', () => {
    expect(outcomeSubject(outcome, false)).toBe('Loyalty Lens: Reached, not resolved');
    expect(outcomeSubject(outcome, true)).toBe('Loyalty Lens: Reached, not resolved [key-0123456789abcdef]');
  });

  it.each([
    ['acme.my.salesforce.com', 'acme.lightning.force.com'],
    ['acme--uat.sandbox.my.salesforce.com', 'acme--uat.sandbox.lightning.force.com'],
    ['acme-dev-ed.develop.my.salesforce.com', 'acme-dev-ed.develop.lightning.force.com'],
  ])('Lightning host of %s is %s', (api, lightning) => expect(lightningHost(api)).toBe(lightning));
});
