import { beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import { allowedSenders, classifySender, panelWatchSchema, panelWindowSchema, requestSchema, type Reply } from '../../core/messaging';
import { isCrmPageUrl } from '../../integrations/pages';
import { listenForRequests, type RequestHandlers } from '../../entrypoints/background/router';

const EXTENSION_ID = 'test-extension-id';
const panelSender: Browser.runtime.MessageSender = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/panel.html`, tab: { id: 7 } as Browser.tabs.Tab, frameId: 3 };
const hubspotContentScript: Browser.runtime.MessageSender = {
  id: EXTENSION_ID,
  url: 'https://app.hubspot.com/contacts/40001/record/0-1/51',
  tab: { id: 7 } as Browser.tabs.Tab,
  frameId: 0,
};
const validRef = { crm: 'hubspot', instance: '40001', objectType: 'contact', id: '51' } as const;

describe('classifySender', () => {
  it.each<[string, Browser.runtime.MessageSender, string | null]>([
    ['the panel (an extension page in a CRM tab)', panelSender, 'extension-page'],
    ['the options page', { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/options.html` }, 'extension-page'],
    ['the panel served from a dynamic URL', { id: EXTENSION_ID, url: 'chrome-extension://0f1e2d3c-dynamic/panel.html', tab: { id: 7 } as Browser.tabs.Tab }, 'extension-page'],
    ['our content script on a HubSpot record', hubspotContentScript, 'content-script'],
    ['our content script on a Salesforce page', { ...hubspotContentScript, url: 'https://acme.lightning.force.com/lightning/page/home' }, 'content-script'],
    ['a content script in a sub-frame of the CRM page', { ...hubspotContentScript, frameId: 4 }, null],
    ['a content script on a page that is not a CRM', { ...hubspotContentScript, url: 'https://evil.example/' }, null],
    ['another extension', { ...panelSender, id: 'someone-else' }, null],
    ['a sender without URL', { id: EXTENSION_ID }, null],
  ])('%s → %s', (_name, sender, expected) => {
    expect(classifySender(sender, EXTENSION_ID, isCrmPageUrl)).toBe(expected);
  });

  it('lets content scripts ask for nothing at all', () => {
    const forContentScripts = Object.entries(allowedSenders).filter(([, kinds]) => kinds.includes('content-script'));
    expect(forContentScripts).toEqual([]);
  });
});

describe('requestSchema', () => {
  it.each([
    ['an unknown type', { type: 'settings.write', settings: {} }],
    ['extra keys', { type: 'record.refresh', ref: validRef, also: 'this' }],
    ['extra keys inside the record', { type: 'record.refresh', ref: { ...validRef, token: 'x' } }],
    ['a record id with a path in it', { type: 'record.refresh', ref: { ...validRef, id: '51/../52' } }],
    ['a page.navigated message (content scripts report nothing)', { type: 'page.navigated' }],
    ['a prototype-pollution payload', JSON.parse('{"type":"record.refresh","ref":{"crm":"hubspot","instance":"40001","objectType":"contact","id":"51","__proto__":{"polluted":true}}}')],
    ['a constructor-pollution payload', JSON.parse('{"type":"outbox.flush","constructor":{"prototype":{"polluted":true}}}')],
    ['a token with spaces', { type: 'hubspot.connect', token: 'pat na1 with spaces' }],
    ['a loop history read with contact ids of its own', { type: 'loops.load', ref: validRef, contactIds: ['1', '2'] }],
    ['a contact list naming its own account', { type: 'account.contacts', ref: validRef, query: { segment: null, search: '' }, cursor: null, accountId: '101' }],
    ['a contact list of an unknown segment', { type: 'account.contacts', ref: validRef, query: { segment: 'vip', search: '' }, cursor: null }],
    ['a contact list search longer than the search box', { type: 'account.contacts', ref: validRef, query: { segment: null, search: 'x'.repeat(101) }, cursor: null }],
    ['a contact list place longer than any the connectors write', { type: 'account.contacts', ref: validRef, query: { segment: null, search: '' }, cursor: 'x'.repeat(401) }],
  ])('refuses %s', (_name, payload) => {
    expect(requestSchema.safeParse(payload).success).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws and never pollutes prototypes, whatever it is fed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.json().map((text) => JSON.parse(text) as unknown), fc.record({ type: fc.constantFrom(...Object.keys(allowedSenders)) }, { requiredKeys: [] })), (payload) => {
        const result = requestSchema.safeParse(payload);
        expect(typeof result.success).toBe('boolean');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('what a panel may say on its port', () => {
  it.each<[string, unknown, 'watch' | 'window' | null]>([
    ['a watch of its record', { type: 'watch', ref: validRef, contactLimit: 25, contactFilter: { segment: null, search: '' } }, 'watch'],
    ['a watch of its detractors named Ann', { type: 'watch', ref: validRef, contactLimit: 25, contactFilter: { segment: 'detractor', search: 'Ann' } }, 'watch'],
    ['a watch with no such segment', { type: 'watch', ref: validRef, contactLimit: 25, contactFilter: { segment: 'vip', search: '' } }, null],
    ['a watch with an endless search', { type: 'watch', ref: validRef, contactLimit: 25, contactFilter: { segment: null, search: 'x'.repeat(101) } }, null],
    ['its window (a side panel or sidebar)', { type: 'window', windowId: 3 }, 'window'],
    ['a window that is no id', { type: 'window', windowId: -1 }, null],
    ['a window as text', { type: 'window', windowId: '3' }, null],
    ['a window with more in it', { type: 'window', windowId: 3, tabId: 9 }, null],
    ['a watch of too many contacts', { type: 'watch', ref: validRef, contactLimit: 50_000, contactFilter: { segment: null, search: '' } }, null],
    ['anything else', { type: 'record', ref: validRef }, null],
  ])('%s', (_name, message, kind) => {
    const parsed = panelWatchSchema.safeParse(message).success ? 'watch' : panelWindowSchema.safeParse(message).success ? 'window' : null;
    expect(parsed).toBe(kind);
  });
});

describe('the background router', () => {
  const handlers = () =>
    Object.fromEntries(Object.keys(allowedSenders).map((type) => [type, vi.fn(async () => ({ handled: type }))])) as unknown as RequestHandlers;

  async function send(message: unknown, sender: Browser.runtime.MessageSender): Promise<Reply<unknown> | undefined> {
    let reply: Reply<unknown> | undefined;
    const answered = new Promise<void>((resolve) => {
      // The fake event's type omits sendResponse, which the real onMessage passes third.
      const trigger = fakeBrowser.runtime.onMessage.trigger as (...args: unknown[]) => Promise<unknown>;
      void trigger(message, sender, (response: Reply<unknown>) => {
        reply = response;
        resolve();
      });
      setTimeout(resolve, 50);
    });
    await answered;
    return reply;
  }

  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('runs a valid request from an allowed sender', async () => {
    const spies = handlers();
    listenForRequests(spies);
    expect(await send({ type: 'record.refresh', ref: validRef }, panelSender)).toEqual({ ok: true, value: { handled: 'record.refresh' } });
    expect(spies['record.refresh']).toHaveBeenCalledOnce();
    expect(await send({ type: 'loops.load', ref: validRef }, panelSender)).toEqual({ ok: true, value: { handled: 'loops.load' } });
  });

  it('refuses a CRM page asking for a write or a settings change, and runs nothing', async () => {
    const spies = handlers();
    listenForRequests(spies);
    const outcome = { type: 'outcome.log', input: { ref: validRef, contactId: '51', followUpId: null, responseId: null, result: 'no-answer', rootCauses: [], note: '', nextStep: null, thanked: false, closeFollowUp: false } };
    expect(await send(outcome, hubspotContentScript)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await send({ type: 'data.wipe', queued: 'discard' }, hubspotContentScript)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await send({ type: 'record.refresh', ref: validRef }, hubspotContentScript)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await send({ type: 'loops.load', ref: validRef }, hubspotContentScript)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await send({ type: 'account.contacts', ref: validRef, query: { segment: 'detractor', search: '' }, cursor: null }, hubspotContentScript)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
  });

  it('ignores messages from senders that are not ours', async () => {
    const spies = handlers();
    listenForRequests(spies);
    expect(await send({ type: 'outbox.flush' }, { ...panelSender, id: 'another-extension' })).toBeUndefined();
    expect(await send({ type: 'outbox.flush' }, { ...hubspotContentScript, url: 'https://evil.example/' })).toBeUndefined();
    for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
  });

  it('answers hostile payloads with a typed error and calls no handler', async () => {
    const spies = handlers();
    listenForRequests(spies);
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (payload) => {
        const reply = await send(payload, panelSender);
        expect(reply?.ok).toBe(false);
      }),
      { numRuns: 100 },
    );
    for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
  });

  it('turns a handler failure into plain words without internals', async () => {
    const spies = handlers();
    (spies['outbox.flush'] as unknown as ReturnType<typeof vi.fn>).mockRejectedValue(new TypeError('x is undefined at line 42'));
    listenForRequests(spies);
    const reply = await send({ type: 'outbox.flush' }, panelSender);
    expect(reply).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(JSON.stringify(reply)).not.toContain('line 42');
  });
});
