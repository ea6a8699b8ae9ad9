import type { CrmConnector } from '../crm';
import { SalesforceOrg, testConnection, type SalesforceOrgOptions } from './connection';
import { createFollowUp } from './follow-ups';
import { listFields, listObjects, previewSource } from './metadata';
import { writeOutcomes } from './outcomes';
import { loadContext } from './record-context';
import { ContactListShare, listAccountContacts, pageOf } from './account-contacts';
import type { ListPage } from './account-counts';
import { salesforceWorklist } from './worklist';
import { salesforceInsights } from './insights';
import { caseReasonValues, createLoopField, loopFieldStatus } from './loop-fields';

// The Salesforce connector: runs only in the background service worker. Each concern lives in the file of its
// name (the same names as in integrations/hubspot/); this file only assembles them. There is no loop-history read:
// the team's loops come with the record view's own request (see loop-history.ts).

export type SalesforceConnectorOptions = SalesforceOrgOptions;

export function createSalesforceConnector(options: SalesforceConnectorOptions): CrmConnector {
  const org = new SalesforceOrg(options);
  const lists = new ContactListShare(org.now);
  // A big account's view reads its contact list's first pages along; the list starts from them.
  const keepListPages = (accountId: string, pages: ListPage[]) => {
    for (const { query, rows, total } of pages) lists.put(ContactListShare.key(accountId, query, null), pageOf(org, rows, total, 0));
  };
  return {
    crm: 'salesforce',
    testConnection: () => testConnection(org),
    loadContext: (ref, settings) => loadContext(org, ref, settings, keepListPages),
    listAccountContacts: (account, query, cursor, settings) => listAccountContacts(org, lists, account, query, cursor, settings),
    writeOutcomes: (outcomes, settings) => writeOutcomes(org, outcomes, settings),
    createFollowUp: (response, settings) => createFollowUp(org, response, settings),
    listObjects: () => listObjects(org),
    listFields: (objectName) => listFields(org, objectName),
    previewSource: (source, limit) => previewSource(org, source, limit),
    worklist: salesforceWorklist(org),
    insights: salesforceInsights(org),
    loopFields: {
      status: (settings) => loopFieldStatus(org, settings, { requests: 0 }),
      create: (name, settings) => createLoopField(org, name, settings, { requests: 0 }),
      caseReasons: () => caseReasonValues(org, { requests: 0 }),
    },
  };
}
