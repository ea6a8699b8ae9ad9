// The contract between the sandbox's HTTP core (sandbox/server.ts) and each CRM it imitates.
// The core owns TLS, routing, fault injection, latency, the request log and the admin endpoints;
// a CRM sandbox owns its data, its API shapes and its record pages.

export interface SandboxRequest {
  method: string;
  /** Full URL as the client asked for it, e.g. https://api.hubapi.com/crm/v3/objects/contacts/51 */
  url: URL;
  /** Lower-cased Host header without port, e.g. "api.hubapi.com", "acme.my.salesforce.com", "127.0.0.1". */
  host: string;
  headers: Record<string, string | undefined>;
  /** The raw request body ('' when none). */
  rawBody: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings as-is (set content-type for HTML). */
  body?: unknown;
}

export interface CrmSandbox {
  readonly name: 'hubspot' | 'salesforce';
  /** Returns a response when this CRM serves the request, or null to let another CRM try. */
  handle(request: SandboxRequest): Promise<SandboxResponse | null> | SandboxResponse | null;
  /** Back to the deterministic seed. */
  reset(): void;
  /** Counts for tests and the admin endpoint, e.g. { notes: 3, tasks: 1 }. */
  stats(): Record<string, number>;
}

/** A fault applied to matching requests before (or after) the CRM handles them. */
export interface FaultRule {
  /** Regex source matched against `${method} ${pathname}` (e.g. "^POST /crm/v3/objects/notes"). */
  match: string;
  /** How many matching requests this rule applies to; omitted = every one. */
  times?: number;
  latencyMs?: number;
  /** Answer with this status instead of calling the CRM. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Let the CRM handle (and commit) the request, then destroy the socket without answering. */
  dropAfterCommit?: boolean;
  /**
   * Let the CRM handle (and commit) the request, then answer with this 5xx instead of its answer — what a gateway
   * or a CRM that failed after its commit does. The client cannot tell it from a 5xx that committed nothing.
   */
  statusAfterCommit?: 500 | 502 | 503 | 504;
}

export interface LoggedRequest {
  at: number;
  method: string;
  host: string;
  path: string;
  status: number;
  durationMs: number;
  fault: boolean;
}
