// Loop owners for the worklist ("My open loops"), added after the rest of portal 40001 is seeded so no earlier record
// changes: Nora Quist with a handful of loops a person can read at a glance (some overdue), Victor Hale with 500
// open loops across 300 companies, and Elena Vos with none. Everything here is fixed, not drawn at random.
import type { Owner, PortalStore } from './store';

/** What this file needs of the portal's seeder (sandbox/hubspot/seed.ts), which calls it. */
export interface LoopSeeder {
  readonly store: PortalStore;
  company(name?: string): string;
  contact(companyId: string | null, id?: string, overrides?: Record<string, string | null>): string;
  feedback(contactId: string, spec: { kind: 'NPS'; value: string; at: number; comment: string | null; ticketId?: string }): string;
  deal(companyId: string, contactIds: string[], open: boolean, id?: string, amount?: number): string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The support pipeline ("0"): what follow-ups use with default settings. Stages 1–3 are open. */
const PIPELINE = '0';
/** Its closed stage. */
const CLOSED_STAGE = '4';

export const LOOP_OWNERS = {
  /** Customer Success; the worklist's example person. */
  nora: { id: '70007', firstName: 'Nora', lastName: 'Quist', email: 'nora.quist@loyalty-lens-sandbox.example' },
  /** Owns 500 open loops across 300 companies (the worklist's scale case). */
  victor: { id: '70008', firstName: 'Victor', lastName: 'Hale', email: 'victor.hale@loyalty-lens-sandbox.example' },
  /** Joined recently: owns no loops ("every loop is closed"). */
  elena: { id: '70009', firstName: 'Elena', lastName: 'Vos', email: 'elena.vos@loyalty-lens-sandbox.example' },
} as const;

function owner(person: (typeof LOOP_OWNERS)[keyof typeof LOOP_OWNERS], createdAt: string): Owner {
  return {
    id: person.id,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    userId: 9_000_000 + Number(person.id),
    teams: [{ id: '501', name: 'Customer Success', primary: true }],
    createdAt,
    updatedAt: createdAt,
  };
}

export function seedLoopOwners(s: LoopSeeder, now: number): void {
  const iso = (ms: number) => new Date(ms).toISOString();
  s.store.owners.push(owner(LOOP_OWNERS.nora, iso(now - 400 * DAY)), owner(LOOP_OWNERS.victor, iso(now - 400 * DAY)), owner(LOOP_OWNERS.elena, iso(now - 20 * DAY)));
  const nora = LOOP_OWNERS.nora.id;
  const setOwner = (type: 'companies' | 'contacts' | 'tickets', id: string, ownerId: string) => {
    s.store.get(type, id)!.properties.hubspot_owner_id = ownerId;
  };
  const ticket = (companyId: string, contactId: string, subject: string, stage: string, createdAt: number, ownerId: string, comment: string | null) => {
    const record = s.store.insert(
      'tickets',
      {
        subject,
        content: comment ?? '',
        hs_pipeline: PIPELINE,
        hs_pipeline_stage: stage,
        hs_ticket_priority: 'HIGH',
        hs_ticket_category: 'GENERAL_INQUIRY',
        closed_date: null,
        hubspot_owner_id: ownerId,
      },
      iso(createdAt),
    );
    s.store.associateFresh('tickets', record.id, 'companies', companyId, true);
    s.store.associateFresh('tickets', record.id, 'contacts', contactId);
    return record.id;
  };
  const task = (contactId: string, subject: string, dueAt: number, createdAt: number, ownerId: string) => {
    const record = s.store.insert(
      'tasks',
      {
        hs_timestamp: iso(dueAt),
        hs_task_subject: subject,
        hs_task_body: 'Follow up after the last survey response.',
        hs_task_status: 'NOT_STARTED',
        hs_task_priority: 'MEDIUM',
        hs_task_type: 'CALL',
        hubspot_owner_id: ownerId,
        loyalty_lens_key: null,
      },
      iso(createdAt),
    );
    s.store.associateFresh('tasks', record.id, 'contacts', contactId);
    return record.id;
  };
  const nps = (contactId: string, value: number, at: number, comment: string | null, ticketId?: string) =>
    s.feedback(contactId, { kind: 'NPS', value: String(value), at, comment, ...(ticketId ? { ticketId } : {}) });

  // Nora: two companies, one owned by a colleague (the relationship owner a reassignment suggests).
  const fjord = s.company('Fjord Analytics');
  setOwner('companies', fjord, '70001');
  s.deal(fjord, [], true, undefined, 250_000);
  const birchwood = s.company('Birchwood Dental');
  setOwner('companies', birchwood, nora);
  s.deal(birchwood, [], true, undefined, 40_000);
  const person = (companyId: string, firstname: string, lastname: string) => {
    const id = s.contact(companyId, undefined, { firstname, lastname, email: `${firstname}.${lastname}@example.com`.toLowerCase() });
    setOwner('contacts', id, nora);
    return id;
  };
  const olga = person(fjord, 'Olga', 'Petrova');
  const ben = person(birchwood, 'Ben', 'Carter');
  const hana = person(fjord, 'Hana', 'Sato');
  const luis = person(birchwood, 'Luis', 'Ortega');

  const olgaAt = now - 3 * DAY;
  const olgaTicket = ticket(fjord, olga, 'NPS 2 from Olga Petrova: follow up', '1', olgaAt + HOUR, nora, null);
  nps(olga, 2, olgaAt, 'Support took a week to answer.\nWe are looking at alternatives.', olgaTicket);
  const luisAt = now - 2 * DAY;
  const luisTicket = ticket(birchwood, luis, 'NPS 0 from Luis Ortega: follow up', '2', luisAt + HOUR, nora, null);
  nps(luis, 0, luisAt, 'The new scheduler lost our appointments.', luisTicket);
  const benAt = now - DAY;
  const benTicket = ticket(birchwood, ben, 'NPS 5 from Ben Carter: follow up', '1', benAt + HOUR, nora, null);
  nps(ben, 5, benAt, 'Fine, but invoices arrive late.', benTicket);
  nps(hana, 8, now - 4 * DAY, 'Good product; the roadmap is unclear.');
  task(hana, 'Thank Hana and share the roadmap', Date.UTC(2027, 2, 1, 9), now - 4 * DAY, nora);

  // Victor: 300 companies; the first 200 have two contacts, each loop on its own contact (300 tickets, 200 tasks).
  const victor = LOOP_OWNERS.victor.id;
  for (let i = 0; i < 300; i++) {
    const companyId = s.company(`Hale Account ${String(i + 1).padStart(3, '0')}`);
    setOwner('companies', companyId, victor);
    if (i % 3 === 0) s.deal(companyId, [], true, undefined, 10_000 + (i % 50) * 5_000);
    const first = s.contact(companyId);
    const answeredAt = now - (1 + (i % 20)) * DAY - (i % 24) * HOUR;
    const score = i % 11;
    const ticketId = ticket(companyId, first, `NPS ${score} follow-up`, ['1', '2', '3'][i % 3]!, answeredAt + HOUR, victor, null);
    nps(first, score, answeredAt, i % 2 === 0 ? 'Comment from the bulk seed.' : null, ticketId);
    if (i < 200) {
      const second = s.contact(companyId);
      nps(second, (i * 7) % 11, answeredAt - DAY, null);
      task(second, 'Call back about the survey', now + ((i % 40) - 20) * DAY, answeredAt, victor);
    }
  }

  // Loops Nora closed (the loop's numbers): 3, 20, 60 and 120 days before the seed, each two days after it was opened,
  // with the timing their outcomes recorded: hours from the answer to the first contact, closed within the SLA or late,
  // and the loop steps. Added last, so nothing seeded before changes.
  const closedLoops = [
    [3, fjord, olga, { hours: 4.5, sla: 'within', steps: 'reached;resolved;thanked' }],
    [20, birchwood, ben, { hours: 30, sla: 'late', steps: 'reached' }],
    [60, birchwood, luis, { hours: 12, sla: 'within', steps: 'reached;thanked' }],
    [120, fjord, hana, { hours: 2, sla: 'within', steps: 'thanked' }],
  ] as const;
  for (const [daysAgo, companyId, contactId, loop] of closedLoops) {
    const id = ticket(companyId, contactId, 'NPS follow-up, closed', CLOSED_STAGE, now - (daysAgo + 2) * DAY, nora, null);
    Object.assign(s.store.get('tickets', id)!.properties, {
      closed_date: iso(now - daysAgo * DAY),
      loyalty_lens_first_contact_at: iso(now - (daysAgo + 2) * DAY + loop.hours * HOUR),
      loyalty_lens_first_contact_hours: String(loop.hours),
      loyalty_lens_sla: loop.sla,
      loyalty_lens_loop_steps: loop.steps,
    });
  }
  // One closed 10 days before the seed by an outcome written before the timing fields existed: "not recorded".
  const before = ticket(birchwood, ben, 'NPS follow-up, closed before the loop fields', CLOSED_STAGE, now - 12 * DAY, nora, null);
  s.store.get('tickets', before)!.properties.closed_date = iso(now - 10 * DAY);
}

/**
 * Recovery (the loop's numbers): the answers Nora's closed loops followed up and what their customers answered next,
 * and a teammate's loop whose customer has not answered again. Seeded after everything else in the portal, so no
 * earlier record changes; each answer here is older than the customer's latest, so the list's scores stay.
 *   Olga's loop (opened 5 days before the seed): 4, next her 2 of 3 days before        → not recovered
 *   Ben's loop opened 22 days before: 3, next his 8 of 12 days before                  → recovered
 *   Ben's loop opened 12 days before follows up that 8                                 → not a detractor loop
 *   Luis's loop opened 62 days before: 1, next his 0 of 2 days before                  → not recovered
 *   Pia Berg's loop, Elena's (opened 9 days before, closed 7): 2, nothing since        → not answered again
 */
export function seedLoopRecovery(s: LoopSeeder, now: number): void {
  const iso = (ms: number) => new Date(ms).toISOString();
  const named = (firstname: string, lastname: string) =>
    [...s.store.table('contacts').values()].find((c) => c.properties.firstname === firstname && c.properties.lastname === lastname && c.properties.hubspot_owner_id === LOOP_OWNERS.nora.id)!.id;
  const nps = (contactId: string, value: number, at: number) => s.feedback(contactId, { kind: 'NPS', value: String(value), at, comment: null });
  nps(named('Olga', 'Petrova'), 4, now - 5 * DAY - 2 * HOUR);
  const ben = named('Ben', 'Carter');
  nps(ben, 3, now - 22 * DAY - 3 * HOUR);
  nps(ben, 8, now - 12 * DAY - 5 * HOUR);
  nps(named('Luis', 'Ortega'), 1, now - 62 * DAY - 4 * HOUR);
  const pia = s.contact(null, undefined, { firstname: 'Pia', lastname: 'Berg', email: 'pia.berg@example.com', hubspot_owner_id: LOOP_OWNERS.elena.id });
  nps(pia, 2, now - 9 * DAY);
  const ticket = s.store.insert(
    'tickets',
    {
      subject: 'NPS 2 from Pia Berg: follow up', content: '', hs_pipeline: PIPELINE, hs_pipeline_stage: CLOSED_STAGE, hs_ticket_priority: 'HIGH',
      hs_ticket_category: 'GENERAL_INQUIRY', closed_date: iso(now - 7 * DAY), hubspot_owner_id: LOOP_OWNERS.elena.id,
    },
    iso(now - 9 * DAY + HOUR),
  );
  s.store.associateFresh('tickets', ticket.id, 'contacts', pia);
}
