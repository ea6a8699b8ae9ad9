import type { I18n } from '../../core/i18n';
import type { MessageKey } from '../../core/locales/en';
import type { Segment } from '../../core/schema';
import type { RollupMethod } from '../../core/settings';
import { errorState } from './state';

const CODE = /^[A-Z0-9]+(?:_[A-Z0-9]+)+$|^[A-Z]{3,}$|^[a-z0-9]+(?:_[a-z0-9]+)+$/;
const CHANNELS = { email: 'channel.email', sms: 'channel.sms', web: 'channel.web', phone: 'channel.phone', chat: 'channel.chat', in_app: 'channel.inApp', link: 'channel.link' } as const;

/** A CRM's code as words: "EMAIL" → "Email", "NOT_STARTED" → "Not started"; words stay as they are. */
export function words(value: string): string {
  if (!CODE.test(value)) return value;
  const spaced = value.toLowerCase().replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const TASK_STATUSES = {
  NOT_STARTED: 'taskStatus.notStarted',
  IN_PROGRESS: 'taskStatus.inProgress',
  WAITING: 'taskStatus.waiting',
  DEFERRED: 'taskStatus.deferred',
  COMPLETED: 'taskStatus.completed',
} as const;

/** A follow-up's status in the user's language: HubSpot's task status codes by name; a stage or picklist label as the CRM names it. */
export function statusLabel(i18n: I18n, status: string): string {
  const key = TASK_STATUSES[status as keyof typeof TASK_STATUSES];
  return key ? i18n.t(key) : words(status);
}

/** A roll-up quarter ("2026-Q3") as a person writes it: "Q3 2026", "3 кв. 2026". */
export function quarterLabel(i18n: I18n, quarter: string): string {
  const match = /^(\d{4})-Q([1-4])$/.exec(quarter);
  return match ? i18n.t('account.quarterLabel', { year: match[1]!, quarter: match[2]! }) : quarter;
}

/** A survey channel in the user's language where known ("EMAIL" → "email"), else the CRM's code as words. */
export function channelLabel(i18n: I18n, channel: string): string {
  const key = CHANNELS[channel.toLowerCase() as keyof typeof CHANNELS];
  return key ? i18n.t(key) : words(channel);
}

const ERROR_TEXT: Record<string, MessageKey> = {
  auth: 'error.auth',
  scope: 'error.scope',
  'wrong-instance': 'error.wrongInstance',
  'not-found': 'error.notFound',
  'daily-limit': 'error.dailyLimit',
  malformed: 'error.malformed',
  config: 'error.config',
  validation: 'error.validation',
  'storage-full': 'error.storageFull',
  'no-answer': 'error.noAnswer',
};

/**
 * What went wrong, in the user's language, from the error's kind alone: the background's message is English and
 * written for logs, so no surface shows it. A CRM out of reach (network, 5xx, timeout, rate limit) says so.
 */
export function errorLabel(i18n: I18n, kind: string, crm: string): string {
  if (errorState(kind) === 'offline') return i18n.t('state.offline', { crm });
  const key = ERROR_TEXT[kind];
  return key ? i18n.t(key, { crm }) : i18n.t('error.generic');
}

export function segmentLabel(i18n: I18n, segment: Segment): string {
  return i18n.t(segment === 'promoter' ? 'segment.promoter' : segment === 'passive' ? 'segment.passive' : 'segment.detractor');
}

/** The roll-up method in the user's language (core/rollup names it in English for logs and exports). */
export function methodLabel(i18n: I18n, method: RollupMethod, windowDays: number | null): string {
  if (method === 'window') return windowDays === null ? i18n.t('method.windowAll') : i18n.plural('method.window', windowDays);
  if (method === 'latestPerContact') return i18n.t('method.latestPerContact');
  return i18n.t('method.weightedByRole');
}
