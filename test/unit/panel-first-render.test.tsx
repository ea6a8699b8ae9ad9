// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PanelApp } from '../../components/panel/PanelApp';
import { loadWorklistView } from '../../components/panel/worklist-view';
import type { WorklistHost } from '../../components/worklist/host';
import type { PanelPush, Reply } from '../../core/messaging';
import type { RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import type { WorklistRow, WorklistSnapshot } from '../../core/worklist';
import { DAY, HOUR, NOW, testHost } from './panel-helpers';

// The panel opened outside a CRM page (the toolbar's side panel, a tab) draws My open loops in its first render when the
// page already holds what the list needs: the settings and the record pushed before the panel's code ran
// (public/panel-start.js holds them), the list's code, and the saved list asked for as the page started.

const I = '40001';

function row(id: string, name: string, score: number, createdAt: number): WorklistRow {
  return {
    key: `hubspot|${I}|${id}`,
    crm: 'hubspot',
    instance: I,
    id,
    kind: 'ticket',
    title: `Follow up on ${name}'s answer`,
    statusLabel: 'New',
    ownerId: '7001',
    ownerName: 'Victor Hale',
    contact: { id: `c${id}`, name, url: null },
    account: null,
    score: { kind: 'nps', value: score, scaleMax: 10, submittedAt: createdAt, comment: 'Support never called back.' },
    createdAt,
    crmDueAt: null,
    url: `https://app.hubspot.com/contacts/${I}/record/0-5/${id}`,
  };
}

const saved: WorklistSnapshot = {
  parts: [
    {
      crm: 'hubspot',
      connected: true,
      me: { ownerId: '7001', name: 'Victor Hale', fixed: false },
      read: { crm: 'hubspot', instance: I, ownerId: '7001', rows: [row('9001', 'Ada Brook', 2, NOW - 3 * DAY), row('9002', 'Ben Coll', 6, NOW - 2 * HOUR)], openTotal: 2, requestCount: 3, fetchedAt: NOW - 5 * 60_000 },
      error: null,
    },
    { crm: 'salesforce', connected: false, me: null, read: null, error: null },
  ],
  outcomes: [],
  refreshMinutes: 10,
};

function worklistHost(savedSoFar: Reply<WorklistSnapshot> | null): WorklistHost & { get: ReturnType<typeof vi.fn> } {
  const later = new Promise<never>(() => undefined);
  return {
    get: vi.fn(async () => ({ ok: true as const, value: saved })),
    savedSoFar: () => savedSoFar,
    // The CRMs are not asked in these tests: a refresh stays under way.
    refresh: () => later,
    numbers: () => later,
    owners: () => later,
    setMe: () => later,
    team: () => later,
    ownerLoops: () => later,
    reassign: () => later,
    setInterval: () => later,
    openRecord: async () => undefined,
    outcomeActions: {} as WorklistHost['outcomeActions'],
    optionsUrl: 'chrome-extension://test/options.html',
    now: () => NOW,
  };
}

const heard: PanelPush[] = [
  { type: 'settings', settings: DEFAULT_SETTINGS, notices: [] },
  { type: 'record', ref: null, pageUrl: null },
];

beforeAll(async () => {
  // main.tsx renders outside a CRM page once the list's code is here.
  await loadWorklistView();
});

afterEach(cleanup);

describe('the panel’s first render outside a CRM page', () => {
  it('draws the saved list at once, most urgent first, when the page already holds it', () => {
    const host = { ...testHost(), heardAtStart: heard };
    render(<PanelApp host={host} worklistHost={worklistHost({ ok: true, value: saved })} />);
    // No await: what the first render drew, before any push or answer is heard again.
    const loops = [...document.querySelectorAll('[data-ll-loop]')].map((li) => li.getAttribute('data-ll-loop'));
    expect(loops).toEqual([`hubspot|${I}|9001`, `hubspot|${I}|9002`]);
    expect(screen.getByText('Ada Brook')).toBeTruthy();
    expect(document.querySelector('[data-ll-state]')?.getAttribute('data-ll-state')).toBe('no-record');
  });

  it('says it is loading until the saved list arrives, then draws it', async () => {
    const host = { ...testHost(), heardAtStart: heard };
    const list = worklistHost(null);
    render(<PanelApp host={host} worklistHost={list} />);
    expect(document.querySelector('[data-ll-worklist]')?.getAttribute('data-ll-worklist')).toBe('loading');
    expect(document.querySelector('[data-ll-loop]')).toBeNull();
    await waitFor(() => expect(document.querySelectorAll('[data-ll-loop]').length).toBe(2));
    expect(list.get).toHaveBeenCalled();
  });

  it('shows the saved list’s failure in words', () => {
    const host = { ...testHost(), heardAtStart: heard };
    render(<PanelApp host={host} worklistHost={worklistHost({ ok: false, error: { kind: 'storage', message: 'The saved list could not be read.' } })} />);
    expect(screen.getByRole('alert').textContent).toBe('The saved list could not be read.');
  });

  it('beside a record, the first render is the record’s panel, not the list', () => {
    const ref: RecordRef = { crm: 'hubspot', instance: I, objectType: 'contact', id: '101' };
    const host = { ...testHost(), heardAtStart: [heard[0]!, { type: 'record', ref, pageUrl: `https://app.hubspot.com/contacts/${I}/record/0-1/101` } satisfies PanelPush] };
    render(<PanelApp host={host} worklistHost={worklistHost({ ok: true, value: saved })} />);
    expect(document.querySelector('[data-ll-state]')?.getAttribute('data-ll-record')).toBe(`hubspot|${I}|contact|101`);
    expect(document.querySelector('[data-ll-loop]')).toBeNull();
  });
});
