import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db } from '../../core/db';
import { PANEL_PORT, type PanelPush } from '../../core/messaging';
import type { PanelQueryResult } from '../../core/panel-data';
import type { RecordRef } from '../../core/schema';
import { saveRecordContext } from '../../core/store';
import { contact, context, response } from './cache-rows';

// What an in-page panel is sent as its tab moves between records: the record at once, with its data when the
// background has it, and that data current — a save that finished after the panel moved on shows when it turns back.
// fakeBrowser has no runtime.onConnect: the background's listener is caught here and handed a port the test holds.

const NOW = Date.UTC(2026, 11, 5, 12, 0);
const DAY = 24 * 3600_000;
const url = (id: string) => `https://app.hubspot.com/contacts/40001/record/0-1/${id}`;
const ref = (id: string): RecordRef => ({ crm: 'hubspot', instance: '40001', objectType: 'contact', id });

interface HeldPort {
  posted: PanelPush[];
  port: object;
}

let connect: (port: object) => void;

function panelPort(tabId: number, pageUrl: string): HeldPort {
  const posted: PanelPush[] = [];
  const none = { addListener: () => undefined };
  const port = {
    name: PANEL_PORT,
    sender: { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/panel.html'), tab: { id: tabId, url: pageUrl } },
    postMessage: (message: PanelPush) => void posted.push(message),
    onMessage: none,
    onDisconnect: none,
    disconnect: () => undefined,
  };
  return { posted, port };
}

const scores = (result: PanelQueryResult | undefined) => (result?.status === 'found' ? result.data.focus[0]!.responses.map((r) => r.score) : null);
const records = (held: HeldPort) => held.posted.filter((m): m is Extract<PanelPush, { type: 'record' }> => m.type === 'record');
const dataOf = (held: HeldPort, id: string) =>
  held.posted.filter((m): m is Extract<PanelPush, { type: 'data' }> => m.type === 'data' && m.key.endsWith(`|${id}`)).map((m) => m.result);

async function saveAnswers(id: string, answers: number[], at: number): Promise<void> {
  const rows = answers.map((score, i) => response(`${id}-${i}`, id, null, score, NOW - (answers.length - i) * DAY));
  await saveRecordContext(db, context(ref(id), at, rows, [contact(id, null)]));
}

beforeEach(async () => {
  fakeBrowser.reset();
  vi.resetModules();
  vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation((listener) => {
    connect = listener as never;
  });
  await Promise.all([db.views.clear(), db.responses.clear(), db.contacts.clear()]);
  await saveAnswers('51', [9], NOW);
  await saveAnswers('52', [4], NOW);
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function panelOnFirstRecord() {
  const { listenForPanels } = await import('../../entrypoints/background/panels');
  listenForPanels(() => undefined);
  const tab = await fakeBrowser.tabs.create({ url: url('51') });
  const panel = panelPort(tab.id!, url('51'));
  connect(panel.port);
  await vi.waitFor(() => expect(scores(dataOf(panel, '51').at(-1))).toEqual([9]));
  return { panel, tabId: tab.id! };
}

describe('what a panel is sent as its tab moves between records', () => {
  const settle = () => new Promise((done) => setTimeout(done, 300));

  it('turning back to a record sends its data with the record, including a save made after the panel left it', async () => {
    const { panel, tabId } = await panelOnFirstRecord();
    await fakeBrowser.tabs.update(tabId, { url: url('52') });
    await vi.waitFor(() => expect(scores(dataOf(panel, '52').at(-1))).toEqual([4]));

    // A refresh of the first record finishes while the panel shows the second; the user turns back a moment later.
    await saveAnswers('51', [9, 2], NOW + 1000);
    await settle();
    await fakeBrowser.tabs.update(tabId, { url: url('51') });

    const back = records(panel).at(-1)!;
    expect(back.ref?.id).toBe('51');
    expect(scores(back.result)).toEqual([9, 2]);
  });

  it('turning back while that save is still being read shows nothing old: the new data follows', async () => {
    const { panel, tabId } = await panelOnFirstRecord();
    await fakeBrowser.tabs.update(tabId, { url: url('52') });
    await vi.waitFor(() => expect(scores(dataOf(panel, '52').at(-1))).toEqual([4]));
    const before = panel.posted.length;

    await saveAnswers('51', [9, 2], NOW + 1000);
    await fakeBrowser.tabs.update(tabId, { url: url('51') });

    await vi.waitFor(() => expect(scores(dataOf(panel, '51').at(-1))).toEqual([9, 2]));
    const since = panel.posted.slice(before).flatMap((m) => (m.type === 'record' || m.type === 'data') && m.result ? [scores(m.result)] : []);
    expect(since).toEqual([[9, 2]]);
  });

  it('a record left untouched is sent at once, without reading it again', async () => {
    const { panel, tabId } = await panelOnFirstRecord();
    await fakeBrowser.tabs.update(tabId, { url: url('52') });
    await vi.waitFor(() => expect(scores(dataOf(panel, '52').at(-1))).toEqual([4]));
    // Another record's save does not touch the first record's rows.
    await saveAnswers('53', [1, 2, 3], NOW + 1000);
    await settle();
    const sent = dataOf(panel, '51').length;

    await fakeBrowser.tabs.update(tabId, { url: url('51') });
    expect(scores(records(panel).at(-1)!.result)).toEqual([9]);
    await settle();
    expect(dataOf(panel, '51')).toHaveLength(sent);
  });

  it('after the cached data is wiped, a record is not sent as it was read before', async () => {
    const { panel, tabId } = await panelOnFirstRecord();
    await fakeBrowser.tabs.update(tabId, { url: url('52') });
    await vi.waitFor(() => expect(scores(dataOf(panel, '52').at(-1))).toEqual([4]));
    const { endCache } = await import('../../entrypoints/background/generations');
    endCache('hubspot');

    await fakeBrowser.tabs.update(tabId, { url: url('51') });
    expect(records(panel).at(-1)!.result).toBeUndefined();
    await vi.waitFor(() => expect(scores(dataOf(panel, '51').at(-1))).toEqual([9]));
  });
});
