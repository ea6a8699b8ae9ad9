import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CrmError } from '../../integrations/crm';
import {
  buildAuthorizeUrl,
  createPkce,
  createState,
  identityOf,
  parseRedirect,
  SalesforceSession,
  type SalesforceTokens,
} from '../../integrations/salesforce/oauth';

const tokens = (n: number): SalesforceTokens => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  instanceUrl: 'https://acme.my.salesforce.com',
  idUrl: 'https://login.salesforce.com/id/00DHn00000Loya1MAC/005Hn000000047SIAQ',
  issuedAt: 1_700_000_000_000 + n,
  scope: 'api refresh_token',
});

describe('PKCE', () => {
  it('makes a 43–128 character base64url verifier and its S256 challenge', async () => {
    const { verifier, challenge } = await createPkce();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  it('never repeats a verifier or a state', async () => {
    const a = await createPkce();
    const b = await createPkce();
    expect(a.verifier).not.toBe(b.verifier);
    expect(createState()).not.toBe(createState());
  });
});

describe('authorize URL and redirect', () => {
  const url = new URL(
    buildAuthorizeUrl({
      loginHost: 'acme.my.salesforce.com',
      consumerKey: '3MVG9key',
      redirectUri: 'https://abc.chromiumapp.org/salesforce',
      codeChallenge: 'challenge',
      state: 'state-1',
    }),
  );

  it('asks the login host for a code with PKCE and no secret', () => {
    expect(url.origin + url.pathname).toBe('https://acme.my.salesforce.com/services/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: '3MVG9key',
      redirect_uri: 'https://abc.chromiumapp.org/salesforce',
      code_challenge: 'challenge',
      code_challenge_method: 'S256',
      state: 'state-1',
      scope: 'api refresh_token',
    });
  });

  it('refuses a login host that is not a host name', () => {
    expect(() => buildAuthorizeUrl({ loginHost: 'evil.com/x?', consumerKey: 'k', redirectUri: 'https://a/', codeChallenge: 'c', state: 's' })).toThrow(CrmError);
  });

  it.each([
    ['https://abc.chromiumapp.org/salesforce?code=aPrx1&state=s1', { code: 'aPrx1' }],
  ])('reads the code from %s', (redirect, expected) => {
    expect(parseRedirect(redirect, 's1')).toEqual(expected);
  });

  it.each([
    ['https://abc.chromiumapp.org/salesforce?code=aPrx1&state=other', /does not belong/],
    ['https://abc.chromiumapp.org/salesforce?code=aPrx1', /does not belong/],
    ['https://abc.chromiumapp.org/salesforce?error=access_denied&error_description=end-user+denied&state=s1', /not allowed/],
    ['https://abc.chromiumapp.org/salesforce?error=OAUTH_APP_BLOCKED&state=s1', /OAUTH_APP_BLOCKED/],
    ['https://abc.chromiumapp.org/salesforce?state=s1', /no authorization code/],
    ['not a url', /unreadable/],
  ])('refuses %s in words', (redirect, message) => {
    expect(() => parseRedirect(redirect, 's1')).toThrow(message);
  });
});

describe('SalesforceSession', () => {
  it('five concurrent 401s share one refresh, and the rotated tokens are reported once', async () => {
    let calls = 0;
    const reported: SalesforceTokens[] = [];
    const session = new SalesforceSession({
      tokens: tokens(1),
      loginHost: 'login.salesforce.com',
      consumerKey: 'k',
      onTokens: (t) => void reported.push(t),
      refresh: async ({ refreshToken }) => {
        calls++;
        expect(refreshToken).toBe('refresh-1');
        await new Promise((r) => setTimeout(r, 10));
        return tokens(2);
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => session.refresh('access-1')));
    expect(calls).toBe(1);
    expect(results.every((t) => t.accessToken === 'access-2')).toBe(true);
    expect(reported.map((t) => t.refreshToken)).toEqual(['refresh-2']);
    // A request that failed with the old token after the refresh just uses the new one.
    await session.refresh('access-1');
    expect(calls).toBe(1);
  });

  it('a failed refresh is not remembered: the next 401 tries again', async () => {
    let calls = 0;
    const session = new SalesforceSession({
      tokens: tokens(1),
      loginHost: 'login.salesforce.com',
      consumerKey: 'k',
      onTokens: () => {},
      refresh: async () => {
        calls++;
        if (calls === 1) throw new CrmError('network', 'offline');
        return tokens(3);
      },
    });
    await expect(session.refresh('access-1')).rejects.toThrow('offline');
    expect((await session.refresh('access-1')).accessToken).toBe('access-3');
  });

  it('knows its org from the tokens', () => {
    expect(identityOf(tokens(1))).toEqual({ orgId: '00DHn00000Loya1MAC', userId: '005Hn000000047SIAQ' });
    const session = new SalesforceSession({ tokens: tokens(1), loginHost: 'l', consumerKey: 'k', onTokens: () => {} });
    expect(session.instanceHost).toBe('acme.my.salesforce.com');
  });
});
