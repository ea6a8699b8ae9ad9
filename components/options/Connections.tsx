import { Fragment, useEffect, useId, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import { CONNECTIONS_KEY, sendRequest, type Reply, type StoredConnections } from '../../core/messaging';
import type { Crm } from '../../core/schema';
import type { ConnectionInfo } from '../../integrations/crm';
import { apiUsageSchema } from '../../core/api-usage';
import { TextField, VerdictBox, type Edit } from './fields';
import type { QueuedCounts } from './queued';
import { useStrings } from './strings';
import { connectionVerdict, errorVerdict, type Verdict } from './verdict';
import type { Settings } from '../../core/settings';
import { isSalesforceLoginHost, salesforceLoginHostProblem } from '../../core/hosts';

/** Follows the non-secret connection details the background keeps in storage.local. */
export function useConnections(): StoredConnections {
  const [connections, setConnections] = useState<StoredConnections>({});
  useEffect(() => {
    let live = true;
    const read = () =>
      browser.storage.local.get(CONNECTIONS_KEY).then((items) => {
        if (live) setConnections((items[CONNECTIONS_KEY] as StoredConnections | undefined) ?? {});
      });
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && CONNECTIONS_KEY in changes) void read();
    };
    void read();
    browser.storage.onChanged.addListener(onChanged);
    return () => {
      live = false;
      browser.storage.onChanged.removeListener(onChanged);
    };
  }, []);
  return connections;
}

/** Asks for a host permission. Must run inside the click handler, before any await, or the browser refuses. */
function requestOrigin(origin: string): Promise<boolean> {
  return browser.permissions.request({ origins: [`${origin.replace(/\/+$/, '')}/*`] });
}

function PermissionButton(props: { origin: string; onGranted: () => void }) {
  const s = useStrings();
  return (
    <button type="button" onClick={() => void requestOrigin(props.origin).then((granted) => granted && props.onGranted())}>
      {s.allowHost(props.origin)}
    </button>
  );
}

/** The CRM's API allowance in words; nothing for what an older version stored as text. */
function usageText(s: ReturnType<typeof useStrings>, stored: unknown): string | null {
  const usage = apiUsageSchema.safeParse(stored);
  if (!usage.success) return null;
  return usage.data.kind === 'remainingToday' ? s.usageRemainingToday(usage.data.remaining, usage.data.limit) : s.usageUsedLast24h(usage.data.used, usage.data.limit);
}

function ConnectionDetails(props: { crm: Crm; info: (ConnectionInfo & { connectedAt: number }) | undefined; dateTime: (ms: number) => string }) {
  const s = useStrings();
  const { info } = props;
  if (!info) return <p className="muted">{s.notConnected}</p>;
  const usage = usageText(s, info.usage);
  const rows: Array<[string, string]> =
    props.crm === 'hubspot'
      ? [
          [s.portalId, info.instance],
          [s.portalName, info.name],
          ...(info.user ? ([[s.user, info.user]] as Array<[string, string]>) : []),
          [s.missingScopes, info.missingScopes.length ? info.missingScopes.join(', ') : s.missingScopesNone],
          ...(usage ? ([[s.apiUsage, usage]] as Array<[string, string]>) : []),
        ]
      : [
          [s.org, info.name],
          [s.apiHost, info.instance],
          [s.user, info.user ?? '—'],
          [s.apiUsage, usage ?? '—'],
        ];
  return (
    <>
      <dl className="details">
        {rows.map(([term, value]) => (
          <div key={term} className={term === s.missingScopes && info.missingScopes.length ? 'warn' : undefined}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">{s.connectedSince(props.dateTime(info.connectedAt))}</p>
    </>
  );
}

/** Sign out, asking first what happens to outcomes still queued for this CRM. */
function SignOut(props: { crm: Crm; crmName: string; queued: number }) {
  const s = useStrings();
  const [step, setStep] = useState<'idle' | 'confirm' | 'busy'>('idle');
  const [result, setResult] = useState<{ text: string; error: Verdict | null } | null>(null);
  const opener = useRef<HTMLButtonElement>(null);

  const signOut = async (queued: 'send-first' | 'discard') => {
    setStep('busy');
    const reply = await sendRequest({ type: 'connector.signOut', crm: props.crm, queued });
    setStep('idle');
    setResult(reply.ok ? { text: s.signedOut(reply.value.sent, reply.value.discarded), error: null } : { text: '', error: errorVerdict(reply.error, s) });
  };
  const cancel = () => {
    setStep('idle');
    opener.current?.focus();
  };

  return (
    <div className="sign-out">
      {step === 'idle' ? (
        <button ref={opener} type="button" className="danger" onClick={() => (setResult(null), setStep('confirm'))}>
          {s.signOut}
        </button>
      ) : null}
      {step === 'confirm' ? (
        <div className="confirm" role="group" aria-label={s.signOut}>
          <p>{props.queued > 0 ? s.queuedQuestion(props.queued, props.crmName) : s.signOutConfirm(props.crmName)}</p>
          <div className="actions">
            {props.queued > 0 ? (
              <>
                <button type="button" autoFocus onClick={() => void signOut('send-first')}>
                  {s.sendFirst}
                </button>
                <button type="button" className="danger" onClick={() => void signOut('discard')}>
                  {s.discardQueued(props.queued)}
                </button>
              </>
            ) : (
              <button type="button" className="danger" autoFocus onClick={() => void signOut('send-first')}>
                {s.signOut}
              </button>
            )}
            <button type="button" onClick={cancel}>
              {s.cancel}
            </button>
          </div>
        </div>
      ) : null}
      {step === 'busy' ? <p role="status">{s.signingOut}</p> : null}
      {result?.error ? <VerdictBox verdict={result.error} /> : null}
      {result && !result.error ? <p role="status">{result.text}</p> : null}
    </div>
  );
}

/** A connection card's request state: what is under way, and the CRM's last verdict. */
function useConnection(crm: Crm) {
  const s = useStrings();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  /** Runs a connection request, showing `label` while it is under way and the verdict after. */
  const run = async (label: string, send: () => Promise<Reply<ConnectionInfo>>) => {
    setBusy(label);
    const reply = await send();
    setBusy(null);
    setVerdict(connectionVerdict(reply, s));
  };
  const test = () => run(s.testing, () => sendRequest({ type: 'connection.test', crm }));
  return { verdict, setVerdict, busy, run, test };
}

/** Under a connection card: progress, the verdict (with a permission button when one is missing), sign-out. */
function ConnectionOutcome(props: {
  crm: Crm;
  crmName: string;
  connected: boolean;
  queued: number;
  state: ReturnType<typeof useConnection>;
}) {
  const { busy, verdict, test } = props.state;
  return (
    <>
      {busy ? <p role="status">{busy}</p> : null}
      {verdict && !busy ? (
        <VerdictBox verdict={verdict}>{verdict.origin ? <PermissionButton origin={verdict.origin} onGranted={() => void test()} /> : null}</VerdictBox>
      ) : null}
      {props.connected ? <SignOut crm={props.crm} crmName={props.crmName} queued={props.queued} /> : null}
    </>
  );
}

/** The scopes a HubSpot Service Key needs (docs/deploy.md says what each is for). */
export const HUBSPOT_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.deals.read',
  'tickets',
  'crm.objects.feedback_submissions.read',
  'crm.objects.owners.read',
] as const;
/** Only to create the loop fields from the options page (integrations/hubspot/loop-fields.ts). */
const SCHEMA_WRITE_SCOPE = 'crm.schemas.tickets.write';
export const HUBSPOT_CUSTOM_OBJECT_SCOPES = ['crm.schemas.custom.read', 'crm.objects.custom.read'] as const;

/** What is wrong with a pasted HubSpot key before it is sent anywhere, or null when it looks like one. */
export function hubspotKeyProblem(key: string): 'spaces' | 'characters' | 'short' | 'long' | null {
  if (/\s/.test(key)) return 'spaces';
  if (!/^[\x21-\x7e]*$/.test(key)) return 'characters';
  if (key.length < 10) return 'short';
  if (key.length > 512) return 'long';
  return null;
}

export function HubSpotConnection(props: { info: StoredConnections['hubspot']; queued: number; dateTime: (ms: number) => string }) {
  const s = useStrings();
  const [token, setToken] = useState('');
  /** A key of another portal, held only while the admin decides whether it replaces the connected one. */
  const pending = useRef<string | null>(null);
  const [otherPortal, setOtherPortal] = useState<string | null>(null);
  const connection = useConnection('hubspot');
  const { busy, test, setVerdict } = connection;

  const send = async (key: string, replacePortal?: string) => {
    let asked: string | null = null;
    await connection.run(s.connecting, async () => {
      const reply = await sendRequest({ type: 'hubspot.connect', token: key, ...(replacePortal ? { replacePortal } : {}) });
      if (!reply.ok && reply.error.kind === 'other-portal' && reply.error.instance) asked = reply.error.instance;
      return reply;
    });
    if (asked) {
      pending.current = key;
      setOtherPortal(asked);
      setVerdict(null);
    }
  };

  const connect = async () => {
    const sent = token.trim();
    // The key goes to the background once; this page does not keep it, whatever the answer.
    setToken('');
    const problem = hubspotKeyProblem(sent);
    if (problem) {
      setVerdict({ tone: 'error', title: s.notAKey, detail: s.notAKeyDetail[problem], advice: s.notAKeyAdvice, origin: null });
      return;
    }
    await send(sent);
  };

  const decide = (replace: boolean) => {
    const key = pending.current;
    const portal = otherPortal;
    pending.current = null;
    setOtherPortal(null);
    if (replace && key && portal) void send(key, portal);
  };

  return (
    <section className="card" aria-labelledby="hubspot-heading">
      <h3 id="hubspot-heading">{s.hubspot}</h3>
      <ConnectionDetails crm="hubspot" info={props.info} dateTime={props.dateTime} />
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) void connect();
        }}
      >
        <TextField label={s.hubspotToken} help={s.hubspotTokenHelp} type="password" value={token} onChange={setToken} autoComplete="off" />
        <button type="submit" disabled={!token.trim() || busy !== null || otherPortal !== null}>
          {s.connect}
        </button>
      </form>
      <details className="help scopes">
        <summary>{s.serviceKeyHow}</summary>
        <p>{s.serviceKeySteps}</p>
        <ul>
          {HUBSPOT_SCOPES.map((scope) => (
            <li key={scope}>
              <code>{scope}</code>
            </li>
          ))}
        </ul>
        <p>
          {s.serviceKeyCustomObjects} {HUBSPOT_CUSTOM_OBJECT_SCOPES.map((scope, i) => (
            <span key={scope}>
              {i > 0 ? ', ' : ''}
              <code>{scope}</code>
            </span>
          ))}
        </p>
        <p>
          {s.serviceKeySchemaWrite} <code>{SCHEMA_WRITE_SCOPE}</code>
        </p>
      </details>
      {otherPortal ? (
        <div className="confirm" role="group" aria-label={s.otherPortalTitle(otherPortal)}>
          <p>
            <strong>{s.otherPortalTitle(otherPortal)}</strong>
          </p>
          <p>{s.otherPortalDetail(props.info?.instance ?? '', otherPortal, props.queued)}</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => decide(true)}>
              {s.otherPortalReplace(otherPortal)}
            </button>
            <button type="button" autoFocus onClick={() => decide(false)}>
              {s.otherPortalKeep(props.info?.instance ?? '')}
            </button>
          </div>
        </div>
      ) : null}
      <div className="actions">
        {props.info ? (
          <button type="button" onClick={() => void test()} disabled={busy !== null}>
            {s.testConnection}
          </button>
        ) : null}
      </div>
      <ConnectionOutcome crm="hubspot" crmName={s.hubspot} connected={Boolean(props.info)} queued={props.queued} state={connection} />
    </section>
  );
}

export function SalesforceConnection(props: {
  info: StoredConnections['salesforce'];
  queued: number;
  draft: Settings;
  edit: Edit;
  /** Saves the login host and consumer key, which the background reads when it runs the sign-in. */
  saveLogin: () => Promise<{ ok: true } | { ok: false; reason: string }>;
  dateTime: (ms: number) => string;
  /** Where Salesforce sends the browser back after sign-in: the connected app must list it. */
  callbackUrl: string;
}) {
  const s = useStrings();
  const connection = useConnection('salesforce');
  const { setVerdict, busy, test } = connection;
  const host = props.draft.salesforce.loginHost.trim();
  const signInReady = Boolean(host && props.draft.salesforce.consumerKey);
  const signInNeedsId = useId();

  const signIn = () => {
    // Only Salesforce's own login hosts (all within the manifest's host permissions) may see the code and verifier;
    // any other is refused here, before the settings are saved or a window opens.
    if (!isSalesforceLoginHost(host)) {
      setVerdict(errorVerdict({ kind: 'invalid', message: `${salesforceLoginHostProblem(host)}.` }, s));
      return;
    }
    void (async () => {
      const saved = await props.saveLogin();
      if (!saved.ok) {
        setVerdict(errorVerdict({ kind: 'invalid', message: saved.reason }, s));
        return;
      }
      await connection.run(s.signingIn, () => sendRequest({ type: 'salesforce.connect' }));
    })();
  };

  return (
    <section className="card" aria-labelledby="salesforce-heading">
      <h3 id="salesforce-heading">{s.salesforce}</h3>
      <ConnectionDetails crm="salesforce" info={props.info} dateTime={props.dateTime} />
      <TextField
        label={s.loginHost}
        help={s.loginHostHelp}
        path="salesforce.loginHost"
        value={props.draft.salesforce.loginHost}
        onChange={(value) => props.edit((draft) => void (draft.salesforce.loginHost = value.trim().toLowerCase()))}
      />
      <TextField
        label={s.consumerKey}
        help={s.consumerKeyHelp}
        path="salesforce.consumerKey"
        value={props.draft.salesforce.consumerKey}
        onChange={(value) => props.edit((draft) => void (draft.salesforce.consumerKey = value.trim()))}
      />
      <p className="help">
        {/* Breaks only after a slash, so a person copying it by eye never meets a host name split in two. */}
        {s.callbackUrl}{' '}
        <code>
          {props.callbackUrl.split('/').map((part, i, parts) => (
            <Fragment key={i}>
              {part}
              {i < parts.length - 1 && (
                <>
                  /<wbr />
                </>
              )}
            </Fragment>
          ))}
        </code>
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={signIn}
          disabled={busy !== null || !signInReady}
          aria-describedby={signInReady ? undefined : signInNeedsId}
        >
          {s.signInSalesforce}
        </button>
        {props.info ? (
          <button type="button" onClick={() => void test()} disabled={busy !== null}>
            {s.testConnection}
          </button>
        ) : null}
      </div>
      {!signInReady && (
        <p className="help" id={signInNeedsId}>
          {s.signInNeeds}
        </p>
      )}
      <ConnectionOutcome crm="salesforce" crmName={s.salesforce} connected={Boolean(props.info)} queued={props.queued} state={connection} />
    </section>
  );
}

export function ConnectionsSection(props: {
  draft: Settings;
  edit: Edit;
  queued: QueuedCounts;
  saveLogin: () => Promise<{ ok: true } | { ok: false; reason: string }>;
  dateTime: (ms: number) => string;
  salesforceCallbackUrl: string;
}) {
  const s = useStrings();
  const connections = useConnections();
  return (
    <section id="connections" className="section" aria-labelledby="connections-heading">
      <h2 id="connections-heading">{s.connections}</h2>
      <div className="cards">
        <HubSpotConnection info={connections.hubspot} queued={props.queued.hubspot} dateTime={props.dateTime} />
        <SalesforceConnection
          info={connections.salesforce}
          queued={props.queued.salesforce}
          draft={props.draft}
          edit={props.edit}
          saveLogin={props.saveLogin}
          dateTime={props.dateTime}
          callbackUrl={props.salesforceCallbackUrl}
        />
      </div>
    </section>
  );
}
