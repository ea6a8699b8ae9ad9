import type { Locale } from '../../core/i18n';
import type { OutcomeResult } from '../../core/schema';

// The words of an outcome's life in the panel (its result, where it is, Undo), per locale. The form's own words are
// in form-messages.ts, loaded with the form; both go through the same locale choice (useI18n().locale).

const en = {
  title: 'Log the outcome',
  results: {
    'reached-resolved': 'Reached and resolved',
    'reached-unresolved': 'Reached, not resolved yet',
    'no-answer': 'No answer',
    escalated: 'Escalated',
    'promoter-reference': 'Promoter: agreed to be a reference',
    'promoter-review': 'Promoter: will write a review',
    'promoter-community': 'Promoter: invited to the community',
  } satisfies Record<OutcomeResult, string>,
  states: {
    queued: 'Saved here, not yet in {crm}',
    sending: 'Being written to {crm}…',
    retrying: 'Not in {crm} yet ({reason}); trying again',
    saved: 'Written to {crm}',
    failed: 'Not written to {crm}: {reason}',
  },
  held: 'Saved here. It goes to {crm} in a few seconds.',
  undo: 'Undo',
  undone: 'Undone: nothing was written to {crm}.',
  openInCrm: 'Open in {crm}',
  retry: 'Retry',
  retryAction: 'send this outcome to {crm} again',
  outcomesTitle: 'Logged outcomes',
  logAction: 'Log outcome',
};

type OutcomeMessages = typeof en;

const ru: OutcomeMessages = {
  title: 'Записать итог',
  results: {
    'reached-resolved': 'Связались, вопрос решён',
    'reached-unresolved': 'Связались, вопрос ещё не решён',
    'no-answer': 'Не ответил',
    escalated: 'Передано выше',
    'promoter-reference': 'Промоутер: согласился дать рекомендацию',
    'promoter-review': 'Промоутер: напишет отзыв',
    'promoter-community': 'Промоутер: приглашён в сообщество',
  },
  states: {
    queued: 'Сохранено здесь, в {crm} ещё нет',
    sending: 'Записывается в {crm}…',
    retrying: 'В {crm} ещё нет ({reason}); пробуем снова',
    saved: 'Записано в {crm}',
    failed: 'Не записано в {crm}: {reason}',
  },
  held: 'Сохранено здесь. Через несколько секунд уйдёт в {crm}.',
  undo: 'Отменить',
  undone: 'Отменено: в {crm} ничего не записано.',
  openInCrm: 'Открыть в {crm}',
  retry: 'Повторить',
  retryAction: 'отправить итог в {crm} ещё раз',
  outcomesTitle: 'Записанные итоги',
  logAction: 'Записать итог',
};

const CATALOGS: Record<Locale, OutcomeMessages> = { en, ru };

export function outcomeMessages(locale: Locale): OutcomeMessages {
  return CATALOGS[locale];
}

export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
