// What a HubSpot portal knows about its object types: names, ids, properties, association types and
// the scopes each one needs. Shapes follow HubSpot's v3 properties API and v4 association types.

export const OBJECT_TYPES = [
  'contacts',
  'companies',
  'deals',
  'tickets',
  'notes',
  'tasks',
  'feedback_submissions',
  'p_loyalty_survey',
] as const;
export type ObjectTypeName = (typeof OBJECT_TYPES)[number];

interface ObjectTypeInfo {
  objectTypeId: string;
  singular: string;
  /** Extra names HubSpot accepts in paths for this type. */
  aliases: readonly string[];
  readScope: string;
  writeScope: string | null;
  /** Properties returned when the caller asks for none. */
  defaultProperties: readonly string[];
  modifiedProperty: string;
  createdProperty: string;
  /** Properties `query` in a search looks at. */
  searchable: readonly string[];
}

export const CUSTOM_OBJECT_TYPE_ID = '2-9001';
export const CUSTOM_OBJECT_NAME = 'loyalty_survey';

export const TYPE_INFO: Record<ObjectTypeName, ObjectTypeInfo> = {
  contacts: {
    objectTypeId: '0-1',
    singular: 'contact',
    aliases: ['contact'],
    readScope: 'crm.objects.contacts.read',
    writeScope: 'crm.objects.contacts.write',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    modifiedProperty: 'lastmodifieddate',
    createdProperty: 'createdate',
    searchable: ['firstname', 'lastname', 'email', 'company'],
  },
  companies: {
    objectTypeId: '0-2',
    singular: 'company',
    aliases: ['company'],
    readScope: 'crm.objects.companies.read',
    writeScope: 'crm.objects.companies.write',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'createdate',
    searchable: ['name', 'domain'],
  },
  deals: {
    objectTypeId: '0-3',
    singular: 'deal',
    aliases: ['deal'],
    readScope: 'crm.objects.deals.read',
    writeScope: 'crm.objects.deals.write',
    defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'createdate',
    searchable: ['dealname'],
  },
  tickets: {
    objectTypeId: '0-5',
    singular: 'ticket',
    aliases: ['ticket'],
    readScope: 'tickets',
    writeScope: 'tickets',
    defaultProperties: ['content', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'],
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'createdate',
    searchable: ['subject', 'content'],
  },
  notes: {
    objectTypeId: '0-46',
    singular: 'note',
    aliases: ['note'],
    readScope: 'crm.objects.contacts.read',
    writeScope: 'crm.objects.contacts.write',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'hs_createdate',
    searchable: ['hs_note_body'],
  },
  tasks: {
    objectTypeId: '0-27',
    singular: 'task',
    aliases: ['task'],
    readScope: 'crm.objects.contacts.read',
    writeScope: 'crm.objects.contacts.write',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'hs_createdate',
    searchable: ['hs_task_subject', 'hs_task_body'],
  },
  feedback_submissions: {
    objectTypeId: '0-19',
    singular: 'feedback_submission',
    aliases: ['feedback_submission', 'feedback'],
    readScope: 'crm.objects.feedback_submissions.read',
    // Feedback submissions are read-only in HubSpot's API.
    writeScope: null,
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'hs_createdate',
    searchable: ['hs_content', 'hs_survey_name'],
  },
  p_loyalty_survey: {
    objectTypeId: CUSTOM_OBJECT_TYPE_ID,
    singular: CUSTOM_OBJECT_NAME,
    aliases: [CUSTOM_OBJECT_NAME],
    readScope: 'crm.objects.custom.read',
    writeScope: 'crm.objects.custom.write',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'hs_createdate',
    searchable: ['comment'],
  },
};

/** Resolves a path segment (plural name, singular, objectTypeId, p_/p{portal}_ custom names) to a type. */
export function resolveObjectType(segment: string, portalId: string): ObjectTypeName | null {
  const name = segment.toLowerCase();
  if (name === `p${portalId}_${CUSTOM_OBJECT_NAME}`) return 'p_loyalty_survey';
  for (const type of OBJECT_TYPES) {
    const info = TYPE_INFO[type];
    if (type === name || info.objectTypeId === name || info.aliases.includes(name)) return type;
  }
  return null;
}

export type PropertyType = 'string' | 'number' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyDef {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  options?: readonly { label: string; value: string }[];
  hasUniqueValue?: boolean;
  readOnly?: boolean;
  hubspotDefined?: boolean;
  description?: string;
}

const opts = (values: readonly string[]): { label: string; value: string }[] =>
  values.map((value) => ({ label: value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' '), value }));

const str = (name: string, label: string, groupName: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({
  name, label, type: 'string', fieldType: 'text', groupName, hubspotDefined: true, ...extra,
});
const num = (name: string, label: string, groupName: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({
  name, label, type: 'number', fieldType: 'number', groupName, hubspotDefined: true, ...extra,
});
const dt = (name: string, label: string, groupName: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({
  name, label, type: 'datetime', fieldType: 'date', groupName, hubspotDefined: true, ...extra,
});
const en = (name: string, label: string, groupName: string, values: readonly string[], extra: Partial<PropertyDef> = {}): PropertyDef => ({
  name, label, type: 'enumeration', fieldType: 'select', groupName, options: opts(values), hubspotDefined: true, ...extra,
});

const systemProps = (group: string, created: string, modified: string): PropertyDef[] => [
  num('hs_object_id', 'Record ID', group, { readOnly: true }),
  dt(created, 'Create Date', group, { readOnly: true }),
  dt(modified, 'Last Modified Date', group, { readOnly: true }),
];

/** The sandbox portal's root-cause options: Loyalty Lens's default list. */
const ROOT_CAUSES = [
  'Product quality',
  'Missing feature',
  'Ease of use',
  'Support experience',
  'Onboarding',
  'Price / value',
  'Billing',
  'Reliability / outages',
  'Communication',
  'Relationship / account management',
] as const;

export const TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const;
export const TASK_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'] as const;
export const TASK_PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;
export const DEAL_STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'] as const;

const loyaltyLensKey = (group: string): PropertyDef => ({
  name: 'loyalty_lens_key',
  label: 'Loyalty Lens key',
  type: 'string',
  fieldType: 'text',
  groupName: group,
  hasUniqueValue: true,
  hubspotDefined: false,
  description: 'Idempotency key written by Loyalty Lens so a retried write updates instead of duplicating.',
});

export const PROPERTIES: Record<ObjectTypeName, readonly PropertyDef[]> = {
  contacts: [
    ...systemProps('contactinformation', 'createdate', 'lastmodifieddate'),
    str('firstname', 'First Name', 'contactinformation'),
    str('lastname', 'Last Name', 'contactinformation'),
    str('email', 'Email', 'contactinformation'),
    str('phone', 'Phone Number', 'contactinformation', { fieldType: 'phonenumber' }),
    str('jobtitle', 'Job Title', 'contactinformation'),
    str('company', 'Company Name', 'contactinformation'),
    num('associatedcompanyid', 'Primary Associated Company ID', 'contactinformation', { readOnly: true }),
    str('hubspot_owner_id', 'Contact owner', 'contactinformation', { type: 'enumeration', fieldType: 'select' }),
    en('lifecyclestage', 'Lifecycle Stage', 'contactinformation', ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']),
    en('hs_buying_role', 'Buying Role', 'contactinformation', ['BUDGET_HOLDER', 'CHAMPION', 'DECISION_MAKER', 'END_USER', 'EXECUTIVE_SPONSOR', 'INFLUENCER', 'LEGAL_AND_COMPLIANCE', 'BLOCKER', 'OTHER'], { fieldType: 'checkbox' }),
    // HubSpot keeps the last NPS rating as an enumeration of "0".."10" in many portals.
    en('hs_feedback_last_nps_rating', 'Last NPS survey rating', 'feedback_information', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'], { readOnly: true }),
    str('hs_feedback_last_nps_follow_up', 'Last NPS survey comment', 'feedback_information', { readOnly: true, fieldType: 'textarea' }),
    dt('hs_feedback_last_survey_date', 'Last NPS survey date', 'feedback_information', { readOnly: true }),
    num('asknicely_nps_score', 'AskNicely NPS score', 'asknicely', { hubspotDefined: false }),
    str('asknicely_comment', 'AskNicely comment', 'asknicely', { hubspotDefined: false, fieldType: 'textarea' }),
    dt('asknicely_last_survey_date', 'AskNicely last survey date', 'asknicely', { hubspotDefined: false }),
  ],
  companies: [
    ...systemProps('companyinformation', 'createdate', 'hs_lastmodifieddate'),
    str('name', 'Company name', 'companyinformation'),
    str('domain', 'Company Domain Name', 'companyinformation'),
    en('industry', 'Industry', 'companyinformation', ['COMPUTER_SOFTWARE', 'HOSPITAL_HEALTH_CARE', 'LOGISTICS_AND_SUPPLY_CHAIN', 'RETAIL', 'FINANCIAL_SERVICES', 'UTILITIES']),
    str('city', 'City', 'companyinformation'),
    str('country', 'Country/Region', 'companyinformation'),
    num('annualrevenue', 'Annual Revenue', 'companyinformation'),
    num('numberofemployees', 'Number of Employees', 'companyinformation'),
    num('num_associated_contacts', 'Number of Associated Contacts', 'companyinformation', { readOnly: true }),
    num('hs_total_deal_value', 'Total open deal value', 'companyinformation', { readOnly: true }),
    str('hubspot_owner_id', 'Company owner', 'companyinformation', { type: 'enumeration', fieldType: 'select' }),
  ],
  deals: [
    ...systemProps('dealinformation', 'createdate', 'hs_lastmodifieddate'),
    str('dealname', 'Deal Name', 'dealinformation'),
    num('amount', 'Amount', 'dealinformation'),
    en('dealstage', 'Deal Stage', 'dealinformation', DEAL_STAGES, { fieldType: 'radio' }),
    str('pipeline', 'Pipeline', 'dealinformation', { type: 'enumeration', fieldType: 'select' }),
    dt('closedate', 'Close Date', 'dealinformation'),
    { ...en('hs_is_closed', 'Is Deal Closed?', 'dealinformation', ['true', 'false'], { readOnly: true }), type: 'bool', fieldType: 'booleancheckbox' },
    str('hubspot_owner_id', 'Deal owner', 'dealinformation', { type: 'enumeration', fieldType: 'select' }),
    // Multi-currency portals: each deal's currency (new deals get the company currency).
    en('deal_currency_code', 'Currency', 'dealinformation', ['USD', 'EUR', 'GBP', 'JPY'], { fieldType: 'select' }),
  ],
  tickets: [
    ...systemProps('ticketinformation', 'createdate', 'hs_lastmodifieddate'),
    str('subject', 'Ticket name', 'ticketinformation'),
    str('content', 'Ticket description', 'ticketinformation', { fieldType: 'textarea' }),
    str('hs_pipeline', 'Pipeline', 'ticketinformation', { type: 'enumeration', fieldType: 'select' }),
    str('hs_pipeline_stage', 'Ticket status', 'ticketinformation', { type: 'enumeration', fieldType: 'select' }),
    en('hs_ticket_priority', 'Priority', 'ticketinformation', TICKET_PRIORITIES),
    en('hs_ticket_category', 'Category', 'ticketinformation', ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY']),
    dt('closed_date', 'Close date', 'ticketinformation'),
    str('hubspot_owner_id', 'Ticket owner', 'ticketinformation', { type: 'enumeration', fieldType: 'select' }),
    loyaltyLensKey('ticketinformation'),
    // The outer loop's multi-checkbox properties an admin adds (Loyalty Lens writes an outcome's causes and steps here).
    en('loyalty_lens_root_causes', 'Root causes', 'ticketinformation', ROOT_CAUSES, { fieldType: 'checkbox', hubspotDefined: false, options: ROOT_CAUSES.map((value) => ({ label: value, value })) }),
    en('loyalty_lens_loop_steps', 'Loop steps', 'ticketinformation', ['reached', 'resolved', 'thanked'], { fieldType: 'checkbox', hubspotDefined: false }),
    // The loop's timing Loyalty Lens records with each outcome (the worklist's numbers count and sort them).
    dt('loyalty_lens_first_contact_at', 'First contact', 'ticketinformation', { hubspotDefined: false }),
    num('loyalty_lens_first_contact_hours', 'Hours to first contact', 'ticketinformation', { hubspotDefined: false }),
    en('loyalty_lens_sla', 'Closed within SLA', 'ticketinformation', ['within', 'late'], { hubspotDefined: false, options: [{ label: 'Within the SLA', value: 'within' }, { label: 'Late', value: 'late' }] }),
  ],
  notes: [
    ...systemProps('engagement', 'hs_createdate', 'hs_lastmodifieddate'),
    dt('hs_timestamp', 'Activity date', 'engagement'),
    str('hs_note_body', 'Note body', 'engagement', { fieldType: 'html' }),
    str('hubspot_owner_id', 'Activity assigned to', 'engagement', { type: 'enumeration', fieldType: 'select' }),
    loyaltyLensKey('engagement'),
  ],
  tasks: [
    ...systemProps('task', 'hs_createdate', 'hs_lastmodifieddate'),
    dt('hs_timestamp', 'Due date', 'task'),
    str('hs_task_subject', 'Task Title', 'task'),
    str('hs_task_body', 'Notes', 'task', { fieldType: 'html' }),
    en('hs_task_status', 'Task Status', 'task', TASK_STATUSES),
    en('hs_task_priority', 'Priority', 'task', TASK_PRIORITIES),
    en('hs_task_type', 'Task Type', 'task', ['TODO', 'CALL', 'EMAIL']),
    str('hubspot_owner_id', 'Assigned to', 'task', { type: 'enumeration', fieldType: 'select' }),
    loyaltyLensKey('task'),
  ],
  feedback_submissions: [
    ...systemProps('feedback_submission_information', 'hs_createdate', 'hs_lastmodifieddate'),
    num('hs_value', 'Response value', 'feedback_submission_information', { readOnly: true }),
    en('hs_response_group', 'Response group', 'feedback_submission_information', ['PROMOTER', 'PASSIVE', 'DETRACTOR'], { readOnly: true }),
    en('hs_sentiment', 'Sentiment', 'feedback_submission_information', ['POSITIVE', 'NEUTRAL', 'NEGATIVE'], { readOnly: true }),
    en('hs_survey_type', 'Survey type', 'feedback_submission_information', ['NPS', 'CSAT', 'CES', 'CUSTOM'], { readOnly: true }),
    str('hs_survey_id', 'Survey ID', 'feedback_submission_information', { readOnly: true }),
    str('hs_survey_name', 'Survey name', 'feedback_submission_information', { readOnly: true }),
    en('hs_survey_channel', 'Survey channel', 'feedback_submission_information', ['EMAIL', 'WEB', 'IN_APP', 'SMS'], { readOnly: true }),
    str('hs_content', 'Response', 'feedback_submission_information', { readOnly: true, fieldType: 'textarea' }),
    dt('hs_submission_timestamp', 'Submitted at', 'feedback_submission_information', { readOnly: true }),
    str('hs_contact_id', 'Contact ID', 'feedback_submission_information', { readOnly: true }),
    str('hs_contact_email_rollup', 'Contact email', 'feedback_submission_information', { readOnly: true }),
    str('hs_ticket_id', 'Ticket ID', 'feedback_submission_information', { readOnly: true }),
  ],
  p_loyalty_survey: [
    ...systemProps('loyalty_survey_information', 'hs_createdate', 'hs_lastmodifieddate'),
    // Imported from a spreadsheet-fed integration: the score is free text, so "N/A" and "11" happen.
    str('score', 'Score', 'loyalty_survey_information', { hubspotDefined: false }),
    // A workflow copies whatever reads as a whole number into a number property, which a mapping can use.
    num('score_value', 'Score (number)', 'loyalty_survey_information', { hubspotDefined: false }),
    dt('submitted_at', 'Submitted at', 'loyalty_survey_information', { hubspotDefined: false }),
    str('comment', 'Comment', 'loyalty_survey_information', { hubspotDefined: false, fieldType: 'textarea' }),
    en('survey_type', 'Survey type', 'loyalty_survey_information', ['NPS', 'CSAT', 'CES'], { hubspotDefined: false }),
  ],
};

const propertyIndex = new Map<ObjectTypeName, Map<string, PropertyDef>>(
  OBJECT_TYPES.map((type) => [type, new Map(PROPERTIES[type].map((p) => [p.name, p]))]),
);

export function propertyDef(type: ObjectTypeName, name: string): PropertyDef | undefined {
  return propertyIndex.get(type)?.get(name);
}

export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED';

export interface AssociationType {
  typeId: number;
  category: AssociationCategory;
  label: string | null;
  /** The v3 name, e.g. "contact_to_company". */
  name: string;
}

interface PairDef {
  a: ObjectTypeName;
  b: ObjectTypeName;
  /** Unlabeled a→b and b→a. */
  ab: number;
  ba: number;
  /** Primary a→b and b→a (only company links have one). */
  primaryAb?: number;
  primaryBa?: number;
  category?: AssociationCategory;
}

// HubSpot-defined association type ids (HubSpot/hubspot-api-nodejs src/enums/AssociationTypes.ts).
const PAIRS: readonly PairDef[] = [
  { a: 'contacts', b: 'companies', ab: 279, ba: 280, primaryAb: 1, primaryBa: 2 },
  { a: 'deals', b: 'contacts', ab: 3, ba: 4 },
  { a: 'deals', b: 'companies', ab: 341, ba: 342, primaryAb: 5, primaryBa: 6 },
  { a: 'tickets', b: 'contacts', ab: 16, ba: 15 },
  { a: 'tickets', b: 'companies', ab: 339, ba: 340, primaryAb: 26, primaryBa: 25 },
  { a: 'tickets', b: 'deals', ab: 28, ba: 27 },
  { a: 'feedback_submissions', b: 'contacts', ab: 98, ba: 97 },
  { a: 'feedback_submissions', b: 'tickets', ab: 100, ba: 99 },
  { a: 'notes', b: 'contacts', ab: 202, ba: 201 },
  { a: 'notes', b: 'companies', ab: 190, ba: 189 },
  { a: 'notes', b: 'deals', ab: 214, ba: 213 },
  { a: 'notes', b: 'tickets', ab: 228, ba: 227 },
  { a: 'tasks', b: 'contacts', ab: 204, ba: 203 },
  { a: 'tasks', b: 'companies', ab: 192, ba: 191 },
  { a: 'tasks', b: 'deals', ab: 216, ba: 215 },
  { a: 'tasks', b: 'tickets', ab: 230, ba: 229 },
  { a: 'p_loyalty_survey', b: 'contacts', ab: 9101, ba: 9102, category: 'USER_DEFINED' },
];

export interface PairTypes {
  /** The type every association between the two gets. */
  unlabeled: AssociationType;
  primary?: AssociationType;
  all: AssociationType[];
}

const pairIndex = new Map<string, PairTypes>();
for (const pair of PAIRS) {
  const category = pair.category ?? 'HUBSPOT_DEFINED';
  const sa = TYPE_INFO[pair.a].singular;
  const sb = TYPE_INFO[pair.b].singular;
  const build = (from: string, to: string, id: number, primaryId?: number): PairTypes => {
    const hasPrimary = primaryId !== undefined;
    const unlabeled: AssociationType = { typeId: id, category, label: null, name: `${from}_to_${to}${hasPrimary ? '_unlabeled' : ''}` };
    const primary: AssociationType | undefined = hasPrimary
      ? { typeId: primaryId, category, label: 'Primary', name: `${from}_to_${to}` }
      : undefined;
    return { unlabeled, ...(primary ? { primary } : {}), all: primary ? [primary, unlabeled] : [unlabeled] };
  };
  pairIndex.set(`${pair.a}>${pair.b}`, build(sa, sb, pair.ab, pair.primaryAb));
  pairIndex.set(`${pair.b}>${pair.a}`, build(sb, sa, pair.ba, pair.primaryBa));
}

export function associationTypes(from: ObjectTypeName, to: ObjectTypeName): PairTypes | undefined {
  return pairIndex.get(`${from}>${to}`);
}

/** Every scope a full sandbox token carries. */
export const ALL_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.deals.read',
  'tickets',
  'crm.objects.feedback_submissions.read',
  'crm.objects.owners.read',
  'crm.schemas.custom.read',
  'crm.objects.custom.read',
  // Creating ticket properties (the options page's one-click loop fields).
  'crm.schemas.tickets.write',
] as const;
