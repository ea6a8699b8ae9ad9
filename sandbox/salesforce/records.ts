import { toId18 } from '../../integrations/salesforce/ids';
import { CASE_STATUSES, fieldDef, isGroupable, objectByPrefix, objectDef, TASK_STATUSES, visibleObjects, type FieldDef, type ObjectDef } from './schema';
import { sfDateTime, type Row, type Store, type Value } from './store';

// Record writes (create, update, upsert) with Salesforce's validation and its error shapes.

export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

export type SaveResult = { ok: true; id: string; created: boolean } | { ok: false; status: number; error: SaveError };

export interface WriteCounters {
  tasksCreated: number;
  tasksUpdated: number;
  casesCreated: number;
  casesUpdated: number;
}

function fail(status: number, statusCode: string, message: string, fields: string[] = []): SaveResult {
  return { ok: false, status, error: { statusCode, message, fields } };
}

const REQUIRED: Record<string, string[]> = {
  Account: ['Name'],
  Contact: ['LastName'],
  Lead: ['LastName', 'Company'],
  Opportunity: ['Name', 'StageName', 'CloseDate'],
};

/** Picklists Salesforce restricts to their values. */
const RESTRICTED = new Set(['Task.Status', 'Case.Status', 'Case.Reason', 'Opportunity.StageName', 'Lead.Status']);

function coerce(object: ObjectDef, field: FieldDef, raw: unknown, store: Store): { value: Value } | { error: SaveResult } {
  if (raw === null || raw === '') {
    return { value: null };
  }
  const bad = (expected: string) =>
    ({ error: fail(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${expected} from ${typeof raw} value ${JSON.stringify(raw)} or request may be missing a required field`, [field.name]) });
  switch (field.type) {
    case 'double':
    case 'currency':
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) ? { value: n } : bad('double');
    }
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw } : bad('boolean');
    case 'date': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) return bad('date');
      return { value: raw };
    }
    case 'datetime': {
      const ms = typeof raw === 'string' ? Date.parse(raw.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : NaN;
      return Number.isNaN(ms) ? bad('datetime') : { value: sfDateTime(ms) };
    }
    case 'reference': {
      const id = typeof raw === 'string' ? toId18(raw) : null;
      if (!id) return { error: fail(400, 'MALFORMED_ID', `${field.label} ID: id value of incorrect type: ${String(raw)}`, [field.name]) };
      const target = objectByPrefix(id);
      if (!target || !field.referenceTo?.includes(target.name) || !store.get(target, id)) {
        return { error: fail(400, 'FIELD_INTEGRITY_EXCEPTION', `${field.label} ID: id value of incorrect type: ${id}`, [field.name]) };
      }
      return { value: id };
    }
    default: {
      if (typeof raw !== 'string') return bad('String');
      if (field.picklistValues && RESTRICTED.has(`${object.name}.${field.name}`) && !field.picklistValues.includes(raw)) {
        return { error: fail(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${raw}`, [field.name]) };
      }
      const max = field.length ?? (field.type === 'textarea' ? 131_072 : 255);
      if (raw.length > max) {
        return { error: fail(400, 'STRING_TOO_LONG', `${field.label}: data value too large: ${raw.slice(0, 40)}… (max length=${max})`, [field.name]) };
      }
      return { value: raw };
    }
  }
}

export class RecordWriter {
  readonly counters: WriteCounters = { tasksCreated: 0, tasksUpdated: 0, casesCreated: 0, casesUpdated: 0 };

  constructor(private readonly store: Store) {}

  private clean(object: ObjectDef, body: Record<string, unknown>, creating: boolean): { changes: Row } | { error: SaveResult } {
    const changes: Row = {};
    for (const [key, raw] of Object.entries(body)) {
      if (key === 'attributes') continue;
      const field = fieldDef(object, key);
      if (!field) return { error: fail(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${object.name}`, [key]) };
      if (field.readOnly || (field.createOnly && !creating)) {
        return { error: fail(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, [field.name]) };
      }
      const coerced = coerce(object, field, raw, this.store);
      if ('error' in coerced) return coerced;
      changes[field.name] = coerced.value;
    }
    return { changes };
  }

  private checkUnique(object: ObjectDef, changes: Row, selfId: string | null): SaveResult | null {
    for (const field of object.fields) {
      const value = changes[field.name];
      if (!field.unique || value === null || value === undefined) continue;
      for (const row of this.store.rows(object)) {
        if (row.Id !== selfId && typeof row[field.name] === 'string' && String(row[field.name]).toLowerCase() === String(value).toLowerCase()) {
          return fail(400, 'DUPLICATE_VALUE', `duplicate value found: ${field.name} duplicates value on record with id: ${String(row.Id)}`, [field.name]);
        }
      }
    }
    return null;
  }

  /** Fields Salesforce computes on save. */
  private derive(object: ObjectDef, row: Row, now: string): void {
    if (object.name === 'Contact' || object.name === 'Lead' || object.name === 'User') {
      row.Name = `${row.FirstName ?? ''} ${row.LastName ?? ''}`.trim();
    }
    if (object.name === 'Case') {
      const closed = CASE_STATUSES.find((s) => s.label === row.Status)?.closed ?? false;
      if (closed && !row.IsClosed) row.ClosedDate = now;
      if (!closed) row.ClosedDate = null;
      row.IsClosed = closed;
    }
    if (object.name === 'Task') {
      row.IsClosed = row.Status === 'Completed';
      const what = typeof row.WhatId === 'string' ? row.WhatId : null;
      const who = typeof row.WhoId === 'string' ? row.WhoId : null;
      const whatRow = what ? this.store.get(objectByPrefix(what)!, what) : undefined;
      const whoRow = who?.startsWith('003') ? this.store.get(objectDef('Contact')!, who) : undefined;
      row.AccountId = what?.startsWith('001') ? what : ((whatRow?.AccountId ?? whoRow?.AccountId ?? null) as Value);
    }
    if (object.name === 'Opportunity') {
      row.IsClosed = String(row.StageName ?? '').startsWith('Closed');
      row.IsWon = row.StageName === 'Closed Won';
    }
  }

  create(object: ObjectDef, body: Record<string, unknown>, userId: string): SaveResult {
    const cleaned = this.clean(object, body, true);
    if ('error' in cleaned) return cleaned.error;
    const missing = (REQUIRED[object.name] ?? []).filter((name) => cleaned.changes[name] === undefined || cleaned.changes[name] === null);
    if (missing.length > 0) return fail(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    const duplicate = this.checkUnique(object, cleaned.changes, null);
    if (duplicate) return duplicate;
    const now = sfDateTime(Date.now());
    const row: Row = {};
    for (const field of object.fields) row[field.name] = null;
    const defaults: Row = {};
    if (object.name === 'Task') Object.assign(defaults, { Status: TASK_STATUSES[0]!, Priority: 'Normal', TaskSubtype: 'Task' });
    if (object.name === 'Case') {
      Object.assign(defaults, { Status: CASE_STATUSES[0]!.label, Priority: 'Medium' });
      row.CaseNumber = String(1000 + this.store.table(object).size + 1).padStart(8, '0');
    }
    if (fieldDef(object, 'OwnerId')) defaults.OwnerId = userId;
    Object.assign(row, defaults, cleaned.changes, {
      Id: this.store.newId(object), IsDeleted: false, CreatedDate: now, CreatedById: userId, LastModifiedDate: now,
      LastModifiedById: userId, SystemModstamp: now,
    });
    this.derive(object, row, now);
    this.store.insert(object, row);
    if (object.name === 'Task') this.counters.tasksCreated++;
    if (object.name === 'Case') this.counters.casesCreated++;
    return { ok: true, id: row.Id as string, created: true };
  }

  update(object: ObjectDef, id: string, body: Record<string, unknown>, userId: string): SaveResult {
    const id18 = toId18(id);
    const row = id18 ? this.store.get(object, id18) : undefined;
    if (!row) return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
    const cleaned = this.clean(object, body, false);
    if ('error' in cleaned) return cleaned.error;
    const duplicate = this.checkUnique(object, cleaned.changes, row.Id as string);
    if (duplicate) return duplicate;
    const now = sfDateTime(Date.now());
    const next: Row = { ...row, ...cleaned.changes, LastModifiedDate: now, LastModifiedById: userId, SystemModstamp: now };
    this.derive(object, next, now);
    this.store.update(row, next);
    if (object.name === 'Task') this.counters.tasksUpdated++;
    if (object.name === 'Case') this.counters.casesUpdated++;
    return { ok: true, id: row.Id as string, created: false };
  }

  /** Rows whose external id field equals value (case-insensitive, as Salesforce matches text external ids). */
  matches(object: ObjectDef, field: FieldDef, value: string): Row[] {
    const wanted = value.toLowerCase();
    const out: Row[] = [];
    for (const row of this.store.rows(object)) {
      const current = row[field.name];
      if (typeof current === 'string' && current.toLowerCase() === wanted) out.push(row);
    }
    return out;
  }

  upsert(object: ObjectDef, field: FieldDef, value: string, body: Record<string, unknown>, userId: string): SaveResult | { multiple: Row[] } {
    const inBody = Object.entries(body).find(([key]) => key.toLowerCase() === field.name.toLowerCase());
    if (inBody && inBody[1] !== value) {
      return fail(400, 'INVALID_FIELD', `The value of the external ID field in the body does not match the one in the URL: ${field.name}`, [field.name]);
    }
    const rest = Object.fromEntries(Object.entries(body).filter(([key]) => key.toLowerCase() !== field.name.toLowerCase()));
    const found = field.name === 'Id' ? [this.store.get(object, toId18(value) ?? '')].filter((r): r is Row => r !== undefined) : this.matches(object, field, value);
    if (found.length > 1) return { multiple: found };
    if (found.length === 1) return this.update(object, found[0]!.Id as string, rest, userId);
    if (field.name === 'Id') return fail(404, 'NOT_FOUND', 'Provided external ID field does not exist or is not accessible: Id');
    return this.create(object, { ...rest, [field.name]: value }, userId);
  }

  remove(object: ObjectDef, id: string): SaveResult {
    const id18 = toId18(id);
    if (!id18 || !this.store.get(object, id18)) return fail(404, 'NOT_FOUND', 'The requested resource does not exist');
    this.store.remove(object, id18);
    return { ok: true, id: id18, created: false };
  }
}

// ---------- describe ----------

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID', reference: 'tns:ID', string: 'xsd:string', textarea: 'xsd:string', email: 'xsd:string', phone: 'xsd:string',
  url: 'xsd:string', picklist: 'xsd:string', multipicklist: 'xsd:string', double: 'xsd:double', currency: 'xsd:double', int: 'xsd:int', boolean: 'xsd:boolean',
  date: 'xsd:date', datetime: 'xsd:dateTime',
};

export function describeField(object: ObjectDef, field: FieldDef): Record<string, unknown> {
  const text = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist'].includes(field.type);
  const length = field.type === 'id' || field.type === 'reference' ? 18 : text ? (field.length ?? (field.type === 'textarea' ? 131_072 : 255)) : 0;
  return {
    aggregatable: field.type !== 'textarea',
    autoNumber: field.name === 'CaseNumber',
    byteLength: length * 3,
    calculated: false,
    caseSensitive: false,
    createable: !field.readOnly,
    custom: field.custom ?? field.name.endsWith('__c'),
    defaultValue: null,
    defaultedOnCreate: ['Id', 'OwnerId', 'CreatedDate', 'CreatedById', 'IsDeleted'].includes(field.name),
    digits: field.type === 'int' ? 9 : 0,
    externalId: field.externalId ?? false,
    filterable: field.type !== 'textarea',
    groupable: isGroupable(field),
    idLookup: field.name === 'Id' || (field.externalId ?? false),
    label: field.label,
    length,
    name: field.name,
    nameField: field.name === object.nameField,
    nillable: !(field.name === 'Id' || (REQUIRED[object.name] ?? []).includes(field.name) || field.type === 'boolean'),
    picklistValues: (field.picklistValues ?? []).map((value, index) => ({ active: true, defaultValue: index === 0 && field.name === 'Status', label: value, validFor: null, value })),
    polymorphicForeignKey: (field.referenceTo?.length ?? 0) > 1,
    precision: field.type === 'double' || field.type === 'currency' ? 18 : 0,
    referenceTo: field.referenceTo ?? [],
    relationshipName: field.relationshipName ?? null,
    restrictedPicklist: RESTRICTED.has(`${object.name}.${field.name}`),
    scale: field.type === 'currency' ? 2 : 0,
    soapType: SOAP_TYPES[field.type],
    sortable: field.type !== 'textarea',
    type: field.type,
    unique: field.unique ?? false,
    updateable: !field.readOnly && !field.createOnly,
  };
}

function objectUrls(object: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${object.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function summary(object: ObjectDef, version: string): Record<string, unknown> {
  const readOnly = ['CaseStatus', 'Organization', 'CurrencyType'].includes(object.name) || object.name.startsWith('Survey');
  return {
    activateable: false, createable: !readOnly, custom: object.custom, customSetting: false, deletable: !readOnly,
    deprecatedAndHidden: false, feedEnabled: false, hasSubtypes: false, isSubtype: false, keyPrefix: object.keyPrefix,
    label: object.label, labelPlural: object.labelPlural, layoutable: !readOnly, mergeable: false, mruEnabled: true,
    name: object.name, queryable: true, replicateable: true, retrieveable: true, searchable: !readOnly, triggerable: !readOnly,
    undeletable: !readOnly, updateable: !readOnly, urls: objectUrls(object, version),
  };
}

export function describeGlobal(version: string): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: visibleObjects().map((o) => summary(o, version)) };
}

export function describeObject(object: ObjectDef, version: string): Record<string, unknown> {
  return {
    ...summary(object, version),
    actionOverrides: [],
    childRelationships: object.childRelationships.map((c) => ({
      cascadeDelete: false, childSObject: c.childSObject, deprecatedAndHidden: false, field: c.field,
      junctionIdListNames: [], junctionReferenceTo: [], relationshipName: c.relationshipName, restrictedDelete: false,
    })),
    compactLayoutable: true,
    fields: object.fields.map((f) => describeField(object, f)),
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All records', name: 'everything' }],
  };
}

/** A record as GET /sobjects/{Obj}/{id} returns it. */
export function recordJson(object: ObjectDef, row: Row, version: string, only?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${String(row.Id)}` } };
  const fields = only ? only.map((name) => fieldDef(object, name)).filter((f): f is FieldDef => f !== undefined) : object.fields;
  for (const field of fields) out[field.name] = row[field.name] ?? null;
  return out;
}
