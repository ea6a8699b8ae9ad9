import { useRef, useState } from 'react';
import { sendRequest } from '../../core/messaging';
import type { Settings } from '../../core/settings';
import { NumberField, VerdictBox, type Edit } from './fields';
import { useStrings } from './strings';
import { errorVerdict, type Verdict } from './verdict';

/** Wipes cached data; with outcomes still queued it asks whether to keep or discard them, naming the count. */
function Wipe(props: { queued: number }) {
  const s = useStrings();
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [result, setResult] = useState<string | null>(null);
  const [problem, setProblem] = useState<Verdict | null>(null);
  const opener = useRef<HTMLButtonElement>(null);

  const wipe = async (queued: 'keep' | 'discard') => {
    setStep('busy');
    const reply = await sendRequest({ type: 'data.wipe', queued });
    setStep('idle');
    if (reply.ok) setResult(s.wiped(reply.value.keptQueued, reply.value.discardedQueued));
    else setProblem(errorVerdict(reply.error, s));
  };

  return (
    <div className="wipe">
      {step === 'idle' ? (
        <button
          ref={opener}
          type="button"
          className="danger"
          onClick={() => {
            setResult(null);
            setProblem(null);
            setStep('confirm');
          }}
        >
          {s.wipe}
        </button>
      ) : null}
      {step === 'confirm' ? (
        <div className="confirm" role="group" aria-label={s.wipe}>
          <p>{props.queued > 0 ? s.wipeQueued(props.queued) : s.wipeConfirm}</p>
          <div className="actions">
            <button type="button" autoFocus onClick={() => void wipe('keep')}>
              {props.queued > 0 ? s.keepQueued : s.wipe}
            </button>
            {props.queued > 0 ? (
              <button type="button" className="danger" onClick={() => void wipe('discard')}>
                {s.discardQueuedWipe(props.queued)}
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => {
                setStep('idle');
                opener.current?.focus();
              }}
            >
              {s.cancel}
            </button>
          </div>
        </div>
      ) : null}
      {step === 'busy' ? <p role="status">{s.wiping}</p> : null}
      {result ? <p role="status">{result}</p> : null}
      {problem ? <VerdictBox verdict={problem} /> : null}
    </div>
  );
}

export function PrivacySection(props: { draft: Settings; edit: Edit; queued: number }) {
  const s = useStrings();
  return (
    <section id="privacy" className="section" aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">{s.privacy}</h2>
      <NumberField
        label={s.retentionDays}
        help={s.retentionHelp}
        path="privacy.retentionDays"
        min={1}
        max={365}
        value={props.draft.privacy.retentionDays}
        onChange={(v) => props.edit((d) => void (d.privacy.retentionDays = v))}
      />
      <h3>{s.storedWhere}</h3>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{s.storedWhat}</th>
              <th scope="col">{s.storedPlace}</th>
              <th scope="col">{s.storedHowLong}</th>
            </tr>
          </thead>
          <tbody>
            {s.stored.map(([what, where, howLong]) => (
              <tr key={what}>
                <th scope="row">{what}</th>
                <td>{where}</td>
                <td>{howLong}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>{s.nothingSent}</p>
      <Wipe queued={props.queued} />
    </section>
  );
}
