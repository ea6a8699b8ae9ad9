import { useEffect, useId, useState } from 'react';
import { LOOP_WINDOWS, type LoopNumbers as Numbers } from '../../core/loop-metrics';
import type { Crm } from '../../core/schema';
import { useI18n } from '../panel/i18n-context';
import type { WorklistHost } from './host';

/**
 * The loop's numbers above the list: loops closed, mine and the team's, over 30 and 90 days, as the CRMs counted them
 * (search totals, COUNT()); each figure says which CRMs it counts, and a CRM that could not count says why.
 */
export function LoopNumbers(props: {
  host: WorklistHost;
  /** Counted again when this changes: a Refresh by hand, a change of who "me" is. */
  asked: string;
}) {
  const { host, asked } = props;
  const i18n = useI18n();
  const id = useId();
  const [numbers, setNumbers] = useState<Numbers | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    void host.numbers().then((reply) => {
      if (!alive) return;
      if (reply.ok) {
        setNumbers(reply.value);
        setProblem(null);
      } else setProblem(reply.error.message);
    });
    return () => {
      alive = false;
    };
  }, [host, asked]);

  const crmName = (crm: Crm) => i18n.t(crm === 'hubspot' ? 'crm.hubspot' : 'crm.salesforce');
  if (!numbers) {
    return problem ? (
      <p className="form-problem" role="alert">
        {problem}
      </p>
    ) : (
      <p className="hint" role="status">
        {i18n.t('worklist.numbersLoading')}
      </p>
    );
  }
  const cell = (scope: 'me' | 'team', days: number) => numbers.rows.find((r) => r.scope === scope && r.windowDays === days);
  const countedBy = [...new Set(numbers.rows.flatMap((r) => r.countedBy))];
  return (
    <section className="loop-numbers" aria-labelledby={`${id}-title`} data-ll-loop-numbers>
      <table className="team-table">
        <caption id={`${id}-title`}>{i18n.t('worklist.numbers')}</caption>
        <thead>
          <tr>
            <th scope="col">{i18n.t('worklist.numbersWho')}</th>
            {LOOP_WINDOWS.map((days) => (
              <th key={days} scope="col">
                {i18n.t('worklist.numbersDays', { days })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(['me', 'team'] as const).map((scope) => (
            <tr key={scope}>
              <th scope="row">{i18n.t(scope === 'me' ? 'worklist.numbersMe' : 'worklist.numbersTeam')}</th>
              {LOOP_WINDOWS.map((days) => {
                const row = cell(scope, days);
                return (
                  <td key={days} data-ll-closed={`${scope}-${days}`} title={row && row.countedBy.length > 0 ? row.countedBy.map(crmName).join(' + ') : undefined}>
                    {row?.closed == null ? i18n.t('worklist.numbersNone') : i18n.number(row.closed)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {countedBy.length > 0 && <p className="hint">{i18n.t('worklist.numbersCountedBy', { crms: countedBy.map(crmName).join(', ') })}</p>}
      {numbers.failed.map((f) => (
        <p key={f.crm} className="notice notice-error" role="status">
          {i18n.t('worklist.numbersFailed', { crm: crmName(f.crm), reason: f.reason })}
        </p>
      ))}
    </section>
  );
}
