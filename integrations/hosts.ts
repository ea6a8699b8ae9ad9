import { HUBSPOT_API_HOSTS, SALESFORCE_GENERIC_LOGIN_HOSTS } from '../core/hosts';

// Where the CRMs live. Used by the manifest (host permissions, content script matches) and by the
// page adapters, so the two can never disagree. Which hosts may receive a token is core/hosts.ts.
export const HUBSPOT_APP_HOSTS = [
  'app.hubspot.com',
  'app-eu1.hubspot.com',
  'app-na2.hubspot.com',
  'app-na3.hubspot.com',
  'app-ap1.hubspot.com',
] as const;

export const HUBSPOT_APP_MATCHES = HUBSPOT_APP_HOSTS.map((host) => `https://${host}/*`);

export const SALESFORCE_APP_MATCHES = [
  'https://*.lightning.force.com/*',
  'https://*.my.salesforce.com/*',
];

export const HUBSPOT_API_ORIGINS = HUBSPOT_API_HOSTS.map((host) => `https://${host}`);

export const SALESFORCE_LOGIN_ORIGINS = SALESFORCE_GENERIC_LOGIN_HOSTS.map((host) => `https://${host}`);

export const API_HOST_PERMISSIONS = [
  ...HUBSPOT_API_ORIGINS.map((origin) => `${origin}/*`),
  ...SALESFORCE_LOGIN_ORIGINS.map((origin) => `${origin}/*`),
];

/** Every CRM host pattern: the manifest's host permissions, and so all the extension may ever ask the browser for. */
export const CRM_HOST_PERMISSIONS = [...HUBSPOT_APP_MATCHES, ...SALESFORCE_APP_MATCHES, ...API_HOST_PERMISSIONS];

/** Whether a host name falls under one of the CRM host patterns ("https://*.my.salesforce.com/*" covers its subdomains). */
export function isCrmHost(host: string): boolean {
  return CRM_HOST_PERMISSIONS.some((pattern) => {
    const patternHost = pattern.slice('https://'.length, -'/*'.length);
    return patternHost.startsWith('*.') ? host.endsWith(patternHost.slice(1)) : host === patternHost;
  });
}
