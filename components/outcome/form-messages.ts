import type { Locale } from '../../core/i18n';

// The outcome form's own words, per locale: loaded with the form, so the panel's first script does not carry them.

const en = {
  titleFor: 'Log the outcome for {name}',
  result: 'Result',
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
};

type OutcomeFormMessages = typeof en;

const ru: OutcomeFormMessages = {
  titleFor: 'Записать итог для: {name}',
  result: 'Итог',
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
};

const CATALOGS: Record<Locale, OutcomeFormMessages> = { en, ru };

export function outcomeFormMessages(locale: Locale): OutcomeFormMessages {
  return CATALOGS[locale];
}
