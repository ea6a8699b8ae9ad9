// The outer loop's example (Insights): Iris Lund owns two accounts whose people answered in August–October 2026 and
// whose follow-up Cases carry root causes and loop steps — small enough to count by hand (test/unit/insights-*.test.ts
// and the conformance suite hold the table). Each Case's Reason is its first cause as an admin would map it (Billing →
// Other, Onboarding → Installation, Product quality → Equipment Design), for counting by Reason. Added after everything else in the org, so no earlier record changes.
import { sfDateTime, type Row } from './store';
import type { LoopSeedTools } from './loop-owners';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const OUTER_LOOP_USERNAME = 'iris.lund@acme.example';

export function seedOuterLoop(t: LoopSeedTools): { irisId: string } {
  const me = t.admin.Id as string;
  const iris = t.add('User', {
    FirstName: 'Iris', LastName: 'Lund', Name: 'Iris Lund', Title: 'Customer Success Manager', IsActive: true,
    Username: OUTER_LOOP_USERNAME, Email: 'iris@acme.example', CreatedById: me, LastModifiedById: me,
  });
  const irisId = iris.Id as string;
  const account = (name: string, revenue: number, pipeline: number) => {
    const row = t.addAccount(name, { AnnualRevenue: revenue });
    row.OwnerId = irisId;
    t.add('Opportunity', {
      OwnerId: irisId, CreatedById: me, LastModifiedById: me, Name: `${name} - Renewal`, AccountId: row.Id, Amount: pipeline,
      StageName: 'Negotiation/Review', CloseDate: t.sfDate(Date.UTC(2027, 0, 31)), Probability: 70, IsClosed: false, IsWon: false,
    }, Date.UTC(2026, 5, 1));
    return row;
  };
  const larkspur = account('Larkspur Freight', 2_000_000, 90_000);
  const quarry = account('Quarry Hill Foods', 500_000, 30_000);
  const person = (acct: Row, first: string, last: string) =>
    t.addContact(acct.Id as string, { FirstName: first, LastName: last, Name: `${first} ${last}`, Email: `${first}.${last}@example.org`.toLowerCase(), OwnerId: irisId });
  const answer = (contact: Row, score: number, whenMs: number) =>
    t.respond({ kind: 'nps', whenMs, score, comment: null, contactId: contact.Id as string, subjectId: contact.AccountId as string });
  const followUp = (acct: Row, contact: Row, score: number, response: Row, openedMs: number, causes: string, steps: string, closedMs: number | null, reason: string) => {
    const row = t.addCase(acct.Id as string, contact.Id as string, openedMs, {
      Subject: `NPS ${score} follow-up [${response.Id as string}]`, Status: closedMs ? 'Closed' : 'New', Priority: 'High', Origin: 'Web',
      Type: 'Detractor Follow-up', Reason: reason, Description: null, ClosedDate: closedMs ? sfDateTime(closedMs) : null,
      Loyalty_Lens_Root_Causes__c: causes || null, Loyalty_Lens_Loop_Steps__c: steps || null,
    });
    row.OwnerId = irisId;
    return row;
  };
  const at = (month: number, day: number) => Date.UTC(2026, month - 1, day, 10);
  const ada = person(larkspur, 'Ada', 'Brandt');
  const bo = person(larkspur, 'Bo', 'Lindqvist');
  const cyd = person(quarry, 'Cyd', 'Moreau');
  const dev = person(quarry, 'Dev', 'Patel');
  const eve = person(larkspur, 'Eve', 'Nakamura');
  const fox = person(larkspur, 'Fox', 'Adeyemi');
  const adaAnswer = answer(ada, 9, at(8, 10));
  const boAnswer = answer(bo, 3, at(8, 20));
  answer(cyd, 10, at(7, 5));
  const cydAnswer = answer(cyd, 6, at(9, 3));
  const devAnswer = answer(dev, 8, at(9, 15));
  answer(eve, 10, at(10, 2));
  const foxAnswer = answer(fox, 2, at(10, 20));
  followUp(larkspur, bo, 3, boAnswer, at(8, 21), 'Billing;Communication', 'reached;resolved;thanked', at(8, 21) + 48 * HOUR, 'Other');
  followUp(quarry, cyd, 6, cydAnswer, at(9, 4), 'Billing', 'reached', null, 'Other');
  followUp(larkspur, fox, 2, foxAnswer, at(10, 21), 'Onboarding', '', null, 'Installation');
  followUp(quarry, dev, 8, devAnswer, at(9, 16), 'Product quality;Billing', 'reached;resolved', at(9, 16) + 24 * HOUR, 'Equipment Design');
  // Before the period: not counted in August–October.
  followUp(larkspur, ada, 9, adaAnswer, at(7, 30), 'Billing', 'reached', at(7, 30) + DAY, 'Other');
  return { irisId };
}
