import type { Reply } from '../../core/messaging';
import type { OutcomeInput } from '../../core/schema';

/** What the outcome UI asks of the extension; the panel host provides it, tests fake it. */
export interface OutcomeActions {
  log(input: OutcomeInput): Promise<Reply<{ idempotencyKey: string }>>;
  retry(idempotencyKey: string): Promise<Reply<{ idempotencyKey: string }>>;
}
