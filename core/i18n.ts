import { en, type Catalog, type Message, type MessageKey, type PluralMessage } from './locales/en';
import { roundScore } from './nps';

// The one i18n layer: every user-visible string goes through a catalog; plurals, numbers and dates
// are formatted with the platform's Intl so Russian gets its one/few/many forms for free.

export type Locale = 'en' | 'ru';
export type LanguageSetting = 'auto' | Locale;

/** English is built in (it is also the fallback); other languages load only when used, to keep the panel small. */
export async function loadCatalog(locale: Locale): Promise<Catalog> {
  if (locale === 'ru') return (await import('./locales/ru')).ru;
  return en;
}

/** The catalog of a language built into the panel, at once; null for one that loads (loadCatalog). */
export function builtInCatalog(locale: Locale): Catalog | null {
  return locale === 'en' ? en : null;
}

/** The explicit setting wins; otherwise the browser's language, falling back to English. */
export function resolveLocale(setting: LanguageSetting, browserLanguages: readonly string[]): Locale {
  if (setting !== 'auto') return setting;
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ru') return 'ru';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export type Params = Record<string, string | number>;

export interface I18n {
  locale: Locale;
  /** A message with `{name}` placeholders; numbers in params are formatted for the locale. */
  t(key: MessageKey, params?: Params): string;
  /** A plural message chosen by `count`, which is also available as `{count}`. */
  plural(key: MessageKey, count: number, params?: Params): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** A signed whole number of NPS points, e.g. "+30" or "−12". */
  score(value: number): string;
  money(value: number, currency: string | null): string;
  date(epochMs: number): string;
  dateTime(epochMs: number): string;
  /** "Nov 12" — a day of the month, for clocks whose year is plain from context. */
  dayMonth(epochMs: number): string;
  /** A length of time in whole days, hours or minutes (the largest that fits): "23 days", "5h". */
  span(ms: number): string;
  /** "3 days ago", "in 5 hours" — relative to `now`. */
  relative(epochMs: number, now: number): string;
  /** The same language with a surface's own words added (My open loops, Insights: see core/locales/README.md). */
  extend(words: Words): I18n;
}

/** Messages by key: the panel's catalog, with a surface's own catalog over it. */
export type Words = Partial<Record<MessageKey, Message>>;

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

function isPlural(message: string | PluralMessage): message is PluralMessage {
  return typeof message === 'object';
}

/** Made on first use: building a formatter costs more than using it, and a panel's first paint needs few of them. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}

export function createI18n(locale: Locale, catalog: Catalog | Words = en): I18n {
  const numberFormat = once(() => new Intl.NumberFormat(locale));
  const pluralRules = once(() => new Intl.PluralRules(locale));
  const dateFormat = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }));
  const dateTimeFormat = once(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }));
  const relativeFormat = once(() => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const dayMonthFormat = once(() => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }));
  const spanFormats = {
    day: once(() => new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'long' })),
    hour: once(() => new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'narrow' })),
    minute: once(() => new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'narrow' })),
  };
  const signedFormat = once(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }));
  // One formatter per currency: a list of 100 loops names revenue on most rows, and building a formatter costs more than using it.
  const moneyFormats = new Map<string, Intl.NumberFormat>();

  const fill = (template: string, params: Params | undefined): string =>
    template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params?.[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numberFormat().format(value) : value;
    });

  const words: Words = catalog;
  // A key of a surface whose words are not loaded shows as itself; locale-surfaces.test.ts proves none is.
  const lookup = (key: MessageKey): Message => words[key] ?? (en as Words)[key] ?? key;

  return {
    locale,
    t(key, params) {
      const message = lookup(key);
      return fill(isPlural(message) ? message.other : message, params);
    },
    plural(key, count, params) {
      const message = lookup(key);
      if (!isPlural(message)) return fill(message, { count, ...params });
      const form = pluralRules().select(count) as keyof PluralMessage;
      return fill(message[form] ?? message.other, { count, ...params });
    },
    number: (value, options) => (options ? new Intl.NumberFormat(locale, options).format(value) : numberFormat().format(value)),
    score: (value) => signedFormat().format(roundScore(value)),
    money(value, currency) {
      if (!currency) return numberFormat().format(Math.round(value));
      try {
        let format = moneyFormats.get(currency);
        if (!format) {
          format = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
          moneyFormats.set(currency, format);
        }
        return format.format(value);
      } catch {
        // An unknown currency code from the CRM: show the code beside the number rather than fail.
        return `${numberFormat().format(Math.round(value))} ${currency}`;
      }
    },
    date: (epochMs) => dateFormat().format(epochMs),
    dateTime: (epochMs) => dateTimeFormat().format(epochMs),
    dayMonth: (epochMs) => dayMonthFormat().format(epochMs),
    span(ms) {
      const size = Math.abs(ms);
      if (size >= 24 * 3600_000) return spanFormats.day().format(Math.floor(size / (24 * 3600_000)));
      if (size >= 3600_000) return spanFormats.hour().format(Math.floor(size / 3600_000));
      return spanFormats.minute().format(Math.max(1, Math.floor(size / 60_000)));
    },
    relative(epochMs, now) {
      const diff = epochMs - now;
      for (const [unit, size] of UNITS) {
        if (Math.abs(diff) >= size) return relativeFormat().format(Math.round(diff / size), unit);
      }
      return relativeFormat().format(0, 'minute');
    },
    extend: (more) => createI18n(locale, { ...words, ...more }),
  };
}
