import { z } from 'zod';
import { crmSchema, outcomeInputSchema, recordRefSchema } from './schema';
import { hubspotSourceSchema, salesforceSourceSchema } from './settings';
import type { ConnectionInfo, LoopFieldStatus, MetadataField, MetadataObject, OpenedFollowUp, PreviewResult, TicketPipeline } from './crm';
import type { LoopNumbers } from './loop-metrics';
import type { Owner, TeamCount, WorklistRead, WorklistSnapshot } from './worklist';
import { insightsQuerySchema, type InsightsSnapshot } from './insights';
import { contactCursorSchema, contactListQuerySchema, type AccountContactsPage } from './account-contacts';

// The requests of the messaging protocol and their replies. Both sides stand on this file: the background
// (core/messaging.ts, which adds who may send what) and the sender (core/send.ts), so neither imports the other.

const idempotencyKey = z.string().regex(/^[A-Za-z0-9-]{16,64}$/);
/** A CRM owner or record id (HubSpot numeric, Salesforce 15/18 characters). */
const ownerId = z.string().regex(/^[A-Za-z0-9]{1,64}$/);

export const requestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('record.refresh'), ref: recordRefSchema }),
  z.strictObject({ type: z.literal('outcome.log'), input: outcomeInputSchema }),
  z.strictObject({ type: z.literal('outcome.retry'), idempotencyKey }),
  z.strictObject({ type: z.literal('outcome.withdraw'), idempotencyKey }),
  z.strictObject({ type: z.literal('outbox.flush') }),
  z.strictObject({ type: z.literal('loops.load'), ref: recordRefSchema }),
  z.strictObject({ type: z.literal('followUp.open'), ref: recordRefSchema, responseKey: z.string().min(5).max(300) }),
  z.strictObject({ type: z.literal('connection.test'), crm: crmSchema }),
  z.strictObject({
    type: z.literal('hubspot.connect'),
    token: z.string().min(10).max(512).regex(/^[\x21-\x7e]+$/),
    /** The portal the admin agreed may replace the connected one (after an 'other-portal' answer). */
    replacePortal: z.string().regex(/^[0-9]{1,20}$/).optional(),
  }),
  z.strictObject({ type: z.literal('salesforce.connect') }),
  z.strictObject({ type: z.literal('connector.signOut'), crm: crmSchema, queued: z.enum(['send-first', 'discard']) }),
  z.strictObject({ type: z.literal('metadata.objects'), crm: crmSchema }),
  z.strictObject({ type: z.literal('metadata.fields'), crm: crmSchema, object: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/) }),
  z.strictObject({ type: z.literal('metadata.ticketPipelines') }),
  // The follow-up's loop fields: which exist, and creating one where the CRM lets the token.
  z.strictObject({ type: z.literal('metadata.loopFields'), crm: crmSchema }),
  z.strictObject({ type: z.literal('metadata.caseReasons') }),
  z.strictObject({ type: z.literal('metadata.createLoopField'), crm: crmSchema, name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/) }),
  z.strictObject({ type: z.literal('source.preview'), source: z.union([hubspotSourceSchema, salesforceSourceSchema]) }),
  z.strictObject({ type: z.literal('data.wipe'), queued: z.enum(['keep', 'discard']) }),
  // "My open loops": the saved list at once, a fresh read, who "me" is in HubSpot, the team and reassigning.
  z.strictObject({ type: z.literal('worklist.get') }),
  z.strictObject({ type: z.literal('worklist.refresh') }),
  z.strictObject({ type: z.literal('worklist.owners'), crm: crmSchema }),
  z.strictObject({ type: z.literal('worklist.setMe'), crm: z.literal('hubspot'), owner: z.strictObject({ id: ownerId, name: z.string().min(1).max(200) }).nullable() }),
  z.strictObject({ type: z.literal('worklist.team'), crm: crmSchema }),
  z.strictObject({ type: z.literal('worklist.ownerLoops'), crm: crmSchema, ownerId }),
  z.strictObject({ type: z.literal('worklist.reassign'), crm: crmSchema, loopId: ownerId, kind: z.enum(['ticket', 'case', 'task']), ownerId }),
  z.strictObject({ type: z.literal('worklist.setInterval'), minutes: z.number().int().min(5).max(240) }),
  z.strictObject({ type: z.literal('worklist.numbers') }),
  // The outer loop (Insights page): a scope and period counted by the CRMs, from the cache unless `fresh`.
  z.strictObject({ type: z.literal('insights.load'), query: insightsQuerySchema, fresh: z.boolean() }),
  // A large account's contacts as the CRM lists them: the account of the record shown, one page of one query.
  z.strictObject({ type: z.literal('account.contacts'), ref: recordRefSchema, query: contactListQuerySchema, cursor: contactCursorSchema.nullable() }),
]);
export type Request = z.infer<typeof requestSchema>;
export type RequestType = Request['type'];

/** What each request answers with when it succeeds. */
export interface ReplyMap {
  'record.refresh': { fetchedAt: number };
  'outcome.log': { idempotencyKey: string };
  'outcome.retry': { idempotencyKey: string };
  'outcome.withdraw': { withdrawn: true };
  'outbox.flush': { sent: number; failed: number; pending: number };
  'loops.load': { readAt: number };
  'followUp.open': OpenedFollowUp;
  'connection.test': ConnectionInfo;
  'hubspot.connect': ConnectionInfo;
  'salesforce.connect': ConnectionInfo;
  'connector.signOut': { sent: number; discarded: number };
  'metadata.objects': MetadataObject[];
  'metadata.fields': MetadataField[];
  'metadata.ticketPipelines': TicketPipeline[];
  'metadata.loopFields': LoopFieldStatus[];
  'metadata.createLoopField': LoopFieldStatus[];
  /** The org's Case Reason values; null: the user cannot see the field. */
  'metadata.caseReasons': string[] | null;
  'source.preview': PreviewResult;
  'data.wipe': { keptQueued: number; discardedQueued: number };
  'worklist.get': WorklistSnapshot;
  'worklist.refresh': WorklistSnapshot;
  'worklist.owners': Owner[];
  'worklist.setMe': WorklistSnapshot;
  'worklist.team': TeamCount[];
  'worklist.ownerLoops': WorklistRead;
  'worklist.reassign': WorklistSnapshot;
  'worklist.setInterval': { minutes: number };
  'worklist.numbers': LoopNumbers;
  'insights.load': InsightsSnapshot;
  'account.contacts': AccountContactsPage;
}

export interface ErrorReply {
  ok: false;
  /** `origin` names the host permission to ask for when kind is 'permission'; `instance` the key's portal when kind is 'other-portal'. */
  error: { kind: string; message: string; origin?: string; instance?: string };
}
export type Reply<T> = { ok: true; value: T } | ErrorReply;
