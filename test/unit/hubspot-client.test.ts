import { describe, expect, it } from 'vitest';
import { call, createHubSpotApis, HubSpotHttp } from '../../integrations/hubspot/client';
import { isIdempotent } from '../../integrations/hubspot/paths';
import { hsObjectSchema, hsSearchPageSchema } from '../../integrations/hubspot/schema';
import { CrmError } from '../../integrations/crm';
import type { Clock } from '../../integrations/rate-limit';

const TOKEN = 'pat-na1-sandbox-40001';
const BASE = 'https://api.example.test';

function clock(): Clock & { t: number } {
  const c = { t: 1_000_000, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

type Answer = { status: number; body?: string; headers?: Record<string, string> } | Error;

function scripted(answers: Answer[]) {
  const seen: Array<{ url: string; method: string; auth: string | null; body: string | null; redirect: RequestRedirect | undefined }> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({ url: String(input), method: init?.method ?? 'GET', auth: headers.get('authorization'), body: (init?.body as string) ?? null, redirect: init?.redirect });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return new Response(next.body ?? '', { status: next.status, headers: { 'content-type': 'application/json', ...next.headers } });
  }) as typeof fetch;
  return { fetchImpl, seen };
}

const contact = JSON.stringify({ id: '111', properties: { firstname: 'Ada' }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', archived: false });

function setup(answers: Answer[]) {
  const c = clock();
  const { fetchImpl, seen } = scripted(answers);
  const http = new HubSpotHttp({ token: TOKEN, apiBase: BASE, clock: c, fetch: fetchImpl, random: () => 0.5 });
  const apis = createHubSpotApis(http, BASE);
  const read = () => call(hsObjectSchema, 'reading contact 111', () => apis.basic.getById('contacts', '111', ['firstname']));
  return { c, seen, http, apis, read };
}

describe('HubSpot HTTP layer under the official codegen', () => {
  it('sends the codegen request with one bearer header and deserializes through the models', async () => {
    const { seen, read } = setup([{ status: 200, body: contact }]);
    const obj = await read();
    expect(obj.id).toBe('111');
    expect(obj.properties.firstname).toBe('Ada');
    expect(seen[0]!.url).toBe(`${BASE}/crm/v3/objects/contacts/111?properties=firstname`);
    expect(seen[0]!.auth).toBe(`Bearer ${TOKEN}`);
    // A redirect would carry the request (and a token check's body, the token) to a host nobody checked.
    expect(seen[0]!.redirect).toBe('error');
  });

  it('search bodies reach HubSpot in its JSON shape', async () => {
    const { seen, apis } = setup([{ status: 200, body: JSON.stringify({ total: 3, results: [] }) }]);
    const page = await call(hsSearchPageSchema, 'search', () =>
      apis.search.doSearch('contacts', { filterGroups: [{ filters: [{ propertyName: 'associations.company', operator: 'EQ' as never, value: '102' }] }], limit: 1 }),
    );
    expect(page.total).toBe(3);
    expect(JSON.parse(seen[0]!.body!)).toMatchObject({ filterGroups: [{ filters: [{ propertyName: 'associations.company', operator: 'EQ', value: '102' }] }] });
  });

  it('honours Retry-After on a ten-secondly 429 and then succeeds', async () => {
    const { c, read, seen } = setup([
      { status: 429, body: JSON.stringify({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' }), headers: { 'retry-after': '2' } },
      { status: 200, body: contact },
    ]);
    const start = c.t;
    await read();
    expect(seen).toHaveLength(2);
    expect(c.t - start).toBeGreaterThanOrEqual(2_000);
  });

  it('does not retry a DAILY 429', async () => {
    const { read, seen } = setup([{ status: 429, body: JSON.stringify({ errorType: 'RATE_LIMIT', policyName: 'DAILY' }) }]);
    await expect(read()).rejects.toMatchObject({ kind: 'daily-limit' });
    expect(seen).toHaveLength(1);
  });

  it('two connectors of one token pace their searches together, as HubSpot counts them; another token’s do not', async () => {
    const searchTwice = async (tokens: [string, string]) => {
      const c = clock();
      const answer = (async () => new Response(JSON.stringify({ total: 0, results: [] }), { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
      const [a, b] = tokens.map((token) => createHubSpotApis(new HubSpotHttp({ token, apiBase: BASE, clock: c, fetch: answer }), BASE));
      const search = (apis: ReturnType<typeof createHubSpotApis>) =>
        call(hsSearchPageSchema, 'search', () => apis.search.doSearch('tickets', { filterGroups: [], limit: 1 }));
      const start = c.t;
      // Five searches each: ten in all, over HubSpot's five a second when one token sends them.
      await Promise.all([...Array.from({ length: 5 }, () => search(a!)), ...Array.from({ length: 5 }, () => search(b!))]);
      return c.t - start;
    };
    expect(await searchTwice([TOKEN, TOKEN])).toBeGreaterThanOrEqual(1_000);
    expect(await searchTwice([TOKEN, `${TOKEN}-other`])).toBe(0);
  });

  it('retries 5xx a bounded number of times', async () => {
    const { read, seen } = setup(Array.from({ length: 10 }, () => ({ status: 503, body: 'unavailable' })));
    await expect(read()).rejects.toMatchObject({ kind: 'server' });
    expect(seen).toHaveLength(4);
  });

  it('a 5xx to a create is not sent again: HubSpot may have stored the record before answering', async () => {
    const { apis, seen } = setup(Array.from({ length: 4 }, () => ({ status: 502, body: 'bad gateway' })));
    const create = () => call(hsObjectSchema, 'saving a note', () => apis.basic.create('notes', { properties: { hs_timestamp: '2026-11-02T10:00:00Z' }, associations: [] }));
    await expect(create()).rejects.toMatchObject({ kind: 'server' });
    expect(seen).toHaveLength(1);
  });

  it('a 5xx to an upsert on a unique key is sent again (it lands on the same record)', async () => {
    const upserted = JSON.stringify({ status: 'COMPLETE', results: [], startedAt: '2026-11-02T10:00:00Z', completedAt: '2026-11-02T10:00:01Z' });
    const { apis, seen } = setup([{ status: 503, body: 'unavailable' }, { status: 200, body: upserted }]);
    await apis.batch.upsert('notes', { inputs: [{ idProperty: 'loyalty_lens_key', id: 'k', properties: {} }] });
    expect(seen).toHaveLength(2);
  });

  it.each([
    ['GET', '/crm/v3/objects/contacts/1', true],
    ['POST', '/crm/v3/objects/notes/search', true],
    ['POST', '/crm/v3/objects/notes/batch/read', true],
    ['POST', '/crm/v3/objects/notes/batch/upsert', true],
    ['POST', '/crm/v3/objects/tickets/batch/update', true],
    ['PATCH', '/crm/v3/objects/tickets/7', true],
    ['PUT', '/crm/v4/objects/notes/1/associations/default/contacts/2', true],
    ['POST', '/crm/v4/associations/notes/contacts/batch/associate/default', true],
    ['POST', '/crm/v4/associations/notes/contacts/batch/create', true],
    ['POST', '/oauth/v2/private-apps/get/access-token-info', true],
    ['POST', '/crm/v3/objects/notes', false],
    ['POST', '/crm/v3/objects/tickets/batch/create', false],
  ])('%s %s idempotent by construction: %s', (method, path, expected) => {
    expect(isIdempotent(method, path)).toBe(expected);
  });

  it('malformed JSON → malformed', async () => {
    const { read } = setup([{ status: 200, body: '{"id": "111", "properties": ' }]);
    await expect(read()).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('a body of the wrong shape → malformed', async () => {
    const { read } = setup([{ status: 200, body: JSON.stringify({ id: 5, properties: 'x' }) }]);
    await expect(read()).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('network failure → network, with no token in the message', async () => {
    const { read } = setup([new TypeError(`fetch failed for ${TOKEN}`)]);
    const e = await read().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CrmError);
    expect((e as CrmError).kind).toBe('network');
    expect((e as CrmError).message).not.toContain(TOKEN);
  });

  it('times out after the configured time', async () => {
    const never = (async (_: unknown, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;
    const http = new HubSpotHttp({ token: TOKEN, apiBase: BASE, fetch: never, timeoutMs: 50 });
    const apis = createHubSpotApis(http, BASE);
    await expect(call(hsObjectSchema, 'x', () => apis.basic.getById('contacts', '1'))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('pauses when the rate headers say the window is spent', async () => {
    const { c, read } = setup([
      { status: 200, body: contact, headers: { 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-daily-remaining': '4999', 'x-hubspot-ratelimit-daily': '5000' } },
      { status: 200, body: contact },
    ]);
    const start = c.t;
    await read();
    await read();
    expect(c.t - start).toBeGreaterThanOrEqual(10_000);
  });
});
