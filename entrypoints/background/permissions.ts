import { browser } from 'wxt/browser';
import type { RecordRef } from '../../core/schema';

/** The API origin a record's connector calls. */
export function apiOriginFor(ref: RecordRef): string {
  return ref.crm === 'hubspot' ? 'https://api.hubapi.com' : `https://${ref.instance}`;
}

/**
 * The origin whose host permission is missing for this record, or null. Firefox lets users withhold
 * host permissions, and custom domains are optional everywhere.
 */
export async function missingPermission(ref: RecordRef): Promise<string | null> {
  const origin = apiOriginFor(ref);
  const granted = await browser.permissions.contains({ origins: [`${origin}/*`] });
  return granted ? null : origin;
}
