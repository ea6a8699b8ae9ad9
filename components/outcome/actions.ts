import type { Reply } from '../../core/messaging';
import type { OutcomeInput, RecordRef } from '../../core/schema';
import type { OpenedFollowUp } from '../../integrations/crm';

/** What the outcome UI asks of the extension; the panel host provides it, tests fake it. */
export interface OutcomeActions {
  log(input: OutcomeInput): Promise<Reply<{ idempotencyKey: string }>>;
  retry(idempotencyKey: string): Promise<Reply<{ idempotencyKey: string }>>;
  /** Undo: takes a just-logged outcome back while it is only queued. */
  withdraw(idempotencyKey: string): Promise<Reply<{ withdrawn: true }>>;
  /** Opens the CRM follow-up (ticket / Case) for a response that has none. */
  openFollowUp(ref: RecordRef, responseKey: string): Promise<Reply<OpenedFollowUp>>;
  /** Reads the team's close-the-loop history of the record's contacts, where the view leaves it out. */
  loadLoopHistory(ref: RecordRef): Promise<Reply<{ readAt: number }>>;
}
