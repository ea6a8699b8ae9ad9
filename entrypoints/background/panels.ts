import { browser, type Browser } from 'wxt/browser';
import { isExtensionPageUrl, PANEL_PORT, type PanelPush } from '../../core/messaging';
import type { RecordRef } from '../../core/schema';
import { isCrmPageUrl, parseRecordUrl } from '../../integrations/pages';

// Which record each panel shows. The record always comes from the tab's URL as the browser reports
// it through the tabs API — never from anything a CRM page or a content script can write.

interface PanelPort {
  port: Browser.runtime.Port;
  /** The tab an in-page panel lives in; null for Chrome's side panel, which follows the active tab. */
  tabId: number | null;
}

const panels = new Set<PanelPort>();

export type RecordListener = (ref: RecordRef) => void;

function push(panel: PanelPort, message: PanelPush): void {
  try {
    panel.port.postMessage(message);
  } catch {
    panels.delete(panel);
  }
}

async function activeTab(): Promise<Browser.tabs.Tab | undefined> {
  const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
}

async function tabUrl(tabId: number): Promise<string | null> {
  try {
    return (await browser.tabs.get(tabId)).url ?? null;
  } catch {
    return null;
  }
}

function recordMessage(url: string | null): PanelPush {
  return { type: 'record', ref: url ? parseRecordUrl(url) : null, pageUrl: url };
}

export function listenForPanels(onRecord: RecordListener): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PANEL_PORT || port.sender?.id !== browser.runtime.id) return;
    if (!isExtensionPageUrl(port.sender.url ?? '')) return port.disconnect();
    const panel: PanelPort = { port, tabId: port.sender.tab?.id ?? null };
    panels.add(panel);
    port.onDisconnect.addListener(() => panels.delete(panel));
    void (async () => {
      const url = panel.tabId !== null ? await tabUrl(panel.tabId) : ((await activeTab())?.url ?? null);
      const message = recordMessage(url);
      push(panel, message);
      if (message.type === 'record' && message.ref) onRecord(message.ref);
    })();
  });

  // Chrome's side panel follows the tab the user switches to.
  browser.tabs.onActivated.addListener(({ tabId }) => {
    void tabUrl(tabId).then((url) => {
      for (const panel of panels) if (panel.tabId === null) push(panel, recordMessage(url));
    });
  });

  // CRMs are single-page apps: the browser reports their history navigations here, after the URL
  // has changed (a content script's own event can fire before it has). Host permissions make the
  // URL visible for CRM tabs only.
  browser.tabs.onUpdated.addListener((tabId, changeInfo) => {
    if (changeInfo.url && isCrmPageUrl(changeInfo.url)) void tabNavigated(tabId, changeInfo.url, onRecord);
  });
}

/** A CRM tab changed URL: tell that tab's panels (and side panels) what record it is. */
async function tabNavigated(tabId: number, url: string, onRecord: RecordListener): Promise<RecordRef | null> {
  const message = recordMessage(url);
  const ref = message.type === 'record' ? message.ref : null;
  const active = await activeTab();
  for (const panel of panels) {
    if (panel.tabId === tabId || (panel.tabId === null && active?.id === tabId)) push(panel, message);
  }
  if (ref) onRecord(ref);
  return ref;
}

export function pushToAllPanels(message: PanelPush): void {
  for (const panel of panels) push(panel, message);
}
