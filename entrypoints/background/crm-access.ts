import { permissionNeeded, UserFacingFailure } from '../../core/errors';
import type { RecordRef } from '../../core/schema';
import type { Settings } from '../../core/settings';
import type { CrmConnector } from '../../integrations/crm';
import type { RefreshDeps } from './refresh';

/** The connector for a write or an extra read on a record, once the user's permission for its host is known. */
export async function permittedConnector(ref: RecordRef, deps: RefreshDeps): Promise<{ connector: CrmConnector; settings: Settings }> {
  const origin = await deps.missingPermission(ref);
  if (origin) throw new UserFacingFailure(permissionNeeded(origin));
  const settings = await deps.settings();
  return { connector: await deps.connectorFor(ref, settings), settings };
}
