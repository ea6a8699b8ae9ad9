import { safeSegment } from '../../core/nps';
import type { PanelData } from '../../core/panel-data';
import { Figure } from '../ui/Figure';
import { useI18n } from './i18n-context';
import { segmentLabel } from './labels';
import { latestTwoNps } from './ContactView';

/**
 * The panel folded to a slim tab at the page's edge, so the CRM's own controls stay usable: the record's
 * latest NPS and its segment in words (contact) or the account NPS, and how many follow-ups are open. A click opens the panel over the page.
 */
export function SlimTab(props: { data: PanelData | null; onOpen: () => void }) {
  const i18n = useI18n();
  const { data } = props;
  const focus = data?.focus[0];
  const [latest] = focus ? latestTwoNps(focus.responses) : [null];
  const segment = latest ? safeSegment(latest.score) : null;
  const accountNps = !focus ? (data?.account?.rollup.summary.nps ?? null) : null;
  const open = data?.followUps.length ?? null;
  const parts = [
    i18n.t('app.name'),
    latest && segment ? `${i18n.t('kind.nps')} ${i18n.number(latest.score)}, ${segmentLabel(i18n, segment)}` : null,
    accountNps !== null ? `${i18n.t('account.nps')} ${i18n.score(accountNps)}` : null,
    open !== null ? i18n.plural('slim.openLoops', open) : null,
  ].filter((part): part is string => part !== null);
  return (
    <button type="button" className="slim-tab" title={i18n.t('slim.open')} aria-label={`${i18n.t('slim.open')}: ${parts.join('; ')}`} onClick={props.onOpen}>
      {latest && segment && (
        <>
          <span className={`slim-score badge-${segment}`} aria-hidden="true">
            {i18n.number(latest.score)}
          </span>
          {/* The word, not only the colour: a bare 3 at the edge reads as a count. */}
          <span className="slim-segment" aria-hidden="true">
            {segmentLabel(i18n, segment)}
          </span>
        </>
      )}
      {accountNps !== null && (
        <span className="slim-score badge-neutral" aria-hidden="true">
          {i18n.score(accountNps)}
        </span>
      )}
      {open !== null && (
        <Figure name="open-followups" value={open} className={`slim-loops${open > 0 ? ' has-open' : ''}`}>
          <span aria-hidden="true">{i18n.plural('slim.openShort', open)}</span>
        </Figure>
      )}
      <span className="slim-brand" aria-hidden="true">
        {i18n.t('app.name')}
      </span>
    </button>
  );
}
