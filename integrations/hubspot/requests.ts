import { z } from 'zod';
import { chunks } from '../batches';
import type { hsObjects } from './client';
import { call, type HubSpotApis } from './client';
import { hsBatchSchema, hsObjectSchema, hsSearchPageSchema, type HsObject } from './schema';

// The thin calls every HubSpot concern reads and writes with: one codegen call each, its answer checked with zod.

export const SEARCH_PAGE = 200;
export const BATCH_MAX = 100;
/** A batch read that asks for property history takes at most 50 inputs (HubSpot refuses more). */
export const HISTORY_BATCH_MAX = 50;
/** The v4 default-association batch takes up to 1,000 pairs per call. */
export const ASSOCIATION_BATCH_MAX = 1_000;
/** HubSpot's search takes up to five filter groups (OR-ed). */
export const MAX_FILTER_GROUPS = 5;

export type HsFilter = { propertyName: string; operator: string; value?: string; values?: string[]; highValue?: string };

export function eq(propertyName: string, value: string): HsFilter {
  return { propertyName, operator: 'EQ', value };
}

const hsAnySchema = z.unknown();
const hsAssociationBatchSchema = z.object({
  results: z.array(
    z.object({
      _from: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
      to: z.array(z.object({ toObjectId: z.union([z.string(), z.number()]).transform(String) })),
      paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
    }),
  ),
});

export function getObject(apis: HubSpotApis, type: string, id: string, props: string[], history: string[], assoc: string[]): Promise<HsObject> {
  return call(hsObjectSchema, `reading ${type} ${id}`, () =>
    apis.basic.getById(type, id, props, history.length ? history : undefined, assoc.length ? assoc : undefined, false),
  );
}

export function search(
  apis: HubSpotApis,
  type: string,
  filterGroups: HsFilter[][],
  props: string[],
  sorts: string[] = [],
  limit = SEARCH_PAGE,
  after?: string,
  /** Text HubSpot looks for in the type's default searchable properties (a contact's names, email, phone, company). */
  query?: string,
) {
  // HubSpot documents sorts as { propertyName, direction }; "-name" means descending here.
  const body = {
    filterGroups: filterGroups.map((filters) => ({ filters })),
    properties: props,
    sorts: sorts.map((s) => (s.startsWith('-') ? { propertyName: s.slice(1), direction: 'DESCENDING' } : { propertyName: s, direction: 'ASCENDING' })),
    limit,
    ...(after ? { after } : {}),
    ...(query ? { query } : {}),
  } as unknown as hsObjects.PublicObjectSearchRequest;
  return call(hsSearchPageSchema, `searching ${type}`, () => apis.search.doSearch(type, body));
}

export async function searchAll(apis: HubSpotApis, type: string, groups: HsFilter[][], props: string[], sorts: string[], maxPages: number): Promise<HsObject[]> {
  const rows: HsObject[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await search(apis, type, groups, props, sorts, SEARCH_PAGE, after);
    rows.push(...res.results);
    after = res.paging?.next?.after;
    if (!after) break;
  }
  return rows;
}

export async function batchRead(apis: HubSpotApis, type: string, ids: string[], props: string[], history: string[] = []): Promise<HsObject[]> {
  const pages = await Promise.all(
    chunks(ids, history.length > 0 ? HISTORY_BATCH_MAX : BATCH_MAX).map((inputs) =>
      call(hsBatchSchema, `reading ${type}`, () =>
        apis.batch.read(type, {
          inputs: inputs.map((id) => ({ id })),
          properties: props,
          propertiesWithHistory: history,
        }),
      ),
    ),
  );
  return pages.flatMap((p) => p.results);
}

/** from id → associated to ids, through the v4 batch association read (≤ 1,000 inputs per call). */
export async function associated(apis: HubSpotApis, fromType: string, toType: string, fromIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const group of chunks(fromIds, ASSOCIATION_BATCH_MAX)) {
    const res = await call(
      hsAssociationBatchSchema,
      `reading ${fromType} → ${toType} links`,
      () => apis.associationsBatch.getPage(fromType, toType, { inputs: group.map((id) => ({ id })) }),
    );
    for (const r of res.results) out.set(r._from.id, r.to.map((t) => t.toObjectId));
  }
  return out;
}

/** Every link of each record, following the v4 pages (500 links per record per page). */
export async function allLinked(apis: HubSpotApis, fromType: string, toType: string, fromIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let inputs = fromIds.map((id) => ({ id, after: undefined as string | undefined }));
  while (inputs.length > 0) {
    const next: typeof inputs = [];
    for (const group of chunks(inputs, 1000)) {
      const res = await call(hsAssociationBatchSchema, `reading ${fromType} → ${toType} links`, () =>
        apis.associationsBatch.getPage(fromType, toType, { inputs: group.map((i) => (i.after ? { id: i.id, after: i.after } : { id: i.id })) }),
      );
      for (const r of res.results) {
        out.set(r._from.id, [...(out.get(r._from.id) ?? []), ...r.to.map((t) => t.toObjectId)]);
        if (r.paging?.next?.after) next.push({ id: r._from.id, after: r.paging.next.after });
      }
    }
    inputs = next;
  }
  return out;
}

export async function associateDefault(
  apis: HubSpotApis,
  fromType: string,
  toType: string,
  inputs: Array<{ _from: { id: string }; to: { id: string } }>,
): Promise<void> {
  if (inputs.length === 0) return;
  await call(hsAnySchema, `linking ${fromType} to ${toType}`, () =>
    apis.associationsBatch.createDefault(fromType, toType, { inputs } as unknown as Parameters<HubSpotApis['associationsBatch']['createDefault']>[2]),
  );
}
