import { permissionNeeded, UserFacingFailure } from '../../core/errors';
import type { RecordRef } from '../../core/schema';
import type { Settings } from '../../core/settings';
import type { CrmConnector } from '../../integrations/crm';

/** What a refresh, a loop-history read or a follow-up needs of the background: each record's connector and its settings. */
export interface RefreshDeps {
  connectorFor(ref: RecordRef, settings: Settings): Promise<CrmConnector>;
  settings(): Promise<Settings>;
  /** Origin whose host permission the connector needs for this record, checked before any request. */
  missingPermission(ref: RecordRef): Promise<string | null>;
}

/** The connector for a write or an extra read on a record, once the user's permission for its host is known. */
export async function permittedConnector(ref: RecordRef, deps: RefreshDeps): Promise<{ connector: CrmConnector; settings: Settings }> {
  const origin = await deps.missingPermission(ref);
  if (origin) throw new UserFacingFailure(permissionNeeded(origin));
  const settings = await deps.settings();
  return { connector: await deps.connectorFor(ref, settings), settings };
}
