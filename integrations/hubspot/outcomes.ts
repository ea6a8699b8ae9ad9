import type { Outcome } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { CrmError, type OutcomeWriteResult } from '../crm';
import { chunks } from '../batches';
import { nextStepLines } from '../loop-text';
import { call } from './client';
import type { HubSpotPortal } from './connection';
import { firstStage, followUpPipeline } from './follow-ups';
import { appRecordUrl } from './paths';
import { ASSOCIATION_BATCH_MAX, associateDefault, BATCH_MAX, batchRead, search } from './requests';
import { hsBatchSchema, hsObjectSchema, hsUpsertBatchSchema, KEY_PROPERTY } from './schema';

// Close-the-loop outcomes on HubSpot: one note per outcome, linked to its contact, company and ticket.

/** The first line of every close-the-loop note. */
export const NOTE_MARKER = 'Loyalty Lens close-the-loop';

/** The note's words for each result (Salesforce's Task subject says "Reached, not resolved", without "yet"). */
export const ANSWER_VALUES: Record<string, string> = {
  'reached-resolved': 'Reached, resolved',
  'reached-unresolved': 'Reached, not resolved yet',
  'no-answer': 'No answer',
  escalated: 'Escalated',
  'promoter-reference': 'Promoter: reference',
  'promoter-review': 'Promoter: review',
  'promoter-community': 'Promoter: community',
};

export function noteBody(o: Outcome): string {
  const lines = [
    NOTE_MARKER,
    `Result: ${ANSWER_VALUES[o.result] ?? o.result} [${o.result}]`,
    ...(o.rootCauses.length ? [`Root causes: ${o.rootCauses.join('; ')}`] : []),
    ...(o.note.trim() ? [`Note: ${o.note.trim()}`] : []),
    ...nextStepLines(o),
    `Thanked: ${o.thanked ? 'yes' : 'no'}`,
    ...(o.loggedBy ? [`Logged by: ${o.loggedBy}`] : []),
    `Contact: ${o.contactId} · key ${o.idempotencyKey}`,
  ];
  return lines.map(escapeHtml).join('<br>');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Each outcome becomes one note whose unique-value property `loyalty_lens_key` holds the outcome's idempotency
 * key, written with batch/upsert (idProperty = loyalty_lens_key): a repeat — including after a connection that
 * dropped once HubSpot had committed — updates the same note instead of creating another. Associations (contact,
 * company, ticket) are set with the v4 default-association batch, which is idempotent too, and the ticket stage
 * change is a plain update. Fallback for a portal without the property (upsert answers "property does not exist"):
 * search notes for the key (kept in the note body as well) before creating, which is repeatable unless two writers
 * race inside HubSpot's search indexing delay — the outbox's lease keeps writes of one outcome sequential.
 */
export async function writeOutcomes(portal: HubSpotPortal, outcomes: Outcome[], settings: Settings): Promise<OutcomeWriteResult[]> {
  if (outcomes.length === 0) return [];
  return portal.writing(() => writeOutcomesToPortal(portal, outcomes, settings));
}

async function writeOutcomesToPortal(hubspot: HubSpotPortal, outcomes: Outcome[], settings: Settings): Promise<OutcomeWriteResult[]> {
  const { apis } = hubspot;
  const meta = await hubspot.checkedDirectory(null);
  const portal = meta.portalId;
  const failures = new Map<string, CrmError>();
  const fail = (group: Outcome[], e: unknown) => {
    const error = e instanceof CrmError ? e : new CrmError('malformed', 'Writing to HubSpot failed unexpectedly.');
    for (const o of group) if (!failures.has(o.idempotencyKey)) failures.set(o.idempotencyKey, error);
  };
  const attempt = async (group: Outcome[], write: () => Promise<void>) => {
    try {
      await write();
    } catch (e) {
      fail(group, e);
    }
  };
  for (const o of outcomes) {
    if (o.instance !== portal) {
      failures.set(o.idempotencyKey, new CrmError('wrong-instance', `This outcome belongs to HubSpot portal ${o.instance}, but the saved token belongs to portal ${portal}.`));
    }
  }
  // Requests are what the rate limit counts, so every step goes in the largest batches HubSpot takes:
  // notes and reads 100 per call, default associations 1,000 per call (1,000 outcomes ≈ 23 requests).
  const noteIds = new Map<string, string>();
  for (const group of chunks(outcomes.filter((o) => !failures.has(o.idempotencyKey)), BATCH_MAX)) {
    await attempt(group, async () => {
      for (const [key, id] of await upsertNotes(hubspot, group)) noteIds.set(key, id);
    });
  }
  const written = () => outcomes.filter((o) => !failures.has(o.idempotencyKey) && noteIds.has(o.idempotencyKey));
  const companyOf = new Map<string, string | null>();
  const contactIds = [...new Set(written().map((o) => o.contactId))];
  for (const ids of chunks(contactIds, BATCH_MAX)) {
    await attempt(
      written().filter((o) => ids.includes(o.contactId)),
      async () => {
        for (const c of await batchRead(apis, 'contacts', ids, ['associatedcompanyid'])) companyOf.set(c.id, c.properties.associatedcompanyid || null);
      },
    );
  }
  const links = (to: (o: Outcome) => string | null | undefined) =>
    written().flatMap((o) => {
      const toId = to(o);
      return toId ? [{ outcome: o, link: { _from: { id: noteIds.get(o.idempotencyKey)! }, to: { id: toId } } }] : [];
    });
  const associate = async (toType: string, pairs: ReturnType<typeof links>) => {
    for (const part of chunks(pairs, ASSOCIATION_BATCH_MAX)) {
      await attempt(
        part.map((p) => p.outcome),
        () => associateDefault(apis, 'notes', toType, part.map((p) => p.link)),
      );
    }
  };
  const closing = written().filter((o) => o.closeFollowUp && o.followUpId);
  await Promise.all([
    associate('contacts', links((o) => o.contactId)),
    associate('companies', links((o) => companyOf.get(o.contactId))),
    associate('tickets', links((o) => o.followUpId)),
    ...chunks(closing, BATCH_MAX).map((part) => attempt(part, () => closeTickets(hubspot, part.map((o) => o.followUpId!), settings))),
  ]);
  return outcomes.map((o) => {
    const error = failures.get(o.idempotencyKey);
    const id = noteIds.get(o.idempotencyKey);
    if (error || !id) {
      return { idempotencyKey: o.idempotencyKey, ok: false, error: error ?? new CrmError('malformed', 'HubSpot did not return the note it saved.') };
    }
    // A failed link or ticket close fails the outcome, so it is sent again: the upsert finds the same note.
    return { idempotencyKey: o.idempotencyKey, ok: true, crmRecordId: id, crmRecordUrl: appRecordUrl(portal, 'contact', o.contactId) };
  });
}

/** idempotencyKey → note id. */
async function upsertNotes(portal: HubSpotPortal, group: Outcome[]): Promise<Map<string, string>> {
  const inputs = group.map((o) => ({
    idProperty: KEY_PROPERTY,
    id: o.idempotencyKey,
    properties: { hs_timestamp: new Date(o.loggedAt).toISOString(), hs_note_body: noteBody(o), [KEY_PROPERTY]: o.idempotencyKey },
  }));
  try {
    const res = await call(hsUpsertBatchSchema, 'saving the outcome notes', () => portal.apis.batch.upsert('notes', { inputs }));
    return new Map(res.results.map((r) => [r.properties[KEY_PROPERTY] ?? '', r.id]));
  } catch (e) {
    if (!(e instanceof CrmError) || e.kind !== 'config') throw e;
    return createNotesBySearch(portal, group);
  }
}

async function createNotesBySearch(portal: HubSpotPortal, group: Outcome[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const o of group) {
    const found = await search(portal.apis, 'notes', [[{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN', value: o.idempotencyKey }]], ['hs_note_body'], [], 1);
    const existing = found.results[0];
    if (existing) {
      out.set(o.idempotencyKey, existing.id);
      continue;
    }
    const created = await call(hsObjectSchema, 'saving an outcome note', () =>
      portal.apis.basic.create('notes', { properties: { hs_timestamp: new Date(o.loggedAt).toISOString(), hs_note_body: noteBody(o) }, associations: [] }),
    );
    out.set(o.idempotencyKey, created.id);
  }
  return out;
}

async function closeTickets(portal: HubSpotPortal, ticketIds: string[], settings: Settings): Promise<void> {
  if (ticketIds.length === 0) return;
  const stageId = settings.hubspot.closedStageId ?? (await firstClosedStage(portal, settings));
  if (!stageId) throw new CrmError('config', 'No closed stage is known for the follow-up pipeline; choose one in the Loyalty Lens options.');
  await call(hsBatchSchema, 'closing the follow-up tickets', () =>
    portal.apis.batch.update('tickets', { inputs: [...new Set(ticketIds)].map((id) => ({ id, properties: { hs_pipeline_stage: stageId } })) }),
  );
}

async function firstClosedStage(portal: HubSpotPortal, settings: Settings): Promise<string | null> {
  const { pipelines } = await portal.directory();
  return firstStage(followUpPipeline(settings, pipelines), true);
}
