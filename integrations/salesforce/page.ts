import type { ObjectType, RecordRef } from '../../core/schema';
import { objectTypeOfId, toId18 } from './ids';

// Salesforce record pages: Lightning https://acme.lightning.force.com/lightning/r/Contact/003…/view
// (and /related/…/view, console apps), on production, sandbox and developer-edition domains, and
// Classic https://acme.my.salesforce.com/003… . The instance is always the org's API host.

const LIGHTNING_HOST = /^([a-z0-9][a-z0-9-]*(?:\.(?:sandbox|develop|scratch|demo|patch|trailblaze))?)\.lightning\.force\.com$/;
const API_HOST = /^([a-z0-9][a-z0-9-]*(?:\.(?:sandbox|develop|scratch|demo|patch|trailblaze))?)\.my\.salesforce\.com$/;

const LIGHTNING_OBJECTS: Record<string, ObjectType> = {
  Contact: 'contact',
  Account: 'account',
  Opportunity: 'opportunity',
  Case: 'case',
  Lead: 'lead',
};

const LIGHTNING_PATH = /^\/lightning\/r\/(?:([A-Za-z]+)\/)?([a-zA-Z0-9]{15}|[a-zA-Z0-9]{18})\/(?:view|related\/[A-Za-z0-9_]+\/view)\/?$/;
const CLASSIC_PATH = /^\/([a-zA-Z0-9]{15}|[a-zA-Z0-9]{18})\/?$/;

/** The API host of the org a Lightning or Classic page belongs to, or null for any other host. */
export function salesforceApiHost(pageHost: string): string | null {
  const host = pageHost.toLowerCase();
  const lightning = LIGHTNING_HOST.exec(host);
  if (lightning) return `${lightning[1]}.my.salesforce.com`;
  const api = API_HOST.exec(host);
  if (api) return `${api[1]}.my.salesforce.com`;
  return null;
}

function recordRef(instance: string, rawId: string, expected: ObjectType | null): RecordRef | null {
  const id = toId18(rawId);
  if (!id) return null;
  const fromPrefix = objectTypeOfId(id);
  if (!fromPrefix) return null;
  if (expected && expected !== fromPrefix) return null;
  return { crm: 'salesforce', instance, objectType: fromPrefix, id };
}

export function parseSalesforceUrl(url: string): RecordRef | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '') return null;
  const host = parsed.hostname.toLowerCase();
  const instance = salesforceApiHost(host);
  if (!instance) return null;

  if (host.endsWith('.lightning.force.com')) {
    const match = LIGHTNING_PATH.exec(parsed.pathname);
    if (!match) return null;
    const [, objectName, rawId] = match;
    if (objectName !== undefined && !(objectName in LIGHTNING_OBJECTS)) return null;
    return recordRef(instance, rawId!, objectName ? LIGHTNING_OBJECTS[objectName]! : null);
  }
  const classic = CLASSIC_PATH.exec(parsed.pathname);
  if (!classic) return null;
  return recordRef(instance, classic[1]!, null);
}
