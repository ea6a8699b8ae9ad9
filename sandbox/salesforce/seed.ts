import { SeededRandom } from '../random';
import { SALESFORCE_ORG_ID } from './org';
import { toId18 } from '../../integrations/salesforce/ids';
import { CASE_STATUSES, CONVERSION_RATES, CORPORATE_CURRENCY, objectDef, type ObjectDef } from './schema';
import {
  BIG_COMPANY_NAME, CES_COMMENTS, COMPANY_SUFFIXES, COMPANY_WORDS, CSAT_COMMENTS, DEAL_NAMES, DETRACTOR_COMMENTS, FIRST_NAMES,
  HARD_COMMENT_LIST, HARD_COMMENTS, JOB_TITLES, LAST_NAMES, PASSIVE_COMMENTS, PROMOTER_COMMENTS, SURVEY_NAMES, TICKET_SUBJECTS,
} from '../text';
import { sfDate, sfDateTime, type Row, type Store, type Value } from './store';
import { seedLoopOwners, seedLoopRecovery } from './loop-owners';
import { seedOuterLoop } from './outer-loop';

// The org's deterministic world: ~64 accounts, ~3,800 contacts, ~32,000 survey responses over the three
// years before 2026-11-01, plus the hard cases the connector must survive.

export const SEED_END = Date.UTC(2026, 10, 1);
const SEED_START = SEED_END - 3 * 365 * 86_400_000;
const DAY = 86_400_000;

export interface SeedFixtures {
  userId: string;
  sampleContactId: string;
  sampleAccountId: string;
  bigAccountId: string;
  contactWithoutAccountId: string;
  personAccountId: string;
  personContactId: string;
  opportunityId: string;
  caseId: string;
  leadId: string;
  badScoresContactId: string;
  npsSurveyId: string;
  npsQuestionId: string;
  /** Victor Hale: 500 open loops across 300 accounts. */
  bulkLoopOwnerId: string;
  /** Iris Lund: the outer loop's hand-counted example (sandbox/salesforce/outer-loop.ts). */
  outerLoopOwnerId: string;
}

/** Field values as the seed writes them; undefined (read from another row) is stored as null. */
type Fields = Record<string, Value | undefined>;
type Kind = 'nps' | 'csat' | 'ces';

const CITIES: [city: string, country: string][] = [
  ['Berlin', 'Germany'], ['Austin', 'United States'], ['Lagos', 'Nigeria'], ['Osaka', 'Japan'], ['São Paulo', 'Brazil'],
  ['Dublin', 'Ireland'], ['Pune', 'India'], ['Tel Aviv', 'Israel'], ['Tallinn', 'Estonia'], ['Toronto', 'Canada'],
];

function obj(name: string): ObjectDef {
  return objectDef(name)!;
}

/** Bench only: the org's scored NPS answers in the twelve months ending at `now` (unset: the seed as it is). */
export interface SeedVolume {
  answersInYear: number;
  now: number;
}

export function seed(store: Store, volume: SeedVolume | null = null): SeedFixtures {
  const random = new SeededRandom(20261101);
  // The rows of one response share their timestamps: format each instant once.
  const stamps = new Map<number, string>();
  const at = (ms: number) => {
    let stamp = stamps.get(ms);
    if (stamp === undefined) {
      stamp = sfDateTime(ms);
      stamps.set(ms, stamp);
    }
    return stamp;
  };
  function add(name: string, fields: Fields, createdMs = SEED_START): Row {
    const object = obj(name);
    const row: Row = { Id: store.newId(object) };
    for (const key in fields) row[key] = fields[key] ?? null;
    const stamp = at(createdMs);
    row.IsDeleted = false;
    row.CreatedDate = stamp;
    row.LastModifiedDate = stamp;
    row.SystemModstamp = stamp;
    return store.insert(object, row);
  }
  const name = (first: Value, last: Value) => `${first ?? ''} ${last ?? ''}`.trim();
  const randomMs = (from = SEED_START, to = SEED_END - 1) => from + Math.floor(random.next() * (to - from));

  // Users (record owners). The first is the integration user who logs in.
  const userNames: [string, string, string][] = [
    ['Avery', 'Admin', 'Salesforce Administrator'], ['Jordan', 'Reyes', 'Account Executive'], ['Sam', 'Okafor', 'Account Manager'],
    ['Riley', 'Chen', 'Customer Success Manager'], ['Morgan', 'Schmidt', 'Support Agent'], ['Casey', 'Patel', 'Support Agent'],
    ['Taylor', 'Nguyen', 'Sales Manager'], ['Jamie', 'Larsen', 'Account Manager'],
  ];
  const users = userNames.map(([first, last, title]) =>
    add('User', {
      FirstName: first, LastName: last, Name: name(first, last), Title: title, IsActive: true,
      Username: `${first.toLowerCase()}.${last.toLowerCase()}@acme.example`, Email: `${first.toLowerCase()}@acme.example`,
    }),
  );
  const admin = users[0]!;
  store.insert(obj('Organization'), {
    Id: SALESFORCE_ORG_ID, Name: 'Acme Robotics Group', OrganizationType: 'Enterprise Edition', IsSandbox: false, InstanceName: 'USA512',
    TimeZoneSidKey: 'Europe/Berlin', DefaultCurrencyIsoCode: CORPORATE_CURRENCY, IsDeleted: false, CreatedDate: at(SEED_START - 900 * DAY), LastModifiedDate: at(SEED_START), SystemModstamp: at(SEED_START),
  });
  const ownerIds = users.slice(1).map((u) => u.Id as string);
  for (const row of store.rows(obj('User'))) {
    row.CreatedById = admin.Id as string;
    row.LastModifiedById = admin.Id as string;
  }
  const owned = (fields: Fields): Fields => ({ OwnerId: random.pick(ownerIds), CreatedById: admin.Id as string, LastModifiedById: admin.Id as string, ...fields });

  CASE_STATUSES.forEach((status, index) =>
    add('CaseStatus', {
      MasterLabel: status.label, ApiName: status.label.replace(/\W+/g, '_'), IsClosed: status.closed,
      IsDefault: index === 0, SortOrder: index + 1,
    }),
  );

  // Salesforce Surveys: one survey per kind, each with an active version, a score question and a comment question.
  interface SurveyRows { survey: Row; version: Row; score: Row; comment: Row | null }
  const surveys = new Map<Kind, SurveyRows>();
  let slider: SurveyRows | null = null;
  const surveySpecs: [Kind, string, string][] = [
    ['nps', SURVEY_NAMES.nps, 'NPS'], ['csat', SURVEY_NAMES.csat, 'Rating'], ['ces', SURVEY_NAMES.ces, 'Score'],
  ];
  for (const [kind, surveyName, questionType] of surveySpecs) {
    const survey = add('Survey', owned({ Name: surveyName, DeveloperName: surveyName.replace(/\W+/g, '_') }));
    const version = add('SurveyVersion', owned({ Name: `${surveyName} v1`, SurveyId: survey.Id, VersionNumber: 1, SurveyStatus: 'Active' }));
    survey.ActiveVersionId = version.Id as string;
    const question = {
      nps: 'How likely are you to recommend Acme to a friend or colleague?',
      csat: 'How satisfied were you with the support you received?',
      ces: 'How easy was it to get your issue resolved?',
    }[kind];
    const score = add('SurveyQuestion', owned({ Name: question, DeveloperName: `${kind}_score`, SurveyVersionId: version.Id, QuestionType: questionType, QuestionOrder: 1 }));
    const comment = add('SurveyQuestion', owned({ Name: 'Tell us why', DeveloperName: `${kind}_comment`, SurveyVersionId: version.Id, QuestionType: 'FreeText', QuestionOrder: 2 }));
    surveys.set(kind, { survey, version, score, comment });
  }
  // A second effort survey uses a slider, as some orgs do.
  {
    const survey = add('Survey', owned({ Name: 'Onboarding Effort', DeveloperName: 'Onboarding_Effort' }));
    const version = add('SurveyVersion', owned({ Name: 'Onboarding Effort v1', SurveyId: survey.Id, VersionNumber: 1, SurveyStatus: 'Active' }));
    survey.ActiveVersionId = version.Id as string;
    const score = add('SurveyQuestion', owned({ Name: 'How much effort did onboarding take?', DeveloperName: 'onboarding_effort', SurveyVersionId: version.Id, QuestionType: 'Slider', QuestionOrder: 1 }));
    slider = { survey, version, score, comment: null };
  }

  const drawScore = (kind: Kind): number => {
    if (kind === 'csat') return random.pick([1, 2, 3, 3, 4, 4, 4, 5, 5, 5]);
    if (kind === 'ces') return random.pick([1, 2, 2, 3, 4, 5, 5, 6, 6, 7, 7]);
    return random.pick([0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10]);
  };
  const drawComment = (kind: Kind, score: number): string | null => {
    if (!random.chance(0.35)) return null;
    if (random.chance(0.03)) return random.pick(HARD_COMMENT_LIST);
    if (kind === 'csat') return random.pick(CSAT_COMMENTS);
    if (kind === 'ces') return random.pick(CES_COMMENTS);
    return random.pick(score >= 9 ? PROMOTER_COMMENTS : score >= 7 ? PASSIVE_COMMENTS : DETRACTOR_COMMENTS);
  };

  interface ResponseSpec {
    kind: Kind;
    whenMs: number;
    score: number | null;
    comment: string | null;
    contactId?: string;
    leadId?: string;
    subjectId?: string | null;
    /** The score stored as text only (ResponseValue), NumberValue left empty: a bad row seen in real orgs. */
    scoreAsText?: string;
    useSlider?: boolean;
  }
  /** Each contact's latest NPS answer, as the admin's Flow keeps it on the contact (Loyalty_Lens_Last_NPS__c). */
  const latestNps = new Map<string, { whenMs: number; score: number }>();
  /** When each scored NPS answer (0–10) was given, for the bench volume. */
  const npsTimes: number[] = [];
  function respond(spec: ResponseSpec): Row {
    if (spec.kind === 'nps' && !spec.useSlider && spec.scoreAsText === undefined && spec.score !== null && spec.score >= 0 && spec.score <= 10) npsTimes.push(spec.whenMs);
    const target = spec.useSlider ? slider! : surveys.get(spec.kind)!;
    if (spec.kind === 'nps' && !spec.useSlider && spec.contactId && spec.scoreAsText === undefined && spec.score !== null) {
      const seen = latestNps.get(spec.contactId);
      if (!seen || spec.whenMs >= seen.whenMs) latestNps.set(spec.contactId, { whenMs: spec.whenMs, score: spec.score });
    }
    const completed = at(spec.whenMs);
    const invitation = add('SurveyInvitation', owned({
      Name: `${target.survey.Name as string} invitation`, SurveyId: target.survey.Id, ContactId: spec.contactId ?? null,
      LeadId: spec.leadId ?? null, ResponseStatus: 'Completed', InvitationLink: null,
    }), spec.whenMs - 2 * DAY);
    invitation.InvitationLink = `https://acme.my.site.com/survey/runtimeApp.app?invitationId=${invitation.Id as string}`;
    const response = add('SurveyResponse', owned({
      Name: `${target.survey.Name as string} response`, SurveyId: target.survey.Id, SurveyVersionId: target.version.Id,
      InvitationId: invitation.Id, SubmitterId: spec.contactId ?? spec.leadId ?? null, Status: 'Completed',
      StartDateTime: at(spec.whenMs - 120_000), CompletionDateTime: completed, Language: 'en_US',
    }), spec.whenMs);
    if (spec.subjectId) {
      const subjectType = spec.subjectId.startsWith('500') ? 'Case' : spec.subjectId.startsWith('006') ? 'Opportunity' : 'Account';
      add('SurveySubject', owned({ Name: `${subjectType} subject`, ParentId: invitation.Id, SubjectId: spec.subjectId, SubjectEntityType: subjectType }), spec.whenMs - 2 * DAY);
    }
    add('SurveyQuestionResponse', owned({
      QuestionId: target.score.Id, ResponseId: response.Id, InvitationId: invitation.Id, SurveyVersionId: target.version.Id,
      NumberValue: spec.scoreAsText === undefined ? spec.score : null,
      ResponseValue: spec.scoreAsText ?? (spec.score === null ? null : String(spec.score)), ResponseShortText: null, DateTimeValue: null, Datatype: 'Int',
    }), spec.whenMs);
    if (spec.comment !== null && target.comment) {
      add('SurveyQuestionResponse', owned({
        QuestionId: target.comment.Id, ResponseId: response.Id, InvitationId: invitation.Id, SurveyVersionId: target.version.Id,
        NumberValue: null, ResponseValue: spec.comment, ResponseShortText: spec.comment.slice(0, 255), DateTimeValue: null, Datatype: 'String',
      }), spec.whenMs);
    }
    return response;
  }

  // Accounts.
  const accounts: Row[] = [];
  const companyName = (index: number) =>
    `${COMPANY_WORDS[index % COMPANY_WORDS.length]!} ${COMPANY_SUFFIXES[Math.floor(index / COMPANY_WORDS.length) % COMPANY_SUFFIXES.length]!}`;
  const addAccount = (accountName: string, extra: Fields = {}) => {
    const [city, country] = random.pick(CITIES);
    const account = add('Account', owned({
      Name: accountName, Type: 'Customer - Direct', Industry: random.pick(['Technology', 'Manufacturing', 'Retail', 'Healthcare', 'Finance', 'Education', 'Energy']),
      AnnualRevenue: random.int(5, 900) * 100_000, NumberOfEmployees: random.int(20, 20_000), BillingCity: city, BillingCountry: country,
      Website: `https://www.${accountName.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`, Phone: `+1 555 ${random.int(100, 999)} ${random.int(1000, 9999)}`,
      ParentId: null, IsPersonAccount: false, PersonContactId: null, PersonEmail: null, ...extra,
    }), randomMs(SEED_START - 365 * DAY, SEED_START));
    accounts.push(account);
    return account;
  };
  const bigAccount = addAccount(BIG_COMPANY_NAME, { AnnualRevenue: 480_000_000, NumberOfEmployees: 52_000, Industry: 'Manufacturing' });
  const sampleAccount = addAccount('Acme Robotics', { AnnualRevenue: 12_500_000, NumberOfEmployees: 340, Industry: 'Technology' });
  for (let i = 0; i < 61; i++) addAccount(companyName(i + 1));

  // Contacts.
  const contactsByAccount = new Map<string, Row[]>();
  const addContact = (accountId: string | null, fields: Fields = {}) => {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const [city, country] = random.pick(CITIES);
    const contact = add('Contact', owned({
      FirstName: first, LastName: last, Salutation: null, Title: random.pick(JOB_TITLES),
      Email: `${first}.${last}.${random.int(1, 99_999)}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      Phone: `+1 555 ${random.int(100, 999)} ${random.int(1000, 9999)}`, MailingCity: city, MailingCountry: country,
      AccountId: accountId, ReportsToId: null, IsPersonAccount: false, ...fields,
    }), randomMs(SEED_START - 200 * DAY, SEED_START));
    contact.Name = name(contact.FirstName ?? null, contact.LastName ?? null);
    if (accountId) {
      const list = contactsByAccount.get(accountId) ?? [];
      list.push(contact);
      contactsByAccount.set(accountId, list);
    }
    return contact;
  };
  const sampleContact = addContact(sampleAccount.Id as string, { FirstName: 'Dana', LastName: 'Whitfield', Title: 'Head of Operations', Email: 'dana.whitfield@acmerobotics.example' });
  for (let i = 0; i < 2500; i++) addContact(bigAccount.Id as string);
  for (const account of accounts.slice(1)) {
    const count = account === sampleAccount ? 11 : random.int(10, 30);
    for (let i = 0; i < count; i++) addContact(account.Id as string);
  }
  const loneContact = addContact(null, { FirstName: 'Quinn', LastName: 'Freelancer', Title: 'Independent consultant' });
  const badScoresContact = contactsByAccount.get(accounts[5]!.Id as string)![0]!;

  // A person account: an Account that is also a Contact.
  const personAccount = addAccount('María José Fernández', { IsPersonAccount: true, Type: 'Customer - Direct', PersonEmail: 'mj.fernandez@example.es', NumberOfEmployees: null });
  const personContact = addContact(personAccount.Id as string, { FirstName: 'María José', LastName: 'Fernández', IsPersonAccount: true, Email: 'mj.fernandez@example.es', Title: null });
  personAccount.PersonContactId = personContact.Id as string;

  // Opportunities.
  let sampleOpportunity: Row | null = null;
  for (const account of accounts) {
    const count = account === bigAccount ? 12 : random.int(1, 4);
    for (let i = 0; i < count; i++) {
      const open = i === 0 || random.chance(0.5);
      const stage = open ? random.pick(['Prospecting', 'Qualification', 'Proposal/Price Quote', 'Negotiation/Review']) : random.pick(['Closed Won', 'Closed Lost']);
      const created = randomMs();
      const opportunity = add('Opportunity', owned({
        Name: `${account.Name as string} - ${random.pick(DEAL_NAMES)} ${2024 + (i % 3)}`,
        AccountId: account.Id, Amount: random.int(5, 400) * 1000, StageName: stage,
        CloseDate: sfDate(open ? SEED_END + random.int(10, 200) * DAY : created + random.int(10, 90) * DAY),
        Probability: open ? random.pick([10, 20, 50, 75, 90]) : stage === 'Closed Won' ? 100 : 0,
        IsClosed: !open, IsWon: stage === 'Closed Won',
      }), created);
      if (account === sampleAccount && i === 0) {
        opportunity.Name = 'Acme Robotics - Renewal 2027';
        opportunity.Amount = 185_000;
        sampleOpportunity = opportunity;
      }
    }
  }

  // Cases.
  let caseNumber = 1000;
  const addCase = (accountId: string | null, contactId: string | null, whenMs: number, fields: Fields = {}) => {
    const status = (fields.Status as string | undefined) ?? random.pick(CASE_STATUSES).label;
    const closed = CASE_STATUSES.find((s) => s.label === status)!.closed;
    caseNumber += 1;
    return add('Case', owned({
      CaseNumber: String(caseNumber).padStart(8, '0'), Subject: random.pick(TICKET_SUBJECTS),
      Description: null, Status: status, Priority: random.pick(['High', 'Medium', 'Low']), Origin: random.pick(['Phone', 'Email', 'Web']),
      Reason: random.pick(['Installation', 'Performance', 'Breakdown', 'Feedback', 'Other']), Type: random.pick(['Problem', 'Question', 'Feature Request']),
      IsClosed: closed, ClosedDate: closed ? at(whenMs + random.int(1, 20) * DAY) : null, AccountId: accountId, ContactId: contactId, ...fields,
    }), whenMs);
  };
  const casesByContact = new Map<string, Row[]>();
  for (const account of accounts) {
    const contacts = contactsByAccount.get(account.Id as string) ?? [];
    const count = account === bigAccount ? 300 : random.int(2, 8);
    for (let i = 0; i < count && contacts.length > 0; i++) {
      const contact = random.pick(contacts);
      const row = addCase(account.Id as string, contact.Id as string, randomMs());
      const list = casesByContact.get(contact.Id as string) ?? [];
      list.push(row);
      casesByContact.set(contact.Id as string, list);
    }
  }

  // Survey responses for every contact; Northwind's buying group answers ten or more times each.
  const kinds: Kind[] = ['nps', 'nps', 'nps', 'nps', 'nps', 'nps', 'csat', 'csat', 'csat', 'ces', 'ces'];
  for (const [accountId, contacts] of contactsByAccount) {
    if (accountId === sampleAccount.Id || accountId === personAccount.Id) continue;
    for (const contact of contacts) {
      if (contact === badScoresContact) continue;
      const count = accountId === bigAccount.Id ? 10 + random.int(0, 2) : random.int(2, 8);
      for (let i = 0; i < count; i++) {
        const kind = random.pick(kinds);
        const cases = casesByContact.get(contact.Id as string);
        const subjectId = kind !== 'nps' && cases && random.chance(0.5) ? (random.pick(cases).Id as string) : accountId;
        const score = drawScore(kind);
        respond({ kind, whenMs: randomMs(), score, comment: drawComment(kind, score), contactId: contact.Id as string, subjectId, useSlider: kind === 'ces' && random.chance(0.2) });
      }
    }
  }
  for (const contact of contactsByAccount.get(sampleAccount.Id as string)!.slice(1)) {
    for (let i = 0; i < 4; i++) {
      const kind = random.pick(kinds);
      const score = drawScore(kind);
      respond({ kind, whenMs: randomMs(), score, comment: drawComment(kind, score), contactId: contact.Id as string, subjectId: sampleAccount.Id as string });
    }
  }

  // The sample contact: a promoter who slid into detraction, with an open escalated case.
  const sampleCase = addCase(sampleAccount.Id as string, sampleContact.Id as string, SEED_END - 12 * DAY, {
    Subject: 'Billing portal keeps timing out', Status: 'Escalated', Priority: 'High', Origin: 'Web', Type: 'Problem',
    Description: 'Customer cannot download invoices since the October release.',
  });
  addCase(sampleAccount.Id as string, sampleContact.Id as string, SEED_END - 200 * DAY, { Subject: 'Password reset', Status: 'Closed' });
  const sampleId = sampleContact.Id as string;
  const sampleAccountId = sampleAccount.Id as string;
  respond({ kind: 'nps', whenMs: Date.UTC(2024, 1, 14, 10), score: 9, comment: 'Great onboarding, thank you!', contactId: sampleId, subjectId: sampleAccountId });
  respond({ kind: 'nps', whenMs: Date.UTC(2025, 0, 20, 15), score: 7, comment: null, contactId: sampleId, subjectId: sampleAccountId });
  respond({ kind: 'csat', whenMs: Date.UTC(2025, 8, 3, 9), score: 4, comment: null, contactId: sampleId, subjectId: sampleAccountId });
  respond({ kind: 'nps', whenMs: Date.UTC(2026, 5, 2, 11), score: 6, comment: 'Billing was confusing this quarter.', contactId: sampleId, subjectId: sampleAccountId });
  respond({ kind: 'csat', whenMs: SEED_END - 10 * DAY, score: 2, comment: HARD_COMMENTS.html, contactId: sampleId, subjectId: sampleCase.Id as string });
  respond({ kind: 'ces', whenMs: SEED_END - 10 * DAY + 60_000, score: 2, comment: null, contactId: sampleId, subjectId: sampleCase.Id as string });
  respond({ kind: 'nps', whenMs: SEED_END - 9 * DAY, score: 3, comment: 'We waited three days for an answer. 😡', contactId: sampleId, subjectId: sampleCase.Id as string });

  // Hard cases: the contact without an account, the person account, and every hard comment at least once.
  respond({ kind: 'nps', whenMs: SEED_END - 40 * DAY, score: 10, comment: HARD_COMMENTS.emoji, contactId: loneContact.Id as string, subjectId: null });
  respond({ kind: 'nps', whenMs: SEED_END - 30 * DAY, score: 4, comment: HARD_COMMENTS.arabic, contactId: personContact.Id as string, subjectId: personAccount.Id as string });
  respond({ kind: 'csat', whenMs: SEED_END - 29 * DAY, score: 3, comment: HARD_COMMENTS.russian, contactId: personContact.Id as string, subjectId: personAccount.Id as string });
  respond({ kind: 'ces', whenMs: SEED_END - 29 * DAY + 60_000, score: 6, comment: null, contactId: personContact.Id as string, subjectId: personAccount.Id as string, useSlider: true });
  respond({ kind: 'nps', whenMs: SEED_END - 27 * DAY, score: 9, comment: HARD_COMMENTS.hebrew, contactId: loneContact.Id as string, subjectId: null });
  respond({ kind: 'nps', whenMs: SEED_END - 28 * DAY, score: 8, comment: HARD_COMMENTS.long, contactId: personContact.Id as string, subjectId: personAccount.Id as string });
  // Bad scores on one contact: text-only "9", "N/A", empty, out of range.
  const badId = badScoresContact.Id as string;
  const badAccountId = badScoresContact.AccountId as string;
  respond({ kind: 'nps', whenMs: SEED_END - 50 * DAY, score: null, scoreAsText: '9', comment: null, contactId: badId, subjectId: badAccountId });
  respond({ kind: 'nps', whenMs: SEED_END - 49 * DAY, score: null, scoreAsText: 'N/A', comment: null, contactId: badId, subjectId: badAccountId });
  respond({ kind: 'nps', whenMs: SEED_END - 48 * DAY, score: null, comment: 'Skipped the question.', contactId: badId, subjectId: badAccountId });
  respond({ kind: 'nps', whenMs: SEED_END - 47 * DAY, score: 11, comment: null, contactId: badId, subjectId: badAccountId });
  respond({ kind: 'nps', whenMs: SEED_END - 46 * DAY, score: -1, comment: null, contactId: badId, subjectId: badAccountId });
  respond({ kind: 'nps', whenMs: SEED_END - 45 * DAY, score: 8, comment: 'The one valid answer.', contactId: badId, subjectId: badAccountId });

  // Leads; the first ten answered surveys before converting.
  const leads: Row[] = [];
  for (let i = 0; i < 80; i++) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const lead = add('Lead', owned({
      FirstName: first, LastName: last, Name: name(first, last), Company: companyName(i + 30), Title: random.pick(JOB_TITLES),
      Email: `${first}.${last}@lead.example`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      Status: random.pick(['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted']), IsConverted: false,
    }), randomMs());
    leads.push(lead);
    if (i < 10) {
      for (let k = 0; k < 3; k++) {
        const score = drawScore('nps');
        respond({ kind: 'nps', whenMs: randomMs(SEED_END - 300 * DAY), score, comment: drawComment('nps', score), leadId: lead.Id as string, subjectId: null });
      }
    }
  }

  // Tasks already logged by reps.
  const allContacts = [...contactsByAccount.values()].flat();
  for (let i = 0; i < 400; i++) {
    const contact = random.pick(allContacts);
    const whenMs = randomMs(SEED_END - 365 * DAY);
    const done = whenMs < SEED_END - 14 * DAY;
    add('Task', owned({
      Subject: random.pick(['Call', 'Send follow-up email', 'Quarterly business review', 'Check in after case']),
      Description: null, Status: done ? 'Completed' : random.pick(['Not Started', 'In Progress']), Priority: random.pick(['High', 'Normal', 'Low']),
      ActivityDate: sfDate(whenMs), TaskSubtype: random.pick(['Task', 'Call', 'Email']), IsClosed: done,
      WhoId: contact.Id, WhatId: contact.AccountId, AccountId: contact.AccountId, Loyalty_Lens_Key__c: null,
    }), whenMs);
  }

  // Simple Survey (managed package) rows, including the bad values admins meet in the wild.
  const simpleContacts = allContacts.filter((c) => c.AccountId !== bigAccount.Id);
  const addSimple = (contact: Row, score: number | null, text: string | null, comment: string | null, whenMs: number, caseId: string | null = null) =>
    add('simplesurvey__Survey__c', owned({
      Name: `SS-${String(store.table(obj('simplesurvey__Survey__c')).size + 1).padStart(5, '0')}`,
      simplesurvey__Survey_Score__c: score, simplesurvey__Net_Promoter_System__c: text,
      simplesurvey__Contact__c: contact.Id, simplesurvey__Account__c: contact.AccountId, simplesurvey__Case__c: caseId,
      simplesurvey__Comment__c: comment, simplesurvey__Survey_Name__c: 'Customer NPS (Simple Survey)',
    }), whenMs);
  addSimple(sampleContact, 5, '5', 'Renewal pricing worries us.', SEED_END - 20 * DAY, sampleCase.Id as string);
  addSimple(badScoresContact, null, '9', null, SEED_END - 60 * DAY);
  addSimple(badScoresContact, null, 'N/A', null, SEED_END - 59 * DAY);
  addSimple(badScoresContact, null, null, 'No score given', SEED_END - 58 * DAY);
  addSimple(badScoresContact, 11, '11', null, SEED_END - 57 * DAY);
  addSimple(badScoresContact, -1, '-1', null, SEED_END - 56 * DAY);
  for (let i = 0; i < 600; i++) {
    const score = drawScore('nps');
    addSimple(random.pick(simpleContacts), score, String(score), drawComment('nps', score), randomMs());
  }

  // Multiple currencies: every record carries CurrencyIsoCode. One account in five deals in euros, its
  // opportunities with it; one open opportunity of the sample account is in euros too. Contact roles name the
  // buying group on each open opportunity. Drawn from their own sequence, so the rows above stay as they were.
  const extra = new SeededRandom(20261102);
  const accountCurrency = new Map<string, string>();
  accounts.forEach((account, i) => {
    const currency = account !== sampleAccount && account !== bigAccount && i % 5 === 3 ? 'EUR' : CORPORATE_CURRENCY;
    account.CurrencyIsoCode = currency;
    accountCurrency.set(account.Id as string, currency);
  });
  for (const contact of allContacts) {
    contact.CurrencyIsoCode = accountCurrency.get(contact.AccountId as string) ?? CORPORATE_CURRENCY;
    contact.Loyalty_Lens_Last_NPS__c = latestNps.get(contact.Id as string)?.score ?? null;
  }
  let euroSampleOpportunity = false;
  for (const opportunity of store.rows(obj('Opportunity'))) {
    const accountId = opportunity.AccountId as string;
    opportunity.CurrencyIsoCode = accountCurrency.get(accountId) ?? CORPORATE_CURRENCY;
    if (accountId === sampleAccountId && opportunity !== sampleOpportunity && !opportunity.IsClosed && !euroSampleOpportunity) {
      opportunity.CurrencyIsoCode = 'EUR';
      euroSampleOpportunity = true;
    }
    if (opportunity.IsClosed) continue;
    const contacts = contactsByAccount.get(accountId) ?? [];
    const roles = new Set<Row>(opportunity === sampleOpportunity ? [sampleContact] : []);
    const wanted = contacts.length === 0 ? 0 : Math.min(contacts.length, extra.int(1, 3));
    while (roles.size < wanted) roles.add(extra.pick(contacts));
    [...roles].forEach((contact, i) => {
      add('OpportunityContactRole', {
        OpportunityId: opportunity.Id, ContactId: contact.Id, Role: extra.pick(['Decision Maker', 'Economic Buyer', 'Evaluator', 'Influencer']),
        IsPrimary: i === 0, CurrencyIsoCode: opportunity.CurrencyIsoCode,
      }, SEED_END - 30 * DAY);
    });
  }

  // Added last, so every record above keeps its id and values.
  const loopOwners = seedLoopOwners({ now: SEED_END, admin, add, addAccount, addContact, addCase, respond: (spec) => respond(spec), sfDate });
  const outerLoop = seedOuterLoop({ now: SEED_END, admin, add, addAccount, addContact, addCase, respond: (spec) => respond(spec), sfDate });
  seedLoopRecovery({ now: SEED_END, admin, add, addAccount, addContact, addCase, respond: (spec) => respond(spec), sfDate }, loopOwners);

  // Bench volume: NPS answers without comments by random contacts at random instants, until the twelve calendar months
  // ending at `now` hold the number asked for. Its own random stream, after everything else: no earlier row changes.
  if (volume) {
    const d = new Date(volume.now);
    const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1);
    const people = [...contactsByAccount.values()].flat();
    const extra = new SeededRandom(volume.answersInYear);
    const answered = new Set<Row>();
    for (let have = npsTimes.filter((t) => t >= from && t < volume.now).length; have < volume.answersInYear; have++) {
      const contact = extra.pick(people);
      const score = extra.pick([0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10]);
      respond({ kind: 'nps', whenMs: from + Math.floor(extra.next() * (volume.now - from)), score, comment: null, contactId: contact.Id as string, subjectId: contact.AccountId as string | null });
      answered.add(contact);
    }
    // The admin's Flow keeps each contact's latest answer on the contact.
    for (const contact of answered) contact.Loyalty_Lens_Last_NPS__c = latestNps.get(contact.Id as string)?.score ?? null;
  }

  // The org's currencies and their rates against the corporate one (ids of their own: no seeded id above moves).
  Object.entries(CONVERSION_RATES).forEach(([isoCode, rate], i) => {
    store.insert(obj('CurrencyType'), {
      Id: toId18(`01LHn000000000${i}`)!, IsoCode: isoCode, ConversionRate: rate, DecimalPlaces: isoCode === 'JPY' ? 0 : 2, IsActive: true,
      IsCorporate: isoCode === CORPORATE_CURRENCY, IsDeleted: false, CreatedDate: at(SEED_START - 900 * DAY), LastModifiedDate: at(SEED_START), SystemModstamp: at(SEED_START),
    });
  });

  return {
    bulkLoopOwnerId: loopOwners.victorId,
    outerLoopOwnerId: outerLoop.irisId,
    userId: admin.Id as string,
    sampleContactId: sampleId,
    sampleAccountId,
    bigAccountId: bigAccount.Id as string,
    contactWithoutAccountId: loneContact.Id as string,
    personAccountId: personAccount.Id as string,
    personContactId: personContact.Id as string,
    opportunityId: sampleOpportunity!.Id as string,
    caseId: sampleCase.Id as string,
    leadId: leads[0]!.Id as string,
    badScoresContactId: badId,
    npsSurveyId: surveys.get('nps')!.survey.Id as string,
    npsQuestionId: surveys.get('nps')!.score.Id as string,
  };
}
