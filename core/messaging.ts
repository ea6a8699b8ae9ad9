import { z } from 'zod';
import type { Browser } from 'wxt/browser';
import { recordRefSchema, type RecordRef } from './schema';
import type { Settings } from './settings';
import type { SettingsNotice } from './settings-store';
import type { PanelQueryResult } from './panel-data';
import type { ConnectionInfo } from './crm';
import type { RequestType } from './protocol';

// The one messaging protocol between the extension's contexts. Every request is a strict zod
// schema (core/protocol.ts); the background checks both the payload and who sent it before doing anything.

/**
 * Which contexts may send each request. Content scripts may send none: the background learns a
 * tab's record from the tabs API, so nothing running in a CRM page can ask the extension for anything.
 */
export const allowedSenders: Record<RequestType, ReadonlyArray<SenderKind>> = {
  'record.refresh': ['extension-page'],
  'outcome.log': ['extension-page'],
  'outcome.retry': ['extension-page'],
  'outcome.withdraw': ['extension-page'],
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
  'metadata.loopFields': ['extension-page'],
  'metadata.createLoopField': ['extension-page'],
  'metadata.caseReasons': ['extension-page'],
  'source.preview': ['extension-page'],
  'data.wipe': ['extension-page'],
  'worklist.get': ['extension-page'],
  'worklist.refresh': ['extension-page'],
  'worklist.owners': ['extension-page'],
  'worklist.setMe': ['extension-page'],
  'worklist.team': ['extension-page'],
  'worklist.ownerLoops': ['extension-page'],
  'worklist.reassign': ['extension-page'],
  'worklist.setInterval': ['extension-page'],
  'worklist.numbers': ['extension-page'],
  'insights.load': ['extension-page'],
  'account.contacts': ['extension-page'],
};

export type SenderKind = 'content-script' | 'extension-page';

/** Non-secret connection details the background keeps in storage.local for the options page and panel. */
export const CONNECTIONS_KEY = 'connections';
export type StoredConnections = Partial<Record<'hubspot' | 'salesforce', ConnectionInfo & { connectedAt: number }>>;

/** What a panel asks for over its port: the live data of the record its tab shows. */
export const panelWatchSchema = z.strictObject({
  type: z.literal('watch'),
  ref: recordRefSchema,
  contactLimit: z.number().int().min(1).max(5_000),
  /** The account's contact list: one segment (or all) and a name search. */
  contactFilter: z.strictObject({
    segment: z.enum(['detractor', 'passive', 'promoter', 'none']).nullable(),
    search: z.string().max(100),
  }),
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
  /** With the record's data as last read when the background has it at hand: the panel shows both in one render. */
  | { type: 'record'; ref: RecordRef | null; pageUrl: string | null; result?: PanelQueryResult }
  | { type: 'call-mode.toggle' }
  | { type: 'settings'; settings: Settings; notices: SettingsNotice[] }
  | { type: 'data'; key: string; contactLimit: number; result: PanelQueryResult };

/**
 * What the background sends a CRM page's content script: show or hide the in-page panel (keyboard
 * command), and whether the panel belongs in the page or in the window's open side panel.
 */
export type ContentPush = { type: 'panel.toggle' } | { type: 'panel.placement'; inPage: boolean };

export { requestSchema, type ErrorReply, type Reply, type ReplyMap, type Request, type RequestType } from './protocol';
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
