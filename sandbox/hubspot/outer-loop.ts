// The outer loop's example (Insights): Iris Lund owns a company whose people answered in August–October 2026 and
// whose follow-up tickets carry root causes and loop steps — small enough to count by hand (the conformance suite
// holds the table). Added after everything else in portal 40001, so no earlier record changes. Fixed values.
import type { LoopSeeder } from './loop-owners';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const OUTER_LOOP_OWNER = { id: '70010', firstName: 'Iris', lastName: 'Lund', email: 'iris.lund@loyalty-lens-sandbox.example' } as const;

export function seedOuterLoop(s: LoopSeeder, now: number): void {
  const iso = (ms: number) => new Date(ms).toISOString();
  const iris = OUTER_LOOP_OWNER.id;
  s.store.owners.push({
    id: iris, email: OUTER_LOOP_OWNER.email, firstName: OUTER_LOOP_OWNER.firstName, lastName: OUTER_LOOP_OWNER.lastName,
    userId: 9_000_000 + Number(iris), teams: [{ id: '501', name: 'Customer Success', primary: true }], createdAt: iso(now - 300 * DAY), updatedAt: iso(now - 300 * DAY),
  });
  const larkspur = s.company('Larkspur Freight');
  s.store.get('companies', larkspur)!.properties.hubspot_owner_id = iris;
  const person = (firstname: string, lastname: string) => {
    const id = s.contact(larkspur, undefined, { firstname, lastname, email: `${firstname}.${lastname}@example.org`.toLowerCase() });
    s.store.get('contacts', id)!.properties.hubspot_owner_id = iris;
    return id;
  };
  const at = (month: number, day: number) => Date.UTC(2026, month - 1, day, 10);
  const answer = (contactId: string, value: number, when: number) => s.feedback(contactId, { kind: 'NPS', value: String(value), at: when, comment: null });
  const followUp = (contactId: string, subject: string, opened: number, causes: string, steps: string, closed: number | null) => {
    const record = s.store.insert(
      'tickets',
      {
        subject, content: '', hs_pipeline: '0', hs_pipeline_stage: closed ? '4' : '1', hs_ticket_priority: 'HIGH', hs_ticket_category: 'GENERAL_INQUIRY',
        closed_date: closed ? iso(closed) : null, hubspot_owner_id: iris, loyalty_lens_root_causes: causes || null, loyalty_lens_loop_steps: steps || null,
      },
      iso(opened),
    );
    s.store.associateFresh('tickets', record.id, 'companies', larkspur, true);
    s.store.associateFresh('tickets', record.id, 'contacts', contactId);
  };
  const ada = person('Ada', 'Brandt');
  const bo = person('Bo', 'Lindqvist');
  const cyd = person('Cyd', 'Moreau');
  const dev = person('Dev', 'Patel');
  const eve = person('Eve', 'Nakamura');
  const fox = person('Fox', 'Adeyemi');
  answer(ada, 9, at(8, 10));
  answer(bo, 3, at(8, 20));
  answer(cyd, 10, at(7, 5));
  answer(cyd, 6, at(9, 3));
  answer(dev, 8, at(9, 15));
  answer(eve, 10, at(10, 2));
  answer(fox, 2, at(10, 20));
  followUp(bo, 'NPS 3 from Bo Lindqvist: follow up', at(8, 21), 'Billing;Communication', 'reached;resolved;thanked', at(8, 21) + 48 * HOUR);
  followUp(cyd, 'NPS 6 from Cyd Moreau: follow up', at(9, 4), 'Billing', 'reached', null);
  followUp(fox, 'NPS 2 from Fox Adeyemi: follow up', at(10, 21), 'Onboarding', '', null);
  followUp(dev, 'NPS 8 from Dev Patel: follow up', at(9, 16), 'Product quality;Billing', 'reached;resolved', at(9, 16) + 24 * HOUR);
  // Before the period: not counted in August–October.
  followUp(ada, 'NPS 9 from Ada Brandt: thank you', at(7, 30), 'Billing', 'reached', at(7, 30) + DAY);
}
