import { startTransition, useCallback, useEffect, useId, useMemo, useState } from 'react';
import './worklist.css';
import type { Crm } from '../../core/schema';
import type { Settings } from '../../core/settings';
import { overdueCount, rankLoops, worklistState, type WorklistSnapshot } from '../../core/worklist';
import { useI18n } from '../panel/i18n-context';
import { ChooseMe } from './ChooseMe';
import type { WorklistHost } from './host';
import { LoopNumbers } from './LoopNumbers';
import { LoopRow } from './LoopRow';
import { TeamView } from './TeamView';

const INTERVALS = [5, 10, 15, 30, 60];
/**
 * Loops drawn in the list's first paint: more than a screenful. Drawing all of a 100-loop list takes as long as loading
 * it; the rest follow in the next task, as an interruptible update.
 */
const FIRST_LOOPS = 12;

/**
 * "My open loops" across both CRMs: painted from the saved list at once, then refreshed; most urgent first. Every state
 * is said in words: not connected, who-am-I not chosen, nothing waiting, offline or limited with the saved list's age,
 * one CRM failing while the other lists its loops.
 */
export function WorklistView(props: { host: WorklistHost; settings: Settings; now: number; onBack?: () => void }) {
  const { host, settings } = props;
  const i18n = useI18n();
  const id = useId();
  // Drawn at once from the saved list when the page already holds it; get() below answers with the same list.
  const [saved] = useState(() => host.savedSoFar?.() ?? null);
  const [snapshot, setSnapshot] = useState<WorklistSnapshot | null>(saved?.ok ? saved.value : null);
  const [refreshing, setRefreshing] = useState(false);
  const [problem, setProblem] = useState<string | null>(saved && !saved.ok ? saved.error.message : null);
  const [message, setMessage] = useState<string | null>(null);
  const [mode, setMode] = useState<'mine' | 'team' | 'choose-me'>('mine');

  const take = useCallback((reply: Awaited<ReturnType<WorklistHost['get']>>) => {
    if (reply.ok) {
      setSnapshot(reply.value);
      setProblem(null);
    } else setProblem(reply.error.message);
  }, []);
  // Bumped by the Refresh button: the loop's numbers are counted again then (not by the alarm, not after each write).
  const [asked, setAsked] = useState(0);
  const refresh = useCallback(async () => {
    setRefreshing(true);
    take(await host.refresh());
    setRefreshing(false);
  }, [host, take]);

  useEffect(() => {
    let alive = true;
    void host.get().then((reply) => {
      if (!alive) return;
      take(reply);
      void refresh();
    });
    return () => {
      alive = false;
    };
  }, [host, take, refresh]);

  // While an outcome logged from the list is held or on its way, the saved list is read again (no CRM request) each
  // second, so its row shows where the outcome is and leaves once the outcome has left its hold.
  const following = snapshot?.outcomes.some((o) => o.state !== 'done' && o.state !== 'dead') ?? false;
  useEffect(() => {
    if (!following) return;
    const timer = setInterval(() => void host.get().then(take), 1_000);
    return () => clearInterval(timer);
  }, [following, host, take]);

  const changed = useCallback(
    (text: string | null) => {
      setMessage(text);
      void host.get().then(take);
    },
    [host, take],
  );

  const state = snapshot ? worklistState(snapshot.parts) : null;
  const loops = useMemo(
    () => (snapshot ? rankLoops(snapshot.parts.flatMap((p) => (p.read ? p.read.rows : [])), settings.rules, props.now) : []),
    [snapshot, settings.rules, props.now],
  );
  const [allLoops, setAllLoops] = useState(false);
  const more = !allLoops && loops.length > FIRST_LOOPS;
  useEffect(() => {
    if (!more) return;
    const timer = setTimeout(() => startTransition(() => setAllLoops(true)), 0);
    return () => clearTimeout(timer);
  }, [more]);
  const shownLoops = more ? loops.slice(0, FIRST_LOOPS) : loops;
  const overdue = overdueCount(loops);
  const total = snapshot?.parts.reduce((n, p) => n + (p.read?.openTotal ?? 0), 0) ?? 0;
  const crmName = (crm: Crm) => i18n.t(crm === 'hubspot' ? 'crm.hubspot' : 'crm.salesforce');
  const connected = snapshot?.parts.filter((p) => p.connected).map((p) => p.crm) ?? [];
  const age = (at: number) => i18n.relative(at, props.now);

  return (
    <section className="worklist" aria-labelledby={`${id}-title`} data-ll-worklist={state?.name ?? 'loading'}>
      <header className="worklist-header">
        <div>
          <h2 id={`${id}-title`}>{i18n.t('worklist.title')}</h2>
          <p className="freshness" role="status" aria-live="polite">
            {refreshing ? i18n.t('worklist.refreshing') : state?.cachedAt ? i18n.t('worklist.updated', { age: age(state.cachedAt) }) : null}
          </p>
        </div>
        <div className="panel-actions">
          {props.onBack && (
            <button type="button" className="toggle" onClick={props.onBack}>
              {i18n.t('worklist.back')}
            </button>
          )}
          {connected.length > 0 && (
            <button type="button" className="toggle" aria-pressed={mode === 'team'} onClick={() => setMode(mode === 'team' ? 'mine' : 'team')}>
              {mode === 'team' ? i18n.t('worklist.mine') : i18n.t('worklist.team')}
            </button>
          )}
          <button
            type="button"
            className="toggle"
            disabled={refreshing}
            onClick={() => {
              setAsked((n) => n + 1);
              void refresh();
            }}
          >
            {i18n.t('worklist.refresh')}
          </button>
          <a className="toggle" href={new URL('insights.html', host.optionsUrl).href} target="_blank" rel="noreferrer" title={i18n.t('insights.openHint')}>
            {i18n.t('insights.fromWorklist')}
          </a>
        </div>
      </header>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      {message && (
        <p className="worklist-message" role="status">
          {message}
        </p>
      )}
      {mode === 'team' && <TeamView host={host} crms={connected} settings={settings} now={props.now} />}
      {mode === 'choose-me' && <ChooseMe host={host} onChosen={() => { setMode('mine'); void host.get().then(take); }} onCancel={() => setMode('mine')} />}
      {mode === 'mine' && snapshot && state && (
        <>
          {state.name === 'not-connected' && (
            <div className="state">
              <p>{i18n.t('worklist.notConnected')}</p>
              <a href={host.optionsUrl} target="_blank" rel="noreferrer">
                {i18n.t('worklist.openSettings')}
              </a>
            </div>
          )}
          {state.name === 'choose-me' && <ChooseMe host={host} onChosen={() => void host.get().then(take)} />}
          {state.name !== 'not-connected' && state.name !== 'choose-me' && (
            <>
              <ul className="me-list">
                {snapshot.parts
                  .filter((p) => p.connected)
                  .map((p) =>
                    p.me ? (
                      <li key={p.crm}>
                        {i18n.t('worklist.me', { name: p.me.name, crm: crmName(p.crm) })}
                        {p.me.fixed && p.crm === 'hubspot' && <span className="hint"> · {i18n.t('worklist.meFixed')}</span>}
                        {!p.me.fixed && (
                          <button type="button" className="link" onClick={() => setMode('choose-me')}>
                            {i18n.t('worklist.changeMe')}
                          </button>
                        )}
                      </li>
                    ) : p.crm === 'hubspot' ? (
                      <li key={p.crm}>
                        <button type="button" className="link" onClick={() => setMode('choose-me')}>
                          {i18n.t('worklist.chooseMe')}
                        </button>
                      </li>
                    ) : null,
                  )}
              </ul>
              <LoopNumbers host={host} asked={`${asked}|${snapshot.parts.map((p) => p.me?.ownerId ?? '').join('|')}`} />
              {state.notices.map((n) => (
                <p key={n.crm} className={`notice notice-${n.state}`} role="status">
                  {n.state === 'offline'
                    ? n.cachedAt
                      ? i18n.t('worklist.offline', { crm: crmName(n.crm), age: age(n.cachedAt) })
                      : i18n.t('worklist.offlineNoCache', { crm: crmName(n.crm) })
                    : n.state === 'rate-limited'
                      ? n.cachedAt
                        ? i18n.t('worklist.rateLimited', { crm: crmName(n.crm), age: age(n.cachedAt) })
                        : i18n.t('worklist.rateLimitedNoCache', { crm: crmName(n.crm) })
                      : n.state === 'daily-limit'
                        ? n.cachedAt
                          ? i18n.t('worklist.dailyLimit', { crm: crmName(n.crm), age: age(n.cachedAt) })
                          : i18n.t('worklist.dailyLimitNoCache', { crm: crmName(n.crm) })
                        : n.state === 'error'
                          ? i18n.t('worklist.failed', { crm: crmName(n.crm), reason: n.message ?? '' })
                          : null}
                </p>
              ))}
            </>
          )}
          {state.name === 'loading' && <p role="status">{i18n.t('worklist.loading')}</p>}
          {state.name === 'empty' && (
            <div className="state empty">
              <p className="state-title">{i18n.t('worklist.empty')}</p>
              <p className="hint">{i18n.t('worklist.emptyHint')}</p>
            </div>
          )}
          {state.name === 'ready' && (
            <>
              <p className="worklist-counts">
                {i18n.plural('worklist.count', total)}
                {overdue > 0 && <span className="overdue"> · {i18n.plural('worklist.overdue', overdue)}</span>}
              </p>
              {snapshot.parts
                .filter((p) => p.read && p.read.openTotal > p.read.rows.length)
                .map((p) => (
                  <p key={p.crm} className="hint">
                    {i18n.t('worklist.shownOf', { shown: p.read!.rows.length, total: p.read!.openTotal, crm: crmName(p.crm) })}
                  </p>
                ))}
              <ul className="loops">
                {shownLoops.map((loop) => (
                  <LoopRow
                    key={loop.row.key}
                    loop={loop}
                    host={host}
                    now={props.now}
                    rootCauses={settings.rules.rootCauses}
                    outcomes={snapshot.outcomes.filter((o) => o.crm === loop.row.crm && o.instance === loop.row.instance && o.followUpId === loop.row.id).sort((a, b) => b.loggedAt - a.loggedAt)}
                    onChanged={changed}
                  />
                ))}
              </ul>
            </>
          )}
          <label className="field interval">
            {i18n.t('worklist.interval')}{' '}
            <select
              value={snapshot.refreshMinutes}
              onChange={(e) => {
                const minutes = Number(e.target.value);
                void host.setInterval(minutes).then((reply) => reply.ok && setSnapshot({ ...snapshot, refreshMinutes: reply.value.minutes }));
              }}
            >
              {INTERVALS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>{' '}
            {i18n.t('worklist.minutes')}
          </label>
        </>
      )}
      {!snapshot && !problem && <p role="status">{i18n.t('worklist.loading')}</p>}
    </section>
  );
}
