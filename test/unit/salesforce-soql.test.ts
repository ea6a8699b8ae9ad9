import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { SALESFORCE_SURVEYS_PRESET, SIMPLE_SURVEY_PRESET } from '../../integrations/salesforce/presets';
import * as soql from '../../integrations/salesforce/soql';

const ACCOUNT = '001Hn000000KXxkIAG';
const CONTACT = '003Hn000000KXxkIAG';
const REF = '@{focus.records[0].AccountId}';

const narrowed: Settings = {
  ...DEFAULT_SETTINGS,
  salesforce: {
    ...DEFAULT_SETTINGS.salesforce,
    caseTypes: ["Customer's Problem", 'Detractor Follow-up'],
    caseOrigins: ['Web'],
    revenue: { kind: 'accountField', field: 'AnnualRevenue' },
  },
};
const surveysWithPicks = { ...SALESFORCE_SURVEYS_PRESET, csatQuestionIds: ['0KzHn000000KXxkAAA'], cesQuestionIds: ['0KzHn000000KXxlAAA'] };

describe('SOQL literals', () => {
  it.each([
    ['plain', "'plain'"],
    ["O'Brien", "'O\\'Brien'"],
    ['back\\slash', "'back\\\\slash'"],
    ['two\nlines', "'two\\nlines'"],
    ['"quoted"', "'\\\"quoted\\\"'"],
    ["x' OR Name != '", "'x\\' OR Name != \\''"],
  ])('quotes %j so it stays one string', (value, expected) => {
    expect(soql.quote(value)).toBe(expected);
    const parsed = parseQuery(`SELECT Id FROM Contact WHERE Name = ${soql.quote(value)}`);
    // One condition only: nothing in the value escaped into the query.
    expect(parsed.where && 'right' in parsed.where ? parsed.where.right : undefined).toBeUndefined();
  });

  it('escapes LIKE wildcards so a key matches only itself', () => {
    expect(soql.quoteLike('50%_off', { prefix: true, suffix: true })).toBe("'%50\\%\\_off%'");
  });

  it.each(['003Hn000000KXxk', CONTACT, REF])('accepts the id %s', (id) => {
    expect(soql.idLiteral(id)).toBe(`'${id}'`);
  });

  it.each(["003' OR Id != '", '003Hn000000KXx', '', '@{x}.y', 'DROP'])('refuses %j as an id', (id) => {
    expect(() => soql.idLiteral(id)).toThrow(RangeError);
  });

  it.each(['Name; DELETE', 'Owner..Name', '1Field', 'a b'])('refuses %j as an API name', (name) => {
    expect(() => soql.apiName(name)).toThrow(RangeError);
  });

  it.each([
    ['AccountId', 'Account'],
    ['simplesurvey__Contact__c', 'simplesurvey__Contact__r'],
    ['Who', 'Who'],
  ])('relationship of %s is %s', (field, rel) => expect(soql.relationshipOf(field)).toBe(rel));
});

describe('every query builder emits SOQL a real parser accepts', () => {
  const cases: Array<[string, string]> = [
    ['contact', soql.contactQuery(CONTACT, narrowed)],
    ['lead', soql.leadQuery('00QHn000000KXxkMAG')],
    ['opportunity', soql.opportunityQuery('006Hn000000KXxkIAG')],
    ['case', soql.caseQuery('500Hn000000KXxkIAG')],
    ['account (open opportunities with contact roles, person accounts, currencies)', soql.accountQuery(ACCOUNT, DEFAULT_SETTINGS, { personAccount: true, multiCurrency: true, lastNps: true })],
    ['account (open opportunities, single currency, no latest-NPS field)', soql.accountQuery(ACCOUNT, DEFAULT_SETTINGS, { personAccount: false, multiCurrency: false, lastNps: false })],
    ['account (revenue field, by reference)', soql.accountQuery(REF, narrowed, { personAccount: false, multiCurrency: true, lastNps: true })],
    ['big account promoters by title', soql.latestNpsByTitleQuery(ACCOUNT, 'promoter')],
    ['big account passives by title', soql.latestNpsByTitleQuery(ACCOUNT, 'passive')],
    ['account tasks', soql.accountTasksQuery(REF)],
    ['contact count', soql.contactCountQuery(ACCOUNT)],
    ['surveys by account', soql.surveyResponsesQuery(surveysWithPicks, { kind: 'account', accountId: ACCOUNT })],
    ['surveys by contacts', soql.surveyResponsesQuery(SALESFORCE_SURVEYS_PRESET, { kind: 'contacts', contactIds: [CONTACT] })],
    ['surveys by lead', soql.surveyResponsesQuery(SALESFORCE_SURVEYS_PRESET, { kind: 'lead', leadId: '00QHn000000KXxkMAG' })],
    ['simple survey by account', soql.customResponsesQuery(SIMPLE_SURVEY_PRESET, { kind: 'account', accountId: ACCOUNT })],
    ['simple survey by contacts', soql.customResponsesQuery(SIMPLE_SURVEY_PRESET, { kind: 'contacts', contactIds: [CONTACT, CONTACT] })],
    ['surveys preview', soql.previewQuery(surveysWithPicks, 20)],
    ['simple survey preview', soql.previewQuery(SIMPLE_SURVEY_PRESET, 20)],
    ['surveys NPS counts', soql.npsCountsQuery(SALESFORCE_SURVEYS_PRESET, ACCOUNT, 365)],
    ['surveys NPS by quarter', soql.npsByQuarterQuery(SALESFORCE_SURVEYS_PRESET, ACCOUNT, 365)],
    ['simple survey NPS by quarter', soql.npsByQuarterQuery(SIMPLE_SURVEY_PRESET, ACCOUNT, 365)],
    ['simple survey NPS counts', soql.npsCountsQuery(SIMPLE_SURVEY_PRESET, ACCOUNT, 365)],
    ['surveys respondents', soql.respondentCountQuery(SALESFORCE_SURVEYS_PRESET, ACCOUNT, 365)],
    ['simple survey respondents', soql.respondentCountQuery(SIMPLE_SURVEY_PRESET, ACCOUNT, 90)],
    ['closed case statuses', soql.closedCaseStatusQuery()],
    ['task by marker', soql.taskByMarkerQuery(['key-0123456789abcdef', 'key-fedcba9876543210'])],
    ['follow-up lookup', soql.followUpLookupQuery(CONTACT, '[0LUHn000000KXxkAAA]')],
  ];
  it.each(cases)('%s', (_, text) => {
    expect(() => parseQuery(text)).not.toThrow();
  });

  it('narrows open cases by the configured types and origins', () => {
    const query = parseQuery(soql.contactQuery(CONTACT, narrowed));
    const text = JSON.stringify(query);
    expect(text).toContain("Customer\\\\'s Problem");
    expect(soql.contactQuery(CONTACT, narrowed)).toContain("Origin IN ('Web')");
  });

  it('asks for one contact more than it lists, to notice a big account', () => {
    expect(soql.accountQuery(ACCOUNT, DEFAULT_SETTINGS, { personAccount: false, multiCurrency: false, lastNps: false })).toContain(`LIMIT ${soql.LISTED_CONTACTS + 1}`);
  });
});

describe('a big account’s contact list', () => {
  const ACCOUNT = '001000000000001AAA';

  it('orders by the latest score, no answer last, then Id, a segment as a range of it', () => {
    expect(soql.contactListQuery(ACCOUNT, { range: [0, 6], search: '' }, 25, 0)).toBe(
      `SELECT Id, Name, Email, Title, AccountId, OwnerId, Owner.Name, CreatedDate, Loyalty_Lens_Last_NPS__c FROM Contact WHERE AccountId = '${ACCOUNT}' ` +
        'AND Loyalty_Lens_Last_NPS__c >= 0 AND Loyalty_Lens_Last_NPS__c <= 6 ORDER BY Loyalty_Lens_Last_NPS__c ASC NULLS LAST, Id ASC LIMIT 25',
    );
    expect(soql.contactListCountQuery(ACCOUNT, { range: null, search: '' })).toBe(`SELECT COUNT() FROM Contact WHERE AccountId = '${ACCOUNT}' AND Loyalty_Lens_Last_NPS__c = null`);
  });

  it('searches the name as typed text: quotes, backslashes and wildcards escaped, so no text becomes SOQL', () => {
    const text = soql.contactListQuery(ACCOUNT, { search: "x' OR Name LIKE '%\\_" }, 25, 50);
    expect(text).toContain(String.raw`Name LIKE '%x\' OR Name LIKE \'\%\\\_%'`);
    expect(text.endsWith('LIMIT 25 OFFSET 50')).toBe(true);
    // The real parser reads one condition on Name, not an OR the user typed.
    const where = JSON.stringify(parseQuery(text).where);
    expect(where).not.toContain('"operator":"OR"');
  });

  it('continues after the last row read where OFFSET cannot reach, and refuses an OFFSET above 2,000', () => {
    expect(soql.contactListQuery(ACCOUNT, { search: '', after: { score: 4, id: '003000000000009AAA' } }, 25, 0)).toContain(
      "(Loyalty_Lens_Last_NPS__c > 4 OR (Loyalty_Lens_Last_NPS__c = 4 AND Id > '003000000000009AAA') OR Loyalty_Lens_Last_NPS__c = null)",
    );
    expect(soql.contactListQuery(ACCOUNT, { search: '', after: { score: null, id: '003000000000009AAA' } }, 25, 0)).toContain(
      "(Loyalty_Lens_Last_NPS__c = null AND Id > '003000000000009AAA')",
    );
    expect(() => soql.contactListQuery(ACCOUNT, { search: '' }, 25, 2001)).toThrow(RangeError);
    expect(() => soql.contactListQuery(ACCOUNT, { search: '', after: { score: 1, id: "x' OR Id != '" } }, 25, 0)).toThrow(RangeError);
  });
});
