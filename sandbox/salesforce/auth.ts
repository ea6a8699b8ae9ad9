import { createHash, randomBytes } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../types';
import { SALESFORCE_CONSUMER_KEY, SALESFORCE_HOSTS, SALESFORCE_ORG_ID } from './org';

// OAuth 2.0 web server flow with PKCE, as a public connected app sees it (no client secret).

const CODE_TTL_MS = 15 * 60_000;
const ACCESS_TTL_MS = 2 * 60 * 60_000;

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  instanceHost: string;
  expiresAt: number;
}

interface Session {
  userId: string;
  instanceHost: string;
  refreshToken: string;
  expiresAt: number;
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function html(status: number, title: string, body: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#eef4ff;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border-radius:8px;padding:32px;box-shadow:0 2px 12px #0002;max-width:420px}
button{background:#0176d3;color:#fff;border:0;border-radius:4px;padding:10px 18px;font-size:15px;cursor:pointer}
button.secondary{background:#fff;color:#0176d3;border:1px solid #0176d3}</style></head><body><main>${body}</main></body></html>`,
  };
}

function oauthError(status: number, error: string, description: string): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: { error, error_description: description } };
}

function formOf(request: SandboxRequest): URLSearchParams {
  const params = new URLSearchParams(request.url.search);
  for (const [key, value] of new URLSearchParams(request.rawBody)) params.set(key, value);
  return params;
}

/** The org host an auth request belongs to: test.salesforce.com and the sandbox My Domain mean the sandbox org. */
function instanceHostFor(request: SandboxRequest): string {
  if (request.host === SALESFORCE_HOSTS.testLogin || request.host.includes('.sandbox.')) return SALESFORCE_HOSTS.sandboxApi;
  return SALESFORCE_HOSTS.api;
}

/** Where API calls go: the org's My Domain, or — for a client talking to the sandbox by IP — the sandbox itself. */
function instanceUrlFor(request: SandboxRequest, instanceHost: string): string {
  const local = /^(?:\d+\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/.test(request.host);
  return local ? request.url.origin : `https://${instanceHost}`;
}

export class SalesforceAuth {
  private codes = new Map<string, PendingCode>();
  private sessions = new Map<string, Session>();
  /** Live refresh tokens; rotated on every use. */
  private refreshTokens = new Map<string, { userId: string; instanceHost: string }>();

  constructor(private readonly userId: () => string) {}

  expireAccessTokens(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0;
  }

  /** The session behind a Bearer token, or null when it is missing, unknown or expired. */
  session(request: SandboxRequest): Session | null {
    const header = request.headers.authorization ?? '';
    const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header);
    if (!match) return null;
    const session = this.sessions.get(match[1]!.trim());
    if (!session || session.expiresAt <= Date.now()) return null;
    return session;
  }

  handle(request: SandboxRequest): SandboxResponse | null {
    const path = request.url.pathname.replace(/\/+$/, '');
    if (path === '/services/oauth2/authorize') return request.method === 'POST' ? this.approve(request) : this.authorizePage(request);
    if (path === '/services/oauth2/token' && request.method === 'POST') return this.token(request);
    if (path === '/services/oauth2/userinfo' || path.startsWith('/id/')) return this.userinfo(request);
    if (path === '/services/oauth2/revoke') return this.revoke(request);
    return null;
  }

  private authorizePage(request: SandboxRequest): SandboxResponse {
    const params = request.url.searchParams;
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    if (clientId !== SALESFORCE_CONSUMER_KEY) {
      return html(400, 'Error', '<h1>OAuth Error</h1><p>We can\'t authorize you because of an OAuth error.</p><p><b>error=invalid_client_id</b><br>error_description=client identifier invalid</p>');
    }
    if (!/^https?:\/\//.test(redirectUri)) {
      return html(400, 'Error', '<h1>OAuth Error</h1><p><b>error=redirect_uri_mismatch</b><br>error_description=redirect_uri must match configuration</p>');
    }
    const redirect = new URL(redirectUri);
    const state = params.get('state');
    if (params.get('response_type') !== 'code') return this.redirectWith(redirect, { error: 'unsupported_response_type', error_description: 'response type not supported' }, state);
    const challenge = params.get('code_challenge');
    if (challenge && (params.get('code_challenge_method') ?? 'S256') !== 'S256') {
      return this.redirectWith(redirect, { error: 'invalid_request', error_description: 'invalid code_challenge_method' }, state);
    }
    const hidden = [...params].map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`).join('');
    return html(200, 'Login | Salesforce', `<h1>Allow Access?</h1>
<p><b>Loyalty Lens</b> is asking to access your Salesforce org <b>${escapeHtml(instanceHostFor(request))}</b> as <b>avery.admin@acme.example</b>:</p>
<ul><li>Manage user data via APIs (api)</li><li>Perform requests at any time (refresh_token, offline_access)</li></ul>
<form method="post" action="/services/oauth2/authorize">${hidden}
<button type="submit" name="decision" value="allow" id="oaapprove">Log in and allow</button>
<button type="submit" name="decision" value="deny" class="secondary" id="oadeny">Deny</button></form>`);
  }

  private redirectWith(redirect: URL, values: Record<string, string>, state: string | null): SandboxResponse {
    for (const [key, value] of Object.entries(values)) redirect.searchParams.set(key, value);
    if (state !== null) redirect.searchParams.set('state', state);
    return { status: 302, headers: { location: redirect.toString(), 'cache-control': 'no-store' }, body: '' };
  }

  private approve(request: SandboxRequest): SandboxResponse {
    const params = formOf(request);
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    if (clientId !== SALESFORCE_CONSUMER_KEY || !/^https?:\/\//.test(redirectUri)) {
      return html(400, 'Error', '<h1>OAuth Error</h1><p><b>error=invalid_client_id</b></p>');
    }
    const state = params.get('state');
    if (params.get('decision') === 'deny') {
      return this.redirectWith(new URL(redirectUri), { error: 'access_denied', error_description: 'end-user denied authorization' }, state);
    }
    const code = `aPrx${token(48)}`;
    this.codes.set(code, { clientId, redirectUri, challenge: params.get('code_challenge'), instanceHost: instanceHostFor(request), expiresAt: Date.now() + CODE_TTL_MS });
    return this.redirectWith(new URL(redirectUri), { code }, state);
  }

  private issue(request: SandboxRequest, userId: string, instanceHost: string): SandboxResponse {
    const accessToken = `${SALESFORCE_ORG_ID.slice(0, 15)}!AQ${token(72)}`;
    const refreshToken = `5Aep861${token(64)}`;
    const issuedAt = String(Date.now());
    this.sessions.set(accessToken, { userId, instanceHost, refreshToken, expiresAt: Date.now() + ACCESS_TTL_MS });
    this.refreshTokens.set(refreshToken, { userId, instanceHost });
    const loginHost = instanceHost === SALESFORCE_HOSTS.sandboxApi ? SALESFORCE_HOSTS.testLogin : SALESFORCE_HOSTS.login;
    const id = `https://${loginHost}/id/${SALESFORCE_ORG_ID}/${userId}`;
    const signature = createHash('sha256').update(id + issuedAt).digest('base64');
    return {
      status: 200,
      headers: { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-cache,must-revalidate,max-age=0,no-store,private' },
      body: {
        access_token: accessToken,
        refresh_token: refreshToken,
        signature,
        scope: 'refresh_token api',
        instance_url: instanceUrlFor(request, instanceHost),
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
      },
    };
  }

  private token(request: SandboxRequest): SandboxResponse {
    const params = formOf(request);
    const grant = params.get('grant_type');
    if (params.get('client_id') !== SALESFORCE_CONSUMER_KEY) return oauthError(400, 'invalid_client_id', 'client identifier invalid');
    if (grant === 'authorization_code') {
      const code = params.get('code') ?? '';
      const pending = this.codes.get(code);
      this.codes.delete(code);
      if (!pending || pending.expiresAt < Date.now()) return oauthError(400, 'invalid_grant', 'invalid authorization code');
      if (params.get('redirect_uri') !== pending.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri must match configuration');
      if (pending.challenge) {
        const verifier = params.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
          return oauthError(400, 'invalid_grant', 'invalid code verifier');
        }
      }
      return this.issue(request, this.userId(), pending.instanceHost);
    }
    if (grant === 'refresh_token') {
      const refreshToken = params.get('refresh_token') ?? '';
      const owner = this.refreshTokens.get(refreshToken);
      if (!owner) return oauthError(400, 'invalid_grant', 'expired access/refresh token');
      // Rotation: the used refresh token dies with the access tokens it issued.
      this.revokeRefreshToken(refreshToken);
      return this.issue(request, owner.userId, owner.instanceHost);
    }
    return oauthError(400, 'unsupported_grant_type', 'grant type not supported');
  }

  private revokeRefreshToken(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken);
    for (const [accessToken, session] of this.sessions) if (session.refreshToken === refreshToken) this.sessions.delete(accessToken);
  }

  private revoke(request: SandboxRequest): SandboxResponse {
    const value = formOf(request).get('token') ?? '';
    const session = this.sessions.get(value);
    if (this.refreshTokens.has(value)) this.revokeRefreshToken(value);
    else if (session) this.sessions.delete(value);
    else return oauthError(400, 'unsupported_token_type', 'this token type is not supported');
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: '' };
  }

  private userinfo(request: SandboxRequest): SandboxResponse {
    const session = this.session(request);
    if (!session) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Bad_OAuth_Token' };
    const userId = session.userId;
    return {
      status: 200,
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: {
        sub: `https://login.salesforce.com/id/${SALESFORCE_ORG_ID}/${userId}`,
        // The identity URL (/id/…) answers with the same user plus these keys.
        id: `https://login.salesforce.com/id/${SALESFORCE_ORG_ID}/${userId}`,
        asserted_user: true,
        username: 'avery.admin@acme.example',
        display_name: 'Avery Admin',
        user_id: userId,
        organization_id: SALESFORCE_ORG_ID,
        preferred_username: 'avery.admin@acme.example',
        nickname: 'avery.admin',
        name: 'Avery Admin',
        email: 'avery@acme.example',
        email_verified: true,
        given_name: 'Avery',
        family_name: 'Admin',
        zoneinfo: 'Europe/Berlin',
        locale: 'en_US',
        language: 'en_US',
        active: true,
        user_type: 'STANDARD',
        urls: {
          rest: `https://${session.instanceHost}/services/data/v{version}/`,
          sobjects: `https://${session.instanceHost}/services/data/v{version}/sobjects/`,
          query: `https://${session.instanceHost}/services/data/v{version}/query/`,
        },
      },
    };
  }
}
