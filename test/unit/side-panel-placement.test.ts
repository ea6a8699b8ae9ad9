import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SIDE_PANEL_WINDOWS_KEY } from '../../core/placement';

// Where the panel goes while Chrome's side panel is open: the background tells the CRM tabs of that
// window (and only those) to step aside, remembers the window across worker restarts, and brings the
// in-page panels back when it closes. fakeBrowser has no sidePanel API, tabs.onAttached or
// runtime.onConnect: they are stood in for here with listeners the test calls.

type Listener<T> = (info: T) => void;
function event<T>() {
  const listeners: Array<Listener<T>> = [];
  return { addListener: (listener: Listener<T>) => void listeners.push(listener), fire: (info: T) => listeners.forEach((l) => l(info)) };
}

const HUBSPOT = 'https://app.hubspot.com/contacts/40001/record/0-1/111';
const OTHER_SITE = 'https://example.com/';

let sidePanel: { onOpened: ReturnType<typeof event<{ windowId: number; path: string }>>; onClosed: ReturnType<typeof event<{ windowId: number; path: string }>> };
let attached: Array<(tabId: number, info: { newWindowId: number }) => void>;
let connected: Array<(port: { name: string; sender?: { id?: string; tab?: { id?: number; windowId: number } } }) => void>;
let sent: Array<{ tabId: number; message: unknown }>;

beforeEach(() => {
  // The background repeats its word to a loading page on timers: faked, so none outlives its test.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  fakeBrowser.reset();
  vi.resetModules();
  sidePanel = { onOpened: event(), onClosed: event() };
  Object.assign(fakeBrowser, { sidePanel });
  attached = [];
  vi.spyOn(fakeBrowser.tabs.onAttached, 'addListener').mockImplementation((listener) => void attached.push(listener as never));
  connected = [];
  vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation((listener) => void connected.push(listener as never));
  sent = [];
  vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation(async (tabId: number, message: unknown) => {
    sent.push({ tabId, message });
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  Reflect.deleteProperty(fakeBrowser, 'sidePanel');
});

async function start() {
  const { listenForSidePanel } = await import('../../entrypoints/background/side-panel');
  listenForSidePanel();
}

async function twoWindows() {
  const first = await fakeBrowser.windows.create({ focused: true });
  const second = await fakeBrowser.windows.create();
  const crmInFirst = await fakeBrowser.tabs.create({ windowId: first.id, url: HUBSPOT });
  const otherInFirst = await fakeBrowser.tabs.create({ windowId: first.id, url: OTHER_SITE });
  const crmInSecond = await fakeBrowser.tabs.create({ windowId: second.id, url: HUBSPOT });
  return { first: first.id!, second: second.id!, crmInFirst: crmInFirst.id!, otherInFirst: otherInFirst.id!, crmInSecond: crmInSecond.id! };
}

/** Two windows, the side panel open in the first; what that sent is cleared. */
async function withSidePanelInFirstWindow() {
  await start();
  const w = await twoWindows();
  sidePanel.onOpened.fire({ windowId: w.first, path: 'panel.html' });
  await vi.waitFor(() => expect(sent).toHaveLength(1));
  sent.length = 0;
  return w;
}

const stored = async () => (await fakeBrowser.storage.local.get(SIDE_PANEL_WINDOWS_KEY))[SIDE_PANEL_WINDOWS_KEY];
const placement = (inPage: boolean) => ({ type: 'panel.placement', inPage });

describe('in-page panels and the side panel', () => {
  it('opening the side panel moves the CRM tabs of that window to it, and only those', async () => {
    await start();
    const w = await twoWindows();
    sidePanel.onOpened.fire({ windowId: w.first, path: 'panel.html' });
    await vi.waitFor(() => expect(sent).toEqual([{ tabId: w.crmInFirst, message: placement(false) }]));
    expect(await stored()).toEqual([w.first]);
  });

  it('closing it brings the in-page panels back and forgets the window', async () => {
    await start();
    const w = await twoWindows();
    sidePanel.onOpened.fire({ windowId: w.first, path: 'panel.html' });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    sidePanel.onClosed.fire({ windowId: w.first, path: 'panel.html' });
    await vi.waitFor(() => expect(sent.at(-1)).toEqual({ tabId: w.crmInFirst, message: placement(true) }));
    expect(await stored()).toBeUndefined();
  });

  it('tells every CRM page that starts loading where its panel goes', async () => {
    const w = await withSidePanelInFirstWindow();
    for (const tabId of [w.crmInFirst, w.crmInSecond, w.otherInFirst]) {
      await fakeBrowser.tabs.onUpdated.trigger(tabId, { status: 'loading' }, { ...(await fakeBrowser.tabs.get(tabId))!, status: 'loading' });
    }
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent).toContainEqual({ tabId: w.crmInFirst, message: placement(false) });
    expect(sent).toContainEqual({ tabId: w.crmInSecond, message: placement(true) });
  });

  it('repeats its word while the new document starts, and once more when it has loaded', async () => {
    const w = await withSidePanelInFirstWindow();
    const tab = (await fakeBrowser.tabs.get(w.crmInFirst))!;
    await fakeBrowser.tabs.onUpdated.trigger(w.crmInFirst, { status: 'loading' }, { ...tab, status: 'loading' });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    for (const [after, count] of [[150, 2], [250, 3], [500, 4]] as const) {
      await vi.advanceTimersByTimeAsync(after);
      await vi.waitFor(() => expect(sent).toHaveLength(count));
    }
    await fakeBrowser.tabs.onUpdated.trigger(w.crmInFirst, { status: 'complete' }, { ...tab, status: 'complete' });
    await vi.waitFor(() => expect(sent).toHaveLength(5));
    expect(new Set(sent.map((s) => JSON.stringify(s)))).toEqual(new Set([JSON.stringify({ tabId: w.crmInFirst, message: placement(false) })]));
  });

  it('a tab dragged into a window with the side panel open hands its record over', async () => {
    const w = await withSidePanelInFirstWindow();
    for (const listener of attached) listener(w.crmInSecond, { newWindowId: w.first });
    await vi.waitFor(() => expect(sent).toEqual([{ tabId: w.crmInSecond, message: placement(false) }]));
  });

  it('tells a page again when its in-page panel connects (it may have started after the first word)', async () => {
    const w = await withSidePanelInFirstWindow();
    const sender = { id: fakeBrowser.runtime.id, tab: { id: w.crmInFirst, windowId: w.first } };
    for (const listener of connected) listener({ name: 'loyalty-lens-panel', sender });
    for (const listener of connected) listener({ name: 'someone-else', sender });
    for (const listener of connected) listener({ name: 'loyalty-lens-panel', sender: { ...sender, id: 'another-extension' } });
    await vi.waitFor(() => expect(sent).toEqual([{ tabId: w.crmInFirst, message: placement(false) }]));
  });

  it('keeps both windows when two side panels open at once, and forgets them when the browser starts', async () => {
    await start();
    const w = await twoWindows();
    sidePanel.onOpened.fire({ windowId: w.first, path: 'panel.html' });
    sidePanel.onOpened.fire({ windowId: w.second, path: 'panel.html' });
    await vi.waitFor(async () => expect(await stored()).toEqual([w.first, w.second]));
    await fakeBrowser.windows.onRemoved.trigger(w.second);
    await vi.waitFor(async () => expect(await stored()).toEqual([w.first]));
    await fakeBrowser.runtime.onStartup.trigger();
    await vi.waitFor(async () => expect(await stored()).toBeUndefined());
  });

  it('sends nothing while no side panel is open anywhere (no page waits for a word then)', async () => {
    await start();
    const w = await twoWindows();
    const tab = (await fakeBrowser.tabs.get(w.crmInFirst))!;
    await fakeBrowser.tabs.onUpdated.trigger(w.crmInFirst, { status: 'loading' }, { ...tab, status: 'loading' });
    await fakeBrowser.tabs.onUpdated.trigger(w.crmInFirst, { status: 'complete' }, { ...tab, status: 'complete' });
    for (const listener of connected) listener({ name: 'loyalty-lens-panel', sender: { id: fakeBrowser.runtime.id, tab: { id: w.crmInFirst, windowId: w.first } } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([]);
  });

  it('does nothing where the browser cannot report the side panel opening (Chrome before 142)', async () => {
    Reflect.deleteProperty(fakeBrowser, 'sidePanel');
    await start();
    const w = await twoWindows();
    await fakeBrowser.tabs.onUpdated.trigger(w.crmInFirst, { status: 'loading' }, (await fakeBrowser.tabs.get(w.crmInFirst))!);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([]);
  });
});
