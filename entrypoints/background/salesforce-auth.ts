import { browser } from 'wxt/browser';
import { z } from 'zod';
import { salesforceLoginHostSchema, salesforceOwnedUrlSchema } from '../../core/host-schemas';
import type { Settings } from '../../core/settings';
import { CrmError } from '../../integrations/crm';
import { buildAuthorizeUrl, createPkce, createState, exchangeCode, parseRedirect, SalesforceSession, type SalesforceTokens } from '../../integrations/salesforce/oauth';
import { readSalesforceTokens, storeSalesforceTokens } from './credentials';
import { whileSignedIn } from './generations';

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
  const signedIn = whileSignedIn('salesforce');
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
  if (!(await storeSalesforceTokens({ loginHost, consumerKey, tokens }, signedIn))) {
    throw new CrmError('not-connected', 'You signed out of Salesforce while signing in, so nothing was kept. Sign in again.');
  }
  session = newSession(loginHost, consumerKey, tokens, signedIn);
  return session;
}

/** A session whose rotated tokens are stored only while the user stays signed in since `signedIn` was taken. */
function newSession(loginHost: string, consumerKey: string, tokens: SalesforceTokens, signedIn: () => boolean): SalesforceSession {
  return new SalesforceSession({
    tokens,
    loginHost,
    consumerKey,
    onTokens: async (next) => {
      if (!(await storeSalesforceTokens({ loginHost, consumerKey, tokens: next }, signedIn))) {
        throw new CrmError('not-connected', 'You signed out of Salesforce. An admin can connect it again in the Loyalty Lens options.');
      }
    },
  });
}

/** The signed-in session, restored from storage after the worker restarts. */
export async function salesforceSession(): Promise<SalesforceSession> {
  if (session) return session;
  const signedIn = whileSignedIn('salesforce');
  const stored = storedSessionSchema.safeParse(await readSalesforceTokens());
  // A sign-out while the row was being read wins: the session it deleted is not brought back to memory.
  if (!stored.success || !signedIn()) throw new CrmError('not-connected', 'Salesforce is not connected yet. An admin can connect it in the Loyalty Lens options.');
  session = newSession(stored.data.loginHost, stored.data.consumerKey, stored.data.tokens, signedIn);
  return session;
}

export function forgetSalesforceSession(): void {
  session = null;
}
