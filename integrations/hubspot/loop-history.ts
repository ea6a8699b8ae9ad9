import { rowKey, type LoopRecord, type RecordRef } from '../../core/schema';
import { chunks } from '../batches';
import { rootCausesOf } from '../loop-text';
import type { HubSpotPortal } from './connection';
import { ANSWER_VALUES, NOTE_MARKER } from './outcomes';
import { appRecordUrl } from './paths';
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
        // No filter on the key property: a portal without it finds its loop notes by their first line.
        search(apis, 'notes', group.map((id) => [eq('associations.contact', id)]), [...LOOP_NOTE_PROPERTIES], ['-hs_timestamp']),
      ),
    );
    notes = pages.flatMap((p) => p.results);
  }
  const loops = new Map(notes.filter(isLoopNote).map((n) => [n.id, n]));
  return [...loops.values()].map((n) => parseLoopNote(n, portal, owners)).sort((a, b) => b.loggedAt - a.loggedAt);
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Ours carry the key property or, in a portal without it, the marker line first in the body. */
function isLoopNote(n: HsObject): boolean {
  return Boolean(n.properties[KEY_PROPERTY]) || (n.properties.hs_note_body ?? '').startsWith(NOTE_MARKER);
}

export function parseLoopNote(n: HsObject, portal: string, owners: Map<string, string> | null): LoopRecord {
  const lines = unescapeHtml((n.properties.hs_note_body ?? '').replace(/<br\s*\/?>/gi, '\n')).split('\n');
  const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? null;
  const resultSlug = /\[([a-z-]+)\]$/.exec(field('Result') ?? '')?.[1] ?? null;
  const result = resultSlug && resultSlug in ANSWER_VALUES ? (resultSlug as LoopRecord['result']) : null;
  const contactId = /^(\w+)/.exec(field('Contact') ?? '')?.[1] ?? '';
  const ownerId = n.properties.hubspot_owner_id;
  return {
    key: rowKey('hubspot', portal, n.id),
    crm: 'hubspot',
    instance: portal,
    id: n.id,
    contactKey: rowKey('hubspot', portal, contactId),
    idempotencyKey: n.properties[KEY_PROPERTY] || null,
    loggedAt: toEpochMs(n.properties.hs_timestamp) ?? n.createdAt ?? 0,
    loggedBy: field('Logged by') ?? (ownerId ? (owners?.get(ownerId) ?? null) : null),
    result,
    rootCauses: rootCausesOf(field('Root causes')),
    summary: field('Note') ?? field('Result') ?? '',
    url: contactId ? appRecordUrl(portal, 'contact', contactId) : null,
  };
}
