import { use, useEffect, useId, useMemo, useState } from 'react';
import type { ContactFilter, ContactSegment } from '../../core/contact-list';
import { MIN_RESPONSES_FOR_NPS, safeSegment } from '../../core/nps';
import type { Contact } from '../../core/schema';
import { promoterInvite } from '../../core/rules';
import { CRM_CONTACT_PAGE } from '../../core/page-sizes';
import { useCrmContactList, type CrmContactList, type ListAccountContacts } from './crm-contact-list';
import { SegmentBadge } from '../ui/SegmentBadge';
import { Section } from '../ui/Section';
import type { AccountPart } from '../../core/panel-data';
import { enAccount, type AccountCatalog } from '../../core/locales/en-account';
import { I18nProvider, useI18n } from './i18n-context';
import { quarterLabel, segmentLabel } from './labels';

// The account page's lower half, NPS by quarter and the contact list with its chips and search, loads after the
// panel's code (AccountSection.tsx), with its own words over the panel's: the figures above it paint first, and a
// contact's page never needs it. English comes with this code; Russian loads beside it when the panel speaks Russian.

let russian: Promise<AccountCatalog> | null = null;
function russianWords(): Promise<AccountCatalog> {
  russian ??= import('../../core/locales/ru-account').then((module) => module.ruAccount);
  return russian;
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

/** NPS by quarter and the contact list, under an account record's figures. */
export function AccountDetails(props: ContactListProps) {
  const i18n = useI18n();
  // Until the Russian words are here this suspends, and the place AccountSection holds says what is coming.
  const words = i18n.locale === 'ru' ? use(russianWords()) : enAccount;
  const withWords = useMemo(() => i18n.extend(words), [i18n, words]);
  return (
    <I18nProvider value={withWords}>
      <ByQuarter part={props.part} />
      <ContactList {...props} />
    </I18nProvider>
  );
}
