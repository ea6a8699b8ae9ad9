import { lazy, Suspense, useState } from 'react';
import type { OutcomeActions } from './actions';
import type { OutcomeTarget } from './OutcomeForm';
import { useI18n } from '../panel/i18n-context';
import { outcomeMessages } from './messages';

// The form (and its validation code) loads on first use, keeping the panel's first paint small.
const OutcomeForm = lazy(() => import('./OutcomeForm').then((module) => ({ default: module.OutcomeForm })));

/** A "Log outcome" button that opens the close-the-loop form in place. */
export function LogOutcome(props: { target: OutcomeTarget; rootCauses: string[]; crmName: string; actions: OutcomeActions }) {
  const i18n = useI18n();
  const m = outcomeMessages(i18n.locale);
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <button type="button" className="log-outcome" aria-expanded="false" onClick={() => setOpen(true)}>
        {m.logAction}
      </button>
    );
  }
  return (
    <Suspense fallback={<p role="status">{m.title}…</p>}>
      <OutcomeForm target={props.target} rootCauses={props.rootCauses} crmName={props.crmName} actions={props.actions} onDone={() => setOpen(false)} />
    </Suspense>
  );
}
