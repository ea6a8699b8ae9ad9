import { browser } from 'wxt/browser';
import { sendRequest } from '../../core/send';
import { isCrmPageUrl } from '../../integrations/pages';
import type { WorklistHost } from '../../components/worklist/host';
import type { OutcomeActions } from '../../components/outcome/actions';
import { startWorklistSoFar, takeStartWorklist } from './early-start';

/** How long a snapshot asked for at the panel's start still counts as the saved list. */
const EARLY_SNAPSHOT_MS = 2_000;

/** The worklist's view of the extension: requests to the background, and the tabs it opens records in. */
export function browserWorklistHost(outcomeActions: OutcomeActions): WorklistHost {
  const framedInPage = window.top !== window;
  // Outside a CRM page (the side panel, the sidebar, a tab) the list is what the panel shows first: its saved copy is
  // asked for as the page starts (public/panel-start.js), and the list's first look takes it if it is still new.
  return {
    get: async () => {
      const early = framedInPage ? null : await takeStartWorklist(EARLY_SNAPSHOT_MS);
      return early ?? sendRequest({ type: 'worklist.get' });
    },
    savedSoFar: () => (framedInPage ? null : startWorklistSoFar(EARLY_SNAPSHOT_MS)),
    refresh: () => sendRequest({ type: 'worklist.refresh' }),
    owners: (crm) => sendRequest({ type: 'worklist.owners', crm }),
    setMe: (owner) => sendRequest({ type: 'worklist.setMe', crm: 'hubspot', owner }),
    team: (crm) => sendRequest({ type: 'worklist.team', crm }),
    ownerLoops: (crm, ownerId) => sendRequest({ type: 'worklist.ownerLoops', crm, ownerId }),
    reassign: (row, ownerId) => sendRequest({ type: 'worklist.reassign', crm: row.crm, loopId: row.id, kind: row.kind, ownerId }),
    setInterval: (minutes) => sendRequest({ type: 'worklist.setInterval', minutes }),
    numbers: () => sendRequest({ type: 'worklist.numbers' }),
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
