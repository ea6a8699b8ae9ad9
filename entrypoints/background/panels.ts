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
 * One live query per view (record, contact page, filter), shared by every panel that shows it and kept running for a
 * while after the last one leaves. A panel turning to a recent record — the side panel following its tab, a page
 * load's new frame, a colleague's record opened again — is sent the view's data with the record, at once, and that
 * data is current: the query is still live, so a write that touched the record since has already read it again. What
 * it did not touch does not make it read again (the store writes in slices Dexie tracks by key). Kept in the worker's
 * memory only. After a sign-out or a wipe a view reads again before it is sent; new settings end them all.
 */
interface ViewQuery {
  watching: string;
  listeners: Set<(result: PanelQueryResult) => void>;
  latest: PanelQueryResult | null;
  /** When `latest` was read: its clocks and windows are counted from then. */
  latestAt: number;
  /** A read is under way (the first, or after a write that touched the view's rows): `latest` may be behind. */
  reading: boolean;
  kept: () => boolean;
  unsubscribe: () => void;
  /** While no panel shows the view: when it ends. */
  idle: ReturnType<typeof setTimeout> | undefined;
  start: () => void;
}

/** Views kept running with no panel showing them, at most; the least recently shown ends first. */
const IDLE_VIEWS = 20;
/** Older than this, an idle view ends: the records turned between are those of one task. */
const IDLE_VIEW_FOR_MS = 10 * 60_000;
/** A view's data read longer ago than this is read again as a panel turns to it (its clocks count from the read). */
const VIEW_CLOCK_FOR_MS = 60_000;

/** In the order they were last shown, the most recent last. */
const views = new Map<string, ViewQuery>();

function watchKey(ref: RecordRef, contactLimit: number, contactFilter: ContactFilter): string {
  return `${refKey(ref)}|${contactLimit}|${contactFilter.segment ?? ''}|${contactFilter.search}`;
}

function endView(view: ViewQuery): void {
  clearTimeout(view.idle);
  view.unsubscribe();
  if (views.get(view.watching) === view) views.delete(view.watching);
}

function endViews(): void {
  for (const view of [...views.values()]) endView(view);
}

function startView(ref: RecordRef, settings: Settings, contactLimit: number, contactFilter: ContactFilter): ViewQuery {
  const view: ViewQuery = {
    watching: watchKey(ref, contactLimit, contactFilter),
    listeners: new Set(),
    latest: null,
    latestAt: 0,
    reading: true,
    kept: () => false,
    unsubscribe: () => undefined,
    idle: undefined,
    // (Re)reads from now: what was read before a sign-out or wipe, or before the clocks moved on, is not sent again.
    start: () => {
      view.unsubscribe();
      view.latest = null;
      view.reading = true;
      const kept = whileCacheKept(ref.crm);
      view.kept = kept;
      view.unsubscribe = watchPanelData(
        db,
        ref,
        settings,
        contactLimit,
        contactFilter,
        (result) => {
          if (!kept()) return view.start();
          view.reading = false;
          view.latest = result;
          view.latestAt = Date.now();
          for (const listener of view.listeners) listener(result);
        },
        () => {
          endView(view);
          for (const listener of view.listeners) listener({ status: 'unreadable' });
        },
        () => {
          view.reading = true;
        },
      );
    },
  };
  view.start();
  return view;
}

/** Idle views beyond the limit end, the least recently shown first. */
function trimIdleViews(): void {
  let idle = [...views.values()].filter((view) => view.listeners.size === 0).length;
  for (const view of [...views.values()]) {
    if (idle <= IDLE_VIEWS) return;
    if (view.listeners.size > 0) continue;
    endView(view);
    idle -= 1;
  }
}

/** The view's data as it stands, when it is current enough to show at once. */
function currentData(view: ViewQuery | undefined): PanelQueryResult | null {
  if (!view?.latest || view.reading || !view.kept()) return null;
  return Date.now() - view.latestAt < VIEW_CLOCK_FOR_MS ? view.latest : null;
}

/** Sends `send` the view's data, now when known and on every change; the returned function stops (the view idles). */
function showView(ref: RecordRef, settings: Settings, contactLimit: number, contactFilter: ContactFilter, send: (result: PanelQueryResult) => void): () => void {
  const watching = watchKey(ref, contactLimit, contactFilter);
  let view = views.get(watching);
  if (view) {
    clearTimeout(view.idle);
    view.idle = undefined;
    views.delete(watching);
    const known = currentData(view);
    if (known) send(known);
    // Read before the clocks moved on, or before a wipe: read again. (A read under way is waited for.)
    else if (!view.reading) view.start();
  } else {
    view = startView(ref, settings, contactLimit, contactFilter);
  }
  views.set(watching, view);
  const shown = view;
  shown.listeners.add(send);
  return () => {
    if (!shown.listeners.delete(send) || shown.listeners.size > 0 || views.get(watching) !== shown) return;
    shown.idle = setTimeout(() => endView(shown), IDLE_VIEW_FOR_MS);
    trimIdleViews();
  };
}

/** The data a panel turning to `ref` can be sent with it at once: the view's, when it runs and is current. */
function knownResult(ref: RecordRef): PanelQueryResult | null {
  return currentData(views.get(watchKey(ref, CONTACT_PAGE, NO_CONTACT_FILTER)));
}

/**
 * Starts reading what a page's panel will show as soon as the browser reports the record's URL, while the page and its
 * panel frame are still loading: the panel is sent it as it connects. Held for a while, so a view started ahead is
 * not the first to end among the idle ones.
 */
const READ_AHEAD_HOLD_MS = 10_000;

function readAhead(ref: RecordRef, settings: Settings): void {
  const release = showView(ref, settings, CONTACT_PAGE, NO_CONTACT_FILTER, () => undefined);
  setTimeout(release, READ_AHEAD_HOLD_MS);
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
  const known = ref && turned ? knownResult(ref) : null;
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
  panel.stopWatching = showView(ref, settings, contactLimit, contactFilter, (result) => push(panel, { type: 'data', key: refKey(ref), contactLimit, result }));
}

export function listenForPanels(onRecord: RecordListener): void {
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
      if (ref && !shownBeside) void currentSettings().then(({ settings }) => readAhead(ref, settings));
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

  // New settings change what panels show (rules, language): resend them and re-run the queries.
  onSettingsChanged(() => {
    endViews();
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
