import React, { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  DescriptionList,
  DescriptionListItem,
  Divider,
  EmptyState,
  ErrorState,
  Flex,
  Heading,
  Link,
  LoadingSpinner,
  MultiSelect,
  Select,
  Statistics,
  StatisticsItem,
  Tag,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { cardWords, figureTexts, localeOf, OUTCOME_RESULTS, type CardFigures, type CardWords, type OutcomeResult } from './lib/loyalty-core.js';

// The Loyalty Lens card on HubSpot contact, company, deal and ticket records: the record's loyalty essentials and
// the close-the-loop form, drawn only with HubSpot's own components (so HubSpot's theme and accessibility apply).
// Everything it reads or writes goes through the app function (../functions/loyalty.js), which holds no state: the
// card keeps an outcome's key and how often it was sent, so a repeat after an unclear answer is looked up first.

/** The app function's uid (functions/loyalty-function-hsmeta.json). */
export const FUNCTION_NAME = 'loyalty_lens_function';

export interface CardContext {
  user: { locale?: string; firstName: string; lastName: string };
  portal: { id: number };
  crm: { objectId: number; objectTypeId: string };
}

export type Serverless = <T>(name: string, options: { parameters: Record<string, unknown> }) => Promise<T>;

type FunctionError = { kind: string; message: string; mayHaveCommitted: boolean };
type LoadAnswer = { ok: true; figures: CardFigures; rootCauses: string[] } | { ok: false; error: FunctionError };
type WriteAnswer = { ok: true; recordId: string | null; recordUrl: string | null } | { ok: false; error: FunctionError };

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; figures: CardFigures; rootCauses: string[] };
type Send =
  | { state: 'idle' }
  | { state: 'sending' }
  | { state: 'saved'; url: string | null }
  | { state: 'failed'; message: string };

function newKey(): string {
  return crypto.randomUUID();
}

export function LoyaltyLensCard(props: { context: CardContext; serverless: Serverless; now?: () => number }) {
  const { context, serverless } = props;
  const now = props.now ?? Date.now;
  const words = cardWords(localeOf(context.user.locale), 'HubSpot');
  const record = { portalId: String(context.portal.id), objectTypeId: context.crm.objectTypeId, objectId: String(context.crm.objectId) };
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const { portalId, objectTypeId, objectId } = record;

  useEffect(() => {
    let current = true;
    serverless<LoadAnswer>(FUNCTION_NAME, { parameters: { action: 'load', portalId, objectTypeId, objectId } })
      .then((answer) => {
        if (current) setLoad(answer.ok ? { state: 'ready', figures: answer.figures, rootCauses: answer.rootCauses } : { state: 'failed', message: answer.error.message });
      })
      .catch((error: unknown) => {
        if (current) setLoad({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      current = false;
    };
  }, [serverless, portalId, objectTypeId, objectId, generation]);

  const reload = () => {
    setLoad({ state: 'loading' });
    setGeneration((n) => n + 1);
  };

  if (load.state === 'loading') return <LoadingSpinner label={words.loading} showLabel layout="centered" />;
  if (load.state === 'failed') {
    return (
      <ErrorState title={words.loadFailed}>
        <Text>{load.message}</Text>
        <Button onClick={reload}>{words.retry}</Button>
      </ErrorState>
    );
  }
  const { figures } = load;
  return (
    <Flex direction="column" gap="md">
      <Figures figures={figures} words={words} now={now()} />
      <OutcomeForm figures={figures} rootCauses={load.rootCauses} words={words} context={context} serverless={serverless} record={record} onSaved={reload} />
    </Flex>
  );
}

function Figures(props: { figures: CardFigures; words: CardWords; now: number }) {
  const { figures, words, now } = props;
  const texts = figureTexts(figures, words.i18n);
  if (!figures.hasResponses && figures.followUps.length === 0 && !figures.account) {
    return (
      <EmptyState title={words.empty} layout="vertical">
        <Text>{words.emptyHint}</Text>
      </EmptyState>
    );
  }
  const account = figures.account;
  return (
    <Flex direction="column" gap="sm">
      <Statistics>
        {figures.contact && (
          <StatisticsItem testId="contact-latest-score" label={words.latestNps} number={texts['contact-latest-score'] ?? '—'}>
            {texts['contact-segment'] ? <Tag testId="contact-segment" variant={figures.contact.segment === 'detractor' ? 'error' : figures.contact.segment === 'promoter' ? 'success' : 'default'}>{texts['contact-segment']}</Tag> : <Text>{words.noNps}</Text>}
          </StatisticsItem>
        )}
        {account && (
          <StatisticsItem testId="account-nps" label={`${words.accountNps}: ${account.name}`} number={texts['account-nps']!}>
            <Text testId="account-margin">{texts['account-margin'] ?? ''}</Text>
            <Text testId="account-n" variant="microcopy">{texts['account-n']}</Text>
            {account.tooFew && <Text testId="account-too-few" format={{ fontWeight: 'demibold' }}>{words.tooFew(account.n)}</Text>}
          </StatisticsItem>
        )}
        {account && <StatisticsItem testId="revenue-at-risk" label={words.revenueAtRisk} number={texts['revenue-at-risk']!} />}
      </Statistics>
      {account && <Text variant="microcopy">{words.method(figures)}</Text>}
      <Heading>{words.followUpsTitle}</Heading>
      <Text testId="open-followups" format={{ fontWeight: 'demibold' }}>{texts['open-followups']}</Text>
      {figures.followUps.length === 0 ? (
        <Text>{words.noFollowUps}</Text>
      ) : (
        <DescriptionList direction="column">
          {figures.followUps.map((row) => (
            <DescriptionListItem key={row.id} label={row.url ? '' : row.title}>
              {row.url && <Link href={row.url}>{row.title}</Link>}
              <Text>
                {words.clock(row, now)}
                {row.priority === 'urgent' ? ` · ${words.urgent}` : ''}
              </Text>
              <Text variant="microcopy">{row.ownerName ? words.owner(row.ownerName) : words.noOwner}</Text>
            </DescriptionListItem>
          ))}
        </DescriptionList>
      )}
    </Flex>
  );
}

function OutcomeForm(props: {
  figures: CardFigures;
  rootCauses: string[];
  words: CardWords;
  context: CardContext;
  serverless: Serverless;
  record: Record<string, string>;
  onSaved: () => void;
}) {
  const { figures, words } = props;
  const followUp = figures.followUps.find((f) => f.contactId !== null && (!figures.contact || f.contactId === figures.contact.id)) ?? null;
  const contactId = figures.contact?.id ?? followUp?.contactId ?? null;
  const contactName = figures.contact?.name ?? followUp?.contactName ?? null;
  const [result, setResult] = useState<OutcomeResult | null>(null);
  const [causes, setCauses] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [thanked, setThanked] = useState(false);
  const [close, setClose] = useState(false);
  // One key per outcome: a repeat of the same outcome carries it, so HubSpot keeps one note.
  const [key, setKey] = useState(newKey);
  const [sends, setSends] = useState(0);
  const [lastErrorKind, setLastErrorKind] = useState<string | null>(null);
  const [send, setSend] = useState<Send>({ state: 'idle' });

  if (!contactId) return null;

  const save = () => {
    if (!result || send.state === 'sending') return;
    const attempt = sends + 1;
    setSends(attempt);
    setSend({ state: 'sending' });
    props
      .serverless<WriteAnswer>(FUNCTION_NAME, {
        parameters: {
          action: 'log-outcome',
          ...props.record,
          idempotencyKey: key,
          attempt,
          lastErrorKind,
          loggedBy: `${props.context.user.firstName} ${props.context.user.lastName}`.trim() || null,
          outcome: {
            contactId,
            followUpId: followUp?.id ?? null,
            responseId: figures.contact?.responseId ?? null,
            result,
            rootCauses: causes,
            note,
            nextStep: null,
            thanked,
            closeFollowUp: close && followUp !== null,
          },
        },
      })
      .then((answer) => {
        if (answer.ok) {
          setSend({ state: 'saved', url: answer.recordUrl });
          return;
        }
        // Anything that may have reached HubSpot keeps its key: the next send looks the note up before writing.
        setLastErrorKind(answer.error.kind);
        setSend({ state: 'failed', message: answer.error.message });
      })
      .catch((error: unknown) => {
        setLastErrorKind('network');
        setSend({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      });
  };

  const another = () => {
    setKey(newKey());
    setSends(0);
    setLastErrorKind(null);
    setResult(null);
    setCauses([]);
    setNote('');
    setThanked(false);
    setClose(false);
    setSend({ state: 'idle' });
    props.onSaved();
  };

  if (send.state === 'saved') {
    return (
      <Alert title={words.saved} variant="success">
        {send.url && <Link href={send.url}>{words.openInCrm}</Link>} <Button variant="transparent" onClick={another}>{words.logAction}</Button>
      </Alert>
    );
  }

  return (
    <Flex direction="column" gap="sm">
      <Divider />
      <Heading>{contactName ? words.formTitleFor(contactName) : words.formTitle}</Heading>
      <Select
        testId="outcome-result"
        label={words.result}
        required
        description={words.chooseResult}
        value={result ?? undefined}
        options={OUTCOME_RESULTS.map((r) => ({ label: words.results[r], value: r }))}
        onChange={(value) => setResult(OUTCOME_RESULTS.find((r) => r === value) ?? null)}
      />
      <MultiSelect
        testId="outcome-root-causes"
        label={words.rootCauses}
        description={words.rootCausesHint}
        value={causes}
        options={props.rootCauses.map((c) => ({ label: c, value: c }))}
        onChange={(value) => setCauses(value.map(String))}
      />
      <TextArea testId="outcome-note" name="note" label={words.note} value={note} onChange={(value) => setNote(value)} />
      <Checkbox testId="outcome-thanked" checked={thanked} onChange={(checked) => setThanked(checked)}>
        {words.thanked}
      </Checkbox>
      {followUp && (
        <Checkbox testId="outcome-close" checked={close} onChange={(checked) => setClose(checked)}>
          {words.closeFollowUp(followUp.title)}
        </Checkbox>
      )}
      {send.state === 'failed' && (
        <Alert testId="outcome-error" title={words.appName} variant="danger">
          {words.failed(send.message)}
        </Alert>
      )}
      <Button testId="outcome-save" variant="primary" disabled={!result || send.state === 'sending'} onClick={save}>
        {send.state === 'sending' ? words.sending : send.state === 'failed' ? words.retry : words.send}
      </Button>
    </Flex>
  );
}
