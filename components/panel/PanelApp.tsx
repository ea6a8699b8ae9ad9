import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { LoyaltyLensDb } from '../../core/db';
import { createI18n, loadCatalog, resolveLocale, type Locale } from '../../core/i18n';
import type { Catalog } from '../../core/locales/en';
import { panelPushSchema } from '../../core/messaging';
import { refKey, type RecordRef } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { loadPanelData, type FollowUpRow, type PanelData } from './data';
import type { PanelHost } from './host';
import { I18nProvider } from './i18n-context';
import { RecordPanel } from './RecordPanel';
import { panelState, type PanelError } from './state';
import { PanelHeader } from './PanelHeader';
import { StateMessage } from './StateMessage';
import { Skeleton } from '../ui/Skeleton';

export const CALL_MODE_KEY = 'loyalty-lens.call-mode';
/** Contacts listed before "Show more" on an account. */
export const CONTACT_PAGE = 25;
const RECONNECT_MS = 500;
/** How long to wait for the background to say which record the tab shows before saying it did not answer. */
export const PUSH_TIMEOUT_MS = 8_000;
const TICK_MS = 60_000;

interface ShownRecord {
  ref: RecordRef | null;
  pageUrl: string | null;
}

/** Alt+Shift+K inside the panel, the same keys as the browser-wide command. */
function isCallModeShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyK';
}

export interface PanelAppProps {
  host: PanelHost;
  db: LoyaltyLensDb;
  /** What each open follow-up offers to do (the close-the-loop form plugs in here). */
  renderFollowUpAction?: (row: FollowUpRow, ref: RecordRef) => ReactNode;
}

export function PanelApp(props: PanelAppProps) {
  const { host, db } = props;
  const [settings, setSettings] = useState<Settings | null>(null);
  const [record, setRecord] = useState<ShownRecord | null>(null);
  // The user's own choice, remembered; until they make one, the team's default from settings applies.
  const [callModeChoice, setCallModeChoice] = useState<boolean | null>(() => {
    const stored = host.storage.getItem(CALL_MODE_KEY);
    return stored === 'on' ? true : stored === 'off' ? false : null;
  });
  const callModeDefault = useRef(false);
  const [requestError, setRequestError] = useState<{ key: string; error: PanelError } | null>(null);
  const [now, setNow] = useState(() => host.now());
  const [contactLimit, setContactLimit] = useState<{ key: string; limit: number } | null>(null);
  const [retries, setRetries] = useState(0);
  const [unanswered, setUnanswered] = useState(false);
  const [catalog, setCatalog] = useState<{ locale: Locale; catalog: Catalog } | null>(null);
  const locale = resolveLocale(settings?.ui.language ?? 'auto', host.browserLanguages);

  useEffect(() => {
    let alive = true;
    void loadCatalog(locale).then((loaded) => {
      if (alive) setCatalog({ locale, catalog: loaded });
    });
    return () => {
      alive = false;
    };
  }, [locale]);

  const callMode = callModeChoice ?? settings?.ui.callModeDefault ?? false;
  const toggleCallMode = useCallback(() => setCallModeChoice((choice) => !(choice ?? callModeDefault.current)), []);

  useEffect(() => {
    callModeDefault.current = settings?.ui.callModeDefault ?? false;
  }, [settings]);

  useEffect(() => {
    if (callModeChoice !== null) host.storage.setItem(CALL_MODE_KEY, callModeChoice ? 'on' : 'off');
  }, [host, callModeChoice]);

  useEffect(() => {
    let alive = true;
    const load = () =>
      void host.loadSettings().then((s) => {
        if (alive) setSettings(s);
      });
    load();
    const stop = host.onSettingsChanged(load);
    return () => {
      alive = false;
      stop();
    };
  }, [host]);

  // The background tells the panel which record its tab shows; a restarted service worker drops
  // the port, so reconnect and let it push the current record again.
  useEffect(() => {
    let closed = false;
    let port: ReturnType<PanelHost['connect']> | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      try {
        port = host.connect();
      } catch {
        // The extension was reloaded or updated under this page: nothing will answer any more.
        setUnanswered(true);
        return;
      }
      port.onMessage.addListener((message) => {
        const push = panelPushSchema.safeParse(message);
        if (!push.success) return;
        if (push.data.type === 'call-mode.toggle') toggleCallMode();
        else {
          const { ref, pageUrl } = push.data;
          // Keep the same ref object for the same record, so an SPA push does not refetch it.
          setRecord((prev) => ({ ref: prev?.ref && ref && refKey(prev.ref) === refKey(ref) ? prev.ref : ref, pageUrl }));
        }
      });
      port.onDisconnect.addListener(() => {
        if (!closed) timer = setTimeout(open, RECONNECT_MS);
      });
    };
    open();
    return () => {
      closed = true;
      clearTimeout(timer);
      port?.disconnect();
    };
  }, [host, toggleCallMode]);

  useEffect(() => {
    if (record) return;
    const timer = setTimeout(() => setUnanswered(true), PUSH_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [record]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isCallModeShortcut(event)) return;
      event.preventDefault();
      toggleCallMode();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggleCallMode]);

  useEffect(() => {
    const timer = setInterval(() => setNow(host.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [host]);

  const ref = record?.ref ?? null;
  const key = ref ? refKey(ref) : null;

  // Ask the background for fresh data whenever the record changes (or on retry); the answer lands
  // in the cache, which the live query below follows.
  useEffect(() => {
    if (!ref) return;
    let alive = true;
    const asked = refKey(ref);
    void host.refresh(ref).then((reply) => {
      if (alive) setRequestError(reply.ok ? null : { key: asked, error: reply.error });
    });
    return () => {
      alive = false;
    };
  }, [host, ref, retries]);

  const limit = contactLimit && contactLimit.key === key ? contactLimit.limit : CONTACT_PAGE;
  const result = useLiveQuery(
    () => (ref && settings ? loadPanelData(db, ref, settings, now, limit) : undefined),
    [db, ref, settings, now, limit],
  );
  // useLiveQuery keeps the previous record's result until the new one arrives: never show it for another record.
  const current = result && result.status === 'found' && result.data.view.key !== key ? undefined : result;

  const i18n = useMemo(() => (catalog ? createI18n(catalog.locale, catalog.catalog) : createI18n('en')), [catalog]);
  const state = panelState({
    settingsLoaded: settings !== null && catalog?.locale === locale,
    record,
    unanswered,
    result: current,
    requestError: requestError && requestError.key === key ? requestError.error : null,
  });
  const data: PanelData | null = current?.status === 'found' && current.data.view.fetchedAt !== null ? current.data : null;

  useEffect(() => {
    document.documentElement.lang = i18n.locale;
  }, [i18n]);

  const renderAction = props.renderFollowUpAction;
  const retry = () => {
    // Without a record the port itself is what failed: a fresh page reconnects it.
    if (!ref) return window.location.reload();
    setRequestError(null);
    setRetries((n) => n + 1);
  };
  const showMore = () => key && setContactLimit({ key, limit: limit + CONTACT_PAGE * 2 });

  return (
    <I18nProvider value={i18n}>
      <div
        className={`panel${callMode ? ' call-mode' : ''}`}
        data-ll-state={state.name}
        data-ll-record={key ?? ''}
        lang={i18n.locale}
      >
        <PanelHeader callMode={callMode} onToggleCallMode={toggleCallMode} view={data?.view ?? null} refreshing={current?.status === 'found' && current.data.view.refreshing} now={now} />
        <main className="panel-main" aria-busy={state.name === 'loading'}>
          {state.name === 'loading' && <Skeleton label={i18n.t('state.loading')} />}
          {state.name === 'no-record' && <StateMessage kind="no-record" />}
          {state.error && (
            <StateMessage
              kind={state.name}
              error={state.error}
              crm={ref?.crm ?? null}
              pageUrl={record?.pageUrl ?? null}
              cachedAt={data?.view.fetchedAt ?? null}
              now={now}
              optionsUrl={host.optionsUrl}
              onRetry={retry}
              requestPermission={(origin) => host.requestPermission(origin).then((granted) => {
                if (granted) retry();
                return granted;
              })}
            />
          )}
          {data && settings && state.name !== 'loading' && (
            <RecordPanel
              data={data}
              settings={settings}
              now={now}
              callMode={callMode}
              onShowMoreContacts={showMore}
              renderFollowUpAction={renderAction && ref ? (row) => renderAction(row, ref) : undefined}
            />
          )}
        </main>
      </div>
    </I18nProvider>
  );
}
