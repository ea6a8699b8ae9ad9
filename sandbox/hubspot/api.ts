// HubSpot's public API subset the extension uses, with HubSpot's request and response shapes
// (the models in @hubspot/api-client/lib/codegen/**): objects v3, search, batch, v4 associations,
// properties, schemas, pipelines, owners, account info and the private-app token check.
import { z } from 'zod';
import type { SandboxRequest, SandboxResponse } from '../types';
import {
  JSON_HEADERS,
  hubspotError,
  invalidAuthentication,
  invalidProperties,
  missingScopes,
  notFound,
  validationError,
  type PropertyProblem,
} from './errors';
import type { RateLimiter } from './limits';
import {
  ALL_SCOPES,
  CUSTOM_OBJECT_NAME,
  CUSTOM_OBJECT_TYPE_ID,
  PROPERTIES,
  TYPE_INFO,
  associationTypes,
  propertyDef,
  resolveObjectType,
  type AssociationType,
  type ObjectTypeName,
  type PropertyDef,
} from './model';
import { DEAL_PIPELINE, TICKET_PIPELINES, TOKENS } from './seed';
import type { PortalStore, StoredRecord } from './store';

/** Thrown by handlers to answer with an error; caught in `handle`. */
class Reply extends Error {
  constructor(readonly response: SandboxResponse) {
    super(`HubSpot sandbox reply ${response.status}`);
  }
}

export interface WriteCounters {
  notes: number;
  tasks: number;
  tickets: number;
  ticketUpdates: number;
  associations: number;
}

interface Context {
  request: SandboxRequest;
  store: PortalStore;
  scopes: ReadonlySet<string>;
  now: string;
}

const API_PREFIX = /^\/(?:crm|crm-object-schemas|account-info|oauth|properties|integrations)\//;
const MAX_ASSOCIATIONS_PER_PAGE = 500;
const SEARCH_RESULT_CAP = 10_000;
const SEED_SCHEMA_TIME = '2023-01-15T09:00:00.000Z';
/** The super admin who created the sandbox's private apps, and the first app's id (one app per token). */
const TOKEN_USER_ID = 9_100_001;
const TOKEN_APP_ID = 3_100_001;

const ok = (body: unknown, status = 200): SandboxResponse => ({ status, headers: { ...JSON_HEADERS }, body });

function parseBody<T>(request: SandboxRequest, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = request.rawBody === '' ? {} : JSON.parse(request.rawBody);
  } catch (error) {
    throw new Reply(validationError(`Invalid input JSON on line 1: ${(error as Error).message}`));
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Reply(validationError(`Invalid input JSON: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unexpected shape'}`));
  }
  return parsed.data;
}

const idSchema = z.union([z.string(), z.number()]).transform(String);
const propertiesInput = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? null : String(v))));
const associationSpecSchema = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
});
const inlineAssociationSchema = z.object({ to: z.object({ id: idSchema }), types: z.array(associationSpecSchema).min(1) });
const createSchema = z.object({
  properties: propertiesInput.default({}),
  associations: z.array(inlineAssociationSchema).optional(),
  objectWriteTraceId: z.string().optional(),
});
const updateSchema = z.object({ properties: propertiesInput });
const batchReadSchema = z.object({
  inputs: z.array(z.object({ id: idSchema })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const batchCreateSchema = z.object({ inputs: z.array(createSchema) });
const batchUpdateSchema = z.object({
  inputs: z.array(z.object({ id: idSchema, idProperty: z.string().optional(), properties: propertiesInput, objectWriteTraceId: z.string().optional() })),
});
const batchUpsertSchema = z.object({
  inputs: z.array(z.object({ id: idSchema, idProperty: z.string(), properties: propertiesInput, objectWriteTraceId: z.string().optional() })),
});
const OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'] as const;
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const filterSchema = z.object({
  propertyName: z.string(),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
type Filter = z.infer<typeof filterSchema>;
const searchSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).default([]),
  sorts: z.array(z.union([
    z.string().transform((s) => ({ propertyName: s.replace(/^-/, ''), direction: s.startsWith('-') ? 'DESCENDING' as const : 'ASCENDING' as const })),
    z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
  ])).default([]),
  query: z.string().optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(0).default(10),
  after: z.union([z.string(), z.number()]).optional(),
});
const propertyCreateSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    label: z.string().min(1),
    type: z.string(),
    fieldType: z.string(),
    groupName: z.string(),
    description: z.string().optional(),
    options: z.array(z.object({ label: z.string(), value: z.string(), displayOrder: z.number().optional(), hidden: z.boolean().optional() })).optional(),
  })
  .loose();
const v4ReadSchema = z.object({ inputs: z.array(z.object({ id: idSchema, after: z.string().optional() })) });
const v4CreateSchema = z.object({ inputs: z.array(z.object({ from: z.object({ id: idSchema }), to: z.object({ id: idSchema }), types: z.array(associationSpecSchema).min(1) })) });
const v4DefaultSchema = z.object({ inputs: z.array(z.object({ from: z.object({ id: idSchema }), to: z.object({ id: idSchema }) })) });

/** `?properties=a,b&properties=c` → ['a','b','c']; null when absent. */
function listParam(url: URL, name: string): string[] | null {
  const all = url.searchParams.getAll(name);
  if (all.length === 0) return null;
  return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** Datetime values as parsed, by their text: searches compare the same stored values again and again. */
const parsedTimes = new Map<string, number | null>();

function toMillis(def: PropertyDef | undefined, value: string): number | null {
  if (def?.type === 'datetime') {
    let ms = parsedTimes.get(value);
    if (ms === undefined) {
      const parsed = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
      ms = Number.isNaN(parsed) ? null : parsed;
      if (parsedTimes.size >= 1_000_000) parsedTimes.clear();
      parsedTimes.set(value, ms);
    }
    return ms;
  }
  if (def?.type === 'number') {
    const n = Number(value);
    return value.trim() === '' || Number.isNaN(n) ? null : n;
  }
  return null;
}

export class HubSpotApi {
  constructor(
    private readonly portals: () => ReadonlyMap<string, PortalStore>,
    private readonly limiter: RateLimiter,
    private readonly counters: WriteCounters,
    /** How long a write takes to reach search (HubSpot: seconds); 0 makes search see every write at once. */
    private readonly searchIndexLagMs: () => number = () => 0,
    /** Custom properties this account's admin never created (e.g. loyalty_lens_key): to the API they do not exist. */
    private readonly absentProperties: () => Set<string> = () => new Set(),
  ) {}

  private def(type: ObjectTypeName, name: string): PropertyDef | undefined {
    return this.absentProperties().has(name) ? undefined : propertyDef(type, name);
  }

  private isUnique(ctx: Context, type: ObjectTypeName, name: string): boolean {
    return !this.absentProperties().has(name) && ctx.store.isUnique(type, name);
  }

  handles(pathname: string): boolean {
    return API_PREFIX.test(pathname);
  }

  handle(request: SandboxRequest): SandboxResponse {
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
    const grant = TOKENS[token];
    const store = grant ? this.portals().get(grant.portalId) : undefined;
    if (!grant || grant.revoked || !store) return invalidAuthentication();
    const isSearch = request.method === 'POST' && /\/search$/.test(request.url.pathname);
    const taken = this.limiter.take(token, isSearch);
    if ('rejection' in taken) return taken.rejection;
    const ctx: Context = {
      request,
      store,
      scopes: new Set(grant.scopes === 'all' ? ALL_SCOPES : grant.scopes),
      now: new Date().toISOString(),
    };
    let response: SandboxResponse;
    try {
      response = this.route(ctx);
    } catch (error) {
      if (!(error instanceof Reply)) throw error;
      response = error.response;
    }
    return { ...response, headers: { ...response.headers, ...taken.headers } };
  }

  private route(ctx: Context): SandboxResponse {
    const { method } = ctx.request;
    const path = ctx.request.url.pathname.replace(/\/+$/, '') || '/';
    const portal = ctx.store.info.portalId;
    const type = (segment: string): ObjectTypeName => {
      const resolved = resolveObjectType(decodeURIComponent(segment), portal);
      if (!resolved) throw new Reply(validationError(`Unable to infer object type from: ${decodeURIComponent(segment)}`));
      return resolved;
    };
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/account-info/v3/details') return this.accountInfo(ctx);
    if (method === 'POST' && path === '/oauth/v2/private-apps/get/access-token-info') return this.tokenInfo(ctx);
    if ((m = /^\/crm\/v3\/objects\/([^/]+)\/search$/.exec(path)) && method === 'POST') return this.search(ctx, type(m[1]!));
    if ((m = /^\/crm\/v3\/objects\/([^/]+)\/batch\/(read|create|update|upsert)$/.exec(path)) && method === 'POST') {
      const t = type(m[1]!);
      if (m[2] === 'read') return this.batchRead(ctx, t);
      if (m[2] === 'create') return this.batchCreate(ctx, t);
      if (m[2] === 'update') return this.batchUpdate(ctx, t);
      return this.batchUpsert(ctx, t);
    }
    if ((m = /^\/crm\/v3\/objects\/([^/]+)$/.exec(path))) {
      if (method === 'GET') return this.list(ctx, type(m[1]!));
      if (method === 'POST') return this.create(ctx, type(m[1]!));
    }
    if ((m = /^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/.exec(path))) {
      if (method === 'GET') return this.getOne(ctx, type(m[1]!), decodeURIComponent(m[2]!));
      if (method === 'PATCH') return this.patchOne(ctx, type(m[1]!), decodeURIComponent(m[2]!));
    }
    if ((m = /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/(read|create|associate\/default)$/.exec(path)) && method === 'POST') {
      const from = type(m[1]!);
      const to = type(m[2]!);
      if (m[3] === 'read') return this.v4Read(ctx, from, to);
      if (m[3] === 'create') return this.v4Create(ctx, from, to);
      return this.v4Default(ctx, from, to);
    }
    if ((m = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/default\/([^/]+)\/([^/]+)$/.exec(path)) && method === 'PUT') {
      return this.v4DefaultOne(ctx, type(m[1]!), m[2]!, type(m[3]!), m[4]!);
    }
    if ((m = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)$/.exec(path)) && method === 'GET') {
      return this.v4List(ctx, type(m[1]!), m[2]!, type(m[3]!));
    }
    if ((m = /^\/crm\/v3\/properties\/([^/]+)(?:\/([^/]+))?$/.exec(path)) && method === 'GET') return this.properties(ctx, type(m[1]!), m[2]);
    if ((m = /^\/crm\/v3\/properties\/([^/]+)$/.exec(path)) && method === 'POST') return this.createProperty(ctx, type(m[1]!));
    if ((m = /^\/(?:crm\/v3|crm-object-schemas\/v3)\/schemas(?:\/([^/]+))?$/.exec(path)) && method === 'GET') return this.schemas(ctx, m[1]);
    if ((m = /^\/crm\/v3\/pipelines\/([^/]+)(?:\/([^/]+))?$/.exec(path)) && method === 'GET') return this.pipelines(ctx, type(m[1]!), m[2]);
    if ((m = /^\/crm\/v3\/owners(?:\/([^/]+))?$/.exec(path)) && method === 'GET') return this.owners(ctx, m[1]);
    return notFound(`Unable to find a route for ${method} ${path}`);
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  private requireScopes(ctx: Context, ...scopes: (string | null)[]): void {
    const missing = scopes.filter((s): s is string => s !== null && !ctx.scopes.has(s));
    if (missing.length > 0) throw new Reply(missingScopes(missing));
  }

  private requireWrite(ctx: Context, type: ObjectTypeName): void {
    const scope = TYPE_INFO[type].writeScope;
    if (scope === null) throw new Reply(hubspotError(405, 'METHOD_NOT_ALLOWED', `${TYPE_INFO[type].singular} objects are read-only in the public API.`));
    this.requireScopes(ctx, scope);
  }

  private baseUrl(ctx: Context): string {
    return ctx.request.url.origin;
  }

  private find(ctx: Context, type: ObjectTypeName, id: string, idProperty?: string): StoredRecord | undefined {
    if (!idProperty || idProperty === 'hs_object_id') return ctx.store.get(type, id);
    if (!this.def(type, idProperty)) throw new Reply(validationError(`Property "${idProperty}" does not exist`));
    if (this.isUnique(ctx, type, idProperty)) return ctx.store.findUnique(type, idProperty, id);
    for (const record of ctx.store.table(type).values()) if (record.properties[idProperty] === id) return record;
    return undefined;
  }

  /** The properties HubSpot returns: the requested ones (null when empty) plus the record's id and dates. */
  private pickProperties(type: ObjectTypeName, record: StoredRecord, requested: readonly string[] | null | undefined): Record<string, string | null> {
    const info = TYPE_INFO[type];
    const names = requested && requested.length > 0
      ? [...new Set([...requested.filter((name) => this.def(type, name)), 'hs_object_id', info.createdProperty, info.modifiedProperty])]
      : info.defaultProperties;
    const out: Record<string, string | null> = {};
    for (const name of names) out[name] = record.properties[name] ?? null;
    return out;
  }

  private history(type: ObjectTypeName, record: StoredRecord, requested: readonly string[]): Record<string, unknown[]> {
    const out: Record<string, unknown[]> = {};
    for (const name of requested) {
      if (!this.def(type, name)) continue;
      const kept = record.history?.[name];
      const value = record.properties[name];
      out[name] = kept ?? (value == null ? [] : [{ value, timestamp: record.createdAt, sourceType: 'IMPORT', sourceId: 'sandbox-seed' }]);
    }
    return out;
  }

  private publicObject(
    type: ObjectTypeName,
    record: StoredRecord,
    properties: readonly string[] | null | undefined,
    withHistory?: readonly string[] | null,
  ): Record<string, unknown> {
    return {
      id: record.id,
      properties: this.pickProperties(type, record, properties),
      ...(withHistory && withHistory.length > 0 ? { propertiesWithHistory: this.history(type, record, withHistory) } : {}),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      archived: false,
    };
  }

  /** v3 `associations` on a single-object read: { companies: { results: [{ id, type }] } }. */
  private v3Associations(ctx: Context, type: ObjectTypeName, record: StoredRecord, names: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const toType = resolveObjectType(name, ctx.store.info.portalId);
      if (!toType) continue;
      this.requireScopes(ctx, TYPE_INFO[toType].readScope);
      const pair = associationTypes(type, toType);
      if (!pair) continue;
      const edges = ctx.store.associations(type, record.id, toType);
      if (edges.length === 0) continue;
      const page = edges.slice(0, MAX_ASSOCIATIONS_PER_PAGE);
      const results = page.flatMap((edge) => edge.typeIds.map((typeId) => ({ id: edge.toId, type: pair.all.find((t) => t.typeId === typeId)?.name ?? pair.unlabeled.name })));
      const paging = edges.length > page.length
        ? { paging: { next: { after: String(page.length), link: `${this.baseUrl(ctx)}/crm/v4/objects/${type}/${record.id}/associations/${toType}?after=${page.length}` } } }
        : {};
      out[toType] = { results, ...paging };
    }
    return out;
  }

  private validateProperties(ctx: Context, type: ObjectTypeName, input: Record<string, string | null>, creating: boolean): Record<string, string | null> {
    const problems: PropertyProblem[] = [];
    const out: Record<string, string | null> = {};
    for (const [name, raw] of Object.entries(input)) {
      const def = this.def(type, name);
      if (!def) {
        problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
        continue;
      }
      if (def.readOnly) {
        problems.push({ name, error: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` });
        continue;
      }
      if (raw === null || raw === '') {
        out[name] = null;
        continue;
      }
      if (def.type === 'number' && Number.isNaN(Number(raw))) {
        problems.push({ name, error: 'INVALID_FLOAT', message: `${JSON.stringify(raw)} was not a valid number.` });
      } else if (def.type === 'datetime') {
        const ms = toMillis(def, raw);
        if (ms === null) problems.push({ name, error: 'INVALID_DATE', message: `${JSON.stringify(raw)} was not a valid long or ISO 8601 date.` });
        else out[name] = new Date(ms).toISOString();
        continue;
      } else if (def.type === 'enumeration' && def.options) {
        const allowed = new Set(def.options.map((o) => o.value));
        const bad = raw.split(';').find((value) => !allowed.has(value));
        if (bad !== undefined) {
          problems.push({ name, error: 'INVALID_OPTION', message: `${JSON.stringify(bad)} was not one of the allowed options: ${def.options.map((o) => `[value: ${o.value}, label: ${o.label}]`).join(', ')}` });
        }
      } else if (def.fieldType === 'html' && raw.length > 65_536) {
        problems.push({ name, error: 'INVALID_STRING', message: `${name} is longer than the maximum of 65536 characters.` });
      }
      out[name] = raw;
    }
    if (type === 'tickets') this.checkPipeline(out, creating, problems);
    if (creating && (type === 'notes' || type === 'tasks') && !out.hs_timestamp) {
      problems.push({ name: 'hs_timestamp', error: 'REQUIRED_FIELD', message: 'hs_timestamp is required.' });
    }
    if (creating && type === 'tickets' && !out.subject) {
      problems.push({ name: 'subject', error: 'REQUIRED_FIELD', message: 'subject is required.' });
    }
    if (problems.length > 0) throw new Reply(invalidProperties(problems));
    return out;
  }

  private checkPipeline(props: Record<string, string | null>, creating: boolean, problems: PropertyProblem[]): void {
    if (creating) props.hs_pipeline ??= TICKET_PIPELINES[0].id;
    const pipeline = TICKET_PIPELINES.find((p) => p.id === props.hs_pipeline);
    if (props.hs_pipeline !== undefined && !pipeline) {
      problems.push({ name: 'hs_pipeline', error: 'INVALID_OPTION', message: `${JSON.stringify(props.hs_pipeline)} is not a valid pipeline.` });
      return;
    }
    if (creating && !props.hs_pipeline_stage) {
      problems.push({ name: 'hs_pipeline_stage', error: 'REQUIRED_FIELD', message: 'hs_pipeline_stage is required.' });
      return;
    }
    if (props.hs_pipeline_stage != null) {
      const stages: readonly { id: string }[] = pipeline ? pipeline.stages : TICKET_PIPELINES.flatMap((p) => [...p.stages]);
      if (!stages.some((s) => s.id === props.hs_pipeline_stage)) {
        problems.push({ name: 'hs_pipeline_stage', error: 'INVALID_OPTION', message: `${JSON.stringify(props.hs_pipeline_stage)} is not a valid pipeline stage.` });
      }
    }
  }

  private checkUnique(ctx: Context, type: ObjectTypeName, props: Record<string, string | null>, selfId?: string): void {
    for (const [name, value] of Object.entries(props)) {
      if (value == null || !this.isUnique(ctx, type, name)) continue;
      const existing = ctx.store.findUnique(type, name, value);
      if (existing && existing.id !== selfId) {
        throw new Reply(hubspotError(409, 'CONFLICT', `A ${TYPE_INFO[type].singular} with ${name}=${value} already exists. Existing ID: ${existing.id}`));
      }
    }
  }

  private resolveInlineAssociations(ctx: Context, type: ObjectTypeName, associations: z.infer<typeof inlineAssociationSchema>[]): { toType: ObjectTypeName; toId: string; primary: boolean }[] {
    return associations.map((association) => {
      const found = this.findAssociationType(type, association.types[0]!.associationTypeId);
      if (!found) {
        throw new Reply(validationError(`${association.types[0]!.associationCategory} ${association.types[0]!.associationTypeId} is not a valid association type between ${TYPE_INFO[type].singular} and any object.`));
      }
      if (!ctx.store.get(found.toType, association.to.id)) {
        throw new Reply(validationError(`One or more associations are invalid: ${TYPE_INFO[found.toType].singular} ${association.to.id} does not exist.`));
      }
      const primary = association.types.some((t) => t.associationTypeId === associationTypes(type, found.toType)?.primary?.typeId);
      return { toType: found.toType, toId: association.to.id, primary };
    });
  }

  private findAssociationType(from: ObjectTypeName, typeId: number): { toType: ObjectTypeName; type: AssociationType } | undefined {
    for (const toType of Object.keys(TYPE_INFO) as ObjectTypeName[]) {
      const pair = associationTypes(from, toType);
      const type = pair?.all.find((t) => t.typeId === typeId);
      if (type) return { toType, type };
    }
    return undefined;
  }

  private createRecord(ctx: Context, type: ObjectTypeName, input: z.infer<typeof createSchema>): StoredRecord {
    const props = this.validateProperties(ctx, type, input.properties, true);
    this.checkUnique(ctx, type, props);
    const links = this.resolveInlineAssociations(ctx, type, input.associations ?? []);
    const record = ctx.store.insert(type, props, ctx.now);
    for (const link of links) {
      ctx.store.associate(type, record.id, link.toType, link.toId, link.primary);
      this.counters.associations++;
    }
    this.countCreate(type);
    return record;
  }

  private countCreate(type: ObjectTypeName): void {
    if (type === 'notes') this.counters.notes++;
    else if (type === 'tasks') this.counters.tasks++;
    else if (type === 'tickets') this.counters.tickets++;
  }

  private batchEnvelope(ctx: Context, results: unknown[], errors: unknown[]): SandboxResponse {
    const body = {
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      startedAt: ctx.now,
      completedAt: new Date().toISOString(),
    };
    return ok(body, errors.length > 0 ? 207 : 200);
  }

  private limitInputs(count: number, max: number): void {
    if (count > max) throw new Reply(validationError(`Batch input is limited to ${max} inputs; got ${count}.`, { errors: [{ message: `size must be between 0 and ${max}`, in: 'inputs' }] }));
  }

  // ── endpoints ──────────────────────────────────────────────────────────────

  private accountInfo(ctx: Context): SandboxResponse {
    const info = ctx.store.info;
    return ok({
      portalId: Number(info.portalId),
      accountType: 'STANDARD',
      timeZone: info.timeZone,
      companyCurrency: info.currency,
      additionalCurrencies: [],
      utcOffset: info.utcOffset,
      utcOffsetMilliseconds: info.utcOffsetMilliseconds,
      uiDomain: info.uiDomain,
      dataHostingLocation: info.dataHostingLocation,
    });
  }

  /**
   * A private-app token's check: the token in the body (`tokenKey`), its portal and its scopes. The Authorization
   * header was checked like any call's (HubSpot wants it for EU tokens); a token HubSpot does not know, or no longer
   * accepts, is refused as a call with it would be.
   */
  private tokenInfo(ctx: Context): SandboxResponse {
    const { tokenKey } = parseBody(ctx.request, z.object({ tokenKey: z.string().min(1) }));
    const grant = TOKENS[tokenKey];
    if (!grant || grant.revoked) return invalidAuthentication();
    return ok({
      userId: TOKEN_USER_ID,
      hubId: Number(grant.portalId),
      appId: TOKEN_APP_ID + Object.keys(TOKENS).indexOf(tokenKey),
      scopes: [...(grant.scopes === 'all' ? ALL_SCOPES : grant.scopes)],
    });
  }

  private getOne(ctx: Context, type: ObjectTypeName, id: string): SandboxResponse {
    this.requireScopes(ctx, TYPE_INFO[type].readScope);
    const url = ctx.request.url;
    const record = this.find(ctx, type, id, url.searchParams.get('idProperty') ?? undefined);
    if (!record) return notFound();
    const object = this.publicObject(type, record, listParam(url, 'properties'), listParam(url, 'propertiesWithHistory'));
    const associations = this.v3Associations(ctx, type, record, listParam(url, 'associations') ?? []);
    return ok(Object.keys(associations).length > 0 ? { ...object, associations } : object);
  }

  private list(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireScopes(ctx, TYPE_INFO[type].readScope);
    const url = ctx.request.url;
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? '10') || 10));
    const after = Number(url.searchParams.get('after') ?? '0') || 0;
    const order = ctx.store.order.get(type)!;
    let start = 0;
    let hi = order.length;
    while (start < hi) {
      const mid = (start + hi) >> 1;
      if (order[mid]! < after) start = mid + 1;
      else hi = mid;
    }
    const ids = order.slice(start, start + limit);
    const properties = listParam(url, 'properties');
    const history = listParam(url, 'propertiesWithHistory');
    const associationNames = listParam(url, 'associations') ?? [];
    const results = ids.map((id) => {
      const record = ctx.store.get(type, String(id))!;
      const object = this.publicObject(type, record, properties, history);
      const associations = this.v3Associations(ctx, type, record, associationNames);
      return Object.keys(associations).length > 0 ? { ...object, associations } : object;
    });
    const next = order[start + limit];
    const paging = next === undefined ? {} : {
      paging: { next: { after: String(next), link: `${this.baseUrl(ctx)}/crm/v3/objects/${type}?limit=${limit}&after=${next}` } },
    };
    return ok({ results, ...paging });
  }

  private create(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireWrite(ctx, type);
    const input = parseBody(ctx.request, createSchema);
    const record = this.createRecord(ctx, type, input);
    return ok(this.publicObject(type, record, Object.keys(record.properties)), 201);
  }

  private patchOne(ctx: Context, type: ObjectTypeName, id: string): SandboxResponse {
    this.requireWrite(ctx, type);
    const input = parseBody(ctx.request, updateSchema);
    const record = this.find(ctx, type, id, ctx.request.url.searchParams.get('idProperty') ?? undefined);
    if (!record) return notFound();
    const props = this.validateProperties(ctx, type, input.properties, false);
    this.checkUnique(ctx, type, props, record.id);
    ctx.store.update(type, record, props, ctx.now, 'API');
    if (type === 'tickets') this.counters.ticketUpdates++;
    return ok(this.publicObject(type, record, Object.keys(record.properties)));
  }

  private batchRead(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireScopes(ctx, TYPE_INFO[type].readScope);
    const input = parseBody(ctx.request, batchReadSchema);
    this.limitInputs(input.inputs.length, 100);
    if ((input.propertiesWithHistory?.length ?? 0) > 0 && input.inputs.length > 50) {
      throw new Reply(
        validationError('The maximum number of inputs supported in a batch request for property histories is 50. Please reduce the number of items and try again.'),
      );
    }
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const { id } of input.inputs) {
      const record = this.find(ctx, type, id, input.idProperty);
      if (record) results.push(this.publicObject(type, record, input.properties ?? [], input.propertiesWithHistory));
      else missing.push(id);
    }
    const errors = missing.length === 0 ? [] : [{
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `Could not get some ${TYPE_INFO[type].singular.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: missing },
    }];
    return this.batchEnvelope(ctx, results, errors);
  }

  private batchCreate(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireWrite(ctx, type);
    const input = parseBody(ctx.request, batchCreateSchema);
    this.limitInputs(input.inputs.length, 100);
    // Validate everything first: HubSpot rejects the whole batch when one input is invalid.
    for (const item of input.inputs) {
      const props = this.validateProperties(ctx, type, item.properties, true);
      this.checkUnique(ctx, type, props);
      this.resolveInlineAssociations(ctx, type, item.associations ?? []);
    }
    this.rejectDuplicateUniqueValues(type, ctx, input.inputs.map((i) => i.properties));
    const results = input.inputs.map((item) => {
      const record = this.createRecord(ctx, type, item);
      return { ...this.publicObject(type, record, Object.keys(record.properties)), ...(item.objectWriteTraceId ? { objectWriteTraceId: item.objectWriteTraceId } : {}) };
    });
    return { ...this.batchEnvelope(ctx, results, []), status: 201 };
  }

  private rejectDuplicateUniqueValues(type: ObjectTypeName, ctx: Context, inputs: Record<string, string | null>[]): void {
    const seen = new Set<string>();
    for (const props of inputs) {
      for (const [name, value] of Object.entries(props)) {
        if (value == null || !this.isUnique(ctx, type, name)) continue;
        const key = `${name}=${value}`;
        if (seen.has(key)) throw new Reply(validationError(`Duplicate unique value in batch input: ${key}`));
        seen.add(key);
      }
    }
  }

  private batchUpdate(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireWrite(ctx, type);
    const input = parseBody(ctx.request, batchUpdateSchema);
    this.limitInputs(input.inputs.length, 100);
    const ids = input.inputs.map((i) => i.id);
    if (new Set(ids).size !== ids.length) return validationError('Duplicate IDs found in batch input.');
    const prepared = input.inputs.map((item) => ({ item, record: this.find(ctx, type, item.id, item.idProperty), props: this.validateProperties(ctx, type, item.properties, false) }));
    const missing = prepared.filter((p) => !p.record).map((p) => p.item.id);
    const results: unknown[] = [];
    for (const { item, record, props } of prepared) {
      if (!record) continue;
      this.checkUnique(ctx, type, props, record.id);
      ctx.store.update(type, record, props, ctx.now, 'API');
      if (type === 'tickets') this.counters.ticketUpdates++;
      results.push({ ...this.publicObject(type, record, Object.keys(record.properties)), ...(item.objectWriteTraceId ? { objectWriteTraceId: item.objectWriteTraceId } : {}) });
    }
    const errors = missing.length === 0 ? [] : [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not update some ${TYPE_INFO[type].singular.toUpperCase()} objects, they may be deleted or not exist.`, context: { ids: missing } }];
    return this.batchEnvelope(ctx, results, errors);
  }

  private batchUpsert(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireWrite(ctx, type);
    const input = parseBody(ctx.request, batchUpsertSchema);
    this.limitInputs(input.inputs.length, 100);
    const keys = input.inputs.map((i) => `${i.idProperty}=${i.id}`);
    if (new Set(keys).size !== keys.length) return validationError('Duplicate IDs found in batch input.');
    for (const item of input.inputs) {
      if (!this.def(type, item.idProperty)) return validationError(`Property "${item.idProperty}" does not exist`);
      if (!this.isUnique(ctx, type, item.idProperty)) {
        return validationError(`${item.idProperty} is not a unique identifier property for ${TYPE_INFO[type].singular} objects.`);
      }
    }
    const prepared = input.inputs.map((item) => {
      const existing = ctx.store.findUnique(type, item.idProperty, item.id);
      const props = this.validateProperties(ctx, type, { ...item.properties, [item.idProperty]: item.id }, !existing);
      return { item, existing, props };
    });
    const results = prepared.map(({ item, existing, props }) => {
      let record: StoredRecord;
      if (existing) {
        ctx.store.update(type, existing, props, ctx.now, 'API');
        record = existing;
      } else {
        this.checkUnique(ctx, type, props);
        record = ctx.store.insert(type, props, ctx.now);
        this.countCreate(type);
      }
      return {
        ...this.publicObject(type, record, Object.keys(record.properties)),
        new: !existing,
        ...(item.objectWriteTraceId ? { objectWriteTraceId: item.objectWriteTraceId } : {}),
      };
    });
    return this.batchEnvelope(ctx, results, []);
  }

  private search(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireScopes(ctx, TYPE_INFO[type].readScope);
    const body = parseBody(ctx.request, searchSchema);
    if (body.filterGroups.length > 5) return validationError(`Too many filter groups: ${body.filterGroups.length}. The maximum is 5.`);
    const filterCount = body.filterGroups.reduce((n, g) => n + g.filters.length, 0);
    if (filterCount > 25) return validationError(`Too many filters: ${filterCount}. The maximum is 25.`);
    if (body.limit > 200) return validationError(`limit must be less than or equal to 200; got ${body.limit}.`);
    const after = Number(body.after ?? 0);
    if (!Number.isInteger(after) || after < 0) return validationError(`after must be a non-negative integer offset; got ${String(body.after)}.`);
    if (after + body.limit > SEARCH_RESULT_CAP) return validationError(`Search results are limited to ${SEARCH_RESULT_CAP}; after + limit exceeds it.`);

    const table = this.searchIndex(ctx, type);
    let matches: StoredRecord[];
    if (body.filterGroups.length === 0) {
      matches = [...table.values()];
    } else {
      const ids = new Set<string>();
      for (const group of body.filterGroups) {
        for (const record of this.matchGroup(ctx, type, table, group.filters)) ids.add(record.id);
      }
      matches = [...ids].map((id) => table.get(id)!);
    }
    if (body.query) {
      // Each word of the query is found in one of the type's default searchable properties ("ana sousa" finds Ana
      // Sousa, her first name in one and her last in the other), case-insensitively.
      const words = body.query.toLowerCase().split(/\s+/).filter((w) => w !== '');
      const fields = TYPE_INFO[type].searchable;
      matches = matches.filter((r) => words.every((w) => fields.some((f) => (r.properties[f] ?? '').toLowerCase().includes(w))));
    }
    const sorts = body.sorts.length > 0 ? body.sorts : [{ propertyName: 'hs_object_id', direction: 'ASCENDING' as const }];
    matches.sort((a, b) => {
      for (const sort of sorts) {
        const c = this.compareValues(type, sort.propertyName, a, b);
        if (c !== 0) return sort.direction === 'DESCENDING' ? -c : c;
      }
      return Number(a.id) - Number(b.id);
    });
    const page = matches.slice(after, after + body.limit);
    const properties = body.properties && body.properties.length > 0 ? body.properties : null;
    const results = page.map((record) => this.publicObject(type, record, properties));
    const nextAfter = after + body.limit;
    const paging = nextAfter < Math.min(matches.length, SEARCH_RESULT_CAP) && body.limit > 0
      ? { paging: { next: { after: String(nextAfter), link: '?after=' + nextAfter } } }
      : {};
    return ok({ total: matches.length, results, ...paging });
  }

  private compareValues(type: ObjectTypeName, name: string, a: StoredRecord, b: StoredRecord): number {
    const def = this.def(type, name);
    const va = a.properties[name] ?? null;
    const vb = b.properties[name] ?? null;
    if (va === vb) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    const na = toMillis(def, va);
    const nb = toMillis(def, vb);
    if (na !== null && nb !== null) return na - nb;
    return va.localeCompare(vb);
  }

  /**
   * The records as search sees them: within the index lag, a new record is not there yet and an updated one still
   * has the values it had before (from its property history).
   */
  private searchIndex(ctx: Context, type: ObjectTypeName): ReadonlyMap<string, StoredRecord> {
    const live = ctx.store.table(type);
    const lag = this.searchIndexLagMs();
    if (lag <= 0) return live;
    const cutoff = Date.parse(ctx.now) - lag;
    const indexed = new Map<string, StoredRecord>();
    for (const [id, record] of live) {
      if (Date.parse(record.createdAt) > cutoff) continue;
      if (Date.parse(record.updatedAt) <= cutoff) {
        indexed.set(id, record);
        continue;
      }
      const properties = { ...record.properties };
      for (const [name, entries] of Object.entries(record.history ?? {})) {
        if (!entries[0] || Date.parse(entries[0].timestamp) <= cutoff) continue;
        properties[name] = entries.find((e) => Date.parse(e.timestamp) <= cutoff)?.value ?? null;
      }
      indexed.set(id, { ...record, properties });
    }
    return indexed;
  }

  private matchGroup(ctx: Context, type: ObjectTypeName, table: ReadonlyMap<string, StoredRecord>, filters: Filter[]): StoredRecord[] {
    let candidates: StoredRecord[] | null = null;
    const plain: Filter[] = [];
    for (const filter of filters) {
      const assoc = /^associations\.(.+)$/.exec(filter.propertyName);
      if (!assoc) {
        if (!this.def(type, filter.propertyName)) {
          throw new Reply(validationError(`There was a problem with the request: property ${filter.propertyName} does not exist on ${TYPE_INFO[type].singular} objects.`));
        }
        plain.push(filter);
        continue;
      }
      const otherType = resolveObjectType(assoc[1]!, ctx.store.info.portalId);
      if (!otherType || !associationTypes(otherType, type)) {
        throw new Reply(validationError(`Unsupported association filter: ${filter.propertyName}`));
      }
      if (filter.operator !== 'EQ' && filter.operator !== 'IN') {
        throw new Reply(validationError(`Association filters support only EQ and IN; got ${filter.operator}.`));
      }
      const fromIds = filter.operator === 'EQ' ? [filter.value ?? ''] : (filter.values ?? []);
      const ids = new Set(fromIds.flatMap((id) => ctx.store.associatedIds(otherType, id, type)));
      const found = [...ids].map((id) => table.get(id)).filter((r): r is StoredRecord => r !== undefined);
      candidates = candidates === null ? found : candidates.filter((r) => ids.has(r.id));
    }
    const tests = plain.map((filter) => this.compileFilter(type, filter));
    const pool = candidates ?? [...table.values()];
    return pool.filter((record) => tests.every((test) => test(record)));
  }

  /**
   * A filter as a test of one record, its property definition and target values resolved once per search (a search
   * tests every record of the type: at the benchmarks' volume, tens of thousands).
   */
  private compileFilter(type: ObjectTypeName, filter: Filter): (record: StoredRecord) => boolean {
    const def = this.def(type, filter.propertyName);
    const name = filter.propertyName;
    const checkbox = def?.type === 'enumeration' && def.fieldType === 'checkbox';
    const valueOf = (record: StoredRecord): string | null => {
      const value = record.properties[name] ?? null;
      return value !== null && value !== '' ? value : null;
    };
    const eq = (target: string): ((value: string) => boolean) => {
      const lower = target.toLowerCase();
      const ms = toMillis(def, target);
      return (value) => {
        // A multiple-checkbox property holds its values joined by ';': EQ and IN match any one of them.
        if (checkbox) return value.split(';').some((v) => v.toLowerCase() === lower);
        const a = ms === null ? null : toMillis(def, value);
        if (a !== null && ms !== null) return a === ms;
        return value.toLowerCase() === lower;
      };
    };
    const cmp = (target: string | undefined): ((value: string) => number | null) => {
      if (target === undefined) return () => null;
      const ms = toMillis(def, target);
      return (value) => {
        const a = ms === null ? null : toMillis(def, value);
        if (a !== null && ms !== null) return a - ms;
        if (def?.type === 'number' || def?.type === 'datetime') return null;
        return value.localeCompare(target);
      };
    };
    const compare = (target: string | undefined, pass: (c: number) => boolean) => {
      const c = cmp(target);
      return (record: StoredRecord) => {
        const value = valueOf(record);
        const result = value === null ? null : c(value);
        return result !== null && pass(result);
      };
    };
    switch (filter.operator) {
      case 'HAS_PROPERTY': return (record) => valueOf(record) !== null;
      case 'NOT_HAS_PROPERTY': return (record) => valueOf(record) === null;
      case 'EQ':
      case 'NEQ': {
        const test = eq(filter.value ?? '');
        const want = filter.operator === 'EQ';
        return (record) => {
          const value = valueOf(record);
          return (value !== null && test(value)) === want;
        };
      }
      case 'IN':
      case 'NOT_IN': {
        const tests = (filter.values ?? []).map(eq);
        const want = filter.operator === 'IN';
        return (record) => {
          const value = valueOf(record);
          return (value !== null && tests.some((test) => test(value))) === want;
        };
      }
      case 'LT': return compare(filter.value, (c) => c < 0);
      case 'LTE': return compare(filter.value, (c) => c <= 0);
      case 'GT': return compare(filter.value, (c) => c > 0);
      case 'GTE': return compare(filter.value, (c) => c >= 0);
      case 'BETWEEN': {
        const lo = cmp(filter.value);
        const hi = cmp(filter.highValue);
        return (record) => {
          const value = valueOf(record);
          if (value === null) return false;
          const a = lo(value);
          const b = hi(value);
          return a !== null && b !== null && a >= 0 && b <= 0;
        };
      }
      case 'CONTAINS_TOKEN':
      case 'NOT_CONTAINS_TOKEN': {
        const token = (filter.value ?? '').toLowerCase().replaceAll('*', '');
        const want = filter.operator === 'CONTAINS_TOKEN';
        return (record) => {
          const value = valueOf(record);
          const contains = value !== null && value.toLowerCase().split(/[^\p{L}\p{N}@._-]+/u).some((word) => word.includes(token));
          return contains === want;
        };
      }
    }
  }

  private v4Read(ctx: Context, from: ObjectTypeName, to: ObjectTypeName): SandboxResponse {
    this.requireScopes(ctx, TYPE_INFO[from].readScope, TYPE_INFO[to].readScope);
    const input = parseBody(ctx.request, v4ReadSchema);
    this.limitInputs(input.inputs.length, 1000);
    const pair = associationTypes(from, to);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const { id, after } of input.inputs) {
      const edges = pair ? ctx.store.associations(from, id, to) : [];
      if (edges.length === 0) {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No ${TYPE_INFO[to].singular} is associated with ${TYPE_INFO[from].singular} ${id}.`,
          context: { fromObjectId: [id] },
        });
        continue;
      }
      const offset = Number(after ?? 0) || 0;
      const page = edges.slice(offset, offset + MAX_ASSOCIATIONS_PER_PAGE);
      const nextOffset = offset + page.length;
      results.push({
        from: { id },
        to: page.map((edge) => ({ toObjectId: Number(edge.toId), associationTypes: this.labelled(pair!, edge.typeIds) })),
        ...(nextOffset < edges.length ? { paging: { next: { after: String(nextOffset) } } } : {}),
      });
    }
    return this.batchEnvelope(ctx, results, errors);
  }

  private labelled(pair: NonNullable<ReturnType<typeof associationTypes>>, typeIds: readonly number[]): unknown[] {
    return pair.all
      .filter((t) => typeIds.includes(t.typeId))
      .map((t) => ({ category: t.category, typeId: t.typeId, label: t.label }));
  }

  private v4List(ctx: Context, from: ObjectTypeName, fromId: string, to: ObjectTypeName): SandboxResponse {
    this.requireScopes(ctx, TYPE_INFO[from].readScope, TYPE_INFO[to].readScope);
    const pair = associationTypes(from, to);
    if (!pair) return validationError(`No associations exist between ${from} and ${to}.`);
    const url = ctx.request.url;
    const limit = Math.min(MAX_ASSOCIATIONS_PER_PAGE, Number(url.searchParams.get('limit') ?? MAX_ASSOCIATIONS_PER_PAGE) || MAX_ASSOCIATIONS_PER_PAGE);
    const offset = Number(url.searchParams.get('after') ?? 0) || 0;
    const edges = ctx.store.associations(from, fromId, to);
    const page = edges.slice(offset, offset + limit);
    const next = offset + page.length;
    return ok({
      results: page.map((edge) => ({ toObjectId: Number(edge.toId), associationTypes: this.labelled(pair, edge.typeIds) })),
      ...(next < edges.length ? { paging: { next: { after: String(next), link: `${this.baseUrl(ctx)}${url.pathname}?after=${next}` } } } : {}),
    });
  }

  private checkPair(ctx: Context, from: ObjectTypeName, fromId: string, to: ObjectTypeName, toId: string): void {
    if (!ctx.store.get(from, fromId)) throw new Reply(validationError(`${TYPE_INFO[from].singular} ${fromId} does not exist.`));
    if (!ctx.store.get(to, toId)) throw new Reply(validationError(`${TYPE_INFO[to].singular} ${toId} does not exist.`));
  }

  private v4Create(ctx: Context, from: ObjectTypeName, to: ObjectTypeName): SandboxResponse {
    this.requireWrite(ctx, from);
    const input = parseBody(ctx.request, v4CreateSchema);
    this.limitInputs(input.inputs.length, 1000);
    const pair = associationTypes(from, to);
    if (!pair) return validationError(`No associations exist between ${from} and ${to}.`);
    for (const item of input.inputs) {
      this.checkPair(ctx, from, item.from.id, to, item.to.id);
      for (const t of item.types) {
        if (!pair.all.some((known) => known.typeId === t.associationTypeId)) {
          return validationError(`${t.associationCategory} ${t.associationTypeId} is not a valid association type between ${TYPE_INFO[from].singular} and ${TYPE_INFO[to].singular}.`);
        }
      }
    }
    const results = input.inputs.map((item) => {
      const primary = item.types.some((t) => t.associationTypeId === pair.primary?.typeId);
      ctx.store.associate(from, item.from.id, to, item.to.id, primary);
      this.counters.associations++;
      return {
        fromObjectTypeId: TYPE_INFO[from].objectTypeId,
        fromObjectId: Number(item.from.id),
        toObjectTypeId: TYPE_INFO[to].objectTypeId,
        toObjectId: Number(item.to.id),
        labels: item.types.map((t) => pair.all.find((known) => known.typeId === t.associationTypeId)?.label).filter((l): l is string => !!l),
      };
    });
    return { ...this.batchEnvelope(ctx, results, []), status: 201 };
  }

  private v4Default(ctx: Context, from: ObjectTypeName, to: ObjectTypeName): SandboxResponse {
    this.requireWrite(ctx, from);
    const input = parseBody(ctx.request, v4DefaultSchema);
    this.limitInputs(input.inputs.length, 1000);
    const pair = associationTypes(from, to);
    if (!pair) return validationError(`No associations exist between ${from} and ${to}.`);
    for (const item of input.inputs) this.checkPair(ctx, from, item.from.id, to, item.to.id);
    const results = input.inputs.map((item) => this.linkDefault(ctx, from, item.from.id, to, item.to.id, pair.unlabeled));
    return this.batchEnvelope(ctx, results, []);
  }

  private v4DefaultOne(ctx: Context, from: ObjectTypeName, fromId: string, to: ObjectTypeName, toId: string): SandboxResponse {
    this.requireWrite(ctx, from);
    const pair = associationTypes(from, to);
    if (!pair) return validationError(`No associations exist between ${from} and ${to}.`);
    this.checkPair(ctx, from, fromId, to, toId);
    return this.batchEnvelope(ctx, [this.linkDefault(ctx, from, fromId, to, toId, pair.unlabeled)], []);
  }

  private linkDefault(ctx: Context, from: ObjectTypeName, fromId: string, to: ObjectTypeName, toId: string, type: AssociationType): unknown {
    ctx.store.associate(from, fromId, to, toId);
    this.counters.associations++;
    return { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: type.category, associationTypeId: type.typeId } };
  }

  private properties(ctx: Context, type: ObjectTypeName, name: string | undefined): SandboxResponse {
    this.requireScopes(ctx, type === 'p_loyalty_survey' ? 'crm.schemas.custom.read' : TYPE_INFO[type].readScope);
    const defs = PROPERTIES[type].filter((d) => !this.absentProperties().has(d.name));
    if (name !== undefined) {
      const def = defs.find((d) => d.name === name);
      return def ? ok(this.propertyJson(def, defs.indexOf(def))) : notFound(`Unable to find property ${name}`);
    }
    return ok({ results: defs.map((def, i) => this.propertyJson(def, i)) });
  }

  /**
   * POST /crm/v3/properties/{objectType}: needs crm.schemas.{objectType}.write (403 MISSING_SCOPES without it); a name
   * that exists answers 409. The sandbox portal can create the properties an admin adds for Loyalty Lens (those a test
   * made absent), as HubSpot would define them from the request.
   */
  private createProperty(ctx: Context, type: ObjectTypeName): SandboxResponse {
    this.requireScopes(ctx, `crm.schemas.${type}.write`);
    const body = parseBody(ctx.request, propertyCreateSchema);
    if (this.def(type, body.name)) return hubspotError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${body.name}' already exists.`);
    const known = propertyDef(type, body.name);
    if (!known || known.hubspotDefined !== false) return validationError(`The sandbox portal can create only the properties Loyalty Lens uses; ${body.name} is not one of them.`);
    if (known.type !== body.type || known.fieldType !== body.fieldType) {
      return validationError(`Property ${body.name}: type ${body.type}/${body.fieldType} is not the ${known.type}/${known.fieldType} the sandbox defines for it.`);
    }
    if (known.options && known.options.length > 0 && (body.options ?? []).length === 0) return validationError(`Property ${body.name} of type enumeration needs options.`);
    this.absentProperties().delete(body.name);
    return ok(this.propertyJson(known, PROPERTIES[type].indexOf(known)), 201);
  }

  private propertyJson(def: PropertyDef, displayOrder: number): Record<string, unknown> {
    return {
      updatedAt: SEED_SCHEMA_TIME,
      createdAt: SEED_SCHEMA_TIME,
      name: def.name,
      label: def.label,
      type: def.type,
      fieldType: def.fieldType,
      description: def.description ?? '',
      groupName: def.groupName,
      options: (def.options ?? []).map((o, i) => ({ label: o.label, value: o.value, displayOrder: i, hidden: false })),
      displayOrder,
      calculated: false,
      externalOptions: false,
      hasUniqueValue: def.hasUniqueValue ?? false,
      hidden: false,
      hubspotDefined: def.hubspotDefined ?? false,
      modificationMetadata: { archivable: !def.hubspotDefined, readOnlyDefinition: def.hubspotDefined ?? false, readOnlyValue: def.readOnly ?? false },
      formField: !def.readOnly,
      archived: false,
    };
  }

  private schemas(ctx: Context, objectType: string | undefined): SandboxResponse {
    this.requireScopes(ctx, 'crm.schemas.custom.read');
    const portal = ctx.store.info.portalId;
    const schema = {
      id: CUSTOM_OBJECT_TYPE_ID.split('-')[1],
      objectTypeId: CUSTOM_OBJECT_TYPE_ID,
      name: CUSTOM_OBJECT_NAME,
      fullyQualifiedName: `p${portal}_${CUSTOM_OBJECT_NAME}`,
      labels: { singular: 'Loyalty survey', plural: 'Loyalty surveys' },
      primaryDisplayProperty: 'score',
      secondaryDisplayProperties: ['survey_type'],
      requiredProperties: ['score'],
      searchableProperties: ['comment'],
      properties: PROPERTIES.p_loyalty_survey.map((def, i) => this.propertyJson(def, i)),
      associations: [
        { id: '9101', fromObjectTypeId: CUSTOM_OBJECT_TYPE_ID, toObjectTypeId: '0-1', name: `${CUSTOM_OBJECT_NAME}_to_contact`, createdAt: SEED_SCHEMA_TIME, updatedAt: SEED_SCHEMA_TIME },
      ],
      createdAt: SEED_SCHEMA_TIME,
      updatedAt: SEED_SCHEMA_TIME,
      archived: false,
    };
    if (objectType === undefined) return ok({ results: [schema] });
    return resolveObjectType(decodeURIComponent(objectType), portal) === 'p_loyalty_survey' ? ok(schema) : notFound(`Unable to find object type ${objectType}`);
  }

  private pipelines(ctx: Context, type: ObjectTypeName, pipelineId: string | undefined): SandboxResponse {
    this.requireScopes(ctx, TYPE_INFO[type].readScope);
    const stamp = { createdAt: SEED_SCHEMA_TIME, updatedAt: SEED_SCHEMA_TIME, archived: false };
    let pipelines: unknown[];
    if (type === 'tickets') {
      pipelines = TICKET_PIPELINES.map((p, i) => ({
        id: p.id,
        label: p.label,
        displayOrder: i,
        stages: p.stages.map((s, j) => ({ id: s.id, label: s.label, displayOrder: j, metadata: { ticketState: s.state }, writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT', ...stamp })),
        ...stamp,
      }));
    } else if (type === 'deals') {
      pipelines = [{
        id: DEAL_PIPELINE.id,
        label: DEAL_PIPELINE.label,
        displayOrder: 0,
        stages: DEAL_PIPELINE.stages.map((s, j) => ({ id: s.id, label: s.label, displayOrder: j, metadata: { isClosed: String(s.closed), probability: s.probability }, writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT', ...stamp })),
        ...stamp,
      }];
    } else {
      return validationError(`Object type ${type} does not support pipelines.`);
    }
    if (pipelineId === undefined) return ok({ results: pipelines });
    const found = pipelines.find((p) => (p as { id: string }).id === pipelineId);
    return found ? ok(found) : notFound(`Unable to find pipeline ${pipelineId}`);
  }

  private owners(ctx: Context, ownerId: string | undefined): SandboxResponse {
    this.requireScopes(ctx, 'crm.objects.owners.read');
    const json = (o: PortalStore['owners'][number]): Record<string, unknown> => ({
      id: o.id,
      email: o.email,
      type: 'PERSON',
      firstName: o.firstName,
      lastName: o.lastName,
      userId: o.userId,
      userIdIncludingInactive: o.userId,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
      archived: false,
      teams: o.teams,
    });
    if (ownerId !== undefined) {
      const owner = ctx.store.owners.find((o) => o.id === ownerId);
      return owner ? ok(json(owner)) : notFound();
    }
    const url = ctx.request.url;
    const email = url.searchParams.get('email');
    const limit = Math.min(500, Number(url.searchParams.get('limit') ?? 100) || 100);
    const after = Number(url.searchParams.get('after') ?? 0) || 0;
    const all = ctx.store.owners.filter((o) => email === null || o.email.toLowerCase() === email.toLowerCase());
    const page = all.slice(after, after + limit);
    const next = after + page.length;
    return ok({
      results: page.map(json),
      ...(next < all.length ? { paging: { next: { after: String(next), link: `${this.baseUrl(ctx)}/crm/v3/owners/?after=${next}` } } } : {}),
    });
  }
}
