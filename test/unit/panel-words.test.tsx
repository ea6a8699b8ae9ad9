// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type * as I18nModule from '../../core/i18n';
import type { Catalog } from '../../core/locales/en';
import type * as OptionsStringsModule from '../../components/options/strings';
import type * as Messaging from '../../core/messaging';
import type * as OutcomeFormMessagesModule from '../../components/outcome/form-messages';
import type * as OutcomeMessagesModule from '../../components/outcome/messages';
import type * as RuInsightsModule from '../../core/locales/ru-insights';
import type * as EnInsightsModule from '../../core/locales/en-insights';
import type * as RuWorklistModule from '../../core/locales/ru-worklist';
import type * as EnWorklistModule from '../../core/locales/en-worklist';
import type * as RuAccountModule from '../../core/locales/ru-account';
import type * as EnAccountModule from '../../core/locales/en-account';
import { LoyaltyLensDb } from '../../core/db';
import { CONNECTIONS_KEY } from '../../core/messaging';
import type { RecordContext, RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { saveRecordContext } from '../../core/store';
import { createHubSpotConnector } from '../../integrations/hubspot/connector';
import { createSalesforceConnector } from '../../integrations/salesforce/connector';
import { SalesforceSession } from '../../integrations/salesforce/oauth';
import { OptionsApp } from '../../components/options/OptionsApp';
import { InsightsApp } from '../../components/insights/InsightsApp';
import type { InsightsHost } from '../../components/insights/host';
import { I18nProvider } from '../../components/panel/i18n-context';
import type { WorklistHost } from '../../components/worklist/host';
import { WorklistSurface } from '../../components/worklist/WorklistSurface';
import { CrmError } from '../../core/crm';
import { toUserFacingError } from '../../core/errors';
import { createI18n, loadCatalog } from '../../core/i18n';
import { lastMonths, monthsOf, type InsightsCounts, type InsightsPart } from '../../core/insights';
import { combineLoopCounts, type LoopNumbers } from '../../core/loop-metrics';
import { firstLine, type WorklistRead, type WorklistSnapshot } from '../../core/worklist';
import { LOOP_OWNERS } from '../../sandbox/hubspot/loop-owners';
import { HUBSPOT_FIXTURES as HS } from '../../sandbox/hubspot/seed';
import { SALESFORCE_FIXTURES as SF } from '../../sandbox/salesforce/index';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { routeToSandbox, signIn } from './salesforce-sandbox-client';
import { renderPanel, testHost } from './panel-helpers';

// Words, not codes, in both languages. The panel and the options page are rendered with what the real
// connectors read from the sandbox CRM (its channels, statuses, priorities and names as HubSpot and Salesforce
// give them), with every message of the locale files marked ⟦…⟧ and every Intl-formatted value too. Then every
// text node is scanned: what is left once the marked words and the CRM's own data (names, comments, survey and deal
// names) are taken out must hold no letter — a word hard-coded in a component would be left over — and no text may
// carry a code: ALL_CAPS_WITH_UNDERSCORES, snake_case, camelCase keys or a shouted word like EMAIL.

const { OPEN, CLOSE, mark, markWords } = vi.hoisted(() => {
  const mark = (text: string) => `⟦${text}⟧`;
  /** A message marked around its own words only: what fills a {placeholder} is checked like any other text. */
  const markMessage = (text: string) =>
    text
      .split(/(\{[^{}]+\})/)
      .map((part) => (part === '' || /^\{[^{}]+\}$/.test(part) ? part : mark(part)))
      .join('');
  /** A catalog with every message (and every plural form) marked. */
  const markWords = <T extends object>(catalog: T): T =>
    Object.fromEntries(
      Object.entries(catalog).map(([key, message]) => [
        key,
        typeof message === 'string'
          ? markMessage(message)
          : Object.fromEntries(Object.entries(message as Record<string, string>).map(([form, text]) => [form, markMessage(text)])),
      ]),
    ) as T;
  return { OPEN: '⟦', CLOSE: '⟧', mark, markWords };
});

vi.mock('../../core/i18n', async (importOriginal) => {
  const real = await importOriginal<typeof I18nModule>();
  const markCatalog = (catalog: Catalog) => markWords(catalog);
  const markFormatters = (i18n: I18nModule.I18n): I18nModule.I18n => ({
    ...i18n,
    // A surface's own words (My open loops) come over the panel's: marked by their own module's mock.
    extend: (words) => markFormatters(i18n.extend(words)),
    number: (...args) => mark(i18n.number(...args)),
    score: (...args) => mark(i18n.score(...args)),
    money: (...args) => mark(i18n.money(...args)),
    date: (...args) => mark(i18n.date(...args)),
    dateTime: (...args) => mark(i18n.dateTime(...args)),
    dayMonth: (...args) => mark(i18n.dayMonth(...args)),
    relative: (...args) => mark(i18n.relative(...args)),
    span: (...args) => mark(i18n.span(...args)),
  });
  const { en } = await import('../../core/locales/en');
  return {
    ...real,
    loadCatalog: async (locale: I18nModule.Locale) => markCatalog(await real.loadCatalog(locale)),
    createI18n: (locale: I18nModule.Locale, catalog?: Catalog) => markFormatters(real.createI18n(locale, catalog ?? markCatalog(en))),
  };
});

// Each surface's own catalog, marked as the panel's is.
vi.mock('../../core/locales/en-worklist', async (importOriginal) => {
  const real = await importOriginal<typeof EnWorklistModule>();
  return { ...real, enWorklist: markWords(real.enWorklist) };
});
vi.mock('../../core/locales/ru-worklist', async (importOriginal) => {
  const real = await importOriginal<typeof RuWorklistModule>();
  return { ...real, ruWorklist: markWords(real.ruWorklist) };
});
vi.mock('../../core/locales/en-account', async (importOriginal) => {
  const real = await importOriginal<typeof EnAccountModule>();
  return { ...real, enAccount: markWords(real.enAccount) };
});
vi.mock('../../core/locales/ru-account', async (importOriginal) => {
  const real = await importOriginal<typeof RuAccountModule>();
  return { ...real, ruAccount: markWords(real.ruAccount) };
});
vi.mock('../../core/locales/en-insights', async (importOriginal) => {
  const real = await importOriginal<typeof EnInsightsModule>();
  return { ...real, enInsights: markWords(real.enInsights) };
});
vi.mock('../../core/locales/ru-insights', async (importOriginal) => {
  const real = await importOriginal<typeof RuInsightsModule>();
  return { ...real, ruInsights: markWords(real.ruInsights) };
});

vi.mock('../../components/options/strings', async (importOriginal) => {
  const real = await importOriginal<typeof OptionsStringsModule>();
  const markValue = (value: unknown): unknown =>
    typeof value === 'string'
      ? mark(value)
      : typeof value === 'function'
        ? (...args: unknown[]) => markValue((value as (...a: unknown[]) => unknown)(...args))
        : Array.isArray(value)
          ? value.map(markValue)
          : value && typeof value === 'object'
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markValue(v)]))
            : value;
  const marked = (strings: OptionsStringsModule.OptionsStrings) =>
    ({ ...(markValue(strings) as OptionsStringsModule.OptionsStrings), locale: strings.locale }) as OptionsStringsModule.OptionsStrings;
  const OPTIONS_STRINGS = { en: marked(real.OPTIONS_STRINGS.en), ru: marked(real.OPTIONS_STRINGS.ru) };
  const { createContext, useContext } = await import('react');
  const context = createContext(OPTIONS_STRINGS.en);
  return { ...real, OPTIONS_STRINGS, StringsProvider: context.Provider, useStrings: () => useContext(context) };
});

vi.mock('../../components/outcome/messages', async (importOriginal) => {
  const real = await importOriginal<typeof OutcomeMessagesModule>();
  const markValue = (value: unknown): unknown =>
    typeof value === 'string'
      ? mark(value)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markValue(v)]))
        : value;
  return { ...real, outcomeMessages: (locale: I18nModule.Locale) => markValue(real.outcomeMessages(locale)) as ReturnType<typeof real.outcomeMessages> };
});

vi.mock('../../components/outcome/form-messages', async (importOriginal) => {
  const real = await importOriginal<typeof OutcomeFormMessagesModule>();
  const markValue = (value: unknown): unknown =>
    typeof value === 'string' ? mark(value) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markValue(v)])) : value;
  return { ...real, outcomeFormMessages: (locale: I18nModule.Locale) => markValue(real.outcomeFormMessages(locale)) as ReturnType<typeof real.outcomeFormMessages> };
});

vi.mock('../../core/messaging', async (importOriginal) => ({
  ...(await importOriginal<typeof Messaging>()),
  sendRequest: vi.fn(async () => ({ ok: false, error: { kind: 'network', message: 'offline' } })),
}));

let sandbox: RunningSandbox;
let unroute: () => void;
const contexts: Array<{ name: string; ref: RecordRef; ctx: RecordContext }> = [];
/** My open loops and the loop's numbers as the connectors read them, Nora Quist's in HubSpot, the signed-in user's in Salesforce. */
const loops: { hubspot: WorklistRead; salesforce: WorklistRead; salesforceMe: { ownerId: string; name: string }; numbers: LoopNumbers } = {} as never;
/** The outer loop as each CRM counted it, over the last 12 months. */
const counted: { hubspot: InsightsCounts; salesforce: InsightsCounts } = {} as never;
/** What a CRM that cannot be reached says, as the background passes it on. */
const UNREACHABLE = toUserFacingError(new CrmError('network', 'fetch failed'), 'The CRM response');

/** Every string the CRM gave (names, comments, survey and deal names…): data, shown as it is. */
function crmStrings(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string' && value.trim().length > 1) out.add(value.trim());
  else if (Array.isArray(value)) value.forEach((v) => crmStrings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => crmStrings(v, out));
  return out;
}

/** Takes the marked words out, innermost first (a message may hold another's). */
function withoutMarked(text: string): string {
  let rest = text;
  for (;;) {
    const next = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
    if (next === rest) return rest;
    rest = next;
  }
}

const CODE_PATTERNS: Array<[string, RegExp]> = [
  ['ALL_CAPS code', /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/],
  ['snake_case key', /\b[a-z][a-z0-9]*_[a-z0-9_]+\b/],
  ['camelCase key', /\b[a-z]+[A-Z][A-Za-z0-9]*\b/],
  ['key=value code', /\b[a-z-]+=\S+/],
  // A shouted word; the acronyms a person reads as words stay.
  ['shouted word', /\b(?!(?:CSAT|NPS|CES|CRM|SLA|API|URL|ID|USD|EUR|GBP|PKCE|OAuth)\b)[A-Z]{4,}\b/],
];

/** Text nodes a person can read, skipping what code shows as code on purpose (an admin's scopes, ids). */
function readableTexts(root: HTMLElement): string[] {
  const texts: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('code, script, style, [hidden]')) continue;
    const text = node.textContent ?? '';
    if (text.trim()) texts.push(text);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[aria-label], [title], [placeholder]')) {
    for (const attr of ['aria-label', 'title', 'placeholder']) {
      const value = el.getAttribute(attr);
      if (value?.trim()) texts.push(value);
    }
  }
  return texts;
}

function problems(root: HTMLElement, data: Set<string>): string[] {
  const found: string[] = [];
  const dataByLength = [...data].sort((a, b) => b.length - a.length);
  for (const text of readableTexts(root)) {
    const plain = text.replaceAll(OPEN, '').replaceAll(CLOSE, '');
    for (const [what, pattern] of CODE_PATTERNS) {
      // A code inside the CRM's own data (a comment, a name) is the customer's text, not ours.
      let scanned = plain;
      for (const d of dataByLength) scanned = scanned.replaceAll(d, ' ');
      const hit = pattern.exec(scanned);
      if (hit) found.push(`${what} "${hit[0]}" in "${plain}"`);
    }
    let rest = withoutMarked(text);
    for (const d of dataByLength) rest = rest.replaceAll(d, ' ');
    // A keyboard shortcut names keys as the keyboard does, in every language.
    rest = rest.replace(/\b(?:Alt|Ctrl|Shift|Meta|Cmd)(?:\+(?:Alt|Ctrl|Shift|Meta|Cmd|Enter|[A-Z0-9]))+\b/g, ' ');
    // A long comment shown shortened ("…") is still the CRM's text.
    const shortened = rest.trim().replace(/…$/, '');
    if (rest.trim().endsWith('…') && dataByLength.some((d) => d.startsWith(shortened))) rest = '';
    if (/\p{L}/u.test(rest)) found.push(`not from the locale files: "${rest.trim()}" in "${plain}"`);
  }
  return [...new Set(found)];
}

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, latencyMs: 0 });
  // The CRMs' own host names, routed to the sandbox (the panel's page environment has no cross-origin fetch).
  unroute = routeToSandbox(sandbox);
  const hubspot = createHubSpotConnector({ token: HS.tokens.main });
  await hubspot.refreshDirectory();
  const hs = (objectType: RecordRef['objectType'], id: string): RecordRef => ({ crm: 'hubspot', instance: HS.portals.main, objectType, id });
  for (const [name, ref] of [
    ['HubSpot contact', hs('contact', HS.sampleContactId)],
    ['HubSpot contact with hard comments', hs('contact', HS.hardCommentsContactId)],
    ['HubSpot company', hs('company', HS.companyId)],
    ['HubSpot deal', hs('deal', HS.dealId)],
    ['HubSpot ticket', hs('ticket', HS.ticketId)],
  ] as const) {
    contexts.push({ name, ref, ctx: await hubspot.loadContext(ref, DEFAULT_SETTINGS) });
  }
  const tokens = await signIn();
  const salesforce = createSalesforceConnector({
    session: new SalesforceSession({ tokens, loginHost: SF.hosts.login, consumerKey: SF.consumerKey, onTokens: () => undefined }),
    apiVersion: '62.0',
    clock: { now: Date.now, sleep: async () => {} },
  });
  const sf = (objectType: RecordRef['objectType'], id: string): RecordRef => ({ crm: 'salesforce', instance: SF.hosts.api, objectType, id });
  for (const [name, ref] of [
    ['Salesforce contact', sf('contact', SF.sampleContactId)],
    ['Salesforce account', sf('account', SF.sampleAccountId)],
    ['Salesforce case', sf('case', SF.caseId)],
  ] as const) {
    contexts.push({ name, ref, ctx: await salesforce.loadContext(ref, DEFAULT_SETTINGS) });
  }

  const salesforceMe = (await salesforce.worklist!.signedInOwner())!;
  loops.salesforceMe = { ownerId: salesforceMe.id, name: salesforceMe.name };
  loops.hubspot = await hubspot.worklist!.read(LOOP_OWNERS.nora.id, DEFAULT_SETTINGS);
  loops.salesforce = await salesforce.worklist!.read(salesforceMe.id, DEFAULT_SETTINGS);
  loops.numbers = combineLoopCounts([
    { crm: 'hubspot', counts: await hubspot.worklist!.loopCounts(LOOP_OWNERS.nora.id, DEFAULT_SETTINGS), failedKind: null },
    { crm: 'salesforce', counts: null, failedKind: UNREACHABLE.kind },
  ]);
  const months = monthsOf(lastMonths(12, Date.now()));
  counted.hubspot = await hubspot.insights!.count({ kind: 'everyone' }, months, DEFAULT_SETTINGS, null);
  counted.salesforce = await salesforce.insights!.count({ kind: 'everyone' }, months, DEFAULT_SETTINGS, null);
}, 120_000);

afterAll(async () => {
  unroute();
  await sandbox.close();
});
afterEach(cleanup);

const settingsIn = (language: 'en' | 'ru'): Settings => ({ ...DEFAULT_SETTINGS, ui: { ...DEFAULT_SETTINGS.ui, language } });

describe.each(['en', 'ru'] as const)('words, not codes (%s)', (language) => {
  it('the panel on every sandbox record: every word from the locale files, no code', async () => {
    const found: string[] = [];
    for (const { name, ref, ctx } of contexts) {
      const db = new LoyaltyLensDb(`words-${language}-${name}-${Math.random()}`);
      await saveRecordContext(db, ctx);
      const host = testHost({ settings: settingsIn(language) });
      const utils = renderPanel(db, host);
      await waitFor(() => expect(host.ports.length).toBe(1));
      act(() => host.port().push({ type: 'record', ref, pageUrl: null }));
      await waitFor(() => expect(['ready', 'empty']).toContain(utils.root().getAttribute('data-ll-state')));
      // The root causes are the admin's taxonomy (settings), shown as written.
      const data = crmStrings([ctx, DEFAULT_SETTINGS.rules.rootCauses]);
      found.push(...problems(utils.container, data).map((p) => `${name}: ${p}`));
      // The outcome form, where a follow-up offers it.
      const log = utils.container.querySelector<HTMLButtonElement>('button.log-outcome');
      if (log) {
        fireEvent.click(log);
        found.push(...problems(utils.container, data).map((p) => `${name}, outcome form: ${p}`));
      }
      utils.unmount();
      db.close();
    }
    expect(found).toEqual([]);
  });

  it('the options page with connections, usage and a policy: every word from the locale files, no code', async () => {
    fakeBrowser.reset();
    await fakeBrowser.storage.local.set({
      settings: settingsIn(language),
      [CONNECTIONS_KEY]: {
        hubspot: { crm: 'hubspot', instance: HS.portals.main, name: 'HubSpot portal 40001', user: null, missingScopes: [], usage: { kind: 'remainingToday', remaining: 249_993, limit: 250_000 }, connectedAt: Date.now() },
        salesforce: { crm: 'salesforce', instance: SF.hosts.api, name: 'Acme', user: 'admin@acme.example', missingScopes: [], usage: { kind: 'usedLast24h', used: 1200, limit: 15_000 }, connectedAt: Date.now() },
      },
    });
    await fakeBrowser.storage.managed.set({ followUpMaxScore: 5, rollupMethod: 'window', callModeDefault: true, salesforceLoginHost: 'app.hubspot.com' });
    vi.spyOn(fakeBrowser.permissions, 'getAll').mockResolvedValue({ origins: ['https://app.hubspot.com/*'], permissions: [] });
    for (const event of [fakeBrowser.permissions.onAdded, fakeBrowser.permissions.onRemoved]) {
      vi.spyOn(event, 'addListener').mockImplementation(() => undefined);
      vi.spyOn(event, 'removeListener').mockImplementation(() => undefined);
    }
    const { container } = render(<OptionsApp browserLanguages={[language]} salesforceCallbackUrl="https://enekmphbbngfebmagfgmaakfcjgfhgfj.chromiumapp.org/salesforce" />);
    await screen.findByRole('heading', { level: 1 });
    await waitFor(() => expect(container.querySelector('#rollout .details')).toBeTruthy());
    // The score sources the settings name (labels the admin may rename, with their survey types) are data too.
    const sources = [...DEFAULT_SETTINGS.hubspot.sources, ...DEFAULT_SETTINGS.salesforce.sources];
    const data = new Set([...crmStrings(sources.map((x) => [x.label, 'surveyTypes' in x ? x.surveyTypes : []])), 'HubSpot portal 40001', 'Acme', 'admin@acme.example', HS.portals.main, SF.hosts.api, 'app.hubspot.com', ...DEFAULT_SETTINGS.rules.rootCauses]);
    expect(problems(container, data)).toEqual([]);
  });
});

describe.each(['en', 'ru'] as const)('words, not codes, on the other surfaces (%s)', (language) => {
  it('My open loops with both CRMs, the loop’s numbers and one CRM unreachable: every word from the locale files, no code', async () => {
    const now = Date.now();
    const snapshot: WorklistSnapshot = {
      parts: [
        { crm: 'hubspot', connected: true, me: { ownerId: LOOP_OWNERS.nora.id, name: 'Nora Quist', fixed: false }, read: loops.hubspot, error: null },
        // Salesforce's saved list, shown under the notice that it could not be refreshed.
        { crm: 'salesforce', connected: true, me: { ...loops.salesforceMe, fixed: false }, read: loops.salesforce, error: { ...UNREACHABLE, at: now } },
      ],
      outcomes: [],
      refreshMinutes: 10,
    };
    const never = () => new Promise<never>(() => undefined);
    const host = {
      get: async () => ({ ok: true, value: snapshot }),
      refresh: never,
      owners: never,
      setMe: never,
      team: never,
      ownerLoops: never,
      reassign: never,
      setInterval: never,
      numbers: async () => ({ ok: true, value: loops.numbers }),
      openRecord: async () => undefined,
      outcomeActions: { log: never, retry: never, withdraw: never, openFollowUp: never, loadLoopHistory: never },
      optionsUrl: 'chrome-extension://x/options.html',
      now: () => now,
    } as unknown as WorklistHost;
    const i18n = createI18n(language, await loadCatalog(language));
    const { container } = render(
      <I18nProvider value={i18n}>
        <WorklistSurface host={host} settings={settingsIn(language)} now={now} />
      </I18nProvider>,
    );
    await waitFor(() => expect(container.querySelectorAll('.loop-who').length).toBe(loops.hubspot.rows.length + loops.salesforce.rows.length));
    await waitFor(() => expect(container.querySelector('[aria-busy="true"]')).toBeNull());
    // A loop shows its comment's first line.
    const commentLines = [...loops.hubspot.rows, ...loops.salesforce.rows].map((row) => firstLine(row.score?.comment ?? null));
    const data = crmStrings([loops.hubspot, loops.salesforce, loops.salesforceMe, 'Nora Quist', commentLines, DEFAULT_SETTINGS.rules.rootCauses]);
    expect(problems(container, data)).toEqual([]);
  });

  it('Insights with one CRM counted and the other unreachable: every word from the locale files, no code', async () => {
    const now = Date.now();
    for (const [counts, failing] of [
      [counted.hubspot, 'salesforce'],
      [counted.salesforce, 'hubspot'],
    ] as const) {
      const parts: InsightsPart[] = [
        { crm: counts.crm, state: 'counted', counts, error: null },
        { crm: failing, state: 'error', counts: null, error: { kind: UNREACHABLE.kind, message: UNREACHABLE.message } },
      ];
      const host: InsightsHost = {
        load: async (query) => ({ query, parts, fetchedAt: now, fromCache: false }),
        owners: async () => [],
        language: async () => language,
        browserLanguages: [language],
        openRecord: () => undefined,
        download: () => undefined,
        print: () => undefined,
        optionsUrl: 'chrome-extension://x/options.html',
        now: () => now,
      };
      const { container, unmount } = render(<InsightsApp host={host} />);
      await waitFor(() => expect(container.querySelector('table')).toBeTruthy());
      // Channels are codes the CRM keeps (EMAIL, WEB): the page must say them in words, so they are not data here.
      const { touchpoints, ...rest } = counts;
      const data = crmStrings([rest, touchpoints.filter((t) => t.kind === 'survey').map((t) => t.name), DEFAULT_SETTINGS.rules.rootCauses]);
      expect(problems(container, data).map((p) => `${counts.crm} counted: ${p}`)).toEqual([]);
      unmount();
    }
  });
});

describe('the brand', () => {
  it('never wraps in the panel header, in any language: the actions wrap instead', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const css = readFileSync(join(__dirname, '../../entrypoints/panel/panel.css'), 'utf8');
    expect(css).toMatch(/\.panel-brand h1\s*\{[^}]*white-space:\s*nowrap/);
    expect(css).toMatch(/\.panel-actions\s*\{[^}]*flex-wrap:\s*wrap/);
  });
});
