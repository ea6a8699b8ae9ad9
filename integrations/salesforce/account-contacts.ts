import { z } from 'zod';
import { CRM_CONTACT_PAGE, type AccountContactsPage, type ContactListQuery, type ListedContact } from '../../core/account-contacts';
import type { Settings } from '../../core/settings';
import { CrmError } from '../crm';
import { readCursor } from '../list-cursor';
import { ok, parseWith, type Meter, type SubQuery } from './client';
import type { SalesforceOrg } from './connection';
import { listFilterOf } from './account-counts';
import type { ErrorContext } from './errors';
import { toContact } from './record-context';
import { queryResultSchema, sfContactSchema } from './schema';
import * as soql from './soql';

// A big account's contact list, listed by SOQL on the latest-NPS contact field an admin's Flow keeps
// (soql.LAST_NPS_FIELD): ORDER BY it ascending, no answer last, then Id; a segment is a range of it, a name a LIKE.
// The first page and its COUNT() go in one composite request; later pages are one query each, by OFFSET up to
// Salesforce's 2,000 and after the last row read (keyset on the score and Id) beyond. An org without the field
// cannot list by it: the panel then sorts the contacts it has read, and says so.

const KEEP_FOR_MS = 60_000;

const listedRowSchema = sfContactSchema.extend({ [soql.LAST_NPS_FIELD]: z.number().nullable().optional() });
type ListedRow = z.infer<typeof listedRowSchema>;

/** Where the next page starts: its offset, the last row read (score and Id), and the list's total. */
const cursorSchema = z.strictObject({
  o: z.number().int().min(0).max(1_000_000),
  s: z.number().int().min(0).max(10).nullable(),
  i: z.string().regex(/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/),
  t: z.number().int().nonnegative(),
});
type Cursor = z.infer<typeof cursorSchema>;

/** The list's first pages the account's own view read (account-counts.ts), and every page asked for since. */
export class ContactListShare {
  private readonly pages = new Map<string, { at: number; page: AccountContactsPage }>();
  constructor(private readonly now: () => number) {}

  static key(accountId: string, query: ContactListQuery, cursor: string | null): string {
    return JSON.stringify([accountId, query.segment, query.search.trim(), cursor]);
  }

  get(key: string): AccountContactsPage | null {
    const kept = this.pages.get(key);
    return kept && this.now() - kept.at < KEEP_FOR_MS ? kept.page : null;
  }

  put(key: string, page: AccountContactsPage): void {
    for (const [k, kept] of this.pages) if (this.now() - kept.at >= KEEP_FOR_MS) this.pages.delete(k);
    this.pages.set(key, { at: this.now(), page });
  }
}

/** A page from the rows a query read: each contact with its latest score, and where the next page starts. */
export function pageOf(org: SalesforceOrg, rows: unknown[], total: number, offset: number): AccountContactsPage {
  const parsed = parseWith(z.array(listedRowSchema), rows, 'the account’s contacts');
  const listed: ListedContact[] = parsed.map((row: ListedRow) => {
    const raw = row[soql.LAST_NPS_FIELD];
    const score = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 10 ? raw : null;
    return { contact: toContact(org, row), score, answeredAt: null };
  });
  const read = offset + listed.length;
  const last = parsed.at(-1);
  const more = read < total && listed.length > 0 && last !== undefined;
  return {
    status: 'listed',
    rows: listed,
    total,
    cursor: more ? JSON.stringify({ o: read, s: listed.at(-1)!.score, i: last.Id, t: total } satisfies Cursor) : null,
  };
}

export async function listAccountContacts(
  org: SalesforceOrg,
  share: ContactListShare,
  account: { instance: string; id: string },
  query: ContactListQuery,
  cursorText: string | null,
  settings: Settings,
): Promise<AccountContactsPage> {
  org.checkInstance(account.instance);
  if (!org.lastNpsField) return { status: 'unavailable' };
  const key = ContactListShare.key(account.id, query, cursorText);
  const kept = share.get(key);
  if (kept) return kept;
  const cursor = readCursor(cursorSchema, cursorText);
  const meter: Meter = { requests: 0 };
  const ctx: ErrorContext = { mapping: settings.salesforce };
  const filter = listFilterOf(query);
  try {
    let page: AccountContactsPage;
    if (!cursor) {
      const queries: SubQuery[] = [
        { referenceId: 'page', soql: soql.contactListQuery(account.id, filter, CRM_CONTACT_PAGE, 0) },
        { referenceId: 'count', soql: soql.contactListCountQuery(account.id, filter) },
      ];
      const results = await org.api.composite(queries, meter, ctx);
      const rows = parseWith(queryResultSchema(z.unknown()), ok(results.get('page'), 'contact list'), 'the account’s contacts').records;
      const total = parseWith(queryResultSchema(z.unknown()), ok(results.get('count'), 'contact count'), 'the contact count').totalSize;
      page = pageOf(org, rows, total, 0);
    } else {
      // Beyond OFFSET's reach, the next page starts after the last row read.
      const text =
        cursor.o <= soql.MAX_OFFSET
          ? soql.contactListQuery(account.id, filter, CRM_CONTACT_PAGE, cursor.o)
          : soql.contactListQuery(account.id, { ...filter, after: { score: cursor.s, id: cursor.i } }, CRM_CONTACT_PAGE, 0);
      const body = await org.api.query(text, meter, ctx);
      page = pageOf(org, parseWith(queryResultSchema(z.unknown()), body, 'the account’s contacts').records, cursor.t, cursor.o);
    }
    share.put(key, page);
    return page;
  } catch (error) {
    // The org lacks the latest-NPS field: learn it once, and list as before.
    if (error instanceof CrmError && error.details.crmCode === 'INVALID_FIELD' && error.message.includes(soql.LAST_NPS_FIELD)) {
      org.lastNpsField = false;
      return { status: 'unavailable' };
    }
    throw error;
  }
}
