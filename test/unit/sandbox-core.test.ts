import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/index';

let sandbox: RunningSandbox;
const auth = { authorization: `Bearer ${HUBSPOT_FIXTURES.tokens.main}`, 'content-type': 'application/json' };

beforeAll(async () => {
  sandbox = await startSandbox({ httpsPort: 0, httpPort: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  // Only what these tests touch; a full reset (both CRMs) is covered once below.
  sandbox.clearFaults();
  sandbox.clearLog();
  sandbox.hubspot.reset();
});

const api = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(sandbox.httpUrl + path, { ...init, headers: { ...auth, ...init.headers } });

const createNote = (key: string): Promise<Response> =>
  api('/crm/v3/objects/notes', {
    method: 'POST',
    body: JSON.stringify({ properties: { hs_timestamp: '2026-11-02T10:00:00Z', hs_note_body: 'Called back', loyalty_lens_key: key } }),
  });

describe('sandbox core', () => {
  it('listens on ephemeral ports for both HTTP and HTTPS', async () => {
    expect(sandbox.httpPort).toBeGreaterThan(0);
    expect(sandbox.httpsPort).toBeGreaterThan(0);
    expect(sandbox.httpsPort).not.toBe(sandbox.httpPort);
    expect(sandbox.httpsUrl).toBe(`https://127.0.0.1:${sandbox.httpsPort}`);
    const res = await api('/account-info/v3/details');
    expect(res.status).toBe(200);
  });

  it('answers a fault status instead of the CRM, only as many times as asked', async () => {
    sandbox.setFaults([{ match: '^GET /account-info/', status: 500, times: 2 }]);
    expect((await api('/account-info/v3/details')).status).toBe(500);
    expect((await api('/account-info/v3/details')).status).toBe(500);
    expect((await api('/account-info/v3/details')).status).toBe(200);
    expect(sandbox.log().map((entry) => [entry.status, entry.fault])).toEqual([[500, true], [500, true], [200, false]]);
  });

  it('injects 429 with Retry-After and HubSpot’s rate-limit body', async () => {
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/notes$', status: 429, times: 1 }]);
    const res = await createNote('k-429');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(sandbox.hubspot.find('notes', 'loyalty_lens_key', 'k-429')).toHaveLength(0);
  });

  it('applies rules in order and uses a rule’s own headers and body', async () => {
    sandbox.setFaults([
      { match: '^GET /crm/v3/owners', status: 401, times: 1, body: { custom: true }, headers: { 'x-test': 'yes' } },
      { match: '^GET /crm/v3/owners', status: 503, times: 1 },
    ]);
    const first = await api('/crm/v3/owners');
    expect(first.status).toBe(401);
    expect(first.headers.get('x-test')).toBe('yes');
    expect(await first.json()).toEqual({ custom: true });
    expect((await api('/crm/v3/owners')).status).toBe(503);
    expect((await api('/crm/v3/owners')).status).toBe(200);
  });

  it('adds fault latency and global latency to API requests but not to pages', async () => {
    sandbox.setFaults([{ match: '^GET /crm/v3/owners', latencyMs: 150, times: 1 }]);
    let t = performance.now();
    expect((await api('/crm/v3/owners')).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);

    sandbox.setLatency(120);
    try {
      t = performance.now();
      await api('/crm/v3/owners');
      expect(performance.now() - t).toBeGreaterThanOrEqual(110);
      t = performance.now();
      const page = await fetch(`${sandbox.httpUrl}/contacts/40001/record/0-1/${HUBSPOT_FIXTURES.sampleContactId}`);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(performance.now() - t).toBeLessThan(100);
    } finally {
      sandbox.setLatency(0);
    }
  });

  it('dropAfterCommit commits the write but the client sees a socket error', async () => {
    sandbox.setFaults([{ match: '^POST /crm/v3/objects/notes$', dropAfterCommit: true, times: 1 }]);
    await expect(createNote('k-drop')).rejects.toThrow();
    expect(sandbox.hubspot.find('notes', 'loyalty_lens_key', 'k-drop')).toHaveLength(1);
    expect(sandbox.stats().hubspot?.notes).toBe(1);
    // The retry finds the committed note instead of writing a second one.
    const retry = await createNote('k-drop');
    expect(retry.status).toBe(409);
    expect(sandbox.hubspot.find('notes', 'loyalty_lens_key', 'k-drop')).toHaveLength(1);
  });

  it('serves the admin API: faults, log, stats, latency, reset', async () => {
    const admin = (path: string, method = 'GET', body?: unknown): Promise<Response> =>
      fetch(sandbox.httpUrl + path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

    expect((await admin('/__sandbox/faults', 'POST', [{ match: '^GET /crm/v3/owners', status: 418 }])).status).toBe(200);
    expect((await api('/crm/v3/owners')).status).toBe(418);
    expect((await admin('/__sandbox/faults', 'DELETE')).status).toBe(204);
    expect((await api('/crm/v3/owners')).status).toBe(200);

    expect((await admin('/__sandbox/faults', 'POST', [{ match: '(' }])).status).toBe(400);
    expect((await admin('/__sandbox/faults', 'POST', { match: 'x' })).status).toBe(400);
    expect((await admin('/__sandbox/latency', 'POST', { latencyMs: -1 })).status).toBe(400);
    expect((await admin('/__sandbox/latency', 'POST', { latencyMs: 0 })).status).toBe(200);

    const log = (await (await admin('/__sandbox/log')).json()) as { path: string; status: number }[];
    expect(log.map((entry) => entry.status)).toEqual([418, 200]);
    expect(log.every((entry) => !entry.path.startsWith('/__sandbox/'))).toBe(true);
    expect((await admin('/__sandbox/log', 'DELETE')).status).toBe(204);
    expect(sandbox.log()).toEqual([]);

    await createNote('k-admin');
    const stats = (await (await admin('/__sandbox/stats')).json()) as Record<string, Record<string, number>>;
    expect(stats.hubspot?.notes).toBe(1);
    expect(Object.keys(stats)).toEqual(['hubspot', 'salesforce']);

    expect((await admin('/__sandbox/reset', 'POST')).status).toBe(200);
    expect(sandbox.stats().hubspot?.notes).toBe(0);
    expect(sandbox.hubspot.find('notes', 'loyalty_lens_key', 'k-admin')).toHaveLength(0);
    expect(sandbox.log()).toEqual([]);
    expect((await admin('/__sandbox/nothing-here')).status).toBe(404);
  });

  it('lowers HubSpot’s daily budget through the admin API', async () => {
    const res = await fetch(`${sandbox.httpUrl}/__sandbox/hubspot/limits`, { method: 'POST', body: JSON.stringify({ daily: 1 }) });
    expect(res.status).toBe(200);
    expect((await api('/crm/v3/owners')).status).toBe(200);
    const limited = await api('/crm/v3/owners');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'DAILY' });
  });

  it('serves the same handler over HTTPS with a certificate for the CRM hostnames', async () => {
    const result = await new Promise<{ status: number; san: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: sandbox.httpsPort, path: '/account-info/v3/details', servername: 'api.hubapi.com', rejectUnauthorized: false, headers: auth },
        (res) => {
          const cert = (res.socket as TLSSocket).getPeerX509Certificate();
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, san: cert?.subjectAltName ?? '' }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(result.status).toBe(200);
    for (const name of ['api.hubapi.com', '*.hubspot.com', '*.my.salesforce.com', '*.sandbox.lightning.force.com', 'login.salesforce.com', 'IP Address:127.0.0.1']) {
      expect(result.san).toContain(name);
    }
  });
});
