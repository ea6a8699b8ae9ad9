import { browser } from 'wxt/browser';
import { z } from 'zod';
import { PANEL_PORT, type ContentPush } from '../../core/messaging';
import { PLACEMENT_REPEATS_MS, SIDE_PANEL_WINDOWS_KEY } from '../../core/placement';
import { isCrmPageUrl } from '../../integrations/pages';

// Chrome's side panel keeps its page across the CRM's full page loads, so a record shows there
// without booting a frame. While it is open in a window, the in-page panels of that window's tabs
// step aside (one panel on screen, not two) and come back when it closes. Which windows have it open
// is kept in storage.local: the worker may stop while the side panel stays open, and a CRM page's
// content script reads it at start to know that it should wait to be told where the panel goes.

const windowIdsSchema = z.array(z.number().int());

async function sidePanelWindows(): Promise<number[]> {
  const parsed = windowIdsSchema.safeParse((await browser.storage.local.get(SIDE_PANEL_WINDOWS_KEY))[SIDE_PANEL_WINDOWS_KEY]);
  return parsed.success ? parsed.data : [];
}

/** Changes are chained so that two windows opening at once cannot overwrite each other's entry. */
let writes: Promise<unknown> = Promise.resolve();

function setSidePanelOpen(windowId: number, open: boolean): Promise<void> {
  const write = writes.then(async () => {
    const others = (await sidePanelWindows()).filter((id) => id !== windowId);
    const next = open ? [...others, windowId] : others;
    if (next.length > 0) await browser.storage.local.set({ [SIDE_PANEL_WINDOWS_KEY]: next });
    else await browser.storage.local.remove(SIDE_PANEL_WINDOWS_KEY);
  });
  writes = write.catch(() => undefined);
  return write;
}

function tellTab(tabId: number, inPage: boolean): void {
  // A page whose content script is not listening yet misses it; the word is repeated (listenForSidePanel).
  void browser.tabs.sendMessage(tabId, { type: 'panel.placement', inPage } satisfies ContentPush).catch(() => undefined);
}

async function tellWindow(windowId: number, inPage: boolean): Promise<void> {
  for (const tab of await browser.tabs.query({ windowId })) {
    if (tab.id !== undefined && tab.url && isCrmPageUrl(tab.url)) tellTab(tab.id, inPage);
  }
}

/** Tells a tab where its panel goes; with no side panel open anywhere no page waits for a word, and none is sent. */
async function placeTab(tabId: number, windowId: number): Promise<void> {
  const open = await sidePanelWindows();
  if (open.length > 0) tellTab(tabId, !open.includes(windowId));
}

/** The same, for a tab that may have moved or closed since. */
async function placeTabById(tabId: number): Promise<void> {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  if (tab?.id !== undefined && tab.url && isCrmPageUrl(tab.url)) await placeTab(tab.id, tab.windowId);
}

/** Whether this browser reports the side panel opening and closing (Chrome 142+); without it both panels may show. */
function reportsSidePanel(): boolean {
  return typeof browser.sidePanel?.onOpened?.addListener === 'function' && typeof browser.sidePanel.onClosed?.addListener === 'function';
}

export function listenForSidePanel(): void {
  if (!reportsSidePanel()) return;
  browser.sidePanel.onOpened.addListener(({ windowId }) => {
    void setSidePanelOpen(windowId, true).then(() => tellWindow(windowId, false));
  });
  browser.sidePanel.onClosed.addListener(({ windowId }) => {
    void setSidePanelOpen(windowId, false).then(() => tellWindow(windowId, true));
  });
  browser.windows.onRemoved.addListener((windowId) => void setSidePanelOpen(windowId, false));
  // Side panels are closed when the browser starts and when the extension is installed, updated or reloaded.
  const forgetAll = () => void browser.storage.local.remove(SIDE_PANEL_WINDOWS_KEY);
  browser.runtime.onStartup.addListener(forgetAll);
  browser.runtime.onInstalled.addListener(forgetAll);

  // Every new CRM document hears where its panel goes: the word sent as the page starts loading may
  // reach the old document, so it is repeated while the new one starts, and once more when it has loaded…
  browser.tabs.onUpdated.addListener((tabId, changeInfo, tab) => {
    if (!tab.url || !isCrmPageUrl(tab.url)) return;
    if (changeInfo.status === 'complete') void placeTab(tabId, tab.windowId);
    if (changeInfo.status !== 'loading') return;
    void sidePanelWindows().then((open) => {
      if (open.length === 0) return;
      tellTab(tabId, !open.includes(tab.windowId));
      for (const delay of PLACEMENT_REPEATS_MS) setTimeout(() => void placeTabById(tabId), delay);
    });
  });
  browser.tabs.onAttached.addListener((tabId, { newWindowId }) => void placeTab(tabId, newWindowId));
  // …and again when its in-page panel connects, by which time its content script surely listens.
  browser.runtime.onConnect.addListener((port) => {
    const tab = port.sender?.tab;
    if (port.name !== PANEL_PORT || port.sender?.id !== browser.runtime.id || tab?.id === undefined) return;
    void placeTab(tab.id, tab.windowId);
  });
}
