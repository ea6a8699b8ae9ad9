import { SALESFORCE_FIXTURES as SF } from '../../sandbox/salesforce/index';
import type { LwcObject } from '../shared/lwc-core';
import { sandboxFetch } from './sandbox';

// What the Lightning component's wires would hear from the org, read from the sandbox org. The sandbox speaks
// Salesforce's REST API, not the UI API's GraphQL, so each GraphQL query the component makes is asked as the SOQL it
// stands for, and the REST records are written in the GraphQL answer's shape ({ Field: { value } }, edges, nodes).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Rest = { [key: string]: Json };

const API = `https://${SF.hosts.api}/services/data/v${SF.apiVersion}`;

export async function soql(token: string, query: string): Promise<Rest[]> {
  const answer = await sandboxFetch(`${API}/query?q=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${token}` } });
  if (!answer.ok) throw new Error(`The sandbox org refused ${query}: ${answer.status} ${await answer.text()}`);
  const body = (await answer.json()) as { records: Rest[]; done: boolean };
  if (!body.done) throw new Error(`More rows than one page for ${query}`);
  return body.records;
}

/** A REST record as a UI API GraphQL node. */
export function graphqlNode(record: Rest): Json {
  const node: Rest = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === 'attributes') continue;
    if (name === 'Id') node[name] = value;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      node[name] = 'records' in value ? { edges: ((value.records as Rest[]) ?? []).map((r) => ({ node: graphqlNode(r) })) } : graphqlNode(value as Rest);
    } else node[name] = { value };
  }
  return node;
}

const lit = (id: string | null) => (id ? `'${id}'` : 'null');

/** The getRecord answer (a UI API record) for the fields the component asks of each object. */
export async function uiRecord(token: string, object: LwcObject, id: string): Promise<Json> {
  const fields = { Contact: ['Name', 'AccountId'], Account: ['Name'], Opportunity: ['Name', 'AccountId'], Case: ['CaseNumber', 'Subject', 'AccountId', 'ContactId'] }[object];
  const [row] = await soql(token, `SELECT Id, ${fields.join(', ')} FROM ${object} WHERE Id = '${id}'`);
  if (!row) throw new Error(`No ${object} ${id} in the sandbox org`);
  return { apiName: object, id, fields: Object.fromEntries(fields.map((f) => [f, { value: row[f] ?? null, displayValue: null }])) };
}

/** The component's context query (loyaltyLensCard.js CONTEXT_QUERY), answered from the sandbox org. */
export async function contextAnswer(token: string, variables: { accountId: string | null; contactId: string | null; opportunityId: string | null }): Promise<Json> {
  const { accountId, contactId, opportunityId } = variables;
  const account = accountId ? await soql(token, `SELECT Id, Name, OwnerId, Owner.Name FROM Account WHERE Id = ${lit(accountId)}`) : [];
  const opportunities = await soql(
    token,
    `SELECT Id, Name, Amount, (SELECT ContactId, Contact.Name FROM OpportunityContactRoles) ` +
      `FROM Opportunity WHERE AccountId = ${lit(accountId)} AND IsClosed = false ORDER BY Amount DESC LIMIT 200`,
  );
  const roles = await soql(token, `SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId = ${lit(opportunityId)}`);
  const contacts = await soql(
    token,
    `SELECT Id, Name, Email, Title, AccountId, OwnerId, Owner.Name, CreatedDate FROM Contact WHERE AccountId = ${lit(accountId)} OR Id = ${lit(contactId)} ORDER BY Name LIMIT 200`,
  );
  // GraphQL filters on the invitation's contact's account; SOQL says the same with a semi-join per audience.
  const surveyFields =
    'Id, NumberValue, ResponseValue, QuestionId, Question.Name, Question.QuestionType, ResponseId, Response.CompletionDateTime, Response.Status, ' +
    'InvitationId, Invitation.ContactId, Invitation.LeadId, Invitation.Contact.AccountId, Invitation.Survey.Name';
  const surveys = new Map<string, Rest>();
  for (const audience of [accountId ? `Contact.AccountId = ${lit(accountId)}` : null, contactId ? `ContactId = ${lit(contactId)}` : null]) {
    if (!audience) continue;
    const rows = await soql(
      token,
      `SELECT ${surveyFields} FROM SurveyQuestionResponse WHERE Question.QuestionType IN ('NPS', 'FreeText') AND ` +
        `InvitationId IN (SELECT Id FROM SurveyInvitation WHERE ${audience}) ORDER BY Response.CompletionDateTime DESC LIMIT 2000`,
    );
    for (const row of rows) surveys.set(String(row.Id), row);
  }
  const cases = await soql(
    token,
    `SELECT Id, CaseNumber, Subject, Status, IsClosed, ContactId, AccountId, OwnerId, Owner.Name, CreatedDate FROM Case ` +
      `WHERE IsClosed = false AND (AccountId = ${lit(accountId)} OR ContactId = ${lit(contactId)}) ORDER BY CreatedDate DESC LIMIT 200`,
  );
  const tasks = await soql(
    token,
    `SELECT Id, Subject, Status, IsClosed, ActivityDate, WhoId, WhatId, OwnerId, Owner.Name, CreatedDate FROM Task ` +
      `WHERE IsClosed = false AND (AccountId = ${lit(accountId)} OR WhoId = ${lit(contactId)}) ORDER BY CreatedDate DESC LIMIT 200`,
  );
  const edges = (rows: Rest[]) => ({ edges: rows.map((r) => ({ node: graphqlNode(r) })) });
  return {
    uiapi: {
      query: {
        Account: edges(account),
        Opportunity: edges(opportunities),
        OpportunityContactRole: edges(roles),
        Contact: edges(contacts),
        SurveyQuestionResponse: edges([...surveys.values()]),
        Case: edges(cases),
        Task: edges(tasks),
      },
    },
  };
}

/** The component's currency query (CURRENCY_QUERY), answered from the sandbox org, which has multiple currencies. */
export async function currencyAnswer(token: string, accountId: string): Promise<Json> {
  const account = await soql(token, `SELECT Id, CurrencyIsoCode FROM Account WHERE Id = ${lit(accountId)}`);
  const opportunities = await soql(token, `SELECT Id, CurrencyIsoCode FROM Opportunity WHERE AccountId = ${lit(accountId)} AND IsClosed = false LIMIT 200`);
  const edges = (rows: Rest[]) => ({ edges: rows.map((r) => ({ node: graphqlNode(r) })) });
  return { uiapi: { query: { Account: edges(account), Opportunity: edges(opportunities) } } };
}
