import type { Contact, Segment, SurveyResponse } from './schema';

// The account's contact list: who needs a word first, one segment at a time, found by name. Pure, so the
// background's live query and the panel share it without the database code.

export interface ContactRow {
  contact: Contact;
  latestNps: SurveyResponse | null;
  segment: Segment | null;
  latestAt: number | null;
  /** A promoter worth inviting to give a reference, a review or join the community. */
  invite: boolean;
}

/** A contact's place in the list: the segment of its latest NPS answer, or none. */
export type ContactSegment = Segment | 'none';

/** What the account's contact list shows: one segment (or all) and the contacts whose name holds `search`. */
export interface ContactFilter {
  segment: ContactSegment | null;
  search: string;
}

export const NO_CONTACT_FILTER: ContactFilter = { segment: null, search: '' };

/** Rank in the list: detractors 0–3, detractors 4–6, passives, promoters, no answer. */
function contactRank(row: ContactRow): number {
  if (!row.latestNps || !row.segment) return 4;
  if (row.segment === 'detractor') return row.latestNps.score <= 3 ? 0 : 1;
  return row.segment === 'passive' ? 2 : 3;
}

/** Those who need a word first; within a rank the newest answer first, then by name. */
export function sortContactRows(rows: ContactRow[]): ContactRow[] {
  return [...rows].sort(
    (a, b) => contactRank(a) - contactRank(b) || (b.latestAt ?? -Infinity) - (a.latestAt ?? -Infinity) || a.contact.name.localeCompare(b.contact.name),
  );
}

/** The rows of one segment (or all) whose name or title holds the search text, case- and accent-insensitively. */
export function filterContactRows(rows: ContactRow[], filter: ContactFilter): ContactRow[] {
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const needle = fold(filter.search.trim());
  return rows.filter(
    (row) =>
      (filter.segment === null || (row.segment ?? 'none') === filter.segment) &&
      (needle === '' || fold(row.contact.name).includes(needle) || (row.contact.email !== null && fold(row.contact.email).includes(needle))),
  );
}

