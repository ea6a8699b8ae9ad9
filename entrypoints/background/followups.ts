import { db } from '../../core/db';
import type { RecordRef } from '../../core/schema';
import { CrmError, type OpenedFollowUp } from '../../integrations/crm';
import { permittedConnector } from './crm-access';
import { refreshAfterChange, type RefreshDeps } from './refresh';

/**
 * Opens the CRM follow-up for a response the panel shows, then re-reads the record so the new ticket or Case
 * appears with its owner, status and SLA clock. The connectors make the open repeatable, so a second click, or a
 * retry after a dropped connection, finds the same follow-up.
 */
export async function openFollowUp(ref: RecordRef, responseKey: string, deps: RefreshDeps): Promise<OpenedFollowUp> {
  const response = await db.responses.get(responseKey);
  if (!response || response.crm !== ref.crm || response.instance !== ref.instance) {
    throw new CrmError('not-found', 'This response is no longer in the panel. Refresh the record and try again.');
  }
  const { connector, settings } = await permittedConnector(ref, deps);
  const opened = await connector.createFollowUp(response, settings);
  // The panel confirms now; the re-read lists the follow-up moments later (a failed one leaves its own message).
  void refreshAfterChange(ref, deps).catch(() => undefined);
  return opened;
}
