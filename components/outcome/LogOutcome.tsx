import { lazy, Suspense, useEffect, useState } from 'react';
import type { Outcome } from '../../core/schema';
import type { OutcomeActions } from './actions';
import type { OutcomeTarget } from './OutcomeForm';
import { useI18n } from '../panel/i18n-context';
import { fill, outcomeMessages } from './messages';
import { displayState, RetryOutcome } from './OutcomeStatusList';

// The form (and its validation code) loads on first use, keeping the panel's first paint small.
const OutcomeForm = lazy(() => import('./OutcomeForm').then((module) => ({ default: module.OutcomeForm })));

/** Alt+Shift+O opens the form where a card offers it (call mode). */
export function isLogOutcomeShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyO';
}

type Stage = { name: 'closed' } | { name: 'open' } | { name: 'saved'; key: string } | { name: 'undone' } | { name: 'undo-failed'; key: string; reason: string };

/**
 * A "Log outcome" button that opens the close-the-loop form in place; after saving, what became of the outcome:
 * an Undo while it is only held here, then plain words once it is written (or why not).
 */
export function LogOutcome(props: {
  target: OutcomeTarget;
  rootCauses: string[];
  crmName: string;
  actions: OutcomeActions;
  /** Outcomes logged from this browser for the target's contact, newest first (the panel's live data). */
  outcomes: Outcome[];
  /** Whether Alt+Shift+O opens this form (one per panel: the call card's). */
  shortcut?: boolean;
}) {
  const i18n = useI18n();
  const m = outcomeMessages(i18n.locale);
  const [stage, setStage] = useState<Stage>({ name: 'closed' });
  const { shortcut } = props;
  useEffect(() => {
    if (!shortcut) return;
    const onKey = (event: KeyboardEvent) => {
      if (!isLogOutcomeShortcut(event)) return;
      event.preventDefault();
      setStage({ name: 'open' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut]);

  const openButton = (
    <button
      type="button"
      className="button primary log-outcome"
      aria-expanded="false"
      aria-keyshortcuts={shortcut ? 'Alt+Shift+O' : undefined}
      title={shortcut ? `${m.logAction} (Alt+Shift+O)` : undefined}
      onClick={() => setStage({ name: 'open' })}
    >
      {m.logAction}
    </button>
  );

  if (stage.name === 'open') {
    return (
      <Suspense fallback={<p role="status">{m.title}…</p>}>
        <OutcomeForm
          target={props.target}
          rootCauses={props.rootCauses}
          crmName={props.crmName}
          actions={props.actions}
          onSaved={(key) => setStage({ name: 'saved', key })}
          onCancel={() => setStage({ name: 'closed' })}
        />
      </Suspense>
    );
  }
  if (stage.name === 'undone') {
    return (
      <div className="outcome-saved">
        <p role="status">{fill(m.undone, { crm: props.crmName })}</p>
        {openButton}
      </div>
    );
  }
  if (stage.name === 'closed') return openButton;

  const outcome = props.outcomes.find((o) => o.idempotencyKey === stage.key) ?? null;
  // Until the live data brings it, the outcome is where logging left it: held here, still undoable.
  const held = outcome === null || (outcome.state === 'pending' && outcome.attempts === 0);
  const undo = async () => {
    const reply = await props.actions.withdraw(stage.key);
    setStage(reply.ok ? { name: 'undone' } : { name: 'undo-failed', key: stage.key, reason: reply.error.message });
  };
  const state = outcome ? displayState(outcome) : 'queued';
  return (
    <div className="outcome-saved" data-ll-saved-key={stage.key} data-ll-saved-state={held ? 'held' : state}>
      {held ? (
        <p role="status">
          {fill(m.held, { crm: props.crmName })}{' '}
          <button type="button" className="button" onClick={() => void undo()}>
            {m.undo}
          </button>
        </p>
      ) : (
        <p role={state === 'failed' ? 'alert' : 'status'} className={`outcome-state state-${state}`}>
          {fill(m.states[state], { crm: props.crmName, reason: outcome?.lastError ?? '' })}
          {state === 'saved' && outcome?.crmRecordUrl && (
            <>
              {' '}
              <a href={outcome.crmRecordUrl} target="_blank" rel="noreferrer noopener">
                {fill(m.openInCrm, { crm: props.crmName })}
              </a>
            </>
          )}
        </p>
      )}
      {stage.name === 'undo-failed' && <p className="muted">{stage.reason}</p>}
      {state === 'failed' && outcome && <RetryOutcome idempotencyKey={outcome.idempotencyKey} crmName={props.crmName} actions={props.actions} />}
      {openButton}
    </div>
  );
}
