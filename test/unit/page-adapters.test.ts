import { describe, expect, it } from 'vitest';
import { parseHubSpotUrl } from '../../integrations/hubspot/page';
import { parseSalesforceUrl } from '../../integrations/salesforce/page';
import { toId18 } from '../../integrations/salesforce/ids';
import { isCrmPageUrl, parseRecordUrl } from '../../integrations/pages';

describe('parseHubSpotUrl', () => {
  it.each([
    ['https://app.hubspot.com/contacts/40001/record/0-1/51', 'contact', '40001', '51'],
    ['https://app.hubspot.com/contacts/40001/record/0-1/51/', 'contact', '40001', '51'],
    ['https://app.hubspot.com/contacts/40001/record/0-1/51?eschref=%2Fcontacts', 'contact', '40001', '51'],
    ['https://app.hubspot.com/contacts/40001/record/0-1/51#activity', 'contact', '40001', '51'],
    ['https://app.hubspot.com/contacts/40001/record/0-1/51/view/1', 'contact', '40001', '51'],
    ['https://app.hubspot.com/contacts/40001/record/0-2/9876543210', 'company', '40001', '9876543210'],
    ['https://app.hubspot.com/contacts/40001/record/0-3/123', 'deal', '40001', '123'],
    ['https://app.hubspot.com/contacts/40001/record/0-5/77/', 'ticket', '40001', '77'],
    ['https://app-eu1.hubspot.com/contacts/26712345/record/0-1/301', 'contact', '26712345', '301'],
    ['https://app-na2.hubspot.com/contacts/243000001/record/0-2/12', 'company', '243000001', '12'],
    ['https://app-ap1.hubspot.com/contacts/40002/record/0-3/5', 'deal', '40002', '5'],
    ['https://app.hubspot.com/contacts/40001/contact/51', 'contact', '40001', '51'],
    ['https://app.hubspot.com/contacts/40001/contact/51/', 'contact', '40001', '51'],
    ['https://app.hubspot.com/contacts/40001/company/12?tab=about', 'company', '40001', '12'],
    ['https://app-eu1.hubspot.com/contacts/40001/deal/3#notes', 'deal', '40001', '3'],
    ['https://app.hubspot.com/contacts/40001/ticket/9', 'ticket', '40001', '9'],
  ])('%s → %s %s/%s', (url, objectType, instance, id) => {
    expect(parseHubSpotUrl(url)).toEqual({ crm: 'hubspot', instance, objectType, id });
  });

  it.each([
    'https://app.hubspot.com/contacts/40001/objects/0-1/views/all/list',
    'https://app.hubspot.com/contacts/40001/record/0-4/51', // 0-4 is not a record type we show
    'https://app.hubspot.com/contacts/40001/record/2-9001/51',
    'https://app.hubspot.com/contacts/40001/record/0-1/',
    'https://app.hubspot.com/contacts/40001/record/0-1/abc',
    'https://app.hubspot.com/reports-dashboard/40001/view/1',
    'https://app.hubspot.com/contacts/40001/note/51',
    'http://app.hubspot.com/contacts/40001/record/0-1/51',
    'https://app.hubspot.com:8443/contacts/40001/record/0-1/51',
    'https://evil.com/contacts/40001/record/0-1/51',
    'https://app.hubspot.com.evil.com/contacts/40001/record/0-1/51',
    'https://api.hubapi.com/contacts/40001/record/0-1/51',
    'https://app.hubspot.com//contacts/40001/record/0-1/51',
    'not a url',
    '',
  ])('%s → null', (url) => {
    expect(parseHubSpotUrl(url)).toBeNull();
  });
});

describe('toId18', () => {
  it.each([
    // Each suffix character encodes which of 5 characters are upper case (bit i = character i), as an index into A–Z0–5.
    ['0035e00000Bq4Xa', '0035e00000Bq4XaAAJ'], // 0035e → 0 (A); 00000 → 0 (A); Bq4Xa → B(1)+X(8)=9 (J)
    ['001000000000001', '001000000000001AAA'],
    ['001AAAAAAAAAAAA', '001AAAAAAAAAAAAY55'], // 001AA → 8+16=24 (Y); AAAAA → 31 (5); AAAAA → 31 (5)
    ['a0B5e00000ZZZzz', 'a0B5e00000ZZZzzEAH'], // a0B5e → 4 (E); 00000 → A; ZZZzz → 1+2+4=7 (H)
  ])('%s → %s', (id15, id18) => {
    expect(toId18(id15)).toBe(id18);
    expect(toId18(id18)).toBe(id18);
  });

  it.each(['003', '0035e00000Bq4Xa!', '0035e00000Bq4XaAAA', '0035e00000Bq4Xaaaj', ''])('%s is not an id', (id) => {
    expect(toId18(id)).toBeNull();
  });
});

describe('parseSalesforceUrl', () => {
  const contact18 = toId18('0035e00000Bq4Xa')!;
  const account18 = toId18('0015e00000AbCdE')!;
  const opportunity18 = toId18('0065e00000XyZ12')!;
  const case18 = toId18('5005e00000Qw3rT')!;
  const lead18 = toId18('00Q5e00000LeAd1')!;
  it.each([
    [`https://acme.lightning.force.com/lightning/r/Contact/${contact18}/view`, 'contact', 'acme.my.salesforce.com', contact18],
    ['https://acme.lightning.force.com/lightning/r/Contact/0035e00000Bq4Xa/view', 'contact', 'acme.my.salesforce.com', contact18],
    [`https://acme.lightning.force.com/lightning/r/Contact/${contact18}/view?ws=%2Flightning%2Fr%2FCase`, 'contact', 'acme.my.salesforce.com', contact18],
    [`https://acme.lightning.force.com/lightning/r/Account/${account18}/view`, 'account', 'acme.my.salesforce.com', account18],
    [`https://acme.lightning.force.com/lightning/r/Account/${account18}/related/Contacts/view`, 'account', 'acme.my.salesforce.com', account18],
    [`https://acme.lightning.force.com/lightning/r/Opportunity/${opportunity18}/view/`, 'opportunity', 'acme.my.salesforce.com', opportunity18],
    [`https://acme.lightning.force.com/lightning/r/Case/${case18}/view#top`, 'case', 'acme.my.salesforce.com', case18],
    [`https://acme.lightning.force.com/lightning/r/Lead/${lead18}/view`, 'lead', 'acme.my.salesforce.com', lead18],
    [`https://acme.lightning.force.com/lightning/r/${contact18}/view`, 'contact', 'acme.my.salesforce.com', contact18],
    [`https://acme--uat.sandbox.lightning.force.com/lightning/r/Contact/${contact18}/view`, 'contact', 'acme--uat.sandbox.my.salesforce.com', contact18],
    [`https://acme-dev-ed.develop.lightning.force.com/lightning/r/Case/${case18}/view`, 'case', 'acme-dev-ed.develop.my.salesforce.com', case18],
    [`https://ACME.lightning.force.com/lightning/r/Contact/${contact18}/view`, 'contact', 'acme.my.salesforce.com', contact18],
    ['https://acme.my.salesforce.com/0035e00000Bq4Xa', 'contact', 'acme.my.salesforce.com', contact18],
    [`https://acme.my.salesforce.com/${account18}`, 'account', 'acme.my.salesforce.com', account18],
    ['https://acme.my.salesforce.com/5005e00000Qw3rT?srPos=0&srKp=500', 'case', 'acme.my.salesforce.com', case18],
    ['https://acme--uat.sandbox.my.salesforce.com/00Q5e00000LeAd1', 'lead', 'acme--uat.sandbox.my.salesforce.com', lead18],
  ])('%s → %s', (url, objectType, instance, id) => {
    expect(parseSalesforceUrl(url)).toEqual({ crm: 'salesforce', instance, objectType, id });
  });

  it.each([
    'https://acme.lightning.force.com/lightning/o/Contact/list',
    'https://acme.lightning.force.com/lightning/page/home',
    `https://acme.lightning.force.com/lightning/r/Contact/${account18}/view`, // id prefix is an Account
    `https://acme.lightning.force.com/lightning/r/Task/00T5e00000TaSk1AAA/view`,
    `https://acme.lightning.force.com/lightning/r/CustomObject__c/${contact18}/view`,
    'https://acme.lightning.force.com/lightning/r/Contact/0035e00000Bq4XaAAA/view', // wrong checksum
    'https://acme.my.salesforce.com/00T5e00000TaSk1', // Task: not a record we show
    'https://acme.my.salesforce.com/home/home.jsp',
    'https://acme.my.salesforce.com/',
    'https://login.salesforce.com/0035e00000Bq4Xa',
    'https://acme.lightning.force.com.evil.com/lightning/r/Contact/0035e00000Bq4Xa/view',
    'https://evil.com/lightning/r/Contact/0035e00000Bq4Xa/view',
    'http://acme.lightning.force.com/lightning/r/Contact/0035e00000Bq4Xa/view',
    'nonsense',
  ])('%s → null', (url) => {
    expect(parseSalesforceUrl(url)).toBeNull();
  });
});

describe('parseRecordUrl / isCrmPageUrl', () => {
  it('routes to the right CRM', () => {
    expect(parseRecordUrl('https://app.hubspot.com/contacts/1/record/0-1/2')?.crm).toBe('hubspot');
    expect(parseRecordUrl('https://acme.my.salesforce.com/0035e00000Bq4Xa')?.crm).toBe('salesforce');
    expect(parseRecordUrl('https://example.com/')).toBeNull();
  });

  it.each([
    ['https://app.hubspot.com/reports-dashboard/1', true],
    ['https://acme.lightning.force.com/lightning/page/home', true],
    ['https://acme.my.salesforce.com/home/home.jsp', true],
    ['https://example.com/', false],
    ['chrome-extension://abc/panel.html', false],
  ])('%s is a CRM page: %s', (url, expected) => {
    expect(isCrmPageUrl(url)).toBe(expected);
  });
});
