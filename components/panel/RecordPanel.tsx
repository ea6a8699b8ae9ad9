import type { Settings } from '../../core/settings';
import { AccountSection } from './AccountSection';
import { CallCard } from './CallCard';
import { ContactView } from './ContactView';
import type { FollowUpRow, PanelData } from './data';
import type { ReactNode } from 'react';
import { FollowUps } from './FollowUps';

/**
 * The cached data of one record: a contact-like record (contact, lead, ticket, case) shows its
 * contacts with an account section; an account-like record (company, account, deal, opportunity)
 * shows the account roll-up. Which CRM it came from does not matter here.
 */
export function RecordPanel(props: { data: PanelData; settings: Settings; now: number; callMode: boolean; onShowMoreContacts: () => void; renderFollowUpAction?: (row: FollowUpRow) => ReactNode }) {
  const { data, settings, now } = props;
  if (props.callMode) return <CallCard data={data} settings={settings} now={now} />;
  const contactLike = data.focus.length > 0;
  return (
    <>
      {data.focus.map((focus) => (
        <ContactView key={focus.key} focus={focus} fallbackTitle={data.view.title} settings={settings} now={now} />
      ))}
      {data.account && (
        <AccountSection part={data.account} title={data.view.title} compact={contactLike} now={now} onShowMoreContacts={props.onShowMoreContacts} />
      )}
      {!contactLike && !data.account && (
        <h2 className="record" dir="auto">
          {data.view.title}
        </h2>
      )}
      <FollowUps rows={data.followUps} settings={settings} now={now} renderAction={props.renderFollowUpAction} />
    </>
  );
}
