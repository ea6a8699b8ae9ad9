import { useState } from 'react';
import type { RecordRef, SurveyResponse } from '../../core/schema';
import type { OpenedFollowUp } from '../../integrations/crm';
import type { OutcomeActions } from '../outcome/actions';
import { useI18n } from './i18n-context';
import { useVisibleClick } from '../ui/visible-click';

type State = { name: 'idle' | 'opening' } | { name: 'opened'; followUp: OpenedFollowUp } | { name: 'failed'; reason: string };

/**
 * "Open a follow-up" on an unhappy answer that has none listed. The background opens it in the CRM — or finds the
 * one the answer already has, left as it is — and re-reads the record, whose follow-up list then shows it.
 */
export function OpenFollowUp(props: { recordRef: RecordRef; response: SurveyResponse; crmName: string; actions: OutcomeActions }) {
  const i18n = useI18n();
  const [state, setState] = useState<State>({ name: 'idle' });
  const guard = useVisibleClick();
  const open = async () => {
    setState({ name: 'opening' });
    const reply = await props.actions.openFollowUp(props.recordRef, props.response.key);
    setState(reply.ok ? { name: 'opened', followUp: reply.value } : { name: 'failed', reason: reply.error.message });
  };
  if (state.name === 'opened') {
    const { followUp } = state;
    const text = i18n.t(followUp.created ? 'followUp.opened' : followUp.closed ? 'followUp.alreadyClosed' : 'followUp.alreadyOpen', { crm: props.crmName });
    return (
      <p className="follow-up-opened" role="status">
        {followUp.url ? (
          <a href={followUp.url} target="_blank" rel="noopener noreferrer">
            {text}
          </a>
        ) : (
          text
        )}
      </p>
    );
  }
  return (
    <div className="open-follow-up">
      <button
        type="button"
        className="button"
        disabled={state.name === 'opening' || guard.checking}
        aria-busy={state.name === 'opening'}
        onClick={() => guard.act(i18n.t('followUp.openAction', { crm: props.crmName }), () => void open())}
      >
        {state.name === 'opening' ? i18n.t('followUp.opening') : i18n.t('followUp.open', { crm: props.crmName })}
      </button>
      {guard.confirmation}
      {state.name === 'failed' && (
        <p className="form-problem" role="alert">
          {i18n.t('followUp.openFailed', { reason: state.reason })}
        </p>
      )}
    </div>
  );
}
