import { useEffect, useId, useState } from 'react';
import { reasonMappingState } from '../../core/case-reason';
import { sendRequest } from '../../core/messaging';
import type { Settings } from '../../core/settings';
import { useLocked, type Edit } from './fields';
import { useStrings } from './strings';

type ValuesState = { status: 'loading' } | { status: 'failed'; reason: string } | { status: 'ready'; values: string[] | null };

/**
 * Where Salesforce root causes go: the multi-select picklist (every cause) or the standard Case Reason through a map
 * of root cause → Reason value, read from the org's own picklist. Says what is mapped, what is not and what the org
 * no longer has; only the first cause of an outcome can go into the single-select Reason, and the page says so.
 */
export function CaseReasonMapping(props: { draft: Settings; edit: Edit; connected: string | null }) {
  const s = useStrings();
  const id = useId();
  const locked = useLocked('salesforce.rootCauseField');
  const { connected } = props;
  const [values, setValues] = useState<{ for: string; state: ValuesState } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const field = props.draft.salesforce.rootCauseField;
  const causes = props.draft.rules.rootCauses;

  useEffect(() => {
    if (!connected || field.kind !== 'caseReason') return;
    let live = true;
    void sendRequest({ type: 'metadata.caseReasons' }).then((reply) => {
      if (live) setValues({ for: connected, state: reply.ok ? { status: 'ready', values: reply.value } : { status: 'failed', reason: reply.error.message } });
    });
    return () => {
      live = false;
    };
  }, [connected, field.kind, attempt]);

  const choose = (kind: 'multiPicklist' | 'caseReason') =>
    props.edit((draft) => {
      draft.salesforce.rootCauseField = kind === 'multiPicklist' ? { kind } : { kind, reasons: {} };
    });
  const map = (cause: string, value: string) =>
    props.edit((draft) => {
      const current = draft.salesforce.rootCauseField;
      if (current.kind !== 'caseReason') return;
      const reasons = { ...current.reasons };
      if (value === '') delete reasons[cause];
      else reasons[cause] = value;
      draft.salesforce.rootCauseField = { kind: 'caseReason', reasons };
    });

  const current: ValuesState = values && values.for === connected ? values.state : { status: 'loading' };
  return (
    <fieldset className="root-cause-field" disabled={locked} data-ll-root-cause-field={field.kind}>
      <legend>{s.rootCauseField}</legend>
      {locked ? <p className="help locked-note">🔒 {s.lockedNote}.</p> : null}
      <label className="radio">
        <input type="radio" name={`${id}-kind`} checked={field.kind === 'multiPicklist'} onChange={() => choose('multiPicklist')} />
        {s.rootCauseFieldMulti}
      </label>
      <label className="radio">
        <input type="radio" name={`${id}-kind`} checked={field.kind === 'caseReason'} onChange={() => choose('caseReason')} />
        {s.rootCauseFieldReason}
      </label>
      <p className="help">{s.rootCauseFieldReasonHelp}</p>
      {field.kind === 'caseReason' && connected ? (
        current.status === 'loading' ? (
          <p role="status">{s.reasonValuesLoading}</p>
        ) : current.status === 'failed' ? (
          <div role="alert" className="error-text">
            <p>{s.reasonValuesFailed(current.reason)}</p>
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              {s.loopFieldsRetry}
            </button>
          </div>
        ) : (
          <ReasonTable causes={causes} reasons={field.reasons} values={current.values} map={map} />
        )
      ) : null}
    </fieldset>
  );
}

function ReasonTable(props: { causes: string[]; reasons: Record<string, string>; values: string[] | null; map: (cause: string, value: string) => void }) {
  const s = useStrings();
  const state = reasonMappingState(props.causes, props.reasons, props.values);
  if (!state.present || props.values === null) {
    return (
      <p role="alert" className="error-text" data-ll-reason-state="absent">
        {s.reasonFieldAbsent}
      </p>
    );
  }
  const values = props.values;
  const usedBy = new Map(Object.entries(props.reasons).map(([cause, value]) => [value, cause]));
  return (
    <>
      <p data-ll-reason-state="present">
        {s.reasonFieldPresent(values.length)} {s.reasonMappedCount(state.mapped.length, props.causes.length)}
      </p>
      <div className="table-scroll">
        <table>
          <caption>{s.reasonMappingCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{s.reasonMappingCause}</th>
              <th scope="col">{s.reasonMappingValue}</th>
            </tr>
          </thead>
          <tbody>
            {props.causes.map((cause) => {
              const chosen = props.reasons[cause] ?? '';
              return (
                <tr key={cause}>
                  <th scope="row">{cause}</th>
                  <td>
                    <select aria-label={s.reasonValueFor(cause)} value={chosen} onChange={(event) => props.map(cause, event.target.value)}>
                      <option value="">{s.reasonNotMapped}</option>
                      {/* A value the org no longer has stays visible, so the admin sees what to change. */}
                      {chosen !== '' && !values.includes(chosen) ? <option value={chosen}>{chosen}</option> : null}
                      {values
                        // One Reason value stands for one cause: a value another cause has is not offered.
                        .filter((v) => v === chosen || !usedBy.has(v))
                        .map((v) => (
                          <option key={v} value={v}>
                            {v}
                          </option>
                        ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {state.unmapped.length === 0 && state.stale.length === 0 ? <p role="status">{s.reasonAllMapped}</p> : null}
      {state.unmapped.length > 0 ? <p data-ll-reason-unmapped>{s.reasonUnmapped(state.unmapped.join('; '))}</p> : null}
      {state.stale.length > 0 ? <p className="error-text">{s.reasonStale(state.stale.map((x) => `${x.cause} → ${x.reason}`).join('; '))}</p> : null}
    </>
  );
}
