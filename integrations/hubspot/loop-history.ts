import { rowKey, type LoopRecord, type RecordRef } from '../../core/schema';
import type { HubSpotPortal } from './connection';
import { loopNoteFields } from './outcomes';
import { appRecordUrl } from './paths';
import { chunks } from '../batches';
import { associated, batchRead, eq, MAX_FILTER_GROUPS, search } from './requests';
import { KEY_PROPERTY, toEpochMs, type HsObject } from './schema';

// The team's close-the-loop history on HubSpot: the notes outcomes.ts writes, read back as loops. A record view
// leaves them out (they would cost it another request); the panel asks for them.

const LOOP_NOTE_PROPERTIES = ['hs_note_body', 'hs_timestamp', 'hubspot_owner_id', KEY_PROPERTY] as const;

/**
 * The focus contacts' close-the-loop notes, newest first: one search (per five contacts), or, for a while after a
 * write of ours, their links and a batch read, which see a note just written. The search reads one page, the 200
 * newest notes, which holds the loops a view lists unless a contact has had hundreds of other notes since.
 */
export async function loadLoopHistory(hubspot: HubSpotPortal, ref: RecordRef, contactIds: string[]): Promise<LoopRecord[]> {
  const { apis } = hubspot;
  const { portalId: portal, owners } = await hubspot.checkedDirectory(ref.instance);
  let notes: HsObject[];
  if (hubspot.readsById()) {
    const links = await associated(apis, 'contacts', 'notes', contactIds);
    const ids = [...new Set([...links.values()].flat())];
    notes = ids.length ? await batchRead(apis, 'notes', ids, [...LOOP_NOTE_PROPERTIES]) : [];
  } else {
    const pages = await Promise.all(
      chunks(contactIds, MAX_FILTER_GROUPS).map((group) =>
        // No filter on the key property: a portal without it finds its loop notes by their data line.
        search(apis, 'notes', group.map((id) => [eq('associations.contact', id)]), [...LOOP_NOTE_PROPERTIES], ['-hs_timestamp']),
      ),
    );
    notes = pages.flatMap((p) => p.results);
  }
  const loops = new Map(
    notes.flatMap((n) => {
      const loop = readLoopNote(n, portal, owners);
      return loop ? [[n.id, loop] as const] : [];
    }),
  );
  return [...loops.values()].sort((a, b) => b.loggedAt - a.loggedAt);
}

/** A close-the-loop note as the panel lists it, or null when the note is not one of ours (outcomes.ts reads it). */
export function readLoopNote(n: HsObject, portal: string, owners: Map<string, string> | null): LoopRecord | null {
  const fields = loopNoteFields(n);
  if (!fields) return null;
  const ownerId = n.properties.hubspot_owner_id;
  return {
    key: rowKey('hubspot', portal, n.id),
    crm: 'hubspot',
    instance: portal,
    id: n.id,
    contactKey: rowKey('hubspot', portal, fields.contactId),
    idempotencyKey: fields.key,
    loggedAt: toEpochMs(n.properties.hs_timestamp) ?? n.createdAt ?? 0,
    loggedBy: fields.loggedBy ?? (ownerId ? (owners?.get(ownerId) ?? null) : null),
    result: fields.result,
    rootCauses: fields.rootCauses,
    // The result is its own field, said in the panel's language; the summary is what the person wrote.
    summary: fields.note ?? '',
    url: appRecordUrl(portal, 'contact', fields.contactId),
  };
}
