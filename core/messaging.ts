import { z } from 'zod';
import type { Browser } from 'wxt/browser';
import { crmSchema, outcomeInputSchema, recordRefSchema, type RecordRef } from './schema';
import { hubspotSourceSchema, salesforceSourceSchema, type Settings } from './settings';
import type { PanelQueryResult } from './panel-data';
import type { ConnectionInfo, MetadataField, MetadataObject, OpenedFollowUp, PreviewResult, TicketPipeline } from '../integrations/crm';

// The one messaging protocol between the extension's contexts. Every request is a strict zod
// schema; the background checks both the payload and who sent it before doing anything.

const idempotencyKey = z.string().regex(/^[A-Za-z0-9-]{16,64}$/);

export const requestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('record.refresh'), ref: recordRefSchema }),
  z.strictObject({ type: z.literal('outcome.log'), input: outcomeInputSchema }),
  z.strictObject({ type: z.literal('outcome.retry'), idempotencyKey }),
  z.strictObject({ type: z.literal('outbox.flush') }),
  z.strictObject({ type: z.literal('loops.load'), ref: recordRefSchema }),
  z.strictObject({ type: z.literal('followUp.open'), ref: recordRefSchema, responseKey: z.string().min(5).max(300) }),
  z.strictObject({ type: z.literal('connection.test'), crm: crmSchema }),
  z.strictObject({ type: z.literal('hubspot.connect'), token: z.string().min(10).max(512).regex(/^[\x21-\x7e]+$/) }),
  z.strictObject({ type: z.literal('salesforce.connect') }),
  z.strictObject({ type: z.literal('connector.signOut'), crm: crmSchema, queued: z.enum(['send-first', 'discard']) }),
  z.strictObject({ type: z.literal('metadata.objects'), crm: crmSchema }),
  z.strictObject({ type: z.literal('metadata.fields'), crm: crmSchema, object: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/) }),
  z.strictObject({ type: z.literal('metadata.ticketPipelines') }),
  z.strictObject({ type: z.literal('source.preview'), source: z.union([hubspotSourceSchema, salesforceSourceSchema]) }),
  z.strictObject({ type: z.literal('data.wipe'), queued: z.enum(['keep', 'discard']) }),
]);
export type Request = z.infer<typeof requestSchema>;
export type RequestType = Request['type'];

/**
 * Which contexts may send each request. Content scripts may send none: the background learns a
 * tab's record from the tabs API, so nothing running in a CRM page can ask the extension for anything.
 */
export const allowedSenders: Record<RequestType, ReadonlyArray<SenderKind>> = {
  'record.refresh': ['extension-page'],
  'outcome.log': ['extension-page'],
  'outcome.retry': ['extension-page'],
  'outbox.flush': ['extension-page'],
  'loops.load': ['extension-page'],
  'followUp.open': ['extension-page'],
  'connection.test': ['extension-page'],
  'hubspot.connect': ['extension-page'],
  'salesforce.connect': ['extension-page'],
  'connector.signOut': ['extension-page'],
  'metadata.objects': ['extension-page'],
  'metadata.fields': ['extension-page'],
  'metadata.ticketPipelines': ['extension-page'],
  'source.preview': ['extension-page'],
  'data.wipe': ['extension-page'],
};

export type SenderKind = 'content-script' | 'extension-page';

/** What each request answers with when it succeeds. */
export interface ReplyMap {
  'record.refresh': { fetchedAt: number };
  'outcome.log': { idempotencyKey: string };
  'outcome.retry': { idempotencyKey: string };
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
  'source.preview': PreviewResult;
  'data.wipe': { keptQueued: number; discardedQueued: number };
}

/** Non-secret connection details the background keeps in storage.local for the options page and panel. */
export const CONNECTIONS_KEY = 'connections';
export type StoredConnections = Partial<Record<'hubspot' | 'salesforce', ConnectionInfo & { connectedAt: number }>>;

export interface ErrorReply {
  ok: false;
  /** `origin` names the host permission to ask for when kind is 'permission'. */
  error: { kind: string; message: string; origin?: string };
}
export type Reply<T> = { ok: true; value: T } | ErrorReply;

/** What a panel asks for over its port: the live data of the record its tab shows. */
export const panelWatchSchema = z.strictObject({
  type: z.literal('watch'),
  ref: recordRefSchema,
  contactLimit: z.number().int().min(1).max(5_000),
});
export type PanelWatch = z.infer<typeof panelWatchSchema>;

/** A side panel or sidebar (a panel in no tab) tells which window it is in, so it follows that window's tab. */
export const panelWindowSchema = z.strictObject({ type: z.literal('window'), windowId: z.number().int().nonnegative() });
export type PanelWindow = z.infer<typeof panelWindowSchema>;

/**
 * What the background pushes to a panel. Only the background can post on a panel's port, so the
 * panel trusts these without re-validating (and carries no schema code).
 */
export type PanelPush =
  | { type: 'record'; ref: RecordRef | null; pageUrl: string | null }
  | { type: 'call-mode.toggle' }
  | { type: 'settings'; settings: Settings; notice: string | null }
  | { type: 'data'; key: string; contactLimit: number; result: PanelQueryResult };

/**
 * What the background sends a CRM page's content script: show or hide the in-page panel (keyboard
 * command), and whether the panel belongs in the page or in the window's open side panel.
 */
export type ContentPush = { type: 'panel.toggle' } | { type: 'panel.placement'; inPage: boolean };

export { PANEL_PORT, sendRequest } from './send';

/** Classifies a message's sender; null means "not ours" and the message is dropped. */
export function classifySender(
  sender: Browser.runtime.MessageSender,
  extensionId: string,
  isCrmPageUrl: (url: string) => boolean,
): SenderKind | null {
  if (sender.id !== extensionId || typeof sender.url !== 'string') return null;
  if (isExtensionPageUrl(sender.url)) return 'extension-page';
  if (sender.tab && sender.frameId === 0 && isCrmPageUrl(sender.url)) return 'content-script';
  return null;
}

/**
 * Our own pages. With `use_dynamic_url` Chrome serves the panel from a per-session origin, so the
 * check is the extension scheme plus the sender id (which the browser sets, not the page).
 */
export function isExtensionPageUrl(url: string): boolean {
  return url.startsWith('chrome-extension://') || url.startsWith('moz-extension://');
}
