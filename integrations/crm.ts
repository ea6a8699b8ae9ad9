import type { Crm, LoopRecord, Outcome, RecordContext, RecordRef, SurveyResponse } from '../core/schema';
import type { HubSpotSource, SalesforceSource, Settings } from '../core/settings';
import type { ConnectionInfo, MetadataField, MetadataObject, OpenedFollowUp, OutcomeWriteResult, PreviewResult } from '../core/crm';

export type { RecordRef } from '../core/schema';
// The error and answer shapes live in core/ (which must not import integrations/); connectors import them here.
export {
  CrmError,
  type CrmErrorKind,
  type ConnectionInfo,
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
}
