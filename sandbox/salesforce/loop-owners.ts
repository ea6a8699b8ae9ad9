// Loop owners for the worklist ("My open loops"), added after the rest of the org is seeded so no earlier record
// changes. The signed-in user (Avery Admin, who owned nothing before) gets a handful of loops a person can read at a
// glance, some overdue; a new user, Victor Hale, owns 500 open loops across 300 accounts (sign in as him through
// POST /__sandbox/salesforce/sign-in-user). Fixed values, not drawn at random.
import { sfDateTime, type Row, type Value } from './store';

const DAY = 86_400_000;
const HOUR = 3_600_000;

type Fields = Record<string, Value | undefined>;

export interface LoopSeedTools {
  now: number;
  admin: Row;
  add(name: string, fields: Fields, createdMs?: number): Row;
  addAccount(name: string, extra?: Fields): Row;
  addContact(accountId: string | null, fields?: Fields): Row;
  addCase(accountId: string | null, contactId: string | null, whenMs: number, fields?: Fields): Row;
  respond(spec: { kind: 'nps'; whenMs: number; score: number; comment: string | null; contactId: string; subjectId: string | null }): Row;
  sfDate(ms: number): string;
}

export const LOOP_USERNAMES = { victor: 'victor.hale@acme.example' } as const;

export function seedLoopOwners(t: LoopSeedTools): { victorId: string; greta: Row; marco: Row } {
  const { now, admin } = t;
  const me = admin.Id as string;
  const victor = t.add('User', {
    FirstName: 'Victor', LastName: 'Hale', Name: 'Victor Hale', Title: 'Account Manager', IsActive: true,
    Username: LOOP_USERNAMES.victor, Email: 'victor@acme.example', CreatedById: me, LastModifiedById: me,
  });
  const victorId = victor.Id as string;
  const owned = (ownerId: string, fields: Fields): Fields => ({ OwnerId: ownerId, CreatedById: me, LastModifiedById: me, ...fields });
  const task = (ownerId: string, contact: Row, subject: string, dueMs: number, createdMs: number) =>
    t.add('Task', owned(ownerId, {
      Subject: subject, Description: null, Status: 'Not Started', Priority: 'Normal', ActivityDate: t.sfDate(dueMs), TaskSubtype: 'Call',
      IsClosed: false, WhoId: contact.Id, WhatId: contact.AccountId, AccountId: contact.AccountId, Loyalty_Lens_Key__c: null,
    }), createdMs);
  const opportunity = (account: Row, amount: number) =>
    t.add('Opportunity', owned(account.OwnerId as string, {
      Name: `${account.Name as string} - Expansion`, AccountId: account.Id, Amount: amount, StageName: 'Proposal/Price Quote',
      CloseDate: t.sfDate(now + 60 * DAY), Probability: 50, IsClosed: false, IsWon: false,
    }), now - 30 * DAY);
  const followUpCase = (account: Row, contact: Row, ownerId: string, score: number, answeredAt: number, comment: string | null, status: string) => {
    const response = t.respond({ kind: 'nps', whenMs: answeredAt, score, comment, contactId: contact.Id as string, subjectId: account.Id as string });
    const row = t.addCase(account.Id as string, contact.Id as string, answeredAt + HOUR, {
      Subject: `NPS ${score} follow-up [${response.Id as string}]`, Status: status, Priority: score <= 3 ? 'High' : 'Medium', Origin: 'Web',
      Type: 'Detractor Follow-up', Reason: 'Feedback', Description: comment,
    });
    row.OwnerId = ownerId;
    return row;
  };

  // The signed-in user: one account owned by a colleague (the relationship owner a reassignment suggests).
  const nordlicht = t.addAccount('Nordlicht Logistics', { AnnualRevenue: 3_200_000, NumberOfEmployees: 800, Industry: 'Manufacturing' });
  opportunity(nordlicht, 120_000);
  const person = (first: string, last: string) =>
    t.addContact(nordlicht.Id as string, { FirstName: first, LastName: last, Email: `${first}.${last}@nordlicht.example`.toLowerCase(), OwnerId: me });
  const greta = person('Greta', 'Lind');
  const marco = person('Marco', 'Bianchi');
  const ines = person('Ines', 'Duarte');
  followUpCase(nordlicht, greta, me, 1, now - 4 * DAY, 'Deliveries were late every week in October.', 'New');
  followUpCase(nordlicht, marco, me, 6, now - 2 * DAY, 'The tracking page is confusing.', 'Working');
  t.respond({ kind: 'nps', whenMs: now - 3 * DAY, score: 9, comment: 'Great team, happy to be a reference.', contactId: ines.Id as string, subjectId: nordlicht.Id as string });
  task(me, ines, 'Invite Ines to the reference programme', Date.UTC(2027, 1, 15), now - 3 * DAY);

  // Victor: 300 accounts; the first 200 have a second contact with an open task (300 Cases, 200 tasks).
  for (let i = 0; i < 300; i++) {
    const account = t.addAccount(`Hale Account ${String(i + 1).padStart(3, '0')}`, { AnnualRevenue: 1_000_000 + i * 10_000 });
    account.OwnerId = victorId;
    if (i % 3 === 0) opportunity(account, 10_000 + (i % 50) * 5_000);
    const first = t.addContact(account.Id as string, { OwnerId: victorId });
    const answeredAt = now - (1 + (i % 20)) * DAY - (i % 24) * HOUR;
    followUpCase(account, first, victorId, i % 11, answeredAt, i % 2 === 0 ? 'Comment from the bulk seed.' : null, ['New', 'Working', 'Escalated'][i % 3]!);
    if (i < 200) {
      const second = t.addContact(account.Id as string, { OwnerId: victorId });
      t.respond({ kind: 'nps', whenMs: answeredAt - DAY, score: (i * 7) % 11, comment: null, contactId: second.Id as string, subjectId: account.Id as string });
      task(victorId, second, 'Call back about the survey', now + ((i % 40) - 20) * DAY, answeredAt);
    }
  }

  // Loops the signed-in user closed (the loop's numbers): 8, 48 and 118 days before the seed's end, each two days
  // after it was opened, with the timing their outcomes recorded; and one closed 18 days before by an outcome written
  // before the timing fields existed ("not recorded"). Added last, so nothing seeded before changes.
  const closedLoops = [
    [8, greta, { hours: 20, sla: 'within', steps: 'reached;thanked' }],
    [48, marco, { hours: 50, sla: 'late', steps: 'reached' }],
    [118, ines, { hours: 3, sla: 'within', steps: 'thanked' }],
    [18, marco, null],
  ] as const;
  for (const [daysAgo, contact, loop] of closedLoops) {
    const opened = now - (daysAgo + 2) * DAY;
    const row = t.addCase(nordlicht.Id as string, contact.Id as string, opened, {
      Subject: 'NPS follow-up, closed', Status: 'Closed', Priority: 'Medium', Origin: 'Web', Type: 'Detractor Follow-up', Reason: 'Feedback',
      ClosedDate: sfDateTime(now - daysAgo * DAY),
      ...(loop
        ? {
            Loyalty_Lens_First_Contact__c: sfDateTime(opened + loop.hours * HOUR),
            Loyalty_Lens_First_Contact_Hours__c: loop.hours,
            Loyalty_Lens_SLA__c: loop.sla,
            Loyalty_Lens_Loop_Steps__c: loop.steps,
          }
        : {}),
    });
    row.OwnerId = me;
  }
  return { victorId, greta, marco };
}

/**
 * Recovery (the loop's numbers): the answers the signed-in user's closed loops followed up and what their customers
 * answered next, and a teammate's loop whose customer has not answered again. Seeded after everything else, so no
 * earlier record changes; each answer here is older than the customer's latest, so the lists' scores stay.
 *   Greta's loop (opened 10 days before the seed's end): 2, next her 1 four days before  → not recovered
 *   Marco's loop opened 50 days before: 3, next his 9 of 20 days before                 → recovered
 *   Marco's loop opened 20 days before follows up that 9                                → not a detractor loop
 *   Jonas Weber's loop, Victor's (opened 15 days before, closed 13): 4, nothing since   → not answered again
 */
export function seedLoopRecovery(t: LoopSeedTools, people: { victorId: string; greta: Row; marco: Row }): void {
  const { now } = t;
  const nps = (contact: Row, score: number, whenMs: number) =>
    t.respond({ kind: 'nps', whenMs, score, comment: null, contactId: contact.Id as string, subjectId: (contact.AccountId as string | null) ?? null });
  nps(people.greta, 2, now - 10 * DAY - 2 * HOUR);
  nps(people.marco, 3, now - 50 * DAY - 2 * HOUR);
  nps(people.marco, 9, now - 20 * DAY - 3 * HOUR);
  const jonas = t.addContact(null, { FirstName: 'Jonas', LastName: 'Weber', Email: 'jonas.weber@example.com', OwnerId: people.victorId });
  nps(jonas, 4, now - 15 * DAY);
  const row = t.addCase(null, jonas.Id as string, now - 15 * DAY + HOUR, {
    Subject: 'NPS 4 follow-up, closed', Status: 'Closed', Priority: 'Medium', Origin: 'Web', Type: 'Detractor Follow-up', Reason: 'Feedback',
    ClosedDate: sfDateTime(now - 13 * DAY),
  });
  row.OwnerId = people.victorId;
}
