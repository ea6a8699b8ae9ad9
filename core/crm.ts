import type { ApiUsage } from './api-usage';
import type { Crm, RejectedRow, SurveyResponse } from './schema';

// What the rest of the extension knows of a CRM call: why one failed and the shapes its answers take.
// The connectors (integrations/) build these; core/, the background and the pages only read them.

/** Why a CRM call failed, in terms the panel and the outbox can act on. */
export type CrmErrorKind =
  | 'not-connected' // no credentials yet
  | 'auth' // token revoked / expired and not refreshable
  | 'scope' // token lacks a permission
  | 'wrong-instance' // token belongs to another portal / org than the page
  | 'not-found' // record deleted or merged
  | 'rate-limit' // short-term limit; retry after retryAfterMs
  | 'daily-limit' // daily allowance used up; do not retry until reset
  | 'server' // 5xx
  | 'timeout'
  | 'network' // unreachable / offline
  | 'malformed' // response did not match the expected shape
  | 'config' // a mapping names an object or field that does not exist
  | 'validation'; // the CRM refused the data we sent

export class CrmError extends Error {
  override readonly name = 'CrmError';
  constructor(
    readonly kind: CrmErrorKind,
    /** In the user's words; never contains a token. */
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; crmCode?: string; usage?: string } = {},
  ) {
    super(message);
  }

  /** Whether trying again later can succeed without someone changing something. */
  get transient(): boolean {
    return ['rate-limit', 'server', 'timeout', 'network'].includes(this.kind);
  }
}

export interface ConnectionInfo {
  crm: Crm;
  /** Portal id (HubSpot) or API host (Salesforce). */
  instance: string;
  name: string;
  user: string | null;
  missingScopes: string[];
  /** The CRM's daily API allowance as it last reported it; null when it did not say. */
  usage: ApiUsage | null;
}

export type { ApiUsage } from './api-usage';

export interface PreviewResult {
  parsed: SurveyResponse[];
  rejected: RejectedRow[];
  /** The names of the read rows' contacts by contact key, as the CRM shows them; a contact it could not name is absent. */
  contactNames?: Record<string, string>;
}

export interface MetadataObject {
  name: string;
  label: string;
}

export interface MetadataField {
  name: string;
  label: string;
  type: string;
}

export interface OutcomeWriteResult {
  idempotencyKey: string;
  ok: boolean;
  crmRecordId?: string;
  crmRecordUrl?: string;
  error?: CrmError;
}

export interface OpenedFollowUp {
  id: string;
  url: string | null;
  /** false: the answer already had this follow-up, which was left as it is. */
  created: boolean;
  /** The follow-up that already existed was closed. */
  closed: boolean;
}

/** A HubSpot ticket pipeline as the options page offers it: stages in board order, open or closed. */
export interface TicketPipeline {
  id: string;
  label: string;
  stages: Array<{ id: string; label: string; closed: boolean }>;
}

/** One field Loyalty Lens writes on the follow-up and counts, as the CRM has it (or not). */
export interface LoopFieldStatus {
  /** The API name to create (HubSpot internal name, Salesforce API name). */
  name: string;
  label: string;
  /** The type in the words of the CRM's own setup screens (e.g. "Multiple checkboxes", "Picklist (Multi-Select)"). */
  type: string;
  /** The values a checkbox, select or picklist field takes; empty for the others. */
  options: string[];
  /** What Loyalty Lens records in it. */
  purpose: 'root-causes' | 'loop-steps' | 'first-contact-at' | 'first-contact-hours' | 'sla';
  state: 'present' | 'missing' | 'missing-options';
  /** Values the field exists without (state missing-options): outcomes naming them leave them out of the field. */
  missingOptions: string[];
}
