import { toId18 } from '../../integrations/salesforce/ids';
import { seed } from './seed';
import { Store } from './store';

// Well-known names and ids of the sandbox org, for tests, the demo and the e2e run.

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

// The first seeded world is handed to the first sandbox created, so importing the fixtures costs one seed, not two.
let initialWorld: Store | null = new Store();
const ids = seed(initialWorld);

export function takeInitialWorld(): Store | null {
  const world = initialWorld;
  initialWorld = null;
  return world;
}

export const SALESFORCE_FIXTURES = {
  hosts: SALESFORCE_HOSTS,
  instanceUrl: `https://${SALESFORCE_HOSTS.api}`,
  consumerKey: SALESFORCE_CONSUMER_KEY,
  orgId: SALESFORCE_ORG_ID,
  apiVersion: '62.0',
  ...ids,
} as const;
