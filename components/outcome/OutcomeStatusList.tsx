import type { Outcome } from '../../core/schema';
import { useI18n } from '../panel/i18n-context';
import type { OutcomeActions } from './actions';
import { fill, outcomeMessages } from './messages';
import { useVisibleClick } from '../ui/visible-click';

/** "Retry" for an outcome the CRM refused: a write to the CRM, so only a click on a panel in view acts at once. */
export function RetryOutcome(props: { idempotencyKey: string; crmName: string; actions: OutcomeActions }) {
  const i18n = useI18n();
  const m = outcomeMessages(i18n.locale);
  const guard = useVisibleClick();
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={guard.checking}
        onClick={() => guard.act(fill(m.retryAction, { crm: props.crmName }), () => void props.actions.retry(props.idempotencyKey))}
      >
        {m.retry}
      </button>
      {guard.confirmation}
    </>
  );
}

export type OutcomeDisplayState = 'queued' | 'sending' | 'retrying' | 'saved' | 'failed';

/** What the person sees of an outbox entry. */
export function displayState(outcome: Pick<Outcome, 'state' | 'attempts' | 'lastError'>): OutcomeDisplayState {
  switch (outcome.state) {
    case 'done':
      return 'saved';
    case 'dead':
      return 'failed';
    case 'in-flight':
      return 'sending';
    case 'pending':
      return outcome.attempts > 0 && outcome.lastError ? 'retrying' : 'queued';
  }
}

/** The outcomes logged here for a contact, newest first, each with where it is on its way to the CRM. */
export function OutcomeStatusList(props: { outcomes: Outcome[]; crmName: string; actions: OutcomeActions }) {
  const i18n = useI18n();
  const m = outcomeMessages(i18n.locale);
  const { outcomes } = props;
  if (outcomes.length === 0) return null;
  return (
    <section className="outcome-status" aria-label={m.outcomesTitle}>
      <h4>{m.outcomesTitle}</h4>
      <ul>
        {outcomes.map((outcome) => {
          const state = displayState(outcome);
          const label = fill(m.states[state], { crm: props.crmName, reason: outcome.lastError ?? '' });
          return (
            <li key={outcome.idempotencyKey} data-ll-outcome-state={state} data-ll-outcome-key={outcome.idempotencyKey}>
              <span className={`outcome-result state-${state}`}>{m.results[outcome.result]}</span>
              <span className="outcome-when">{i18n.dateTime(outcome.loggedAt)}</span>
              <span className={`outcome-state state-${state}`} role={state === 'failed' ? 'alert' : 'status'}>
                {label}
              </span>
              {state === 'saved' && outcome.crmRecordUrl && (
                <a href={outcome.crmRecordUrl} target="_blank" rel="noreferrer noopener">
                  {fill(m.openInCrm, { crm: props.crmName })}
                </a>
              )}
              {state === 'failed' && <RetryOutcome idempotencyKey={outcome.idempotencyKey} crmName={props.crmName} actions={props.actions} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
