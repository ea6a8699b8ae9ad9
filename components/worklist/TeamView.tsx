import { useEffect, useId, useState } from 'react';
import type { Crm } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { rankLoops, type TeamCount, type WorklistRead } from '../../core/worklist';
import { useI18n } from '../panel/i18n-context';
import type { WorklistHost } from './host';
import { LoopRow } from './LoopRow';

/** For managers: per owner, open and overdue loops as each CRM counts them, and one owner's loops. */
export function TeamView(props: { host: WorklistHost; crms: Crm[]; settings: Settings; now: number }) {
  const i18n = useI18n();
  const id = useId();
  const [crm, setCrm] = useState<Crm>(props.crms[0] ?? 'hubspot');
  const [team, setTeam] = useState<{ crm: Crm; counts: TeamCount[] | null; problem: string | null } | null>(null);
  const [owner, setOwner] = useState<{ count: TeamCount; read: WorklistRead | null; problem: string | null } | null>(null);

  useEffect(() => {
    let alive = true;
    void props.host.team(crm).then((reply) => {
      if (alive) setTeam({ crm, counts: reply.ok ? reply.value : [], problem: reply.ok ? null : reply.error.message });
    });
    return () => {
      alive = false;
    };
  }, [props.host, crm]);

  const showOwner = async (count: TeamCount) => {
    setOwner({ count, read: null, problem: null });
    const reply = await props.host.ownerLoops(count.crm, count.ownerId);
    setOwner({ count, read: reply.ok ? reply.value : null, problem: reply.ok ? null : reply.error.message });
  };
  // The counts shown belong to the CRM chosen; until its answer arrives, the view says it is counting.
  const shown = team && team.crm === crm ? team : { crm, counts: null, problem: null };
  const choose = (c: Crm) => {
    setOwner(null);
    setCrm(c);
  };
  const crmName = (c: Crm) => i18n.t(c === 'hubspot' ? 'crm.hubspot' : 'crm.salesforce');

  return (
    <section className="team" aria-labelledby={`${id}-title`}>
      {props.crms.length > 1 && (
        <div className="team-crms" role="group" aria-label={i18n.t('worklist.team')}>
          {props.crms.map((c) => (
            <button key={c} type="button" className="toggle" aria-pressed={c === crm} onClick={() => choose(c)}>
              {crmName(c)}
            </button>
          ))}
        </div>
      )}
      <h2 id={`${id}-title`}>{i18n.t('worklist.teamTitle', { crm: crmName(crm) })}</h2>
      <p className="hint">{i18n.t('worklist.teamHint', { crm: crmName(crm) })}</p>
      {shown.counts === null && <p role="status">{i18n.t('worklist.teamLoading')}</p>}
      {shown.problem && (
        <p className="form-problem" role="alert">
          {shown.problem}
        </p>
      )}
      {shown.counts && shown.counts.length === 0 && !shown.problem && <p>{i18n.t('worklist.teamEmpty')}</p>}
      {shown.counts && shown.counts.length > 0 && (
        <table className="team-table">
          <thead>
            <tr>
              <th scope="col">{i18n.t('worklist.teamOwner')}</th>
              <th scope="col">{i18n.t('worklist.teamOpen')}</th>
              <th scope="col">{i18n.t('worklist.teamOverdue')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.counts.map((c) => (
              <tr key={c.ownerId} aria-current={owner?.count.ownerId === c.ownerId ? 'true' : undefined}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => void showOwner(c)}>
                    {c.ownerName ?? c.ownerId}
                  </button>
                </th>
                <td>{i18n.number(c.open)}</td>
                <td className={c.overdue > 0 ? 'overdue' : undefined}>{i18n.number(c.overdue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {owner && (
        <section aria-label={i18n.t('worklist.ownerLoops', { name: owner.count.ownerName ?? owner.count.ownerId })}>
          <h3>{i18n.t('worklist.ownerLoops', { name: owner.count.ownerName ?? owner.count.ownerId })}</h3>
          {!owner.read && !owner.problem && <p role="status">{i18n.t('worklist.loading')}</p>}
          {owner.problem && (
            <p className="form-problem" role="alert">
              {owner.problem}
            </p>
          )}
          {owner.read && (
            <ul className="loops">
              {rankLoops(owner.read.rows, props.settings.rules, props.now).map((loop) => (
                <LoopRow key={loop.row.key} loop={loop} host={props.host} now={props.now} rootCauses={props.settings.rules.rootCauses} outcomes={[]} onChanged={() => undefined} readOnly />
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
