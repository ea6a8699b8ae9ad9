import { useId, type ReactNode } from 'react';
import { csatPercent, effortLevel, trend } from '../../core/nps';
import { inQuietPeriod, promoterInvite } from '../../core/rules';
import type { Settings } from '../../core/settings';
import type { SurveyResponse } from '../../core/schema';
import { Figure } from '../ui/Figure';
import { SegmentBadge } from '../ui/SegmentBadge';
import { Section } from '../ui/Section';
import { safeSegment } from '../../core/nps';
import type { FocusContact } from '../../core/panel-data';
import { HistoryChart } from './HistoryChart';
import { useI18n } from './i18n-context';
import { segmentLabel } from './labels';
import { ResponseList } from './ResponseList';

const DAY_MS = 86_400_000;

function lastOf(responses: SurveyResponse[], kind: SurveyResponse['kind']): SurveyResponse | null {
  for (let i = responses.length - 1; i >= 0; i--) {
    const r = responses[i];
    if (r && r.kind === kind) return r;
  }
  return null;
}

/** The latest NPS and the one before it, for the trend. */
export function latestTwoNps(responses: SurveyResponse[]): [SurveyResponse | null, SurveyResponse | null] {
  const nps = responses.filter((r) => r.kind === 'nps');
  return [nps[nps.length - 1] ?? null, nps[nps.length - 2] ?? null];
}

export function TrendText(props: { latest: SurveyResponse | null; previous: SurveyResponse | null }) {
  const i18n = useI18n();
  const direction = trend(props.previous?.score ?? null, props.latest?.score ?? null);
  if (!direction || !props.latest || !props.previous) return null;
  const arrow = direction === 'improving' ? '↗' : direction === 'declining' ? '↘' : '→';
  return (
    <p className={`trend trend-${direction}`}>
      <span aria-hidden="true">{arrow} </span>
      {i18n.t(`trend.${direction}`, { from: props.previous.score, to: props.latest.score })}
    </p>
  );
}

export function ContactView(props: {
  focus: FocusContact;
  fallbackTitle: string;
  settings: Settings;
  now: number;
  /** Name the contact in a heading of its own (not on the contact's own page, whose heading already does). */
  showName: boolean;
  renderResponseAction?: (response: SurveyResponse) => ReactNode;
}) {
  const i18n = useI18n();
  const headingId = useId();
  const { focus, now } = props;
  const { contact, responses } = focus;
  const [latest, previous] = latestTwoNps(responses);
  const segment = latest ? safeSegment(latest.score) : null;
  const ces = lastOf(responses, 'ces');
  const csat = lastOf(responses, 'csat');
  const csatScores = responses.filter((r) => r.kind === 'csat').map((r) => r.score);
  const csatShare = csatPercent(csatScores);
  const lastSurveyed = contact?.lastSurveyedAt ?? responses[responses.length - 1]?.submittedAt ?? null;
  const quietDays = props.settings.rules.quietPeriodDays;
  const quiet = inQuietPeriod(lastSurveyed, now, quietDays);
  const name = contact?.name || props.fallbackTitle;

  return (
    <article className="record contact" aria-labelledby={props.showName ? headingId : undefined} aria-label={props.showName ? undefined : name}>
      {props.showName && (
        <h3 id={headingId} dir="auto">
          {name}
        </h3>
      )}
      {contact?.title && (
        <p className="subtitle" dir="auto">
          {contact.title}
        </p>
      )}
      {responses.length === 0 ? (
        <div className="empty" role="status">
          <p className="state-title">{i18n.t('state.empty')}</p>
          <p className="muted">{i18n.t('state.emptyHint')}</p>
        </div>
      ) : (
        <>
          <dl className="figures">
            <div className="figure-card">
              <dt>{i18n.t('contact.latestNps')}</dt>
              <dd>
                {latest ? (
                  <>
                    <Figure name="contact-latest-score" value={latest.score} className={`big-number text-${segment ?? 'neutral'}`}>
                      {i18n.number(latest.score)}
                    </Figure>
                    {segment && (
                      <Figure name="contact-segment" value={segment}>
                        <SegmentBadge segment={segment} label={segmentLabel(i18n, segment)} />
                      </Figure>
                    )}
                    <TrendText latest={latest} previous={previous} />
                  </>
                ) : (
                  <span className="muted">{i18n.t('contact.noNps')}</span>
                )}
              </dd>
            </div>
            <div className="figure-card">
              <dt>{i18n.t('contact.effort')}</dt>
              <dd>
                {ces ? (
                  <>
                    <span className="mid-number">{i18n.t('response.score', { score: ces.score, max: ces.scaleMax })}</span>
                    <span className={`effort effort-${effortLevel(ces.score, ces.scaleMax)}`}>{i18n.t(`effort.${effortLevel(ces.score, ces.scaleMax)}`)}</span>
                    <span className="hint">{i18n.t('contact.effortHint', { max: ces.scaleMax })}</span>
                  </>
                ) : (
                  <span className="muted">{i18n.t('contact.none')}</span>
                )}
              </dd>
            </div>
            <div className="figure-card">
              <dt>{i18n.t('contact.csat')}</dt>
              <dd>
                {csat ? (
                  <>
                    <span className="mid-number">{i18n.t('response.score', { score: csat.score, max: csat.scaleMax })}</span>
                    {csatShare !== null && (
                      <span className="hint">
                        {i18n.plural('contact.csatShare', csatScores.length, { satisfied: Math.round((csatShare / 100) * csatScores.length) })}
                      </span>
                    )}
                  </>
                ) : (
                  <span className="muted">{i18n.t('contact.none')}</span>
                )}
              </dd>
            </div>
          </dl>
          {lastSurveyed !== null && (
            <p className="last-surveyed">
              {i18n.t('contact.lastSurveyed', { age: i18n.relative(lastSurveyed, now) })}{' '}
              <time dateTime={new Date(lastSurveyed).toISOString()}>({i18n.date(lastSurveyed)})</time>
              {quiet && <> · {i18n.t('contact.quietPeriod', { date: i18n.date(lastSurveyed + quietDays * DAY_MS) })}</>}
            </p>
          )}
          {latest && promoterInvite(latest.score) && <p className="invite">{i18n.t('promoter.invite')}</p>}
          <Section title={i18n.t('contact.history')} foldKey="history">
            <HistoryChart responses={responses} />
          </Section>
          <Section title={i18n.plural('contact.responses', responses.length)} foldKey="responses">
            <ResponseList responses={responses} renderAction={props.renderResponseAction} />
          </Section>
        </>
      )}
    </article>
  );
}
