import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { RecordContext, RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { createHubSpotConnector } from '../../integrations/hubspot/connector';
import { createSalesforceConnector } from '../../integrations/salesforce/connector';
import { buildAuthorizeUrl, createPkce, createState, exchangeCode, parseRedirect, SalesforceSession, type SalesforceTokens } from '../../integrations/salesforce/oauth';
import { HUBSPOT_FIXTURES as HS } from '../../sandbox/hubspot/seed';
import { SALESFORCE_FIXTURES as SF } from '../../sandbox/salesforce/index';
import type { RunningSandbox } from '../../sandbox/server';

// The records every surface is checked on (test/fixtures/expected-figures.json names them), and how the plugin tests
// read them from the sandbox CRM with the extension's own connectors.

export const SURFACE_RECORDS = {
  'hubspot contact': { crm: 'hubspot', instance: HS.portals.main, objectType: 'contact', id: HS.sampleContactId },
  'hubspot company': { crm: 'hubspot', instance: HS.portals.main, objectType: 'company', id: HS.companyId },
  'hubspot deal': { crm: 'hubspot', instance: HS.portals.main, objectType: 'deal', id: HS.dealId },
  'hubspot ticket': { crm: 'hubspot', instance: HS.portals.main, objectType: 'ticket', id: HS.ticketId },
  'salesforce contact': { crm: 'salesforce', instance: SF.hosts.api, objectType: 'contact', id: SF.sampleContactId },
  'salesforce account': { crm: 'salesforce', instance: SF.hosts.api, objectType: 'account', id: SF.sampleAccountId },
  'salesforce opportunity': { crm: 'salesforce', instance: SF.hosts.api, objectType: 'opportunity', id: SF.opportunityId },
  'salesforce case': { crm: 'salesforce', instance: SF.hosts.api, objectType: 'case', id: SF.caseId },
} as const satisfies Record<string, RecordRef>;

export type SurfaceRecord = keyof typeof SURFACE_RECORDS;
export const SURFACE_RECORD_NAMES = Object.keys(SURFACE_RECORDS) as SurfaceRecord[];

/** A fetch over node:http(s), so HTTPS goes through the agent routeToSandbox installs (Node's fetch has its own). */
export function sandboxFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'http:' ? http : https).request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers).entries()) }, (res) => {
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

/** Sends every HTTPS connection (jsforce in Node) and fetch (the OAuth calls) to the sandbox under the real host names. */
export function routeToSandbox(sandbox: RunningSandbox): () => void {
  const originalAgent = https.globalAgent;
  const originalFetch = globalThis.fetch;
  class SandboxAgent extends https.Agent {
    override createConnection(options: tls.ConnectionOptions): tls.TLSSocket {
      return tls.connect({ ...options, host: '127.0.0.1', port: sandbox.httpsPort, servername: options.servername ?? options.host, rejectUnauthorized: false });
    }
  }
  https.globalAgent = new SandboxAgent({ keepAlive: false });
  globalThis.fetch = sandboxFetch as typeof fetch;
  return () => {
    https.globalAgent = originalAgent;
    globalThis.fetch = originalFetch;
  };
}

const REDIRECT_URI = 'https://lmnopabcdefghijklmnopabcdefghijk.chromiumapp.org/salesforce';

/** Signs in to the sandbox org through its authorize and token endpoints, as an admin approving the app would. */
export async function signInToSalesforce(): Promise<SalesforceTokens> {
  const pkce = await createPkce();
  const state = createState();
  const url = buildAuthorizeUrl({ loginHost: SF.hosts.login, consumerKey: SF.consumerKey, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge, state });
  const form = new URL(url).searchParams;
  form.set('decision', 'allow');
  const answer = await sandboxFetch(`https://${SF.hosts.login}/services/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (answer.status !== 302) throw new Error(`The sandbox org refused the sign-in (${answer.status}).`);
  const { code } = parseRedirect(answer.headers.get('location')!, state);
  return exchangeCode({ loginHost: SF.hosts.login, consumerKey: SF.consumerKey, redirectUri: REDIRECT_URI, code, codeVerifier: pkce.verifier });
}

/** Reads each record the way the extension's background does, with its connectors. Salesforce needs routeToSandbox. */
export async function loadSurfaceContexts(sandbox: RunningSandbox, tokens: SalesforceTokens | null): Promise<Record<SurfaceRecord, RecordContext>> {
  const hubspot = createHubSpotConnector({ token: HS.tokens.main, apiBase: sandbox.httpUrl });
  let current = tokens;
  const salesforce = current
    ? createSalesforceConnector({
        session: new SalesforceSession({ tokens: current, loginHost: SF.hosts.login, consumerKey: SF.consumerKey, onTokens: (t) => void (current = t) }),
        apiVersion: SF.apiVersion,
      })
    : null;
  const contexts = {} as Record<SurfaceRecord, RecordContext>;
  for (const name of SURFACE_RECORD_NAMES) {
    const ref: RecordRef = SURFACE_RECORDS[name];
    if (ref.crm === 'salesforce' && !salesforce) continue;
    contexts[name] = await (ref.crm === 'hubspot' ? hubspot : salesforce!).loadContext(ref, DEFAULT_SETTINGS);
  }
  return contexts;
}
