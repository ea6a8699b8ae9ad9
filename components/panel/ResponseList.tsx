import { useState, type ReactNode } from 'react';
import type { SurveyResponse } from '../../core/schema';
import { CollapsibleText } from '../ui/CollapsibleText';
import { SegmentBadge } from '../ui/SegmentBadge';
import { safeSegment } from '../../core/nps';
import { useI18n } from './i18n-context';
import { channelLabel, segmentLabel } from './labels';

const PAGE = 10;

/** One answer's head line: kind, score, segment and date. */
export function ResponseHead(props: { response: SurveyResponse }) {
  const i18n = useI18n();
  const r = props.response;
  const seg = r.kind === 'nps' ? safeSegment(r.score) : null;
  return (
    <div className="response-head">
      <span className="response-kind">{i18n.t(`kind.${r.kind}`)}</span>
      <span className="response-score">{i18n.t('response.score', { score: r.score, max: r.scaleMax })}</span>
      {seg && <SegmentBadge segment={seg} label={segmentLabel(i18n, seg)} />}
      <time className="response-date" dateTime={new Date(r.submittedAt).toISOString()}>
        {i18n.date(r.submittedAt)}
      </time>
    </div>
  );
}

/** Responses newest first: score, survey, channel, date and the comment as plain text; `renderAction` adds a response's own action. */
export function ResponseList(props: { responses: SurveyResponse[]; renderAction?: (response: SurveyResponse) => ReactNode }) {
  const i18n = useI18n();
  const [limit, setLimit] = useState(PAGE);
  const newestFirst = [...props.responses].reverse();
  const shown = newestFirst.slice(0, limit);
  const rest = newestFirst.length - shown.length;
  return (
    <>
      <ol className="response-list">
        {shown.map((r) => {
          return (
            <li key={r.key} className="response">
              <ResponseHead response={r} />
              {(r.surveyName || r.channel) && (
                <p className="response-meta" dir="auto">
                  {[r.surveyName, r.channel && i18n.t('response.channel', { channel: channelLabel(i18n, r.channel) })].filter(Boolean).join(' · ')}
                </p>
              )}
              {r.comment && <CollapsibleText text={r.comment} moreLabel={i18n.t('action.showMoreText')} lessLabel={i18n.t('action.showLessText')} />}
              {props.renderAction?.(r)}
            </li>
          );
        })}
      </ol>
      {rest > 0 && (
        <button type="button" className="link-button show-more" onClick={() => setLimit(limit + PAGE)}>
          {i18n.plural('action.showMoreItems', Math.min(rest, PAGE))}
        </button>
      )}
    </>
  );
}
