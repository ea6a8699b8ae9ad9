// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LoopNumbers } from '../../components/worklist/LoopNumbers';
import type { WorklistHost } from '../../components/worklist/host';
import { I18nProvider } from '../../components/panel/i18n-context';
import { createI18n } from '../../core/i18n';
import { en } from '../../core/locales/en';
import { enWorklist } from '../../core/locales/en-worklist';
import { ru } from '../../core/locales/ru';
import { ruWorklist } from '../../core/locales/ru-worklist';
import { combineLoopCounts, type LoopCounts, type LoopNumbers as Numbers, type WindowCounts } from '../../core/loop-metrics';
import type { Reply } from '../../core/messaging';

// The loop's numbers as the worklist shows them, from what the CRMs counted. The "mine" figures are the sandbox seed's
// (test/unit/worklist-connectors.test.ts): Nora in HubSpot, the signed-in user in Salesforce.

/** Recovery: recovered, n (answered again), not answered again yet; 'beyond' past what the CRM pairs. */
type Rec = [number, number, number] | 'beyond' | null;
const w = (closed: number, sla: [number, number] | null, thanked: [number, number] | null, fc: [number, number | null, boolean?] | null, rec: Rec = null): WindowCounts => ({
  closed,
  withinSla: sla && { count: sla[0], n: sla[1] },
  thanked: thanked && { count: thanked[0], n: thanked[1] },
  firstContact: fc && { n: fc[0], medianHours: fc[1], beyondLimit: fc[2] ?? false },
  recovery: rec === null ? null : rec === 'beyond' ? { recovered: 0, n: 0, notAnsweredAgain: 0, beyondLimit: true } : { recovered: rec[0], n: rec[1], notAnsweredAgain: rec[2], beyondLimit: false },
});
const hubspot: LoopCounts = {
  crm: 'hubspot',
  mine: { 30: w(3, [1, 2], [1, 2], [2, 17.25], [1, 2, 0]), 90: w(4, [2, 3], [2, 3], [3, 12], [1, 3, 0]) },
  team: { 30: w(40, [0, 0], [0, 0], [0, null], [2, 4, 1]), 90: w(1_200, [30, 60], [20, 60], [12_000, null, true], 'beyond') },
  missingFields: [],
  countedAt: 0,
};
const salesforce: LoopCounts = {
  crm: 'salesforce',
  mine: { 30: w(2, [1, 1], [1, 1], [1, 20], [0, 1, 0]), 90: w(3, [1, 2], [1, 2], [2, 35], [1, 2, 0]) },
  team: { 30: w(9, null, null, null, [0, 0, 1]), 90: w(30, null, null, null, [0, 0, 0]) },
  missingFields: ['Loyalty_Lens_First_Contact__c', 'Loyalty_Lens_First_Contact_Hours__c', 'Loyalty_Lens_SLA__c'],
  countedAt: 0,
};

function show(numbers: Numbers, locale: 'en' | 'ru' = 'en') {
  const host = { numbers: async (): Promise<Reply<Numbers>> => ({ ok: true, value: numbers }) } as unknown as WorklistHost;
  return render(
    <I18nProvider value={createI18n(locale, locale === 'ru' ? { ...ru, ...ruWorklist } : { ...en, ...enWorklist })}>
      <LoopNumbers host={host} asked="" />
    </I18nProvider>,
  );
}

const text = (metric: string, cell: string) => document.querySelector(`[data-ll-metric="${metric}"][data-ll-cell="${cell}"]`)?.textContent;

afterEach(cleanup);

describe('the loop’s numbers in the worklist', () => {
  it('each share with its n and the loops not recorded; a median per CRM with its n', async () => {
    show(combineLoopCounts([{ crm: 'hubspot', counts: hubspot, failedKind: null }, { crm: 'salesforce', counts: salesforce, failedKind: null }]));
    const table = await screen.findByRole('table', { name: 'The loop’s numbers' });
    expect(within(table).getAllByRole('rowheader').map((h) => h.textContent)).toContain('Closed within the SLA');
    // Mine over 30 days: HubSpot 1 of 2 within (1 not recorded) + Salesforce 1 of 1 (1 not recorded).
    expect(text('closed', 'me-30')).toBe('5');
    expect(text('within-sla', 'me-30')).toBe('67%2 of 32 not recorded');
    expect(text('thanked', 'me-90')).toBe('60%3 of 52 not recorded');
    // Two CRMs' medians are not one: each with its own n.
    expect(text('first-contact', 'me-90')).toBe('HubSpot: 12 h, n = 3Salesforce: 35 h, n = 22 not recorded');
    // The team: nothing recorded is not 0%; a median past what HubSpot can page to says so.
    expect(text('within-sla', 'team-30')).toBe('none recorded yet40 not recorded');
    expect(text('first-contact', 'team-90')).toBe('HubSpot: 12,000 recorded, too many for HubSpot to find the middle one');
    // Recovery, with its n (those who answered again) and those not answered again yet, never counted as not recovered.
    expect(text('recovery', 'me-30')).toBe('33%1 of 3 who answered again');
    expect(text('recovery', 'me-90')).toBe('40%2 of 5 who answered again');
    expect(text('recovery', 'team-30')).toBe('50%2 of 4 who answered again2 not answered again yet');
    // Past what HubSpot pairs it says so with the count; Salesforce's part stands, its detractors not answered again.
    expect(text('recovery', 'team-90')).toBe('no detractor has answered again yetHubSpot: 1,200 closed, too many to pair with the next answers');
    expect(screen.getByText(/^Recovered: detractors \(0–6\) whose answer a closed follow-up followed up and whose next NPS answer is 7 or more/)).toBeTruthy();
    expect(screen.queryByText(/Recovery is not counted/)).toBeNull();
    expect(screen.getByText('Salesforce has no Loyalty_Lens_First_Contact__c, Loyalty_Lens_First_Contact_Hours__c, Loyalty_Lens_SLA__c on its follow-ups, so those numbers are not counted there. The options page shows how to add them.')).toBeTruthy();
  });

  it('one CRM alone shows its median plainly; a failing CRM is named', async () => {
    show(combineLoopCounts([{ crm: 'hubspot', counts: hubspot, failedKind: null }, { crm: 'salesforce', counts: null, failedKind: 'network' }]));
    await screen.findByRole('table');
    expect(text('first-contact', 'me-30')).toBe('17.3 hn = 21 not recorded');
    expect(text('within-sla', 'me-30')).toBe('50%1 of 21 not recorded');
    expect(screen.getByText('Salesforce could not count the loop’s numbers: Salesforce cannot be reached right now.')).toBeTruthy();
  });

  it('in Russian', async () => {
    show(combineLoopCounts([{ crm: 'hubspot', counts: hubspot, failedKind: null }]), 'ru');
    await screen.findByRole('table', { name: 'Показатели работы с отзывами' });
    expect(text('first-contact', 'me-90')).toBe('12 чn = 3у 1 не записано');
    expect(text('within-sla', 'me-90')).toMatch(/^67\s?%2 из 3у 1 не записано$/);
    expect(text('recovery', 'me-90')).toMatch(/^33\s?%1 из 3, ответивших снова$/);
    expect(text('recovery', 'team-30')).toMatch(/^50\s?%2 из 4, ответивших снова1 ещё не ответил снова$/);
    expect(text('recovery', 'team-90')).toBe('HubSpot: закрыто 1\u00a0200, слишком много, чтобы сопоставить со следующими ответами');
  });
});
