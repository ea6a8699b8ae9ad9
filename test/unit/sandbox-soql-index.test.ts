import { describe, expect, it } from 'vitest';
import { SALESFORCE_FIXTURES as SF } from '../../sandbox/salesforce/fixtures';
import { objectDef } from '../../sandbox/salesforce/schema';
import { seed } from '../../sandbox/salesforce/seed';
import { runQuery } from '../../sandbox/salesforce/soql';
import { Store } from '../../sandbox/salesforce/store';

// The sandbox org reads a query's rows through its lookup indexes where the WHERE allows (an AND chain with
// `Lookup = id`, `Lookup IN (…)` or a semi-join). The answer must be the one a scan of the whole table gives: each
// query is compared with the same query whose WHERE is widened by `OR Id = null` (true of no row), which no index
// narrows.

const store = new Store();
seed(store);
const NOW = Date.now();
const run = (soql: string) => runQuery(soql, store, '62.0', NOW);

const firstContact = [...store.rows(objectDef('Contact')!)].find((row) => row.AccountId === SF.sampleAccountId && row.Id !== SF.sampleContactId)!;
const taskAccount = String([...store.rows(objectDef('Task')!)].find((row) => typeof row.AccountId === 'string')!.AccountId);
const accountOwner = String(store.get(objectDef('Account')!, SF.sampleAccountId)!.OwnerId);

describe('the sandbox org answers indexed queries as a scan would', () => {
  it.each([
    ['SELECT Id, Subject FROM Task', `AccountId = '${taskAccount}' AND (IsClosed = false OR Subject LIKE 'Loyalty Lens%')`, 'ORDER BY CreatedDate DESC LIMIT 500'],
    [
      'SELECT Id, NumberValue, Invitation.ContactId FROM SurveyQuestionResponse',
      `InvitationId IN (SELECT Id FROM SurveyInvitation WHERE Contact.AccountId = '${SF.sampleAccountId}') AND Question.QuestionType IN ('NPS', 'FreeText')`,
      'ORDER BY Response.CompletionDateTime DESC',
    ],
    ['SELECT Id, NumberValue FROM SurveyQuestionResponse', `InvitationId IN (SELECT Id FROM SurveyInvitation WHERE ContactId IN ('${String(firstContact.Id)}', '${SF.sampleContactId}'))`, ''],
    ['SELECT Id, Name FROM Contact', `AccountId = '${SF.bigAccountId}'`, 'ORDER BY Name LIMIT 201'],
    ['SELECT Id, Name FROM Contact', `Id IN ('${SF.sampleContactId}', '${String(firstContact.Id)}')`, ''],
    ['SELECT Id FROM Contact', `Account.OwnerId = '${accountOwner}'`, ''],
    ['SELECT Title t, COUNT(Id) n FROM Contact', `AccountId = '${SF.bigAccountId}'`, 'GROUP BY Title'],
    ['SELECT Id, (SELECT Id FROM Cases WHERE IsClosed = false), (SELECT Id FROM Contacts ORDER BY Name LIMIT 3) FROM Account', `Id = '${SF.sampleAccountId}'`, ''],
  ])('%s WHERE %s %s', (select, where, tail) => {
    const indexed = run(`${select} WHERE ${where} ${tail}`);
    expect(indexed.totalSize).toBeGreaterThan(0);
    expect(indexed).toEqual(run(`${select} WHERE (${where}) OR Id = null ${tail}`));
  });

  it('follows a change: a row moved to another account is found under its new account only', () => {
    const soql = `SELECT Id FROM Contact WHERE AccountId = '${SF.bigAccountId}'`;
    const before = run(soql).totalSize;
    store.update(firstContact, { AccountId: SF.bigAccountId });
    expect(run(soql).totalSize).toBe(before + 1);
    expect(run(`SELECT Id FROM Contact WHERE AccountId = '${SF.sampleAccountId}'`).records.map((r) => r.Id)).not.toContain(firstContact.Id);
    expect(run(soql)).toEqual(run(`${soql} OR Id = null`));
  });
});
