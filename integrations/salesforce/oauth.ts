import { z } from 'zod';
import { isSalesforceLoginHost, isSalesforceOwnedUrl, salesforceLoginHostProblem } from '../../core/hosts';
import { CrmError } from '../crm';
import { OAUTH_PATHS } from './paths';

// OAuth 2.0 web server flow with PKCE for a public client (no consumer secret). The background opens the
// authorize URL with browser.identity.launchWebAuthFlow and hands the redirect back to parseRedirect.
// Nothing here touches browser APIs or cookies; tokens never appear in an error message.
// Tokens go only to Salesforce's own hosts (core/hosts.ts): the login host is checked before every request, and a
// token answer naming an instance or identity URL elsewhere is refused before anyone stores or uses it.

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomToken(byteLength: number): string {
  const bytes = new Uint8Array(byteLength);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

export interface Pkce {
  /** 86 characters of base64url (RFC 7636 allows 43–128). Kept by the background until the code comes back. */
  verifier: string;
  /** base64url(SHA-256(verifier)), sent with code_challenge_method=S256. */
  challenge: string;
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export async function createPkce(): Promise<Pkce> {
  const verifier = randomToken(64);
  return { verifier, challenge: await pkceChallenge(verifier) };
}

/** An unguessable state value that ties the redirect to the request this extension made. */
export function createState(): string {
  return randomToken(24);
}

function loginOrigin(loginHost: string): string {
  if (!isSalesforceLoginHost(loginHost)) throw new CrmError('config', `${salesforceLoginHostProblem(loginHost)}.`);
  return `https://${loginHost}`;
}

export interface AuthorizeParams {
  loginHost: string;
  consumerKey: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
}

export function buildAuthorizeUrl(params: AuthorizeParams): string {
  const url = new URL(OAUTH_PATHS.authorize, loginOrigin(params.loginHost));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.consumerKey);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('code_challenge', params.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', params.state);
  // refresh_token lets the background stay signed in; api covers REST and the identity URL.
  url.searchParams.set('scope', 'api refresh_token');
  return url.toString();
}

const AUTH_ERRORS: Record<string, string> = {
  access_denied: 'Salesforce access was not allowed. Connect again and choose Allow.',
  invalid_client_id: 'Salesforce does not know this consumer key. Check the key in the connected app.',
  invalid_client: 'Salesforce refused this consumer key. Check the connected app.',
  redirect_uri_mismatch: "The connected app's callback URL does not match this extension's redirect URL.",
  invalid_request: 'Salesforce refused the sign-in request.',
  unsupported_response_type: 'Salesforce refused the sign-in request.',
  invalid_grant: 'Salesforce refused the sign-in (the code or refresh token is expired or revoked). Connect again.',
  inactive_user: 'This Salesforce user is inactive.',
  inactive_org: 'This Salesforce org is inactive or locked.',
  rate_limit_exceeded: 'Too many Salesforce sign-in attempts. Wait a few minutes and try again.',
};

function authMessage(code: string, description: string | null): string {
  const known = AUTH_ERRORS[code];
  if (known) return known;
  return `Salesforce sign-in failed (${code}${description ? `: ${description}` : ''}).`;
}

/** The authorization code from the redirect URL, after checking that `state` is the one we sent. */
export function parseRedirect(redirectUrl: string, expectedState: string): { code: string } {
  let url: URL;
  try {
    url = new URL(redirectUrl);
  } catch {
    throw new CrmError('auth', 'Salesforce sign-in returned an unreadable address.');
  }
  // Salesforce puts the answer in the query; some flows use the fragment.
  const params = url.searchParams.size > 0 ? url.searchParams : new URLSearchParams(url.hash.replace(/^#/, ''));
  if (params.get('state') !== expectedState) {
    throw new CrmError('auth', 'The Salesforce sign-in answer does not belong to this request. Connect again.');
  }
  const error = params.get('error');
  if (error) throw new CrmError('auth', authMessage(error, params.get('error_description')), { crmCode: error });
  const code = params.get('code');
  if (!code) throw new CrmError('auth', 'Salesforce sign-in returned no authorization code. Connect again.');
  return { code };
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.url(),
  id: z.url(),
  issued_at: z.string().regex(/^\d+$/),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  signature: z.string().optional(),
});

const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export interface SalesforceTokens {
  accessToken: string;
  refreshToken: string;
  /** https://acme.my.salesforce.com — where the REST API is called. */
  instanceUrl: string;
  /** The identity URL: https://login…/id/<orgId>/<userId>. */
  idUrl: string;
  issuedAt: number;
  scope: string | null;
}

/** The host of a URL already known to parse, with its scheme when it is not https (the part worth naming). */
function hostOf(url: string): string {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' ? parsed.host : `${parsed.protocol}//${parsed.host}`;
}

export function instanceHostOf(tokens: Pick<SalesforceTokens, 'instanceUrl'>): string {
  return new URL(tokens.instanceUrl).hostname.toLowerCase();
}

/** Org and user ids from the identity URL (…/id/00D…/005…). */
export function identityOf(tokens: Pick<SalesforceTokens, 'idUrl'>): { orgId: string | null; userId: string | null } {
  const match = /\/id\/([A-Za-z0-9]{15,18})\/([A-Za-z0-9]{15,18})\/?$/.exec(new URL(tokens.idUrl).pathname);
  return { orgId: match?.[1] ?? null, userId: match?.[2] ?? null };
}

async function postToken(loginHost: string, form: Record<string, string>, previousRefreshToken: string | null): Promise<SalesforceTokens> {
  const tokenUrl = `${loginOrigin(loginHost)}${OAUTH_PATHS.token}`;
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      // The form carries a code or a refresh token: a redirect must not take it to another host.
      redirect: 'error',
    });
  } catch {
    throw new CrmError('network', `Cannot reach ${loginHost}. Check the connection and the login host.`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new CrmError(response.status >= 500 ? 'server' : 'malformed', `Salesforce sign-in answered with an unreadable response (HTTP ${response.status}).`, {
      status: response.status,
    });
  }
  if (!response.ok) {
    const error = tokenErrorSchema.safeParse(body);
    const code = error.success ? error.data.error : `http-${response.status}`;
    const kind = response.status >= 500 ? 'server' : 'auth';
    throw new CrmError(kind, authMessage(code, error.success ? (error.data.error_description ?? null) : null), {
      status: response.status,
      crmCode: code,
    });
  }
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) throw new CrmError('malformed', 'Salesforce sign-in answered without the expected tokens.');
  for (const url of [parsed.data.instance_url, parsed.data.id]) {
    if (!isSalesforceOwnedUrl(url)) {
      throw new CrmError('auth', `Salesforce sign-in was refused: the answer points to ${hostOf(url)}, which is not a Salesforce address over https. Nothing was stored.`);
    }
  }
  const refreshToken = parsed.data.refresh_token ?? previousRefreshToken;
  if (!refreshToken) {
    throw new CrmError('scope', 'Salesforce issued no refresh token. Add the "refresh_token" scope to the connected app.');
  }
  return {
    accessToken: parsed.data.access_token,
    refreshToken,
    instanceUrl: parsed.data.instance_url.replace(/\/+$/, ''),
    idUrl: parsed.data.id,
    issuedAt: Number(parsed.data.issued_at),
    scope: parsed.data.scope ?? null,
  };
}

export function exchangeCode(params: {
  loginHost: string;
  consumerKey: string;
  redirectUri: string;
  code: string;
  codeVerifier: string;
}): Promise<SalesforceTokens> {
  return postToken(
    params.loginHost,
    {
      grant_type: 'authorization_code',
      code: params.code,
      client_id: params.consumerKey,
      redirect_uri: params.redirectUri,
      code_verifier: params.codeVerifier,
    },
    null,
  );
}

/** A new access token; Salesforce may rotate the refresh token too (the old one is kept when it does not). */
export function refreshTokens(params: { loginHost: string; consumerKey: string; refreshToken: string }): Promise<SalesforceTokens> {
  return postToken(
    params.loginHost,
    { grant_type: 'refresh_token', refresh_token: params.refreshToken, client_id: params.consumerKey },
    params.refreshToken,
  );
}

export interface SalesforceSessionOptions {
  tokens: SalesforceTokens;
  loginHost: string;
  consumerKey: string;
  /** Called after every refresh so the background persists the (possibly rotated) tokens. */
  onTokens: (tokens: SalesforceTokens) => void | Promise<void>;
  /** How tokens are refreshed; the token endpoint unless the background supplies another way. */
  refresh?: (params: { loginHost: string; consumerKey: string; refreshToken: string }) => Promise<SalesforceTokens>;
}

/**
 * The signed-in org. Many requests may fail with INVALID_SESSION_ID at once; they share ONE refresh,
 * and a request that failed with a token already replaced just uses the new one.
 */
export class SalesforceSession {
  private current: SalesforceTokens;
  private inFlight: Promise<SalesforceTokens> | null = null;

  constructor(private readonly options: SalesforceSessionOptions) {
    this.current = options.tokens;
  }

  get tokens(): SalesforceTokens {
    return this.current;
  }

  get accessToken(): string {
    return this.current.accessToken;
  }

  get instanceUrl(): string {
    return this.current.instanceUrl;
  }

  get instanceHost(): string {
    return instanceHostOf(this.current);
  }

  /** A fresh access token for a request that was refused with `staleAccessToken`. */
  async refresh(staleAccessToken: string): Promise<SalesforceTokens> {
    if (this.current.accessToken !== staleAccessToken) return this.current;
    if (!this.inFlight) {
      const refresh = this.options.refresh ?? refreshTokens;
      this.inFlight = (async () => {
        try {
          const next = await refresh({
            loginHost: this.options.loginHost,
            consumerKey: this.options.consumerKey,
            refreshToken: this.current.refreshToken,
          });
          this.current = next;
          await this.options.onTokens(next);
          return next;
        } finally {
          this.inFlight = null;
        }
      })();
    }
    return this.inFlight;
  }
}
