import type { FollowUp, SurveyResponse } from '../../core/schema';
import { followUpSubject } from '../../core/follow-up-subject';
import type { Settings } from '../../core/settings';
import { CrmError, mayHaveCommitted, type OpenedFollowUp } from '../crm';
import { mayStillBeRunning } from '../unconfirmed-creates';
import { parseWith, type Meter } from './client';
import type { SalesforceOrg } from './connection';
import { saveError, toCrmError } from './errors';
import { recordUrl } from './paths';
import { parseSfDate, queryResultSchema, saveResultsSchema, sfAccountRecordSchema, sfCaseSchema, sfContactSchema, type SfCase, type SfTask } from './schema';
import * as soql from './soql';

// Follow-ups on Salesforce: open Cases and open Tasks a view lists, and the Case the panel opens for one response.
// The Case is found again by the response's marker in its subject (HubSpot upserts its ticket on a key property).

export function caseFollowUp(org: SalesforceOrg, row: SfCase): FollowUp {
  return {
    key: org.key(row.Id),
    crm: 'salesforce',
    instance: org.instance(),
    id: row.Id,
    kind: 'case',
    contactKey: row.ContactId ? org.key(row.ContactId) : null,
    accountKey: row.AccountId ? org.key(row.AccountId) : null,
    // A Case opened from the panel names its response in the subject's marker (see createFollowUp).
    responseKey: responseMarker(org, row.Subject),
    title: caseTitle(row),
    status: row.IsClosed ? 'closed' : 'open',
    statusLabel: row.Status,
    ownerId: row.OwnerId,
    ownerName: row.Owner?.Name ?? null,
    createdAt: parseSfDate(row.CreatedDate) ?? 0,
    dueAt: null,
    url: recordUrl(org.instance(), 'Case', row.Id),
  };
}

function responseMarker(org: SalesforceOrg, subject: string | null | undefined): string | null {
  const id = subject ? /\[([^\]\s]+)\]$/.exec(subject)?.[1] : undefined;
  return id ? org.key(id) : null;
}

/**
 * How a Case is named to people: its number (what an agent quotes on a call) and its subject, without the response
 * marker (a Salesforce id in brackets) the subject carries for exactly-once creates — an id is no word. No English
 * "Case" either: the surface says the kind in the reader's language.
 */
export function caseTitle(row: { CaseNumber?: string | null; Id: string; Subject?: string | null }): string {
  const subject = row.Subject?.replace(/\s*\[[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?\]$/, '').trim();
  const number = row.CaseNumber ?? row.Id;
  return subject ? `${number} · ${subject}` : number;
}

export function taskFollowUp(org: SalesforceOrg, row: SfTask, accountId: string | null): FollowUp {
  return {
    key: org.key(row.Id),
    crm: 'salesforce',
    instance: org.instance(),
    id: row.Id,
    kind: 'task',
    contactKey: row.WhoId ? org.key(row.WhoId) : null,
    accountKey: accountId ? org.key(accountId) : null,
    responseKey: null,
    title: row.Subject ?? 'Task',
    status: row.IsClosed ? 'closed' : 'open',
    statusLabel: row.Status,
    ownerId: row.OwnerId,
    ownerName: row.Owner?.Name ?? null,
    createdAt: parseSfDate(row.CreatedDate) ?? 0,
    dueAt: parseSfDate(row.ActivityDate),
    url: recordUrl(org.instance(), 'Task', row.Id),
  };
}

/**
 * A Case for a response, owned per settings.rules.routing; an answer that already has one gets that one back.
 * Case has no key field: the Subject ends with the response id in brackets, and a SOQL look-up (no index lag) finds
 * it — before the create, and again after a create that met a 5xx, a timeout or a cut connection, so such a create
 * is adopted if Salesforce committed it and sent once more only if not.
 */
export async function createFollowUp(org: SalesforceOrg, response: SurveyResponse, settings: Settings): Promise<OpenedFollowUp> {
  org.checkInstance(response.instance);
  const meter: Meter = { requests: 0 };
  const contactId = response.contactKey.split('|').pop() ?? '';
  const marker = `[${response.id}]`;
  const lookUp = async () => {
    const lookup = parseWith(
      queryResultSchema(
        sfContactSchema.pick({ Id: true, OwnerId: true, AccountId: true }).extend({
          Account: sfAccountRecordSchema.pick({ OwnerId: true }).nullable().optional(),
          Cases: queryResultSchema(sfCaseSchema.pick({ Id: true, CaseNumber: true, IsClosed: true })).nullable().optional(),
        }),
      ),
      await org.api.query(soql.followUpLookupQuery(contactId, marker), meter, { mapping: settings.salesforce }),
      'the contact lookup',
    );
    const contact = lookup.records[0];
    if (!contact) throw new CrmError('not-found', 'The contact of this response was deleted or merged, or you cannot see it.');
    return contact;
  };
  const contact = await lookUp();
  const existing = contact.Cases?.records[0];
  if (existing) {
    org.unconfirmedFollowUps.settled(response.key);
    return { id: existing.Id, url: recordUrl(org.instance(), 'Case', existing.Id), created: false, closed: existing.IsClosed };
  }
  const waiting = org.unconfirmedFollowUps.pending(response.key, org.now());
  if (waiting) throw waiting;
  const routing = settings.rules.routing;
  const ownerId =
    routing.kind === 'namedUser' ? routing.userId : routing.kind === 'accountOwner' ? (contact.Account?.OwnerId ?? contact.OwnerId) : contact.OwnerId;
  const urgent = response.kind === 'nps' && response.score <= settings.rules.urgentMaxScore;
  const create = async (): Promise<OpenedFollowUp> => {
    const body = await org.api.request(
      {
        method: 'POST',
        url: org.api.paths.object('Case'),
        body: {
          Subject: `${followUpSubject(response, null).slice(0, 254 - marker.length)} ${marker}`,
          Description: response.comment ?? '',
          ContactId: contactId,
          ...(contact.AccountId ? { AccountId: contact.AccountId } : {}),
          ...(ownerId ? { OwnerId: ownerId } : {}),
          ...(settings.salesforce.followUpCaseType ? { Type: settings.salesforce.followUpCaseType } : {}),
          Priority: urgent ? 'High' : 'Medium',
          Origin: 'Web',
        },
        idempotent: false,
      },
      meter,
      { mapping: settings.salesforce },
    );
    const created = parseWith(saveResultsSchema.element, body, 'the Case save result');
    if (!created.success || !created.id) throw saveError(created);
    return { id: created.id, url: recordUrl(org.instance(), 'Case', created.id), created: true, closed: false };
  };
  const sentAt = org.now();
  try {
    return await create();
  } catch (error) {
    const crmError = toCrmError(error, { mapping: settings.salesforce });
    if (!mayHaveCommitted(crmError)) throw crmError;
    const committed = (await lookUp()).Cases?.records[0];
    if (committed) return { id: committed.Id, url: recordUrl(org.instance(), 'Case', committed.Id), created: true, closed: committed.IsClosed };
    // A create that may still be running is not sent beside it: the next ask looks for it once it must have ended.
    if (mayStillBeRunning(crmError)) throw org.unconfirmedFollowUps.unconfirmed(response.key, sentAt, crmError);
    return await create();
  }
}
