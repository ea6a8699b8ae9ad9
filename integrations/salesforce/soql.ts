import type { SalesforceSource, Settings } from '../../core/settings';

// Every SOQL statement the connector sends is built here. Values never reach a query unquoted:
// ids must look like ids, API names like API names, and strings are escaped as SOQL requires.

const ID = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
/** A composite reference such as @{focus.records[0].AccountId}, resolved by Salesforce before the query runs. */
const REFERENCE = /^@\{[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+|\[\d+\])*\}$/;

/** A single-currency org's currency; in a multi-currency org, the corporate one's locale currency (see connection.ts). */
export const ORGANIZATION_CURRENCY_QUERY = 'SELECT DefaultCurrencyIsoCode FROM Organization';
/** The corporate currency of a multi-currency org; other orgs have no CurrencyType (INVALID_TYPE). */
export const CORPORATE_CURRENCY_QUERY = 'SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true';

/** A SOQL string literal. Escapes per the SOQL reference: backslash, quotes and control characters. */
export function quote(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\b\f]/g, (ch) => {
    switch (ch) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      case '\f':
        return '\\f';
      default:
        return `\\${ch}`;
    }
  });
  return `'${escaped}'`;
}

/** A string literal for LIKE: also escapes the wildcards, so the value matches only itself. */
export function quoteLike(value: string, { prefix = false, suffix = false } = {}): string {
  const inner = quote(value).slice(1, -1).replace(/[%_]/g, (ch) => `\\${ch}`);
  return `'${prefix ? '%' : ''}${inner}${suffix ? '%' : ''}'`;
}

/** A record id literal; anything that is not a 15/18-character id is refused rather than quoted. */
export function idLiteral(id: string): string {
  if (ID.test(id)) return `'${id}'`;
  if (REFERENCE.test(id)) return `'${id}'`;
  throw new RangeError(`Not a Salesforce id: ${JSON.stringify(id)}`);
}

/** An object or field API name, optionally a relationship path (Owner.Name). */
export function apiName(name: string): string {
  if (name.split('.').every((part) => API_NAME.test(part))) return name;
  throw new RangeError(`Not a Salesforce API name: ${JSON.stringify(name)}`);
}

function inList(values: readonly string[], literal: (v: string) => string): string {
  return `(${values.map(literal).join(', ')})`;
}

/** The relationship name of a lookup field: AccountId → Account, Foo__c → Foo__r. */
export function relationshipOf(field: string): string {
  if (field.endsWith('__c')) return `${field.slice(0, -3)}__r`;
  if (field.endsWith('Id')) return field.slice(0, -2);
  return field;
}

/** Marks the Tasks Loyalty Lens writes, so the team's past loops can be read back. */
export const LOOP_SUBJECT_PREFIX = 'Loyalty Lens';

// ---------------------------------------------------------------------------------------------
// Building blocks shared by the record queries

/** How many contacts of an account are listed with their rows; one more is asked for to notice a big account. */
export const LISTED_CONTACTS = 200;

const OWNER = 'OwnerId, Owner.Name';
const CONTACT_FIELDS = `Id, Name, Email, Title, AccountId, ${OWNER}, CreatedDate`;
const CASE_FIELDS = `Id, CaseNumber, Subject, Status, IsClosed, Type, Origin, ContactId, AccountId, ${OWNER}, CreatedDate`;
const TASK_FIELDS = `Id, Subject, Description, Status, IsClosed, ActivityDate, WhoId, WhatId, ${OWNER}, CreatedDate, CreatedBy.Name`;

function caseFilter(settings: Settings): string {
  const parts = ['IsClosed = false'];
  if (settings.salesforce.caseTypes.length > 0) parts.push(`Type IN ${inList(settings.salesforce.caseTypes, quote)}`);
  if (settings.salesforce.caseOrigins.length > 0) parts.push(`Origin IN ${inList(settings.salesforce.caseOrigins, quote)}`);
  return parts.join(' AND ');
}

/** Open tasks, and the completed ones Loyalty Lens wrote (the team's closed loops). */
function taskFilter(): string {
  return `(IsClosed = false OR Subject LIKE ${quoteLike(LOOP_SUBJECT_PREFIX, { suffix: true })})`;
}

function openCasesSubquery(settings: Settings): string {
  return `(SELECT ${CASE_FIELDS} FROM Cases WHERE ${caseFilter(settings)} ORDER BY CreatedDate DESC LIMIT 200)`;
}

function tasksSubquery(): string {
  return `(SELECT ${TASK_FIELDS} FROM Tasks WHERE ${taskFilter()} ORDER BY CreatedDate DESC LIMIT 200)`;
}

/** What this org has, learned from its answers: person accounts, multiple currencies, the latest-NPS contact field. */
export interface OrgFields {
  personAccount: boolean;
  multiCurrency: boolean;
  lastNps: boolean;
}

/** The Contact number field an admin's Flow keeps with each contact's latest NPS score (see the README). */
export const LAST_NPS_FIELD = 'Loyalty_Lens_Last_NPS__c';

/**
 * The account's open opportunities with their contact roles (each contact's name and, where the org has the field,
 * latest NPS score), in the record's own currency where the org has several. One subquery level below the account.
 */
function openOpportunitiesSubquery(fields: OrgFields): string {
  const roles = `(SELECT ContactId, Contact.Name${fields.lastNps ? `, Contact.${LAST_NPS_FIELD}` : ''} FROM OpportunityContactRoles)`;
  return `(SELECT Id, Name, Amount${fields.multiCurrency ? ', CurrencyIsoCode' : ''}, ${roles} FROM Opportunities WHERE IsClosed = false ORDER BY Amount DESC LIMIT 200)`;
}

function revenueSelect(settings: Settings, fields: OrgFields): string {
  const revenue = settings.salesforce.revenue;
  return revenue.kind === 'accountField' ? `, ${apiName(revenue.field)}` : `, ${openOpportunitiesSubquery(fields)}`;
}

// ---------------------------------------------------------------------------------------------
// Record queries

export function contactQuery(id: string, settings: Settings): string {
  return `SELECT ${CONTACT_FIELDS}, ${openCasesSubquery(settings)}, ${tasksSubquery()} FROM Contact WHERE Id = ${idLiteral(id)}`;
}

export function leadQuery(id: string): string {
  return `SELECT Id, Name, Email, Title, Company, ${OWNER}, CreatedDate, ${tasksSubquery()} FROM Lead WHERE Id = ${idLiteral(id)}`;
}

/** The opportunity with its contact roles: the contacts an opportunity page is about. */
export function opportunityQuery(id: string): string {
  return `SELECT Id, Name, AccountId, Amount, StageName, ${OWNER}, (SELECT ContactId FROM OpportunityContactRoles) FROM Opportunity WHERE Id = ${idLiteral(id)}`;
}

export function caseQuery(id: string): string {
  return `SELECT ${CASE_FIELDS} FROM Case WHERE Id = ${idLiteral(id)}`;
}

/**
 * The account with its owner, revenue, listed contacts (one more than listed, to notice a big account)
 * and open cases. `withPersonAccount` is false in orgs without person accounts, where the field does not exist.
 */
export function accountQuery(accountId: string, settings: Settings, fields: OrgFields): string {
  return (
    `SELECT Id, Name, ${OWNER}${fields.personAccount ? ', IsPersonAccount, PersonContactId' : ''}${fields.multiCurrency ? ', CurrencyIsoCode' : ''}` +
    `${revenueSelect(settings, fields)}, ` +
    `(SELECT ${CONTACT_FIELDS} FROM Contacts ORDER BY Name LIMIT ${LISTED_CONTACTS + 1}), ` +
    `${openCasesSubquery(settings)} FROM Account WHERE Id = ${idLiteral(accountId)}`
  );
}

/** Open tasks on the account's contacts and records, and our past outcome tasks (Task.AccountId is derived). */
export function accountTasksQuery(accountId: string): string {
  return `SELECT ${TASK_FIELDS} FROM Task WHERE AccountId = ${idLiteral(accountId)} AND ${taskFilter()} ORDER BY CreatedDate DESC LIMIT 500`;
}

export function contactCountQuery(accountId: string): string {
  return `SELECT COUNT() FROM Contact WHERE AccountId = ${idLiteral(accountId)}`;
}

/**
 * A big account's contacts per title whose latest NPS score (LAST_NPS_FIELD) falls in one segment: people, not answers.
 * The field is a number, which SOQL cannot group by, so each segment is its own count, grouped by title for the
 * role weights (a contact's role is its title on Salesforce).
 */
export function latestNpsByTitleQuery(accountId: string, segment: 'promoter' | 'passive' | 'detractor'): string {
  const range = segment === 'promoter' ? `${LAST_NPS_FIELD} >= 9` : segment === 'passive' ? `${LAST_NPS_FIELD} >= 7 AND ${LAST_NPS_FIELD} < 9` : `${LAST_NPS_FIELD} < 7`;
  return `SELECT Title t, COUNT(Id) n FROM Contact WHERE AccountId = ${idLiteral(accountId)} AND ${LAST_NPS_FIELD} >= 0 AND ${range} GROUP BY Title`;
}

// ---------------------------------------------------------------------------------------------
// A big account's contact list (account-contacts.ts), by the latest-NPS field

/** Salesforce refuses an OFFSET above this (NUMBER_OUTSIDE_VALID_RANGE); later pages continue after the last row read. */
export const MAX_OFFSET = 2_000;

/** Which of the account's contacts a list shows: a score range of the latest-NPS field (null: no answer), a name. */
export interface ContactListFilter {
  /** Undefined: every contact. */
  range?: readonly [number, number] | null;
  search: string;
  /** The last row of the previous page, to continue after it (keyset) where OFFSET cannot reach. */
  after?: { score: number | null; id: string };
}

function contactListWhere(accountId: string, filter: ContactListFilter): string {
  const parts = [`AccountId = ${idLiteral(accountId)}`];
  if (filter.range === null) parts.push(`${LAST_NPS_FIELD} = null`);
  else if (filter.range) {
    const [low, high] = filter.range.map((n) => Math.trunc(n));
    parts.push(`${LAST_NPS_FIELD} >= ${low} AND ${LAST_NPS_FIELD} <= ${high}`);
  }
  const text = filter.search.trim();
  // LIKE is case-insensitive in SOQL; the text is escaped, wildcards included, so it matches only itself.
  if (text !== '') parts.push(`Name LIKE ${quoteLike(text, { prefix: true, suffix: true })}`);
  if (filter.after) {
    const id = idLiteral(filter.after.id);
    const score = filter.after.score;
    // The order is the latest score ascending, no answer last, then Id: what comes after one row.
    parts.push(
      score === null
        ? `(${LAST_NPS_FIELD} = null AND Id > ${id})`
        : `(${LAST_NPS_FIELD} > ${Math.trunc(score)} OR (${LAST_NPS_FIELD} = ${Math.trunc(score)} AND Id > ${id}) OR ${LAST_NPS_FIELD} = null)`,
    );
  }
  return parts.join(' AND ');
}

/** One page of the account's contacts, lowest latest score first, those without one last. */
export function contactListQuery(accountId: string, filter: ContactListFilter, limit: number, offset: number): string {
  const n = Math.max(1, Math.min(200, Math.floor(limit)));
  const skip = Math.max(0, Math.floor(offset));
  if (skip > MAX_OFFSET) throw new RangeError(`OFFSET ${skip} is above Salesforce's ${MAX_OFFSET}`);
  return (
    `SELECT ${CONTACT_FIELDS}, ${LAST_NPS_FIELD} FROM Contact WHERE ${contactListWhere(accountId, filter)} ` +
    `ORDER BY ${LAST_NPS_FIELD} ASC NULLS LAST, Id ASC LIMIT ${n}${skip > 0 ? ` OFFSET ${skip}` : ''}`
  );
}

/** How many of the account's contacts the list lets through (Salesforce counts). */
export function contactListCountQuery(accountId: string, filter: ContactListFilter): string {
  return `SELECT COUNT() FROM Contact WHERE ${contactListWhere(accountId, { range: filter.range, search: filter.search })}`;
}

// ---------------------------------------------------------------------------------------------
// Score sources

export type SurveysSource = Extract<SalesforceSource, { kind: 'salesforce-surveys' }>;
export type CustomSource = Extract<SalesforceSource, { kind: 'salesforce-custom-object' }>;

/** Who a source's rows are read for: an account's contacts, some contacts, or a lead. */
export type Audience =
  | { kind: 'account'; accountId: string }
  | { kind: 'contacts'; contactIds: string[] }
  | { kind: 'lead'; leadId: string };

/** Free-text answers, read as the comment of the scores given in the same response. */
export const COMMENT_QUESTION_TYPES = ['FreeText'] as const;

const SURVEY_FIELDS =
  'Id, NumberValue, ResponseValue, QuestionId, Question.Name, Question.QuestionType, ResponseId, ' +
  'Response.CompletionDateTime, Response.Status, InvitationId, Invitation.ContactId, Invitation.Contact.AccountId, ' +
  'Invitation.LeadId, Invitation.Survey.Name';

/** Responses are found through their invitations (a semi-join on the indexed InvitationId). */
function surveyAudience(audience: Audience): string {
  const invitations = (where: string) => `InvitationId IN (SELECT Id FROM SurveyInvitation WHERE ${where})`;
  switch (audience.kind) {
    case 'account':
      return invitations(`Contact.AccountId = ${idLiteral(audience.accountId)}`);
    case 'contacts':
      return invitations(`ContactId IN ${inList(audience.contactIds, idLiteral)}`);
    case 'lead':
      return invitations(`LeadId = ${idLiteral(audience.leadId)}`);
  }
}

function surveyQuestions(source: SurveysSource): string {
  const types = inList(['NPS', ...COMMENT_QUESTION_TYPES], quote);
  const ids = [...source.csatQuestionIds, ...source.cesQuestionIds];
  return ids.length > 0
    ? `(Question.QuestionType IN ${types} OR QuestionId IN ${inList(ids, idLiteral)})`
    : `Question.QuestionType IN ${types}`;
}

export function surveyResponsesQuery(source: SurveysSource, audience: Audience): string {
  return (
    `SELECT ${SURVEY_FIELDS} FROM SurveyQuestionResponse WHERE ${surveyAudience(audience)} AND ${surveyQuestions(source)} ` +
    `ORDER BY Response.CompletionDateTime DESC`
  );
}

function customFields(source: CustomSource): string[] {
  const contactRel = relationshipOf(source.contactField);
  return [
    'Id',
    source.scoreField,
    source.dateField,
    source.contactField,
    `${contactRel}.AccountId`,
    ...(source.accountField ? [source.accountField] : []),
    ...(source.commentField ? [source.commentField] : []),
    ...(source.surveyKindField ? [source.surveyKindField] : []),
    ...(source.surveyNameField ? [source.surveyNameField] : []),
  ].map(apiName);
}

/** Mapped objects point at contacts, so they are read per account or per contact (never for a lead). */
export type ContactAudience = Exclude<Audience, { kind: 'lead' }>;

function customAudience(source: CustomSource, audience: ContactAudience): string {
  switch (audience.kind) {
    case 'account':
      return source.accountField
        ? `${apiName(source.accountField)} = ${idLiteral(audience.accountId)}`
        : `${apiName(relationshipOf(source.contactField))}.AccountId = ${idLiteral(audience.accountId)}`;
    case 'contacts':
      return `${apiName(source.contactField)} IN ${inList(audience.contactIds, idLiteral)}`;
  }
}

export function customResponsesQuery(source: CustomSource, audience: ContactAudience): string {
  return (
    `SELECT ${[...new Set(customFields(source))].join(', ')} FROM ${apiName(source.object)} ` +
    `WHERE ${customAudience(source, audience)} ORDER BY ${apiName(source.dateField)} DESC`
  );
}

/** A source's responses of an audience; null where the source cannot have any (a custom object names no lead). */
export function sourceQuery(source: SalesforceSource, audience: Audience): string | null {
  if (source.kind === 'salesforce-surveys') return surveyResponsesQuery(source, audience);
  if (audience.kind === 'lead') return null;
  return customResponsesQuery(source, audience);
}

/** The names of the contacts a preview read (at most 200: one preview page). */
export function contactNamesQuery(ids: readonly string[]): string {
  return `SELECT Id, Name FROM Contact WHERE Id IN (${ids.slice(0, 200).map(idLiteral).join(', ')})`;
}

/** The first rows of a source, for the mapping preview in the options page. */
export function previewQuery(source: SalesforceSource, limit: number): string {
  const n = Math.max(1, Math.min(200, Math.floor(limit)));
  if (source.kind === 'salesforce-surveys') {
    return `SELECT ${SURVEY_FIELDS} FROM SurveyQuestionResponse WHERE ${surveyQuestions(source)} ORDER BY Response.CompletionDateTime DESC LIMIT ${n}`;
  }
  return `SELECT ${[...new Set(customFields(source))].join(', ')} FROM ${apiName(source.object)} ORDER BY ${apiName(source.dateField)} DESC LIMIT ${n}`;
}

function npsScope(source: SalesforceSource, accountId: string, windowDays: number): { object: string; score: string; date: string; where: string } {
  const days = Math.max(1, Math.floor(windowDays));
  if (source.kind === 'salesforce-surveys') {
    const date = 'Response.CompletionDateTime';
    return {
      object: 'SurveyQuestionResponse',
      score: 'NumberValue',
      date,
      where: `${surveyAudience({ kind: 'account', accountId })} AND Question.QuestionType = 'NPS' AND ${date} = LAST_N_DAYS:${days}`,
    };
  }
  const date = apiName(source.dateField);
  const kind = source.surveyKindField ? ` AND ${apiName(source.surveyKindField)} = 'NPS'` : '';
  return {
    object: apiName(source.object),
    score: apiName(source.scoreField),
    date,
    where: `${customAudience(source, { kind: 'account', accountId })}${kind} AND ${date} = LAST_N_DAYS:${days}`,
  };
}

/** NPS answers of a big account per score within the window, counted by Salesforce. */
export function npsCountsQuery(source: SalesforceSource, accountId: string, windowDays: number): string {
  const scope = npsScope(source, accountId, windowDays);
  return `SELECT ${scope.score} score, COUNT(Id) n FROM ${scope.object} WHERE ${scope.where} GROUP BY ${scope.score}`;
}

/** The same counts per calendar quarter, for the trend. */
export function npsByQuarterQuery(source: SalesforceSource, accountId: string, windowDays: number): string {
  const { object, score, date, where } = npsScope(source, accountId, windowDays);
  return (
    `SELECT CALENDAR_YEAR(${date}) y, CALENDAR_QUARTER(${date}) q, ${score} score, COUNT(Id) n FROM ${object} ` +
    `WHERE ${where} GROUP BY CALENDAR_YEAR(${date}), CALENDAR_QUARTER(${date}), ${score}`
  );
}

/** How many distinct contacts answered within the window. */
export function respondentCountQuery(source: SalesforceSource, accountId: string, windowDays: number): string {
  const { object, where } = npsScope(source, accountId, windowDays);
  const contact = source.kind === 'salesforce-surveys' ? 'Invitation.ContactId' : apiName(source.contactField);
  return `SELECT COUNT_DISTINCT(${contact}) n FROM ${object} WHERE ${where}`;
}

// ---------------------------------------------------------------------------------------------
// Writes and setup

export function closedCaseStatusQuery(): string {
  return 'SELECT MasterLabel, ApiName, IsClosed, SortOrder FROM CaseStatus WHERE IsClosed = true ORDER BY SortOrder';
}

/** Finds an outcome Task already written with this key (orgs without the External ID field). */
export function taskByMarkerQuery(keys: readonly string[]): string {
  const likes = keys.map((key) => `Subject LIKE ${quoteLike(key, { prefix: true, suffix: true })}`);
  return `SELECT Id, Subject FROM Task WHERE ${likes.length === 1 ? likes[0] : `(${likes.join(' OR ')})`}`;
}

/** Tasks holding these keys in the External ID field (the look-up before an outcome is written again). */
export function taskByKeyQuery(keyField: string, keys: readonly string[]): string {
  return `SELECT Id, ${apiName(keyField)} FROM Task WHERE ${apiName(keyField)} IN (${keys.map(quote).join(', ')})`;
}

/** Which of these Cases or Tasks are still open, so closing one already closed sends no update. */
export function openRecordsQuery(object: 'Case' | 'Task', ids: readonly string[]): string {
  return `SELECT Id FROM ${object} WHERE Id IN (${ids.map(idLiteral).join(', ')}) AND IsClosed = false`;
}

/** A follow-up Case already opened for this response, and the owners routing may pick. */
export function followUpLookupQuery(contactId: string, responseMarker: string): string {
  return (
    `SELECT Id, ${OWNER}, AccountId, Account.OwnerId, ` +
    `(SELECT Id, CaseNumber, IsClosed FROM Cases WHERE Subject LIKE ${quoteLike(responseMarker, { prefix: true, suffix: true })} LIMIT 1) ` +
    `FROM Contact WHERE Id = ${idLiteral(contactId)}`
  );
}

export function organizationQuery(): string {
  return 'SELECT Id, Name FROM Organization';
}
