import { browser } from 'wxt/browser';
import { PANEL_PORT, sendRequest } from '../../core/send';
import type { PanelHost, PanelPort } from '../../components/panel/host';
import type { PanelWindow } from '../../core/messaging';
import { takeStartHeard, takeStartPort } from './early-start';

const CALL_MODE_KEY = 'ui.callMode';
const FOLDED_KEY = 'ui.foldedSections';
/** The in-page panel's folded state, remembered; content/panel-host.ts follows it. */
const COLLAPSED_KEY = 'ui.panelCollapsed';

/**
 * The panel's view of the extension: a port for pushes and data, requests to the background, and
 * extension storage. Nothing here uses web storage or IndexedDB: inside a CRM page's frame Chrome
 * may deny both (third-party storage blocking), while extension APIs keep working.
 */
export function browserHost(): PanelHost {
  const framedInPage = window.top !== window;
  // Offered only where the background hears the side panel open and close (Chrome 142+), so the in-page panel steps aside.
  const movable = typeof browser.sidePanel?.open === 'function' && typeof browser.sidePanel.onOpened?.addListener === 'function';
  const sidePanel = import.meta.env.CHROME && framedInPage && movable ? browser.sidePanel : null;
  return {
    pageHosted: framedInPage,
    heardAtStart: takeStartHeard(),
    ...(framedInPage && { openInPage: () => void browser.storage.local.set({ [COLLAPSED_KEY]: false }) }),
    // The click's user activation outlives the await: Chrome requires one for sidePanel.open.
    ...(sidePanel && {
      openSidePanel: async () => {
        const tab = await browser.tabs.getCurrent();
        if (tab) await sidePanel.open({ windowId: tab.windowId });
      },
    }),
    connect: () => {
      // The first connection is the one opened as the page started; a reconnection opens its own.
      const started = takeStartPort();
      const port = started?.port ?? browser.runtime.connect({ name: PANEL_PORT });
      // A side panel or sidebar says which window it is in: Firefox gives the background no other way to know.
      if (!framedInPage) {
        void browser.windows
          .getCurrent()
          .then((current) => {
            if (current.id !== undefined) port.postMessage({ type: 'window', windowId: current.id } satisfies PanelWindow);
          })
          .catch(() => undefined);
      }
      if (!started) return port as PanelPort;
      return {
        ...(port as PanelPort),
        onMessage: {
          // What the background pushed before the panel listened is heard first, in order.
          addListener(listener) {
            for (const message of started.held.splice(0)) listener(message);
            port.onMessage.addListener(listener);
          },
        },
        onDisconnect: port.onDisconnect,
        postMessage: (message) => port.postMessage(message),
        disconnect: () => port.disconnect(),
      };
    },
    refresh: (ref) => sendRequest({ type: 'record.refresh', ref }),
    requestPermission: (origin) => browser.permissions.request({ origins: [origin.endsWith('/*') ? origin : `${origin}/*`] }),
    optionsUrl: browser.runtime.getURL('/options.html'),
    browserLanguages: navigator.languages.length > 0 ? navigator.languages : [navigator.language],
    async readCallMode() {
      const stored = (await browser.storage.local.get(CALL_MODE_KEY))[CALL_MODE_KEY];
      return typeof stored === 'boolean' ? stored : null;
    },
    writeCallMode: (on) => void browser.storage.local.set({ [CALL_MODE_KEY]: on }),
    async readFolded() {
      const stored = (await browser.storage.local.get(FOLDED_KEY))[FOLDED_KEY];
      return Array.isArray(stored) ? stored.filter((key): key is string => typeof key === 'string') : [];
    },
    writeFolded: (keys) => void browser.storage.local.set({ [FOLDED_KEY]: keys }),
    logOutcome: (input) => sendRequest({ type: 'outcome.log', input }),
    retryOutcome: (idempotencyKey) => sendRequest({ type: 'outcome.retry', idempotencyKey }),
    withdrawOutcome: (idempotencyKey) => sendRequest({ type: 'outcome.withdraw', idempotencyKey }),
    openFollowUp: (ref, responseKey) => sendRequest({ type: 'followUp.open', ref, responseKey }),
    loadLoopHistory: (ref) => sendRequest({ type: 'loops.load', ref }),
    listAccountContacts: (ref, query, cursor) => sendRequest({ type: 'account.contacts', ref, query, cursor }),
    now: () => Date.now(),
  };
}
