
// Where tokens may go. Every host that can receive a token — a login host typed on the options page, imported in
// a settings file, set by policy or read back from storage, and the API and identity URLs a token answer names —
// is checked against these lists before any request. Each list cites where Salesforce or HubSpot document it.

/**
 * Salesforce's generic login hosts: production and sandboxes.
 * Source: Salesforce Help, "Set the My Domain Login Policy"
 * (https://help.salesforce.com/s/articleView?id=xcloud.domain_name_setting_login_policy.htm) names
 * https://login.salesforce.com (production) and https://test.salesforce.com (sandboxes); Salesforce's own CLI
 * uses the same two (forcedotcom/sfdx-core, src/util/sfdcUrl.ts, SfdcUrl.PRODUCTION / SfdcUrl.SANDBOX).
 */
export const SALESFORCE_GENERIC_LOGIN_HOSTS = ['login.salesforce.com', 'test.salesforce.com'] as const;

/**
 * Every org's My Domain login host ends in my.salesforce.com: https://MyDomainName.my.salesforce.com.
 * Source: Salesforce Help, "My Domain URL Formats"
 * (https://help.salesforce.com/s/articleView?id=xcloud.domain_name_app_url_changes.htm); Trailhead, "Customize
 * Your Login Process with My Domain" ("my.salesforce.com is the Salesforce domain suffix").
 */
export const SALESFORCE_MY_DOMAIN_SUFFIX = 'my.salesforce.com';

/**
 * Orgs other than production sit in a partition under the suffix, e.g. MyDomainName--SandboxName.sandbox.my.salesforce.com
 * and MyDomainName-dev-ed.develop.my.salesforce.com. Source: Salesforce Help, "Partitioned Domains"
 * (https://help.salesforce.com/s/articleView?id=xcloud.domain_name_partitioned_domains.htm), summarised in the
 * packaging guide "Call Salesforce URLs Within a Package" (demo, Developer Edition, free, patch and scratch orgs and
 * Trailhead playgrounds); sfdx-core's SfdcUrl (sandbox.my.salesforce.com, scratch.my.salesforce.com).
 * Not accepted: Government Cloud Plus (*.my.salesforce.mil, in sfdx-core's SfdcUrl) — its record pages
 * (*.lightning.crmforce.mil) are not among the pages the extension runs on, so a sign-in there could show nothing.
 */
export const SALESFORCE_PARTITIONS = ['sandbox', 'develop', 'scratch', 'demo', 'patch', 'free', 'trailblaze'] as const;

/**
 * Domains Salesforce owns, for the instance and identity URLs of a token answer (only ever under these).
 * Source: Salesforce Help, "Allow the Required Domains" (https://help.salesforce.com/s/articleView?id=000003652),
 * as sfdx-core's SfdcUrl.isSalesforceDomain lists it: *.salesforce.com, *.force.com, *.cloudforce.com.
 */
export const SALESFORCE_OWNED_DOMAINS = ['salesforce.com', 'force.com', 'cloudforce.com'] as const;

/**
 * HubSpot's API hosts: api.hubapi.com, the base of every endpoint in HubSpot's API reference
 * (https://developers.hubspot.com/docs/api/overview), and api-eu1.hubapi.com, its EU data-centre twin. HubSpot hosts
 * come from no setting, file or answer: the client is built on the first (integrations/hubspot/client.ts).
 */
export const HUBSPOT_API_HOSTS = ['api.hubapi.com', 'api-eu1.hubapi.com'] as const;

/** One DNS label: letters, digits and inner hyphens (My Domain names use "--" before a sandbox name). */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const MY_DOMAIN_HOST = new RegExp(`^${LABEL}\\.(?:(?:${SALESFORCE_PARTITIONS.join('|')})\\.)?my\\.salesforce\\.com$`);

export function isSalesforceLoginHost(host: string): boolean {
  return (SALESFORCE_GENERIC_LOGIN_HOSTS as readonly string[]).includes(host) || MY_DOMAIN_HOST.test(host);
}

export function salesforceLoginHostProblem(host: string): string {
  return `"${host}" is not a Salesforce login host. Use login.salesforce.com, test.salesforce.com or your My Domain (for example acme.my.salesforce.com or acme--uat.sandbox.my.salesforce.com)`;
}


function isOwnedBy(host: string, domains: readonly string[]): boolean {
  return domains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/** Whether a URL is https on a Salesforce-owned domain, with no port or user info that could redirect it elsewhere. */
export function isSalesforceOwnedUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '' && isOwnedBy(url.hostname, SALESFORCE_OWNED_DOMAINS);
}
