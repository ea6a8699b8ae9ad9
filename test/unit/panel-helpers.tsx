import { act, render, waitFor } from '@testing-library/react';
import type { AccountContactsPage, ContactListQuery } from '../../core/account-contacts';
import { expect, vi } from 'vitest';
import { PanelApp } from '../../components/panel/PanelApp';
import type { PanelHost, PanelPort } from '../../components/panel/host';
import { LoyaltyLensDb } from '../../core/db';
import type { PanelWatch, Reply } from '../../core/messaging';
import { watchPanelData } from '../../core/panel-data';
import { refKey } from '../../core/keys';
import type { Account, AccountCounts, Contact, FollowUp, LoopRecord, OpenDeal, OutcomeInput, RecordContext, RecordRef, SurveyResponse } from '../../core/schema';
import type { OpenedFollowUp } from '../../integrations/crm';
import { rowKey } from '../../core/schema';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';

// Shared fixtures for the panel's component tests: a fresh Dexie per test, seeded the way the
// background seeds it (saveRecordContext), and a fake port the test pushes records through.

export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const I = '12345';

export function freshDb(): LoyaltyLensDb {
  return new LoyaltyLensDb(`panel-test-${Math.random().toString(36).slice(2)}`);
}

export const contactRef: RecordRef = { crm: 'hubspot', instance: I, objectType: 'contact', id: '101' };
export const companyRef: RecordRef = { crm: 'hubspot', instance: I, objectType: 'company', id: '900' };

export function account(overrides: Partial<Account> = {}): Account {
  const id = overrides.id ?? '900';
  return {
    key: rowKey('hubspot', I, id),
    crm: 'hubspot',
    instance: I,
    id,
    name: 'Acme Corp',
    ownerId: '7',
    ownerName: 'Dana Owner',
    revenue: 120_000,
    revenueSource: 'openPipeline',
    revenueLabel: '',
    currency: 'USD',
    contactCount: 0,
    url: null,
    ...overrides,
  };
}

export function contact(id: string, overrides: Partial<Contact> = {}): Contact {
  return {
    key: rowKey('hubspot', I, id),
    crm: 'hubspot',
    instance: I,
    id,
    accountKey: rowKey('hubspot', I, '900'),
    kind: 'contact',
    name: `Contact ${id}`,
    email: null,
    title: null,
    ownerName: null,
    role: null,
    lastSurveyedAt: null,
    url: null,
    ...overrides,
  };
}

let responseSeq = 0;
export function response(contactId: string, score: number, submittedAt: number, overrides: Partial<SurveyResponse> = {}): SurveyResponse {
  const id = overrides.id ?? `r${++responseSeq}`;
  return {
    key: rowKey('hubspot', I, id),
    crm: 'hubspot',
    instance: I,
    id,
    contactKey: rowKey('hubspot', I, contactId),
    accountKey: rowKey('hubspot', I, '900'),
    kind: 'nps',
    score,
    scaleMax: 10,
    submittedAt,
    comment: null,
    surveyName: null,
    channel: null,
    source: 'hubspot-feedback',
    subjectId: null,
    ...overrides,
  };
}

export function followUp(id: string, overrides: Partial<FollowUp> = {}): FollowUp {
  return {
    key: rowKey('hubspot', I, id),
    crm: 'hubspot',
    instance: I,
    id,
    kind: 'ticket',
    contactKey: rowKey('hubspot', I, '101'),
    accountKey: rowKey('hubspot', I, '900'),
    responseKey: null,
    title: `Ticket ${id}`,
    status: 'open',
    statusLabel: null,
    ownerId: null,
    ownerName: null,
    createdAt: NOW - DAY,
    dueAt: null,
    url: null,
    ...overrides,
  };
}

/** An open deal of company 900 with these contacts on it. */
export function deal(id: string, amount: number | null, contactIds: string[], overrides: Partial<OpenDeal> = {}): OpenDeal {
  return {
    key: rowKey('hubspot', I, id),
    crm: 'hubspot',
    instance: I,
    id,
    accountKey: rowKey('hubspot', I, '900'),
    kind: 'deal',
    name: `Deal ${id}`,
    amount,
    currency: 'USD',
    contactKeys: contactIds.map((c) => rowKey('hubspot', I, c)),
    contactFacts: {},
    url: null,
    ...overrides,
  };
}

export function loop(contactId: string, loggedAt: number, overrides: Partial<LoopRecord> = {}): LoopRecord {
  const id = overrides.id ?? `l${loggedAt}`;
  return {
    key: rowKey('hubspot', I, id),
    crm: 'hubspot',
    instance: I,
    id,
    contactKey: rowKey('hubspot', I, contactId),
    idempotencyKey: null,
    loggedAt,
    loggedBy: 'Sam Agent',
    result: 'reached-resolved',
    rootCauses: [],
    summary: 'Called back',
    url: null,
    ...overrides,
  };
}

export function context(ref: RecordRef, overrides: Partial<RecordContext> = {}): RecordContext {
  return {
    ref,
    title: 'Record',
    focusContactKeys: [],
    account: null,
    accountCounts: null,
    contacts: [],
    responses: [],
    followUps: [],
    followUpsRead: ref.objectType === 'company' || ref.objectType === 'account' ? 'account' : 'focusAndAccount',
    loops: [],
    rejected: [],
    requestCount: 1,
    fetchedAt: NOW - 5 * 60_000,
    ...overrides,
  };
}

export function counts(overrides: Partial<AccountCounts> = {}): AccountCounts {
  return {
    accountKey: rowKey('hubspot', I, '900'),
    method: 'latestPerContact',
    unavailable: null,
    counted: 'people',
    windowDays: null,
    byRole: [],
    promoters: 0,
    passives: 0,
    detractors: 0,
    respondents: 0,
    byQuarter: [],
    computedAt: NOW,
    ...overrides,
  };
}

export interface FakePort extends PanelPort {
  push(message: unknown): void;
  drop(): void;
  disconnected: boolean;
  /** What the panel asked for over the port. */
  watched: PanelWatch[];
}

/**
 * A port that behaves as the background's end does (entrypoints/background/panels.ts): it sends the
 * settings first, and answers each `watch` with the real live query over the test's database.
 */
export function fakePort(db: LoyaltyLensDb | null, settings: Settings): FakePort {
  const messageListeners: Array<(message: unknown) => void> = [];
  const disconnectListeners: Array<() => void> = [];
  let stopWatching: (() => void) | null = null;
  const port: FakePort = {
    disconnected: false,
    watched: [],
    onMessage: { addListener: (l) => messageListeners.push(l) },
    onDisconnect: { addListener: (l) => disconnectListeners.push(l) },
    postMessage(message) {
      port.watched.push(message);
      stopWatching?.();
      if (!db) return;
      const key = refKey(message.ref);
      stopWatching = watchPanelData(
        db,
        message.ref,
        settings,
        message.contactLimit,
        message.contactFilter,
        (result) => port.push({ type: 'data', key, contactLimit: message.contactLimit, result }),
        () => port.push({ type: 'data', key, contactLimit: message.contactLimit, result: { status: 'unreadable' } }),
      );
    },
    disconnect() {
      port.disconnected = true;
      stopWatching?.();
    },
    push: (message) => messageListeners.forEach((l) => l(message)),
    drop: () => {
      stopWatching?.();
      disconnectListeners.forEach((l) => l());
    },
  };
  queueMicrotask(() => port.push({ type: 'settings', settings, notices: [] }));
  return port;
}

export interface TestHost extends PanelHost {
  ports: FakePort[];
  /** The latest port the panel opened. */
  port(): FakePort;
  /** The call mode the panel saved, if any. */
  callMode: boolean | null;
  /** The sections the panel saved as folded. */
  folded: string[];
  db: LoyaltyLensDb | null;
  refresh: ReturnType<typeof vi.fn<(ref: RecordRef) => Promise<Reply<{ fetchedAt: number }>>>>;
  requestPermission: ReturnType<typeof vi.fn<(origin: string) => Promise<boolean>>>;
  logOutcome: ReturnType<typeof vi.fn<(input: OutcomeInput) => Promise<Reply<{ idempotencyKey: string }>>>>;
  openFollowUp: ReturnType<typeof vi.fn<(ref: RecordRef, responseKey: string) => Promise<Reply<OpenedFollowUp>>>>;
  loadLoopHistory: ReturnType<typeof vi.fn<(ref: RecordRef) => Promise<Reply<{ readAt: number }>>>>;
  listAccountContacts: ReturnType<typeof vi.fn<(ref: RecordRef, query: ContactListQuery, cursor: string | null) => Promise<Reply<AccountContactsPage>>>>;
}

export function testHost(options: { settings?: Settings; languages?: string[]; callMode?: boolean; pageHosted?: boolean } = {}): TestHost {
  const ports: FakePort[] = [];
  const host: TestHost = {
    ports,
    db: null,
    callMode: options.callMode ?? null,
    port: () => {
      const last = ports[ports.length - 1];
      if (!last) throw new Error('The panel opened no port');
      return last;
    },
    connect() {
      const port = fakePort(host.db, options.settings ?? DEFAULT_SETTINGS);
      ports.push(port);
      return port;
    },
    pageHosted: options.pageHosted ?? false,
    refresh: vi.fn(async () => ({ ok: true as const, value: { fetchedAt: NOW } })),
    requestPermission: vi.fn(async () => true),
    optionsUrl: 'chrome-extension://test/options.html',
    browserLanguages: options.languages ?? ['en-US'],
    readCallMode: async () => host.callMode,
    writeCallMode: (on) => {
      host.callMode = on;
    },
    folded: [],
    readFolded: async () => host.folded,
    writeFolded: (keys) => {
      host.folded = keys;
    },
    logOutcome: vi.fn(async () => ({ ok: true as const, value: { idempotencyKey: 'test-key-0000000001' } })),
    loadLoopHistory: vi.fn(async () => ({ ok: true as const, value: { readAt: NOW } })),
    // As an org without the latest-NPS contact field answers: the panel lists the contacts it read.
    listAccountContacts: vi.fn(async () => ({ ok: true as const, value: { status: 'unavailable' as const } })),
    retryOutcome: async (idempotencyKey) => ({ ok: true as const, value: { idempotencyKey } }),
    withdrawOutcome: vi.fn(async () => ({ ok: true as const, value: { withdrawn: true as const } })),
    openFollowUp: vi.fn(async () => ({ ok: true as const, value: { id: '9001', url: 'https://app.hubspot.com/contacts/40001/record/0-5/9001', created: true, closed: false } })),
    now: () => NOW,
  };
  return host;
}

export function renderPanel(db: LoyaltyLensDb, host: TestHost) {
  host.db = db;
  const utils = render(<PanelApp host={host} />);
  const root = () => utils.container.querySelector('.panel') as HTMLElement;
  return { ...utils, root };
}

/**
 * Renders the panel, tells it its record as the background does, and waits until it settles in one of
 * `states` (its data shown, or its empty state).
 */
export async function showRecordPanel(db: LoyaltyLensDb, host: TestHost, ref: RecordRef, states: string[] = ['ready']) {
  const utils = renderPanel(db, host);
  await waitFor(() => expect(host.ports.length).toBe(1));
  act(() => host.port().push({ type: 'record', ref, pageUrl: null }));
  await waitFor(() => expect(states).toContain(utils.root().getAttribute('data-ll-state')));
  return utils;
}

/** An account record's quarters and contacts, whose code loads after the figures: waited for as a person would. */
export async function untilAccountDetails(container: HTMLElement) {
  await waitFor(() => {
    expect(container.querySelector('.account-details-loading')).toBeNull();
    expect(container.querySelector('.contact-filters')).not.toBeNull();
  });
}

export function figure(container: HTMLElement, name: string): HTMLElement | null {
  return container.querySelector(`[data-ll-figure="${name}"]`);
}
