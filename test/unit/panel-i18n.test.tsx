// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createI18n, resolveLocale } from '../../core/i18n';
import { en } from '../../core/locales/en';
import { ru } from '../../core/locales/ru';
import { saveRecordContext } from '../../core/store';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { DAY, NOW, account, companyRef, contact, context, figure, freshDb, showRecordPanel, response, testHost } from './panel-helpers';

afterEach(cleanup);

describe('i18n', () => {
  it.each([
    ['auto', ['ru-RU', 'en'], 'ru'],
    ['auto', ['de-DE', 'en-GB'], 'en'],
    ['auto', ['fr'], 'en'],
    ['en', ['ru-RU'], 'en'],
    ['ru', ['en-US'], 'ru'],
  ] as const)('setting %s with browser %j → %s', (setting, languages, expected) => {
    expect(resolveLocale(setting, languages)).toBe(expected);
  });

  it.each([
    [1, 'n = 1 ответ'],
    [3, 'n = 3 ответа'],
    [5, 'n = 5 ответов'],
    [11, 'n = 11 ответов'],
    [21, 'n = 21 ответ'],
    [22, 'n = 22 ответа'],
    [2500, 'n = 2 500 ответов'],
  ])('Russian plural for %i responses', (count, text) => {
    expect(createI18n('ru', ru).plural('account.n', count).replace(/\u00a0/g, ' ')).toBe(text);
  });

  it.each([
    [1, 'n = 1 response'],
    [2, 'n = 2 responses'],
    [2500, 'n = 2,500 responses'],
  ])('English plural for %i responses', (count, text) => {
    expect(createI18n('en').plural('account.n', count)).toBe(text);
  });

  it('formats dates, relative times and money by locale', () => {
    const at = Date.UTC(2026, 10, 3, 12);
    expect(createI18n('en').date(at)).toBe('Nov 3, 2026');
    expect(createI18n('ru', ru).date(at)).toMatch(/^3 нояб\. 2026/);
    expect(createI18n('ru', ru).relative(NOW - 3 * DAY, NOW)).toBe('3 дня назад');
    expect(createI18n('en').relative(NOW + 2 * 3_600_000, NOW)).toBe('in 2 hours');
    expect(createI18n('ru', ru).money(120000, 'USD').replace(/\u00a0/g, ' ')).toBe('120 000 $');
    expect(createI18n('ru', ru).score(-12.4)).toBe('-12');
  });

  it('has every English message in Russian, with the plural forms Russian needs', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      const message = ru[key];
      expect(message, key).toBeTruthy();
      if (typeof en[key] === 'object') {
        expect(typeof message, key).toBe('object');
        if (typeof message === 'object') expect([message.one, message.few, message.many].every(Boolean), key).toBe(true);
      }
    }
  });

  it('shows the panel in Russian when the settings say so, whatever the browser language', async () => {
    const db = freshDb();
    await saveRecordContext(
      db,
      context(companyRef, {
        title: 'Acme Corp',
        account: account(),
        contacts: [contact('1'), contact('2'), contact('3')],
        responses: [response('1', 10, NOW - DAY), response('2', 9, NOW - DAY), response('3', 3, NOW - 3 * DAY)],
      }),
    );
    const host = testHost({ settings: { ...DEFAULT_SETTINGS, ui: { ...DEFAULT_SETTINGS.ui, language: 'ru' } }, languages: ['en-US'] });
    const { root, container } = await showRecordPanel(db, host, companyRef);
    expect(root().getAttribute('lang')).toBe('ru');
    expect(figure(container, 'account-n')?.textContent).toBe('n = 3 человека');
    expect(screen.getByText(/^Слишком мало ответов \(\d+\) для NPS компании$/)).toBeTruthy();
    expect(screen.getByText('Метод: последний ответ каждого контакта')).toBeTruthy();
    expect(await screen.findByRole('heading', { name: '3 контакта' })).toBeTruthy();
    expect(screen.getByText('3 дня назад')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Режим звонка' })).toBeTruthy();
    // The automation hooks stay in English and raw numbers.
    expect(Number(container.querySelector('[data-ll-figure="account-nps"]')?.getAttribute('data-ll-value'))).toBeCloseTo(100 / 3, 9);
  });
});
