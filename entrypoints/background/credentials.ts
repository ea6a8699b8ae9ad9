import { db } from '../../core/db';
import type { Crm } from '../../core/schema';

// Credentials live in the extension origin's IndexedDB: out of reach of CRM pages and of content
// scripts (which only see the page's storage). Only the background reads them.

const HUBSPOT_TOKEN = 'hubspot.token';
const SALESFORCE_TOKENS = 'salesforce.tokens';

export async function readHubSpotToken(): Promise<string | null> {
  return (await db.secrets.get(HUBSPOT_TOKEN))?.value ?? null;
}

export async function storeHubSpotToken(token: string): Promise<void> {
  await db.secrets.put({ name: HUBSPOT_TOKEN, value: token, updatedAt: Date.now() });
}

export async function readSalesforceTokens(): Promise<unknown> {
  const stored = (await db.secrets.get(SALESFORCE_TOKENS))?.value;
  if (!stored) return null;
  try {
    return JSON.parse(stored) as unknown;
  } catch {
    return null;
  }
}

/**
 * Stores the Salesforce session unless `stillSignedIn` says the user signed out since it began: checked inside the
 * write's transaction, so a refresh answered after a sign-out leaves no refresh token behind. Returns whether it wrote.
 */
export async function storeSalesforceTokens(tokens: unknown, stillSignedIn: () => boolean = () => true): Promise<boolean> {
  return db.transaction('rw', db.secrets, async () => {
    if (!stillSignedIn()) return false;
    await db.secrets.put({ name: SALESFORCE_TOKENS, value: JSON.stringify(tokens), updatedAt: Date.now() });
    return true;
  });
}

export async function forgetCredentials(crm: Crm): Promise<void> {
  await db.secrets.delete(crm === 'hubspot' ? HUBSPOT_TOKEN : SALESFORCE_TOKENS);
}
