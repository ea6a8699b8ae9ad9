// The deterministic HubSpot world: two portals (40001 in na1, 40002 in eu1), their companies, contacts,
// three years of feedback submissions, deals, tickets, tasks, notes, owners and the hard cases.
import { seedOuterLoop } from './outer-loop';
import { SeededRandom } from '../random';
import {
  BIG_COMPANY_NAME,
  BUYING_ROLES,
  CES_COMMENTS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  CSAT_COMMENTS,
  DEAL_NAMES,
  DETRACTOR_COMMENTS,
  FIRST_NAMES,
  HARD_COMMENTS,
  HARD_COMMENT_LIST,
  INDUSTRIES,
  JOB_TITLES,
  LAST_NAMES,
  NOTE_SUBJECTS,
  PASSIVE_COMMENTS,
  PROMOTER_COMMENTS,
  SURVEY_CHANNELS,
  SURVEY_NAMES,
  TICKET_SUBJECTS,
} from '../text';
import { PortalStore, type HistoryEntry, type Owner, type PortalInfo } from './store';
import { seedLoopOwners, seedLoopRecovery } from './loop-owners';
import { ALL_SCOPES } from './model';

/** Everything in the seed happened before this instant. */
export const SEED_NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const SPAN = 3 * 365 * DAY;
const iso = (ms: number): string => new Date(ms).toISOString();

export const SUPPORT_PIPELINE_ID = '0';
export const FEEDBACK_PIPELINE_ID = '7001';

export const TICKET_PIPELINES = [
  {
    id: SUPPORT_PIPELINE_ID,
    label: 'Support Pipeline',
    stages: [
      { id: '1', label: 'New', state: 'OPEN' },
      { id: '2', label: 'Waiting on contact', state: 'OPEN' },
      { id: '3', label: 'Waiting on us', state: 'OPEN' },
      { id: '4', label: 'Closed', state: 'CLOSED' },
    ],
  },
  {
    id: FEEDBACK_PIPELINE_ID,
    label: 'Customer Feedback Follow-up',
    stages: [
      { id: '7002', label: 'Follow-up needed', state: 'OPEN' },
      { id: '7003', label: 'Customer contacted', state: 'OPEN' },
      { id: '7004', label: 'Resolved', state: 'CLOSED' },
    ],
  },
] as const;

export const DEAL_PIPELINE = {
  id: 'default',
  label: 'Sales Pipeline',
  stages: [
    { id: 'appointmentscheduled', label: 'Appointment Scheduled', probability: '0.2', closed: false },
    { id: 'qualifiedtobuy', label: 'Qualified To Buy', probability: '0.4', closed: false },
    { id: 'presentationscheduled', label: 'Presentation Scheduled', probability: '0.6', closed: false },
    { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', probability: '0.8', closed: false },
    { id: 'contractsent', label: 'Contract Sent', probability: '0.9', closed: false },
    { id: 'closedwon', label: 'Closed Won', probability: '1.0', closed: true },
    { id: 'closedlost', label: 'Closed Lost', probability: '0.0', closed: true },
  ],
} as const;

const OPEN_TICKET_STAGES = ['1', '2', '3'] as const;

/** Ids the tests and the demo rely on. Fixed, not derived from generation order. */
export const HUBSPOT_FIXTURES = {
  portals: { main: '40001', eu: '40002' },
  tokens: {
    main: 'pat-na1-sandbox-40001',
    eu: 'pat-eu1-sandbox-40002',
    /** Valid for 40001 but lacks crm.objects.feedback_submissions.read, crm.objects.contacts.write and tickets. */
    missingScopes: 'pat-na1-sandbox-40001-limited',
    /** Answers 401 INVALID_AUTHENTICATION. */
    revoked: 'pat-na1-sandbox-40001-revoked',
    /** Every scope but crm.schemas.tickets.write: reads and writes records, may not create properties. */
    noSchemaWrite: 'pat-na1-sandbox-40001-no-schema-write',
  },
  /** Portal 40001 unless named otherwise. */
  bigCompanyId: '101',
  bigCompanyName: BIG_COMPANY_NAME,
  bigCompanyContacts: 2500,
  companyId: '102',
  companyName: 'Acme Labs',
  /** In Acme Labs; ≥ 4 NPS responses incl. a detractor, a CSAT, a CES and an open ticket; AskNicely history. */
  sampleContactId: '111',
  contactWithoutCompanyId: '112',
  /** Scores as "9", "N/A", null, 11, -1 across feedback, AskNicely history and the custom object. */
  badScoresContactId: '113',
  /** A Northwind Global contact with a hard-case comment (HTML markup). */
  bigCompanyContactId: '114',
  /** Comments with emoji, Arabic, Hebrew, Russian and 10,000 characters. */
  hardCommentsContactId: '115',
  dealId: '121',
  ticketId: '131',
  closedTicketId: '132',
  euCompanyId: '50000102',
  euContactId: '50000111',
  ownerId: '70001',
  ticketPipelineId: SUPPORT_PIPELINE_ID,
  openStageId: '1',
  closedStageId: '4',
  feedbackPipelineId: FEEDBACK_PIPELINE_ID,
  customObjectTypeId: '2-9001',
} as const;

export const TOKENS: Record<string, { portalId: string; scopes: 'all' | readonly string[]; revoked?: boolean }> = {
  [HUBSPOT_FIXTURES.tokens.main]: { portalId: '40001', scopes: 'all' },
  [HUBSPOT_FIXTURES.tokens.eu]: { portalId: '40002', scopes: 'all' },
  [HUBSPOT_FIXTURES.tokens.missingScopes]: {
    portalId: '40001',
    scopes: ['crm.objects.contacts.read', 'crm.objects.companies.read', 'crm.objects.deals.read', 'crm.objects.owners.read'],
  },
  [HUBSPOT_FIXTURES.tokens.revoked]: { portalId: '40001', scopes: 'all', revoked: true },
  [HUBSPOT_FIXTURES.tokens.noSchemaWrite]: { portalId: '40001', scopes: ALL_SCOPES.filter((scope) => scope !== 'crm.schemas.tickets.write') },
};

type Kind = 'NPS' | 'CSAT' | 'CES';

interface ResponseSpec {
  kind: Kind;
  value: string | null;
  at: number;
  comment: string | null;
  ticketId?: string;
}

function slug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function npsGroup(value: number): 'PROMOTER' | 'PASSIVE' | 'DETRACTOR' {
  return value >= 9 ? 'PROMOTER' : value >= 7 ? 'PASSIVE' : 'DETRACTOR';
}

class PortalSeeder {
  readonly store: PortalStore;
  private companyIndex: number;
  private personIndex = 0;
  /** Contact id → its latest NPS response, for the contact's hs_feedback_last_* properties. */
  private readonly lastNps = new Map<string, ResponseSpec>();

  constructor(
    info: PortalInfo,
    idBase: number,
    private readonly rng: SeededRandom,
    companyIndexStart: number,
    ownerIdBase: number,
  ) {
    this.store = new PortalStore(info, idBase);
    this.companyIndex = companyIndexStart;
    this.store.owners = this.owners(ownerIdBase);
  }

  private owners(base: number): Owner[] {
    const people = [
      ['Maya', 'Lindgren', 'Account Management'],
      ['Tom', 'Becker', 'Account Management'],
      ['Aisha', 'Diallo', 'Customer Success'],
      ['Carlos', 'Mendes', 'Customer Success'],
      ['Ingrid', 'Holm', 'Support'],
      ['Raj', 'Patel', 'Sales'],
    ] as const;
    return people.map(([firstName, lastName, team], i) => ({
      id: String(base + i),
      email: `${slug(firstName)}.${slug(lastName)}@loyalty-lens-sandbox.example`,
      firstName,
      lastName,
      userId: 9_000_000 + base + i,
      teams: [{ id: String(500 + (['Account Management', 'Customer Success', 'Support', 'Sales'].indexOf(team))), name: team, primary: true }],
      createdAt: iso(SEED_NOW - SPAN - 30 * DAY),
      updatedAt: iso(SEED_NOW - 90 * DAY),
    }));
  }

  ownerId(): string {
    return this.rng.pick(this.store.owners).id;
  }

  company(name?: string, id?: string): string {
    const index = this.companyIndex++;
    const companyName = name ?? `${COMPANY_WORDS[index % COMPANY_WORDS.length]} ${COMPANY_SUFFIXES[Math.floor(index / COMPANY_WORDS.length) % COMPANY_SUFFIXES.length]}`;
    const created = SEED_NOW - SPAN - this.rng.int(30, 400) * DAY;
    const record = this.store.insert(
      'companies',
      {
        name: companyName,
        domain: `${slug(companyName)}.example`,
        industry: this.rng.pick(INDUSTRIES),
        city: this.rng.pick(['Berlin', 'Lisbon', 'Toronto', 'Austin', 'Osaka', 'Nairobi', 'Dubai', 'Tel Aviv']),
        country: this.rng.pick(['Germany', 'Portugal', 'Canada', 'United States', 'Japan', 'Kenya', 'United Arab Emirates', 'Israel']),
        annualrevenue: String(this.rng.int(5, 900) * 100_000),
        numberofemployees: String(this.rng.int(10, 5000)),
        num_associated_contacts: '0',
        hs_total_deal_value: '0',
        hubspot_owner_id: this.ownerId(),
      },
      iso(created),
      id,
    );
    return record.id;
  }

  contact(companyId: string | null, id?: string, overrides: Record<string, string | null> = {}): string {
    const n = this.personIndex++;
    const first = FIRST_NAMES[n % FIRST_NAMES.length]!;
    const last = LAST_NAMES[(n * 7 + Math.floor(n / FIRST_NAMES.length)) % LAST_NAMES.length]!;
    const company = companyId ? this.store.get('companies', companyId) : undefined;
    const domain = company?.properties.domain ?? 'mail.example';
    const created = SEED_NOW - SPAN - this.rng.int(1, 300) * DAY;
    const record = this.store.insert(
      'contacts',
      {
        firstname: first,
        lastname: last,
        email: `${slug(first)}.${slug(last)}.${n}@${domain}`,
        phone: `+1 555 ${String(1000 + (n % 9000)).padStart(4, '0')}`,
        jobtitle: this.rng.pick(JOB_TITLES),
        company: company?.properties.name ?? null,
        associatedcompanyid: companyId,
        hubspot_owner_id: this.ownerId(),
        lifecyclestage: 'customer',
        hs_buying_role: this.rng.chance(0.7) ? this.rng.pick(BUYING_ROLES) : null,
        ...overrides,
      },
      iso(created),
      id,
    );
    if (company) {
      this.store.associateFresh('contacts', record.id, 'companies', company.id, true);
      company.properties.num_associated_contacts = String(Number(company.properties.num_associated_contacts ?? '0') + 1);
    }
    return record.id;
  }

  /** Random responses for a contact; `mood` shifts NPS (−3 unhappy account … +2 happy). */
  randomResponses(count: number, mood: number): ResponseSpec[] {
    const out: ResponseSpec[] = [];
    for (let i = 0; i < count; i++) {
      const at = SEED_NOW - this.rng.int(1, SPAN / 60_000) * 60_000;
      const roll = this.rng.next();
      const kind: Kind = roll < 0.6 ? 'NPS' : roll < 0.85 ? 'CSAT' : 'CES';
      let value: number;
      let comment: string | null = null;
      if (kind === 'NPS') {
        value = Math.max(0, Math.min(10, Math.round(7.5 + mood + (this.rng.next() + this.rng.next() - 1) * 6)));
        if (this.rng.chance(0.45)) {
          comment = this.rng.pick(value >= 9 ? PROMOTER_COMMENTS : value >= 7 ? PASSIVE_COMMENTS : DETRACTOR_COMMENTS);
        }
      } else if (kind === 'CSAT') {
        value = Math.max(1, Math.min(5, Math.round(3.8 + mood / 2 + (this.rng.next() - 0.5) * 3)));
        if (this.rng.chance(0.3)) comment = this.rng.pick(CSAT_COMMENTS);
      } else {
        value = Math.max(1, Math.min(7, Math.round(5 + mood / 2 + (this.rng.next() - 0.5) * 4)));
        if (this.rng.chance(0.3)) comment = this.rng.pick(CES_COMMENTS);
      }
      if (comment && this.rng.chance(0.004)) comment = this.rng.pick(HARD_COMMENT_LIST);
      out.push({ kind, value: String(value), at, comment });
    }
    return out;
  }

  feedback(contactId: string, spec: ResponseSpec): string {
    const contact = this.store.get('contacts', contactId)!;
    const numeric = spec.value === null ? null : Number(spec.value);
    const group = spec.kind === 'NPS' && numeric !== null && numeric >= 0 && numeric <= 10 ? npsGroup(numeric) : null;
    const sentiment = numeric === null ? null : spec.kind === 'NPS' ? (numeric >= 9 ? 'POSITIVE' : numeric >= 7 ? 'NEUTRAL' : 'NEGATIVE')
      : spec.kind === 'CSAT' ? (numeric >= 4 ? 'POSITIVE' : numeric === 3 ? 'NEUTRAL' : 'NEGATIVE')
        : numeric >= 5 ? 'POSITIVE' : numeric === 4 ? 'NEUTRAL' : 'NEGATIVE';
    const surveyId = spec.kind === 'NPS' ? '301' : spec.kind === 'CSAT' ? '302' : '303';
    const record = this.store.insert(
      'feedback_submissions',
      {
        hs_value: spec.value,
        hs_response_group: group,
        hs_sentiment: sentiment,
        hs_survey_type: spec.kind,
        hs_survey_id: surveyId,
        hs_survey_name: SURVEY_NAMES[spec.kind === 'NPS' ? 'nps' : spec.kind === 'CSAT' ? 'csat' : 'ces'],
        hs_survey_channel: SURVEY_CHANNELS[spec.at % SURVEY_CHANNELS.length]!,
        hs_content: spec.comment,
        hs_submission_timestamp: iso(spec.at),
        hs_contact_id: contactId,
        hs_contact_email_rollup: contact.properties.email ?? null,
        hs_ticket_id: spec.ticketId ?? null,
      },
      iso(spec.at),
    );
    this.store.associateFresh('feedback_submissions', record.id, 'contacts', contactId);
    if (spec.ticketId) this.store.associateFresh('feedback_submissions', record.id, 'tickets', spec.ticketId);
    if (spec.kind === 'NPS' && spec.value !== null) {
      const last = this.lastNps.get(contactId);
      if (!last || last.at < spec.at) this.lastNps.set(contactId, spec);
    }
    return record.id;
  }

  ticket(companyId: string | null, contactId: string | null, open: boolean, id?: string, subject?: string): string {
    const created = SEED_NOW - this.rng.int(1, 700) * DAY;
    const stage = open ? this.rng.pick(OPEN_TICKET_STAGES) : '4';
    const record = this.store.insert(
      'tickets',
      {
        subject: subject ?? this.rng.pick(TICKET_SUBJECTS),
        content: 'Reported by the customer through the support portal.',
        hs_pipeline: SUPPORT_PIPELINE_ID,
        hs_pipeline_stage: stage,
        hs_ticket_priority: this.rng.pick(['LOW', 'MEDIUM', 'HIGH', 'URGENT']),
        hs_ticket_category: this.rng.pick(['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY']),
        closed_date: open ? null : iso(created + this.rng.int(1, 20) * DAY),
        hubspot_owner_id: this.ownerId(),
      },
      iso(created),
      id,
    );
    if (companyId) this.store.associateFresh('tickets', record.id, 'companies', companyId, true);
    if (contactId) this.store.associateFresh('tickets', record.id, 'contacts', contactId);
    return record.id;
  }

  deal(companyId: string, contactIds: string[], open: boolean, id?: string, amount?: number): string {
    const created = SEED_NOW - this.rng.int(10, 900) * DAY;
    const stage = open ? this.rng.pick(['qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent']) : this.rng.pick(['closedwon', 'closedlost']);
    const company = this.store.get('companies', companyId)!;
    const record = this.store.insert(
      'deals',
      {
        dealname: `${company.properties.name} — ${this.rng.pick(DEAL_NAMES)}`,
        amount: String(amount ?? this.rng.int(5, 250) * 1000),
        dealstage: stage,
        pipeline: 'default',
        closedate: iso(open ? SEED_NOW + this.rng.int(10, 120) * DAY : created + this.rng.int(10, 90) * DAY),
        hs_is_closed: open ? 'false' : 'true',
        hubspot_owner_id: company.properties.hubspot_owner_id ?? null,
        deal_currency_code: this.store.info.currency,
      },
      iso(created),
      id,
    );
    this.store.associateFresh('deals', record.id, 'companies', companyId, true);
    for (const contactId of contactIds) this.store.associateFresh('deals', record.id, 'contacts', contactId);
    // HubSpot's calculated "Total open deal value" rolls up the company's open deals. Computed as deals are seeded:
    // the sandbox does not recalculate it when a deal changes later (Loyalty Lens never writes deals).
    if (open) company.properties.hs_total_deal_value = String(Number(company.properties.hs_total_deal_value ?? '0') + Number(record.properties.amount));
    return record.id;
  }

  note(contactId: string, companyId: string | null, body: string, at: number): void {
    const record = this.store.insert('notes', { hs_timestamp: iso(at), hs_note_body: body, hubspot_owner_id: this.ownerId(), loyalty_lens_key: null }, iso(at));
    this.store.associateFresh('notes', record.id, 'contacts', contactId);
    if (companyId) this.store.associateFresh('notes', record.id, 'companies', companyId);
  }

  task(contactId: string, subject: string, at: number, done: boolean): void {
    const record = this.store.insert(
      'tasks',
      {
        hs_timestamp: iso(at),
        hs_task_subject: subject,
        hs_task_body: 'Follow up after the last survey response.',
        hs_task_status: done ? 'COMPLETED' : 'NOT_STARTED',
        hs_task_priority: this.rng.pick(['LOW', 'MEDIUM', 'HIGH']),
        hs_task_type: 'CALL',
        hubspot_owner_id: this.ownerId(),
        loyalty_lens_key: null,
      },
      iso(at - 2 * DAY),
    );
    this.store.associateFresh('tasks', record.id, 'contacts', contactId);
  }

  /** AskNicely-style integration: only the latest score is in the property, the rest in its history. */
  askNicely(contactId: string, entries: { value: string; comment: string | null; at: number }[]): void {
    if (entries.length === 0) return;
    const contact = this.store.get('contacts', contactId)!;
    const sorted = [...entries].sort((a, b) => b.at - a.at);
    const source = (value: string, at: number): HistoryEntry => ({ value, timestamp: iso(at), sourceType: 'INTEGRATION', sourceId: '1184563', sourceLabel: 'AskNicely' });
    const newest = sorted[0]!;
    contact.properties.asknicely_nps_score = newest.value;
    contact.properties.asknicely_comment = newest.comment;
    contact.properties.asknicely_last_survey_date = iso(newest.at);
    contact.history = {
      ...contact.history,
      asknicely_nps_score: sorted.map((e) => source(e.value, e.at)),
      asknicely_comment: sorted.filter((e) => e.comment !== null).map((e) => source(e.comment!, e.at)),
      asknicely_last_survey_date: sorted.map((e) => source(iso(e.at), e.at)),
    };
    if (newest.at > Date.parse(contact.updatedAt)) {
      contact.updatedAt = iso(newest.at);
      contact.properties.lastmodifieddate = contact.updatedAt;
    }
  }

  loyaltySurvey(contactId: string, score: string | null, at: number, type: Kind, comment: string | null): void {
    const scoreValue = score !== null && /^\s*-?\d+\s*$/.test(score) ? String(Number(score)) : null;
    const record = this.store.insert('p_loyalty_survey', { score, score_value: scoreValue, submitted_at: iso(at), comment, survey_type: type }, iso(at));
    this.store.associateFresh('p_loyalty_survey', record.id, 'contacts', contactId);
  }

  /**
   * Bench volume: NPS answers (no comment) by random contacts at random instants, until the twelve calendar months
   * ending at `now` (its month and the eleven before) hold `target` scored answers. Its own random stream, so the
   * records seeded before keep their values.
   */
  padNpsAnswers(target: number, now: number): void {
    const d = new Date(now);
    const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1);
    let have = 0;
    for (const r of this.store.table('feedback_submissions').values()) {
      const at = Date.parse(r.properties.hs_submission_timestamp ?? '');
      if (r.properties.hs_survey_type === 'NPS' && r.properties.hs_response_group && at >= from && at < now) have++;
    }
    const contacts = [...this.store.table('contacts').keys()];
    const rng = new SeededRandom(target);
    for (; have < target; have++) {
      const value = Math.max(0, Math.min(10, Math.round(7.5 + (rng.next() + rng.next() - 1) * 6)));
      const at = from + Math.floor(rng.next() * (now - from));
      this.feedback(rng.pick(contacts), { kind: 'NPS', value: String(value), at, comment: null });
    }
  }

  /** Copies each contact's latest NPS response into HubSpot's own contact properties. */
  finish(): void {
    for (const [contactId, spec] of this.lastNps) {
      const contact = this.store.get('contacts', contactId)!;
      const inRange = spec.value !== null && /^(?:[0-9]|10)$/.test(spec.value);
      contact.properties.hs_feedback_last_nps_rating = inRange ? spec.value : null;
      contact.properties.hs_feedback_last_nps_follow_up = spec.comment;
      contact.properties.hs_feedback_last_survey_date = iso(spec.at);
    }
  }

  /** A typical account: contacts with a few responses each, some tickets, deals, notes and tasks. */
  typicalCompany(contacts: number, withCustomObject: boolean): void {
    const companyId = this.company();
    const mood = this.rng.int(-3, 2);
    const contactIds: string[] = [];
    for (let c = 0; c < contacts; c++) {
      const contactId = this.contact(companyId);
      contactIds.push(contactId);
      for (const spec of this.randomResponses(this.rng.int(0, 6), mood)) this.feedback(contactId, spec);
      if (this.rng.chance(0.2)) {
        const entries = Array.from({ length: this.rng.int(1, 5) }, () => ({
          value: String(Math.max(0, Math.min(10, 7 + mood + this.rng.int(-3, 3)))),
          comment: this.rng.chance(0.5) ? this.rng.pick([...PROMOTER_COMMENTS, ...DETRACTOR_COMMENTS]) : null,
          at: SEED_NOW - this.rng.int(1, SPAN / DAY) * DAY,
        }));
        this.askNicely(contactId, entries);
      }
      if (withCustomObject && this.rng.chance(0.1)) {
        for (let s = this.rng.int(1, 3); s > 0; s--) {
          const score = this.rng.chance(0.05) ? this.rng.pick(['N/A', '11', '-1', null]) : String(this.rng.int(0, 10));
          this.loyaltySurvey(contactId, score, SEED_NOW - this.rng.int(1, SPAN / DAY) * DAY, 'NPS', this.rng.chance(0.3) ? this.rng.pick(PASSIVE_COMMENTS) : null);
        }
      }
      if (this.rng.chance(0.05)) this.task(contactId, 'Call back about the survey', SEED_NOW + this.rng.int(-30, 14) * DAY, this.rng.chance(0.5));
      if (this.rng.chance(0.05)) this.note(contactId, companyId, this.rng.pick(NOTE_SUBJECTS), SEED_NOW - this.rng.int(1, 400) * DAY);
    }
    for (let t = this.rng.int(0, 3); t > 0; t--) {
      this.ticket(companyId, contactIds.length > 0 ? this.rng.pick(contactIds) : null, this.rng.chance(0.4));
    }
    for (let d = this.rng.int(0, 2); d > 0; d--) {
      this.deal(companyId, contactIds.slice(0, 2), this.rng.chance(0.5));
    }
  }
}

/** Bench only: each portal's scored NPS answers in the twelve months ending at `now` (unset: the seed as it is). */
export interface SeedVolume {
  answersInYear: number;
  now: number;
}

function seedMainPortal(volume: SeedVolume | null): PortalStore {
  const rng = new SeededRandom(40001);
  const s = new PortalSeeder(
    { portalId: '40001', uiDomain: 'app.hubspot.com', timeZone: 'US/Eastern', currency: 'USD', utcOffset: '-05:00', utcOffsetMilliseconds: -18_000_000, dataHostingLocation: 'na1' },
    1001,
    rng,
    1,
    70001,
  );
  const F = HUBSPOT_FIXTURES;
  const bigId = s.company(BIG_COMPANY_NAME, F.bigCompanyId);
  const acmeId = s.company(F.companyName, F.companyId);
  const big = s.store.get('companies', bigId)!;
  big.properties.annualrevenue = '2400000000';
  big.properties.numberofemployees = '38000';

  // The sample contact: a story a support agent can read in one glance.
  const sample = s.contact(acmeId, F.sampleContactId, { firstname: 'Dana', lastname: 'Whitfield', email: 'dana.whitfield@acmelabs.example', jobtitle: 'Head of Procurement', hs_buying_role: 'DECISION_MAKER' });
  s.contact(null, F.contactWithoutCompanyId, { firstname: 'Sam', lastname: 'Rivera', email: 'sam.rivera@gmail.example', jobtitle: null });
  const bad = s.contact(acmeId, F.badScoresContactId, { firstname: 'Morgan', lastname: 'Ellis', email: 'morgan.ellis@acmelabs.example' });
  const bigContact = s.contact(bigId, F.bigCompanyContactId, { firstname: 'Priya', lastname: 'Raman', email: 'priya.raman@northwindglobal.example', jobtitle: 'Chief Technology Officer', hs_buying_role: 'BUDGET_HOLDER' });
  const hard = s.contact(acmeId, F.hardCommentsContactId, { firstname: 'Layla', lastname: 'Haddad', email: 'layla.haddad@acmelabs.example' });

  const ticket = s.ticket(acmeId, sample, true, F.ticketId, 'Invoices wrong three months in a row');
  s.store.get('tickets', ticket)!.properties.hs_pipeline_stage = F.openStageId;
  const closed = s.ticket(acmeId, sample, false, F.closedTicketId, 'Export to CSV fails');
  s.deal(acmeId, [sample], true, F.dealId, 48_000);

  const days = (n: number): number => SEED_NOW - n * DAY;
  const sampleResponses: ResponseSpec[] = [
    { kind: 'NPS', value: '9', at: days(700), comment: PROMOTER_COMMENTS[1]! },
    { kind: 'NPS', value: '8', at: days(420), comment: null },
    { kind: 'CSAT', value: '2', at: days(200), comment: CSAT_COMMENTS[1]!, ticketId: closed },
    { kind: 'NPS', value: '6', at: days(150), comment: PASSIVE_COMMENTS[0]! },
    { kind: 'CES', value: '2', at: days(40), comment: CES_COMMENTS[0]! },
    { kind: 'NPS', value: '3', at: days(12), comment: DETRACTOR_COMMENTS[0]!, ticketId: ticket },
  ];
  for (const spec of sampleResponses) s.feedback(sample, spec);
  s.askNicely(sample, [
    { value: '9', comment: 'Happy so far.', at: days(800) },
    { value: '7', comment: null, at: days(500) },
    { value: '4', comment: 'Billing is a mess.', at: days(30) },
  ]);
  s.note(sample, acmeId, 'Quarterly business review: renewal at risk because of invoicing errors.', days(60));
  s.task(sample, 'Call Dana about the invoice errors', SEED_NOW + 2 * DAY, false);
  s.loyaltySurvey(sample, '3', days(12), 'NPS', 'Mirrored from the survey tool.');

  for (const spec of [
    { kind: 'NPS', value: null, at: days(300), comment: 'Skipped the score question' },
    { kind: 'NPS', value: '11', at: days(250), comment: null },
    { kind: 'NPS', value: '-1', at: days(200), comment: null },
    { kind: 'CSAT', value: '9', at: days(150), comment: 'Imported from the old 10-point CSAT survey' },
    { kind: 'NPS', value: '7', at: days(100), comment: null },
  ] satisfies ResponseSpec[]) s.feedback(bad, spec);
  s.askNicely(bad, [
    { value: '11', comment: null, at: days(400) },
    { value: '-1', comment: null, at: days(300) },
    { value: '9', comment: 'Score arrived as text', at: days(20) },
  ]);
  for (const [score, n] of [['9', 300], ['N/A', 250], [null, 200], ['11', 150], ['-1', 100], [' 7 ', 50]] as const) {
    s.loyaltySurvey(bad, score, days(n), 'NPS', null);
  }

  s.feedback(bigContact, { kind: 'NPS', value: '2', at: days(5), comment: HARD_COMMENTS.html });
  const hardSpecs: [string, string][] = [
    ['10', HARD_COMMENTS.emoji], ['1', HARD_COMMENTS.arabic], ['9', HARD_COMMENTS.hebrew],
    ['5', HARD_COMMENTS.russian], ['0', HARD_COMMENTS.long], ['4', HARD_COMMENTS.html],
  ];
  hardSpecs.forEach(([value, comment], i) => s.feedback(hard, { kind: 'NPS', value, at: days(10 + i * 30), comment }));

  // Northwind Global: the whole buying group, exactly 2,500 contacts, ~10 responses each.
  for (const spec of s.randomResponses(10, -1)) s.feedback(bigContact, spec);
  const bigContacts = [bigContact];
  for (let i = 1; i < F.bigCompanyContacts; i++) {
    const contactId = s.contact(bigId);
    bigContacts.push(contactId);
    for (const spec of s.randomResponses(rng.int(9, 12), -1)) s.feedback(contactId, spec);
  }
  for (let t = 0; t < 40; t++) s.ticket(bigId, rng.pick(bigContacts), t % 3 === 0);
  s.deal(bigId, bigContacts.slice(0, 3), true, undefined, 1_250_000);
  s.deal(bigId, bigContacts.slice(3, 5), true, undefined, 480_000);
  s.deal(bigId, bigContacts.slice(0, 2), false, undefined, 2_100_000);

  for (let c = 0; c < 7; c++) s.contact(acmeId);
  for (let c = 0; c < 68; c++) s.typicalCompany(rng.int(4, 20), true);
  // Added last, so every record above keeps its id and values.
  seedLoopOwners(s, SEED_NOW);
  seedOuterLoop(s, SEED_NOW);
  seedLoopRecovery(s, SEED_NOW);
  if (volume) s.padNpsAnswers(volume.answersInYear, volume.now);
  s.finish();
  return s.store;
}

function seedEuPortal(): PortalStore {
  const rng = new SeededRandom(40002);
  const s = new PortalSeeder(
    { portalId: '40002', uiDomain: 'app-eu1.hubspot.com', timeZone: 'Europe/Berlin', currency: 'EUR', utcOffset: '+01:00', utcOffsetMilliseconds: 3_600_000, dataHostingLocation: 'eu1' },
    50_001_001,
    rng,
    70,
    80001,
  );
  const F = HUBSPOT_FIXTURES;
  const companyId = s.company('Helios Energy GmbH', F.euCompanyId);
  const contactId = s.contact(companyId, F.euContactId, { firstname: 'Jörg', lastname: 'Müller', email: 'joerg.mueller@helios-energy.example' });
  for (const spec of s.randomResponses(6, -2)) s.feedback(contactId, spec);
  s.ticket(companyId, contactId, true);
  for (let c = 0; c < 70; c++) s.typicalCompany(rng.int(3, 15), false);
  s.finish();
  return s.store;
}

export function seedPortals(volume: SeedVolume | null = null): Map<string, PortalStore> {
  return new Map([
    ['40001', seedMainPortal(volume)],
    ['40002', seedEuPortal()],
  ]);
}
