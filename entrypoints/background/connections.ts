import { browser } from 'wxt/browser';
import { db } from '../../core/db';
import { UserFacingFailure } from '../../core/errors';
import { CONNECTIONS_KEY, type StoredConnections } from '../../core/messaging';
import type { Crm, RecordRef } from '../../core/schema';
import { CrmError, type ConnectionInfo, type CrmConnector } from '../../integrations/crm';
import { connectHubSpotToken, createHubSpotConnector, type DirectoryCache, type HubSpotConnector } from '../../integrations/hubspot/connector';
import { createSalesforceConnector } from '../../integrations/salesforce/connector';
import type { OrgFactsCache } from '../../integrations/salesforce/connection';
import type { SalesforceSession } from '../../integrations/salesforce/oauth';
import { currentSettings } from './settings';
import type { Settings } from '../../core/settings';
import { forgetSalesforceSession, salesforceSession, signInToSalesforce } from './salesforce-auth';
import { forgetCredentials, readHubSpotToken, storeHubSpotToken } from './credentials';
import { endCache, endSignIn } from './generations';

// Builds connectors from stored credentials, and connects / disconnects CRMs for the options page.
// Connector instances are kept for the worker's life so their rate limiters persist; HubSpot's directory is kept
// in the database across worker restarts too.

let hubspot: { token: string; connector: HubSpotConnector } | null = null;

export async function hubspotConnector(): Promise<HubSpotConnector> {
  const token = await readHubSpotToken();
  if (!token) throw new CrmError('not-connected', 'HubSpot is not connected yet. An admin can connect it in the Loyalty Lens options.');
  if (hubspot?.token !== token) hubspot = { token, connector: createHubSpotConnector({ token, directoryCache: hubspotDirectoryCache(token) }) };
  return hubspot.connector;
}

/**
 * The portal's owners, pipelines and id, kept in the extension's database so views after a worker restart skip
 * them. Only the current token's connector may write it (a late fetch after a sign-out or a new token writes
 * nothing), and a kept copy is used only for the portal the stored connection names.
 */
function hubspotDirectoryCache(token: string): DirectoryCache {
  return {
    async load() {
      const [kept, connections] = await Promise.all([db.directories.get('hubspot'), storedConnections()]);
      const portalId = (kept?.value as { portalId?: unknown } | undefined)?.portalId;
      return portalId !== undefined && portalId === connections.hubspot?.instance ? kept!.value : null;
    },
    async save(directory) {
      if (hubspot?.token === token) await db.directories.put({ crm: 'hubspot', value: directory });
    },
  };
}

let salesforce: { session: SalesforceSession; apiVersion: string; connector: CrmConnector } | null = null;

async function salesforceConnector(): Promise<CrmConnector> {
  const [session, { settings }] = await Promise.all([salesforceSession(), currentSettings()]);
  const apiVersion = settings.salesforce.apiVersion;
  if (salesforce?.session !== session || salesforce.apiVersion !== apiVersion) {
    salesforce = { session, apiVersion, connector: createSalesforceConnector({ session, apiVersion, factsCache: salesforceFactsCache(session) }) };
  }
  return salesforce.connector;
}

/**
 * The org's currencies, read when connecting, kept in the extension's database so views after a worker restart read
 * none. Only the current session's connector may write them; the connector uses a kept copy only for its own org.
 */
function salesforceFactsCache(session: SalesforceSession): OrgFactsCache {
  return {
    async load() {
      return (await db.directories.get('salesforce'))?.value ?? null;
    },
    async save(facts) {
      if (salesforce?.session === session) await db.directories.put({ crm: 'salesforce', value: facts });
    },
  };
}

export async function connectorForCrm(crm: Crm): Promise<CrmConnector> {
  return crm === 'hubspot' ? hubspotConnector() : salesforceConnector();
}

/** The connector for a record, refusing when the page belongs to another portal or org than the credentials. */
export async function connectorFor(ref: Pick<RecordRef, 'crm' | 'instance'>): Promise<CrmConnector> {
  const connections = await storedConnections();
  const connection = connections[ref.crm];
  if (connection && connection.instance !== ref.instance) {
    const crmName = ref.crm === 'hubspot' ? 'HubSpot portal' : 'Salesforce org';
    throw new CrmError(
      'wrong-instance',
      `This page belongs to ${crmName} ${ref.instance}, but Loyalty Lens is connected to ${crmName} ${connection.instance}.`,
    );
  }
  return connectorForCrm(ref.crm);
}

export async function storedConnections(): Promise<StoredConnections> {
  const stored = (await browser.storage.local.get(CONNECTIONS_KEY))[CONNECTIONS_KEY];
  return typeof stored === 'object' && stored !== null ? (stored as StoredConnections) : {};
}

async function rememberConnection(crm: Crm, info: ConnectionInfo | null): Promise<void> {
  const connections = await storedConnections();
  if (info) connections[crm] = { ...info, connectedAt: Date.now() };
  else delete connections[crm];
  await browser.storage.local.set({ [CONNECTIONS_KEY]: connections });
}

/**
 * Checks a HubSpot key and keeps it only if HubSpot accepts it. A key of another portal than the
 * connected one replaces it only when the admin agreed to that portal (`replacePortal`): every record
 * of the current portal stops working once it does.
 */
export async function connectHubSpot(token: string, replacePortal?: string): Promise<ConnectionInfo> {
  // The check reads the portal's directory in the same round (the token check, account-info, owners, pipelines):
  // kept, the first record view costs no metadata requests.
  const { info, directory } = await connectHubSpotToken(token).catch((error: unknown) => {
    // HubSpot answers a mistyped key like a revoked one; a key never connected was not revoked.
    if (error instanceof CrmError && error.kind === 'auth') {
      throw new UserFacingFailure({
        kind: 'auth',
        message:
          'HubSpot did not accept this key. Check that you copied the whole Service Key (or private-app access token), that it belongs to the HubSpot account you mean, and that it was not deleted or rotated since.',
      });
    }
    throw error;
  });
  const current = (await storedConnections()).hubspot;
  if (current && current.instance !== info.instance && replacePortal !== info.instance) {
    throw new UserFacingFailure({
      kind: 'other-portal',
      message: `This key belongs to HubSpot portal ${info.instance}, but Loyalty Lens is connected to portal ${current.instance}.`,
      instance: info.instance,
    });
  }
  await storeHubSpotToken(token);
  hubspot = null;
  await rememberConnection('hubspot', info);
  await db.directories.put({ crm: 'hubspot', value: directory });
  return info;
}

/** Runs the Salesforce sign-in and remembers which org and user it connected. */
export async function connectSalesforce(settings: Settings): Promise<ConnectionInfo> {
  await signInToSalesforce(settings);
  salesforce = null;
  const info = await (await salesforceConnector()).testConnection();
  await rememberConnection('salesforce', info);
  return info;
}

export async function testConnection(crm: Crm): Promise<ConnectionInfo> {
  const connector = await connectorForCrm(crm);
  const info = await connector.testConnection();
  await rememberConnection(crm, info);
  return info;
}

/** Forgets a CRM's credentials and its cached customer data. Queued outcomes are handled by the caller first. */
export async function disconnect(crm: Crm): Promise<void> {
  // Before anything is deleted: a token refresh or record read still in flight must write nothing after this.
  endSignIn(crm);
  await forgetCredentials(crm);
  if (crm === 'hubspot') hubspot = null;
  else {
    forgetSalesforceSession();
    salesforce = null;
  }
  await rememberConnection(crm, null);
  await wipeCachedData(crm);
}

/** Removes cached survey data (one CRM or all). Outcomes are not touched here. */
export async function wipeCachedData(crm?: Crm): Promise<void> {
  endCache(crm);
  const tables = [db.views, db.accounts, db.contacts, db.responses, db.followUps, db.deals, db.loops, db.rejections];
  await db.transaction('rw', [...tables, db.accountCounts, db.directories, db.worklists, db.insights, db.insightMonths], async () => {
    // An Insights view adds both CRMs up: any sign-out forgets them all.
    await db.insights.clear();
    if (!crm) {
      for (const table of [...tables, db.accountCounts, db.directories, db.worklists, db.insightMonths]) await table.clear();
      return;
    }
    await db.directories.delete(crm);
    await db.worklists.delete(crm);
    // Every cached key starts with "crm|", so one key range per table finds that CRM's rows.
    const prefix = `${crm}|`;
    for (const table of [...tables, db.insightMonths]) await table.where('key').startsWith(prefix).delete();
    await db.accountCounts.where('accountKey').startsWith(prefix).delete();
  });
}
