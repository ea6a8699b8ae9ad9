// Every HubSpot path the connector reaches, in one place. HubSpot is moving from v1–v4 paths to date-versioned
// ones (`/crm/objects/2026-03/…`; see shared/reference/hubspot.md): that move is a change of `API` below (and the
// sandbox's routes). The official client's codegen modules build their own paths from the prefixes in `CODEGEN`;
// the HTTP layer (client.ts) sends each such request to the matching prefix in `API` (see servedUrl).

/** The prefixes the @hubspot/api-client codegen modules build (fixed by the client's version). */
const CODEGEN = {
  objects: '/crm/v3/objects',
  associations: '/crm/v4/associations',
  pipelines: '/crm/v3/pipelines',
  properties: '/crm/v3/properties',
  owners: '/crm/v3/owners',
  schemas: '/crm-object-schemas/v3/schemas',
} as const;

/** The prefixes Loyalty Lens calls. */
export const API: Record<keyof typeof CODEGEN, string> & { accountInfo: string; tokenInfo: string } = {
  objects: '/crm/v3/objects',
  associations: '/crm/v4/associations',
  pipelines: '/crm/v3/pipelines',
  properties: '/crm/v3/properties',
  owners: '/crm/v3/owners',
  schemas: '/crm-object-schemas/v3/schemas',
  /** Outside the codegen modules: the portal's details (its company currency). */
  accountInfo: '/account-info/v3/details',
  /** Outside the codegen modules: which portal a token belongs to and its scopes (the token goes in the body). */
  tokenInfo: '/oauth/v2/private-apps/get/access-token-info',
};

/** A codegen request's URL with its prefix replaced by ours, where the two differ. */
export function servedUrl(url: string): string {
  for (const name of Object.keys(CODEGEN) as Array<keyof typeof CODEGEN>) {
    const from = CODEGEN[name];
    const to = API[name];
    if (from === to) continue;
    const at = url.indexOf(`${from}/`);
    if (at >= 0) return `${url.slice(0, at)}${to}${url.slice(at + from.length)}`;
  }
  return url;
}

/** CRM search has its own, tighter rate limit; its requests are told apart by path. */
export function isSearchPath(path: string): boolean {
  return /\/search$/.test(path);
}

/**
 * Whether sending the request twice leaves HubSpot as sending it once: reads (GET, search, batch read, the token
 * check), updates (PATCH, batch update), upserts on a unique-value property (batch upsert) and association writes (a
 * link is set, not added twice: PUT default, v4 batch create/associate-default). Every other POST — an object create
 * or batch create — would make a second record.
 */
export function isIdempotent(method: string, path: string): boolean {
  const verb = method.toUpperCase();
  if (verb !== 'POST' || path === API.tokenInfo) return true;
  return /\/(search|batch\/read|batch\/update|batch\/upsert)$/.test(path) || path.startsWith(`${API.associations}/`) && /\/batch\/(create|associate\/default)$/.test(path);
}

/** The cheapest read of one object type: a scope probe. */
export function objectProbe(objectType: string): string {
  return `${API.objects}/${objectType}?limit=1&properties=hs_object_id`;
}

/** HubSpot's object type ids in record page URLs. */
const RECORD_TYPE_IDS = { contact: '0-1', company: '0-2', deal: '0-3', ticket: '0-5', task: '0-27' } as const;

/** A record's page in the HubSpot app. */
export function appRecordUrl(portal: string, type: keyof typeof RECORD_TYPE_IDS, id: string): string {
  return `https://app.hubspot.com/contacts/${portal}/record/${RECORD_TYPE_IDS[type]}/${id}`;
}
