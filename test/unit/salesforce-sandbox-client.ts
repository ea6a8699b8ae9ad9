import https from 'node:https';
import tls from 'node:tls';
import { expect, vi } from 'vitest';
import { buildAuthorizeUrl, createPkce, createState, exchangeCode, parseRedirect, type SalesforceTokens } from '../../integrations/salesforce/oauth';
import { SALESFORCE_FIXTURES as F } from '../../sandbox/salesforce/index';
import type { RunningSandbox } from '../../sandbox/server';
import type { OrgFactsCache } from '../../integrations/salesforce/connection';

// Reaching the sandbox org on its real host names: Node's HTTPS agent (used by jsforce in Node) and fetch (used by
// the OAuth calls) are pointed at the sandbox's port, as the e2e browser's host-resolver rules do.

export const REDIRECT_URI = 'https://lmnopabcdefghijklmnopabcdefghijk.chromiumapp.org/salesforce';

/** A minimal fetch over node:https (so it goes through the agent installed by routeToSandbox). */
export function sandboxFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers).entries()) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        const status = res.statusCode ?? 500;
        const body = [204, 304].includes(status) || (status >= 300 && status < 400) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers }));
      });
    });
    req.on('error', reject);
    if (typeof init.body === 'string') req.write(init.body);
    req.end();
  });
}

/** Sends every HTTPS connection and fetch to the sandbox, keeping the host name for SNI and the Host header. Returns the undo. */
export function routeToSandbox(sandbox: RunningSandbox): () => void {
  const originalAgent = https.globalAgent;
  const originalFetch = globalThis.fetch;
  class SandboxAgent extends https.Agent {
    override createConnection(options: tls.ConnectionOptions): tls.TLSSocket {
      return tls.connect({ ...options, host: '127.0.0.1', port: sandbox.httpsPort, servername: options.servername ?? options.host, rejectUnauthorized: false });
    }
  }
  https.globalAgent = new SandboxAgent({ keepAlive: false });
  vi.stubGlobal('fetch', sandboxFetch);
  return () => {
    https.globalAgent = originalAgent;
    vi.stubGlobal('fetch', originalFetch);
  };
}

/** Runs the whole PKCE flow against the sandbox's authorize and token endpoints, as the background does. */
export async function signIn(decision: 'allow' | 'deny' = 'allow', verifierOverride?: string): Promise<SalesforceTokens> {
  const login = F.hosts.login;
  const pkce = await createPkce();
  const state = createState();
  const url = buildAuthorizeUrl({ loginHost: login, consumerKey: F.consumerKey, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge, state });
  const page = await sandboxFetch(url);
  expect(page.status).toBe(200);
  const form = new URL(url).searchParams;
  form.set('decision', decision);
  const answer = await sandboxFetch(`https://${login}/services/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(answer.status).toBe(302);
  const { code } = parseRedirect(answer.headers.get('location')!, state);
  return exchangeCode({ loginHost: login, consumerKey: F.consumerKey, redirectUri: REDIRECT_URI, code, codeVerifier: verifierOverride ?? pkce.verifier });
}

/**
 * Keeps an org's facts as the background's database does: connect (testConnection) with it once, and connectors built
 * afterwards with it read no facts in their views.
 */
export function keptOrgFacts(): OrgFactsCache & { kept(): unknown } {
  let kept: unknown = null;
  return {
    load: async () => kept,
    save: async (facts) => {
      kept = facts;
    },
    kept: () => kept,
  };
}
