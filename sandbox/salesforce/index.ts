import { z } from 'zod';
import { toId18 } from '../../integrations/salesforce/ids';
import type { CrmSandbox, SandboxRequest, SandboxResponse } from '../types';
import { SalesforceAuth } from './auth';
import { SALESFORCE_FIXTURES, SALESFORCE_HOSTS, takeInitialWorld } from './fixtures';
import { pageData, recordPage } from './pages';
import { describeGlobal, describeObject, RecordWriter, recordJson, type SaveResult } from './records';
import { fieldDef, hideObject, objectByPrefix, objectDef, visibleObjects, type FieldDef, type ObjectDef } from './schema';
import { seed } from './seed';
import { ChildRows, runQuery, SoqlError, type OutRecord } from './soql';
import { Store, type Row } from './store';

export { SALESFORCE_FIXTURES } from './fixtures';

// A Salesforce org behind the sandbox's HTTP core: OAuth, the REST API (query, sobjects, composite,
// describe), API limits and Lightning/Classic record pages, on the org's real host names.

export interface SalesforceSandbox extends CrmSandbox {
  readonly name: 'salesforce';
  /** Lowers (or raises) the org's daily API request allowance; requests over it get REQUEST_LIMIT_EXCEEDED. */
  setDailyLimit(limit: number): void;
  /** Every issued access token now answers 401 INVALID_SESSION_ID; refresh tokens keep working. */
  expireAccessTokens(): void;
  /** How many Tasks carry this Loyalty_Lens_Key__c (exactly-once checks). */
  countTasksWithKey(key: string): number;
  /** Copies of every row of an object (exactly-once checks where no key field says which is which). */
  records(objectName: string): Row[];
  /** API requests counted since the last reset. */
  apiUsage(): { used: number; limit: number };
  /**
   * Removes a custom field (Task.Loyalty_Lens_Key__c) from the org, as in an org whose admin never created it:
   * describe leaves it out, and SOQL, writes and upserts naming it are refused. Until reset, or until the returned
   * function puts it back (rows keep their values meanwhile).
   */
  withoutField(objectName: string, fieldName: string): () => void;
  /**
   * Clears a custom field's Unique attribute, as in an org whose admin marked it External ID only: describe says
   * `unique: false` and writes no longer refuse a value another row holds. Until reset, or until the returned
   * function makes it unique again.
   */
  notUnique(objectName: string, fieldName: string): () => void;
  /**
   * Turns the org into a single-currency one in `currency`, as an org that never enabled multiple currencies: no
   * object has CurrencyIsoCode, CurrencyType does not exist (SOQL on it answers INVALID_TYPE) and the Organization's
   * DefaultCurrencyIsoCode is `currency`. Until reset, or until the returned function makes it multi-currency again.
   */
  singleCurrency(currency: string): () => void;
}

const customFieldSchema = z.object({
  FullName: z.string().regex(/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+__c$/),
  Metadata: z
    .object({
      label: z.string().min(1),
      type: z.string(),
      valueSet: z.object({ valueSetDefinition: z.object({ value: z.array(z.object({ fullName: z.string() }).loose()) }).loose() }).loose().optional(),
    })
    .loose(),
});

const DEFAULT_DAILY_LIMIT = 100_000;
const DEFAULT_BATCH = 2000;
const CHILD_BATCH = 200;
const MIN_VERSION = 50;
/** Winter '27, the release current in November 2026. */
const LATEST_VERSION = 68;
const MAX_CURSORS = 100;

const ORG_HOSTS: ReadonlySet<string> = new Set(Object.values(SALESFORCE_HOSTS));

function isLocal(host: string): boolean {
  return /^(?:\d+\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/.test(host);
}

type ApiResult = { status: number; body?: unknown; headers?: Record<string, string> };

function apiError(status: number, errorCode: string, message: string, fields?: string[]): ApiResult {
  return { status, body: [{ message, errorCode, ...(fields && fields.length > 0 ? { fields } : {}) }] };
}

function saveError(result: Extract<SaveResult, { ok: false }>): ApiResult {
  return apiError(result.status, result.error.statusCode, result.error.message, result.error.fields);
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const JSON_ERROR = apiError(400, 'JSON_PARSER_ERROR', 'Unexpected character: was expecting a JSON value');

interface Cursor {
  records: OutRecord[];
  pageSize: number;
}

// Latency is added by the HTTP core to every API response; the option is part of the shared factory signature.
// `answersInYear` (bench only): the org padded to that many NPS answers in the twelve months ending at its creation.
export function createSalesforceSandbox(options: { latencyMs?: number; answersInYear?: number } = {}): SalesforceSandbox {
  const volume = options.answersInYear ? { answersInYear: options.answersInYear, now: Date.now() } : null;
  const initial = takeInitialWorld();
  let store = (!volume && initial) || new Store();
  if (store.table(objectDef('User')!).size === 0) seed(store, volume);
  let writer = new RecordWriter(store);
  let used = 0;
  let limit = DEFAULT_DAILY_LIMIT;
  let cursorSeq = 0;
  const cursors = new Map<string, Cursor>();
  // Who the next sign-in is: the seeded admin, unless a test chose another user (…/sign-in-user).
  let signInUserId: string = SALESFORCE_FIXTURES.userId;
  const auth = new SalesforceAuth(() => signInUserId);
  /** Fields taken out by withoutField, to put back on reset (the schema is shared by the org's objects). */
  const removedFields: { object: ObjectDef; field: FieldDef; index: number }[] = [];
  /** Undo notUnique (on reset). */
  const uniqueAgain: Array<() => void> = [];
  /** Undoes singleCurrency (on reset). */
  let multiCurrencyAgain: (() => void) | null = null;
  function restoreFields(): void {
    multiCurrencyAgain?.();
    for (const undo of uniqueAgain.splice(0).reverse()) undo();
    for (const { object, field, index } of removedFields.reverse()) object.fields.splice(index, 0, field);
    removedFields.length = 0;
  }

  // ---------- query paging ----------

  function openCursor(records: OutRecord[], pageSize: number): string {
    cursorSeq += 1;
    const id = `01gHn0000${String(cursorSeq).padStart(6, '0')}`;
    cursors.set(id, { records, pageSize });
    // Salesforce keeps a limited number of open cursors per user and drops the oldest.
    if (cursors.size > MAX_CURSORS) cursors.delete(cursors.keys().next().value!);
    return id;
  }

  function materialize(record: OutRecord, version: string): OutRecord {
    const out: OutRecord = {};
    for (const [key, value] of Object.entries(record)) {
      if (value instanceof ChildRows) {
        out[key] = page(value.records, 0, CHILD_BATCH, version, null);
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  function page(records: OutRecord[], start: number, pageSize: number, version: string, locator: string | null): Record<string, unknown> {
    const end = Math.min(records.length, start + pageSize);
    const done = end >= records.length;
    const id = done ? null : (locator ?? openCursor(records, pageSize));
    return {
      totalSize: records.length,
      done,
      ...(id ? { nextRecordsUrl: `/services/data/v${version}/query/${id}-${end}` } : {}),
      records: records.slice(start, end).map((r) => materialize(r, version)),
    };
  }

  function batchSize(headers: Record<string, string | undefined>): number {
    const match = /batchSize\s*=\s*(\d+)/i.exec(headers['sforce-query-options'] ?? '');
    if (!match) return DEFAULT_BATCH;
    return Math.min(DEFAULT_BATCH, Math.max(200, Number(match[1])));
  }

  function query(soql: string, version: string, pageSize: number): ApiResult {
    try {
      const result = runQuery(soql, store, version);
      if (result.records.length === 0) return { status: 200, body: { totalSize: result.totalSize, done: true, records: [] } };
      const body = page(result.records, 0, pageSize, version, null);
      return { status: 200, body: { ...body, totalSize: result.totalSize } };
    } catch (error) {
      if (error instanceof SoqlError) return apiError(400, error.errorCode, error.message);
      throw error;
    }
  }

  function queryMore(locator: string, version: string): ApiResult {
    const match = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
    const cursor = match ? cursors.get(match[1]!) : undefined;
    if (!match || !cursor) return apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const body = page(cursor.records, Number(match[2]), cursor.pageSize, version, match[1]!);
    if (body.done) cursors.delete(match[1]!);
    return { status: 200, body };
  }

  // ---------- sobjects ----------

  function object(name: string): ObjectDef | ApiResult {
    return objectDef(name) ?? apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  /** 201 with the documented body: `{id, success, errors}` for a create; an upsert that created adds `created: true`. */
  function created(result: SaveResult, version: string, objectName: string, upsert: boolean): ApiResult {
    if (!result.ok) return saveError(result);
    return {
      status: 201,
      headers: { location: `/services/data/v${version}/sobjects/${objectName}/${result.id}` },
      body: { id: result.id, success: true, errors: [], ...(upsert ? { created: true } : {}) },
    };
  }

  function sobjects(method: string, parts: string[], search: URLSearchParams, rawBody: string, version: string, userId: string): ApiResult {
    if (parts.length === 0) return method === 'GET' ? { status: 200, body: describeGlobal(version) } : apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);
    const target = object(parts[0]!);
    if (!('fields' in target)) return target;
    const [, second, third] = parts;
    if (second === undefined) {
      if (method === 'GET') return { status: 200, body: { objectDescribe: describeObject(target, version), recentItems: [] } };
      if (method !== 'POST') return apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,POST`);
      const body = parseJson(rawBody);
      if (!body.ok || !isObject(body.value)) return JSON_ERROR;
      return created(writer.create(target, body.value, userId), version, target.name, false);
    }
    if (second === 'describe' && third === undefined) return { status: 200, body: describeObject(target, version) };
    if (third === undefined) {
      const id = toId18(second);
      const row = id ? store.get(target, id) : undefined;
      if (method === 'GET') {
        if (!row) return apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
        const only = search.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);
        const unknown = only?.find((name) => !fieldDef(target, name));
        if (unknown) return apiError(400, 'INVALID_FIELD', `No such column '${unknown}' on sobject of type ${target.name}`);
        return { status: 200, body: recordJson(target, row, version, only) };
      }
      if (method === 'PATCH') {
        const body = parseJson(rawBody);
        if (!body.ok || !isObject(body.value)) return JSON_ERROR;
        const result = writer.update(target, second, body.value, userId);
        return result.ok ? { status: 204 } : saveError(result);
      }
      if (method === 'DELETE') {
        const result = writer.remove(target, second);
        return result.ok ? { status: 204 } : saveError(result);
      }
      return apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,DELETE`);
    }
    // External id: /sobjects/{Obj}/{Field}/{value}
    const field = fieldDef(target, second);
    if (!field || !(field.externalId || field.name === 'Id')) {
      return apiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${second}`);
    }
    if (method === 'GET') {
      const rows = writer.matches(target, field, third);
      if (rows.length === 0) return apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      if (rows.length > 1) return { status: 300, body: rows.map((r) => `/services/data/v${version}/sobjects/${target.name}/${String(r.Id)}`) };
      return { status: 200, body: recordJson(target, rows[0]!, version) };
    }
    if (method !== 'PATCH' && method !== 'POST') return apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,POST`);
    const body = parseJson(rawBody);
    if (!body.ok || !isObject(body.value)) return JSON_ERROR;
    const result = writer.upsert(target, field, third, body.value, userId);
    if ('multiple' in result) return { status: 300, body: result.multiple.map((r) => `/services/data/v${version}/sobjects/${target.name}/${String(r.Id)}`) };
    if (!result.ok) return saveError(result);
    if (result.created) return created(result, version, target.name, true);
    return { status: 200, body: { id: result.id, success: true, errors: [], created: false } };
  }

  // ---------- composite/sobjects (collections) ----------

  function collection(method: string, parts: string[], rawBody: string, version: string, userId: string): ApiResult {
    const body = parseJson(rawBody);
    if (!body.ok || !isObject(body.value)) return JSON_ERROR;
    const records = body.value.records;
    if (!Array.isArray(records)) return apiError(400, 'INVALID_FIELD', "Missing required field 'records'");
    if (records.length > 200) return apiError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
    const allOrNone = body.value.allOrNone === true;
    let upsertTarget: { object: ObjectDef; field: NonNullable<ReturnType<typeof fieldDef>> } | null = null;
    if (parts.length === 2 && method === 'PATCH') {
      const target = object(parts[0]!);
      if (!('fields' in target)) return target;
      const field = fieldDef(target, parts[1]!);
      if (!field?.externalId) return apiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${parts[1]!}`);
      upsertTarget = { object: target, field };
    } else if (parts.length !== 0 || (method !== 'POST' && method !== 'PATCH')) {
      return apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed.`);
    }
    return store.transaction(() => {
      const results = records.map((record): Record<string, unknown> => {
        const failure = (statusCode: string, message: string, fields: string[] = []) => ({ success: false, errors: [{ statusCode, message, fields }] });
        if (!isObject(record)) return failure('JSON_PARSER_ERROR', 'record must be an object');
        const attributes = isObject(record.attributes) ? record.attributes : {};
        const type = typeof attributes.type === 'string' ? attributes.type : upsertTarget?.object.name;
        const target = type ? objectDef(type) : undefined;
        if (!target) return failure('INVALID_TYPE', 'sObject type must be specified in attributes');
        let result: SaveResult | { multiple: unknown[] };
        if (upsertTarget) {
          const value = Object.entries(record).find(([key]) => key.toLowerCase() === upsertTarget.field.name.toLowerCase())?.[1];
          if (typeof value !== 'string' || value === '') return failure('REQUIRED_FIELD_MISSING', `Required field is missing: ${upsertTarget.field.name}`, [upsertTarget.field.name]);
          result = writer.upsert(target, upsertTarget.field, value, record, userId);
        } else if (method === 'POST') {
          if ('id' in record || 'Id' in record) return failure('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
          result = writer.create(target, record, userId);
        } else {
          const id = record.id ?? record.Id;
          if (typeof id !== 'string') return failure('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
          const rest = Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'id' && key !== 'Id'));
          result = writer.update(target, id, rest, userId);
        }
        if ('multiple' in result) return failure('DUPLICATE_EXTERNAL_ID', 'The external ID matched more than one record');
        if (!result.ok) return { success: false, errors: [result.error] };
        return { id: result.id, success: true, errors: [], ...(upsertTarget ? { created: result.created } : {}) };
      });
      const failed = results.some((r) => r.success === false);
      if (allOrNone && failed) {
        const rolledBack = results.map((r) =>
          r.success === false
            ? { ...r, id: undefined }
            : { success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }] },
        );
        return { commit: false, result: { status: 200, body: rolledBack } };
      }
      return { commit: true, result: { status: 200, body: results } };
    });
  }

  // ---------- composite ----------

  function resolveReference(expression: string, results: Map<string, { status: number; body: unknown }>): { ok: true; value: unknown } | { ok: false } {
    const [ref, ...path] = expression.replace(/\[(\d+)\]/g, '.$1').split('.');
    const result = results.get(ref ?? '');
    if (!result || result.status >= 400) return { ok: false };
    let value: unknown = result.body;
    for (const key of path) {
      if (value === null || typeof value !== 'object') return { ok: false };
      value = (value as Record<string, unknown>)[key];
    }
    return value === undefined ? { ok: false } : { ok: true, value };
  }

  function substitute(value: unknown, results: Map<string, { status: number; body: unknown }>, missing: string[]): unknown {
    if (typeof value === 'string') {
      const whole = /^@\{([^}]+)\}$/.exec(value);
      if (whole) {
        const resolved = resolveReference(whole[1]!, results);
        if (resolved.ok) return resolved.value;
        missing.push(whole[1]!);
        return value;
      }
      return value.replace(/@\{([^}]+)\}/g, (_, expr: string) => {
        const resolved = resolveReference(expr, results);
        if (resolved.ok) return String(resolved.value);
        missing.push(expr);
        return '';
      });
    }
    if (Array.isArray(value)) return value.map((v) => substitute(v, results, missing));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results, missing)]));
    return value;
  }

  function composite(rawBody: string, headers: Record<string, string | undefined>, userId: string): ApiResult {
    const body = parseJson(rawBody);
    if (!body.ok || !isObject(body.value)) return JSON_ERROR;
    const requests = body.value.compositeRequest;
    if (!Array.isArray(requests) || requests.length === 0) return apiError(400, 'INVALID_FIELD', "Missing required field 'compositeRequest'");
    if (requests.length > 25) return apiError(400, 'LIMIT_EXCEEDED', 'Composite request may only have 25 subrequests');
    const queries = requests.filter((r) => isObject(r) && typeof r.url === 'string' && /\/query(All)?\/?\?/.test(r.url)).length;
    if (queries > 5) return apiError(400, 'LIMIT_EXCEEDED', 'Composite request may only have 5 query operations');
    const allOrNone = body.value.allOrNone === true;
    const halted = (message: string) => ({ status: 400, body: [{ errorCode: 'PROCESSING_HALTED', message }] });
    return store.transaction(() => {
      const results = new Map<string, { status: number; body: unknown }>();
      const out: Record<string, unknown>[] = [];
      let failedAt = -1;
      requests.forEach((request, index) => {
        const referenceId = isObject(request) && typeof request.referenceId === 'string' ? request.referenceId : `ref${index}`;
        let response: ApiResult;
        if (failedAt >= 0 && allOrNone) {
          response = halted('The transaction was rolled back since another operation in the same transaction failed.');
        } else if (!isObject(request) || typeof request.url !== 'string' || typeof request.method !== 'string') {
          response = apiError(400, 'INVALID_FIELD', 'Each subrequest needs method, url and referenceId');
        } else {
          const missing: string[] = [];
          const url = substitute(request.url, results, missing) as string;
          const subBody = request.body === undefined ? '' : JSON.stringify(substitute(request.body, results, missing));
          if (missing.length > 0) {
            response = halted(`Invalid reference specified. No value for ${missing[0]!} found in ${referenceId}. Provided referenceId ${missing[0]!.split(/[.[]/)[0]!} is not valid.`);
          } else {
            const parsed = new URL(url, 'https://composite.invalid');
            const version = /^\/services\/data\/v(\d+\.\d)\//.exec(parsed.pathname);
            if (!version || parsed.pathname.includes('/composite')) {
              response = apiError(400, 'INVALID_FIELD', `The subrequest URL is not valid: ${url}`);
            } else {
              const subHeaders = isObject(request.httpHeaders) ? Object.fromEntries(Object.entries(request.httpHeaders).map(([k, v]) => [k.toLowerCase(), String(v)])) : {};
              response = api(request.method.toUpperCase(), version[1]!, parsed.pathname.slice(version[0].length).split('/').filter(Boolean).map(decodeURIComponent), parsed.searchParams, subBody, { ...headers, ...subHeaders }, userId);
            }
          }
        }
        if (response.status >= 400 && failedAt < 0) failedAt = index;
        results.set(referenceId, { status: response.status, body: response.body });
        out.push({ body: response.body ?? null, httpHeaders: response.headers?.location ? { Location: response.headers.location } : {}, httpStatusCode: response.status, referenceId });
      });
      if (allOrNone && failedAt >= 0) {
        const rolledBack = out.map((entry, index) =>
          index < failedAt ? { ...entry, ...halted('The transaction was rolled back since another operation in the same transaction failed.'), httpStatusCode: 400, httpHeaders: {} } : entry,
        );
        return { commit: false, result: { status: 200, body: { compositeResponse: rolledBack.map(({ status: _status, ...rest }) => rest) } } };
      }
      return { commit: true, result: { status: 200, body: { compositeResponse: out } } };
    });
  }

  // ---------- the versioned REST API ----------

  function limitsBody(): Record<string, unknown> {
    const pair = (max: number, remaining: number) => ({ Max: max, Remaining: remaining });
    return {
      DailyApiRequests: pair(limit, Math.max(0, limit - used)),
      DailyAsyncApexExecutions: pair(250_000, 250_000),
      DailyBulkApiBatches: pair(15_000, 15_000),
      DataStorageMB: pair(1024, 700),
      FileStorageMB: pair(10_240, 10_000),
    };
  }

  /**
   * Tooling API: POST tooling/sobjects/CustomField {FullName: 'Case.X__c', Metadata: {label, type, …}}. Only a user
   * with Customize Application (the seeded admin) may; a field that exists answers DUPLICATE_DEVELOPER_NAME. The
   * sandbox org can create the fields an admin adds for Loyalty Lens (those a test took out with withoutField),
   * with the picklist values the request names.
   */
  function createCustomField(rawBody: string, userId: string): ApiResult {
    if (userId !== SALESFORCE_FIXTURES.userId) {
      return apiError(403, 'INSUFFICIENT_ACCESS_OR_READONLY', 'You do not have the level of access necessary to perform the operation you requested. Customize Application is required.');
    }
    const parsed = customFieldSchema.safeParse(JSON.parse(rawBody || 'null'));
    if (!parsed.success) return apiError(400, 'JSON_PARSER_ERROR', 'The request body is not a CustomField: FullName and Metadata {label, type} are required.');
    const [objectName, fieldName] = parsed.data.FullName.split('.') as [string, string | undefined];
    const target = objectDef(objectName);
    if (!target || !fieldName) return apiError(400, 'INVALID_INPUT', `Cannot find an object for ${parsed.data.FullName}.`);
    if (fieldDef(target, fieldName)) return apiError(400, 'DUPLICATE_DEVELOPER_NAME', `There is already a field named ${fieldName.replace(/__c$/, '')} on ${target.name}.`);
    const removed = removedFields.find((r) => r.object === target && r.field.name === fieldName);
    if (!removed) return apiError(400, 'INVALID_INPUT', `The sandbox org can create only the fields Loyalty Lens uses; ${parsed.data.FullName} is not one of them.`);
    const types: Record<string, string> = { MultiselectPicklist: 'multipicklist', Picklist: 'picklist', DateTime: 'datetime', Number: 'double' };
    if (types[parsed.data.Metadata.type] !== removed.field.type) return apiError(400, 'FIELD_INTEGRITY_EXCEPTION', `${fieldName} must be of type ${removed.field.type}.`);
    const values = parsed.data.Metadata.valueSet?.valueSetDefinition.value.map((v) => v.fullName);
    removedFields.splice(removedFields.indexOf(removed), 1);
    target.fields.splice(removed.index, 0, { ...removed.field, label: parsed.data.Metadata.label, ...(values ? { picklistValues: values } : {}) });
    return { status: 201, body: { id: `00N${String(removed.index).padStart(15, '0')}`, success: true, errors: [] } };
  }

  function api(method: string, version: string, parts: string[], search: URLSearchParams, rawBody: string, headers: Record<string, string | undefined>, userId: string): ApiResult {
    const [resource, ...rest] = parts;
    switch (resource) {
      case undefined:
        return {
          status: 200,
          body: Object.fromEntries(['sobjects', 'query', 'queryAll', 'composite', 'limits'].map((r) => [r, `/services/data/v${version}/${r}`])),
        };
      case 'limits':
        return { status: 200, body: limitsBody() };
      case 'query':
      case 'queryAll': {
        if (method !== 'GET') return apiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);
        if (rest.length === 1) return queryMore(rest[0]!, version);
        const soql = search.get('q');
        if (!soql) return apiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
        return query(soql, version, batchSize(headers));
      }
      case 'sobjects':
        return sobjects(method, rest, search, rawBody, version, userId);
      case 'tooling':
        if (rest.length === 2 && rest[0] === 'sobjects' && rest[1] === 'CustomField' && method === 'POST') return createCustomField(rawBody, userId);
        return apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      case 'composite':
        if (rest[0] === 'sobjects') return collection(method, rest.slice(1), rawBody, version, userId);
        if (rest.length === 0 && method === 'POST') return composite(rawBody, headers, userId);
        return apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      default:
        return apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
  }

  function handleApi(request: SandboxRequest): SandboxResponse {
    const path = request.url.pathname;
    const withLimits = (result: ApiResult): SandboxResponse => ({
      status: result.status,
      headers: {
        ...(result.body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' }),
        'sforce-limit-info': `api-usage=${used}/${limit}`,
        ...result.headers,
      },
      body: result.body,
    });
    if (/^\/services\/data\/?$/.test(path)) {
      return withLimits({
        status: 200,
        body: Array.from({ length: LATEST_VERSION - MIN_VERSION + 1 }, (_, i) => {
          const v = `${MIN_VERSION + i}.0`;
          return { label: `Release ${v}`, url: `/services/data/v${v}`, version: v };
        }),
      });
    }
    const match = /^\/services\/data\/v(\d+)\.(\d)(\/.*)?$/.exec(path);
    if (!match || Number(match[1]) < MIN_VERSION || Number(match[1]) > LATEST_VERSION) {
      return withLimits(apiError(404, 'NOT_FOUND', 'The requested resource does not exist'));
    }
    const session = auth.session(request);
    if (!session) return withLimits({ status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] });
    if (used >= limit) return withLimits(apiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    used += 1;
    const version = `${match[1]!}.${match[2]!}`;
    const parts = (match[3] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    return withLimits(api(request.method.toUpperCase(), version, parts, request.url.searchParams, request.rawBody, request.headers, session.userId));
  }

  function pageRequest(request: SandboxRequest): SandboxResponse | null {
    const path = request.url.pathname;
    const data = /^\/__sandbox\/sf-page-data\/([a-zA-Z0-9]{15,18})$/.exec(path);
    if (data) {
      const body = pageData(store, data[1]!);
      return body ? { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body } : { status: 404, body: { error: 'no such record' } };
    }
    const lightning = /^\/lightning\/r\/(?:[A-Za-z_]+\/)?([a-zA-Z0-9]{15,18})\/(?:view|related\/[A-Za-z0-9_]+\/view)\/?$/.exec(path);
    const classic = /^\/([a-zA-Z0-9]{15}|[a-zA-Z0-9]{18})\/?$/.exec(path);
    const rawId = lightning?.[1] ?? classic?.[1];
    if (rawId === undefined) {
      const home = path.startsWith('/lightning/') || (path === '/' && ORG_HOSTS.has(request.host));
      return home ? recordPage(null) : null;
    }
    const id = toId18(rawId);
    if (!id || !objectByPrefix(id)) return classic ? null : recordPage(null);
    return recordPage(id);
  }

  const limitBody = z.strictObject({ dailyLimit: z.number().int().nonnegative() });
  const signInBody = z.strictObject({ userId: z.string().regex(/^005[A-Za-z0-9]{15}$/) });

  /** Admin hooks the core forwards: POST /__sandbox/salesforce/limits {dailyLimit}, …/expire-tokens and …/sign-in-user {userId}. */
  function adminRequest(request: SandboxRequest): SandboxResponse | null {
    const route = `${request.method} ${request.url.pathname}`;
    if (route === 'POST /__sandbox/salesforce/expire-tokens') {
      auth.expireAccessTokens();
      return { status: 200, body: { expired: true } };
    }
    if (route === 'POST /__sandbox/salesforce/limits') {
      const body = parseJson(request.rawBody);
      const parsed = body.ok ? limitBody.safeParse(body.value) : null;
      if (!parsed?.success) return { status: 400, body: { error: 'Body must be {"dailyLimit": <non-negative integer>}' } };
      limit = parsed.data.dailyLimit;
      return { status: 200, body: { used, limit } };
    }
    if (route === 'GET /__sandbox/salesforce/limits') return { status: 200, body: { used, limit } };
    if (route === 'POST /__sandbox/salesforce/sign-in-user') {
      const body = parseJson(request.rawBody);
      const parsed = body.ok ? signInBody.safeParse(body.value) : null;
      if (!parsed?.success || !store.get(objectDef('User')!, parsed.data.userId)) return { status: 400, body: { error: 'Body must be {"userId": <a seeded user id>}' } };
      signInUserId = parsed.data.userId;
      return { status: 200, body: { userId: signInUserId } };
    }
    return null;
  }

  return {
    name: 'salesforce',
    handle(request) {
      const host = request.host;
      if (request.url.pathname.startsWith('/__sandbox/salesforce/')) return adminRequest(request);
      if (!ORG_HOSTS.has(host) && !isLocal(host)) return null;
      const path = request.url.pathname;
      if (path.startsWith('/services/oauth2/') || path.startsWith('/id/')) return auth.handle(request);
      if (path.startsWith('/services/data')) return handleApi(request);
      if (host === SALESFORCE_HOSTS.login || host === SALESFORCE_HOSTS.testLogin) return null;
      return pageRequest(request);
    },
    reset() {
      restoreFields();
      store = new Store();
      seed(store, volume);
      writer = new RecordWriter(store);
      used = 0;
      limit = DEFAULT_DAILY_LIMIT;
      signInUserId = SALESFORCE_FIXTURES.userId;
      cursors.clear();
    },
    stats() {
      const tasks = objectDef('Task')!;
      const cases = objectDef('Case')!;
      return {
        tasks: store.table(tasks).size,
        cases: store.table(cases).size,
        tasksCreated: writer.counters.tasksCreated,
        tasksUpdated: writer.counters.tasksUpdated,
        casesCreated: writer.counters.casesCreated,
        casesUpdated: writer.counters.casesUpdated,
        apiRequests: used,
      };
    },
    setDailyLimit(next) {
      limit = Math.max(0, Math.floor(next));
    },
    expireAccessTokens() {
      auth.expireAccessTokens();
    },
    countTasksWithKey(key) {
      return [...store.rows(objectDef('Task')!)].filter((row) => typeof row.Loyalty_Lens_Key__c === 'string' && row.Loyalty_Lens_Key__c.toLowerCase() === key.toLowerCase()).length;
    },
    records(objectName) {
      return [...store.rows(objectDef(objectName)!)].map((row) => ({ ...row }));
    },
    apiUsage() {
      return { used, limit };
    },
    singleCurrency(currency) {
      multiCurrencyAgain?.();
      const organization = objectDef('Organization')!;
      const orgRow = store.get(organization, SALESFORCE_FIXTURES.orgId)!;
      const before = orgRow.DefaultCurrencyIsoCode ?? null;
      orgRow.DefaultCurrencyIsoCode = currency;
      const removed = visibleObjects().flatMap((object) => {
        const field = fieldDef(object, 'CurrencyIsoCode');
        if (!field) return [];
        const index = object.fields.indexOf(field);
        object.fields.splice(index, 1);
        return [{ object, field, index }];
      });
      const showCurrencyType = hideObject('CurrencyType');
      const undo = () => {
        if (multiCurrencyAgain !== undo) return;
        multiCurrencyAgain = null;
        showCurrencyType();
        for (const { object, field, index } of removed.reverse()) object.fields.splice(index, 0, field);
        orgRow.DefaultCurrencyIsoCode = before;
      };
      multiCurrencyAgain = undo;
      return undo;
    },
    withoutField(objectName, fieldName) {
      const target = objectDef(objectName);
      const field = target ? fieldDef(target, fieldName) : undefined;
      if (!target || !field || !field.custom) throw new Error(`No custom field ${objectName}.${fieldName} to remove`);
      const removed = { object: target, field, index: target.fields.indexOf(field) };
      removedFields.push(removed);
      target.fields.splice(removed.index, 1);
      return () => {
        if (!removedFields.includes(removed)) return;
        removedFields.splice(removedFields.indexOf(removed), 1);
        target.fields.splice(removed.index, 0, field);
      };
    },
    notUnique(objectName, fieldName) {
      const target = objectDef(objectName);
      const field = target ? fieldDef(target, fieldName) : undefined;
      if (!target || !field || !field.custom) throw new Error(`No custom field ${objectName}.${fieldName} to change`);
      const index = target.fields.indexOf(field);
      target.fields[index] = { ...field, unique: false };
      const undo = () => {
        if (!uniqueAgain.includes(undo)) return;
        uniqueAgain.splice(uniqueAgain.indexOf(undo), 1);
        target.fields[index] = field;
      };
      uniqueAgain.push(undo);
      return undo;
    },
  };
}
