// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InsightsApp } from '../../components/insights/InsightsApp';
import type { InsightsHost } from '../../components/insights/host';
import type { InsightsCounts, InsightsPart, InsightsQuery, InsightsSnapshot } from '../../core/insights';

afterEach(cleanup);

const NOW = Date.UTC(2026, 10, 15);

function counts(over: Partial<InsightsCounts> = {}): InsightsCounts {
  return {
    crm: 'hubspot',
    instance: '40001',
    counted: 'answers',
    months: [{ month: '2026-10', promoters: 20, passives: 10, detractors: 10 }],
    causes: [{ cause: 'Billing', count: 3, revenue: null }],
    currency: 'USD',
    touchpoints: [],
    funnel: { opened: 4, reached: 3, resolved: 2, thanked: 1, closed: 2, closeHoursTotal: 72, closeCounted: 2 },
    recent: [],
    causeField: 'present',
    requestCount: 10,
    fetchedAt: NOW,
    ...over,
  };
}

function host(answer: (query: InsightsQuery, fresh: boolean) => Promise<InsightsPart[]>): InsightsHost & { load: ReturnType<typeof vi.fn>; downloads: Array<[string, string]> } {
  const downloads: Array<[string, string]> = [];
  const load = vi.fn(async (query: InsightsQuery, fresh: boolean): Promise<InsightsSnapshot> => ({ query, parts: await answer(query, fresh), fetchedAt: NOW, fromCache: false }));
  return {
    load,
    owners: async () => [{ id: '70010', name: 'Iris Lund', email: null }],
    language: async () => 'en',
    browserLanguages: ['en'],
    openRecord: vi.fn(),
    download: (name, text) => void downloads.push([name, text]),
    downloads,
    print: vi.fn(),
    optionsUrl: 'chrome-extension://x/options.html',
    now: () => NOW,
  };
}

const part = (crm: 'hubspot' | 'salesforce', state: InsightsPart['state'], extra: Partial<InsightsPart> = {}): InsightsPart => ({ crm, state, counts: null, error: null, ...extra });

describe('the Insights page', () => {
  it('says what to do when no CRM is connected', async () => {
    render(<InsightsApp host={host(async () => [part('hubspot', 'not-connected'), part('salesforce', 'not-connected')])} />);
    await screen.findByText(/No CRM is connected yet/);
    expect(screen.getByRole('link', { name: 'Open settings' }).getAttribute('href')).toBe('chrome-extension://x/options.html');
    expect(screen.queryByRole('heading', { name: 'NPS by month' })).toBeNull();
  });

  it('shows one CRM failing beside the other, and counts afresh on Try again', async () => {
    const h = host(async () => [part('hubspot', 'counted', { counts: counts() }), part('salesforce', 'error', { error: { kind: 'server', message: 'Salesforce is having trouble.' } })]);
    render(<InsightsApp host={h} />);
    await screen.findByText('Salesforce could not be counted: Salesforce cannot be reached right now.');
    expect(screen.queryByText(/having trouble/)).toBeNull();
    expect(screen.getByRole('heading', { name: 'NPS by month' })).toBeTruthy();
    // 20 promoters, 10 passives, 10 detractors: +25.
    expect(screen.getAllByText('+25').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(h.load).toHaveBeenLastCalledWith(expect.anything(), true));
  });

  it.each([
    ['en', 'Salesforce could not be counted: The sign-in to Salesforce has expired or was revoked. Reconnect in the settings.', 'Email'],
    ['ru', /^Не удалось посчитать в Salesforce: [^A-Za-z]*Salesforce[^A-Za-z]*$/, 'Эл. почта'],
  ] as const)('names the failure and the channels in words, never the connector text or a code (%s)', async (language, failure, email) => {
    const h = host(async () => [
      part('hubspot', 'counted', { counts: counts({ touchpoints: [{ kind: 'channel', name: 'EMAIL', detractors: 4, n: 12 }, { kind: 'survey', name: 'Onboarding NPS', detractors: 2, n: 10 }] }) }),
      part('salesforce', 'error', { error: { kind: 'auth', message: 'Cannot reach Salesforce: the sign-in expired (INVALID_SESSION_ID).' } }),
    ]);
    render(<InsightsApp host={{ ...h, language: async () => language, browserLanguages: [language] }} />);
    await screen.findByText(failure);
    expect(screen.queryByText(/INVALID_SESSION_ID|Cannot reach/)).toBeNull();
    expect(screen.getByRole('rowheader', { name: email })).toBeTruthy();
    expect(screen.queryByText('EMAIL')).toBeNull();
    expect(screen.getByRole('rowheader', { name: 'Onboarding NPS' })).toBeTruthy();
  });

  it('says when the follow-ups lack the root-cause fields, naming what to add', async () => {
    render(<InsightsApp host={host(async () => [part('hubspot', 'not-connected'), part('salesforce', 'counted', { counts: counts({ crm: 'salesforce', causeField: 'missing', causes: [] }) })])} />);
    await screen.findByText(/Loyalty_Lens_Root_Causes__c/);
    expect(screen.getByText('No follow-up of this period names a root cause yet.')).toBeTruthy();
  });

  it.each([
    ['en', /^Closed months, and what had not changed since, as counted on .*2026.*; this month and what changed, counted at .*2026.*\. “Count again” counts everything afresh\.$/],
    ['ru', /^Закрытые месяцы и то, что с тех пор не менялось, — по подсчёту от .*2026.*; этот месяц и изменения посчитаны: .*2026.*\. «Пересчитать» посчитает всё заново\.$/],
  ] as const)('says when closed months were counted and that this month was counted just now (%s)', async (language, words) => {
    const h = host(async () => [part('hubspot', 'counted', { counts: counts({ keptSince: NOW - 86_400_000 }) }), part('salesforce', 'counted', { counts: counts({ crm: 'salesforce' }) })]);
    render(<InsightsApp host={{ ...h, language: async () => language, browserLanguages: [language] }} />);
    const said = await screen.findByText(words);
    expect(said.textContent).toContain(String(new Date(NOW - 86_400_000).getUTCDate()));
  });

  it('says when it counted, and nothing of kept months, when every month was counted now', async () => {
    render(<InsightsApp host={host(async () => [part('hubspot', 'counted', { counts: counts() })])} />);
    await screen.findByText(/^Counted at .*2026/);
    expect(screen.queryByText(/Closed months/)).toBeNull();
  });

  it('says so when the period has no answers', async () => {
    render(<InsightsApp host={host(async () => [part('hubspot', 'counted', { counts: counts({ months: [] }) })])} />);
    await screen.findByText('No answers in this period and scope.');
  });

  it('shows the loading state, then exports the CSV of what it shows', async () => {
    let resolve: (parts: InsightsPart[]) => void = () => undefined;
    const h = host(() => new Promise((done) => (resolve = done)));
    render(<InsightsApp host={h} />);
    await screen.findByText('Counting in your CRMs…');
    expect((screen.getByRole('button', { name: 'Export CSV' }) as HTMLButtonElement).disabled).toBe(true);
    resolve([part('hubspot', 'counted', { counts: counts() })]);
    await screen.findByRole('heading', { name: 'Root causes' });
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const [name, text] = h.downloads[0]!;
    expect(name).toBe('loyalty-lens-insights-2026-06-2026-11.csv');
    expect(text.startsWith('\uFEFFNPS by month\r\n')).toBe(true);
    expect(text).toContain('\r\nBilling,3,100,,\r\n');
  });

  it('asks for an owner before counting one owner, then counts theirs', async () => {
    const h = host(async () => [part('hubspot', 'counted', { counts: counts() }), part('salesforce', 'out-of-scope')]);
    render(<InsightsApp host={h} />);
    await screen.findByRole('heading', { name: 'NPS by month' });
    fireEvent.change(screen.getByLabelText('Whose loops'), { target: { value: 'owner' } });
    await screen.findByRole('option', { name: 'Iris Lund' });
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: '70010' } });
    await waitFor(() => expect(h.load).toHaveBeenLastCalledWith({ scope: { kind: 'owners', crm: 'hubspot', ownerIds: ['70010'] }, period: { from: '2026-06', to: '2026-11' } }, false));
    await screen.findByText('Salesforce is not part of this scope.');
  });
});
