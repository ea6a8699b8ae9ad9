import { useEffect, useId, useState } from 'react';
import type { ContactFilter, ContactSegment } from '../../core/contact-list';
import { MIN_RESPONSES_FOR_NPS } from '../../core/nps';
import type { Contact, Segment } from '../../core/schema';
import { safeSegment } from '../../core/nps';
import { promoterInvite } from '../../core/rules';
import { CRM_CONTACT_PAGE } from '../../core/page-sizes';
import { useCrmContactList, type CrmContactList, type ListAccountContacts } from './crm-contact-list';
import { Figure } from '../ui/Figure';
import { SegmentBadge } from '../ui/SegmentBadge';
import { Section } from '../ui/Section';
import type { AccountPart } from '../../core/panel-data';
import type { Money } from '../../core/rollup';
import { useI18n } from './i18n-context';
import { methodLabel, quarterLabel, segmentLabel } from './labels';

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

/** Quarters the table shows before "Show all": a year, so the contacts stay in view. */
const RECENT_QUARTERS = 4;

/** Every quarter's NPS as one small line (−100 to +100, zero marked); quarters under the minimum n drawn hollow. */
function QuarterSparkline(props: { quarters: AccountPart['rollup']['byQuarter'] }) {
  const width = 300;
  const height = 40;
  const pad = 5;
  const points = props.quarters.map(({ summary }, i) => ({
    x: props.quarters.length === 1 ? width / 2 : pad + (i / (props.quarters.length - 1)) * (width - 2 * pad),
    y: summary.nps === null ? null : pad + ((100 - summary.nps) / 200) * (height - 2 * pad),
    few: summary.n < MIN_RESPONSES_FOR_NPS,
  }));
  const drawn = points.filter((p): p is { x: number; y: number; few: boolean } => p.y !== null);
  return (
    <svg className="quarter-sparkline" viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false">
      <line className="sparkline-zero" x1={0} x2={width} y1={height / 2} y2={height / 2} />
      {drawn.length > 1 && <polyline className="sparkline-line" points={drawn.map((p) => `${p.x},${p.y}`).join(' ')} />}
      {drawn.map((p, i) => (
        <circle key={i} className={p.few ? 'sparkline-point low-n' : 'sparkline-point'} cx={p.x} cy={p.y} r={3} />
      ))}
    </svg>
  );
}

function ByQuarter(props: { part: AccountPart }) {
  const i18n = useI18n();
  const [all, setAll] = useState(false);
  const quarters = props.part.rollup.byQuarter;
  if (quarters.length === 0 && props.part.fromCounts) {
    // HubSpot links survey answers to contacts, not companies: a large account's answers cannot be counted per quarter.
    return (
      <Section title={i18n.t('account.byQuarter')} foldKey="quarters">
        <p className="muted">{i18n.t('account.byQuarterTooLarge')}</p>
      </Section>
    );
  }
  if (quarters.length === 0) return null;
  const shown = all ? quarters : quarters.slice(-RECENT_QUARTERS);
  const anyFew = shown.some(({ summary }) => summary.n < MIN_RESPONSES_FOR_NPS);
  return (
    <Section title={i18n.t('account.byQuarter')} foldKey="quarters">
      {quarters.length > 1 && <QuarterSparkline quarters={quarters} />}
      <table className="quarters">
        <thead>
          <tr>
            <th scope="col">{i18n.t('account.quarter')}</th>
            <th scope="col">{i18n.t('account.npsShort')}</th>
            <th scope="col">{i18n.t('account.responsesShort')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map(({ quarter, summary }) => {
            // Under the minimum n a quarter's NPS is noise: greyed, its bar faint, and said so.
            const few = summary.n < MIN_RESPONSES_FOR_NPS;
            return (
              <tr key={quarter} className={few ? 'low-n' : undefined}>
                <th scope="row">{quarterLabel(i18n, quarter)}</th>
                <td>
                  {summary.nps === null ? '—' : i18n.score(summary.nps)}
                  {few && <span className="quarter-few"> · {i18n.t('account.quarterTooFew')}</span>}
                  {summary.nps !== null && (
                    <span className="quarter-bar" aria-hidden="true">
                      <span className={summary.nps >= 0 ? 'bar-promoter' : 'bar-detractor'} style={{ width: `${Math.abs(summary.nps) / 2}%`, marginLeft: summary.nps >= 0 ? '50%' : `${50 - Math.abs(summary.nps) / 2}%` }} />
                    </span>
                  )}
                </td>
                <td>{i18n.number(summary.n)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {anyFew && <p className="muted quarter-note">{i18n.t('account.quarterTooFewNote', { min: MIN_RESPONSES_FOR_NPS })}</p>}
      {quarters.length > RECENT_QUARTERS && (
        <button type="button" className="link-button" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? i18n.t('account.recentQuarters', { count: RECENT_QUARTERS }) : i18n.plural('account.allQuarters', quarters.length)}
        </button>
      )}
    </Section>
  );
}

const FILTERS: Array<{ segment: ContactSegment; label: 'account.filterDetractor' | 'account.filterPassive' | 'account.filterPromoter' | 'account.filterNone' }> = [
  { segment: 'detractor', label: 'account.filterDetractor' },
  { segment: 'passive', label: 'account.filterPassive' },
  { segment: 'promoter', label: 'account.filterPromoter' },
  { segment: 'none', label: 'account.filterNone' },
];

/** How long the search waits for a pause in typing before it asks: a CRM search is never sent per keystroke. */
const SEARCH_PAUSE_MS = 400;

/** Segment chips with the account's counts, and a name search that waits for a pause in typing (Enter asks at once). */
function ContactFilters(props: { part: AccountPart; filter: ContactFilter; onFilter: (filter: ContactFilter) => void }) {
  const i18n = useI18n();
  const searchId = useId();
  const { segmentCounts: counts, contactTotal } = props.part;
  const [search, setSearch] = useState(props.filter.search);
  const { filter, onFilter } = props;
  useEffect(() => {
    if (search === filter.search) return;
    const timer = setTimeout(() => onFilter({ ...filter, search }), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search, filter, onFilter]);
  const chip = (segment: ContactSegment | null, label: string) => (
    <button
      key={segment ?? 'all'}
      type="button"
      className="chip"
      aria-pressed={filter.segment === segment}
      data-ll-segment-filter={segment ?? 'all'}
      onClick={() => onFilter({ segment, search })}
    >
      {label}
    </button>
  );
  return (
    <div className="contact-filters">
      <div className="chips" role="group" aria-label={i18n.t('account.contactFilter')}>
        {chip(null, counts ? i18n.t('account.filterCount', { label: i18n.t('account.filterAll'), count: contactTotal }) : i18n.t('account.filterAll'))}
        {FILTERS.map(({ segment, label }) =>
          chip(segment, counts ? i18n.t('account.filterCount', { label: i18n.t(label), count: counts[segment] }) : i18n.t(label)),
        )}
      </div>
      <label className="visually-hidden" htmlFor={searchId}>
        {i18n.t('account.contactSearch')}
      </label>
      <input
        id={searchId}
        type="search"
        className="contact-search"
        placeholder={i18n.t('account.contactSearch')}
        value={search}
        maxLength={100}
        onChange={(event) => setSearch(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && search !== filter.search) onFilter({ ...filter, search });
        }}
      />
    </div>
  );
}

/** One contact of the list: name and title, latest score with its segment and when, and a promoter's invite. */
function ContactItem(props: { contact: Contact; score: number | null; answeredAt: number | null; now: number }) {
  const i18n = useI18n();
  const { contact, score, answeredAt } = props;
  const segment = score === null ? null : safeSegment(score);
  return (
    <li className="contact-row" data-ll-contact-segment={segment ?? 'none'} data-ll-contact-score={score ?? ''}>
      <div className="contact-name" dir="auto">
        {contact.url ? (
          <a href={contact.url} target="_blank" rel="noopener noreferrer">
            {contact.name}
          </a>
        ) : (
          contact.name
        )}
        {contact.title && <span className="muted" dir="auto"> · {contact.title}</span>}
      </div>
      <div className="contact-score">
        {score !== null && segment ? (
          <>
            <SegmentBadge segment={segment} label={`${i18n.number(score)} · ${segmentLabel(i18n, segment)}`} />
            {answeredAt !== null && (
              <time className="muted" dateTime={new Date(answeredAt).toISOString()} title={i18n.date(answeredAt)}>
                {' '}
                {i18n.relative(answeredAt, props.now)}
              </time>
            )}
          </>
        ) : (
          <span className="muted">{i18n.t('account.noResponse')}</span>
        )}
        {score !== null && promoterInvite(score) && <span className="invite-chip">{i18n.t('promoter.inviteShort')}</span>}
      </div>
    </li>
  );
}

interface ContactListProps {
  part: AccountPart;
  now: number;
  onShowMore: () => void;
  filter: ContactFilter;
  onFilter: (filter: ContactFilter) => void;
  /** Asks the CRM for a large account's list; absent where the panel lists only what it read. */
  listContacts: ListAccountContacts | null;
}

function ContactList(props: ContactListProps) {
  const i18n = useI18n();
  const { contacts, contactTotal, contactsRead, contactMatches } = props.part;
  const large = props.part.fromCounts && contactsRead < contactTotal;
  const crmList = useCrmContactList(large ? props.listContacts : null, props.part.account?.key ?? '', props.filter);
  const crm = i18n.t(props.part.account?.crm === 'salesforce' ? 'crm.salesforce' : 'crm.hubspot');
  const filtered = props.filter.segment !== null || props.filter.search.trim() !== '';
  const rest = contactMatches - contacts.length;
  return (
    <Section title={i18n.plural('account.contacts', contactTotal)} foldKey="contacts">
      <ContactFilters part={props.part} filter={props.filter} onFilter={props.onFilter} />
      {crmList && crmList.status !== 'unavailable' ? (
        <CrmList {...props} list={crmList} crm={crm} filtered={filtered} />
      ) : (
        <>
      <p className="muted contact-order">{i18n.t('account.contactOrder')}</p>
      {contactsRead < contactTotal && (
        <p className="muted contacts-read" role="note">
          {crmList?.status === 'unavailable'
            ? i18n.t('account.crmUnlisted', { crm, read: contactsRead, total: contactTotal })
            : i18n.t('account.contactsReadOf', { read: contactsRead, total: contactTotal })}
        </p>
      )}
      {filtered && (
        <p className="muted" role="status">
          {contactMatches === 0 ? i18n.t('account.noContactMatches') : i18n.plural('account.contactMatches', contactMatches)}
        </p>
      )}
      <ul className="contact-list">
        {contacts.map((row) => (
          <ContactItem key={row.contact.key} contact={row.contact} score={row.latestNps && row.segment ? row.latestNps.score : null} answeredAt={row.latestNps?.submittedAt ?? null} now={props.now} />
        ))}
      </ul>
      {rest > 0 && (
        <button type="button" className="link-button show-more" onClick={props.onShowMore}>
          {i18n.plural('account.showMoreContacts', Math.min(rest, 50), { total: contactMatches })}
        </button>
      )}
        </>
      )}
    </Section>
  );
}

/** A large account's list as its CRM lists it: the whole account, page by page, with its own loading and failures. */
function CrmList(props: ContactListProps & { list: CrmContactList; crm: string; filtered: boolean }) {
  const i18n = useI18n();
  const { list, crm, filtered } = props;
  const { contactTotal } = props.part;
  const search = props.filter.search.trim();
  const total = list.total;
  const busy = list.status === 'loading' || list.status === 'loading-more';
  return (
    <>
      <p className="muted contact-order">{i18n.t('account.contactOrder')}</p>
      <p className="muted contacts-read" role="note">
        {i18n.t('account.crmListed', { crm, total: contactTotal })}
      </p>
      <p className="muted contact-list-status" role="status">
        {busy
          ? i18n.t('account.crmLoading', { crm })
          : total === null
            ? ''
            : total === 0
              ? search !== ''
                ? i18n.t('account.crmNoMatches', { search })
                : i18n.t('account.crmNoneInGroup')
              : filtered
                ? i18n.plural('account.contactMatches', total)
                : ''}
      </p>
      {list.status === 'failed' && list.error && (
        <div className="form-problem contact-list-problem" role="alert">
          <p>{list.error.kind === 'rate-limit' ? i18n.t('account.crmBusy', { crm }) : i18n.t('account.crmFailed', { crm, reason: list.error.message })}</p>
          <button type="button" className="link-button" onClick={list.retry}>
            {i18n.t('action.retry')}
          </button>
        </div>
      )}
      <ul className="contact-list" aria-busy={busy}>
        {list.rows.map((row) => (
          <ContactItem key={row.contact.key} contact={row.contact} score={row.score} answeredAt={row.answeredAt} now={props.now} />
        ))}
      </ul>
      {list.hasMore && total !== null && (
        <button type="button" className="link-button show-more" onClick={list.more}>
          {i18n.plural('account.showMoreContacts', Math.min(total - list.rows.length, CRM_CONTACT_PAGE), { total })}
        </button>
      )}
    </>
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
          <ByQuarter part={part} />
          <ContactList part={part} now={props.now} onShowMore={props.onShowMoreContacts} filter={props.contactFilter} onFilter={props.onFilterContacts} listContacts={props.listContacts ?? null} />
        </>
      )}
    </section>
  );
}
