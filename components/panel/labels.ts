import type { I18n } from '../../core/i18n';
import type { Segment } from '../../core/schema';
import type { RollupMethod } from '../../core/settings';

export function segmentLabel(i18n: I18n, segment: Segment): string {
  return i18n.t(segment === 'promoter' ? 'segment.promoter' : segment === 'passive' ? 'segment.passive' : 'segment.detractor');
}

/** The roll-up method in the user's language (core/rollup names it in English for logs and exports). */
export function methodLabel(i18n: I18n, method: RollupMethod, windowDays: number | null): string {
  if (method === 'window') return windowDays === null ? i18n.t('method.windowAll') : i18n.plural('method.window', windowDays);
  if (method === 'latestPerContact') return i18n.t('method.latestPerContact');
  return i18n.t('method.weightedByRole');
}
