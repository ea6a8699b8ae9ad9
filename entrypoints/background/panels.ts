import { Dexie } from 'dexie';
import { browser, type Browser } from 'wxt/browser';
import { db } from '../../core/db';
import { isExtensionPageUrl, PANEL_PORT, panelWatchSchema, panelWindowSchema, type PanelPush } from '../../core/messaging';
import { watchPanelData, type PanelQueryResult } from '../../core/panel-data';
import { NO_CONTACT_FILTER, type ContactFilter } from '../../core/contact-list';
import { CONTACT_PAGE } from '../../core/page-sizes';
import { refKey, type RecordRef } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { currentSettings, onSettingsChanged } from './settings';
import { whileCacheKept } from './generations';
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
  /** What is being watched for it now (record, contact limit and filter), so a repeated ask does not restart the query. */
  watching: string | null;
  stopWatching: (() => void) | null;
  /** The data last sent, so that the query's first send does not repeat what the record's push carried. */
  sentResult: PanelQueryResult | null;
}


const panels = new Set<PanelPort>();

/**
 * The live query of what an in-page panel shows, kept per tab rather than per panel frame: it starts as soon as the
 * browser reports the tab's record URL, while the page and its panel frame are still loading, and it outlives a frame
 * by a little, so a page load's new panel is sent its data as it connects instead of starting the query then.
 */
interface TabWatch {
  watching: string;
  /** The query's last result, sent to a panel as it attaches. */
  latest: PanelPush | null;
  panel: PanelPort | null;
  idle: ReturnType<typeof setTimeout> | undefined;
  stop: () => void;
}

/** How long a tab's query runs on with no panel attached: a page load's panel connects well within it. */
const TAB_WATCH_IDLE_MS = 10_000;

const tabWatches = new Map<number, TabWatch>();

function watchKey(ref: RecordRef, contactLimit: number, contactFilter: ContactFilter): string {
  return `${refKey(ref)}|${contactLimit}|${contactFilter.segment ?? ''}|${contactFilter.search}`;
}

/**
 * The last result of the queries of recently shown records, so that a panel turning to one of them again (the side
 * panel following its tab from record to record, a page load's new frame) is sent it with the record, at once; the
 * query started beside it confirms or corrects it a moment later. Kept in the worker's memory only, and dropped when
 * the settings change or the CRM's cached data is wiped (a sign-out, a wipe): what the user removed never shows again.
 * A write to the database drops those whose query has stopped (see forgetStoppedResults).
 */
interface RecentResult {
  result: PanelQueryResult;
  kept: () => boolean;
  at: number;
}

const RECENT_RESULTS = 20;
/** Older than this, a result is not shown even for a moment: the records turned between are those of one task. */
const RECENT_FOR_MS = 10 * 60_000;

const recentResults = new Map<string, RecentResult>();
/** How many running queries follow each watched key. */
const liveQueries = new Map<string, number>();

/** Follows `watching`'s query results; `kept` was taken as the query started, so a result read before a wipe is not kept. */
function remember(watching: string, result: PanelQueryResult, kept: () => boolean): void {
  recentResults.delete(watching);
  if (result.status !== 'found' || !kept()) return;
  recentResults.set(watching, { result, kept, at: Date.now() });
  for (const oldest of recentResults.keys()) {
    if (recentResults.size <= RECENT_RESULTS) break;
    recentResults.delete(oldest);
  }
}

function recentResult(watching: string): PanelQueryResult | null {
  const recent = recentResults.get(watching);
  if (!recent) return null;
  if (recent.kept() && Date.now() - recent.at < RECENT_FOR_MS) return recent.result;
  recentResults.delete(watching);
  return null;
}

/** The data a panel turning to `ref` can be sent with it at once: its tab's read-ahead's, else the last one read. */
function knownResult(panel: PanelPort, ref: RecordRef): PanelQueryResult | null {
  const watching = watchKey(ref, CONTACT_PAGE, NO_CONTACT_FILTER);
  const ahead = panel.tabId !== null ? tabWatches.get(panel.tabId) : undefined;
  const read = ahead?.watching === watching && ahead.latest?.type === 'data' ? ahead.latest.result : null;
  return read ?? recentResult(watching);
}

/** Runs the query of what a panel shows, sending its last known result first when there is one. */
function watchRemembered(
  ref: RecordRef,
  settings: Settings,
  contactLimit: number,
  contactFilter: ContactFilter,
  send: (result: PanelQueryResult) => void,
): () => void {
  const watching = watchKey(ref, contactLimit, contactFilter);
  const kept = whileCacheKept(ref.crm);
  const recent = recentResult(watching);
  if (recent) send(recent);
  liveQueries.set(watching, (liveQueries.get(watching) ?? 0) + 1);
  const unsubscribe = watchPanelData(
    db,
    ref,
    settings,
    contactLimit,
    contactFilter,
    (result) => {
      remember(watching, result, kept);
      send(result);
    },
    () => {
      recentResults.delete(watching);
      send({ status: 'unreadable' });
    },
  );
  return () => {
    unsubscribe();
    const left = (liveQueries.get(watching) ?? 1) - 1;
    if (left > 0) liveQueries.set(watching, left);
    else liveQueries.delete(watching);
  };
}

/**
 * After a write, a kept result is current only while its query runs (a running query reads again what the write
 * touched and replaces it): those of stopped queries are dropped, so a save that finished after its panel moved on is
 * never shown as the record's data.
 */
function forgetStoppedResults(): void {
  for (const watching of [...recentResults.keys()]) if (!liveQueries.has(watching)) recentResults.delete(watching);
}

/** The tab's query for `watching`, started unless it runs already; a query for anything else in the tab stops. */
function tabWatch(tabId: number, ref: RecordRef, settings: Settings, contactLimit: number, contactFilter: ContactFilter): TabWatch {
  const watching = watchKey(ref, contactLimit, contactFilter);
  const running = tabWatches.get(tabId);
  if (running?.watching === watching) return running;
  running?.stop();
  const key = refKey(ref);
  const entry: TabWatch = { watching, latest: null, panel: null, idle: undefined, stop: () => undefined };
  const send = (message: PanelPush) => {
    entry.latest = message;
    if (entry.panel) push(entry.panel, message);
  };
  const unsubscribe = watchRemembered(ref, settings, contactLimit, contactFilter, (result) => send({ type: 'data', key, contactLimit, result }));
  entry.stop = () => {
    clearTimeout(entry.idle);
    entry.panel = null;
    unsubscribe();
    if (tabWatches.get(tabId) === entry) tabWatches.delete(tabId);
  };
  entry.idle = setTimeout(entry.stop, TAB_WATCH_IDLE_MS);
  tabWatches.set(tabId, entry);
  return entry;
}

/** Sends the tab's query results to `panel` from now on (the last one at once); returns the detach function. */
function attach(entry: TabWatch, panel: PanelPort): () => void {
  clearTimeout(entry.idle);
  entry.panel = panel;
  if (entry.latest) push(panel, entry.latest);
  return () => {
    if (entry.panel !== panel) return;
    entry.panel = null;
    entry.idle = setTimeout(entry.stop, TAB_WATCH_IDLE_MS);
  };
}

function stopTabWatches(): void {
  for (const entry of [...tabWatches.values()]) entry.stop();
}

export type RecordListener = (ref: RecordRef) => void;

function push(panel: PanelPort, message: PanelPush): void {
  if (message.type === 'data' && message.result === panel.sentResult) return;
  if (message.type === 'data' || message.type === 'record') panel.sentResult = message.result ?? null;
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
  const turned = !ref || !panel.ref || refKey(ref) !== refKey(panel.ref);
  if (turned) stopWatching(panel);
  panel.ref = ref;
  const known = ref && turned ? knownResult(panel, ref) : null;
  push(panel, { type: 'record', ref, pageUrl: url, ...(known && { result: known }) });
  if (!ref) return;
  void watch(panel, ref, CONTACT_PAGE);
  onRecord(ref);
}

async function pushSettings(panel: PanelPort): Promise<void> {
  const { settings, notices } = await currentSettings();
  push(panel, { type: 'settings', settings, notices });
}

function onPanelMessage(panel: PanelPort, message: unknown, onRecord: RecordListener): void {
  const request = panelWatchSchema.safeParse(message);
  if (request.success) {
    if (panel.ref && refKey(request.data.ref) === refKey(panel.ref)) void watch(panel, request.data.ref, request.data.contactLimit, request.data.contactFilter);
    return;
  }
  // Where the browser could not say (Firefox's sidebar), the side panel's own word places it in its window.
  const placed = panelWindowSchema.safeParse(message);
  if (placed.success && panel.tabId === null && panel.windowId === null) {
    panel.windowId = placed.data.windowId;
    void activeTab(panel.windowId).then((tab) => showRecord(panel, tab?.url ?? null, onRecord));
  }
}

async function watch(panel: PanelPort, ref: RecordRef, contactLimit: number, contactFilter: ContactFilter = NO_CONTACT_FILTER): Promise<void> {
  const watching = watchKey(ref, contactLimit, contactFilter);
  if (panel.watching === watching) return;
  stopWatching(panel);
  panel.watching = watching;
  const { settings } = await currentSettings();
  if (panel.watching !== watching) return;
  if (panel.tabId !== null) {
    panel.stopWatching = attach(tabWatch(panel.tabId, ref, settings, contactLimit, contactFilter), panel);
    return;
  }
  panel.stopWatching = watchRemembered(ref, settings, contactLimit, contactFilter, (result) => push(panel, { type: 'data', key: refKey(ref), contactLimit, result }));
}

export function listenForPanels(onRecord: RecordListener): void {
  Dexie.on('storagemutated', forgetStoppedResults);
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PANEL_PORT || port.sender?.id !== browser.runtime.id) return;
    if (!isExtensionPageUrl(port.sender.url ?? '')) return port.disconnect();
    const tabId = port.sender.tab?.id ?? null;
    const panel: PanelPort = { port, tabId, windowId: null, ref: null, watching: null, stopWatching: null, sentResult: null };
    panels.add(panel);
    port.onDisconnect.addListener(() => stop(panel));
    port.onMessage.addListener((message: unknown) => onPanelMessage(panel, message, onRecord));
    const documentId = port.sender.documentId;
    void (async () => {
      const [, url] = await Promise.all([
        pushSettings(panel),
        // The browser names the frame's tab, with its URL, as the port opens: no round trip to ask it again.
        tabId !== null
          ? (port.sender?.tab?.url ?? tabUrl(tabId))
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
    // A record's data starts loading as soon as the browser reports its URL, while its panel is still starting:
    // the panel's own ask joins the read under way.
    const ref = parseRecordUrl(url);
    if (ref) onRecord(ref);
    const showHere = (lastFocusedActive: boolean) => {
      const shownBeside = [...panels].some((panel) => sidePanelShows(panel, tab, lastFocusedActive));
      // What the tab's in-page panel will show is read from the cache now: after a page load, its new frame is still
      // starting. A side panel showing the tab reads for itself (the in-page panel steps aside for it).
      if (ref && !shownBeside) void currentSettings().then(({ settings }) => tabWatch(tabId, ref, settings, CONTACT_PAGE, NO_CONTACT_FILTER));
      for (const panel of panels) {
        if (panel.tabId === tabId || sidePanelShows(panel, tab, lastFocusedActive)) showRecord(panel, url, onRecord);
      }
    };
    // Asking for the last focused window's tab costs a round trip: only a side panel of unknown window needs it.
    if ([...panels].some((panel) => panel.tabId === null && panel.windowId === null)) {
      void activeTab(null).then((active) => showHere(active?.id === tabId));
    } else {
      showHere(false);
    }
  });

  // A closed tab's page will not load again: its query stops now rather than after the idle time, so it no longer reads
  // again on every write (a big account's takes a second, and the view opened next would wait behind it).
  browser.tabs.onRemoved.addListener((tabId) => tabWatches.get(tabId)?.stop());

  // New settings change what panels show (rules, language): resend them and re-run the queries.
  onSettingsChanged(() => {
    recentResults.clear();
    stopTabWatches();
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
