// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../../core/i18n';
import { en } from '../../core/locales/en';
import { ru } from '../../core/locales/ru';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { DAY, NOW, response } from './panel-helpers';

// The history chart's drawing and an account's quarters and contacts load after the record's figures. Each test takes
// a fresh copy of the panel's modules, so that code has not loaded yet, as when a panel opens: meanwhile their place
// says what is coming, then they are there.

afterEach(cleanup);
beforeEach(() => {
  vi.resetModules();
});

const answers = [
  response('101', 0, NOW - 300 * DAY),
  response('101', 10, NOW - 200 * DAY),
  response('101', 6, NOW - 100 * DAY),
  response('101', 9, NOW - DAY),
  response('101', 4, NOW - 150 * DAY, { kind: 'csat', scaleMax: 5 }),
  response('101', 2, NOW - 20 * DAY, { kind: 'ces', scaleMax: 7 }),
].sort((a, b) => a.submittedAt - b.submittedAt);

async function freshChart(locale: 'en' | 'ru') {
  const { HistoryChart } = await import('../../components/panel/HistoryChart');
  const { I18nProvider } = await import('../../components/panel/i18n-context');
  return render(
    <I18nProvider value={createI18n(locale, locale === 'ru' ? ru : en)}>
      <HistoryChart responses={answers} />
    </I18nProvider>,
  );
}

async function freshAccount(language: 'en' | 'ru') {
  const helpers = await import('./panel-helpers');
  const { saveRecordContext } = await import('../../core/store');
  const db = helpers.freshDb();
  await saveRecordContext(
    db,
    helpers.context(helpers.companyRef, {
      title: 'Acme Corp',
      account: helpers.account(),
      contacts: [helpers.contact('1', { name: 'Ann' }), helpers.contact('2', { name: 'Bob' })],
      responses: [response('1', 10, Date.UTC(2026, 7, 10)), response('2', 3, NOW - 5 * DAY)],
    }),
  );
  const host = helpers.testHost({ settings: { ...DEFAULT_SETTINGS, ui: { ...DEFAULT_SETTINGS.ui, language } } });
  return helpers.showRecordPanel(db, host, helpers.companyRef);
}

describe('parts that load after the figures', () => {
  it('holds the chart’s place at the drawing’s own size, saying what loads, then draws its points', async () => {
    const { container } = await freshChart('en');
    const waiting = screen.getByRole('status');
    expect(waiting.textContent).toBe('Loading the history…');
    // The NPS lane alone is drawn (CSAT and effort have one answer each): 14 + 84 + 16 units high, 320 wide.
    expect(waiting.style.aspectRatio).toBe('320 / 114');
    // The single answers are said at once, under the place held.
    expect([...container.querySelectorAll('.chart-single li')].map((li) => li.textContent?.split(':')[0])).toEqual(['CSAT', 'Effort']);

    const drawing = await screen.findByRole('group', { name: /^Score history: 6 responses from / });
    expect(drawing.getAttribute('viewBox')).toBe('0 0 320 114');
    expect(screen.queryByRole('status')).toBeNull();
    expect(within(drawing).getAllByRole('img').map((point) => point.getAttribute('aria-label'))).toEqual([
      expect.stringMatching(/^NPS: 0 of 10 · /),
      expect.stringMatching(/^NPS: 10 of 10 · /),
      expect.stringMatching(/^NPS: 6 of 10 · /),
      'NPS: 9 of 10 · Nov 19, 2026',
    ]);
    expect(container.querySelector('.lane-nps .lane-label')?.textContent).toBe('NPS');
  });

  it('says what loads in Russian too', async () => {
    await freshChart('ru');
    expect(screen.getByRole('status').textContent).toBe('Загружается история…');
    const drawing = await screen.findByRole('group', { name: /^История оценок: 6 ответов с / });
    expect(within(drawing).getByRole('img', { name: /^NPS: 9 из 10 · / })).toBeTruthy();
  });

  it('shows an account’s figures at once, and its quarters and contacts once their code is there', async () => {
    const { container } = await freshAccount('en');
    // The figures are there with the record; the quarters and contacts are said to be on their way.
    expect(container.querySelector('[data-ll-figure="account-n"]')?.textContent).toBe('n = 2 people');
    expect(screen.getByText('Loading NPS by quarter and the contacts…').getAttribute('role')).toBe('status');
    expect(screen.queryByRole('table')).toBeNull();

    const quarters = await screen.findByRole('table');
    expect([...quarters.querySelectorAll('tbody th')].map((th) => th.textContent)).toEqual(['Q3 2026', 'Q4 2026']);
    const list = screen.getByRole('heading', { name: '2 contacts' }).closest('section') as HTMLElement;
    expect([...list.querySelectorAll('.contact-name')].map((name) => name.textContent)).toEqual(['Bob', 'Ann']);
    expect(within(list).getByRole('searchbox', { name: 'Find a contact by name' })).toBeTruthy();
    expect(screen.queryByText('Loading NPS by quarter and the contacts…')).toBeNull();
  });

  it('says so in Russian while an account’s quarters and contacts load', async () => {
    await freshAccount('ru');
    expect(screen.getByText('Загружаются NPS по кварталам и контакты…').getAttribute('role')).toBe('status');
    expect(await screen.findByRole('heading', { name: 'NPS по кварталам' })).toBeTruthy();
    expect(screen.queryByText('Загружаются NPS по кварталам и контакты…')).toBeNull();
  });
});
