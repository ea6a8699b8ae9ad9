import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { isSalesforceLoginHost, isSalesforceOwnedUrl } from '../../core/hosts';
import { applyPolicy } from '../../core/policy';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { importSettingsFile } from '../../core/settings-file';
import { SETTINGS_KEY, loadSettings, saveSettings } from '../../core/settings-store';
import { storeSalesforceTokens } from '../../entrypoints/background/credentials';
import { salesforceSession, forgetSalesforceSession } from '../../entrypoints/background/salesforce-auth';
import { db } from '../../core/db';
import { buildAuthorizeUrl, exchangeCode, refreshTokens } from '../../integrations/salesforce/oauth';
import { connectHubSpot } from '../../entrypoints/background/connections';

// Tokens go only to the CRMs' own hosts. A login host from any source — typed, imported, policy, stored — is a
// Salesforce login domain or it is refused with its name before any request; a token answer pointing anywhere
// else is refused before anything is stored.

const ACCEPTED = [
  'login.salesforce.com',
  'test.salesforce.com',
  'acme.my.salesforce.com',
  'acme--uat.sandbox.my.salesforce.com',
  'acme-dev-ed.develop.my.salesforce.com',
  'power-ruby-4242.scratch.my.salesforce.com',
  'acme.demo.my.salesforce.com',
  'acme.patch.my.salesforce.com',
  'acme.free.my.salesforce.com',
  'acme.trailblaze.my.salesforce.com',
];

const REFUSED = [
  'evil.example',
  'sso.acme.example',
  'login.salesforce.com.evil.example',
  'acme.my.salesforce.com.evil.example',
  'evilsalesforce.com',
  'my.salesforce.com',
  'salesforce.com',
  'na1.salesforce.com',
  'acme.lightning.force.com',
  'acme.my.site.com',
  'acme.evil.my.salesforce.com',
  'a.b.sandbox.my.salesforce.com',
  '-acme.my.salesforce.com',
  'acme.my.salesforce.mil',
  'localhost',
  '127.0.0.1',
  '',
];

const hostile = (loginHost: string) => ({ ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, loginHost } });
const fileWith = (settings: unknown) => JSON.stringify({ format: 'loyalty-lens-settings', exportedAt: '2026-11-22T10:00:00.000Z', settings });

describe('Salesforce login hosts', () => {
  it.each(ACCEPTED)('accepts %s', (host) => expect(isSalesforceLoginHost(host)).toBe(true));
  it.each(REFUSED)('refuses %j', (host) => expect(isSalesforceLoginHost(host)).toBe(false));

  it('the managed-policy schema the browser enforces agrees with the extension’s list', () => {
    const schema = JSON.parse(readFileSync(new URL('../../public/managed-schema.json', import.meta.url), 'utf8')) as {
      properties: { salesforceLoginHost: { pattern: string } };
    };
    const pattern = new RegExp(schema.properties.salesforceLoginHost.pattern);
    for (const host of ACCEPTED) expect(pattern.test(host), host).toBe(true);
    for (const host of REFUSED) expect(pattern.test(host), host).toBe(false);
  });
});

describe('a non-Salesforce login host, wherever it comes from', () => {
  beforeEach(() => fakeBrowser.reset());

  it('an imported settings file is refused whole, naming the host', () => {
    const result = importSettingsFile(fileWith(hostile('login.evil.example')));
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('"login.evil.example" is not a Salesforce login host') });
  });

  it('a managed policy’s host is ignored and the notice names it; the user’s own host stays', () => {
    const result = applyPolicy(DEFAULT_SETTINGS, { salesforceLoginHost: 'login.evil.example', followUpMaxScore: 5 });
    expect(result.settings.salesforce.loginHost).toBe('login.salesforce.com');
    expect(result.settings.rules.followUpMaxScore).toBe(5);
    expect(result.lockedPaths).toEqual(['rules.followUpMaxScore']);
    expect(result.notice).toEqual({ kind: 'policyRefused', keys: [{ key: 'salesforceLoginHost', refusedHost: 'login.evil.example' }] });
  });

  it('saving it is refused, and nothing is written', async () => {
    expect(await saveSettings(hostile('login.evil.example'))).toEqual({ ok: false, reason: expect.stringContaining('"login.evil.example"') });
    expect((await fakeBrowser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]).toBeUndefined();
  });

  it('stored settings naming it are not used: the defaults apply, with a notice naming the host', async () => {
    await fakeBrowser.storage.local.set({ [SETTINGS_KEY]: hostile('login.evil.example') });
    const loaded = await loadSettings(Promise.resolve(undefined));
    expect(loaded.settings.salesforce.loginHost).toBe('login.salesforce.com');
    expect(loaded.notices).toEqual([{ kind: 'storedUnusable', reason: expect.stringContaining('"login.evil.example" is not a Salesforce login host') }]);
  });
});

describe('the OAuth calls', () => {
  const requested: string[] = [];
  const redirects: Array<RequestRedirect | undefined> = [];
  const answer = (body: unknown) =>
    vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
      requested.push(String(input instanceof Request ? input.url : input));
      redirects.push(init?.redirect);
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
  const good = {
    access_token: '00D!access',
    refresh_token: '5Aep861refresh',
    instance_url: 'https://acme.my.salesforce.com',
    id: 'https://login.salesforce.com/id/00DHn00000Loya1MAC/005Hn000000047SIAQ',
    issued_at: '1700000000000',
  };
  const exchange = (loginHost: string) =>
    exchangeCode({ loginHost, consumerKey: '3MVG9key', redirectUri: 'https://abc.chromiumapp.org/salesforce', code: 'aPrx1', codeVerifier: 'v'.repeat(64) });

  beforeEach(() => {
    requested.length = 0;
    redirects.length = 0;
  });
  afterEach(() => vi.unstubAllGlobals());

  it('send nothing to a login host that is not Salesforce’s, and say which host', async () => {
    answer(good);
    await expect(exchange('login.evil.example')).rejects.toThrow('"login.evil.example" is not a Salesforce login host');
    await expect(refreshTokens({ loginHost: 'login.salesforce.com.evil.example', consumerKey: 'k', refreshToken: 'r' })).rejects.toThrow(
      '"login.salesforce.com.evil.example" is not a Salesforce login host',
    );
    expect(() => buildAuthorizeUrl({ loginHost: 'sso.acme.example', consumerKey: 'k', redirectUri: 'https://a/', codeChallenge: 'c', state: 's' })).toThrow(
      '"sso.acme.example"',
    );
    expect(requested).toEqual([]);
  });

  it('accept a token answer on Salesforce’s own https hosts', async () => {
    answer(good);
    const tokens = await exchange('acme--uat.sandbox.my.salesforce.com');
    expect(tokens.instanceUrl).toBe('https://acme.my.salesforce.com');
    expect(requested).toEqual(['https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token']);
    // The code (and on refresh the refresh token) is in the body: a redirect must not carry it to an unchecked host.
    expect(redirects).toEqual(['error']);
  });

  it.each([
    ['an http instance URL', { instance_url: 'http://acme.my.salesforce.com' }, 'http://acme.my.salesforce.com'],
    ['an instance URL on another domain', { instance_url: 'https://collector.example' }, 'collector.example'],
    ['an instance URL that only looks like Salesforce', { instance_url: 'https://acme.my.salesforce.com.collector.example' }, 'acme.my.salesforce.com.collector.example'],
    ['an instance URL with another port', { instance_url: 'https://acme.my.salesforce.com:8443' }, 'acme.my.salesforce.com:8443'],
    ['an http identity URL', { id: 'http://login.salesforce.com/id/00DHn00000Loya1MAC/005Hn000000047SIAQ' }, 'http://login.salesforce.com'],
    ['an identity URL on another domain', { id: 'https://collector.example/id/00DHn00000Loya1MAC/005Hn000000047SIAQ' }, 'collector.example'],
  ])('refuse a sign-in answer with %s, naming it', async (_name, change, named) => {
    answer({ ...good, ...change });
    await expect(exchange('login.salesforce.com')).rejects.toThrow(new RegExp(`points to ${named.replace(/[.:/]/g, '\\$&')}, which is not a Salesforce address`));
  });

  it('refuse a refresh answer that moves the instance elsewhere', async () => {
    answer({ ...good, instance_url: 'http://collector.example' });
    await expect(refreshTokens({ loginHost: 'login.salesforce.com', consumerKey: 'k', refreshToken: 'r' })).rejects.toThrow(/not a Salesforce address/);
  });

  it.each([
    ['https://acme.my.salesforce.com', true],
    ['https://acme--uat.sandbox.my.salesforce.com', true],
    ['https://login.salesforce.com/id/00D/005', true],
    ['https://acme.lightning.force.com', true],
    ['https://na1.cloudforce.com', true],
    ['http://acme.my.salesforce.com', false],
    ['https://user:pw@acme.my.salesforce.com', false],
    ['https://evilsalesforce.com', false],
    ['https://salesforce.com.evil.example', false],
    ['not a url', false],
  ])('%s is a Salesforce-owned https URL: %s', (url, owned) => expect(isSalesforceOwnedUrl(url)).toBe(owned));
});

describe('a stored Salesforce session', () => {
  beforeEach(async () => {
    forgetSalesforceSession();
    await db.secrets.clear();
  });

  const stored = (change: { loginHost?: string; instanceUrl?: string; idUrl?: string }) => ({
    loginHost: change.loginHost ?? 'login.salesforce.com',
    consumerKey: '3MVG9key',
    tokens: {
      accessToken: '00D!access',
      refreshToken: '5Aep861refresh',
      instanceUrl: change.instanceUrl ?? 'https://acme.my.salesforce.com',
      idUrl: change.idUrl ?? 'https://login.salesforce.com/id/00DHn00000Loya1MAC/005Hn000000047SIAQ',
      issuedAt: 1_700_000_000_000,
      scope: 'api refresh_token',
    },
  });

  it('is restored when every host in it is Salesforce’s', async () => {
    await storeSalesforceTokens(stored({}));
    expect((await salesforceSession()).instanceHost).toBe('acme.my.salesforce.com');
  });

  it.each([
    ['a login host elsewhere', { loginHost: 'login.evil.example' }],
    ['an http instance URL', { instanceUrl: 'http://collector.example' }],
    ['an identity URL elsewhere', { idUrl: 'https://collector.example/id/00DHn00000Loya1MAC/005Hn000000047SIAQ' }],
  ])('naming %s is not restored: Salesforce counts as not connected', async (_name, change) => {
    await storeSalesforceTokens(stored(change));
    await expect(salesforceSession()).rejects.toThrow(/not connected/);
  });
});

describe('HubSpot', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is only ever called at api.hubapi.com: no setting, file, policy or answer names its host', async () => {
    const sent: Array<{ url: string; authorization: string | null }> = [];
    vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
      sent.push({ url: String(input instanceof Request ? input.url : input), authorization: new Headers(init?.headers).get('authorization') });
      return new Response(JSON.stringify({ status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' }), {
        status: 401,
        headers: { 'content-type': 'application/json' },
      });
    });
    await expect(connectHubSpot('pat-na1-11111111-2222')).rejects.toThrow();
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) expect(new URL(request.url).origin).toBe('https://api.hubapi.com');
  });
});
