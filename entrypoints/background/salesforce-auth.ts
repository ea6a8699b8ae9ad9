import { browser } from 'wxt/browser';
import { z } from 'zod';
import { salesforceLoginHostSchema, salesforceOwnedUrlSchema } from '../../core/hosts';
import type { Settings } from '../../core/settings';
import { CrmError } from '../../integrations/crm';
import { buildAuthorizeUrl, createPkce, createState, exchangeCode, parseRedirect, SalesforceSession, type SalesforceTokens } from '../../integrations/salesforce/oauth';
import { readSalesforceTokens, storeSalesforceTokens } from './credentials';

// Salesforce sign-in: OAuth 2.0 web server flow with PKCE through the browser's identity API.
// No client secret, no session cookies. Rotated refresh tokens are persisted as they arrive.

// A stored session is checked as a fresh token answer is: a row naming another host restores nothing.
const storedSessionSchema = z.object({
  loginHost: salesforceLoginHostSchema,
  consumerKey: z.string(),
  tokens: z.object({
    accessToken: z.string(),
    refreshToken: z.string(),
    instanceUrl: salesforceOwnedUrlSchema,
    idUrl: salesforceOwnedUrlSchema,
    issuedAt: z.number(),
    scope: z.string().nullable(),
  }),
});

let session: SalesforceSession | null = null;

export async function signInToSalesforce(settings: Settings): Promise<SalesforceSession> {
  const { loginHost, consumerKey } = settings.salesforce;
  if (!consumerKey) throw new CrmError('config', 'Enter the consumer key of your Salesforce connected app first.');
  const pkce = await createPkce();
  const state = createState();
  const redirectUri = browser.identity.getRedirectURL('salesforce');
  const url = buildAuthorizeUrl({ loginHost, consumerKey, redirectUri, codeChallenge: pkce.challenge, state });
  let redirect: string | undefined;
  try {
    redirect = await browser.identity.launchWebAuthFlow({ url, interactive: true });
  } catch {
    throw new CrmError('auth', 'Salesforce sign-in was closed or could not load. Check the login host and try again.');
  }
  if (!redirect) throw new CrmError('auth', 'Salesforce sign-in ended without an answer.');
  const { code } = parseRedirect(redirect, state);
  const tokens = await exchangeCode({ loginHost, consumerKey, redirectUri, code, codeVerifier: pkce.verifier });
  await persist(loginHost, consumerKey, tokens);
  session = newSession(loginHost, consumerKey, tokens);
  return session;
}

function newSession(loginHost: string, consumerKey: string, tokens: SalesforceTokens): SalesforceSession {
  return new SalesforceSession({ tokens, loginHost, consumerKey, onTokens: (next) => persist(loginHost, consumerKey, next) });
}

async function persist(loginHost: string, consumerKey: string, tokens: SalesforceTokens): Promise<void> {
  await storeSalesforceTokens({ loginHost, consumerKey, tokens });
}

/** The signed-in session, restored from storage after the worker restarts. */
export async function salesforceSession(): Promise<SalesforceSession> {
  if (session) return session;
  const stored = storedSessionSchema.safeParse(await readSalesforceTokens());
  if (!stored.success) throw new CrmError('not-connected', 'Salesforce is not connected yet. An admin can connect it in the Loyalty Lens options.');
  session = newSession(stored.data.loginHost, stored.data.consumerKey, stored.data.tokens);
  return session;
}

export function forgetSalesforceSession(): void {
  session = null;
}
