import { rowKey, type Contact, type LoopRecord, type RecordContext, type RecordRef, type SurveyResponse } from '../../core/schema';

// Rows of the local cache as a HubSpot read of portal 40001 saves them, for tests of the store and of what panels show.

/** The cache key of the portal's record `id`. */
function keyOf(id: string): string {
  return rowKey('hubspot', '40001', id);
}

/** A row's identity in the cache: its key, CRM, portal and id. */
function identity(id: string) {
  return { key: keyOf(id), crm: 'hubspot' as const, instance: '40001', id };
}

export function contact(id: string, accountId: string | null): Contact {
  return {
    ...identity(id),
    accountKey: accountId ? keyOf(accountId) : null,
    kind: 'contact',
    name: `Contact ${id}`,
    email: `c${id}@example.com`,
    title: null,
    ownerName: null,
    role: null,
    lastSurveyedAt: null,
    url: null,
  };
}

export function response(id: string, contactId: string, accountId: string | null, score: number, submittedAt: number): SurveyResponse {
  return {
    ...identity(id),
    contactKey: keyOf(contactId),
    accountKey: accountId ? keyOf(accountId) : null,
    kind: 'nps',
    score,
    scaleMax: 10,
    submittedAt,
    comment: 'Fine',
    surveyName: 'Quarterly NPS',
    channel: 'email',
    source: 'hubspot-feedback',
    subjectId: null,
  };
}

export function context(ref: RecordRef, fetchedAt: number, responses: SurveyResponse[], contacts: Contact[]): RecordContext {
  return {
    ref,
    title: `Record ${ref.id}`,
    focusContactKeys: ref.objectType === 'contact' ? [keyOf(ref.id)] : [],
    account: null,
    accountCounts: null,
    contacts,
    responses,
    followUps: [],
    followUpsRead: 'focusAndAccount',
    loops: [],
    rejected: [{ source: 'hubspot-feedback', rowId: '999', field: 'hs_value', value: 'N/A', reason: 'not a number' }],
    requestCount: 3,
    fetchedAt,
  };
}

export function loop(id: string, contactId: string, loggedAt: number): LoopRecord {
  return {
    ...identity(id),
    contactKey: keyOf(contactId),
    idempotencyKey: null,
    loggedAt,
    loggedBy: 'Maya Lindgren',
    result: 'reached-resolved',
    rootCauses: [],
    summary: 'Called back.',
    url: null,
  };
}
