import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import './outcome.css';
import { useI18n } from '../panel/i18n-context';
import type { FollowUp, OutcomeInput, OutcomeResult, RecordRef, Segment } from '../../core/schema';
import { OUTCOME_RESULTS } from '../../core/outcome-results';
import type { OutcomeActions } from './actions';
import { outcomeFormMessages } from './form-messages';
import { fill, outcomeMessages } from './messages';
import { useVisibleClick } from '../ui/visible-click';

export interface OutcomeTarget {
  ref: RecordRef;
  contactId: string;
  contactName: string;
  responseId: string | null;
  segment: Segment | null;
  followUp: FollowUp | null;
  /** When the answer this loop follows up was given; null when unknown (then no hours to first contact are recorded). */
  answeredAt: number | null;
}

const RESULTS: readonly OutcomeResult[] = OUTCOME_RESULTS;

/**
 * Records only what was chosen: no result is picked in advance, and saving without one says so. Keyboard-first:
 * the result group takes focus, arrows pick, Tab moves on, Ctrl+Enter saves. Saving only queues (the background
 * holds it for the undo window, then delivers); LogOutcome follows it from there. The
 * background validates the outcome with its zod schema (core/schema.ts#outcomeInputSchema) and
 * answers a refusal in words, shown here; the panel itself carries no schema code.
 */
export function OutcomeForm(props: {
  target: OutcomeTarget;
  rootCauses: string[];
  crmName: string;
  actions: OutcomeActions;
  onSaved: (idempotencyKey: string) => void;
  onCancel: () => void;
}) {
  const { target } = props;
  const i18n = useI18n();
  const m = { ...outcomeMessages(i18n.locale), ...outcomeFormMessages(i18n.locale) };
  const id = useId();
  const guard = useVisibleClick();
  const resultGroup = useRef<HTMLFieldSetElement>(null);
  const [result, setResult] = useState<OutcomeResult | null>(null);
  const [rootCauses, setRootCauses] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [nextStep, setNextStep] = useState('');
  const [nextStepDue, setNextStepDue] = useState('');
  const [thanked, setThanked] = useState(false);
  const [closeFollowUp, setCloseFollowUp] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (sending) return;
    if (result === null) {
      setProblem(m.chooseResult);
      resultGroup.current?.querySelector('input')?.focus();
      return;
    }
    if (nextStep.trim() !== '' && nextStepDue === '') {
      setProblem(m.invalidNextStep);
      return;
    }
    setProblem(null);
    guard.act(fill(m.saveAction, { crm: props.crmName }), () => void save(result));
  };

  const save = async (chosen: OutcomeResult) => {
    const input: OutcomeInput = {
      ref: target.ref,
      contactId: target.contactId,
      followUpId: target.followUp?.id ?? null,
      responseId: target.responseId,
      result: chosen,
      rootCauses,
      note: note.trim(),
      nextStep: nextStep.trim() === '' ? null : { text: nextStep.trim(), dueDate: nextStepDue },
      thanked,
      closeFollowUp: target.followUp !== null && closeFollowUp,
      // The clock the panel shows: the write records hours to first contact and whether it closed within the SLA.
      answeredAt: target.answeredAt,
      dueAt: target.followUp?.dueAt ?? null,
    };
    setSending(true);
    const reply = await props.actions.log(input);
    setSending(false);
    if (!reply.ok) {
      setProblem(reply.error.kind === 'invalid' ? fill(m.invalid, { reason: reply.error.message }) : reply.error.message);
      return;
    }
    props.onSaved(reply.value.idempotencyKey);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
    if (event.key === 'Escape') props.onCancel();
  };

  const toggleCause = (cause: string) =>
    setRootCauses((current) => (current.includes(cause) ? current.filter((c) => c !== cause) : [...current, cause]));

  return (
    <form className="outcome-form" aria-labelledby={`${id}-title`} onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <h3 id={`${id}-title`} dir="auto">
        {fill(m.titleFor, { name: target.contactName })}
      </h3>
      <p className="outcome-about" dir="auto">
        {target.followUp ? fill(m.followUpLine, { title: target.followUp.title }) : m.noFollowUp}
      </p>
      <fieldset ref={resultGroup} aria-describedby={result === null && problem === m.chooseResult ? `${id}-problem` : undefined}>
        <legend>{m.result}</legend>
        {RESULTS.filter((r) => !r.startsWith('promoter-') || target.segment === 'promoter').map((option, index) => (
          <label key={option} className="choice">
            <input
              type="radio"
              name={`${id}-result`}
              value={option}
              checked={result === option}
              required
              onChange={() => {
                setResult(option);
                if (problem === m.chooseResult) setProblem(null);
              }}
              autoFocus={index === 0}
            />
            {m.results[option]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{m.rootCauses}</legend>
        <p className="hint" id={`${id}-causes-hint`}>
          {m.rootCausesHint}
        </p>
        <div className="causes" aria-describedby={`${id}-causes-hint`}>
          {props.rootCauses.map((cause) => (
            <label key={cause} className="choice">
              <input type="checkbox" checked={rootCauses.includes(cause)} onChange={() => toggleCause(cause)} />
              {cause}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field">
        {m.note}
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={10_000} dir="auto" />
      </label>
      <div className="next-step">
        <label className="field">
          {m.nextStep}
          <input type="text" value={nextStep} onChange={(e) => setNextStep(e.target.value)} maxLength={500} dir="auto" aria-describedby={`${id}-next-hint`} />
        </label>
        <label className="field">
          {m.nextStepDue}
          <input type="date" value={nextStepDue} onChange={(e) => setNextStepDue(e.target.value)} />
        </label>
        <p className="hint" id={`${id}-next-hint`}>
          {m.nextStepHint}
        </p>
      </div>
      <label className="choice">
        <input type="checkbox" checked={thanked} onChange={(e) => setThanked(e.target.checked)} />
        {m.thanked}
      </label>
      {target.followUp && (
        <label className="choice">
          <input type="checkbox" checked={closeFollowUp} onChange={(e) => setCloseFollowUp(e.target.checked)} />
          <span dir="auto">{fill(m.closeFollowUp, { title: target.followUp.title })}</span>
        </label>
      )}
      {target.followUp && (
        <p className="hint closes" role="status">
          {closeFollowUp ? fill(m.closesFollowUp, { crm: props.crmName }) : m.keepsFollowUp}
        </p>
      )}
      {problem && (
        <p className="form-problem" role="alert" id={`${id}-problem`}>
          {problem}
        </p>
      )}
      {guard.confirmation}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={sending || guard.checking} aria-describedby={`${id}-send-hint`}>
          {fill(m.send, { crm: props.crmName })}
        </button>
        <button type="button" onClick={props.onCancel}>
          {m.cancel}
        </button>
        <span className="hint" id={`${id}-send-hint`}>
          {m.sendHint}
        </span>
      </div>
    </form>
  );
}
