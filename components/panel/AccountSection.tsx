import { lazy, Suspense, useId } from 'react';
import type { ContactFilter } from '../../core/contact-list';
import type { Segment } from '../../core/schema';
import type { ListAccountContacts } from './crm-contact-list';
import { Figure } from '../ui/Figure';
import type { AccountPart } from '../../core/panel-data';
import type { Money } from '../../core/rollup';
import { useI18n } from './i18n-context';
import { methodLabel, segmentLabel } from './labels';

// NPS by quarter and the contact list load on demand: the record's figures paint without their code.
const AccountDetails = lazy(() => import('./AccountDetails').then((module) => ({ default: module.AccountDetails })));

const SEGMENTS: Array<{ segment: Segment; key: 'promoters' | 'passives' | 'detractors' }> = [
  { segment: 'promoter', key: 'promoters' },
  { segment: 'passive', key: 'passives' },
  { segment: 'detractor', key: 'detractors' },
];

function AccountNps(props: { part: AccountPart }) {
  const i18n = useI18n();
  const { rollup, windowDays } = props.part;
  const { summary, tooFew } = rollup;
  const npsFigure = (
    <Figure name="account-nps" value={summary.nps} className="big-number">
      {summary.nps === null ? '—' : i18n.score(summary.nps)}
    </Figure>
  );
  const nLabel = i18n.plural(rollup.counted === 'people' ? 'account.nPeople' : 'account.n', summary.n);
  const method = (
    <>
      <p className="method" data-ll-method={rollup.method}>
        {i18n.t('account.method', { method: methodLabel(i18n, rollup.method, windowDays) })}
      </p>
      {rollup.unavailable && (
        <p className="method-unavailable muted" role="note">
          {i18n.t('account.methodUnavailable', {
            chosen: methodLabel(i18n, rollup.unavailable, rollup.unavailable === 'window' ? windowDays : null),
            crm: i18n.t(props.part.account?.crm === 'salesforce' ? 'crm.salesforce' : 'crm.hubspot'),
          })}
        </p>
      )}
    </>
  );
  if (tooFew) {
    // Under the minimum n an NPS is noise: no number as a headline, only how many answered (the distribution follows).
    return (
      <div className="account-nps">
        <p className="nps-line">
          <strong className="too-few">{i18n.plural('account.tooFew', summary.n)}</strong>
          <span className="visually-hidden">{npsFigure}</span>
          {summary.marginOfError95 !== null && (
            <Figure name="account-margin" value={summary.marginOfError95} className="visually-hidden">
              {i18n.t('account.margin', { margin: i18n.number(Math.round(summary.marginOfError95)) })}
            </Figure>
          )}
          <Figure name="account-n" value={summary.n} className="visually-hidden">
            {nLabel}
          </Figure>
        </p>
        {method}
      </div>
    );
  }
  return (
    <div className="account-nps">
      <p className="nps-line">
        {npsFigure}{' '}
        {summary.marginOfError95 !== null && (
          <Figure name="account-margin" value={summary.marginOfError95} className="margin">
            {i18n.t('account.margin', { margin: i18n.number(Math.round(summary.marginOfError95)) })}
          </Figure>
        )}{' '}
        <Figure name="account-n" value={summary.n} className="muted">
          {nLabel}
        </Figure>
      </p>
      {method}
    </div>
  );
}

function Distribution(props: { part: AccountPart }) {
  const i18n = useI18n();
  const { distribution } = props.part.rollup;
  const percent = (share: number) => i18n.number(share, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <div className="distribution">
      <div className="distribution-bar" aria-hidden="true">
        {SEGMENTS.map(({ segment, key }) => (
          <span key={segment} className={`bar-${segment}`} style={{ width: `${distribution[key].share * 100}%` }} />
        ))}
      </div>
      <ul className="distribution-legend">
        {SEGMENTS.map(({ segment, key }) => (
          <li key={segment} data-segment={segment}>
            <span className={`swatch swatch-${segment}`} aria-hidden="true" />
            {i18n.t('account.distributionItem', {
              segment: segmentLabel(i18n, segment),
              count: distribution[key].count,
              percent: percent(distribution[key].share),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Sums in several currencies, each formatted in its own, joined: "€30,000 + $5,000". */
function moneyList(i18n: ReturnType<typeof useI18n>, sums: Money[]): string {
  return sums.map((m) => i18n.money(m.amount, m.currency)).join(' + ');
}

/** A figure's raw value: the amount in one currency, else "30000 EUR + 5000 USD". */
function moneyValue(sums: Money[]): string | number {
  if (sums.length === 0) return 0;
  if (sums.length === 1) return sums[0]!.amount;
  return sums.map((m) => `${m.amount} ${m.currency ?? ''}`.trim()).join(' + ');
}

function RevenueAtRisk(props: { part: AccountPart }) {
  const i18n = useI18n();
  const { revenueAtRisk: risk, account, rollup, detractorNames } = props.part;
  const detractors = rollup.summary.detractors;
  const salesforce = account?.crm === 'salesforce';
  const atRisk = risk.atRisk.length > 0;
  return (
    <div className={`revenue-at-risk${atRisk ? ' at-risk' : ''}`}>
      <span className="figure-label">{i18n.t('account.revenueAtRisk')}</span>{' '}
      <Figure name="revenue-at-risk" value={risk.unknown || risk.dealsUnread ? null : moneyValue(risk.atRisk)} className="mid-number">
        {risk.unknown
          ? i18n.t('account.revenueUnknown')
          : risk.dealsUnread
            ? i18n.t(salesforce ? 'account.opportunitiesUnread' : 'account.dealsUnread')
            : atRisk
              ? moneyList(i18n, risk.atRisk)
              : i18n.money(0, account?.currency ?? null)}
      </Figure>
      {risk.source === 'field' ? (
        <p className="muted">
          {detractors === 0
            ? i18n.t('account.noDetractors')
            : i18n.plural('account.detractorsOn', detractors, { revenue: account?.revenueLabel || i18n.t('account.revenue') })}
        </p>
      ) : (
        <>
          <p className="muted">{i18n.t(salesforce ? 'account.riskRuleOpportunities' : 'account.riskRuleDeals')}</p>
          {risk.deals.length > 0 && (
            <ul className="risk-deals">
              {risk.deals.map(({ deal, detractorKeys }) => (
                <li key={deal.key} dir="auto">
                  {deal.url ? (
                    <a href={deal.url} target="_blank" rel="noopener noreferrer">
                      {deal.name}
                    </a>
                  ) : (
                    deal.name
                  )}
                  {' · '}
                  {deal.amount === null ? i18n.t('account.revenueUnknown') : i18n.money(deal.amount, deal.currency)}
                  {' · '}
                  <span className="muted">{detractorKeys.map((k) => detractorNames[k] ?? i18n.t('account.unnamedContact')).join(', ')}</span>
                </li>
              ))}
            </ul>
          )}
          {risk.rest.length > 0 && (
            <p className="muted revenue-rest">
              {risk.restCount === null
                ? i18n.t('account.openPipeline')
                : i18n.plural(salesforce ? 'account.restOpportunities' : 'account.restDeals', risk.restCount)}{' '}
              <Figure name="revenue-rest" value={moneyValue(risk.rest)}>
                {moneyList(i18n, risk.rest)}
              </Figure>
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** The account roll-up: the whole page on account records, a compact section on contact records. */
export function AccountSection(props: {
  part: AccountPart;
  title: string;
  compact: boolean;
  now: number;
  onShowMoreContacts: () => void;
  contactFilter: ContactFilter;
  onFilterContacts: (filter: ContactFilter) => void;
  /** Asks the CRM for a large account's contact list (see crm-contact-list.ts). */
  listContacts?: ListAccountContacts;
}) {
  const i18n = useI18n();
  const headingId = useId();
  const { part } = props;
  const name = part.account?.name || props.title;
  return (
    <section className={`record account${props.compact ? ' compact' : ''}`} aria-labelledby={headingId}>
      <h2 id={headingId} dir="auto">
        {i18n.t('account.sectionTitle', { name })}
      </h2>
      {!props.compact && part.account?.ownerName && <p className="subtitle">{i18n.t('account.owner', { name: part.account.ownerName })}</p>}
      {part.rollup.summary.n === 0 ? (
        props.compact ? (
          <p className="muted">{i18n.t('account.empty')}</p>
        ) : (
          <div className="empty" role="status">
            <p className="state-title">{i18n.t('state.empty')}</p>
            <p className="muted">{i18n.t('state.emptyHint')}</p>
          </div>
        )
      ) : (
        <>
          <h3 className="figure-label">{i18n.t('account.nps')}</h3>
          <AccountNps part={part} />
          <Distribution part={part} />
        </>
      )}
      <RevenueAtRisk part={part} />
      {!props.compact && (
        <>
          <Suspense
            fallback={
              <p className="details-loading account-details-loading" role="status">
                {i18n.t('account.detailsLoading')}
              </p>
            }
          >
            <AccountDetails part={part} now={props.now} onShowMore={props.onShowMoreContacts} filter={props.contactFilter} onFilter={props.onFilterContacts} listContacts={props.listContacts ?? null} />
          </Suspense>
        </>
      )}
    </section>
  );
}
