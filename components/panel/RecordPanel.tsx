import type { ContactFilter } from '../../core/contact-list';
import { useEffect, useRef, useState } from 'react';
import type { Settings } from '../../core/settings';
import { AccountSection } from './AccountSection';
import type { ListAccountContacts } from './crm-contact-list';
import { LoadedCallCard } from './call-card-view';
import { ContactView } from './ContactView';
import type { FocusContact, FollowUpRow, PanelData } from '../../core/panel-data';
import type { Outcome, RecordRef } from '../../core/schema';
import { loopSegment, needsFollowUp } from '../../core/rules';
import { OpenFollowUp } from './OpenFollowUp';
import { safeSegment } from '../../core/nps';
import { FollowUps } from './FollowUps';
import { LoopHistory } from './LoopHistory';
import { useI18n } from './i18n-context';
import { LogOutcome } from '../outcome/LogOutcome';
import { OutcomeStatusList } from '../outcome/OutcomeStatusList';
import { RecordHeading } from './RecordHeading';
import { ResponseHead } from './ResponseList';
import type { OutcomeActions } from '../outcome/actions';
import type { OutcomeTarget } from '../outcome/OutcomeForm';

function latestNps(focus: FocusContact) {
  return [...focus.responses].reverse().find((r) => r.kind === 'nps') ?? null;
}

/**
 * The cached data of one record: a contact-like record (contact, lead, ticket, case) shows its
 * contacts with an account section; an account-like record (company, account, deal, opportunity)
 * shows the account roll-up. Which CRM it came from does not matter here.
 */
export function RecordPanel(props: {
  data: PanelData;
  recordRef: RecordRef;
  settings: Settings;
  now: number;
  callMode: boolean;
  onShowMoreContacts: () => void;
  contactFilter: ContactFilter;
  onFilterContacts: (filter: ContactFilter) => void;
  outcomeActions: OutcomeActions;
  /** Asks the CRM for a large account's contact list. */
  listContacts?: ListAccountContacts;
}) {
  const { data, settings, now } = props;
  const i18n = useI18n();
  // The call card tells what changed since the last contact, so in call mode the loop history is read with the view,
  // once per view (a failure is shown on the card, with a retry).
  const wantsLoopHistory = props.callMode && data.focus.length > 0 && data.view.fetchedAt !== null && (data.view.loopsReadAt ?? null) === null;
  const { recordRef, outcomeActions } = props;
  const viewKey = data.view.key;
  const askedFor = useRef<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [loopProblem, setLoopProblem] = useState<{ viewKey: string; reason: string } | null>(null);
  useEffect(() => {
    if (!wantsLoopHistory || askedFor.current === viewKey) return;
    askedFor.current = viewKey;
    void outcomeActions.loadLoopHistory(recordRef).then((reply) => {
      if (!reply.ok && askedFor.current === viewKey) setLoopProblem({ viewKey, reason: reply.error.message });
    });
  }, [wantsLoopHistory, viewKey, recordRef, outcomeActions, attempt]);
  const retryLoopHistory = () => {
    askedFor.current = null;
    setLoopProblem(null);
    setAttempt((n) => n + 1);
  };
  const contactLike = data.focus.length > 0;
  const crmName = i18n.t(props.recordRef.crm === 'hubspot' ? 'crm.hubspot' : 'crm.salesforce');
  const contactTarget = (focus: FocusContact): OutcomeTarget | null => {
    if (!focus.contact) return null;
    const latest = latestNps(focus);
    return {
      ref: props.recordRef,
      contactId: focus.contact.id,
      contactName: focus.contact.name,
      responseId: latest?.id ?? null,
      segment: latest ? safeSegment(latest.score) : null,
      followUp: null,
      answeredAt: latest?.submittedAt ?? null,
    };
  };
  const followUpTarget = (row: FollowUpRow): OutcomeTarget | null => {
    const contactId = row.followUp.contactKey?.split('|')[2];
    if (!contactId) return null;
    return {
      ref: props.recordRef,
      contactId,
      contactName: row.contactName ?? row.followUp.title,
      responseId: row.response?.id ?? null,
      segment: row.response?.kind === 'nps' ? safeSegment(row.response.score) : null,
      followUp: row.followUp,
      answeredAt: row.response?.submittedAt ?? null,
    };
  };
  // A contact's latest answer of each kind, if unhappy and without a follow-up of its own, can get one from "Needs you
  // now" (NPS by the rules' threshold; CSAT and effort when detractor-like). An older answer is history: a later one of
  // the same kind says where the customer stands now, and offering each old one invites tickets nobody needs.
  const followedUp = new Set(data.followUps.map((row) => row.followUp.responseKey));
  const unfollowed = data.focus.flatMap((focus) =>
    [...focus.responses]
      .reverse()
      .filter((response, i, newestFirst) => newestFirst.findIndex((r) => r.kind === response.kind) === i)
      .filter((response) => {
        const unhappy = response.kind === 'nps' ? needsFollowUp(response.score, settings.rules) : loopSegment(response) === 'detractor';
        return unhappy && !followedUp.has(response.key);
      })
      .map((response) => ({ response, contactName: focus.contact?.name ?? null })),
  );
  const logOutcome = (target: OutcomeTarget | null, outcomes: Outcome[]) =>
    target && <LogOutcome target={target} rootCauses={settings.rules.rootCauses} crmName={crmName} actions={props.outcomeActions} outcomes={outcomes} />;
  if (props.callMode) {
    const problem = loopProblem?.viewKey === viewKey ? { reason: loopProblem.reason, retry: retryLoopHistory } : null;
    // The card's one action: log the outcome of the most urgent open follow-up, else of the contact (Alt+Shift+O).
    const top = data.followUps[0] ?? null;
    const focus = data.focus[0] ?? null;
    const target = top ? followUpTarget(top) : focus ? contactTarget(focus) : null;
    const action = target && (
      <LogOutcome target={target} rootCauses={settings.rules.rootCauses} crmName={crmName} actions={props.outcomeActions} outcomes={top ? top.outcomes : (focus?.outcomes ?? [])} shortcut />
    );
    return <LoadedCallCard data={data} settings={settings} now={now} loopHistoryProblem={problem} action={action} />;
  }
  // A contact's own page names the contact in the heading; elsewhere each focus contact is named where it starts.
  const contactPage = data.focus.length === 1 && (recordRef.objectType === 'contact' || recordRef.objectType === 'lead');
  return (
    <>
      <RecordHeading data={data} recordRef={recordRef} />
      <FollowUps
        rows={data.followUps}
        settings={settings}
        now={now}
        pageContactKey={contactPage ? (data.focus[0]?.key ?? null) : null}
        renderAction={(row) => logOutcome(followUpTarget(row), row.outcomes)}
        unfollowed={
          unfollowed.length > 0 && (
            <ol className="response-list needs-follow-up-list">
              {unfollowed.map(({ response, contactName }) => (
                <li key={response.key} className="response needs-follow-up">
                  <p className="needs-label">{i18n.t('needs.noFollowUp')}</p>
                  <ResponseHead response={response} />
                  {contactName && !contactPage && <p dir="auto">{contactName}</p>}
                  {response.comment && <p className="quote" dir="auto">{response.comment.length > 140 ? `${response.comment.slice(0, 140)}…` : response.comment}</p>}
                  <OpenFollowUp recordRef={recordRef} response={response} crmName={crmName} actions={props.outcomeActions} />
                </li>
              ))}
            </ol>
          )
        }
      />
      {data.focus.map((focus) => (
        <div key={focus.key} className="focus-contact">
          <ContactView focus={focus} fallbackTitle={data.view.title} settings={settings} now={now} showName={!contactPage} />
          {logOutcome(contactTarget(focus), focus.outcomes)}
          <OutcomeStatusList outcomes={focus.outcomes} crmName={crmName} actions={props.outcomeActions} />
          <LoopHistory recordRef={props.recordRef} focus={focus} readAt={data.view.loopsReadAt ?? null} crmName={crmName} actions={props.outcomeActions} />
        </div>
      ))}
      {data.account && (
        <AccountSection part={data.account} title={data.view.title} compact={contactLike} now={now} onShowMoreContacts={props.onShowMoreContacts} contactFilter={props.contactFilter} onFilterContacts={props.onFilterContacts} listContacts={props.listContacts} />
      )}
    </>
  );
}
