import type { PanelData } from '../../core/panel-data';
import type { RecordRef } from '../../core/schema';
import { useI18n } from './i18n-context';

/** Records whose panel is about other records (their contacts, their account): the heading says which and why. */
const ABOUT_OTHERS = { deal: 'record.why.deal', ticket: 'record.why.ticket', opportunity: 'record.why.opportunity', case: 'record.why.case' } as const;

/**
 * The record's name as the CRM has it (never as the page's URL or title says), its kind, and on a deal,
 * opportunity, ticket or case which contacts and account the panel is about, and why.
 */
export function RecordHeading(props: { data: PanelData; recordRef: RecordRef }) {
  const i18n = useI18n();
  const { data, recordRef } = props;
  const accountName = data.account?.account?.name ?? null;
  const kind = recordRef.objectType;
  const person = data.focus.length === 1 && (kind === 'contact' || kind === 'lead') ? data.focus[0]?.contact?.name : null;
  const title = person || data.view.title || data.focus[0]?.contact?.name || accountName || '';
  const why = kind in ABOUT_OTHERS ? ABOUT_OTHERS[kind as keyof typeof ABOUT_OTHERS] : null;
  const who = [...data.focus.map((f) => f.contact?.name).filter((name): name is string => Boolean(name)), accountName].filter(
    (name): name is string => Boolean(name),
  );
  return (
    <header className="record-heading">
      <p className="record-kind">{i18n.t(`record.kind.${kind}`)}</p>
      <h2 dir="auto" data-ll-record-title="">
        {title}
      </h2>
      {why && who.length > 0 && (
        <p className="record-about" dir="auto">
          {i18n.t('record.about', { who: who.join(' · ') })}
        </p>
      )}
      {why && <p className="muted record-why">{i18n.t(why)}</p>}
    </header>
  );
}
