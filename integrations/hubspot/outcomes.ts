import type { LoopRecord, Outcome } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { CrmError, mayHaveCommitted, mayHaveReachedCrm, type OutcomeWriteResult } from '../crm';
import { mayStillBeRunning, unconfirmedCreate } from '../unconfirmed-creates';
import { loopDataLine, parseLoopDataLine } from '../loop-notes';
import { call, type HubSpotApis } from './client';
import type { HubSpotPortal } from './connection';
import { closedStageIds, firstStage, followUpPipeline } from './follow-ups';
import { appRecordUrl } from './paths';
import { allLinked, ASSOCIATION_BATCH_MAX, associated, associateDefault, BATCH_MAX, batchRead } from './requests';
import { chunks } from '../batches';
import { hsBatchSchema, hsUpsertBatchSchema, KEY_PROPERTY, toEpochMs, type HsObject } from './schema';
import { loopSteps } from '../../core/insights';
import { CAUSES_PROPERTY, STEPS_PROPERTY } from './insights';
import { FIRST_CONTACT_AT_PROPERTY, FIRST_CONTACT_HOURS_PROPERTY, readLoopFields, SLA_PROPERTY } from './loop-fields';
import { combineTimings, outcomeTiming, timingUpdate, type LoopTiming } from '../../core/loop-metrics';

// Close-the-loop outcomes on HubSpot: one note per outcome, linked to its contact, company and ticket; and the
// note's format, read back by loop-history.ts.

/** The first line of every close-the-loop note. */
export const NOTE_MARKER = 'Loyalty Lens close-the-loop';

export const ANSWER_VALUES: Record<string, string> = {
  'reached-resolved': 'Reached, resolved',
  'reached-unresolved': 'Reached, not resolved yet',
  'no-answer': 'No answer',
  escalated: 'Escalated',
  'promoter-reference': 'Promoter: reference',
  'promoter-review': 'Promoter: review',
  'promoter-community': 'Promoter: community',
};

function noteProperties(o: Outcome): Record<string, string> {
  return { hs_timestamp: new Date(o.loggedAt).toISOString(), hs_note_body: noteBody(o) };
}

/**
 * The note people read in HubSpot, ending with the data line Loyalty Lens reads back (integrations/loop-notes.ts).
 * Every line is HTML-escaped and lines are joined with <br>, so no text can add a line after the data line.
 */
export function noteBody(o: Outcome): string {
  const lines = [
    NOTE_MARKER,
    `Result: ${ANSWER_VALUES[o.result] ?? o.result}`,
    ...(o.rootCauses.length ? [`Root causes: ${o.rootCauses.join('; ')}`] : []),
    ...(o.note.trim() ? [`Note: ${o.note.trim()}`] : []),
    ...(o.nextStep ? [`Next step: ${o.nextStep.text} (due ${o.nextStep.dueDate})`] : []),
    `Thanked: ${o.thanked ? 'yes' : 'no'}`,
    ...(o.loggedBy ? [`Logged by: ${o.loggedBy}`] : []),
    loopDataLine(o),
  ];
  return lines.map(escapeHtml).join('<br>');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The note body's lines: split on <br> only (the only line break free text cannot write), then unescaped. */
function noteLines(n: HsObject): string[] {
  return (n.properties.hs_note_body ?? '').split(/<br\s*\/?>/i).map(unescapeHtml);
}

export interface LoopNoteFields {
  key: string;
  contactId: string;
  result: LoopRecord['result'];
  rootCauses: string[];
  loggedBy: string | null;
  /** The "Note:" line's text, for display only. */
  note: string | null;
}

/** The fields of a note in the current format: all from its last line; the note text only for display. */
function currentNoteFields(lines: string[]): LoopNoteFields | null {
  const data = parseLoopDataLine(lines);
  if (!data) return null;
  return {
    key: data.key,
    contactId: data.contact,
    result: data.result,
    rootCauses: data.rootCauses,
    loggedBy: data.loggedBy,
    note: lines.find((l, i) => i > 0 && i < lines.length - 1 && l.startsWith('Note: '))?.slice('Note: '.length) ?? null,
  };
}

/**
 * A note written before the data line (its lines: marker, result, causes?, note?, next step?, thanked, logged by?,
 * "Contact: id · key K"), read strictly from its ends: the lines after "Thanked" and before the note text are ours.
 */
function legacyNoteFields(lines: string[]): LoopNoteFields | null {
  if (lines[0] !== NOTE_MARKER) return null;
  const last = /^Contact: (\w+) · key ([A-Za-z0-9-]{16,64})$/.exec(lines.at(-1) ?? '');
  if (!last) return null;
  const thankedAt = lines.at(-2)?.startsWith('Thanked: ') ? -2 : lines.at(-3)?.startsWith('Thanked: ') && lines.at(-2)?.startsWith('Logged by: ') ? -3 : null;
  if (thankedAt === null) return null;
  const slug = /\[([a-z-]+)\]$/.exec(lines[1]?.startsWith('Result: ') ? lines[1] : '')?.[1] ?? null;
  const causes = lines[2]?.startsWith('Root causes: ') ? lines[2].slice('Root causes: '.length) : '';
  const noteAt = causes ? 3 : 2;
  return {
    key: last[2]!,
    contactId: last[1]!,
    result: slug && slug in ANSWER_VALUES ? (slug as LoopRecord['result']) : null,
    rootCauses: causes.split(';').map((c) => c.trim()).filter(Boolean),
    loggedBy: thankedAt === -3 ? lines.at(-2)!.slice('Logged by: '.length) : null,
    note: lines[noteAt]?.startsWith('Note: ') && noteAt < lines.length + thankedAt ? lines[noteAt].slice('Note: '.length) : null,
  };
}

export function loopNoteFields(n: HsObject): LoopNoteFields | null {
  const lines = noteLines(n);
  const fields = currentNoteFields(lines) ?? legacyNoteFields(lines);
  // Only a note carrying our key is a loop; where the key property holds one, the body must agree with it.
  const property = n.properties[KEY_PROPERTY];
  if (!fields || (property && property !== fields.key)) return null;
  return fields;
}

/** The outcome key a note carries (key property or data line), for the look-up before a write. */
function loopNoteKey(n: HsObject): string | null {
  return n.properties[KEY_PROPERTY] || loopNoteFields(n)?.key || null;
}


/** HUBSPOT_DEFINED association type note→contact (hubspot-api-nodejs AssociationTypes). */
const NOTE_TO_CONTACT = 202;

/**
 * Each outcome becomes ONE note, whatever HubSpot answers (see each step for how):
 * - Look-up first for an outcome that may have reached HubSpot before (mayHaveReachedCrm): by its key property
 *   (batch read by idProperty — by id, so no search-index lag), or in a portal without the property by the notes
 *   linked to its contact (associations and a batch read, also by id) whose data line carries the key. A note
 *   found is adopted; its links and ticket are read and only what is missing is sent.
 * - With the key property (unique values) a note is written with batch/upsert on it: idempotent by construction,
 *   so the HTTP layer may send it again after a 5xx. Without it, notes are created (batch create, linked to their
 *   contact inline); a create that met a 5xx, a timeout or a dropped connection is looked up by contact the same
 *   way before anything is sent again, and only the notes not found are created, once more at most.
 * - Links (contact, company, ticket) use the v4 default-association batch: setting a link twice leaves one link.
 * - A ticket to close is read first and updated only when it is not closed yet.
 * A 207 multi-status settles each outcome by its own result: one missing from the results fails alone, and is
 * looked up again on its next attempt.
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
  const pending = () => outcomes.filter((o) => !failures.has(o.idempotencyKey));
  // Requests are what the rate limit counts, so every step goes in the largest batches HubSpot takes:
  // notes and reads 100 per call, default associations 1,000 per call (1,000 new outcomes ≈ 23 requests).
  const noteIds = new Map<string, string>();
  /** Notes this write found in HubSpot (a repeat): their links are read, not assumed. */
  const found = new Set<string>();
  /** Notes created here with their contact link inline. */
  const linkedToContact = new Set<string>();
  for (const group of chunks(pending().filter(mayHaveReachedCrm), BATCH_MAX)) {
    await attempt(group, async () => {
      for (const [key, id] of await findNotes(hubspot, group)) {
        noteIds.set(key, id);
        found.add(key);
      }
    });
  }
  for (const group of chunks(pending().filter((o) => !noteIds.has(o.idempotencyKey)), BATCH_MAX)) {
    await attempt(group, async () => {
      const saved = await saveNotes(hubspot, group);
      for (const [key, id] of saved.ids) noteIds.set(key, id);
      for (const key of saved.linkedToContact) linkedToContact.add(key);
      if (saved.unconfirmed) for (const o of group) if (!saved.ids.has(o.idempotencyKey)) failures.set(o.idempotencyKey, saved.unconfirmed);
    });
  }
  const written = () => pending().filter((o) => noteIds.has(o.idempotencyKey));
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
  // A note found again may already have its links: read them (by id) and send only the missing ones.
  const existingLinks = new Map<string, Map<string, string[]>>();
  const repeated = () => written().filter((o) => found.has(o.idempotencyKey));
  const foundIds = repeated().map((o) => noteIds.get(o.idempotencyKey)!);
  if (foundIds.length > 0) {
    await Promise.all(
      (['contacts', 'companies', 'tickets'] as const).map((toType) =>
        attempt(repeated(), async () => {
          existingLinks.set(toType, await associated(apis, 'notes', toType, foundIds));
        }),
      ),
    );
  }
  const links = (toType: 'contacts' | 'companies' | 'tickets', to: (o: Outcome) => string | null | undefined) =>
    written().flatMap((o) => {
      const toId = to(o);
      const noteId = noteIds.get(o.idempotencyKey)!;
      if (!toId || (existingLinks.get(toType)?.get(noteId) ?? []).includes(toId)) return [];
      if (toType === 'contacts' && linkedToContact.has(o.idempotencyKey)) return [];
      return [{ outcome: o, link: { _from: { id: noteId }, to: { id: toId } } }];
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
  // Every outcome on a follow-up records its timing there; root causes and steps where it has any.
  const marking = written().filter((o) => o.followUpId);
  await Promise.all([
    ...chunks(marking, BATCH_MAX).map((part) => attempt(part, () => markTickets(hubspot, part))),
    associate('contacts', links('contacts', (o) => o.contactId)),
    associate('companies', links('companies', (o) => companyOf.get(o.contactId))),
    associate('tickets', links('tickets', (o) => o.followUpId)),
    ...chunks(closing, BATCH_MAX).map((part) => attempt(part, () => closeTickets(hubspot, part.map((o) => o.followUpId!), settings))),
  ]);
  return outcomes.map((o) => {
    const error = failures.get(o.idempotencyKey);
    const id = noteIds.get(o.idempotencyKey);
    if (error || !id) {
      return { idempotencyKey: o.idempotencyKey, ok: false, error: error ?? new CrmError('malformed', 'HubSpot did not return the note it saved.') };
    }
    // A failed link or ticket close fails the outcome, so it is sent again: the look-up finds the same note.
    return { idempotencyKey: o.idempotencyKey, ok: true, crmRecordId: id, crmRecordUrl: appRecordUrl(portal, 'contact', o.contactId) };
  });
}

/** idempotencyKey → note id, for the outcomes whose note HubSpot already holds. */
async function findNotes(hubspot: HubSpotPortal, group: Outcome[]): Promise<Map<string, string>> {
  if (!hubspot.withoutKeyProperty.has('notes')) {
    try {
      // By id on the unique key property: a 207 lists the keys it did not find as errors, which is not-found here.
      const res = await call(hsBatchSchema, 'looking up the outcome notes', () =>
        hubspot.apis.batch.read('notes', { inputs: group.map((o) => ({ id: o.idempotencyKey })), idProperty: KEY_PROPERTY, properties: [KEY_PROPERTY], propertiesWithHistory: [] }),
      );
      // A note an earlier attempt wrote before the admin added the property carries the key only in its data line;
      // finding it would mean reading every note of each contact on every retry (after a 429 most of all), so such a
      // note is not looked for: adding the property while outcomes are failing can write one of them twice.
      return new Map(res.results.map((r) => [r.properties[KEY_PROPERTY] ?? '', r.id]));
    } catch (e) {
      if (!hubspot.lacksKeyProperty('notes', e)) throw e;
    }
  }
  return findNotesByContact(hubspot.apis, group);
}

/**
 * A portal without the key property: the notes linked to each outcome's contact, newest first, whose data line
 * carries the outcome's key. Links and batch reads go by id, so a note committed a moment ago is found — search
 * would not show it for seconds (its index lag), and a miss there would create a second note.
 */
async function findNotesByContact(apis: HubSpotApis, group: Outcome[]): Promise<Map<string, string>> {
  const wanted = new Set(group.map((o) => o.idempotencyKey));
  const linked = await allLinked(apis, 'contacts', 'notes', [...new Set(group.map((o) => o.contactId))]);
  const candidates = [...new Set([...linked.values()].flat())].sort((a, b) => Number(b) - Number(a));
  const out = new Map<string, string>();
  for (const ids of chunks(candidates, BATCH_MAX)) {
    for (const n of await batchRead(apis, 'notes', ids, ['hs_note_body'])) {
      const key = loopNoteKey(n);
      if (key && wanted.has(key) && !out.has(key)) out.set(key, n.id);
    }
    if (out.size === wanted.size) break;
  }
  return out;
}

/** Writes the notes of outcomes HubSpot does not hold yet; idempotencyKey → note id. */
interface SavedNotes {
  ids: Map<string, string>;
  linkedToContact: string[];
  /** Why the notes not in `ids` are not written yet: a create HubSpot did not confirm and may still be making. */
  unconfirmed?: CrmError;
}

async function saveNotes(hubspot: HubSpotPortal, group: Outcome[]): Promise<SavedNotes> {
  if (!hubspot.withoutKeyProperty.has('notes')) {
    const inputs = group.map((o) => ({ idProperty: KEY_PROPERTY, id: o.idempotencyKey, properties: { ...noteProperties(o), [KEY_PROPERTY]: o.idempotencyKey } }));
    try {
      const res = await call(hsUpsertBatchSchema, 'saving the outcome notes', () => hubspot.apis.batch.upsert('notes', { inputs }));
      return { ids: new Map(res.results.map((r) => [r.properties[KEY_PROPERTY] ?? '', r.id])), linkedToContact: [] };
    } catch (e) {
      if (!hubspot.lacksKeyProperty('notes', e)) throw e;
    }
  }
  return createNotes(hubspot.apis, group);
}

/**
 * Without the key property: look the notes up by contact first, then one batch create of the rest, each note linked
 * to its contact inline (so the look-up finds it however the create ended). A create that may have committed is
 * looked up again; after HubSpot's own 500 or 503 the rest is sent once more, while after a timeout, a cut connection
 * or a gateway's 502/504 the first create may still be running, so the rest waits to be looked up again
 * (unconfirmedCreate).
 */
async function createNotes(apis: HubSpotApis, group: Outcome[]): Promise<SavedNotes> {
  const create = async (part: Outcome[]) => {
    const inputs = part.map((o) => ({
      properties: noteProperties(o),
      associations: [{ to: { id: o.contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_CONTACT }] }],
    }));
    const res = await call(hsBatchSchema, 'saving the outcome notes', () =>
      apis.batch.create('notes', { inputs } as unknown as Parameters<HubSpotApis['batch']['create']>[1]),
    );
    // Each note is matched to its outcome by the key its own data line carries, not by its place in the answer:
    // a multi-status answer leaves out the inputs HubSpot refused.
    const keys = new Set(part.map((o) => o.idempotencyKey));
    return new Map(
      res.results.flatMap((note) => {
        const key = loopNoteFields(note)?.key;
        return key && keys.has(key) ? [[key, note.id] as const] : [];
      }),
    );
  };
  // Without a unique key nothing stops a second create, so the look-up (by id, no lag) comes first every time.
  const ids = await findNotesByContact(apis, group);
  const missing = () => group.filter((o) => !ids.has(o.idempotencyKey));
  try {
    if (missing().length > 0) for (const [key, id] of await create(missing())) ids.set(key, id);
  } catch (e) {
    if (!mayHaveCommitted(e)) throw e;
    for (const [key, id] of await findNotesByContact(apis, missing())) ids.set(key, id);
    if (missing().length > 0 && mayStillBeRunning(e)) return { ids, linkedToContact: [...ids.keys()], unconfirmed: unconfirmedCreate(e, 'HubSpot') };
    if (missing().length > 0) for (const [key, id] of await create(missing())) ids.set(key, id);
  }
  return { ids, linkedToContact: [...ids.keys()] };
}

/**
 * The loop's data on the follow-up ticket: the outcome's root causes and loop steps added to its multi-checkbox
 * properties (integrations/hubspot/insights.ts counts them), and its timing — first contact, hours from the answer to
 * it, closed within the SLA or late (the worklist's numbers count and sort them). The ticket is read first and updated
 * only with what it lacks, so sending it again changes nothing; a value a property has no option for is left out (the
 * options page names it), and a portal without the properties gets the note alone. A follow-up that is a task has no
 * such fields.
 */
async function markTickets(portal: HubSpotPortal, outcomes: Outcome[]): Promise<void> {
  const fields = await readLoopFields(portal);
  const timed = fields.firstContactAt || fields.firstContactHours || fields.sla !== null;
  if (!fields.causes && !fields.steps && !timed) return;
  const wanted = new Map<string, { causes: Set<string>; steps: Set<string>; timings: LoopTiming[] }>();
  for (const o of outcomes) {
    const entry = wanted.get(o.followUpId!) ?? { causes: new Set<string>(), steps: new Set<string>(), timings: [] };
    for (const c of o.rootCauses) if (fields.causes?.includes(c)) entry.causes.add(c);
    for (const st of loopSteps(o)) if (fields.steps?.includes(st)) entry.steps.add(st);
    entry.timings.push(outcomeTiming(o));
    wanted.set(o.followUpId!, entry);
  }
  const names = [
    fields.causes ? CAUSES_PROPERTY : null,
    fields.steps ? STEPS_PROPERTY : null,
    fields.firstContactAt ? FIRST_CONTACT_AT_PROPERTY : null,
    fields.firstContactHours ? FIRST_CONTACT_HOURS_PROPERTY : null,
    fields.sla ? SLA_PROPERTY : null,
  ].filter((n): n is string => n !== null);
  const tickets = await batchRead(portal.apis, 'tickets', [...wanted.keys()], names);
  const split = (value: string | null | undefined) => (value ?? '').split(';').filter(Boolean);
  const updates = tickets.flatMap((t) => {
    const want = wanted.get(t.id)!;
    const properties: Record<string, string> = {};
    for (const [name, add] of [[CAUSES_PROPERTY, want.causes], [STEPS_PROPERTY, want.steps]] as const) {
      if (!names.includes(name)) continue;
      const held = split(t.properties[name]);
      const missing = [...add].filter((v) => !held.includes(v));
      if (missing.length > 0) properties[name] = [...held, ...missing].join(';');
    }
    if (timed) {
      const p = t.properties;
      const hours = p[FIRST_CONTACT_HOURS_PROPERTY];
      const update = timingUpdate(
        {
          firstContactAt: fields.firstContactAt ? toEpochMs(p[FIRST_CONTACT_AT_PROPERTY]) : null,
          firstContactHours: hours != null && hours !== '' && Number.isFinite(Number(hours)) ? Number(hours) : null,
          sla: p[SLA_PROPERTY] || null,
        },
        combineTimings(want.timings),
      );
      if (fields.firstContactAt && update.firstContactAt !== undefined) properties[FIRST_CONTACT_AT_PROPERTY] = new Date(update.firstContactAt).toISOString();
      if (fields.firstContactHours && update.firstContactHours != null) properties[FIRST_CONTACT_HOURS_PROPERTY] = String(update.firstContactHours);
      if (update.sla && fields.sla?.includes(update.sla)) properties[SLA_PROPERTY] = update.sla;
    }
    return Object.keys(properties).length > 0 ? [{ id: t.id, properties }] : [];
  });
  if (updates.length === 0) return;
  await call(hsBatchSchema, 'recording the loop on the follow-up tickets', () => portal.apis.batch.update('tickets', { inputs: updates }));
}

/** Moves the tickets to the closed stage, reading them first: one already closed is left as it is. */
async function closeTickets(portal: HubSpotPortal, ticketIds: string[], settings: Settings): Promise<void> {
  if (ticketIds.length === 0) return;
  const stageId = settings.hubspot.closedStageId ?? (await firstClosedStage(portal, settings));
  if (!stageId) throw new CrmError('config', 'No closed stage is known for the follow-up pipeline; choose one in the Loyalty Lens options.');
  const { pipelines } = await portal.directory();
  const closed = closedStageIds(pipelines).add(stageId);
  const open = (await batchRead(portal.apis, 'tickets', [...new Set(ticketIds)], ['hs_pipeline_stage'])).filter((t) => !closed.has(t.properties.hs_pipeline_stage ?? ''));
  if (open.length === 0) return;
  await call(hsBatchSchema, 'closing the follow-up tickets', () =>
    portal.apis.batch.update('tickets', { inputs: open.map((t) => ({ id: t.id, properties: { hs_pipeline_stage: stageId } })) }),
  );
}

async function firstClosedStage(portal: HubSpotPortal, settings: Settings): Promise<string | null> {
  const { pipelines } = await portal.directory();
  return firstStage(followUpPipeline(settings, pipelines), true);
}
