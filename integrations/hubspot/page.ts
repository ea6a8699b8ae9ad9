import type { ObjectType, RecordRef } from '../../core/schema';

// HubSpot record pages, e.g. https://app.hubspot.com/contacts/123456/record/0-1/51
// and the legacy https://app-eu1.hubspot.com/contacts/123456/company/987/.

const APP_HOST = /^app(?:-[a-z]{2,4}\d{0,2})?\.hubspot\.com$/;

const BY_OBJECT_TYPE_ID: Record<string, ObjectType> = {
  '0-1': 'contact',
  '0-2': 'company',
  '0-3': 'deal',
  '0-5': 'ticket',
};

const LEGACY: Record<string, ObjectType> = {
  contact: 'contact',
  company: 'company',
  deal: 'deal',
  ticket: 'ticket',
};

const RECORD_PATH = /^\/contacts\/(\d{1,12})\/record\/(0-[1235])\/(\d{1,20})(?:\/.*)?$/;
const LEGACY_PATH = /^\/contacts\/(\d{1,12})\/(contact|company|deal|ticket)\/(\d{1,20})(?:\/.*)?$/;

export function isHubSpotAppHost(host: string): boolean {
  return APP_HOST.test(host);
}

export function parseHubSpotUrl(url: string): RecordRef | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || !isHubSpotAppHost(parsed.hostname)) return null;
  const path = parsed.pathname;
  const modern = RECORD_PATH.exec(path);
  if (modern) {
    const [, portal, typeId, id] = modern;
    const objectType = BY_OBJECT_TYPE_ID[typeId!];
    if (!objectType) return null;
    return { crm: 'hubspot', instance: portal!, objectType, id: id! };
  }
  const legacy = LEGACY_PATH.exec(path);
  if (legacy) {
    const [, portal, kind, id] = legacy;
    return { crm: 'hubspot', instance: portal!, objectType: LEGACY[kind!]!, id: id! };
  }
  return null;
}
