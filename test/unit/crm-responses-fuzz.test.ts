import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import { surveyResponseSchema } from '../../core/schema';
import {
  feedbackToResponse,
  hsAccountInfoSchema,
  hsBatchSchema,
  hsErrorSchema,
  hsObjectSchema,
  hsOwnersPageSchema,
  hsPipelinesSchema,
  hsPropertiesSchema,
  hsSearchPageSchema,
  hsUpsertBatchSchema,
} from '../../integrations/hubspot/schema';
import {
  compositeResponseSchema,
  describeSchema,
  orgFactsSchema,
  parseSourceRows,
  saveResultsSchema,
  sfAccountRecordSchema,
  sfContactRecordSchema,
  sfCorporateCurrencySchema,
  sfErrorSchema,
  sfOrganizationCurrencySchema,
  userinfoSchema,
} from '../../integrations/salesforce/schema';
import { readScore } from '../../integrations/scores';
import { SALESFORCE_PRESETS } from '../../integrations/salesforce/presets';

// Hostile and random CRM responses at every parsing edge: nothing throws, nothing pollutes
// Object.prototype, and what comes out is either a typed error or a row that passes our own schema.

const hostile = fc.oneof(
  fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
  fc.json().map((text) => JSON.parse(text) as unknown),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"polluted":true},"id":"1","properties":{}}') as unknown,
    JSON.parse('{"constructor":{"prototype":{"polluted":true}},"results":[]}') as unknown,
    { results: [{ id: '1', properties: { hs_value: 'N/A' } }] },
    { records: [{ Id: '003000000000001AAA', NumberValue: '9' }], totalSize: 1, done: true },
    [{ errorCode: 'INVALID_FIELD', message: 'x'.repeat(100_000) }],
  ),
);

const schemas: Array<[string, z.ZodType]> = [
  ['HubSpot object', hsObjectSchema],
  ['HubSpot search page', hsSearchPageSchema],
  ['HubSpot batch', hsBatchSchema],
  ['HubSpot upsert batch', hsUpsertBatchSchema],
  ['HubSpot owners', hsOwnersPageSchema],
  ['HubSpot pipelines', hsPipelinesSchema],
  ['HubSpot account info', hsAccountInfoSchema],
  ['HubSpot properties', hsPropertiesSchema],
  ['HubSpot error', hsErrorSchema],
  ['Salesforce error', sfErrorSchema],
  ['Salesforce composite', compositeResponseSchema],
  ['Salesforce contact record', sfContactRecordSchema],
  ['Salesforce account record', sfAccountRecordSchema],
  ['Salesforce describe', describeSchema],
  ['Salesforce save results', saveResultsSchema],
  ['Salesforce organization currency', sfOrganizationCurrencySchema],
  ['Salesforce corporate currency', sfCorporateCurrencySchema],
  ['Salesforce kept org facts', orgFactsSchema],
  ['Salesforce userinfo', userinfoSchema],
];

const polluted = () => ({} as Record<string, unknown>).polluted !== undefined;

describe('CRM response schemas under random and hostile payloads', () => {
  it.each(schemas)('%s: safeParse never throws or pollutes', (_name, schema) => {
    fc.assert(
      fc.property(hostile, (payload) => {
        const result = schema.safeParse(payload);
        expect(typeof result.success).toBe('boolean');
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
        expect(polluted()).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('scores: every input is either a score on its scale or a reason', () => {
    fc.assert(
      fc.property(fc.constantFrom('nps', 'csat', 'ces' as const), hostile, (kind, raw) => {
        const result = readScore(kind, raw);
        if (result.ok) expect(Number.isInteger(result.score)).toBe(true);
        else expect(result.reason).toMatch(/^(no score|not a whole number|outside the (NPS|CSAT|CES) scale)/);
      }),
      { numRuns: 500 },
    );
  });

  it('HubSpot feedback rows: a response that passes our schema, or a rejection with a reason', () => {
    fc.assert(
      fc.property(fc.record({ id: fc.string(), properties: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(null))) }), (row) => {
        const parsed = hsObjectSchema.safeParse(row);
        if (!parsed.success) return;
        const result = feedbackToResponse(parsed.data, 'hubspot-feedback', { portal: '40001', companyOf: () => null }, '51');
        if (result.ok) expect(surveyResponseSchema.safeParse(result.response).success).toBe(true);
        else expect(result.rejected.reason.length).toBeGreaterThan(0);
        expect(polluted()).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('Salesforce rows of every source: parsed rows pass our schema, the rest are rejected with reasons', () => {
    const sources = [...SALESFORCE_PRESETS];
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(hostile, { maxLength: 8 }), (source, records) => {
        const { parsed, rejected } = parseSourceRows(source, records, { instance: 'acme.my.salesforce.com' });
        for (const row of parsed) expect(surveyResponseSchema.safeParse(row).success).toBe(true);
        for (const row of rejected) expect(row.reason.length).toBeGreaterThan(0);
        expect(polluted()).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
