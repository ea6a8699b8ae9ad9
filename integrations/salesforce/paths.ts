// Every Salesforce path the connector reaches, in one place. The REST API version comes from settings (the
// background passes it in); the sign-in paths are the same on every login host.

export const OAUTH_PATHS = {
  authorize: '/services/oauth2/authorize',
  token: '/services/oauth2/token',
  userinfo: '/services/oauth2/userinfo',
} as const;

/** The REST paths of one API version. */
export function dataPaths(apiVersion: string) {
  const base = `/services/data/v${apiVersion}`;
  return {
    /** `encodedSoql`: the query text, URL-encoded except for composite references (see SalesforceApi.queryUrl). */
    query: (encodedSoql: string) => `${base}/query?q=${encodedSoql}`,
    composite: `${base}/composite`,
    /** sObject Collections: create (POST) and update (PATCH) up to 200 records. */
    collection: `${base}/composite/sobjects`,
    /** sObject Collections upsert on an External ID field. */
    upsertCollection: (objectName: string, externalIdField: string) => `${base}/composite/sobjects/${objectName}/${externalIdField}`,
    objects: `${base}/sobjects`,
    object: (objectName: string) => `${base}/sobjects/${objectName}`,
    describe: (objectName: string) => `${base}/sobjects/${objectName}/describe`,
    /** The Tooling API's CustomField: creates a field on an object (needs the Customize Application permission). */
    toolingCustomField: `${base}/tooling/sobjects/CustomField`,
  };
}
export type DataPaths = ReturnType<typeof dataPaths>;

/** The Lightning host of an org's API host: acme.my.salesforce.com → acme.lightning.force.com. */
export function lightningHost(instance: string): string {
  return instance.replace(/\.my\.salesforce\.com$/, '.lightning.force.com');
}

/** A record's page in Lightning Experience. */
export function recordUrl(instance: string, objectName: string, id: string): string {
  return `https://${lightningHost(instance)}/lightning/r/${objectName}/${id}/view`;
}
