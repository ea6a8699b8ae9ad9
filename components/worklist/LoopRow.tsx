import { useId, useMemo, useState } from 'react';
import type { FollowUp, Outcome } from '../../core/schema';
import { suggestedAssignee, type Owner, type RankedLoop } from '../../core/worklist';
import type { MessageKey } from '../../core/locales/en';
import { LogOutcome } from '../outcome/LogOutcome';
import { SlaClock } from '../panel/FollowUps';
import type { OutcomeActions } from '../outcome/actions';
import { useI18n } from '../panel/i18n-context';
import { useVisibleClick } from '../ui/visible-click';
import type { WorklistHost } from './host';

const PRIORITY_TEXT: Record<RankedLoop['priority'], MessageKey> = {
  urgent: 'worklist.urgent',
  high: 'worklist.high',
  normal: 'worklist.normal',
  unscored: 'worklist.unscored',
};

/** The loop as the close-the-loop form knows a follow-up. */
function asFollowUp(loop: RankedLoop): FollowUp {
  const { row } = loop;
  return {
    key: row.key,
    crm: row.crm,
    instance: row.instance,
    id: row.id,
    kind: row.kind,
    contactKey: row.contact ? `${row.crm}|${row.instance}|${row.contact.id}` : null,
    accountKey: row.account ? `${row.crm}|${row.instance}|${row.account.id}` : null,
    responseKey: null,
    title: row.title,
    status: 'open',
    statusLabel: row.statusLabel,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    createdAt: row.createdAt,
    dueAt: loop.dueAt,
    url: row.url,
  };
}

/** One open loop: who, how unhappy, how late — and what to do from here: open, log the outcome, reassign. */
export function LoopRow(props: {
  loop: RankedLoop;
  host: WorklistHost;
  now: number;
  rootCauses: string[];
  /** Outcomes logged here against this loop, newest first, on their way or just written. */
  outcomes: Outcome[];
  /** Something changed the loop (logged, undone, reassigned): what to say above the list, if anything. */
  onChanged: (message: string | null) => void;
  readOnly?: boolean;
}) {
  const { loop, host } = props;
  const { row } = loop;
  const i18n = useI18n();
  const id = useId();
  const crmName = i18n.t(row.crm === 'hubspot' ? 'crm.hubspot' : 'crm.salesforce');
  const customer = row.contact?.name ?? i18n.t('worklist.noCustomer');
  const [reassigning, setReassigning] = useState<{ owners: Owner[] | null; chosen: string; busy: boolean; problem: string | null } | null>(null);
  const suggestion = suggestedAssignee(row);
  // Reassigning writes to the CRM: in a CRM page's frame it acts at once only while the panel is really in view.
  const guard = useVisibleClick();

  const actions: OutcomeActions = useMemo(
    () => ({
      ...host.outcomeActions,
      log: async (input) => {
        const reply = await host.outcomeActions.log(input);
        if (reply.ok) props.onChanged(i18n.t('worklist.logged', { crm: crmName }));
        return reply;
      },
      withdraw: async (key) => {
        const reply = await host.outcomeActions.withdraw(key);
        if (reply.ok) props.onChanged(null);
        return reply;
      },
    }),
    [host, props, i18n, crmName],
  );

  const startReassign = async () => {
    setReassigning({ owners: null, chosen: suggestion?.id ?? '', busy: false, problem: null });
    const reply = await host.owners(row.crm);
    setReassigning((r) => r && (reply.ok ? { ...r, owners: reply.value.filter((o) => o.id !== row.ownerId) } : { ...r, owners: [], problem: reply.error.message }));
  };
  const confirmReassign = async () => {
    if (!reassigning?.chosen) return;
    const owner = reassigning.owners?.find((o) => o.id === reassigning.chosen);
    setReassigning({ ...reassigning, busy: true, problem: null });
    const reply = await host.reassign(row, reassigning.chosen);
    if (!reply.ok) {
      setReassigning({ ...reassigning, busy: false, problem: i18n.t('worklist.reassignFailed', { reason: reply.error.message }) });
      return;
    }
    setReassigning(null);
    props.onChanged(i18n.t('worklist.reassigned', { name: owner?.name ?? reassigning.chosen }));
  };
  // The routing rule's suggestion first: whoever owns the relationship.
  const ownerOptions = reassigning?.owners
    ? [...reassigning.owners].sort((a, b) => Number(b.id === suggestion?.id) - Number(a.id === suggestion?.id))
    : [];

  return (
    <li className={`loop loop-${loop.priority}`} aria-labelledby={`${id}-who`} data-ll-loop={row.key}>
      <div className="loop-head">
        <span className={`priority priority-${loop.priority}`}>{i18n.t(PRIORITY_TEXT[loop.priority])}</span>
        {row.score?.kind === 'nps' && <span className={`score-chip ${loop.segment ?? ''}`}>{i18n.t('worklist.score', { score: row.score.value })}</span>}
        <span className="crm-tag">{crmName}</span>
      </div>
      <h3 id={`${id}-who`} className="loop-who" dir="auto">
        {customer}
        {row.account && <span className="loop-account"> · {row.account.name}{row.account.revenue ? ` · ${i18n.money(row.account.revenue, row.account.currency)}` : ''}</span>}
      </h3>
      {loop.commentLine && (
        <p className="loop-comment" dir="auto">
          “{loop.commentLine}”
        </p>
      )}
      <p className="loop-meta" dir="auto">
        {i18n.t(`worklist.kind.${row.kind}` as MessageKey)}: {row.title}
      </p>
      <SlaClock dueAt={loop.dueAt} now={props.now} />
      {!props.readOnly && (
        <div className="loop-actions">
          {row.contact?.url && (
            <>
              <button type="button" className="toggle" title={i18n.t('worklist.openRecordHint', { name: customer })} onClick={() => void host.openRecord(row.contact!.url!, 'this-tab')}>
                {i18n.t('worklist.openRecord')}
              </button>
              <button type="button" className="toggle" title={i18n.t('worklist.openNewTabHint', { name: customer })} onClick={() => void host.openRecord(row.contact!.url!, 'new-tab')}>
                {i18n.t('worklist.openNewTab')}
              </button>
            </>
          )}
          {!reassigning && (
            <button type="button" className="toggle" onClick={() => void startReassign()}>
              {i18n.t('worklist.reassign')}
            </button>
          )}
        </div>
      )}
      {reassigning && (
        <div className="reassign" role="group" aria-label={i18n.t('worklist.reassign')}>
          <label className="field">
            {i18n.t('worklist.reassignTo')}
            <select value={reassigning.chosen} disabled={!reassigning.owners || reassigning.busy} onChange={(e) => setReassigning({ ...reassigning, chosen: e.target.value })}>
              <option value="">—</option>
              {ownerOptions.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.id === suggestion?.id ? i18n.t('worklist.reassignSuggested', { name: o.name }) : o.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button"
            disabled={!reassigning.chosen || reassigning.busy || guard.checking}
            onClick={() => guard.act(i18n.t('worklist.reassignConfirm'), () => void confirmReassign())}
          >
            {reassigning.busy ? i18n.t('worklist.reassigning') : i18n.t('worklist.reassignConfirm')}
          </button>
          <button type="button" className="toggle" disabled={reassigning.busy} onClick={() => setReassigning(null)}>
            {i18n.t('worklist.cancel')}
          </button>
          {guard.confirmation}
          {reassigning.problem && (
            <p className="form-problem" role="alert">
              {reassigning.problem}
            </p>
          )}
        </div>
      )}
      {!props.readOnly && row.contact && (
        <LogOutcome
          target={{
            ref: { crm: row.crm, instance: row.instance, objectType: row.contact.id.startsWith('00Q') && row.crm === 'salesforce' ? 'lead' : 'contact', id: row.contact.id },
            contactId: row.contact.id,
            contactName: row.contact.name,
            responseId: null,
            segment: loop.segment,
            followUp: asFollowUp(loop),
            // The contact's latest answer is this loop's only when it came before the loop was opened.
            answeredAt: row.score && row.score.submittedAt <= row.createdAt ? row.score.submittedAt : null,
          }}
          rootCauses={props.rootCauses}
          crmName={crmName}
          actions={actions}
          // Held, the outcome can be undone here; once it is on its way the loop leaves the list.
          outcomes={props.outcomes}
        />
      )}
    </li>
  );
}
