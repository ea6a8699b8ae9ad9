import type { LoopRecord, RecordRef } from '../../core/schema';
import type { CrmConnector, LoopFieldsAdmin, TicketPipeline } from '../crm';
import { createHubSpotApis, DEFAULT_API_BASE, HubSpotHttp } from './client';
import { HubSpotPortal, testConnection, type DirectoryCache } from './connection';
import { createFollowUp } from './follow-ups';
import { listAccountContacts } from './account-contacts';
import { loadLoopHistory } from './loop-history';
import { listFields, listObjects, previewSource, ticketPipelines } from './metadata';
import { createLoopField, loopFieldStatus } from './loop-fields';
import { writeOutcomes } from './outcomes';
import { CompanyShare, loadContext } from './record-context';
import type { WorklistReader } from '../worklist';
import { hubspotWorklist } from './worklist';
import type { InsightsReader } from '../insights';
import { hubspotInsights } from './insights';

// The HubSpot connector: runs only in the background service worker (the one place with the token). Each concern
// lives in the file of its name (the same names as in integrations/salesforce/); this file only assembles them.

export { checkHubSpotToken, connectHubSpotToken, type DirectoryCache } from './connection';

export interface HubSpotConnectorOptions {
  token: string;
  apiBase?: string;
  expectedPortalId?: string;
  now?: () => number;
  directoryCache?: DirectoryCache;
  /** Per-request time limit (as Salesforce's connector takes it). */
  timeoutMs?: number;
}

export interface HubSpotConnector extends CrmConnector {
  /** Checks the token again and re-reads the portal, owners and ticket pipelines (as a connection test does). */
  refreshDirectory(): Promise<void>;
  /** The portal's ticket pipelines as they are now (one request); empty without the tickets scope. */
  ticketPipelines(): Promise<TicketPipeline[]>;
  loadLoopHistory(ref: RecordRef, contactIds: string[]): Promise<LoopRecord[]>;
  readonly worklist: WorklistReader;
  readonly insights: InsightsReader;
  readonly loopFields: LoopFieldsAdmin;
}

export function createHubSpotConnector(options: HubSpotConnectorOptions): HubSpotConnector {
  const apiBase = options.apiBase ?? DEFAULT_API_BASE;
  const http = new HubSpotHttp({ token: options.token, apiBase, timeoutMs: options.timeoutMs });
  const portal = new HubSpotPortal(
    createHubSpotApis(http, apiBase),
    http,
    options.token,
    options.expectedPortalId ?? null,
    options.now ?? (() => Date.now()),
    options.directoryCache ?? null,
  );
  // Records of one company viewed within a minute share its reads; our writes set them aside (see CompanyShare).
  const share = new CompanyShare(portal.now);
  const thenForget = <T>(write: Promise<T>): Promise<T> => write.finally(() => share.clear());
  return {
    crm: 'hubspot',
    refreshDirectory: async () => {
      await portal.refreshDirectory();
    },
    ticketPipelines: () => ticketPipelines(portal),
    testConnection: () => testConnection(portal),
    loadContext: (ref, settings, options) => loadContext(portal, share, ref, settings, options),
    loadLoopHistory: (ref, contactIds) => loadLoopHistory(portal, ref, contactIds),
    listAccountContacts: (account, query, cursor, settings) => listAccountContacts(portal, share.lists, account, query, cursor, settings),
    writeOutcomes: (outcomes, settings) => thenForget(writeOutcomes(portal, outcomes, settings)),
    createFollowUp: (response, settings) => thenForget(createFollowUp(portal, response, settings)),
    listObjects: () => listObjects(portal),
    listFields: (objectName) => listFields(portal, objectName),
    previewSource: (source, limit) => previewSource(portal, source, limit),
    worklist: hubspotWorklist(portal),
    insights: hubspotInsights(portal),
    loopFields: {
      status: (settings) => loopFieldStatus(portal, settings),
      create: (name, settings) => createLoopField(portal, name, settings),
    },
  };
}
