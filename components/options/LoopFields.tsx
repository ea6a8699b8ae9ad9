import { useCallback, useEffect, useState } from 'react';
import type { LoopFieldStatus } from '../../core/crm';
import { sendRequest } from '../../core/messaging';
import type { Crm } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { CaseReasonMapping } from './CaseReasonMapping';
import { useConnections } from './Connections';
import type { Edit } from './fields';
import { useStrings } from './strings';

type FieldsState =
  | { status: 'loading' }
  | { status: 'failed'; reason: string }
  | { status: 'ready'; fields: LoopFieldStatus[] };

/** One CRM's loop fields, read when the CRM is connected (and again on Try again or after a creation). */
function CrmLoopFields(props: { crm: Crm; connected: string | null }) {
  const s = useStrings();
  const crmName = props.crm === 'hubspot' ? s.hubspot : s.salesforce;
  const [state, setState] = useState<{ for: string; state: FieldsState } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [creating, setCreating] = useState<string | null>(null);
  const [said, setMessage] = useState<{ for: string; kind: 'done' | 'refused'; text: string } | null>(null);
  /**
   * The connection whose key the CRM refused for a missing permission: no more buttons for it, the table says what to
   * create. Another connection (a new key) may create what that one could not.
   */
  const [refusedFor, setRefusedFor] = useState<string | null>(null);
  const { crm, connected } = props;
  const mayCreate = refusedFor === null || refusedFor !== connected;
  const message = said && said.for === connected ? said : null;

  useEffect(() => {
    if (!connected) return;
    let live = true;
    void sendRequest({ type: 'metadata.loopFields', crm }).then((reply) => {
      if (!live) return;
      setState({ for: connected, state: reply.ok ? { status: 'ready', fields: reply.value } : { status: 'failed', reason: reply.error.message } });
    });
    return () => {
      live = false;
    };
  }, [crm, connected, attempt]);

  const create = useCallback(
    async (field: LoopFieldStatus) => {
      if (!connected) return;
      setCreating(field.name);
      setMessage(null);
      const reply = await sendRequest({ type: 'metadata.createLoopField', crm, name: field.name });
      setCreating(null);
      if (reply.ok) {
        setState({ for: connected, state: { status: 'ready', fields: reply.value } });
        setMessage({ for: connected, kind: 'done', text: s.loopFieldCreated(field.label, crmName) });
      } else {
        if (reply.error.kind === 'scope') setRefusedFor(connected);
        setMessage({ for: connected, kind: 'refused', text: reply.error.message });
      }
    },
    [crm, connected, crmName, s],
  );

  const heading = <h3>{s.loopFieldsOn(crmName)}</h3>;
  if (!connected) {
    return (
      <div className="loop-fields" data-ll-loop-fields={crm}>
        {heading}
        <p className="help">{s.loopFieldsNotConnected(crmName)}</p>
      </div>
    );
  }
  const current: FieldsState = state?.for === connected ? state.state : { status: 'loading' };
  if (current.status !== 'ready') {
    return (
      <div className="loop-fields" data-ll-loop-fields={crm}>
        {heading}
        {current.status === 'loading' ? (
          <p role="status">{s.loopFieldsLoading(crmName)}</p>
        ) : (
          <div role="alert" className="error-text">
            <p>{s.loopFieldsFailed(crmName, current.reason)}</p>
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              {s.loopFieldsRetry}
            </button>
          </div>
        )}
      </div>
    );
  }
  const missing = current.fields.filter((f) => f.state !== 'present');
  return (
    <div className="loop-fields" data-ll-loop-fields={crm}>
      {heading}
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{s.loopFieldName}</th>
              <th scope="col">{s.loopFieldType}</th>
              <th scope="col">{s.loopFieldValues}</th>
              <th scope="col">{s.loopFieldState}</th>
            </tr>
          </thead>
          <tbody>
            {current.fields.map((field) => (
              <tr key={field.name} data-ll-loop-field={field.name} data-ll-state={field.state}>
                <th scope="row">
                  {field.label}
                  <br />
                  <code>{field.name}</code>
                </th>
                <td>{field.type}</td>
                <td>{field.options.length > 0 ? field.options.join('; ') : '—'}</td>
                <td>
                  {field.state === 'present' ? s.loopFieldPresent : field.state === 'missing' ? s.loopFieldMissing : s.loopFieldMissingValues(field.missingOptions.join('; '))}
                  {field.state === 'missing' && mayCreate ? (
                    <>
                      <br />
                      <button type="button" onClick={() => void create(field)} disabled={creating !== null}>
                        {creating === field.name ? s.loopFieldCreating : s.loopFieldCreate(field.label)}
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {message ? (
        <p role={message.kind === 'refused' ? 'alert' : 'status'} className={message.kind === 'refused' ? 'error-text' : undefined}>
          {message.text}
        </p>
      ) : null}
      <p className="help">{missing.length === 0 ? s.loopFieldsAllPresent(crmName) : s.loopFieldsByHand(crmName)}</p>
    </div>
  );
}

/**
 * Per CRM, whether each field Loyalty Lens writes on the follow-up and counts exists — root causes, loop steps, first
 * contact, hours to it, within the SLA — and a button creating a missing one where the token may; where it may not
 * (the CRM refuses), the table already says exactly what to create: API name, type and values. Salesforce root causes
 * may go to the Case Reason instead, as the admin maps them.
 */
export function LoopFieldsSection(props: { draft: Settings; edit: Edit }) {
  const s = useStrings();
  const connections = useConnections();
  const key = (crm: Crm) => {
    const c = connections[crm];
    return c ? `${c.instance} ${c.connectedAt}` : null;
  };
  return (
    <section id="loop-fields" className="section" aria-labelledby="loop-fields-heading">
      <h2 id="loop-fields-heading">{s.loopFields}</h2>
      <p className="help">{s.loopFieldsIntro}</p>
      <CrmLoopFields crm="hubspot" connected={key('hubspot')} />
      <CrmLoopFields crm="salesforce" connected={key('salesforce')} />
      <CaseReasonMapping draft={props.draft} edit={props.edit} connected={key('salesforce')} />
    </section>
  );
}
