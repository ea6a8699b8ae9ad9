import { z } from 'zod';
import { CRM_CONTACT_PAGE, SEGMENT_RANGES, type AccountContactsPage, type ContactListQuery, type ListedContact } from '../../core/account-contacts';
import { rowKey } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { readCursor } from '../list-cursor';
import { latestAnswerProperties, listedContactProperties, segmentFilters } from './account-counts';
import type { HubSpotPortal } from './connection';
import { appRecordUrl } from './paths';
import { search } from './requests';
import { nameOf, toEpochMs, type HsObject, type HsSearchPage } from './schema';

// A large company's contact list, listed by HubSpot's search: the segments in the list's order — detractors (0–6,
// lowest score first, so 0–3 come before 4–6), passives, promoters, then no answer (NOT_HAS_PROPERTY) — each one
// search of the company's contacts by the latest-rating property, with HubSpot's `query` for a name. "All" walks the
// segments one after another. HubSpot pages a search by offset (`after`) up to 10,000 results a query, and searches
// are paced by the transport (five a second).

/** HubSpot answers at most this many results of one search query. */
const SEARCH_RESULT_CAP = 10_000;
/** How long a page read stays good for the same question: a rep paging or switching chips, not a stale list. */
const KEEP_FOR_MS = 60_000;

/** Where the next page starts: the segment (index in SEGMENT_RANGES), the offset in it, and the list's total. */
const cursorSchema = z.strictObject({ b: z.number().int().min(0).max(SEGMENT_RANGES.length - 1), o: z.number().int().min(0).max(SEARCH_RESULT_CAP), t: z.number().int().nonnegative() });

interface SegmentPage {
  rows: HsObject[];
  total: number;
}

/**
 * The pages of large companies' lists read lately: the first page of each scored segment, which the company's counts
 * brought (account-counts.ts), and every page asked for since, by company, question and place.
 */
export class ContactListShare {
  private readonly seeds = new Map<string, { at: number; contactTotal: number; pages: Map<number, SegmentPage> }>();
  private readonly pages = new Map<string, { at: number; page: AccountContactsPage }>();
  constructor(private readonly now: () => number) {}

  seed(companyId: string, contactTotal: number, firstPages: Map<number, HsSearchPage>): void {
    const pages = new Map<number, SegmentPage>();
    for (const [index, page] of firstPages) pages.set(index, { rows: page.results, total: page.total });
    this.seeds.set(companyId, { at: this.now(), contactTotal, pages });
  }

  seeded(companyId: string): { contactTotal: number; pages: Map<number, SegmentPage> } | null {
    const seed = this.seeds.get(companyId);
    return seed && this.now() - seed.at < KEEP_FOR_MS ? seed : null;
  }

  get(key: string): AccountContactsPage | null {
    const kept = this.pages.get(key);
    return kept && this.now() - kept.at < KEEP_FOR_MS ? kept.page : null;
  }

  put(key: string, page: AccountContactsPage): void {
    for (const [k, kept] of this.pages) if (this.now() - kept.at >= KEEP_FOR_MS) this.pages.delete(k);
    this.pages.set(key, { at: this.now(), page });
  }

  clear(): void {
    this.seeds.clear();
    this.pages.clear();
  }
}

function scoreOf(value: string | null | undefined): number | null {
  return value != null && /^\d{1,2}$/.test(value) && Number(value) <= 10 ? Number(value) : null;
}

export async function listAccountContacts(
  hubspot: HubSpotPortal,
  share: ContactListShare,
  account: { instance: string; id: string },
  query: ContactListQuery,
  cursorText: string | null,
  settings: Settings,
): Promise<AccountContactsPage> {
  const key = JSON.stringify([account.id, query.segment, query.search, cursorText]);
  const kept = share.get(key);
  if (kept) return kept;
  const directory = await hubspot.checkedDirectory(account.instance);
  const portal = directory.portalId;
  const { score: scoreProperty, date: dateProperty } = latestAnswerProperties(settings);
  const properties = listedContactProperties(settings);
  const text = query.search.trim();
  const seed = text === '' ? share.seeded(account.id) : null;
  const only = query.segment === null ? null : SEGMENT_RANGES.findIndex((r) => r.segment === query.segment);

  /** Up to `limit` contacts of one segment from `offset`, and how many the segment holds. */
  const segmentPage = async (index: number, offset: number, limit: number): Promise<SegmentPage> => {
    const first = seed?.pages.get(index);
    if (first && (offset + limit <= first.rows.length || first.rows.length >= first.total)) {
      return { rows: first.rows.slice(offset, offset + limit), total: first.total };
    }
    // HubSpot answers no result past the 10,000th of a query (a 400): a segment that large ends there.
    const room = Math.min(limit, SEARCH_RESULT_CAP - offset);
    if (room <= 0) return { rows: [], total: first?.total ?? SEARCH_RESULT_CAP };
    const range = SEGMENT_RANGES[index]!.range;
    const page = await search(
      hubspot.apis,
      'contacts',
      [segmentFilters(account.id, scoreProperty, range)],
      properties,
      range ? [scoreProperty] : [],
      room,
      offset > 0 ? String(offset) : undefined,
      text || undefined,
    );
    return { rows: page.results, total: page.total };
  };

  let cursor = readCursor(cursorSchema, cursorText);
  const rows: HsObject[] = [];
  if (!cursor) {
    if (only !== null) {
      const first = await segmentPage(only, 0, CRM_CONTACT_PAGE);
      rows.push(...first.rows);
      cursor = { b: only, o: first.rows.length, t: first.total };
      if (first.rows.length >= Math.min(first.total, SEARCH_RESULT_CAP)) cursor = null;
      return finish(first.total);
    }
    if (seed) {
      cursor = { b: 0, o: 0, t: seed.contactTotal };
    } else {
      // "All" without the counts at hand: every segment's first page at once, whose totals add up to the list's.
      const firsts = await Promise.all(SEGMENT_RANGES.map((_, index) => segmentPage(index, 0, CRM_CONTACT_PAGE)));
      const total = firsts.reduce((sum, p) => sum + p.total, 0);
      let b = 0;
      let o = 0;
      for (const [index, page] of firsts.entries()) {
        b = index;
        o = 0;
        for (const row of page.rows) {
          if (rows.length === CRM_CONTACT_PAGE) break;
          rows.push(row);
          o += 1;
        }
        if (rows.length === CRM_CONTACT_PAGE) break;
      }
      const segmentDone = o >= Math.min(firsts[b]!.total, SEARCH_RESULT_CAP);
      cursor = segmentDone ? (b + 1 < SEGMENT_RANGES.length ? { b: b + 1, o: 0, t: total } : null) : { b, o, t: total };
      return finish(total);
    }
  }
  // Walk from the cursor: within its segment for a chip, on into the next segments for "All".
  const last = only ?? SEGMENT_RANGES.length - 1;
  const total = cursor.t;
  let { b, o } = cursor;
  while (rows.length < CRM_CONTACT_PAGE && b <= last) {
    const page = await segmentPage(b, o, CRM_CONTACT_PAGE - rows.length);
    rows.push(...page.rows);
    o += page.rows.length;
    if (o >= Math.min(page.total, SEARCH_RESULT_CAP) || page.rows.length === 0) {
      b += 1;
      o = 0;
    }
  }
  cursor = b <= last ? { b, o, t: total } : null;
  return finish(total);

  function finish(total: number): AccountContactsPage {
    const page: AccountContactsPage = {
      status: 'listed',
      rows: rows.map((c) => listed(c)),
      total,
      cursor: cursor ? JSON.stringify(cursor) : null,
    };
    share.put(key, page);
    return page;
  }

  function listed(c: HsObject): ListedContact {
    const ownerId = c.properties.hubspot_owner_id;
    const answeredAt = toEpochMs(c.properties[dateProperty]);
    const score = scoreOf(c.properties[scoreProperty]);
    return {
      contact: {
        key: rowKey('hubspot', portal, c.id),
        crm: 'hubspot',
        instance: portal,
        id: c.id,
        accountKey: rowKey('hubspot', portal, account.id),
        kind: 'contact',
        name: nameOf(c.properties),
        email: c.properties.email || null,
        title: c.properties.jobtitle || null,
        ownerName: ownerId ? (directory.owners?.get(ownerId) ?? null) : null,
        role: c.properties.hs_buying_role || null,
        lastSurveyedAt: answeredAt,
        url: appRecordUrl(portal, 'contact', c.id),
      },
      score,
      answeredAt: score === null ? null : answeredAt,
    };
  }
}
