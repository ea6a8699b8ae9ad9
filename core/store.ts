import { Dexie, type Table } from 'dexie';
import type { CachedInsights, KeptInsightsMonth, LoyaltyLensDb, RecordView } from './db';
import { refKey, type FollowUp, type LoopRecord, type RecordContext, type RecordRef } from './schema';

// Multi-table writes live here, each in one transaction, so the panel never sees half a refresh.
// Writes of what a CRM read brought take `stillCurrent`, checked inside their transaction: false once the user signed
// out or wiped local data after the read began, and then nothing is written.

const ALWAYS = () => true;

/**
 * Dexie's live queries learn which rows a bulk write touched only when it writes fewer than 50 of them; a larger one
 * counts as a write of every row of the table, and every open panel's query reads again (a big account's takes a
 * second, and the view being opened waits behind it). So rows go in slices under that size, in the caller's transaction.
 */
const TRACKED_BULK_WRITE = 49;

function putRows<T>(table: Table<T>, rows: readonly T[]): Promise<unknown> {
  const slices: Array<Promise<unknown>> = [];
  for (let at = 0; at < rows.length; at += TRACKED_BULK_WRITE) slices.push(table.bulkPut(rows.slice(at, at + TRACKED_BULK_WRITE)));
  return Promise.all(slices);
}

/**
 * The follow-ups a view lists, by the one rule both CRMs follow: on a company/account, every row of the account (its
 * own and all its contacts'); elsewhere, the focus contacts' rows and the account's that name no contact.
 */
export function followUpsOfView(
  view: { ref: RecordRef; focusContactKeys: string[]; accountKey: string | null },
  rows: readonly FollowUp[],
): FollowUp[] {
  if (isAccountView(view.ref)) return rows.filter((f) => f.accountKey === view.accountKey || (f.accountKey === null && f.contactKey !== null));
  const focus = new Set(view.focusContactKeys);
  return rows.filter((f) => (f.contactKey !== null && focus.has(f.contactKey)) || (f.contactKey === null && f.accountKey !== null && f.accountKey === view.accountKey));
}

function isAccountView(ref: RecordRef): boolean {
  return ref.objectType === 'company' || ref.objectType === 'account';
}

/** Whether a read of this scope looked at a row a view listed, so the row's absence from it means it is closed or gone. */
function readCovers(scope: RecordContext['followUpsRead'], focus: ReadonlySet<string>, accountKey: string | null, row: FollowUp | undefined): boolean {
  if (!row) return true;
  if (scope === 'account') return true;
  if (row.contactKey !== null) return focus.has(row.contactKey);
  return scope === 'focusAndAccount' && row.accountKey === accountKey;
}

/**
 * Stores everything a connector assembled for a record and returns its view. The view's follow-ups are what its read
 * found by the rule (followUpsOfView), plus what it listed before that this read could not have seen; rows are shared,
 * so one record's read never takes another record's row away — unless the read covered that row and did not find it
 * open (closed or deleted), which is true for every view. A read of a whole account only adds: each view of the
 * account it covers gains the rows the rule gives it. Returns null, writing nothing, when `stillCurrent` said the read is
 * no longer wanted.
 */
export async function saveRecordContext(db: LoyaltyLensDb, context: RecordContext, stillCurrent: () => boolean = ALWAYS): Promise<RecordView | null> {
  const contactKeys = context.contacts.map((c) => c.key);
  const key = refKey(context.ref);
  const accountKey = context.account?.key ?? null;
  return db.transaction(
    'rw',
    [db.views, db.accounts, db.accountCounts, db.contacts, db.responses, db.followUps, db.deals, db.loops, db.rejections],
    async () => {
      if (!stillCurrent()) return null;
      // What does not depend on anything else here goes at once: each waits on the database, not on the others.
      const [previous, accountRows] = await Promise.all([
        db.views.get(key),
        accountKey && context.followUpsRead !== 'account' ? db.followUps.where('accountKey').equals(accountKey).toArray() : [],
        context.account && db.accounts.put(context.account),
        context.accountCounts && db.accountCounts.put(context.accountCounts),
        putRows(db.contacts, context.contacts),
        // Rows deleted or merged away in the CRM must disappear from the panel too: replace, not merge.
        Promise.all(
          contactKeys.map((contactKey) => db.responses.where('[contactKey+submittedAt]').between([contactKey, Dexie.minKey], [contactKey, Dexie.maxKey]).delete()),
        ).then(() => putRows(db.responses, context.responses)),
        context.deals && accountKey ? db.deals.where('accountKey').equals(accountKey).delete().then(() => putRows(db.deals, context.deals!)) : null,
        // A read without the loop history (null) leaves the history read before, with its time, as it was.
        context.loops && replaceLoops(db, context.focusContactKeys, context.loops),
        putRows(
          db.rejections,
          context.rejected.map((r) => ({
            ...r,
            key: `${context.ref.crm}|${context.ref.instance}|${r.source}|${r.rowId}|${r.field}`,
            crm: context.ref.crm,
            instance: context.ref.instance,
            seenAt: context.fetchedAt,
          })),
        ),
      ]);

      const focus = new Set(context.focusContactKeys);
      // A view's candidates: what it listed before and, when its read does not cover the whole account, the account's
      // cached rows the rule gives it (what the last account-wide read found, for a view opened after it).
      const viewShape = { ref: context.ref, focusContactKeys: context.focusContactKeys, accountKey };
      const cached = followUpsOfView(viewShape, accountRows).filter((f) => f.contactKey === null);
      const before = [...new Set([...(previous?.followUpKeys ?? []), ...cached.map((f) => f.key)])];
      const listed = followUpsOfView(viewShape, context.followUps);
      const listedKeys = new Set(listed.map((f) => f.key));
      const beforeRows = await db.followUps.bulkGet(before);
      const kept = before.filter((k, i) => !listedKeys.has(k) && !readCovers(context.followUpsRead, focus, accountKey, beforeRows[i]));
      const dropped = before.filter((k) => !listedKeys.has(k) && !kept.includes(k));
      const followUpKeys = [...listedKeys, ...kept];

      await Promise.all([
        putRows(db.followUps, listed),
        (async () => {
          if (!isAccountView(context.ref) || !accountKey) return;
          const covered = await db.views.where('accountKey').equals(accountKey).toArray();
          await Promise.all(
            covered.map((other) => {
              if (other.key === key) return null;
              const adds = followUpsOfView(other, listed).map((f) => f.key).filter((k) => !other.followUpKeys.includes(k));
              return adds.length > 0 ? db.views.update(other.key, { followUpKeys: [...other.followUpKeys, ...adds] }) : null;
            }),
          );
        })(),
      ]);

      // A row this read covered and did not find is closed or gone: from every view that lists it. One row after
      // another: two may be listed by the same view.
      for (const gone of dropped) {
        const listers = await db.views.where('followUpKeys').equals(gone).toArray();
        for (const other of listers) {
          if (other.key !== key) await db.views.update(other.key, { followUpKeys: other.followUpKeys.filter((k) => k !== gone) });
        }
        await db.followUps.delete(gone);
      }

      const loopsReadAt = context.loops ? context.fetchedAt : (previous?.loopsReadAt ?? null);
      const view: RecordView = {
        key,
        ref: context.ref,
        title: context.title,
        focusContactKeys: context.focusContactKeys,
        accountKey,
        followUpKeys,
        fetchedAt: context.fetchedAt,
        loopsReadAt,
        error: null,
        refreshing: false,
      };
      await db.views.put(view);
      return view;
    },
  );
}

/**
 * Stores the close-the-loop history read for a view's focus contacts, replacing what was cached for them; returns
 * false, writing nothing, when `stillCurrent` said the read is no longer wanted.
 */
export async function saveLoopHistory(
  db: LoyaltyLensDb,
  ref: RecordRef,
  contactKeys: string[],
  loops: LoopRecord[],
  readAt: number,
  stillCurrent: () => boolean = ALWAYS,
): Promise<boolean> {
  return db.transaction('rw', [db.views, db.loops], async () => {
    if (!stillCurrent()) return false;
    await replaceLoops(db, contactKeys, loops);
    await db.views.update(refKey(ref), { loopsReadAt: readAt });
    return true;
  });
}

/** Records that a view's loop history is what its last read brought (a CRM whose views carry it). */
export async function markLoopsRead(db: LoyaltyLensDb, ref: RecordRef, at: number): Promise<void> {
  await db.views.update(refKey(ref), { loopsReadAt: at });
}

async function replaceLoops(db: LoyaltyLensDb, contactKeys: string[], loops: LoopRecord[]): Promise<void> {
  await Promise.all(contactKeys.map((contactKey) => db.loops.where('[contactKey+loggedAt]').between([contactKey, Dexie.minKey], [contactKey, Dexie.maxKey]).delete()));
  await putRows(db.loops, loops);
}

/** Marks a record as being refreshed, creating its view row on the first visit. */
export async function markRefreshing(db: LoyaltyLensDb, ref: RecordRef): Promise<void> {
  const key = refKey(ref);
  await db.transaction('rw', db.views, async () => {
    const existing = await db.views.get(key);
    if (existing) await db.views.update(key, { refreshing: true });
    else
      await db.views.put({ key, ref, title: '', focusContactKeys: [], accountKey: null, followUpKeys: [], fetchedAt: null, loopsReadAt: null, error: null, refreshing: true });
  });
}

/** Records why a refresh failed; the cached rows and their age stay so the panel can show them. */
export async function markRefreshFailed(db: LoyaltyLensDb, ref: RecordRef, error: { kind: string; message: string; origin?: string }, at: number): Promise<void> {
  const key = refKey(ref);
  await db.transaction('rw', db.views, async () => {
    const existing = await db.views.get(key);
    const failure = { ...error, at };
    if (existing) await db.views.update(key, { refreshing: false, error: failure });
    else await db.views.put({ key, ref, title: '', focusContactKeys: [], accountKey: null, followUpKeys: [], fetchedAt: null, loopsReadAt: null, error: failure, refreshing: false });
  });
}

/**
 * Deletes cached records last fetched before `cutoff`, with the rows only they referenced.
 * Outcomes are not cached CRM data and are never purged here.
 */
export async function purgeCachedBefore(db: LoyaltyLensDb, cutoff: number): Promise<number> {
  return db.transaction(
    'rw',
    [db.views, db.accounts, db.accountCounts, db.contacts, db.responses, db.followUps, db.deals, db.loops, db.rejections],
    async () => {
      const views = await db.views.toArray();
      const expired = views.filter((v) => (v.fetchedAt ?? 0) < cutoff);
      const kept = views.filter((v) => (v.fetchedAt ?? 0) >= cutoff);
      const keptAccounts = new Set(kept.map((v) => v.accountKey).filter((k): k is string => k !== null));
      const keptContacts = new Set(kept.flatMap((v) => v.focusContactKeys));
      for (const view of expired) {
        if (view.accountKey && !keptAccounts.has(view.accountKey)) {
          const accountKey = view.accountKey;
          const contactKeys = await db.contacts.where('accountKey').equals(accountKey).primaryKeys();
          for (const contactKey of contactKeys) {
            if (!keptContacts.has(contactKey)) await deleteContactRows(db, contactKey);
          }
          await db.contacts.bulkDelete(contactKeys.filter((k) => !keptContacts.has(k)));
          await db.responses.where('[accountKey+submittedAt]').between([accountKey, Dexie.minKey], [accountKey, Dexie.maxKey]).delete();
          await db.followUps.where('accountKey').equals(accountKey).delete();
          await db.deals.where('accountKey').equals(accountKey).delete();
          await db.accountCounts.delete(accountKey);
          await db.accounts.delete(accountKey);
        }
        for (const contactKey of view.focusContactKeys) {
          if (keptContacts.has(contactKey)) continue;
          await deleteContactRows(db, contactKey);
          await db.contacts.delete(contactKey);
        }
      }
      await db.rejections.where('seenAt').below(cutoff).delete();
      await db.views.bulkDelete(expired.map((v) => v.key));
      return expired.length;
    },
  );
}

async function deleteContactRows(db: LoyaltyLensDb, contactKey: string): Promise<void> {
  await db.responses.where('[contactKey+submittedAt]').between([contactKey, Dexie.minKey], [contactKey, Dexie.maxKey]).delete();
  await db.followUps.where('contactKey').equals(contactKey).delete();
  await db.loops.where('[contactKey+loggedAt]').between([contactKey, Dexie.minKey], [contactKey, Dexie.maxKey]).delete();
}

/**
 * One Insights count: the view as counted (null when it is not kept: a CRM failed) and the closed months each CRM
 * counted, in one transaction — nothing when the CRM's cache was wiped meanwhile (`stillCurrent` per CRM's months).
 */
export async function saveInsights(
  db: LoyaltyLensDb,
  view: CachedInsights | null,
  months: Array<{ rows: KeptInsightsMonth[]; stillCurrent: () => boolean }>,
): Promise<void> {
  await db.transaction('rw', db.insights, db.insightMonths, async () => {
    const current = months.every((m) => m.stillCurrent());
    if (view && current) await db.insights.put(view);
    for (const m of months) if (m.stillCurrent()) await db.insightMonths.bulkPut(m.rows);
  });
}

/** The kept closed months of these keys counted at or after `notBefore`. */
export async function keptInsightMonths(db: LoyaltyLensDb, keys: string[], notBefore: number): Promise<KeptInsightsMonth[]> {
  const rows = await db.insightMonths.bulkGet(keys);
  return rows.filter((r): r is KeptInsightsMonth => r !== undefined && r.countedAt >= notBefore);
}
