// Fidelity: every kind of HubSpot sandbox response is read through @hubspot/api-client's own APIs and
// models, and re-serialized by the client's ObjectSerializer to prove no field was lost or mistyped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contacts from '@hubspot/api-client/lib/codegen/crm/contacts';
import * as companies from '@hubspot/api-client/lib/codegen/crm/companies';
import * as objects from '@hubspot/api-client/lib/codegen/crm/objects';
import * as feedback from '@hubspot/api-client/lib/codegen/crm/objects/feedback_submissions';
import * as notes from '@hubspot/api-client/lib/codegen/crm/objects/notes';
import * as associations from '@hubspot/api-client/lib/codegen/crm/associations/v4';
import * as pipelines from '@hubspot/api-client/lib/codegen/crm/pipelines';
import * as properties from '@hubspot/api-client/lib/codegen/crm/properties';
import * as owners from '@hubspot/api-client/lib/codegen/crm/owners';
import * as schemas from '@hubspot/api-client/lib/codegen/crm/schemas';
import { ObjectSerializer as contactsSerializer } from '@hubspot/api-client/lib/codegen/crm/contacts/models/ObjectSerializer';
import { ObjectSerializer as companiesSerializer } from '@hubspot/api-client/lib/codegen/crm/companies/models/ObjectSerializer';
import { ObjectSerializer as objectsSerializer } from '@hubspot/api-client/lib/codegen/crm/objects/models/ObjectSerializer';
import { ObjectSerializer as feedbackSerializer } from '@hubspot/api-client/lib/codegen/crm/objects/feedback_submissions/models/ObjectSerializer';
import { ObjectSerializer as notesSerializer } from '@hubspot/api-client/lib/codegen/crm/objects/notes/models/ObjectSerializer';
import { ObjectSerializer as associationsSerializer } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/ObjectSerializer';
import { ObjectSerializer as pipelinesSerializer } from '@hubspot/api-client/lib/codegen/crm/pipelines/models/ObjectSerializer';
import { ObjectSerializer as propertiesSerializer } from '@hubspot/api-client/lib/codegen/crm/properties/models/ObjectSerializer';
import { ObjectSerializer as ownersSerializer } from '@hubspot/api-client/lib/codegen/crm/owners/models/ObjectSerializer';
import { ObjectSerializer as schemasSerializer } from '@hubspot/api-client/lib/codegen/crm/schemas/models/ObjectSerializer';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { HUBSPOT_FIXTURES as F } from '../../sandbox/hubspot/index';
import { HARD_COMMENTS } from '../../sandbox/text';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({});
  // Contract calls come faster than a real integration would pace them.
  sandbox.hubspot.setLimits({ perTenSeconds: 10_000, searchPerSecond: 1_000 });
});
afterAll(async () => {
  await sandbox.close();
});

/** The two pieces every codegen module exports; each module has its own (structurally equal) types. */
interface CodegenModule<C> {
  createConfiguration(conf: { baseServer: never; authMethods: { oauth2: { accessToken: string } } }): C;
  ServerConfiguration: new (url: string, vars: Record<string, string>) => unknown;
}

interface Serializer {
  serialize: (data: unknown, type: string, format: string) => unknown;
  deserialize: (data: unknown, type: string, format: string) => unknown;
}

function config<C>(mod: CodegenModule<C>, token: string = F.tokens.main): C {
  return mod.createConfiguration({ baseServer: new mod.ServerConfiguration(sandbox.httpUrl, {}) as never, authMethods: { oauth2: { accessToken: token } } });
}

const raw = async (path: string, init: RequestInit = {}, token: string = F.tokens.main): Promise<{ status: number; headers: Headers; json: unknown }> => {
  const res = await fetch(sandbox.httpUrl + path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
  return { status: res.status, headers: res.headers, json: await res.json() };
};

/** Deserialize with the client's model, serialize back, and compare with what was sent. */
function roundTrip(serializer: Serializer, json: unknown, type: string): unknown {
  const model = serializer.deserialize(json, type, '');
  const back = JSON.parse(JSON.stringify(serializer.serialize(model, type, '')));
  // The client's ModelError has no `status` field; HubSpot sends "status":"error" anyway.
  const expected = type === 'ModelError' ? { ...(json as Record<string, unknown>), status: undefined } : json;
  expect(back).toEqual(JSON.parse(JSON.stringify(expected)));
  return model;
}

describe('HubSpot sandbox seed', () => {
  it('has the sizes and hard cases the product is tested against', () => {
    const hs = sandbox.hubspot;
    const count = (type: Parameters<typeof hs.records>[0]): number => hs.records(type, '40001').length + hs.records(type, '40002').length;
    expect(count('companies')).toBeGreaterThanOrEqual(140);
    expect(count('contacts')).toBeGreaterThanOrEqual(2000);
    expect(count('feedback_submissions')).toBeGreaterThanOrEqual(14_000);
    const main = hs.portal('40001');
    const big = main.associatedIds('companies', F.bigCompanyId, 'contacts');
    expect(main.get('companies', F.bigCompanyId)?.properties.name).toBe('Northwind Global');
    expect(big).toHaveLength(2500);
    expect(big.reduce((n, id) => n + main.associatedIds('contacts', id, 'feedback_submissions').length, 0)).toBeGreaterThanOrEqual(25_000);
    expect(main.associatedIds('contacts', F.contactWithoutCompanyId, 'companies')).toEqual([]);
    const dates = hs.records('feedback_submissions').map((r) => Date.parse(r.properties.hs_submission_timestamp!));
    expect(Math.max(...dates)).toBeLessThan(Date.UTC(2026, 10, 1));
    expect(Math.min(...dates)).toBeGreaterThanOrEqual(Date.UTC(2023, 10, 1));
    const comments = new Set(hs.records('feedback_submissions').map((r) => r.properties.hs_content));
    for (const hard of Object.values(HARD_COMMENTS)) expect(comments).toContain(hard);
    expect(HARD_COMMENTS.long).toHaveLength(10_000);
    const badValues = main.associatedIds('contacts', F.badScoresContactId, 'feedback_submissions').map((id) => main.get('feedback_submissions', id)?.properties.hs_value);
    expect(badValues).toEqual(expect.arrayContaining([null, '11', '-1']));
    const customScores = main.associatedIds('contacts', F.badScoresContactId, 'p_loyalty_survey').map((id) => main.get('p_loyalty_survey', id)?.properties.score);
    expect(customScores).toEqual(expect.arrayContaining(['9', 'N/A', null, '11', '-1']));
    const sample = main.associatedIds('contacts', F.sampleContactId, 'feedback_submissions').map((id) => main.get('feedback_submissions', id)!.properties);
    const nps = sample.filter((p) => p.hs_survey_type === 'NPS');
    expect(nps.length).toBeGreaterThanOrEqual(4);
    expect(nps.some((p) => Number(p.hs_value) <= 6)).toBe(true);
    expect(sample.some((p) => p.hs_survey_type === 'CSAT')).toBe(true);
    expect(sample.some((p) => p.hs_survey_type === 'CES')).toBe(true);
  });
});

describe('HubSpot sandbox through @hubspot/api-client', () => {
  it('reads a contact with associations and property history', async () => {
    const api = new contacts.BasicApi(config(contacts));
    const contact = await api.getById(F.sampleContactId, ['email', 'asknicely_nps_score'], ['asknicely_nps_score'], ['companies', 'tickets', 'feedback_submissions']);
    expect(contact.id).toBe(F.sampleContactId);
    expect(contact.properties.email).toBe('dana.whitfield@acmelabs.example');
    expect(contact.createdAt).toBeInstanceOf(Date);
    expect(contact.propertiesWithHistory?.asknicely_nps_score?.map((h) => h.value)).toEqual(['4', '7', '9']);
    expect(contact.associations?.companies?.results.map((a) => a.id)).toContain(F.companyId);
    expect(contact.associations?.tickets?.results.map((a) => a.id)).toContain(F.ticketId);
    expect(contact.associations?.feedback_submissions?.results.length).toBeGreaterThanOrEqual(6);
    const { json } = await raw(`/crm/v3/objects/contacts/${F.sampleContactId}?properties=email&propertiesWithHistory=asknicely_nps_score&associations=companies,tickets`);
    roundTrip(contactsSerializer, json, 'SimplePublicObjectWithAssociations');
  });

  it('reads a company, a feedback submission and the custom object', async () => {
    const company = await new companies.BasicApi(config(companies)).getById(F.bigCompanyId, ['name', 'num_associated_contacts']);
    expect(company.properties).toMatchObject({ name: 'Northwind Global', num_associated_contacts: '2500' });
    const { json } = await raw(`/crm/v3/objects/companies/${F.bigCompanyId}?associations=contacts`);
    const model = roundTrip(companiesSerializer, json, 'SimplePublicObjectWithAssociations') as companies.SimplePublicObjectWithAssociations;
    expect(model.associations?.contacts?.paging?.next?.after).toBeDefined();

    const custom = await new objects.BasicApi(config(objects)).getPage('p_loyalty_survey', 5, undefined, ['score', 'survey_type'], undefined, ['contacts']);
    expect(custom.results).toHaveLength(5);
    expect(custom.results[0]?.associations?.contacts?.results).toHaveLength(1);
  });

  it('pages through a list with paging.next.after', async () => {
    const api = new feedback.BasicApi(config(feedback));
    const first = await api.getPage(100, undefined, ['hs_value', 'hs_survey_type']);
    expect(first.results).toHaveLength(100);
    const after = first.paging?.next?.after;
    expect(after).toBeDefined();
    const second = await api.getPage(100, after, ['hs_value']);
    expect(second.results[0]?.id).not.toBe(first.results[0]?.id);
    expect(new Set([...first.results, ...second.results].map((r) => r.id)).size).toBe(200);
    const { json } = await raw(`/crm/v3/objects/feedback_submissions?limit=3&properties=hs_value,hs_content`);
    roundTrip(feedbackSerializer, json, 'CollectionResponseSimplePublicObjectWithAssociationsForwardPaging');
  });

  it('batch-reads with a 207 for ids that do not exist', async () => {
    const body = { inputs: [{ id: F.sampleContactId }, { id: F.badScoresContactId }], properties: ['email'], propertiesWithHistory: ['asknicely_nps_score'] };
    const result = await new contacts.BatchApi(config(contacts)).read(body);
    expect(result.results.map((r) => r.id).sort()).toEqual([F.sampleContactId, F.badScoresContactId].sort());
    const ok = await raw('/crm/v3/objects/contacts/batch/read', { method: 'POST', body: JSON.stringify(body) });
    expect(ok.status).toBe(200);
    roundTrip(contactsSerializer, ok.json, 'BatchResponseSimplePublicObject');
    const partial = await raw('/crm/v3/objects/contacts/batch/read', { method: 'POST', body: JSON.stringify({ inputs: [{ id: F.sampleContactId }, { id: '999999999' }] }) });
    expect(partial.status).toBe(207);
    const model = roundTrip(contactsSerializer, partial.json, 'BatchResponseSimplePublicObjectWithErrors') as contacts.BatchResponseSimplePublicObjectWithErrors;
    expect(model.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');
    const tooMany = await raw('/crm/v3/objects/contacts/batch/read', { method: 'POST', body: JSON.stringify({ inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) }) });
    expect(tooMany.status).toBe(400);
    // With property history HubSpot takes half as many.
    const ids = sandbox.hubspot.records('contacts', F.portals.main).slice(0, 51).map((c) => ({ id: c.id }));
    const history = (inputs: typeof ids) => ({ method: 'POST', body: JSON.stringify({ inputs, properties: ['email'], propertiesWithHistory: ['asknicely_nps_score'] }) });
    const fifty = await raw('/crm/v3/objects/contacts/batch/read', history(ids.slice(0, 50)));
    expect(fifty.status).toBe(200);
    const fiftyOne = await raw('/crm/v3/objects/contacts/batch/read', history(ids));
    expect(fiftyOne.status).toBe(400);
    expect(JSON.stringify(fiftyOne.json)).toContain('batch request for property histories is 50');
  });

  it('searches with total, association filters, sorts and paging', async () => {
    const api = new feedback.SearchApi(config(feedback));
    const detractors = await api.doSearch({
      filterGroups: [{ filters: [
        { propertyName: 'associations.contact', operator: feedback.FilterOperatorEnum.Eq, value: F.sampleContactId },
        { propertyName: 'hs_survey_type', operator: feedback.FilterOperatorEnum.Eq, value: 'NPS' },
        { propertyName: 'hs_value', operator: feedback.FilterOperatorEnum.Lte, value: '6' },
      ] }],
      sorts: ['hs_submission_timestamp'],
      properties: ['hs_value', 'hs_submission_timestamp'],
      limit: 10,
    });
    expect(detractors.total).toBe(2);
    expect(detractors.results.map((r) => r.properties.hs_value)).toEqual(['6', '3']);

    const bigBody = { filterGroups: [{ filters: [{ propertyName: 'associations.company', operator: 'EQ', value: F.bigCompanyId }] }], limit: 200, properties: ['email'] };
    const page = await raw('/crm/v3/objects/contacts/search', { method: 'POST', body: JSON.stringify(bigBody) });
    const model = roundTrip(contactsSerializer, page.json, 'CollectionResponseWithTotalSimplePublicObjectForwardPaging') as contacts.CollectionResponseWithTotalSimplePublicObjectForwardPaging;
    expect(model.total).toBe(2500);
    expect(model.results).toHaveLength(200);
    expect(model.paging?.next?.after).toBe('200');

    const between = await raw('/crm/v3/objects/feedback_submissions/search', {
      method: 'POST',
      body: JSON.stringify({ filterGroups: [{ filters: [
        { propertyName: 'hs_submission_timestamp', operator: 'BETWEEN', value: String(Date.UTC(2026, 0, 1)), highValue: '2026-12-31T00:00:00Z' },
        { propertyName: 'hs_response_group', operator: 'IN', values: ['DETRACTOR'] },
        { propertyName: 'hs_content', operator: 'HAS_PROPERTY' },
      ] }], limit: 1 }),
    });
    expect((between.json as { total: number }).total).toBeGreaterThan(0);
    const tooMany = await raw('/crm/v3/objects/contacts/search', { method: 'POST', body: JSON.stringify({ filterGroups: Array.from({ length: 6 }, () => ({ filters: [] })) }) });
    expect(tooMany.status).toBe(400);
  });

  it('finds a contact’s companies by their link to it, through the client’s search model', async () => {
    const api = new companies.SearchApi(config(companies));
    const found = await api.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: companies.FilterOperatorEnum.Eq, value: F.sampleContactId }] }],
      properties: ['name', 'hubspot_owner_id', 'hs_total_deal_value'],
      limit: 10,
    });
    expect(found.results.map((c) => [c.id, c.properties.name])).toEqual([[F.companyId, F.companyName]]);
  });

  it('search shows a write only once the index lag has passed: a new record is missing, an updated one is as before', async () => {
    const basic = new objects.BasicApi(config(objects));
    const search = new objects.SearchApi(config(objects));
    const ticketsOf = async (contactId: string) =>
      (
        await search.doSearch('tickets', {
          filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: objects.FilterOperatorEnum.Eq, value: contactId }] }],
          properties: ['hs_pipeline_stage'],
          limit: 100,
        })
      ).results;
    const before = await ticketsOf(F.sampleContactId);
    const open = before.find((t) => t.properties.hs_pipeline_stage === F.openStageId)!;
    sandbox.hubspot.setSearchIndexLag(60_000);
    try {
      const created = await basic.create('tickets', {
        properties: { subject: 'Fresh follow-up', hs_pipeline: F.ticketPipelineId, hs_pipeline_stage: F.openStageId },
        associations: [{ to: { id: F.sampleContactId }, types: [{ associationCategory: objects.AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 16 }] }],
      });
      await basic.update('tickets', open.id, { properties: { hs_pipeline_stage: F.closedStageId } });
      const lagging = await ticketsOf(F.sampleContactId);
      expect(lagging.map((t) => t.id)).not.toContain(created.id);
      expect(lagging.find((t) => t.id === open.id)?.properties.hs_pipeline_stage).toBe(F.openStageId);
      // Reads by id are not behind.
      expect((await basic.getById('tickets', created.id)).id).toBe(created.id);
      expect((await basic.getById('tickets', open.id, ['hs_pipeline_stage'])).properties.hs_pipeline_stage).toBe(F.closedStageId);
    } finally {
      sandbox.hubspot.setSearchIndexLag(0);
    }
    const caughtUp = await ticketsOf(F.sampleContactId);
    expect(caughtUp.find((t) => t.id === open.id)?.properties.hs_pipeline_stage).toBe(F.closedStageId);
    expect(caughtUp).toHaveLength(before.length + 1);
  });

  it('answers search faster than 5 per second with the secondly limit', async () => {
    sandbox.hubspot.setLimits({ searchPerSecond: 5 });
    try {
      const statuses = await Promise.all(Array.from({ length: 7 }, () => raw('/crm/v3/objects/contacts/search', { method: 'POST', body: '{}' }, F.tokens.eu)));
      const limited = statuses.filter((s) => s.status === 429);
      expect(limited).toHaveLength(2);
      expect(limited[0]?.json).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', message: 'You have reached your secondly limit.' });
    } finally {
      sandbox.hubspot.setLimits({ searchPerSecond: 1_000 });
    }
  });

  it('reads v4 associations with labels, paging and a 207 for objects without any', async () => {
    const api = new associations.BatchApi(config(associations));
    const result = await api.getPage('contacts', 'companies', { inputs: [{ id: F.sampleContactId }] });
    expect(result.results[0]?._from.id).toBe(F.sampleContactId);
    const types = result.results[0]?.to[0]?.associationTypes.map((t) => [t.category, t.typeId, t.label]);
    expect(types).toEqual([['HUBSPOT_DEFINED', 1, 'Primary'], ['HUBSPOT_DEFINED', 279, null]]);
    expect(String(result.results[0]?.to[0]?.toObjectId)).toBe(F.companyId);

    const big = await raw('/crm/v4/associations/companies/contacts/batch/read', { method: 'POST', body: JSON.stringify({ inputs: [{ id: F.bigCompanyId }, { id: '999999999' }] }) });
    expect(big.status).toBe(207);
    const model = roundTrip(associationsSerializer, big.json, 'BatchResponsePublicAssociationMultiWithLabelWithErrors') as associations.BatchResponsePublicAssociationMultiWithLabelWithErrors;
    expect(model.results[0]?.to).toHaveLength(500);
    expect(model.results[0]?.paging?.next?.after).toBe('500');
    expect(model.errors?.[0]?.subCategory).toBe('crm.associations.NO_ASSOCIATIONS_FOUND');
  });

  it('lists ticket pipelines with open and closed stages', async () => {
    const result = await new pipelines.PipelinesApi(config(pipelines)).getAll('tickets');
    const stages = result.results.flatMap((p) => p.stages);
    expect(stages.find((s) => s.id === F.openStageId)?.metadata?.['ticketState']).toBe('OPEN');
    expect(stages.find((s) => s.id === F.closedStageId)?.metadata?.['ticketState']).toBe('CLOSED');
    roundTrip(pipelinesSerializer, (await raw('/crm/v3/pipelines/tickets')).json, 'CollectionResponsePipelineNoPaging');
  });

  it('describes properties (unique key on notes), the custom object schema and owners', async () => {
    const props = await new properties.CoreApi(config(properties)).getAll('notes');
    expect(props.results.find((p) => p.name === 'loyalty_lens_key')?.hasUniqueValue).toBe(true);
    roundTrip(propertiesSerializer, (await raw('/crm/v3/properties/contacts')).json, 'CollectionResponsePropertyNoPaging');
    const enumProp = props.results.find((p) => p.name === 'hs_timestamp');
    expect(enumProp?.type).toBe('datetime');

    const schemaList = await new schemas.CoreApi(config(schemas)).getAll();
    expect(schemaList.results[0]).toMatchObject({ objectTypeId: '2-9001', name: 'loyalty_survey', fullyQualifiedName: 'p40001_loyalty_survey' });
    roundTrip(schemasSerializer, (await raw('/crm-object-schemas/v3/schemas')).json, 'CollectionResponseObjectSchemaNoPaging');

    const ownerPage = await new owners.OwnersApi(config(owners)).getPage();
    expect(ownerPage.results.map((o) => o.id)).toContain(F.ownerId);
    roundTrip(ownersSerializer, (await raw('/crm/v3/owners/')).json, 'CollectionResponsePublicOwnerForwardPaging');
  });

  it('creates a note with inline associations and upserts idempotently by loyalty_lens_key', async () => {
    const api = new notes.BasicApi(config(notes));
    const created = await api.create({
      properties: { hs_timestamp: '2026-11-02T09:30:00Z', hs_note_body: 'Reached Dana; invoices fixed.' },
      associations: [{ to: { id: F.sampleContactId }, types: [{ associationCategory: notes.AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 202 }] }],
    });
    expect(created.properties.hs_note_body).toBe('Reached Dana; invoices fixed.');
    expect(created.properties.hs_timestamp).toBe('2026-11-02T09:30:00.000Z');
    expect(sandbox.hubspot.portal().associatedIds('contacts', F.sampleContactId, 'notes')).toContain(created.id);

    const batch = new notes.BatchApi(config(notes));
    const input = { inputs: [{ idProperty: 'loyalty_lens_key', id: 'outcome-123', properties: { hs_timestamp: '2026-11-02T10:00:00Z', hs_note_body: 'Outcome logged' } }] };
    const first = await batch.upsert(input);
    const second = await batch.upsert(input);
    expect(first.results[0]?._new).toBe(true);
    expect(second.results[0]?._new).toBe(false);
    expect(second.results[0]?.id).toBe(first.results[0]?.id);
    expect(sandbox.hubspot.find('notes', 'loyalty_lens_key', 'outcome-123')).toHaveLength(1);
    const again = await raw('/crm/v3/objects/notes/batch/upsert', { method: 'POST', body: JSON.stringify(input) });
    roundTrip(notesSerializer, again.json, 'BatchResponseSimplePublicUpsertObject');

    const link = await new associations.BatchApi(config(associations)).createDefault('notes', 'contacts', { inputs: [{ _from: { id: first.results[0]!.id }, to: { id: F.sampleContactId } }] });
    expect(link.results[0]?.associationSpec.associationTypeId).toBe(202);
  });

  it('moves a ticket to a closed stage and rejects unknown stages', async () => {
    const api = new objects.BasicApi(config(objects));
    const updated = await api.update('tickets', F.ticketId, { properties: { hs_pipeline_stage: F.closedStageId } });
    expect(updated.properties.hs_pipeline_stage).toBe(F.closedStageId);
    const bad = await raw(`/crm/v3/objects/tickets/${F.ticketId}`, { method: 'PATCH', body: JSON.stringify({ properties: { hs_pipeline_stage: 'nope' } }) });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    roundTrip(objectsSerializer, bad.json, 'ModelError');
  });

  it('answers errors in HubSpot’s shapes: 401, 403 missing scopes, 404, 429', async () => {
    const unauthorized = await raw('/crm/v3/objects/contacts/1', {}, F.tokens.revoked);
    expect(unauthorized.status).toBe(401);
    expect(roundTrip(contactsSerializer, unauthorized.json, 'ModelError')).toMatchObject({ category: 'INVALID_AUTHENTICATION' });
    await expect(new contacts.BasicApi(config(contacts, F.tokens.revoked)).getById('1')).rejects.toMatchObject({ code: 401 });

    const forbidden = await raw('/crm/v3/objects/feedback_submissions?limit=1', {}, F.tokens.missingScopes);
    expect(forbidden.status).toBe(403);
    const scopeError = roundTrip(feedbackSerializer, forbidden.json, 'ModelError') as feedback.ModelError;
    expect(scopeError.category).toBe('MISSING_SCOPES');
    expect(scopeError.errors?.[0]?.context?.requiredGranularScopes).toEqual(['crm.objects.feedback_submissions.read']);

    const missing = await raw('/crm/v3/objects/contacts/999999999');
    expect(missing.status).toBe(404);
    expect(roundTrip(contactsSerializer, missing.json, 'ModelError')).toMatchObject({ category: 'OBJECT_NOT_FOUND' });

    const ok = await raw('/account-info/v3/details', {}, F.tokens.eu);
    expect(ok.json).toMatchObject({ portalId: 40002, uiDomain: 'app-eu1.hubspot.com' });
    expect(ok.headers.get('x-hubspot-ratelimit-max')).toBeTruthy();
    expect(ok.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');

    sandbox.hubspot.setLimits({ perTenSeconds: 1 });
    try {
      const limited = await raw('/account-info/v3/details', {}, F.tokens.missingScopes);
      const again = limited.status === 429 ? limited : await raw('/account-info/v3/details', {}, F.tokens.missingScopes);
      expect(again.status).toBe(429);
      expect(again.json).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
      expect(again.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    } finally {
      sandbox.hubspot.setLimits({ perTenSeconds: 10_000 });
    }
  });

  it('checks a private-app token as HubSpot’s token-info does: its portal and scopes, a bad token refused', async () => {
    const check = (tokenKey: unknown, token: string = F.tokens.main) =>
      raw('/oauth/v2/private-apps/get/access-token-info', { method: 'POST', body: JSON.stringify({ tokenKey }) }, token);
    const main = await check(F.tokens.main);
    expect(main.status).toBe(200);
    expect(main.json).toEqual({ userId: expect.any(Number), hubId: 40001, appId: expect.any(Number), scopes: expect.arrayContaining(['crm.objects.contacts.read', 'tickets']) });
    // The token in the body is the one told about; the header only has to be a token HubSpot accepts.
    const eu = await check(F.tokens.eu, F.tokens.eu);
    expect(eu.json).toMatchObject({ hubId: 40002 });
    const limited = await check(F.tokens.missingScopes);
    expect((limited.json as { scopes: string[] }).scopes.sort()).toEqual(
      ['crm.objects.companies.read', 'crm.objects.contacts.read', 'crm.objects.deals.read', 'crm.objects.owners.read'].sort(),
    );
    for (const bad of [F.tokens.revoked, 'pat-na1-not-a-token']) {
      const refused = await check(bad);
      expect(refused.status).toBe(401);
      expect(refused.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    }
    expect((await check(F.tokens.main, F.tokens.revoked)).status).toBe(401);
    expect((await check(undefined)).json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });

  describe('a 5xx after the commit, on every write route', () => {
    // 502–504 come as a gateway's HTML page, so only the status is read here.
    const raw = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(sandbox.httpUrl + path, { ...init, headers: { authorization: `Bearer ${F.tokens.main}`, 'content-type': 'application/json' } });
      await res.text();
      return { status: res.status };
    };
    const note = (key: string) => ({ properties: { hs_timestamp: '2026-11-02T10:00:00Z', hs_note_body: `Body ${key}`, loyalty_lens_key: key } });
    const notesWithKey = (key: string) => sandbox.hubspot.find('notes', 'loyalty_lens_key', key);
    const linked = (noteId: string) => sandbox.hubspot.portal().associatedIds('notes', noteId, 'contacts');
    const noteId = (key: string) => notesWithKey(key)[0]!.id;
    const routes: Array<{ name: string; match: string; send: (key: string) => Promise<{ status: number }>; committed: (key: string) => boolean }> = [
      {
        name: 'POST objects (create)',
        match: '^POST /crm/v3/objects/notes$',
        send: (key) => raw('/crm/v3/objects/notes', { method: 'POST', body: JSON.stringify(note(key)) }),
        committed: (key) => notesWithKey(key).length === 1,
      },
      {
        name: 'POST batch/create',
        match: '^POST /crm/v3/objects/notes/batch/create$',
        send: (key) => raw('/crm/v3/objects/notes/batch/create', { method: 'POST', body: JSON.stringify({ inputs: [note(key)] }) }),
        committed: (key) => notesWithKey(key).length === 1,
      },
      {
        name: 'POST batch/upsert',
        match: '^POST /crm/v3/objects/notes/batch/upsert$',
        send: (key) => raw('/crm/v3/objects/notes/batch/upsert', { method: 'POST', body: JSON.stringify({ inputs: [{ idProperty: 'loyalty_lens_key', id: key, properties: note(key).properties }] }) }),
        committed: (key) => notesWithKey(key).length === 1,
      },
      {
        name: 'PATCH objects/{id} (update)',
        match: '^PATCH /crm/v3/objects/tickets/',
        send: (key) => raw(`/crm/v3/objects/tickets/${F.ticketId}`, { method: 'PATCH', body: JSON.stringify({ properties: { subject: key } }) }),
        committed: (key) => sandbox.hubspot.portal().get('tickets', F.ticketId)?.properties.subject === key,
      },
      {
        name: 'POST batch/update',
        match: '^POST /crm/v3/objects/tickets/batch/update$',
        send: (key) => raw('/crm/v3/objects/tickets/batch/update', { method: 'POST', body: JSON.stringify({ inputs: [{ id: F.ticketId, properties: { subject: key } }] }) }),
        committed: (key) => sandbox.hubspot.portal().get('tickets', F.ticketId)?.properties.subject === key,
      },
      {
        name: 'POST v4 batch/associate/default',
        match: '^POST /crm/v4/associations/notes/contacts/batch/associate/default$',
        send: async (key) => {
          await raw('/crm/v3/objects/notes', { method: 'POST', body: JSON.stringify(note(key)) });
          return raw('/crm/v4/associations/notes/contacts/batch/associate/default', { method: 'POST', body: JSON.stringify({ inputs: [{ from: { id: noteId(key) }, to: { id: F.sampleContactId } }] }) });
        },
        committed: (key) => linked(noteId(key)).includes(F.sampleContactId),
      },
      {
        name: 'POST v4 batch/create',
        match: '^POST /crm/v4/associations/notes/contacts/batch/create$',
        send: async (key) => {
          await raw('/crm/v3/objects/notes', { method: 'POST', body: JSON.stringify(note(key)) });
          const types = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }];
          return raw('/crm/v4/associations/notes/contacts/batch/create', { method: 'POST', body: JSON.stringify({ inputs: [{ from: { id: noteId(key) }, to: { id: F.sampleContactId }, types }] }) });
        },
        committed: (key) => linked(noteId(key)).includes(F.sampleContactId),
      },
      {
        name: 'PUT v4 objects/{id}/associations/default',
        match: '^PUT /crm/v4/objects/notes/',
        send: async (key) => {
          await raw('/crm/v3/objects/notes', { method: 'POST', body: JSON.stringify(note(key)) });
          return raw(`/crm/v4/objects/notes/${noteId(key)}/associations/default/contacts/${F.sampleContactId}`, { method: 'PUT' });
        },
        committed: (key) => linked(noteId(key)).includes(F.sampleContactId),
      },
    ];
    const statuses = [500, 502, 503, 504] as const;
    it.each(routes.flatMap((route) => statuses.map((status) => ({ ...route, status }))))('$name: commits, then answers $status', async ({ match, send, committed, status }) => {
      const key = `after-commit-${status}-${Math.random().toString(36).slice(2)}`;
      sandbox.setFaults([{ match, times: 1, statusAfterCommit: status }]);
      try {
        const res = await send(key).catch(() => ({ status: -1 }));
        expect(res.status).toBe(status);
        expect(committed(key)).toBe(true);
      } finally {
        sandbox.clearFaults();
      }
    });
  });

  it('an account without the loyalty_lens_key property: unknown to reads, writes, upserts and the property list', async () => {
    sandbox.hubspot.withoutProperty('loyalty_lens_key');
    try {
      const upsert = await raw('/crm/v3/objects/notes/batch/upsert', { method: 'POST', body: JSON.stringify({ inputs: [{ idProperty: 'loyalty_lens_key', id: 'k', properties: { hs_timestamp: '2026-11-02T10:00:00Z' } }] }) });
      expect(upsert.status).toBe(400);
      expect((upsert.json as { message: string }).message).toMatch(/Property "loyalty_lens_key" does not exist/);
      const create = await raw('/crm/v3/objects/notes', { method: 'POST', body: JSON.stringify({ properties: { hs_timestamp: '2026-11-02T10:00:00Z', loyalty_lens_key: 'k' } }) });
      expect(create.status).toBe(400);
      const byKey = await raw('/crm/v3/objects/tickets/k?idProperty=loyalty_lens_key');
      expect(byKey.status).toBe(400);
      const list = (await raw('/crm/v3/properties/notes')).json as { results: { name: string }[] };
      expect(list.results.map((p) => p.name)).not.toContain('loyalty_lens_key');
    } finally {
      sandbox.hubspot.reset();
      sandbox.hubspot.setLimits({ perTenSeconds: 10_000, searchPerSecond: 1_000 });
    }
  });

  it('serves record pages as an SPA with sample links and a CRM actions toolbar', async () => {
    const res = await fetch(`${sandbox.httpUrl}/contacts/40001/record/0-1/${F.sampleContactId}`);
    const html = await res.text();
    expect(html).toContain('Dana Whitfield');
    expect(html).toContain('aria-label="CRM actions"');
    expect(html).toContain('history.pushState');
    expect(html).toContain(`href="/contacts/40001/record/0-2/${F.bigCompanyId}"`);
    const data = await (await fetch(`${sandbox.httpUrl}/__sandbox/page-data/hubspot/40001/0-2/${F.companyId}`)).json();
    expect(data).toMatchObject({ found: true, title: 'Acme Labs' });
    const legacy = await (await fetch(`${sandbox.httpUrl}/contacts/40001/company/${F.companyId}`)).text();
    expect(legacy).toContain('Acme Labs');
  });
});
