import { Dexie, liveQuery } from 'dexie';
import type { LoyaltyLensDb, RecordView } from './db';
import { accountRollup, revenueAtRisk, rollupFromCounts, type AccountRollup, type RevenueAtRisk } from './rollup';
import { followUpDueTime, priorityScore, promoterInvite, routeFollowUp, sortFollowUps, type DueBasis, type NoDueReason, type PriorityBasis } from './rules';
import { safeSegment } from './nps';
import { refKey, type Account, type Contact, type FollowUp, type LoopRecord, type OpenDeal, type Outcome, type RecordRef, type SurveyResponse } from './schema';
import type { Settings } from './settings';
import { filterContactRows, NO_CONTACT_FILTER, sortContactRows, type ContactFilter, type ContactRow, type ContactSegment } from './contact-list';

export type { ContactFilter, ContactRow, ContactSegment } from './contact-list';

// Everything the panel shows for one record, read from the cache in one pass. Runs inside a Dexie
// live query in the background (see watchPanelData): reads only (no writes, no network), and only
// through indexes, so a 2,500-contact account paints from its CRM-computed counts and the first
// page of contacts.

export interface FocusContact {
  key: string;
  /** Null when the contact row is not cached (yet). */
  contact: Contact | null;
  /** Oldest first. */
  responses: SurveyResponse[];
  /** Newest first. */
  loops: LoopRecord[];
  /** Outcomes logged from this browser, newest first, with where each is on its way to the CRM. */
  outcomes: Outcome[];
}


export interface AccountPart {
  account: Account | null;
  rollup: AccountRollup;
  /** Whether the numbers come from counts the CRM computed for a large account. */
  fromCounts: boolean;
  windowDays: number | null;
  revenueAtRisk: RevenueAtRisk;
  /** Names of the contacts revenue at risk names as detractors. */
  detractorNames: Record<string, string>;
  /**
   * The first `contactLimit` contacts the filter lets through, those who need a word first: detractors (0–3, then
   * 4–6), passives, promoters, then those who never answered.
   */
  contacts: ContactRow[];
  /** The account's contacts in the CRM. */
  contactTotal: number;
  /** Of those, how many this browser has read (all of a small account; the listed pages of a large one). */
  contactsRead: number;
  /** How many of the read contacts the filter lets through. */
  contactMatches: number;
  /**
   * People per latest-answer segment across the whole account, from the roll-up's counts (a large account's are the
   * CRM's); null where those counts are of answers, not people.
   */
  segmentCounts: Record<ContactSegment, number> | null;
}

function segmentCountsOf(rows: ContactRow[]): Record<ContactSegment, number> {
  const counts: Record<ContactSegment, number> = { detractor: 0, passive: 0, promoter: 0, none: 0 };
  for (const row of rows) counts[row.segment ?? 'none'] += 1;
  return counts;
}

export interface FollowUpRow {
  followUp: FollowUp;
  response: SurveyResponse | null;
  contactName: string | null;
  /** When the follow-up is due (see followUpDueTime); null with `noDueReason` when nothing says. */
  dueAt: number | null;
  dueBasis: DueBasis | null;
  noDueReason: NoDueReason | null;
  /** The NPS score it is prioritised by, and whether that is its own answer or its contact's latest (see priorityScore). */
  priorityScore: { score: number; basis: PriorityBasis } | null;
  /** Who should own it when the CRM row names nobody, by the routing rule. */
  suggestedOwner: string | null;
  /** Outcomes logged from this browser for the follow-up's contact, newest first. */
  outcomes: Outcome[];
}

export interface PanelData {
  view: RecordView;
  focus: FocusContact[];
  account: AccountPart | null;
  followUps: FollowUpRow[];
  /** Whether anything at all was ever answered for this record. */
  hasResponses: boolean;
}

/** 'unreadable': the local database failed (e.g. the disk is full); the panel says so instead of going blank. */
export type PanelQueryResult = { status: 'missing' } | { status: 'unreadable' } | { status: 'found'; data: PanelData };

/** A contact's responses, oldest first, through the [contactKey+submittedAt] index. */
function responsesOf(db: LoyaltyLensDb, contactKey: string) {
  return db.responses.where('[contactKey+submittedAt]').between([contactKey, Dexie.minKey], [contactKey, Dexie.maxKey]);
}

/** A contact's logged loops, newest first. */
async function loopsOf(db: LoyaltyLensDb, contactKey: string): Promise<LoopRecord[]> {
  return db.loops.where('[contactKey+loggedAt]').between([contactKey, Dexie.minKey], [contactKey, Dexie.maxKey]).reverse().toArray();
}

async function outcomesOf(db: LoyaltyLensDb, contactKey: string): Promise<Outcome[]> {
  return db.outcomes.where('[contactKey+loggedAt]').between([contactKey, Dexie.minKey], [contactKey, Dexie.maxKey]).reverse().limit(10).toArray();
}

async function latestNpsOf(db: LoyaltyLensDb, contactKey: string): Promise<SurveyResponse | null> {
  const found = await responsesOf(db, contactKey)
    .reverse()
    .filter((r) => r.kind === 'nps')
    .first();
  return found ?? null;
}

function contactRow(contact: Contact, latestNps: SurveyResponse | null): ContactRow {
  const seg = latestNps ? safeSegment(latestNps.score) : null;
  return {
    contact,
    latestNps,
    segment: seg,
    latestAt: latestNps?.submittedAt ?? null,
    invite: latestNps !== null && promoterInvite(latestNps.score),
  };
}

/**
 * Contacts on these deals whose latest NPS answer is a detractor's: from their cached answers, else from what the CRM
 * keeps on the contact (the deal's contactFacts).
 */
async function detractorsOn(db: LoyaltyLensDb, deals: OpenDeal[]): Promise<{ keys: Set<string>; names: Record<string, string> }> {
  const unique = [...new Set(deals.flatMap((d) => d.contactKeys))];
  const facts = new Map(deals.flatMap((d) => Object.entries(d.contactFacts)));
  const [latest, contacts] = await Promise.all([Promise.all(unique.map((k) => latestNpsOf(db, k))), db.contacts.bulkGet(unique)]);
  const keys = new Set<string>();
  const names: Record<string, string> = {};
  unique.forEach((key, i) => {
    const score = latest[i]?.score ?? facts.get(key)?.latestNps ?? null;
    if (score !== null && safeSegment(score) === 'detractor') keys.add(key);
    const name = contacts[i]?.name ?? facts.get(key)?.name;
    if (name) names[key] = name;
  });
  return { keys, names };
}

async function atRisk(db: LoyaltyLensDb, account: Account | null, accountKey: string, rollupDetractors: number) {
  const deals: OpenDeal[] | null = account?.revenueSource === 'openPipeline' ? await db.deals.where('accountKey').equals(accountKey).toArray() : null;
  // Deals not read yet (a HubSpot contact view reads none): only the total is known, shown apart.
  const known = deals !== null && (deals.length > 0 || !account?.revenue) ? deals : null;
  const detractors = await detractorsOn(db, known ?? []);
  const risk = revenueAtRisk({ account, deals: known, detractorKeys: detractors.keys, rollupDetractors });
  return { revenueAtRisk: risk, detractorNames: detractors.names };
}

/** Most contacts of a large account the list sorts and filters: the pages read (a few hundred), with room to spare. */
const READ_CONTACTS_CAP = 2_000;

async function loadAccount(
  db: LoyaltyLensDb,
  accountKey: string,
  settings: Settings,
  now: number,
  contactLimit: number,
  filter: ContactFilter,
): Promise<AccountPart> {
  const [account, counts] = await Promise.all([db.accounts.get(accountKey), db.accountCounts.get(accountKey)]);
  const rollupSettings = settings.rules.rollup;
  if (counts) {
    // A large account: the CRM counted. The list sorts and filters the contacts read so far (and says so); each one's
    // latest answer comes from one range read of the account's cached answers, not one read per contact.
    const rollup = rollupFromCounts(counts, rollupSettings.roleWeights);
    const [listed, answers, risk] = await Promise.all([
      db.contacts.where('accountKey').equals(accountKey).limit(READ_CONTACTS_CAP).toArray(),
      db.responses.where('[accountKey+submittedAt]').between([accountKey, Dexie.minKey], [accountKey, Dexie.maxKey]).toArray(),
      atRisk(db, account ?? null, accountKey, rollup.summary.detractors),
    ]);
    const latest = new Map<string, SurveyResponse>();
    for (const answer of answers) if (answer.kind === 'nps') latest.set(answer.contactKey, answer);
    const rows = sortContactRows(listed.map((c) => contactRow(c, latest.get(c.key) ?? null)));
    const matches = filterContactRows(rows, filter);
    const contactTotal = Math.max(listed.length, account?.contactCount ?? 0);
    return {
      account: account ?? null,
      rollup,
      fromCounts: true,
      windowDays: counts.windowDays,
      ...risk,
      contacts: matches.slice(0, contactLimit),
      contactTotal,
      contactsRead: listed.length,
      contactMatches: matches.length,
      segmentCounts:
        counts.counted === 'people'
          ? {
              detractor: counts.detractors,
              passive: counts.passives,
              promoter: counts.promoters,
              none: Math.max(0, contactTotal - counts.promoters - counts.passives - counts.detractors),
            }
          : null,
    };
  }
  const [contacts, responses] = await Promise.all([
    db.contacts.where('accountKey').equals(accountKey).toArray(),
    db.responses.where('[accountKey+submittedAt]').between([accountKey, Dexie.minKey], [accountKey, Dexie.maxKey]).toArray(),
  ]);
  const rollup = accountRollup({ ...rollupSettings, now, contacts, responses });
  return {
    account: account ?? null,
    rollup,
    fromCounts: false,
    windowDays: rollup.method === 'window' ? rollupSettings.windowDays : null,
    ...(await atRisk(db, account ?? null, accountKey, rollup.summary.detractors)),
    ...(() => {
      const rows = sortContactRows(rollup.contacts.map((row) => contactRow(row.contact, row.latestNps)));
      const matches = filterContactRows(rows, filter);
      return {
        contacts: matches.slice(0, contactLimit),
        contactTotal: rows.length,
        contactsRead: rows.length,
        contactMatches: matches.length,
        segmentCounts: segmentCountsOf(rows),
      };
    })(),
  };
}

async function loadFollowUps(
  db: LoyaltyLensDb,
  view: RecordView,
  account: Account | null,
  focus: FocusContact[],
  settings: Settings,
): Promise<FollowUpRow[]> {
  const rows = (await db.followUps.bulkGet(view.followUpKeys)).filter((f): f is FollowUp => f !== undefined);
  const open = rows.filter((f) => f.status === 'open');
  const responseKeys = open.map((f) => f.responseKey).filter((k): k is string => k !== null);
  const contactKeys = [...new Set(open.map((f) => f.contactKey).filter((k): k is string => k !== null))];
  const [responses, contacts, answers, outcomes] = await Promise.all([
    db.responses.bulkGet(responseKeys),
    db.contacts.bulkGet(contactKeys),
    // A follow-up without its answer is due, and prioritised, by its contact's latest answers: read through the index.
    Promise.all(contactKeys.map((k) => focus.find((f) => f.key === k)?.responses ?? responsesOf(db, k).toArray())),
    Promise.all(open.map((f) => (f.contactKey ? outcomesOf(db, f.contactKey) : []))),
  ]);
  const responseByKey = new Map(responses.filter((r): r is SurveyResponse => r !== undefined).map((r) => [r.key, r]));
  const answersByContact = new Map(contactKeys.map((k, i) => [k, answers[i] ?? []]));
  const contactByKey = new Map<string, Contact>();
  for (const c of contacts) if (c) contactByKey.set(c.key, c);
  for (const f of focus) if (f.contact) contactByKey.set(f.key, f.contact);

  const { rules } = settings;
  const items: FollowUpRow[] = open.map((followUp, index) => {
    const response = followUp.responseKey ? (responseByKey.get(followUp.responseKey) ?? null) : null;
    const contact = followUp.contactKey ? contactByKey.get(followUp.contactKey) : undefined;
    // Names stand in for ids here: the panel shows who to route to, and the CRM rows carry names.
    const routed =
      rules.routing.kind === 'namedUser'
        ? rules.routing.label
        : routeFollowUp(rules.routing, { recordOwnerId: contact?.ownerName ?? null, accountOwnerId: account?.ownerName ?? null });
    const contactAnswers = followUp.contactKey ? (answersByContact.get(followUp.contactKey) ?? []) : [];
    const due = followUpDueTime({ crmDueAt: followUp.dueAt, answer: response, createdAt: followUp.createdAt, hasContact: followUp.contactKey !== null, contactAnswers }, rules);
    return {
      followUp,
      response,
      contactName: contact?.name ?? null,
      dueAt: due.dueAt,
      dueBasis: due.dueAt === null ? null : due.basis,
      noDueReason: due.dueAt === null ? due.reason : null,
      priorityScore: priorityScore({ answer: response, contactAnswers }),
      suggestedOwner: followUp.ownerName ? null : routed,
      outcomes: outcomes[index] ?? [],
    };
  });
  return sortFollowUps(
    items,
    (item) => ({
      score: item.priorityScore?.score ?? null,
      revenue: account?.revenue ?? null,
      dueAt: item.dueAt,
    }),
    rules,
  );
}

/**
 * Reads what the panel shows for `ref`; `missing` when the record has never been asked for. One read-only transaction
 * for all of it: a big account reads the latest answer of each deal contact and the outcomes of each follow-up, and
 * hundreds of reads that each opened their own transaction took a second where one takes a fraction of it.
 */
export function loadPanelData(
  db: LoyaltyLensDb,
  ref: RecordRef,
  settings: Settings,
  now: number,
  contactLimit: number,
  contactFilter: ContactFilter = NO_CONTACT_FILTER,
): Promise<PanelQueryResult> {
  return db.transaction('r', [db.views, db.contacts, db.responses, db.loops, db.outcomes, db.accounts, db.accountCounts, db.deals, db.followUps], () =>
    readPanelData(db, ref, settings, now, contactLimit, contactFilter),
  );
}

async function readPanelData(
  db: LoyaltyLensDb,
  ref: RecordRef,
  settings: Settings,
  now: number,
  contactLimit: number,
  contactFilter: ContactFilter,
): Promise<PanelQueryResult> {
  const view = await db.views.get(refKey(ref));
  if (!view) return { status: 'missing' };

  // Three reads at once: the focus contacts, the account, and (once the focus and the account row are known) the
  // follow-ups; each is a chain of storage reads, and the panel's first paint waits for the longest.
  const focusLoad = (async (): Promise<FocusContact[]> => {
    const focusContacts = await db.contacts.bulkGet(view.focusContactKeys);
    return Promise.all(
      view.focusContactKeys.map(async (key, i) => {
        const [responses, loops, outcomes] = await Promise.all([responsesOf(db, key).toArray(), loopsOf(db, key), outcomesOf(db, key)]);
        return { key, contact: focusContacts[i] ?? null, responses, loops, outcomes };
      }),
    );
  })();
  const accountLoad = view.accountKey ? loadAccount(db, view.accountKey, settings, now, contactLimit, contactFilter) : Promise.resolve(null);
  const accountRow = view.accountKey ? db.accounts.get(view.accountKey) : Promise.resolve(undefined);
  const followUpsLoad = Promise.all([focusLoad, accountRow]).then(([focus, row]) => loadFollowUps(db, view, row ?? null, focus, settings));
  const [focus, account, followUps] = await Promise.all([focusLoad, accountLoad, followUpsLoad]);
  const hasResponses = focus.some((f) => f.responses.length > 0) || (view.focusContactKeys.length === 0 && (account?.rollup.summary.n ?? 0) > 0);
  return { status: 'found', data: { view, focus, account, followUps, hasResponses } };
}

/**
 * Follows what the panel shows for `ref`: calls `onResult` now and after every change to the rows
 * it read. The panel cannot read IndexedDB itself — Chrome withholds web storage from extension
 * frames inside pages when third-party cookies are blocked — so the background runs this query
 * and posts each result over the panel's port. `onReading` is called as each read starts — as a
 * write commits, for a write that touched the rows — so that until `onResult` the last result is
 * known to be behind. Returns the unsubscribe function.
 */
export function watchPanelData(
  db: LoyaltyLensDb,
  ref: RecordRef,
  settings: Settings,
  contactLimit: number,
  contactFilter: ContactFilter,
  onResult: (result: PanelQueryResult) => void,
  onError: (error: unknown) => void,
  onReading: () => void = () => undefined,
): () => void {
  const read = () => {
    onReading();
    return loadPanelData(db, ref, settings, Date.now(), contactLimit, contactFilter);
  };
  const subscription = liveQuery(read).subscribe({ next: onResult, error: onError });
  return () => subscription.unsubscribe();
}
