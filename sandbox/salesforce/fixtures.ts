import { SALESFORCE_CONSUMER_KEY, SALESFORCE_HOSTS, SALESFORCE_ORG_ID } from './org';
import { seed } from './seed';
import { Store } from './store';

// Well-known names and ids of the sandbox org, for tests, the demo and the e2e run.

export { SALESFORCE_CONSUMER_KEY, SALESFORCE_HOSTS, SALESFORCE_ORG_ID } from './org';

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
