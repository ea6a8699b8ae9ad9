import { useState } from 'react';
import type { RecordRef, SurveyResponse } from '../../core/schema';
import type { OutcomeActions } from '../outcome/actions';
import { useI18n } from './i18n-context';

/**
 * "Open a follow-up" on an unhappy response that has none yet. The background opens it in the CRM (repeatable, so
 * a second click finds the same one) and re-reads the record; the follow-up list then shows it.
 */
export function OpenFollowUp(props: { recordRef: RecordRef; response: SurveyResponse; crmName: string; actions: OutcomeActions }) {
  const i18n = useI18n();
  const [state, setState] = useState<{ name: 'idle' | 'opening' | 'opened' } | { name: 'failed'; reason: string }>({ name: 'idle' });
  const open = async () => {
    setState({ name: 'opening' });
    const reply = await props.actions.openFollowUp(props.recordRef, props.response.key);
    setState(reply.ok ? { name: 'opened' } : { name: 'failed', reason: reply.error.message });
  };
  if (state.name === 'opened') {
    return (
      <p className="follow-up-opened" role="status">
        {i18n.t('followUp.opened', { crm: props.crmName })}
      </p>
    );
  }
  return (
    <div className="open-follow-up">
      <button type="button" className="link-button" disabled={state.name === 'opening'} aria-busy={state.name === 'opening'} onClick={() => void open()}>
        {state.name === 'opening' ? i18n.t('followUp.opening') : i18n.t('followUp.open', { crm: props.crmName })}
      </button>
      {state.name === 'failed' && (
        <p className="form-problem" role="alert">
          {i18n.t('followUp.openFailed', { reason: state.reason })}
        </p>
      )}
    </div>
  );
}
