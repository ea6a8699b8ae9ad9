import { Dexie, type EntityTable } from 'dexie';
import type { Account, AccountCounts, Contact, FollowUp, LoopRecord, OpenDeal, Outcome, RecordRef, RejectedRow, SurveyResponse } from './schema';
import type { WorklistRead } from './worklist';
import type { InsightsSnapshot } from './insights';

/** What the panel knows about one record view: which rows to show, and how fresh they are. */
export interface RecordView {
  /** refKey(ref) */
  key: string;
  ref: RecordRef;
  title: string;
  focusContactKeys: string[];
  accountKey: string | null;
  /**
   * The follow-ups this view lists: what its own last read brought, plus what a later read of its whole account
   * found for it (see saveRecordContext). Kept per view, so reading one record never takes a row from another's.
   */
  followUpKeys: string[];
  fetchedAt: number | null;
  /**
   * When the focus contacts' close-the-loop history was last read from the CRM; null while it has not been (a
   * HubSpot view reads it when asked, then with every later refresh of that record).
   */
  loopsReadAt: number | null;
  /** Last refresh failure, in user words; the cached rows stay. `origin` names a host permission to ask for. */
  error: { kind: string; message: string; at: number; origin?: string } | null;
  refreshing: boolean;
}

export interface StoredRejection extends RejectedRow {
  key: string;
  crm: string;
  instance: string;
  seenAt: number;
}

/**
 * What a CRM connection needs on every view but changes rarely (HubSpot: the token's portal, its owners and ticket
 * pipelines), kept across service-worker restarts so a record view does not pay for it. Parsed with zod on read.
 */
export interface CrmDirectory {
  crm: 'hubspot' | 'salesforce';
  value: unknown;
}

/** One Insights view as last counted: the scope and period (JSON) is the key. */
export interface CachedInsights {
  key: string;
  snapshot: InsightsSnapshot;
  fetchedAt: number;
}

/**
 * A closed month's NPS counts as one CRM counted them for one basis (scope, source, portal: see InsightsCounts.basis),
 * kept so a later view of any period of that scope counts only the months that can still change.
 */
export interface KeptInsightsMonth {
  /** `${crm}|${basis}|${month}` */
  key: string;
  promoters: number;
  passives: number;
  detractors: number;
  countedAt: number;
}

/** One CRM's part of "My open loops" as last read, kept when a later read fails (offline, limits). */
export interface CachedWorklist {
  crm: 'hubspot' | 'salesforce';
  read: WorklistRead | null;
  error: { kind: string; message: string; at: number } | null;
}

export interface Secret {
  name: string;
  value: string;
  updatedAt: number;
}

/**
 * The only database. It lives on the extension origin, out of reach of CRM pages and content scripts.
 * Indexes exist only for the queries the panel, the outbox and the purge run.
 */
export class LoyaltyLensDb extends Dexie {
  views!: EntityTable<RecordView, 'key'>;
  accounts!: EntityTable<Account, 'key'>;
  accountCounts!: EntityTable<AccountCounts, 'accountKey'>;
  contacts!: EntityTable<Contact, 'key'>;
  responses!: EntityTable<SurveyResponse, 'key'>;
  followUps!: EntityTable<FollowUp, 'key'>;
  deals!: EntityTable<OpenDeal, 'key'>;
  loops!: EntityTable<LoopRecord, 'key'>;
  outcomes!: EntityTable<Outcome, 'idempotencyKey'>;
  rejections!: EntityTable<StoredRejection, 'key'>;
  secrets!: EntityTable<Secret, 'name'>;
  directories!: EntityTable<CrmDirectory, 'crm'>;
  worklists!: EntityTable<CachedWorklist, 'crm'>;
  insights!: EntityTable<CachedInsights, 'key'>;
  insightMonths!: EntityTable<KeptInsightsMonth, 'key'>;

  constructor(name = 'loyalty-lens') {
    super(name);
    this.version(1).stores({
      views: 'key, fetchedAt',
      accounts: 'key',
      accountCounts: 'accountKey',
      contacts: 'key, accountKey',
      responses: 'key, [contactKey+submittedAt], [accountKey+submittedAt], submittedAt',
      followUps: 'key, contactKey, accountKey',
      loops: 'key, [contactKey+loggedAt]',
      outcomes: 'idempotencyKey, [state+nextAttemptAt], [contactKey+loggedAt]',
      rejections: 'key, [crm+instance], seenAt',
      secrets: 'name',
    });
    // v2 adds the connection directories; no existing rows change.
    this.version(2).stores({ directories: 'crm' });
    // v3: views say when their loop history was read. A Salesforce view carries it; a HubSpot view now reads it
    // when asked, so the copies cached with HubSpot views go and those views offer to read it.
    this.version(3)
      .stores({})
      .upgrade(async (tx) => {
        await tx
          .table<LoopRecord>('loops')
          .filter((loop) => loop.crm === 'hubspot')
          .delete();
        await tx
          .table<RecordView>('views')
          .toCollection()
          .modify((view) => {
            view.loopsReadAt = view.ref.crm === 'hubspot' ? null : view.fetchedAt;
          });
      });
    // v4: each view keeps the follow-ups it lists (indexed, to find the views listing a row, and by account, to find
    // the views an account-wide read covers); open deals with their contacts, for revenue at risk. Existing views keep
    // what they showed: their focus contacts' follow-ups, or on an account view the account's.
    this.version(4)
      .stores({ views: 'key, fetchedAt, accountKey, *followUpKeys', deals: 'key, accountKey' })
      .upgrade(async (tx) => {
        const followUps = await tx.table<FollowUp>('followUps').toArray();
        await tx
          .table<RecordView>('views')
          .toCollection()
          .modify((view) => {
            const focus = new Set(view.focusContactKeys);
            view.followUpKeys = followUps
              .filter((f) => (focus.size > 0 ? f.contactKey !== null && focus.has(f.contactKey) : view.accountKey !== null && f.accountKey === view.accountKey))
              .map((f) => f.key);
          });
      });
    // v5 adds the worklist's cache ("My open loops"), one row per CRM; nothing older changes.
    this.version(5).stores({ worklists: 'crm' });
    // v6 adds the Insights page's cache, one row per scope and period counted; nothing older changes.
    this.version(6).stores({ insights: 'key, fetchedAt' });
    // v7 adds the closed months' kept counts, read by key only; nothing older changes.
    this.version(7).stores({ insightMonths: 'key' });
  }
}

export const db = new LoyaltyLensDb();
