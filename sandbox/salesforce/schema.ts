// The org's metadata: which objects exist, their fields (as describe reports them) and relationships.
// The SOQL engine, the REST handlers and describe all read this one table, so they cannot disagree.

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  /** A multi-select picklist: values joined by ';'; filtered with INCLUDES/EXCLUDES, never grouped. */
  | 'multipicklist'
  | 'double'
  | 'currency'
  | 'int'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'reference';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  referenceTo?: string[];
  relationshipName?: string;
  externalId?: boolean;
  unique?: boolean;
  picklistValues?: string[];
  /** Set by the server (Id, audit fields, formulas): rejected on insert and update. */
  readOnly?: boolean;
  /** Set only when the record is created (Task.TaskSubtype): describe says createable, not updateable; an update is refused. */
  createOnly?: boolean;
  length?: number;
  custom?: boolean;
}

export interface ChildRelationship {
  childSObject: string;
  field: string;
  relationshipName: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldDef[];
  childRelationships: ChildRelationship[];
  /** Field shown as the record's name (Name, CaseNumber, Subject…). */
  nameField: string;
}

type FieldSpec = [name: string, type: FieldType, extra?: Partial<FieldDef>];

function labelOf(name: string): string {
  const base = name.replace(/^simplesurvey__/, '').replace(/__c$/, '').replace(/Id$/, '').replace(/_/g, ' ');
  return base.replace(/([a-z])([A-Z])/g, '$1 $2').trim() || name;
}

function ref(to: string | string[], relationshipName: string, extra?: Partial<FieldDef>): Partial<FieldDef> {
  return { referenceTo: Array.isArray(to) ? to : [to], relationshipName, ...extra };
}

const AUDIT: FieldSpec[] = [
  ['IsDeleted', 'boolean', { readOnly: true }],
  ['CreatedDate', 'datetime', { readOnly: true }],
  ['CreatedById', 'reference', ref('User', 'CreatedBy', { readOnly: true })],
  ['LastModifiedDate', 'datetime', { readOnly: true }],
  ['LastModifiedById', 'reference', ref('User', 'LastModifiedBy', { readOnly: true })],
  ['SystemModstamp', 'datetime', { readOnly: true }],
];

export const CASE_STATUSES: readonly { label: string; closed: boolean }[] = [
  { label: 'New', closed: false },
  { label: 'Working', closed: false },
  { label: 'Escalated', closed: false },
  { label: 'Closed', closed: true },
  { label: 'Resolved - Customer Thanked', closed: true },
];

/**
 * The org has multiple currencies on (records carry CurrencyIsoCode); its corporate currency is USD. Each currency's
 * rate against it, as the CurrencyType rows hold them (aggregates of currency fields are converted with them).
 * A test can turn the org into a single-currency one (SalesforceSandbox.singleCurrency).
 */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY'];
export const CORPORATE_CURRENCY = 'USD';
export const CONVERSION_RATES: Readonly<Record<string, number>> = { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 149.5 };

export const TASK_STATUSES = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];

const SPECS: { name: string; label: string; plural: string; prefix: string; nameField: string; fields: FieldSpec[] }[] = [
  {
    name: 'User', label: 'User', plural: 'Users', prefix: '005', nameField: 'Name',
    fields: [
      ['Name', 'string', { readOnly: true }], ['FirstName', 'string'], ['LastName', 'string'], ['Username', 'string', { unique: true }],
      ['Email', 'email'], ['Title', 'string'], ['IsActive', 'boolean'], ['ManagerId', 'reference', ref('User', 'Manager')],
    ],
  },
  {
    name: 'Account', label: 'Account', plural: 'Accounts', prefix: '001', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['Type', 'picklist', { picklistValues: ['Customer - Direct', 'Customer - Channel', 'Prospect', 'Partner'] }],
      ['Industry', 'picklist', { picklistValues: ['Technology', 'Manufacturing', 'Retail', 'Healthcare', 'Finance', 'Education', 'Energy'] }],
      ['AnnualRevenue', 'currency'], ['NumberOfEmployees', 'int'], ['BillingCity', 'string'], ['BillingCountry', 'string'],
      ['Website', 'url'], ['Phone', 'phone'], ['OwnerId', 'reference', ref('User', 'Owner')],
      ['ParentId', 'reference', ref('Account', 'Parent')], ['IsPersonAccount', 'boolean', { readOnly: true }],
      ['PersonContactId', 'reference', ref('Contact', 'PersonContact', { readOnly: true })], ['PersonEmail', 'email'],
      ['CurrencyIsoCode', 'picklist', { picklistValues: CURRENCIES }],
    ],
  },
  {
    name: 'Contact', label: 'Contact', plural: 'Contacts', prefix: '003', nameField: 'Name',
    fields: [
      ['Name', 'string', { readOnly: true }], ['FirstName', 'string'], ['LastName', 'string'], ['Salutation', 'string'],
      ['Title', 'string'], ['Email', 'email'], ['Phone', 'phone'], ['MailingCity', 'string'], ['MailingCountry', 'string'],
      ['AccountId', 'reference', ref('Account', 'Account')], ['OwnerId', 'reference', ref('User', 'Owner')],
      ['ReportsToId', 'reference', ref('Contact', 'ReportsTo')], ['IsPersonAccount', 'boolean', { readOnly: true }],
      // Kept by the admin's Flow on each NPS answer (see the README), so big accounts count people by their latest answer.
      ['Loyalty_Lens_Last_NPS__c', 'double', { custom: true, label: 'Loyalty Lens Last NPS' }],
      ['CurrencyIsoCode', 'picklist', { picklistValues: CURRENCIES }],
    ],
  },
  {
    name: 'Lead', label: 'Lead', plural: 'Leads', prefix: '00Q', nameField: 'Name',
    fields: [
      ['Name', 'string', { readOnly: true }], ['FirstName', 'string'], ['LastName', 'string'], ['Company', 'string'],
      ['Title', 'string'], ['Email', 'email'],
      ['Status', 'picklist', { picklistValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'] }],
      ['IsConverted', 'boolean', { readOnly: true }], ['OwnerId', 'reference', ref('User', 'Owner')],
    ],
  },
  {
    name: 'Opportunity', label: 'Opportunity', plural: 'Opportunities', prefix: '006', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['AccountId', 'reference', ref('Account', 'Account')], ['Amount', 'currency'], ['CloseDate', 'date'],
      ['StageName', 'picklist', { picklistValues: ['Prospecting', 'Qualification', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'] }],
      ['Probability', 'double'], ['IsClosed', 'boolean', { readOnly: true }], ['IsWon', 'boolean', { readOnly: true }],
      ['OwnerId', 'reference', ref('User', 'Owner')], ['CurrencyIsoCode', 'picklist', { picklistValues: CURRENCIES }],
    ],
  },
  {
    name: 'OpportunityContactRole', label: 'Contact Role', plural: 'Contact Roles', prefix: '00K', nameField: 'Id',
    fields: [
      ['OpportunityId', 'reference', ref('Opportunity', 'Opportunity')], ['ContactId', 'reference', ref('Contact', 'Contact')],
      ['Role', 'picklist', { picklistValues: ['Decision Maker', 'Economic Buyer', 'Evaluator', 'Influencer', 'Technical Buyer', 'Business User', 'Other'] }],
      ['IsPrimary', 'boolean'], ['CurrencyIsoCode', 'picklist', { picklistValues: CURRENCIES }],
    ],
  },
  {
    name: 'Case', label: 'Case', plural: 'Cases', prefix: '500', nameField: 'CaseNumber',
    fields: [
      ['CaseNumber', 'string', { readOnly: true }], ['Subject', 'string'], ['Description', 'textarea'],
      ['Status', 'picklist', { picklistValues: CASE_STATUSES.map((s) => s.label) }],
      ['Priority', 'picklist', { picklistValues: ['High', 'Medium', 'Low'] }],
      ['Origin', 'picklist', { picklistValues: ['Phone', 'Email', 'Web'] }],
      ['Reason', 'picklist', { label: 'Case Reason', picklistValues: ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'] }],
      ['Type', 'picklist', { picklistValues: ['Problem', 'Feature Request', 'Question', 'Detractor Follow-up'] }],
      ['IsClosed', 'boolean', { readOnly: true }], ['ClosedDate', 'datetime', { readOnly: true }],
      ['AccountId', 'reference', ref('Account', 'Account')], ['ContactId', 'reference', ref('Contact', 'Contact')],
      ['OwnerId', 'reference', ref('User', 'Owner')],
      // The outer loop's fields an admin adds (Loyalty Lens writes an outcome's root causes and loop steps here).
      ['Loyalty_Lens_Root_Causes__c', 'multipicklist', { custom: true, label: 'Root causes', picklistValues: ['Product quality', 'Missing feature', 'Ease of use', 'Support experience', 'Onboarding', 'Price / value', 'Billing', 'Reliability / outages', 'Communication', 'Relationship / account management'] }],
      ['Loyalty_Lens_Loop_Steps__c', 'multipicklist', { custom: true, label: 'Loop steps', picklistValues: ['reached', 'resolved', 'thanked'] }],
      // The loop's timing Loyalty Lens records with each outcome (the worklist's numbers count and sort them).
      ['Loyalty_Lens_First_Contact__c', 'datetime', { custom: true, label: 'First contact' }],
      ['Loyalty_Lens_First_Contact_Hours__c', 'double', { custom: true, label: 'Hours to first contact' }],
      ['Loyalty_Lens_SLA__c', 'picklist', { custom: true, label: 'Closed within SLA', picklistValues: ['within', 'late'] }],
    ],
  },
  {
    name: 'CaseStatus', label: 'Case Status Value', plural: 'Case Status Values', prefix: '01J', nameField: 'MasterLabel',
    fields: [['MasterLabel', 'string'], ['ApiName', 'string'], ['IsClosed', 'boolean'], ['IsDefault', 'boolean'], ['SortOrder', 'int']],
  },
  {
    name: 'Task', label: 'Task', plural: 'Tasks', prefix: '00T', nameField: 'Subject',
    fields: [
      ['Subject', 'string'], ['Description', 'textarea'], ['Status', 'picklist', { picklistValues: TASK_STATUSES }],
      ['Priority', 'picklist', { picklistValues: ['High', 'Normal', 'Low'] }], ['ActivityDate', 'date'],
      ['TaskSubtype', 'picklist', { picklistValues: ['Task', 'Email', 'Call'], createOnly: true }], ['IsClosed', 'boolean', { readOnly: true }],
      ['WhoId', 'reference', ref(['Contact', 'Lead'], 'Who')],
      ['WhatId', 'reference', ref(['Account', 'Opportunity', 'Case'], 'What')],
      ['AccountId', 'reference', ref('Account', 'Account', { readOnly: true })], ['OwnerId', 'reference', ref('User', 'Owner')],
      ['Loyalty_Lens_Key__c', 'string', { externalId: true, unique: true, custom: true, length: 80, label: 'Loyalty Lens Key' }],
    ],
  },
  {
    name: 'Organization', label: 'Organization', plural: 'Organizations', prefix: '00D', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['OrganizationType', 'string'], ['IsSandbox', 'boolean'], ['InstanceName', 'string'], ['TimeZoneSidKey', 'string'],
      // A single-currency org's currency; with multiple currencies, the corporate one.
      ['DefaultCurrencyIsoCode', 'picklist', { label: 'Currency', picklistValues: CURRENCIES }],
    ],
  },
  {
    // Only in multi-currency orgs: elsewhere SOQL on it answers INVALID_TYPE.
    name: 'CurrencyType', label: 'Currency Type', plural: 'Currency Types', prefix: '01L', nameField: 'IsoCode',
    fields: [
      ['IsoCode', 'picklist', { label: 'Currency ISO Code', picklistValues: CURRENCIES }], ['ConversionRate', 'double'],
      ['DecimalPlaces', 'int'], ['IsActive', 'boolean', { label: 'Active' }], ['IsCorporate', 'boolean', { label: 'Corporate Currency' }],
    ],
  },
  {
    name: 'Survey', label: 'Survey', plural: 'Surveys', prefix: '0Kb', nameField: 'Name',
    fields: [['Name', 'string'], ['DeveloperName', 'string'], ['ActiveVersionId', 'reference', ref('SurveyVersion', 'ActiveVersion')]],
  },
  {
    name: 'SurveyVersion', label: 'Survey Version', plural: 'Survey Versions', prefix: '0Kr', nameField: 'Name',
    fields: [['Name', 'string'], ['SurveyId', 'reference', ref('Survey', 'Survey')], ['VersionNumber', 'int'], ['SurveyStatus', 'picklist', { picklistValues: ['Draft', 'Active', 'Inactive'] }]],
  },
  {
    name: 'SurveyQuestion', label: 'Survey Question', plural: 'Survey Questions', prefix: '0Kz', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['DeveloperName', 'string'], ['SurveyVersionId', 'reference', ref('SurveyVersion', 'SurveyVersion')],
      ['QuestionType', 'picklist', { picklistValues: ['NPS', 'Rating', 'Score', 'Slider', 'FreeText', 'MultipleChoice'] }],
      ['QuestionOrder', 'int'],
    ],
  },
  {
    name: 'SurveyInvitation', label: 'Survey Invitation', plural: 'Survey Invitations', prefix: '0Ki', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['SurveyId', 'reference', ref('Survey', 'Survey')], ['ContactId', 'reference', ref('Contact', 'Contact')],
      ['LeadId', 'reference', ref('Lead', 'Lead')], ['ResponseStatus', 'picklist', { picklistValues: ['NotStarted', 'Started', 'Completed'] }],
      ['InvitationLink', 'url'],
    ],
  },
  {
    name: 'SurveyResponse', label: 'Survey Response', plural: 'Survey Responses', prefix: '0Kd', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['SurveyId', 'reference', ref('Survey', 'Survey')], ['SurveyVersionId', 'reference', ref('SurveyVersion', 'SurveyVersion')],
      ['InvitationId', 'reference', ref('SurveyInvitation', 'Invitation')], ['SubmitterId', 'reference', ref(['Contact', 'Lead', 'User'], 'Submitter')],
      ['Status', 'picklist', { picklistValues: ['Started', 'Completed'] }], ['CompletionDateTime', 'datetime'],
      ['StartDateTime', 'datetime'], ['Language', 'string'],
    ],
  },
  {
    name: 'SurveySubject', label: 'Survey Subject', plural: 'Survey Subjects', prefix: '0Ks', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['ParentId', 'reference', ref(['SurveyInvitation', 'SurveyResponse'], 'Parent')],
      ['SubjectId', 'reference', ref(['Account', 'Case', 'Contact', 'Opportunity'], 'Subject')],
      ['SubjectEntityType', 'string', { readOnly: true }],
    ],
  },
  {
    name: 'SurveyQuestionResponse', label: 'Survey Question Response', plural: 'Survey Question Responses', prefix: '0LU', nameField: 'Id',
    fields: [
      ['QuestionId', 'reference', ref('SurveyQuestion', 'Question')], ['ResponseId', 'reference', ref('SurveyResponse', 'Response')],
      ['InvitationId', 'reference', ref('SurveyInvitation', 'Invitation')], ['SurveyVersionId', 'reference', ref('SurveyVersion', 'SurveyVersion')],
      ['NumberValue', 'int'], ['ResponseValue', 'textarea'], ['Datatype', 'picklist', { picklistValues: ['Boolean', 'Date', 'Double', 'Int', 'Number', 'String'] }], ['ResponseShortText', 'string'], ['DateTimeValue', 'datetime'],
    ],
  },
  {
    name: 'simplesurvey__Survey__c', label: 'Survey (Simple Survey)', plural: 'Surveys (Simple Survey)', prefix: 'a0S', nameField: 'Name',
    fields: [
      ['Name', 'string'], ['simplesurvey__Survey_Score__c', 'double', { custom: true, label: 'Survey Score' }],
      ['simplesurvey__Net_Promoter_System__c', 'string', { custom: true, label: 'Net Promoter System' }],
      ['simplesurvey__Contact__c', 'reference', ref('Contact', 'simplesurvey__Contact__r', { custom: true, label: 'Contact' })],
      ['simplesurvey__Account__c', 'reference', ref('Account', 'simplesurvey__Account__r', { custom: true, label: 'Account' })],
      ['simplesurvey__Case__c', 'reference', ref('Case', 'simplesurvey__Case__r', { custom: true, label: 'Case' })],
      ['simplesurvey__Comment__c', 'textarea', { custom: true, label: 'Comment' }],
      ['simplesurvey__Survey_Name__c', 'string', { custom: true, label: 'Survey Name' }],
      ['OwnerId', 'reference', ref('User', 'Owner')],
    ],
  },
];

// Parent-to-child relationship names as real orgs expose them (Account.Contacts, Contact.Cases…).
const CHILDREN: [parent: string, child: string, field: string, relationshipName: string][] = [
  ['Account', 'Contact', 'AccountId', 'Contacts'],
  ['Account', 'Opportunity', 'AccountId', 'Opportunities'],
  ['Opportunity', 'OpportunityContactRole', 'OpportunityId', 'OpportunityContactRoles'],
  ['Contact', 'OpportunityContactRole', 'ContactId', 'OpportunityContactRoles'],
  ['Account', 'Case', 'AccountId', 'Cases'],
  ['Account', 'Task', 'WhatId', 'Tasks'],
  ['Account', 'Account', 'ParentId', 'ChildAccounts'],
  ['Account', 'SurveySubject', 'SubjectId', 'SurveySubjects'],
  ['Account', 'simplesurvey__Survey__c', 'simplesurvey__Account__c', 'simplesurvey__Surveys__r'],
  ['Contact', 'Case', 'ContactId', 'Cases'],
  ['Contact', 'Task', 'WhoId', 'Tasks'],
  ['Contact', 'SurveyInvitation', 'ContactId', 'SurveyInvitations'],
  ['Contact', 'simplesurvey__Survey__c', 'simplesurvey__Contact__c', 'simplesurvey__Surveys__r'],
  ['Lead', 'Task', 'WhoId', 'Tasks'],
  ['Lead', 'SurveyInvitation', 'LeadId', 'SurveyInvitations'],
  ['Opportunity', 'Task', 'WhatId', 'Tasks'],
  ['Case', 'Task', 'WhatId', 'Tasks'],
  ['Case', 'SurveySubject', 'SubjectId', 'SurveySubjects'],
  ['Case', 'simplesurvey__Survey__c', 'simplesurvey__Case__c', 'simplesurvey__Surveys__r'],
  ['Survey', 'SurveyVersion', 'SurveyId', 'SurveyVersions'],
  ['SurveyVersion', 'SurveyQuestion', 'SurveyVersionId', 'SurveyQuestions'],
  ['SurveyInvitation', 'SurveyResponse', 'InvitationId', 'SurveyResponses'],
  ['SurveyInvitation', 'SurveyQuestionResponse', 'InvitationId', 'SurveyQuestionResponses'],
  ['SurveyInvitation', 'SurveySubject', 'ParentId', 'SurveySubjects'],
  ['SurveyResponse', 'SurveyQuestionResponse', 'ResponseId', 'QuestionResponses'],
  ['SurveyResponse', 'SurveySubject', 'ParentId', 'SurveySubjects'],
  ['SurveyQuestion', 'SurveyQuestionResponse', 'QuestionId', 'QuestionResponses'],
  ['User', 'Account', 'OwnerId', 'Accounts'],
];

function build(): Map<string, ObjectDef> {
  const objects = new Map<string, ObjectDef>();
  for (const spec of SPECS) {
    const fields: FieldDef[] = [{ name: 'Id', label: `${spec.label} ID`, type: 'id', readOnly: true }];
    for (const [name, type, extra] of [...spec.fields, ...AUDIT]) {
      fields.push({ name, type, label: extra?.label ?? labelOf(name), ...extra });
    }
    objects.set(spec.name.toLowerCase(), {
      name: spec.name,
      label: spec.label,
      labelPlural: spec.plural,
      keyPrefix: spec.prefix,
      custom: spec.name.endsWith('__c'),
      fields,
      childRelationships: [],
      nameField: spec.nameField,
    });
  }
  for (const [parent, child, field, relationshipName] of CHILDREN) {
    objects.get(parent.toLowerCase())!.childRelationships.push({ childSObject: child, field, relationshipName });
  }
  return objects;
}

export const OBJECTS = build();

/** Whether GROUP BY accepts the field: not doubles, currency, datetimes, long text, nor custom numbers. */
export function isGroupable(field: FieldDef): boolean {
  if (field.type === 'int') return !(field.custom ?? false);
  return !['double', 'currency', 'datetime', 'textarea', 'multipicklist'].includes(field.type);
}

/** Objects a test took out of the org (SalesforceSandbox.singleCurrency): describe and SOQL no longer know them. */
const hidden = new Set<string>();

export function hideObject(name: string): () => void {
  const key = name.toLowerCase();
  hidden.add(key);
  return () => void hidden.delete(key);
}

export function objectDef(name: string): ObjectDef | undefined {
  const key = name.toLowerCase();
  return hidden.has(key) ? undefined : OBJECTS.get(key);
}

/** The org's objects as describe lists them. */
export function visibleObjects(): ObjectDef[] {
  return [...OBJECTS.values()].filter((o) => !hidden.has(o.name.toLowerCase()));
}

export function fieldDef(object: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === lower);
}

export function relationshipField(object: ObjectDef, relationshipName: string): FieldDef | undefined {
  const lower = relationshipName.toLowerCase();
  return object.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
}

export function childRelationship(object: ObjectDef, relationshipName: string): ChildRelationship | undefined {
  const lower = relationshipName.toLowerCase();
  return object.childRelationships.find((c) => c.relationshipName.toLowerCase() === lower);
}

const BY_PREFIX = new Map([...OBJECTS.values()].map((object) => [object.keyPrefix, object]));

export function objectByPrefix(id: string): ObjectDef | undefined {
  const object = BY_PREFIX.get(id.slice(0, 3));
  return object && !hidden.has(object.name.toLowerCase()) ? object : undefined;
}
