import { db } from '../../core/db';
import { accountContactsPageSchema, type AccountContactsPage, type ContactListQuery } from '../../core/account-contacts';
import { refKey, type RecordRef } from '../../core/schema';
import { CrmError } from '../../integrations/crm';
import { permittedConnector, type RefreshDeps } from './crm-access';
import { refreshSettled } from './refresh';

/**
 * One page of the contact list of the account a record view shows, as its CRM lists it (the whole account, sorted,
 * filtered and searched there). The account comes from the view the background saved, never from the panel.
 */
export async function listAccountContacts(ref: RecordRef, query: ContactListQuery, cursor: string | null, deps: RefreshDeps): Promise<AccountContactsPage> {
  // A read of the record under way brings the list's first pages with its counts: wait for it rather than ask twice.
  if (cursor === null) await refreshSettled(ref);
  const view = await db.views.get(refKey(ref));
  const account = view?.accountKey ? await db.accounts.get(view.accountKey) : undefined;
  if (!account) throw new CrmError('not-found', 'This record is still loading, or has no account. Try again once it shows.');
  const { connector, settings } = await permittedConnector(ref, deps);
  const page = await connector.listAccountContacts({ instance: account.instance, id: account.id }, query, cursor, settings);
  const parsed = accountContactsPageSchema.safeParse(page);
  if (!parsed.success) throw new CrmError('malformed', 'The CRM listed the account’s contacts in an unexpected shape.');
  return parsed.data;
}
