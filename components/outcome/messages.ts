import type { Locale } from '../../core/i18n';
import type { OutcomeResult } from '../../core/schema';

// The close-the-loop form's words, per locale. Kept beside the form so the catalog of the panel
// stays focused on reading; both go through the same locale choice (useI18n().locale).

const en = {
  title: 'Log the outcome',
  titleFor: 'Log the outcome for {name}',
  result: 'Result',
  results: {
    'reached-resolved': 'Reached and resolved',
    'reached-unresolved': 'Reached, not resolved yet',
    'no-answer': 'No answer',
    escalated: 'Escalated',
    'promoter-reference': 'Promoter: agreed to be a reference',
    'promoter-review': 'Promoter: will write a review',
    'promoter-community': 'Promoter: invited to the community',
  } satisfies Record<OutcomeResult, string>,
  chooseResult: 'Choose a result: what happened when you reached out? Nothing is chosen for you.',
  followUpLine: 'Follow-up: {title}',
  noFollowUp: 'Not linked to a follow-up.',
  closesFollowUp: 'Saving closes this follow-up in {crm}.',
  keepsFollowUp: 'Saving leaves this follow-up open.',
  rootCauses: 'Root causes',
  rootCausesHint: 'What drove the score? Pick all that apply.',
  note: 'What was heard and done',
  nextStep: 'Next step',
  nextStepDue: 'Due',
  nextStepHint: 'Leave empty when there is none.',
  thanked: 'Thanked and told what we heard',
  closeFollowUp: 'Close the follow-up ({title})',
  send: 'Save to {crm}',
  saveAction: 'save this outcome to {crm}',
  sendHint: 'Ctrl+Enter saves',
  cancel: 'Cancel',
  invalidNextStep: 'Give the next step a due date, or clear it.',
  invalid: 'Check the form: {reason}',
  queuedOffline: 'Saved here; it will reach {crm} as soon as it can.',
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
  historyTitle: 'Loop history',
  historyEmpty: 'No close-the-loop outcomes logged yet.',
  by: 'by {name}',
  logAction: 'Log outcome',
};

type OutcomeMessages = typeof en;

const ru: OutcomeMessages = {
  title: 'Записать итог',
  titleFor: 'Записать итог для: {name}',
  result: 'Итог',
  results: {
    'reached-resolved': 'Связались, вопрос решён',
    'reached-unresolved': 'Связались, вопрос ещё не решён',
    'no-answer': 'Не ответил',
    escalated: 'Передано выше',
    'promoter-reference': 'Промоутер: согласился дать рекомендацию',
    'promoter-review': 'Промоутер: напишет отзыв',
    'promoter-community': 'Промоутер: приглашён в сообщество',
  },
  chooseResult: 'Выберите итог: что произошло, когда вы связались с клиентом? Сами мы ничего не выбираем.',
  followUpLine: 'Задача по отзыву: {title}',
  noFollowUp: 'Не связано с задачей по отзыву.',
  closesFollowUp: 'При сохранении задача по отзыву закроется в {crm}.',
  keepsFollowUp: 'При сохранении задача по отзыву останется открытой.',
  rootCauses: 'Причины',
  rootCausesHint: 'Что повлияло на оценку? Отметьте всё подходящее.',
  note: 'Что услышали и что сделали',
  nextStep: 'Следующий шаг',
  nextStepDue: 'Срок',
  nextStepHint: 'Оставьте пустым, если шага нет.',
  thanked: 'Поблагодарили и рассказали, что услышали',
  closeFollowUp: 'Закрыть задачу по отзыву ({title})',
  send: 'Сохранить в {crm}',
  saveAction: 'сохранить итог в {crm}',
  sendHint: 'Ctrl+Enter — сохранить',
  cancel: 'Отмена',
  invalidNextStep: 'Укажите срок следующего шага или очистите его.',
  invalid: 'Проверьте форму: {reason}',
  queuedOffline: 'Сохранено здесь; попадёт в {crm}, как только будет связь.',
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
  historyTitle: 'История работы с отзывами',
  historyEmpty: 'Итогов пока нет.',
  by: '{name}',
  logAction: 'Записать итог',
};

const CATALOGS: Record<Locale, OutcomeMessages> = { en, ru };

export function outcomeMessages(locale: Locale): OutcomeMessages {
  return CATALOGS[locale];
}

export function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
