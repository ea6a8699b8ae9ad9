import { describe, expect, it } from 'vitest';
import { caseTitle } from '../../integrations/salesforce/follow-ups';

describe('a Case as people read it', () => {
  it.each([
    // The panel's own Cases end with the answer's id in brackets (the exactly-once marker): people never see it.
    [{ Id: '500A', CaseNumber: '00001629', Subject: 'NPS 1 follow-up [0KdHn00001Iw3SkKAJ]' }, '00001629 · NPS 1 follow-up'],
    [{ Id: '500A', CaseNumber: '00001630', Subject: 'Invoices wrong [again] twice' }, '00001630 · Invoices wrong [again] twice'],
    [{ Id: '500A', CaseNumber: '00001631', Subject: 'Printer [broken]' }, '00001631 · Printer [broken]'],
    [{ Id: '500A', CaseNumber: '00001632', Subject: null }, '00001632'],
    [{ Id: '500A', CaseNumber: '00001633', Subject: '[0KdHn00001Iw3SkKAJ]' }, '00001633'],
    [{ Id: '500Hn00001', CaseNumber: null, Subject: 'No number yet' }, '500Hn00001 · No number yet'],
  ])('%o reads %s', (row, title) => {
    expect(caseTitle(row)).toBe(title);
  });
});
