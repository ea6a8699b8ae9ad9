import { browser, type Browser } from 'wxt/browser';
import { db } from '../../core/db';
import { isExtensionPageUrl, PANEL_PORT, panelWatchSchema, type PanelPush } from '../../core/messaging';
import { watchPanelData } from '../../core/panel-data';
import { CONTACT_PAGE } from '../../core/page-sizes';
import { refKey, type RecordRef } from '../../core/schema';
import { currentSettings, onSettingsChanged } from './settings';
import type { Settings } from '../../core/settings';
import { isCrmPageUrl, parseRecordUrl } from '../../integrations/pages';

// Panels: which record each shows, and the live data they display. The record always comes from
// the tab's URL as the browser reports it through the tabs API — never from anything a CRM page or a
// content script can write. The data comes from a live query run here and posted over the port,
// because a panel framed inside a CRM page may be denied IndexedDB (third-party storage blocking).

interface PanelPort {
  port: Browser.runtime.Port;
  /** The tab an in-page panel lives in; null for Chrome's side panel, which follows its window's active tab. */
  tabId: number | null;
  /** The window a side panel belongs to; null when the browser cannot say (then: the last focused window). */
  windowId: number | null;
  /** The record last pushed to this panel: the only one it may watch. */
  ref: RecordRef | null;
  /** What is being watched for it now ("refKey|contactLimit"), so a repeated ask does not restart the query. */
  watching: string | null;
  stopWatching: (() => void) | null;
}


const panels = new Set<PanelPort>();

/**
 * A record's data read ahead for the in-page panel a tab is about to load: a full page load
 * replaces the panel, and the new one would otherwise start its query only once it has connected.
 * The panel that connects takes the running query over.
 */
interface ReadAhead {
  url: string;
  watching: string;
  /** The latest result, for the panel that takes the query over. */
  latest: PanelPush | null;
  /** Set once a panel has taken the query over. */
  deliver: ((message: PanelPush) => void) | null;
  stop: () => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Long enough for a page to boot its panel; a query no panel took over stops then. */
const READ_AHEAD_MS = 10_000;
const readAheads = new Map<number, ReadAhead>();

function dropReadAhead(tabId: number): void {
  const ahead = readAheads.get(tabId);
  if (!ahead) return;
  clearTimeout(ahead.timer);
  ahead.stop();
  readAheads.delete(tabId);
}

function readAhead(tabId: number, url: string, ref: RecordRef, settings: Settings): void {
  const watching = `${refKey(ref)}|${CONTACT_PAGE}`;
  if (readAheads.get(tabId)?.watching === watching) return;
  dropReadAhead(tabId);
  const ahead: ReadAhead = { url, watching, latest: null, deliver: null, stop: () => undefined, timer: setTimeout(() => dropReadAhead(tabId), READ_AHEAD_MS) };
  const emit = (message: PanelPush) => {
    ahead.latest = message;
    ahead.deliver?.(message);
  };
  ahead.stop = watchPanelData(
    db,
    ref,
    settings,
    CONTACT_PAGE,
    (result) => emit({ type: 'data', key: refKey(ref), contactLimit: CONTACT_PAGE, result }),
    () => emit({ type: 'data', key: refKey(ref), contactLimit: CONTACT_PAGE, result: { status: 'unreadable' } }),
  );
  readAheads.set(tabId, ahead);
}

/** Hands a read-ahead query over to the panel that now watches the same thing; false when there is none. */
function takeOverReadAhead(panel: PanelPort, watching: string): boolean {
  const ahead = panel.tabId !== null ? readAheads.get(panel.tabId) : undefined;
  if (!ahead || panel.tabId === null) return false;
  if (ahead.watching !== watching) {
    dropReadAhead(panel.tabId);
    return false;
  }
  clearTimeout(ahead.timer);
  readAheads.delete(panel.tabId);
  ahead.deliver = (message) => push(panel, message);
  panel.stopWatching = ahead.stop;
  if (ahead.latest) push(panel, ahead.latest);
  return true;
}

export type RecordListener = (ref: RecordRef) => void;

function push(panel: PanelPort, message: PanelPush): void {
  try {
    panel.port.postMessage(message);
  } catch {
    stop(panel);
  }
}

function stopWatching(panel: PanelPort): void {
  panel.stopWatching?.();
  panel.stopWatching = null;
  panel.watching = null;
}

function stop(panel: PanelPort): void {
  stopWatching(panel);
  panels.delete(panel);
}

async function activeTab(windowId: number | null): Promise<Browser.tabs.Tab | undefined> {
  const [tab] = await browser.tabs.query(windowId !== null ? { active: true, windowId } : { active: true, lastFocusedWindow: true });
  return tab;
}

/** The window a side panel page is in, from the browser's own list of extension contexts. */
async function sidePanelWindow(documentId: string | undefined): Promise<number | null> {
  if (!documentId || typeof browser.runtime.getContexts !== 'function') return null;
  const [context] = await browser.runtime.getContexts({ documentIds: [documentId] }).catch(() => []);
  return context && context.windowId >= 0 ? context.windowId : null;
}

/** Whether a side panel shows this tab: the active tab of the panel's window. */
function sidePanelShows(panel: PanelPort, tab: Pick<Browser.tabs.Tab, 'active' | 'windowId'>, lastFocusedActive: boolean): boolean {
  if (panel.tabId !== null || !tab.active) return false;
  return panel.windowId !== null ? panel.windowId === tab.windowId : lastFocusedActive;
}

async function tabUrl(tabId: number): Promise<string | null> {
  try {
    return (await browser.tabs.get(tabId)).url ?? null;
  } catch {
    return null;
  }
}

/**
 * Tells a panel its record and starts watching that record's data at once, without waiting for the
 * panel to ask: the first paint is one message away.
 */
function showRecord(panel: PanelPort, url: string | null, onRecord: RecordListener): void {
  const ref = url ? parseRecordUrl(url) : null;
  if (!ref || !panel.ref || refKey(ref) !== refKey(panel.ref)) stopWatching(panel);
  panel.ref = ref;
  push(panel, { type: 'record', ref, pageUrl: url });
  if (!ref) return;
  void watch(panel, ref, CONTACT_PAGE);
  onRecord(ref);
}

async function pushSettings(panel: PanelPort): Promise<void> {
  const { settings, notice } = await currentSettings();
  push(panel, { type: 'settings', settings, notice });
}

function onWatchRequest(panel: PanelPort, message: unknown): void {
  const request = panelWatchSchema.safeParse(message);
  if (!request.success || !panel.ref || refKey(request.data.ref) !== refKey(panel.ref)) return;
  void watch(panel, request.data.ref, request.data.contactLimit);
}

async function watch(panel: PanelPort, ref: RecordRef, contactLimit: number): Promise<void> {
  const watching = `${refKey(ref)}|${contactLimit}`;
  if (panel.watching === watching) return;
  stopWatching(panel);
  panel.watching = watching;
  if (takeOverReadAhead(panel, watching)) return;
  const { settings } = await currentSettings();
  if (panel.watching !== watching) return;
  panel.stopWatching = watchPanelData(
    db,
    ref,
    settings,
    contactLimit,
    (result) => push(panel, { type: 'data', key: refKey(ref), contactLimit, result }),
    () => push(panel, { type: 'data', key: refKey(ref), contactLimit, result: { status: 'unreadable' } }),
  );
}

export function listenForPanels(onRecord: RecordListener): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PANEL_PORT || port.sender?.id !== browser.runtime.id) return;
    if (!isExtensionPageUrl(port.sender.url ?? '')) return port.disconnect();
    const tabId = port.sender.tab?.id ?? null;
    const panel: PanelPort = { port, tabId, windowId: null, ref: null, watching: null, stopWatching: null };
    panels.add(panel);
    port.onDisconnect.addListener(() => stop(panel));
    port.onMessage.addListener((message: unknown) => onWatchRequest(panel, message));
    const documentId = port.sender.documentId;
    void (async () => {
      const [, url] = await Promise.all([
        pushSettings(panel),
        tabId !== null
          ? (readAheads.get(tabId)?.url ?? tabUrl(tabId))
          : sidePanelWindow(documentId).then(async (windowId) => {
              panel.windowId = windowId;
              return (await activeTab(windowId))?.url ?? null;
            }),
      ]);
      showRecord(panel, url, onRecord);
    })();
  });

  // Chrome's side panel follows the tab the user switches to in its window.
  browser.tabs.onActivated.addListener(({ tabId, windowId }) => {
    void tabUrl(tabId).then((url) => {
      for (const panel of panels) {
        if (panel.tabId === null && (panel.windowId === null || panel.windowId === windowId)) showRecord(panel, url, onRecord);
      }
    });
  });

  // CRMs are single-page apps: the browser reports their history navigations here, after the URL
  // has changed (a content script's own event can fire before it has). Host permissions make the
  // URL visible for CRM tabs only.
  browser.tabs.onUpdated.addListener((tabId, changeInfo, tab) => {
    if (!changeInfo.url || !isCrmPageUrl(changeInfo.url)) return;
    const url = changeInfo.url;
    const showHere = (lastFocusedActive: boolean) => {
      for (const panel of panels) {
        if (panel.tabId === tabId || sidePanelShows(panel, tab, lastFocusedActive)) showRecord(panel, url, onRecord);
      }
    };
    // A new document loads a new in-page panel, which will ask for this record: read it meanwhile.
    const ref = parseRecordUrl(url);
    if (ref && changeInfo.status === 'loading') void currentSettings().then(({ settings }) => readAhead(tabId, url, ref, settings));
    // Asking for the last focused window's tab costs a round trip: only a side panel of unknown window needs it.
    if ([...panels].some((panel) => panel.tabId === null && panel.windowId === null)) {
      void activeTab(null).then((active) => showHere(active?.id === tabId));
    } else {
      showHere(false);
    }
  });

  // New settings change what panels show (rules, language): resend them and re-run the queries.
  onSettingsChanged(() => {
    for (const tabId of [...readAheads.keys()]) dropReadAhead(tabId);
    for (const panel of panels) {
      stopWatching(panel);
      void pushSettings(panel);
      if (panel.ref) void watch(panel, panel.ref, CONTACT_PAGE);
    }
  });
}

export function pushToAllPanels(message: PanelPush): void {
  for (const panel of panels) push(panel, message);
}
