import { CrmError } from './crm';

// A create the CRM did not confirm may still be running there: the client gave up on it (a timeout), the connection
// was cut, or a gateway answered for it. A look-up in that moment can miss it, and a second create would then land
// beside the first. So such a create is looked up again only once it must have ended, and sent again only if it is
// not found then.

/**
 * How long a write the CRM did not confirm may still be under way there. Salesforce ends an API call after 10 minutes;
 * HubSpot states no limit and is given the same.
 */
export const UNCONFIRMED_WRITE_MS = 10 * 60_000;

/**
 * Whether a failed write may still be running at the CRM: no answer came (a timeout, a cut connection), or a gateway
 * answered for it (502, 504) while the CRM behind it may go on. A CRM's own 500 or 503 ends its request, so a look-up
 * after one tells whether it committed.
 */
export function mayStillBeRunning(error: unknown): error is CrmError {
  if (!(error instanceof CrmError)) return false;
  return error.kind === 'timeout' || error.kind === 'network' || (error.kind === 'server' && (error.details.status === 502 || error.details.status === 504));
}

/** An outcome whose create was not confirmed and not found: the outbox looks it up again once it must have ended. */
export function unconfirmedCreate(error: CrmError, crmName: string): CrmError {
  return new CrmError(
    error.kind,
    `${crmName} did not confirm the save and may still be making it. Loyalty Lens looks for it again in ${UNCONFIRMED_WRITE_MS / 60_000} minutes and saves it then only if it is not there.`,
    { ...error.details, retryAfterMs: UNCONFIRMED_WRITE_MS },
  );
}

/**
 * Follow-ups a person asked to open whose create was not confirmed, by key, with when it was sent. Until the create
 * must have ended, asking again only looks (the caller's look-up comes first) and says when to try again. Kept in
 * memory: a restarted worker has no create of its own under way.
 */
export class UnconfirmedFollowUps {
  private readonly sent = new Map<string, number>();

  constructor(private readonly crmName: string) {}

  /** Notes a create that may still be running, and answers what to tell the person. */
  unconfirmed(key: string, sentAt: number, error: CrmError): CrmError {
    this.sent.set(key, sentAt);
    return this.pending(key, sentAt) ?? error;
  }

  /** While an unconfirmed create of `key` may still be running, what to tell the person instead of opening another. */
  pending(key: string, now: number): CrmError | null {
    const sentAt = this.sent.get(key);
    if (sentAt === undefined) return null;
    const until = sentAt + UNCONFIRMED_WRITE_MS;
    if (now >= until) {
      this.sent.delete(key);
      return null;
    }
    const minutes = Math.ceil((until - now) / 60_000);
    return new CrmError(
      'timeout',
      `${this.crmName} did not confirm the follow-up and may still be opening it. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}: Loyalty Lens looks for it first and opens another only if it is not there.`,
      { retryAfterMs: until - now },
    );
  }

  /** The follow-up of `key` was found or opened: nothing is pending for it any more. */
  settled(key: string): void {
    this.sent.delete(key);
  }
}
