import { db } from '../../core/db';
import { refKey, type RecordRef } from '../../core/schema';
import { markLoopsRead, saveLoopHistory } from '../../core/store';
import { UserFacingFailure } from '../../core/errors';
import { CrmError } from '../../integrations/crm';
import { permittedConnector, type RefreshDeps } from './crm-access';
import { SUPERSEDED, whileCacheKept } from './generations';

/**
 * Reads the team's close-the-loop history of the contacts a record view shows, for a CRM whose view leaves it out to
 * save a request (HubSpot). The panel asks for it; every later refresh of that record then reads it again.
 */
export async function readLoopHistory(ref: RecordRef, deps: RefreshDeps): Promise<{ readAt: number }> {
  const cacheKept = whileCacheKept(ref.crm);
  const view = await db.views.get(refKey(ref));
  if (!view?.fetchedAt) throw new CrmError('not-found', 'This record is still loading. Try again once it shows.');
  const { connector } = await permittedConnector(ref, deps);
  // A CRM whose views carry their loop history has nothing more to read.
  if (!connector.loadLoopHistory) {
    if (view.loopsReadAt === null) await markLoopsRead(db, ref, view.fetchedAt);
    return { readAt: view.loopsReadAt ?? view.fetchedAt };
  }
  const contacts = await db.contacts.bulkGet(view.focusContactKeys);
  const readAt = Date.now();
  const loops = await connector.loadLoopHistory(ref, contacts.flatMap((c) => (c ? [c.id] : [])));
  if (!(await saveLoopHistory(db, ref, view.focusContactKeys, loops, readAt, cacheKept))) throw new UserFacingFailure(SUPERSEDED);
  return { readAt };
}
