import { createI18n, type I18n, type Locale } from '../../core/i18n';
import { en } from '../../core/locales/en';
import { ru } from '../../core/locales/ru';
import type { OutcomeResult } from '../../core/schema';
import { methodLabel, segmentLabel } from '../../components/panel/labels';
import { outcomeFormMessages } from '../../components/outcome/form-messages';
import { fill, outcomeMessages } from '../../components/outcome/messages';
import type { CardFigures, CardFollowUp } from './figures';

// The words a CRM card shows, from the extension's own catalogs (core/locales, the outcome form's messages and the
// panel's labels), so a figure reads the same in the panel, the HubSpot card and the Lightning component.

export type { Locale } from '../../core/i18n';

/** The figures the extension's panel marks with data-ll-figure, by the same names. */
export type FigureName = 'contact-latest-score' | 'contact-segment' | 'account-nps' | 'account-margin' | 'account-n' | 'revenue-at-risk' | 'open-followups';

export function cardI18n(locale: Locale): I18n {
  return createI18n(locale, locale === 'ru' ? ru : en);
}

/** A CRM's language tag ("ru-RU", "en_US", "fr") as the locale the catalogs have, English by default. */
export function localeOf(tag: string | null | undefined): Locale {
  return (tag ?? '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

/** Each figure as the panel writes it; a figure the record does not have is left out. */
export function figureTexts(figures: CardFigures, i18n: I18n): Partial<Record<FigureName, string>> {
  const texts: Partial<Record<FigureName, string>> = {};
  const { contact, account } = figures;
  if (contact?.latestScore !== null && contact?.latestScore !== undefined) texts['contact-latest-score'] = i18n.number(contact.latestScore);
  if (contact?.segment) texts['contact-segment'] = segmentLabel(i18n, contact.segment);
  if (account) {
    texts['account-nps'] = account.nps === null ? '—' : i18n.score(account.nps);
    if (account.margin !== null) texts['account-margin'] = i18n.t('account.margin', { margin: i18n.number(Math.round(account.margin)) });
    texts['account-n'] = i18n.plural(account.counted === 'people' ? 'account.nPeople' : 'account.n', account.n);
    const risk = account.revenueAtRisk;
    texts['revenue-at-risk'] = risk.unknown
      ? i18n.t('account.revenueUnknown')
      : risk.dealsUnread
        ? i18n.t(figures.crm === 'salesforce' ? 'account.opportunitiesUnread' : 'account.dealsUnread')
        : risk.atRisk.length > 0
          ? risk.atRisk.map((m) => i18n.money(m.amount, m.currency)).join(' + ')
          : i18n.money(0, account.currency);
  }
  texts['open-followups'] = i18n.plural('followUps.open', figures.followUps.length);
  return texts;
}

/** The card's other words: headings, states and the outcome form, all from the extension's catalogs. */
export function cardWords(locale: Locale, crmName: string) {
  const i18n = cardI18n(locale);
  const form = { ...outcomeMessages(locale), ...outcomeFormMessages(locale) };
  const crm = { crm: crmName };
  return {
    i18n,
    appName: i18n.t('app.name'),
    loading: i18n.t('state.loading'),
    empty: i18n.t('state.empty'),
    emptyHint: i18n.t('state.emptyHint'),
    loadFailed: i18n.t('state.error'),
    retry: form.retry,
    latestNps: i18n.t('contact.latestNps'),
    noNps: i18n.t('contact.noNps'),
    accountNps: i18n.t('account.nps'),
    tooFew: (n: number) => i18n.plural('account.tooFew', n),
    method: (figures: CardFigures) =>
      figures.account ? i18n.t('account.method', { method: methodLabel(i18n, figures.account.method, figures.account.windowDays) }) : '',
    revenueAtRisk: i18n.t('account.revenueAtRisk'),
    followUpsTitle: i18n.t('followUps.title'),
    noFollowUps: i18n.t('followUps.none'),
    urgent: i18n.t('followUp.urgent'),
    owner: (name: string) => i18n.t('followUp.owner', { name }),
    noOwner: i18n.t('followUp.noOwner'),
    clock: (row: CardFollowUp, now: number) => slaText(i18n, row, now),
    formTitle: form.title,
    formTitleFor: (name: string) => fill(form.titleFor, { name }),
    result: form.result,
    results: form.results as Record<OutcomeResult, string>,
    chooseResult: form.chooseResult,
    rootCauses: form.rootCauses,
    rootCausesHint: form.rootCausesHint,
    note: form.note,
    thanked: form.thanked,
    closeFollowUp: (title: string) => fill(form.closeFollowUp, { title }),
    send: fill(form.send, crm),
    sending: fill(form.states.sending, crm),
    saved: fill(form.states.saved, crm),
    failed: (reason: string) => fill(form.states.failed, { ...crm, reason }),
    logAction: form.logAction,
    openInCrm: fill(form.openInCrm, crm),
    cancel: form.cancel,
  };
}

export type CardWords = ReturnType<typeof cardWords>;

function slaText(i18n: I18n, row: CardFollowUp, now: number): string {
  if (row.dueAt === null || row.sla === null) {
    return i18n.t(row.noDueReason === 'no-contact' ? 'sla.noContact' : row.noDueReason === 'never-answered' ? 'sla.neverAnswered' : 'sla.none');
  }
  const span = i18n.span(row.dueAt - now);
  if (row.sla === 'overdue') return i18n.t('sla.overdue', { span, date: i18n.dayMonth(row.dueAt) });
  if (row.sla === 'due-soon') return i18n.t('sla.dueSoon', { span });
  return i18n.t('sla.onTrack', { span, date: i18n.dayMonth(row.dueAt) });
}
