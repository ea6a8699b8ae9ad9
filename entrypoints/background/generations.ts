import type { Crm } from '../../core/schema';

// Sign-out and wipe win every race. A token refresh or a record read that started before them may still be in
// flight when they finish; what it then writes would bring back a session or customer data the user just removed.
// So each such write takes a check made when it started and runs it INSIDE the transaction that writes: a sign-out
// or wipe moves the generation on before it deletes anything, so the write either lands first (and is deleted with
// the rest) or sees the new generation and writes nothing. Only the background writes these tables, so the counters
// live in its memory; a worker restart ends every request in flight with them.

/** Why a read that finished after a sign-out or wipe wrote nothing, in the user's words. */
export const SUPERSEDED = {
  kind: 'superseded',
  message: 'You signed out or wiped local data while this record was loading, so what it read was not kept.',
};

const CRMS: readonly Crm[] = ['hubspot', 'salesforce'];
const signIns: Record<Crm, number> = { hubspot: 0, salesforce: 0 };
const caches: Record<Crm, number> = { hubspot: 0, salesforce: 0 };

/** True until the user signs out of `crm`: for writes of its credentials (rotated tokens). */
export function whileSignedIn(crm: Crm): () => boolean {
  const at = signIns[crm];
  return () => signIns[crm] === at;
}

/** True until `crm`'s cached data is wiped (a sign-out or a wipe): for writes of what a read brought. */
export function whileCacheKept(crm: Crm): () => boolean {
  const at = caches[crm];
  return () => caches[crm] === at;
}

/** Called first thing by a sign-out: every token and cache write of `crm` already under way now writes nothing. */
export function endSignIn(crm: Crm): void {
  signIns[crm] += 1;
  caches[crm] += 1;
}

/** Called first thing by a wipe: every cache write already under way (of one CRM, or all) now writes nothing. */
export function endCache(crm?: Crm): void {
  for (const each of crm ? [crm] : CRMS) caches[each] += 1;
}
