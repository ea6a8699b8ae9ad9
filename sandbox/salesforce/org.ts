import { toId18 } from '../../integrations/salesforce/ids';

// The sandbox org's names: its hosts, its connected app and its id.

export const SALESFORCE_HOSTS = {
  api: 'acme.my.salesforce.com',
  lightning: 'acme.lightning.force.com',
  sandboxApi: 'acme--uat.sandbox.my.salesforce.com',
  sandboxLightning: 'acme--uat.sandbox.lightning.force.com',
  login: 'login.salesforce.com',
  testLogin: 'test.salesforce.com',
} as const;

/** The connected app's consumer key (a public PKCE client: no secret). */
export const SALESFORCE_CONSUMER_KEY = '3MVG9LoyaltyLensSandboxConsumerKey.PKCE.public_client_2026';

export const SALESFORCE_ORG_ID = toId18('00DHn00000Loya1')!;
