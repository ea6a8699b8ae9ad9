import { useEffect, useId, useState, type ReactNode } from 'react';
import type { CombinedShare, LoopNumbers as Numbers, LoopNumbersRow } from '../../core/loop-metrics';
import { LOOP_WINDOWS } from '../../core/loop-windows';
import type { Crm } from '../../core/schema';
import { useI18n } from '../panel/i18n-context';
import { errorLabel } from '../panel/labels';
import type { WorklistHost } from './host';

/**
 * The loop's numbers above the list, mine and the team's, over 30 and 90 days, as the CRMs counted them (search totals,
 * aggregate SOQL): loops closed, the share closed within the SLA, the share thanked and the median hours to first
 * contact — each share with its n and the closed loops whose outcome did not record it, never counted as a no.
 * Recovery — closed detractor loops whose customer's next answer is 7 or more — with its n and those not answered again
 * yet (never counted as not recovered); past what a CRM pairs it says so with the count. A CRM that could not count
 * says why; one lacking the loop fields names them.
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
  const hours = (h: number) => i18n.t('worklist.numbersHours', { hours: i18n.number(h, { maximumFractionDigits: 1 }) });
  const detail = (...lines: string[]) => lines.filter(Boolean).map((line) => <small key={line}>{line}</small>);
  const notRecorded = (count: number) => (count > 0 ? i18n.plural('worklist.numbersNotRecorded', count) : '');

  const share = (s: CombinedShare | null): ReactNode => {
    if (!s) return i18n.t('worklist.numbersNone');
    if (s.value === null) return detail(i18n.t('worklist.numbersNoneRecorded'), notRecorded(s.notRecorded));
    return (
      <>
        <strong>{i18n.number(s.value, { style: 'percent', maximumFractionDigits: 0 })}</strong>
        {detail(i18n.t('worklist.numbersOf', { count: s.count, n: s.n }), notRecorded(s.notRecorded))}
      </>
    );
  };
  const firstContact = (row: LoopNumbersRow): ReactNode => {
    if (row.firstContact.length === 0) return i18n.t('worklist.numbersNone');
    // Two CRMs' medians are not one median: each is shown with its own n.
    if (row.firstContact.length === 1) {
      const f = row.firstContact[0]!;
      if (f.beyondLimit) return detail(i18n.t('worklist.numbersBeyondLimit', { crm: crmName(f.crm), n: f.n }));
      if (f.medianHours === null) return detail(i18n.t('worklist.numbersNoneRecorded'), notRecorded(f.notRecorded));
      return (
        <>
          <strong>{hours(f.medianHours)}</strong>
          {detail(i18n.t('worklist.numbersMedianN', { n: f.n }), notRecorded(f.notRecorded))}
        </>
      );
    }
    return detail(
      ...row.firstContact.map((f) =>
        f.beyondLimit
          ? i18n.t('worklist.numbersBeyondLimit', { crm: crmName(f.crm), n: f.n })
          : f.medianHours === null
            ? `${crmName(f.crm)}: ${i18n.t('worklist.numbersNoneRecorded')}`
            : i18n.t('worklist.numbersCrmMedian', { crm: crmName(f.crm), hours: i18n.number(f.medianHours, { maximumFractionDigits: 1 }), n: f.n }),
      ),
      notRecorded(row.firstContact.reduce((n, f) => n + f.notRecorded, 0)),
    );
  };
  const recovery = (row: LoopNumbersRow): ReactNode => {
    const r = row.recovery;
    if (!r) return i18n.t('worklist.numbersNone');
    const waiting = r.notAnsweredAgain > 0 ? i18n.plural('worklist.numbersNotAnsweredAgain', r.notAnsweredAgain) : '';
    const tooMany = r.tooMany.map((t) => i18n.t('worklist.numbersTooManyToPair', { crm: crmName(t.crm), n: i18n.number(t.closed) }));
    if (r.countedBy.length === 0) return detail(...tooMany);
    if (r.value === null) return detail(i18n.t('worklist.numbersNoneAnsweredAgain'), waiting, ...tooMany);
    return (
      <>
        <strong>{i18n.number(r.value, { style: 'percent', maximumFractionDigits: 0 })}</strong>
        {detail(i18n.t('worklist.numbersRecoveryN', { count: r.count, n: r.n }), waiting, ...tooMany)}
      </>
    );
  };
  const metrics: Array<{ key: string; label: string; value: (row: LoopNumbersRow) => ReactNode }> = [
    { key: 'closed', label: i18n.t('worklist.numbersClosed'), value: (row) => (row.closed == null ? i18n.t('worklist.numbersNone') : i18n.number(row.closed)) },
    { key: 'within-sla', label: i18n.t('worklist.numbersWithinSla'), value: (row) => share(row.withinSla) },
    { key: 'thanked', label: i18n.t('worklist.numbersThanked'), value: (row) => share(row.thanked) },
    { key: 'first-contact', label: i18n.t('worklist.numbersFirstContact'), value: firstContact },
    { key: 'recovery', label: i18n.t('worklist.numbersRecovery'), value: recovery },
  ];
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
        {(['me', 'team'] as const).map((scope) => (
          <tbody key={scope}>
            <tr>
              <th scope="colgroup" colSpan={1 + LOOP_WINDOWS.length} className="loop-numbers-scope">
                {i18n.t(scope === 'me' ? 'worklist.numbersMe' : 'worklist.numbersTeam')}
              </th>
            </tr>
            {metrics.map((metric) => (
              <tr key={metric.key}>
                <th scope="row">{metric.label}</th>
                {LOOP_WINDOWS.map((days) => {
                  const row = cell(scope, days);
                  return (
                    <td key={days} data-ll-metric={metric.key} data-ll-cell={`${scope}-${days}`} {...(metric.key === 'closed' ? { 'data-ll-closed': `${scope}-${days}` } : {})} title={row && row.countedBy.length > 0 ? row.countedBy.map(crmName).join(' + ') : undefined}>
                      {row ? metric.value(row) : i18n.t('worklist.numbersNone')}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
      {countedBy.length > 0 && <p className="hint">{i18n.t('worklist.numbersCountedBy', { crms: countedBy.map(crmName).join(', ') })}</p>}
      <p className="hint" data-ll-recovery>
        {i18n.t('worklist.numbersRecoveryHow')}
      </p>
      {numbers.missingFields.map((m) => (
        <p key={m.crm} className="notice" role="status" data-ll-missing-fields={m.crm}>
          {i18n.t('worklist.numbersMissing', { crm: crmName(m.crm), fields: m.fields.join(', ') })}
        </p>
      ))}
      {numbers.failed.map((f) => (
        <p key={f.crm} className="notice notice-error" role="status">
          {i18n.t('worklist.numbersFailed', { crm: crmName(f.crm), reason: errorLabel(i18n, f.kind, crmName(f.crm)) })}
        </p>
      ))}
    </section>
  );
}
