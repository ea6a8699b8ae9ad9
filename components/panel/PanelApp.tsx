import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { builtInCatalog, createI18n, loadCatalog, resolveLocale, type Locale } from '../../core/i18n';
import type { Catalog } from '../../core/locales/en';
import type { PanelPush } from '../../core/messaging';
import { refKey } from '../../core/keys';
import type { RecordRef } from '../../core/schema';
import type { Settings } from '../../core/settings';
import type { PanelData, PanelQueryResult } from '../../core/panel-data';
import { NO_CONTACT_FILTER, type ContactFilter } from '../../core/contact-list';
import { CONTACT_PAGE } from '../../core/page-sizes';
import type { PanelHost } from './host';
import { I18nProvider } from './i18n-context';
import { RecordPanel } from './RecordPanel';
import type { ListAccountContacts } from './crm-contact-list';
import { panelState, type PanelError } from './state';
import { PanelHeader } from './PanelHeader';
import { StateMessage } from './StateMessage';
import { Skeleton } from '../ui/Skeleton';
import { watchPanelSight } from '../ui/visible-click';
import { SlimTab } from './SlimTab';
import { FoldProvider, type Folds } from '../ui/Section';
import type { WorklistHost } from '../worklist/host';
import { loadedWorklistView, loadWorklistView, type WorklistViewComponent } from './worklist-view';
import { loadCallCard } from './call-card-view';

const RECONNECT_MS = 500;
/** How long to wait for the background to say which record the tab shows before saying it did not answer. */
export const PUSH_TIMEOUT_MS = 8_000;
const TICK_MS = 60_000;
/** The in-page host folds the frame to a slim tab this narrow (content/panel-host.ts); the panel draws the tab. */
const SLIM_QUERY = '(max-width: 80px)';

/** Whether the frame is folded to the slim tab, followed as the host resizes it. */
function useSlim(): boolean {
  const [slim, setSlim] = useState(() => typeof matchMedia === 'function' && matchMedia(SLIM_QUERY).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia(SLIM_QUERY);
    const follow = () => setSlim(query.matches);
    // The host may have resized the frame before this effect ran; resize events are the frame's own, change may lag.
    follow();
    query.addEventListener('change', follow);
    window.addEventListener('resize', follow);
    return () => {
      query.removeEventListener('change', follow);
      window.removeEventListener('resize', follow);
    };
  }, []);
  return slim;
}

interface ShownRecord {
  ref: RecordRef | null;
  pageUrl: string | null;
}

/** Alt+Shift+K inside the panel, the same keys as the browser-wide command. */
function isCallModeShortcut(event: KeyboardEvent): boolean {
  return event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyK';
}

/** The state the pushes heard before the panel's code ran leave it in (see PanelHost.heardAtStart). */
function heardState(heard: readonly unknown[]) {
  let settings: Settings | null = null;
  let record: ShownRecord | null = null;
  let pushed: { key: string; result: PanelQueryResult } | null = null;
  let callModeToggles = 0;
  for (const message of heard) {
    const push = message as PanelPush;
    if (push.type === 'call-mode.toggle') callModeToggles += 1;
    else if (push.type === 'settings') settings = push.settings;
    else if (push.type === 'data') pushed = { key: push.key, result: push.result };
    else if (push.type === 'record') {
      record = { ref: push.ref, pageUrl: push.pageUrl };
      if (push.ref && push.result) pushed = { key: refKey(push.ref), result: push.result };
    }
  }
  const callModeChoice = callModeToggles % 2 === 1 ? !(settings?.ui.callModeDefault ?? false) : null;
  return { settings, record, pushed, callModeChoice };
}

export interface PanelAppProps {
  host: PanelHost;
  /** The worklist ("My open loops") beside the record view; absent in tests of the record view alone. */
  worklistHost?: WorklistHost;
}

export function PanelApp(props: PanelAppProps) {
  const { host, worklistHost } = props;
  // "My open loops" in place of the record view, on request (the header's button).
  const [view, setView] = useState<'record' | 'worklist'>('record');
  const [heard] = useState(() => heardState(host.heardAtStart ?? []));
  const [settings, setSettings] = useState<Settings | null>(heard.settings);
  const [record, setRecord] = useState<ShownRecord | null>(heard.record);
  // The user's own choice, remembered; until they make one, the team's default from settings applies.
  const [callModeChoice, setCallModeChoice] = useState<boolean | null>(heard.callModeChoice);
  const callModeChosen = useRef(false);
  const port = useRef<ReturnType<PanelHost['connect']> | null>(null);
  const [connection, setConnection] = useState(0);
  const [pushed, setPushed] = useState<{ key: string; result: PanelQueryResult } | null>(heard.pushed);
  const callModeDefault = useRef(false);
  const [requestError, setRequestError] = useState<{ key: string; error: PanelError } | null>(null);
  const [now, setNow] = useState(() => host.now());
  const [contactLimit, setContactLimit] = useState<{ key: string; limit: number } | null>(null);
  const [contactFilter, setContactFilter] = useState<{ key: string; filter: ContactFilter } | null>(null);
  const [retries, setRetries] = useState(0);
  const [unanswered, setUnanswered] = useState(false);
  const locale = resolveLocale(settings?.ui.language ?? 'auto', host.browserLanguages);
  // The built-in language is there at the first render; another one loads.
  const [catalog, setCatalog] = useState<{ locale: Locale; catalog: Catalog } | null>(() => {
    const builtIn = builtInCatalog(locale);
    return builtIn && { locale, catalog: builtIn };
  });
  const slim = useSlim() && host.openInPage !== undefined;
  // Outside a CRM page main.tsx renders once the list's code is here, so the first render can draw the list.
  const [WorklistView, setWorklistView] = useState<WorklistViewComponent | null>(loadedWorklistView);

  const [folded, setFolded] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    let alive = true;
    void host.readFolded().then((keys) => {
      if (alive) setFolded(new Set(keys));
    });
    return () => {
      alive = false;
    };
  }, [host]);
  const folds = useMemo<Folds>(
    () => ({
      folded,
      toggle: (key) => {
        const next = new Set(folded);
        if (!next.delete(key)) next.add(key);
        setFolded(next);
        host.writeFolded([...next]);
      },
    }),
    [folded, host],
  );

  // Buttons that change the CRM trust a click at once only while a page-hosted panel is in view (see visible-click).
  useEffect(() => watchPanelSight(document, host.pageHosted), [host]);

  useEffect(() => {
    let alive = true;
    void loadCatalog(locale).then((loaded) => {
      if (alive) setCatalog((shown) => (shown?.locale === locale && shown.catalog === loaded ? shown : { locale, catalog: loaded }));
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
    if (callMode) void loadCallCard();
  }, [callMode]);

  useEffect(() => {
    let alive = true;
    void host.readCallMode().then((stored) => {
      if (alive && !callModeChosen.current) setCallModeChoice(stored);
    });
    return () => {
      alive = false;
    };
  }, [host]);

  useEffect(() => {
    if (callModeChoice === null) return;
    callModeChosen.current = true;
    host.writeCallMode(callModeChoice);
  }, [host, callModeChoice]);

  // The background tells the panel which record its tab shows; a restarted service worker drops
  // the port, so reconnect and let it push the current record again.
  useEffect(() => {
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      let opened: ReturnType<PanelHost['connect']>;
      try {
        opened = host.connect();
      } catch {
        // The extension was reloaded or updated under this page: nothing will answer any more.
        setUnanswered(true);
        return;
      }
      port.current = opened;
      setConnection((n) => n + 1);
      // Only the background posts on this port, so pushes are trusted as typed.
      opened.onMessage.addListener((message) => {
        const push = message as PanelPush;
        if (push.type === 'call-mode.toggle') toggleCallMode();
        else if (push.type === 'settings') setSettings(push.settings);
        else if (push.type === 'data') setPushed({ key: push.key, result: push.result });
        else if (push.type === 'record') {
          const { ref, pageUrl, result } = push;
          // Keep the same ref object for the same record, so an SPA push does not re-ask for it.
          setRecord((prev) => ({ ref: prev?.ref && ref && refKey(prev.ref) === refKey(ref) ? prev.ref : ref, pageUrl }));
          if (ref && result) setPushed({ key: refKey(ref), result });
        }
      });
      opened.onDisconnect.addListener(() => {
        if (port.current === opened) port.current = null;
        if (!closed) timer = setTimeout(open, RECONNECT_MS);
      });
    };
    open();
    return () => {
      closed = true;
      clearTimeout(timer);
      port.current?.disconnect();
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

  // The background refreshes a record as soon as it tells the panel about it; the panel asks again
  // only when the person presses retry. The answer lands in the cache, which the watch below follows.
  useEffect(() => {
    if (!ref || retries === 0) return;
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
  const filter = contactFilter && contactFilter.key === key ? contactFilter.filter : NO_CONTACT_FILTER;
  // The background runs the live query (see core/panel-data.ts#watchPanelData) and pushes each result.
  useEffect(() => {
    if (ref && settings) port.current?.postMessage({ type: 'watch', ref, contactLimit: limit, contactFilter: filter });
  }, [ref, settings, limit, filter, connection]);
  // A result for the previous record may still arrive after navigation: never show it for another record.
  const current = pushed && pushed.key === key ? pushed.result : undefined;

  const i18n = useMemo(() => (catalog ? createI18n(catalog.locale, catalog.catalog) : createI18n('en')), [catalog]);
  const state = panelState({
    settingsLoaded: settings !== null && catalog?.locale === locale,
    record,
    unanswered,
    result: current,
    requestError: requestError && requestError.key === key ? requestError.error : null,
  });
  const data: PanelData | null = current?.status === 'found' && current.data.view.fetchedAt !== null ? current.data : null;

  const worklistWanted = worklistHost !== undefined && !slim && (view === 'worklist' || state.name === 'no-record');
  useEffect(() => {
    if (!worklistWanted) return;
    let alive = true;
    void loadWorklistView().then((loaded) => {
      if (alive) setWorklistView(() => loaded);
    });
    return () => {
      alive = false;
    };
  }, [worklistWanted]);

  useEffect(() => {
    document.documentElement.lang = i18n.locale;
  }, [i18n]);

  const outcomeActions = useMemo(
    () => ({
      log: host.logOutcome,
      retry: host.retryOutcome,
      withdraw: host.withdrawOutcome,
      openFollowUp: host.openFollowUp,
      loadLoopHistory: host.loadLoopHistory,
    }),
    [host],
  );
  const retry = () => {
    // Without a record the port itself is what failed: a fresh page reconnects it.
    if (!ref) return window.location.reload();
    setRequestError(null);
    setRetries((n) => n + 1);
  };
  const showMore = () => key && setContactLimit({ key, limit: limit + CONTACT_PAGE * 2 });
  const filterContacts = useCallback(
    (next: ContactFilter) => {
      if (!key) return;
      setContactFilter({ key, filter: next });
      setContactLimit({ key, limit: CONTACT_PAGE });
    },
    [key],
  );
  const listContacts = useCallback<ListAccountContacts>((query, cursor) => host.listAccountContacts(ref!, query, cursor), [host, ref]);
  const [sidePanelFailed, setSidePanelFailed] = useState(false);
  const openSidePanel = host.openSidePanel
    ? () => {
        setSidePanelFailed(false);
        host.openSidePanel!().catch(() => setSidePanelFailed(true));
      }
    : undefined;

  if (slim) {
    return (
      <I18nProvider value={i18n}>
        <div className="panel slim" data-ll-state={state.name} data-ll-record={key ?? ''} lang={i18n.locale}>
          <SlimTab data={data} onOpen={host.openInPage!} />
        </div>
      </I18nProvider>
    );
  }

  if (worklistHost && settings && view === 'worklist' && WorklistView) {
    return (
      <I18nProvider value={i18n}>
        <div className="panel" data-ll-state="worklist" lang={i18n.locale}>
          <WorklistView host={worklistHost} settings={settings} now={now} onBack={ref ? () => setView('record') : undefined} />
        </div>
      </I18nProvider>
    );
  }

  return (
    <I18nProvider value={i18n}>
      <FoldProvider value={folds}>
      <div
        className={`panel${callMode ? ' call-mode' : ''}`}
        data-ll-state={state.name}
        data-ll-record={key ?? ''}
        lang={i18n.locale}
      >
        <PanelHeader callMode={callMode} onToggleCallMode={toggleCallMode} onOpenSidePanel={openSidePanel} onOpenWorklist={worklistHost ? () => setView('worklist') : undefined} view={data?.view ?? null} refreshing={current?.status === 'found' && current.data.view.refreshing} now={now} />
        {sidePanelFailed && <p className="form-problem side-panel-problem" role="alert">{i18n.t('sidePanel.failed')}</p>}
        <main className="panel-main" aria-busy={state.name === 'loading'}>
          {state.name === 'loading' && <Skeleton label={i18n.t('state.loading')} />}
          {state.name === 'no-record' && <StateMessage kind="no-record" />}
          {/* Beside a page that is not a record (the toolbar's side panel anywhere), the list is there at once. */}
          {state.name === 'no-record' && worklistHost && settings && WorklistView && <WorklistView host={worklistHost} settings={settings} now={now} />}
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
          {data && settings && ref && state.name !== 'loading' && (
            <RecordPanel
              data={data}
              recordRef={ref}
              outcomeActions={outcomeActions}
              settings={settings}
              now={now}
              callMode={callMode}
              onShowMoreContacts={showMore}
              contactFilter={filter}
              onFilterContacts={filterContacts}
              listContacts={listContacts}
            />
          )}
        </main>
      </div>
      </FoldProvider>
    </I18nProvider>
  );
}
