import { useState } from 'react';
import type { FocusContact } from '../../core/panel-data';
import type { RecordRef } from '../../core/schema';
import type { OutcomeActions } from '../outcome/actions';
import { CollapsibleText } from '../ui/CollapsibleText';
import { Section } from '../ui/Section';
import { useI18n } from './i18n-context';
import { outcomeMessages } from '../outcome/messages';

type State = { name: 'idle' | 'reading' } | { name: 'failed'; reason: string };

/**
 * "Recent contacts": the team's close-the-loop history of a contact as the CRM has it. Where the view leaves it out
 * to save a request (HubSpot), one click reads it; from then on every refresh of the record reads it too.
 */
export function LoopHistory(props: { recordRef: RecordRef; focus: FocusContact; readAt: number | null; crmName: string; actions: OutcomeActions }) {
  const i18n = useI18n();
  const [state, setState] = useState<State>({ name: 'idle' });
  const { loops } = props.focus;
  const results = outcomeMessages(i18n.locale).results;
  const read = async () => {
    setState({ name: 'reading' });
    const reply = await props.actions.loadLoopHistory(props.recordRef);
    // On success the history arrives with the record's data, and this button gives way to it.
    if (!reply.ok) setState({ name: 'failed', reason: reply.error.message });
  };
  if (loops.length === 0 && props.readAt === null) {
    return (
      <Section title={i18n.t('loops.title')} className="loop-history">
        <button type="button" className="link-button" disabled={state.name === 'reading'} aria-busy={state.name === 'reading'} onClick={() => void read()}>
          {state.name === 'reading' ? i18n.t('loops.loading', { crm: props.crmName }) : i18n.t('loops.show', { crm: props.crmName })}
        </button>
        {state.name === 'failed' && (
          <p className="form-problem" role="alert">
            {i18n.t('loops.failed', { reason: state.reason })}
          </p>
        )}
      </Section>
    );
  }
  return (
    <Section title={i18n.t('loops.title')} className="loop-history">
      {loops.length === 0 ? (
        <p className="muted" role="status">
          {i18n.t('loops.none', { crm: props.crmName })}
        </p>
      ) : (
        <ol className="loop-list">
          {loops.slice(0, 3).map((loop) => (
            <li key={loop.key}>
              <time dateTime={new Date(loop.loggedAt).toISOString()}>{i18n.date(loop.loggedAt)}</time>
              {loop.result && <> · {results[loop.result]}</>}
              {loop.loggedBy && <span className="muted"> · {loop.loggedBy}</span>}
              {loop.summary && <CollapsibleText text={loop.summary} limit={160} moreLabel={i18n.t('action.showMoreText')} lessLabel={i18n.t('action.showLessText')} />}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
