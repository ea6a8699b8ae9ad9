// The sandbox's HTTP core: one HTTPS and one plain HTTP server sharing a handler that routes by path to
// the CRM sandboxes, injects faults and latency, logs requests and serves the /__sandbox/ admin API.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { createHubSpotSandbox, type HubSpotSandbox } from './hubspot/index';
import { createSalesforceSandbox, type SalesforceSandbox } from './salesforce/index';
import { loadOrCreateCertificate } from './tls';
import type { CrmSandbox, FaultRule, LoggedRequest, SandboxRequest, SandboxResponse } from './types';

export interface SandboxOptions {
  httpsPort?: number;
  httpPort?: number;
  /** Added to every API request (not to record pages or admin endpoints). */
  latencyMs?: number;
  host?: string;
  /**
   * Bench only: each CRM's seed padded with NPS answers until the twelve calendar months ending at the start hold this
   * many (the benchmarks' volume); unset, the seed every test counts by hand.
   */
  answersInYear?: number;
}

export interface RunningSandbox {
  httpsPort: number;
  httpPort: number;
  httpsUrl: string;
  httpUrl: string;
  close(): Promise<void>;
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  log(): LoggedRequest[];
  clearLog(): void;
  reset(): void;
  setLatency(latencyMs: number): void;
  stats(): Record<string, Record<string, number>>;
  hubspot: HubSpotSandbox;
  salesforce: SalesforceSandbox;
}

const faultRuleSchema = z.strictObject({
  match: z.string().min(1).refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, 'match must be a valid regular expression'),
  times: z.number().int().positive().optional(),
  latencyMs: z.number().int().nonnegative().max(120_000).optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  dropAfterCommit: z.boolean().optional(),
  statusAfterCommit: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
}).refine((rule) => [rule.status !== undefined, rule.dropAfterCommit === true, rule.statusAfterCommit !== undefined].filter(Boolean).length <= 1, {
  message: 'status, dropAfterCommit and statusAfterCommit exclude each other',
});
const faultsSchema = z.array(faultRuleSchema);
const latencySchema = z.strictObject({ latencyMs: z.number().int().nonnegative().max(120_000) });

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const MAX_LOG = 50_000;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function hostWithoutPort(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

/** What a fault answers with when the rule gives no body: the error shape of the CRM that owns the path. */
function defaultFaultBody(status: number, pathname: string): unknown {
  if (pathname.startsWith('/services/')) {
    const errorCode = status === 401 ? 'INVALID_SESSION_ID' : status === 429 || status === 403 ? 'REQUEST_LIMIT_EXCEEDED' : 'UNKNOWN_EXCEPTION';
    return [{ message: `Sandbox fault: HTTP ${status}`, errorCode }];
  }
  if (status === 429) {
    return { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName: 'TEN_SECONDLY_ROLLING', requestId: randomUUID() };
  }
  if (status === 401) {
    return { status: 'error', message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview', correlationId: randomUUID(), category: 'INVALID_AUTHENTICATION' };
  }
  return { status: 'error', message: `Sandbox fault: HTTP ${status}`, correlationId: randomUUID(), category: status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR' };
}

/**
 * A 5xx after the commit: a 500 comes from the CRM itself, in its error shape; 502/503/504 come from the load
 * balancer in front of it, as an HTML page.
 */
function afterCommitAnswer(status: 500 | 502 | 503 | 504, pathname: string): SandboxResponse {
  if (status === 500) return { status, headers: { 'content-type': 'application/json;charset=utf-8' }, body: defaultFaultBody(status, pathname) };
  const title = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status];
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1></body></html>` };
}

function isHtml(response: SandboxResponse): boolean {
  return Object.entries(response.headers ?? {}).some(([k, v]) => k.toLowerCase() === 'content-type' && v.includes('text/html'));
}

function send(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let payload: string | undefined;
  if (response.body === undefined || response.status === 204 || response.status === 304) {
    payload = undefined;
  } else if (typeof response.body === 'string') {
    payload = response.body;
    if (!hasType) headers['content-type'] = 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(response.body);
    if (!hasType) headers['content-type'] = 'application/json;charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise((server.address() as AddressInfo).port);
    });
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  let latencyMs = options.latencyMs ?? 0;
  const hubspot = createHubSpotSandbox({ answersInYear: options.answersInYear });
  const salesforce = createSalesforceSandbox({ latencyMs, answersInYear: options.answersInYear });
  const crms: CrmSandbox[] = [hubspot, salesforce];
  let faults: (FaultRule & { pattern: RegExp; remaining: number })[] = [];
  let requestLog: LoggedRequest[] = [];

  const setFaults = (rules: FaultRule[]): void => {
    faults = faultsSchema.parse(rules).map((rule) => ({ ...rule, pattern: new RegExp(rule.match), remaining: rule.times ?? Infinity }));
  };
  const reset = (): void => {
    for (const crm of crms) crm.reset();
    faults = [];
    requestLog = [];
  };
  const stats = (): Record<string, Record<string, number>> => Object.fromEntries(crms.map((crm) => [crm.name, crm.stats()]));

  /** Takes the first rule matching the request and counts it down. */
  const takeFault = (method: string, pathname: string): FaultRule | undefined => {
    const key = `${method} ${pathname}`;
    const rule = faults.find((f) => f.remaining > 0 && f.pattern.test(key));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) faults = faults.filter((f) => f !== rule);
    return rule;
  };

  const adminBody = <T>(raw: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: SandboxResponse } => {
    let json: unknown;
    try {
      json = JSON.parse(raw || 'null');
    } catch {
      return { ok: false, response: { status: 400, body: { error: 'Body must be JSON' } } };
    }
    const parsed = schema.safeParse(json);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, response: { status: 400, body: { error: z.prettifyError(parsed.error) } } };
  };

  const admin = async (request: SandboxRequest): Promise<SandboxResponse> => {
    const route = `${request.method} ${request.url.pathname}`;
    switch (route) {
      case 'POST /__sandbox/faults': {
        const body = adminBody(request.rawBody, faultsSchema);
        if (!body.ok) return body.response;
        setFaults(body.value);
        return { status: 200, body: { faults: body.value.length } };
      }
      case 'DELETE /__sandbox/faults':
        faults = [];
        return { status: 204 };
      case 'GET /__sandbox/faults':
        return { status: 200, body: faults.map(({ pattern: _pattern, remaining, ...rule }) => ({ ...rule, remaining: Number.isFinite(remaining) ? remaining : null })) };
      case 'GET /__sandbox/log':
        return { status: 200, body: requestLog };
      case 'DELETE /__sandbox/log':
        requestLog = [];
        return { status: 204 };
      case 'POST /__sandbox/reset':
        reset();
        return { status: 200, body: { reset: true } };
      case 'GET /__sandbox/stats':
        return { status: 200, body: stats() };
      case 'POST /__sandbox/latency': {
        const body = adminBody(request.rawBody, latencySchema);
        if (!body.ok) return body.response;
        latencyMs = body.value.latencyMs;
        return { status: 200, body: { latencyMs } };
      }
    }
    for (const crm of crms) {
      const response = await crm.handle(request);
      if (response) return response;
    }
    return { status: 404, body: { error: `Unknown sandbox endpoint ${route}` } };
  };

  const handler = async (req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https'): Promise<void> => {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? 'localhost'}`);
    const host = hostWithoutPort(req.headers.host);
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      if (!res.headersSent) send(res, { status: 413, body: { error: 'Request body too large' } });
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const request: SandboxRequest = { method, url, host, headers, rawBody };

    if (url.pathname.startsWith('/__sandbox/')) {
      send(res, await admin(request));
      return;
    }

    const record = (status: number, fault: boolean): void => {
      requestLog.push({ at: Date.now(), method, host, path: url.pathname + url.search, status, durationMs: Math.round(performance.now() - started), fault });
      if (requestLog.length > MAX_LOG) requestLog.splice(0, requestLog.length - MAX_LOG);
    };

    const fault = takeFault(method, url.pathname);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.status !== undefined) {
      if (latencyMs > 0) await sleep(latencyMs);
      const response: SandboxResponse = {
        status: fault.status,
        headers: {
          'content-type': 'application/json;charset=utf-8',
          ...(fault.status === 429 ? { 'retry-after': '1' } : {}),
          ...fault.headers,
        },
        body: fault.body ?? defaultFaultBody(fault.status, url.pathname),
      };
      send(res, response);
      record(fault.status, true);
      return;
    }

    let response: SandboxResponse | null = null;
    for (const crm of crms) {
      response = await crm.handle(request);
      if (response) break;
    }
    response ??= { status: 404, body: { status: 'error', message: `No sandbox route for ${method} ${url.pathname}`, category: 'OBJECT_NOT_FOUND' } };

    if (!isHtml(response) && latencyMs > 0) await sleep(latencyMs);
    if (fault?.statusAfterCommit !== undefined) {
      // The CRM has committed the write; the client hears a server error.
      send(res, afterCommitAnswer(fault.statusAfterCommit, url.pathname));
      record(fault.statusAfterCommit, true);
      return;
    }
    if (fault?.dropAfterCommit) {
      // The CRM has committed the write; the client never hears back.
      record(0, true);
      res.socket?.destroy();
      return;
    }
    send(res, response);
    record(response.status, fault !== undefined);
  };

  const wrap = (scheme: 'http' | 'https') => (req: IncomingMessage, res: ServerResponse): void => {
    handler(req, res, scheme).catch((error: unknown) => {
      console.error('[sandbox] handler failed', error);
      if (!res.headersSent) send(res, { status: 500, body: { status: 'error', message: 'Sandbox internal error', category: 'INTERNAL_ERROR' } });
      else res.destroy();
    });
  };

  const tls = await loadOrCreateCertificate();
  const httpsServer = createHttpsServer({ key: tls.key, cert: tls.cert }, wrap('https'));
  const httpServer = createHttpServer(wrap('http'));
  // Keep-alive sockets would hold close() open; tests and the CLI want a prompt shutdown.
  for (const server of [httpsServer, httpServer]) server.keepAliveTimeout = 1000;
  const httpsPort = await listen(httpsServer, options.httpsPort ?? 0, host);
  const httpPort = await listen(httpServer, options.httpPort ?? 0, host);
  // Seed now so the first API call is not the one paying for generation.
  hubspot.portals();
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const closeServer = (server: Server): Promise<void> =>
    new Promise((resolvePromise) => {
      server.close(() => resolvePromise());
      server.closeAllConnections();
    });

  return {
    httpsPort,
    httpPort,
    httpsUrl: `https://${urlHost}:${httpsPort}`,
    httpUrl: `http://${urlHost}:${httpPort}`,
    close: async () => {
      await Promise.all([closeServer(httpsServer), closeServer(httpServer)]);
    },
    setFaults,
    clearFaults: () => {
      faults = [];
    },
    log: () => [...requestLog],
    clearLog: () => {
      requestLog = [];
    },
    reset,
    setLatency: (ms: number) => {
      latencyMs = ms;
    },
    stats,
    hubspot,
    salesforce,
  };
}
