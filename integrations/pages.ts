import type { RecordRef } from '../core/schema';
import { isHubSpotAppHost, parseHubSpotUrl } from './hubspot/page';
import { parseSalesforceUrl, salesforceApiHost } from './salesforce/page';

/** The record a CRM page shows, whichever CRM it is. */
export function parseRecordUrl(url: string): RecordRef | null {
  return parseHubSpotUrl(url) ?? parseSalesforceUrl(url);
}

/** Whether a URL is a page of a supported CRM app (a record or not). */
export function isCrmPageUrl(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' && (isHubSpotAppHost(hostname) || salesforceApiHost(hostname) !== null);
  } catch {
    return false;
  }
}
