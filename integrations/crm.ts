import type { Crm, LoopRecord, Outcome, RecordContext, RecordRef, SurveyResponse } from '../core/schema';
import type { HubSpotSource, SalesforceSource, Settings } from '../core/settings';
import { CrmError, type ConnectionInfo, type LoopFieldStatus, type MetadataField, type MetadataObject, type OpenedFollowUp, type OutcomeWriteResult, type PreviewResult } from '../core/crm';
import type { WorklistReader } from './worklist';
import type { InsightsReader } from './insights';
import type { AccountContactsPage, ContactListQuery } from '../core/account-contacts';

export type { RecordRef } from '../core/schema';
// The error and answer shapes live in core/ (which must not import integrations/); connectors import them here.
export {
  CrmError,
  type ApiUsage,
  type CrmErrorKind,
  type ConnectionInfo,
  type LoopFieldStatus,
  type MetadataField,
  type MetadataObject,
  type OpenedFollowUp,
  type OutcomeWriteResult,
  type PreviewResult,
  type TicketPipeline,
} from '../core/crm';

/** A pure function from a page URL to the record it shows, or null when the page is not a record. */
export type PageAdapter = (url: string) => RecordRef | null;

/** What every CRM connector offers the background. The panel never sees a connector. */
export interface CrmConnector {
  readonly crm: Crm;
  testConnection(): Promise<ConnectionInfo>;
  /**
   * Assembles the loyalty context of the record the user is on, in as few requests as the CRM allows. Records of one
   * account viewed within a short window may share what was read for the account; `fresh` (a manual refresh) reads
   * everything again.
   */
  loadContext(ref: RecordRef, settings: Settings, options?: { fresh?: boolean }): Promise<RecordContext>;
  /**
   * The team's close-the-loop history of these contacts, for a connector whose `loadContext` leaves it out
   * (`loops: null`) because it would cost the view another request.
   */
  loadLoopHistory?(ref: RecordRef, contactIds: string[]): Promise<LoopRecord[]>;
  /** Writes close-the-loop outcomes; each write is repeatable without creating a duplicate. */
  writeOutcomes(outcomes: Outcome[], settings: Settings): Promise<OutcomeWriteResult[]>;
  listObjects(): Promise<MetadataObject[]>;
  listFields(objectName: string): Promise<MetadataField[]>;
  previewSource(source: HubSpotSource | SalesforceSource, limit: number): Promise<PreviewResult>;
  /**
   * Opens the follow-up (HubSpot ticket, Salesforce Case) for one response, owned per the routing rule. Asking
   * again — or after a connection that dropped once the CRM had saved it — finds the same one.
   */
  createFollowUp(response: SurveyResponse, settings: Settings): Promise<OpenedFollowUp>;
  /**
   * One page of a large account's contacts as the CRM lists them: the whole account, detractors first (0 first), then
   * passives, promoters and those without an answer; of one segment or all; whose name holds the search text. `cursor`
   * is the previous page's. Pages the record's own view already read are answered without a request.
   */
  listAccountContacts(account: { instance: string; id: string }, query: ContactListQuery, cursor: string | null, settings: Settings): Promise<AccountContactsPage>;
  /** "My open loops" (see integrations/worklist.ts). */
  readonly worklist?: WorklistReader;
  /** The outer loop, counted by the CRM (see integrations/insights.ts). */
  readonly insights?: InsightsReader;
  /** The follow-up's loop fields: whether each exists, and creating one where the token may. */
  readonly loopFields?: LoopFieldsAdmin;
}

export interface LoopFieldsAdmin {
  /** Each loop field of the follow-up, read from the CRM now. */
  status(settings: Settings): Promise<LoopFieldStatus[]>;
  /**
   * Creates one missing field as `status` describes it (HubSpot: the schema write scope; Salesforce: the Tooling API
   * with the Customize Application permission); a field that exists by then is left as it is. Answers the new status.
   */
  create(name: string, settings: Settings): Promise<LoopFieldStatus[]>;
  /** Salesforce: the values of the standard Case Reason picklist, for mapping root causes to it; null: none to see. */
  caseReasons?(): Promise<string[] | null>;
}

/**
 * Whether the CRM may already hold what this error answered: a 5xx, a timeout or a cut connection can all come
 * after the CRM committed. A create that met one is looked up by its key before it is sent again.
 */
export function mayHaveCommitted(error: unknown): boolean {
  return error instanceof CrmError && ['server', 'timeout', 'network'].includes(error.kind);
}

/**
 * Whether an outcome may have reached the CRM before this write: the outbox counts a lease as an attempt, so a
 * second one means an earlier send (or a worker that stopped mid-send), and a kept error means a send failed —
 * a Retry click resets the count but keeps the error. Such an outcome is looked up by its key first, and only
 * what is missing is sent.
 */
export function mayHaveReachedCrm(outcome: Pick<Outcome, 'attempts' | 'lastErrorKind'>): boolean {
  return outcome.attempts > 1 || outcome.lastErrorKind !== null;
}
