import { browser } from 'wxt/browser';
import { sendRequest } from '../../core/send';
import { isCrmPageUrl } from '../../integrations/pages';
import type { WorklistHost } from '../../components/worklist/host';
import type { OutcomeActions } from '../../components/outcome/actions';

/** The worklist's view of the extension: requests to the background, and the tabs it opens records in. */
export function browserWorklistHost(outcomeActions: OutcomeActions): WorklistHost {
  const framedInPage = window.top !== window;
  return {
    get: () => sendRequest({ type: 'worklist.get' }),
    refresh: () => sendRequest({ type: 'worklist.refresh' }),
    owners: (crm) => sendRequest({ type: 'worklist.owners', crm }),
    setMe: (owner) => sendRequest({ type: 'worklist.setMe', crm: 'hubspot', owner }),
    team: (crm) => sendRequest({ type: 'worklist.team', crm }),
    ownerLoops: (crm, ownerId) => sendRequest({ type: 'worklist.ownerLoops', crm, ownerId }),
    reassign: (row, ownerId) => sendRequest({ type: 'worklist.reassign', crm: row.crm, loopId: row.id, kind: row.kind, ownerId }),
    setInterval: (minutes) => sendRequest({ type: 'worklist.setInterval', minutes }),
    async openRecord(url, where) {
      // Only CRM record pages: the row's link was built by the connector, and is checked again here.
      if (!isCrmPageUrl(url)) return;
      if (where === 'new-tab') {
        await browser.tabs.create({ url });
        return;
      }
      // In a CRM page's frame "this tab" is the page around the panel; in the side panel, the window's tab in front.
      const [tab] = framedInPage ? [await browser.tabs.getCurrent()] : await browser.tabs.query({ active: true, currentWindow: true });
      if (tab?.id !== undefined) await browser.tabs.update(tab.id, { url });
      else await browser.tabs.create({ url });
    },
    outcomeActions,
    optionsUrl: browser.runtime.getURL('/options.html'),
    now: () => Date.now(),
  };
}
