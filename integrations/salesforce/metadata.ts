import { contactKeysById } from '../scores';
import type { HubSpotSource, SalesforceSource } from '../../core/settings';
import { CrmError, type MetadataField, type MetadataObject, type PreviewResult } from '../crm';
import { parseWith, type Meter } from './client';
import type { SalesforceOrg } from './connection';
import type { ErrorContext } from './errors';
import { describeGlobalSchema, describeSchema, parseSourceRows, queryResultSchema, sfContactNameSchema, sfRowSchema } from './schema';
import * as soql from './soql';

// What the options page asks of Salesforce: its objects and fields, and a preview of a score source.

export async function listObjects(org: SalesforceOrg): Promise<MetadataObject[]> {
  org.checkInstance();
  const body = await org.api.request({ method: 'GET', url: org.api.paths.objects, idempotent: true }, { requests: 0 });
  return parseWith(describeGlobalSchema, body, 'the object list')
    .sobjects.filter((o) => o.queryable !== false)
    .map((o) => ({ name: o.name, label: o.label }));
}

export async function listFields(org: SalesforceOrg, objectName: string): Promise<MetadataField[]> {
  org.checkInstance();
  const body = await org.api.request({ method: 'GET', url: org.api.paths.describe(soql.apiName(objectName)), idempotent: true }, { requests: 0 });
  return parseWith(describeSchema, body, 'the field list').fields.map((f) => ({ name: f.name, label: f.label, type: f.type }));
}

export async function previewSource(org: SalesforceOrg, source: HubSpotSource | SalesforceSource, limit: number): Promise<PreviewResult> {
  org.checkInstance();
  if (source.kind !== 'salesforce-surveys' && source.kind !== 'salesforce-custom-object') {
    throw new CrmError('config', 'This score source belongs to HubSpot, not Salesforce.');
  }
  const meter: Meter = { requests: 0 };
  const ctx: ErrorContext = { mapping: { sources: [source], revenue: { kind: 'openOpportunities' } } };
  const page = parseWith(queryResultSchema(sfRowSchema), await org.api.query(soql.previewQuery(source, limit), meter, ctx), 'the preview rows');
  const result = parseSourceRows(source, page.records, { instance: org.instance() });
  return { ...result, contactNames: await contactNames(org, result.parsed.map((r) => r.contactKey), meter, ctx) };
}

/** The preview's contacts by name (one query), so the admin recognises whose answers were read. */
async function contactNames(org: SalesforceOrg, contactKeys: ReadonlyArray<string | null>, meter: Meter, ctx: ErrorContext): Promise<Record<string, string>> {
  const keyOf = contactKeysById(contactKeys);
  if (keyOf.size === 0) return {};
  const page = parseWith(queryResultSchema(sfContactNameSchema), await org.api.query(soql.contactNamesQuery([...keyOf.keys()]), meter, ctx), 'the contact names');
  return Object.fromEntries(page.records.flatMap((c) => (keyOf.has(c.Id) ? [[keyOf.get(c.Id)!, c.Name]] : [])));
}

