import type { ReactNode } from 'react';
import { followUpPriority, promoterInvite, slaClock } from '../../core/rules';
import type { Settings } from '../../core/settings';
import { Figure } from '../ui/Figure';
import { SegmentBadge } from '../ui/SegmentBadge';
import { Section } from '../ui/Section';
import { safeSegment } from '../../core/nps';
import type { FollowUpRow } from '../../core/panel-data';
import { useI18n } from './i18n-context';
import { segmentLabel, statusLabel } from './labels';

/**
 * The SLA clock of one follow-up, in plain words with its date ("Overdue 23 days · due Nov 12", "Due in 5h") and
 * colour: overdue red, due soon amber. Without a due time it says why.
 */
export function SlaClock(props: { dueAt: number | null; now: number; noDueReason?: FollowUpRow['noDueReason']; fromCreation?: boolean }) {
  const i18n = useI18n();
  if (props.dueAt === null) {
    const why = props.noDueReason === 'no-contact' ? 'sla.noContact' : props.noDueReason === 'never-answered' ? 'sla.neverAnswered' : 'sla.none';
    return <span className="sla sla-none">{i18n.t(why)}</span>;
  }
  const { state } = slaClock(props.dueAt, props.now);
  const params = { span: i18n.span(props.dueAt - props.now), date: i18n.dayMonth(props.dueAt) };
  const text = state === 'overdue' ? i18n.t('sla.overdue', params) : state === 'due-soon' ? i18n.t('sla.dueSoon', params) : i18n.t('sla.onTrack', params);
  return (
    <time
      className={`sla sla-${state}`}
      data-sla={state}
      dateTime={new Date(props.dueAt).toISOString()}
      title={props.fromCreation ? `${i18n.dateTime(props.dueAt)} · ${i18n.t('sla.fromCreation')}` : i18n.dateTime(props.dueAt)}
    >
      {text}
    </time>
  );
}

export function FollowUpItem(props: {
  row: FollowUpRow;
  settings: Settings;
  now: number;
  action?: ReactNode;
  /** The contact whose own page this is: a follow-up of theirs is not captioned with their name again. */
  pageContactKey?: string | null;
}) {
  const i18n = useI18n();
  const { followUp, contactName, dueAt, noDueReason, dueBasis, suggestedOwner } = props.row;
  // The answer it follows up, or else its contact's latest NPS answer, said as such.
  const rated = props.row.priorityScore;
  const score = rated?.score ?? null;
  const seg = score !== null ? safeSegment(score) : null;
  const priority = followUpPriority(score, props.settings.rules);
  return (
    <li className={`follow-up priority-${priority}`} data-priority={priority}>
      <div className="follow-up-head">
        {followUp.url ? (
          <a href={followUp.url} target="_blank" rel="noopener noreferrer" dir="auto">
            {followUp.title}
          </a>
        ) : (
          <span dir="auto">{followUp.title}</span>
        )}
        {followUp.statusLabel && <span className="muted"> · {statusLabel(i18n, followUp.statusLabel)}</span>}
      </div>
      <div className="follow-up-meta">
        {rated && seg && (
          <SegmentBadge segment={seg} label={`${i18n.t(rated.basis === 'latest' ? 'followUp.latestNps' : 'followUp.nps', { score: rated.score })} · ${segmentLabel(i18n, seg)}`} />
        )}
        <span className={`priority priority-${priority}`}>{i18n.t(`priority.${priority}`)}</span>
        {contactName && followUp.contactKey !== props.pageContactKey && <span dir="auto">{contactName}</span>}
      </div>
      <div className="follow-up-meta">
        <SlaClock dueAt={dueAt} now={props.now} noDueReason={noDueReason} fromCreation={dueBasis === 'created'} />
        <span>
          {followUp.ownerName
            ? i18n.t('followUp.owner', { name: followUp.ownerName })
            : suggestedOwner
              ? i18n.t('followUp.suggestedOwner', { name: suggestedOwner })
              : i18n.t('followUp.noOwner')}
        </span>
      </div>
      {score !== null && promoterInvite(score) && <p className="invite">{i18n.t('promoter.invite')}</p>}
      {props.action}
    </li>
  );
}

/**
 * "Needs you now": open follow-ups in the order to work them (most urgent first), then the unhappy answers that
 * have no follow-up yet (`unfollowed`, each with its own action). `renderAction` is where a row's own action goes
 * (the close-the-loop form plugs in here).
 */
export function FollowUps(props: {
  rows: FollowUpRow[];
  settings: Settings;
  now: number;
  renderAction?: (row: FollowUpRow) => ReactNode;
  unfollowed?: ReactNode;
  pageContactKey?: string | null;
}) {
  const i18n = useI18n();
  const { rows } = props;
  return (
    <Section
      title={i18n.t('needs.title')}
      level={2}
      foldKey="needs"
      className="follow-ups"
      actions={
        <Figure name="open-followups" value={rows.length} className="count">
          {i18n.plural('followUps.open', rows.length)}
        </Figure>
      }
    >
      {rows.length === 0 ? (
        !props.unfollowed && <p className="muted">{i18n.t('needs.nothing')}</p>
      ) : (
        <ol className="follow-up-list">
          {rows.map((row) => (
            <FollowUpItem key={row.followUp.key} row={row} settings={props.settings} now={props.now} action={props.renderAction?.(row)} pageContactKey={props.pageContactKey} />
          ))}
        </ol>
      )}
      {props.unfollowed}
    </Section>
  );
}
