import { useId, type ReactNode } from 'react';
import type { SurveyResponse } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { effortLevel } from '../../core/nps';
import { CollapsibleText } from '../ui/CollapsibleText';
import { Figure } from '../ui/Figure';
import { SegmentBadge } from '../ui/SegmentBadge';
import { safeSegment } from '../../core/nps';
import type { FocusContact, PanelData } from '../../core/panel-data';
import { latestTwoNps } from './ContactView';
import { outcomeMessages } from '../outcome/messages';
import { SlaClock } from './FollowUps';
import { useI18n } from './i18n-context';
import { segmentLabel } from './labels';

/** What changed since the last contact (the last logged loop), or since the previous response. */
function changes(focus: FocusContact): { since: number | null; fresh: SurveyResponse[]; from: SurveyResponse | null; to: SurveyResponse | null } {
  const lastLoop = focus.loops[0]?.loggedAt ?? null;
  const nps = focus.responses.filter((r) => r.kind === 'nps');
  if (lastLoop !== null) {
    const fresh = focus.responses.filter((r) => r.submittedAt > lastLoop);
    const before = nps.filter((r) => r.submittedAt <= lastLoop);
    const after = nps.filter((r) => r.submittedAt > lastLoop);
    return { since: lastLoop, fresh, from: before[before.length - 1] ?? null, to: after[after.length - 1] ?? null };
  }
  const [latest, previous] = latestTwoNps(focus.responses);
  return { since: null, fresh: [], from: previous, to: latest };
}

function lastEffort(responses: SurveyResponse[]): SurveyResponse | null {
  return [...responses].reverse().find((r) => r.kind === 'ces') ?? null;
}

/** The compact card an agent reads during a call: two seconds to know where this customer stands. */
export function CallCard(props: {
  data: PanelData;
  settings: Settings;
  now: number;
  /** Why the loop history, read for "since the last contact", is missing, and how to ask again. */
  loopHistoryProblem?: { reason: string; retry: () => void } | null;
  /** The card's action: Log outcome for its open follow-up (or its contact). */
  action?: ReactNode;
}) {
  const i18n = useI18n();
  const headingId = useId();
  const { data, now } = props;
  const focus = data.focus[0];
  const topFollowUp = data.followUps[0] ?? null;
  const name = focus?.contact?.name || data.view.title;

  const moreFollowUps = data.followUps.length - 1;
  const followUpLine = (
    <div className="call-row">
      <span className="call-label">{i18n.t('call.openFollowUp')}</span>
      <Figure name="open-followups" value={data.followUps.length} className="visually-hidden">
        {i18n.plural('followUps.open', data.followUps.length)}
      </Figure>
      {topFollowUp ? (
        <span>
          <span dir="auto">{topFollowUp.followUp.title}</span> · <SlaClock dueAt={topFollowUp.dueAt} now={now} noDueReason={topFollowUp.noDueReason} fromCreation={topFollowUp.dueBasis === 'created'} />
        </span>
      ) : (
        <span className="muted">{i18n.t('followUps.none')}</span>
      )}
      {/* An agent must not promise from the first follow-up alone: the others are named, with their owners, outside call mode. */}
      {moreFollowUps > 0 && <span className="call-more">{i18n.plural('call.moreFollowUps', moreFollowUps)}</span>}
    </div>
  );

  if (!focus) {
    const rollup = data.account?.rollup;
    return (
      <section className="call-card" aria-labelledby={headingId}>
        <h2 id={headingId} dir="auto">
          {data.account?.account?.name || name}
        </h2>
        {rollup && rollup.summary.nps !== null ? (
          <div className="call-row">
            <span className="call-label">{i18n.t('account.nps')}</span>
            {rollup.tooFew ? (
              // As in the full panel: under the minimum n no number is a headline.
              <strong className="too-few">{i18n.plural('account.tooFew', rollup.summary.n)}</strong>
            ) : (
              <Figure name="account-nps" value={rollup.summary.nps} className="big-number">
                {i18n.score(rollup.summary.nps)}
              </Figure>
            )}
            <span className="muted">
              {!rollup.tooFew && rollup.summary.marginOfError95 !== null && <>{i18n.t('account.margin', { margin: i18n.number(Math.round(rollup.summary.marginOfError95)) })} </>}
              {i18n.plural(rollup.counted === 'people' ? 'account.nPeople' : 'account.n', rollup.summary.n)} · {i18n.plural('call.detractors', rollup.summary.detractors)}
            </span>
          </div>
        ) : (
          <p className="empty">{i18n.t('state.empty')}</p>
        )}
        {followUpLine}
        {props.action}
      </section>
    );
  }

  const [latest] = latestTwoNps(focus.responses);
  const seg = latest ? safeSegment(latest.score) : null;
  const effort = lastEffort(focus.responses);
  const change = changes(focus);
  const lastComment = [...focus.responses].reverse().find((r) => r.comment)?.comment ?? null;
  const lastLoop = focus.loops[0] ?? null;
  const results = outcomeMessages(i18n.locale).results;

  return (
    <section className="call-card" aria-labelledby={headingId}>
      <h2 id={headingId} dir="auto">
        {name}
      </h2>
      <div className="call-row">
        <span className="call-label">{i18n.t('call.lastScore')}</span>
        {latest ? (
          <span>
            <Figure name="contact-latest-score" value={latest.score} className={`big-number text-${seg ?? 'neutral'}`}>
              {i18n.number(latest.score)}
            </Figure>{' '}
            {seg && (
              <Figure name="contact-segment" value={seg}>
                <SegmentBadge segment={seg} label={segmentLabel(i18n, seg)} />
              </Figure>
            )}{' '}
            <span className="muted">{i18n.relative(latest.submittedAt, now)}</span>
          </span>
        ) : (
          <span className="muted">{i18n.t('state.empty')}</span>
        )}
      </div>
      {lastComment && (
        <div className="call-row">
          <span className="call-label">{i18n.t('call.lastComment')}</span>
          <CollapsibleText text={lastComment} limit={140} moreLabel={i18n.t('action.showMoreText')} lessLabel={i18n.t('action.showLessText')} />
        </div>
      )}
      {followUpLine}
      {props.action}
      <div className="call-row">
        <span className="call-label">{i18n.t('call.lastEffort')}</span>
        {effort ? (
          <span>
            {i18n.t('response.score', { score: effort.score, max: effort.scaleMax })} · {i18n.t(`effort.${effortLevel(effort.score, effort.scaleMax)}`)}
          </span>
        ) : (
          <span className="muted">{i18n.t('contact.none')}</span>
        )}
      </div>
      {lastLoop && (
        <div className="call-row">
          <span className="call-label">{i18n.t('call.lastLogged')}</span>
          <span>
            <time dateTime={new Date(lastLoop.loggedAt).toISOString()}>{i18n.date(lastLoop.loggedAt)}</time>
            {lastLoop.result && <> · {results[lastLoop.result]}</>}
          </span>
          {lastLoop.summary && <CollapsibleText text={lastLoop.summary} limit={140} moreLabel={i18n.t('action.showMoreText')} lessLabel={i18n.t('action.showLessText')} />}
        </div>
      )}
      <div className="call-row">
        <span className="call-label">{change.since !== null ? i18n.t('call.sinceLogged') : i18n.t('call.sincePrevious')}</span>
        <span>
          {[
            change.from && change.to ? i18n.t('call.npsMove', { from: change.from.score, to: change.to.score }) : null,
            change.since !== null && change.fresh.length > 0 ? i18n.plural('call.newResponses', change.fresh.length) : null,
          ]
            .filter(Boolean)
            .join(' · ') || i18n.t('call.nothingNew')}
        </span>
      </div>
      {props.loopHistoryProblem && (
        <p className="form-problem" role="alert">
          {i18n.t('loops.failed', { reason: props.loopHistoryProblem.reason })}{' '}
          <button type="button" className="link-button" onClick={props.loopHistoryProblem.retry}>
            {i18n.t('action.retry')}
          </button>
        </p>
      )}
    </section>
  );
}
