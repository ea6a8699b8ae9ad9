import { cloneElement, useEffect, useId, useMemo, useState, type ReactElement } from 'react';
import { createI18n, loadCatalog, resolveLocale, type I18n, type Locale, type Words } from '../../core/i18n';
import type { MessageKey } from '../../core/locales/en';
import { enInsights } from '../../core/locales/en-insights';
import {
  insightsCsv,
  insightsView,
  lastMonths,
  LOW_N_MONTH,
  LOW_N_TOUCHPOINT,
  monthOf,
  type CsvLabels,
  type InsightsQuery,
  type InsightsScope,
  type InsightsSnapshot,
  type Month,
} from '../../core/insights';
import type { Crm } from '../../core/schema';
import type { Owner } from '../../core/worklist';
import { I18nProvider, useI18n } from '../panel/i18n-context';
import { channelLabel, errorLabel } from '../panel/labels';
import { BarsChart, causeBars, funnelBars, MonthsChart } from './Charts';
import type { InsightsHost } from './host';

// The Insights page: a scope and a period, counted by the CRMs in the background; every chart has its table beside it.

type PeriodChoice = '3' | '6' | '12' | 'year' | 'custom';
type ScopeChoice = 'everyone' | 'mine' | 'owner' | 'team';
const CRMS: Crm[] = ['hubspot', 'salesforce'];

function periodOf(choice: PeriodChoice, now: number, custom: { from: Month; to: Month }): { from: Month; to: Month } {
  if (choice === 'custom') return custom;
  if (choice === 'year') return { from: `${new Date(now).getUTCFullYear()}-01`, to: monthOf(now) };
  return lastMonths(Number(choice), now);
}

export function InsightsApp(props: { host: InsightsHost }) {
  const { host } = props;
  const [catalog, setCatalog] = useState<{ locale: Locale; catalog: Words } | null>(null);
  useEffect(() => {
    void host.language().then(async (setting) => {
      const locale = resolveLocale(setting, host.browserLanguages);
      // The page's own words over the panel's (core/locales/README.md).
      const [panel, insights] = await Promise.all([
        loadCatalog(locale),
        locale === 'ru' ? import('../../core/locales/ru-insights').then((loaded) => loaded.ruInsights) : enInsights,
      ]);
      setCatalog({ locale, catalog: { ...panel, ...insights } });
    });
  }, [host]);
  const i18n = useMemo(() => (catalog ? createI18n(catalog.locale, catalog.catalog) : null), [catalog]);
  useEffect(() => {
    if (i18n) {
      document.documentElement.lang = i18n.locale;
      document.title = i18n.t('insights.title');
    }
  }, [i18n]);
  if (!i18n) return <main className="insights" aria-busy="true" />;
  return (
    <I18nProvider value={i18n}>
      <InsightsPage host={host} />
    </I18nProvider>
  );
}

function InsightsPage(props: { host: InsightsHost }) {
  const { host } = props;
  const i18n = useI18n();
  const now = useMemo(() => host.now(), [host]);
  const [scopeChoice, setScopeChoice] = useState<ScopeChoice>('everyone');
  const [scopeCrm, setScopeCrm] = useState<Crm>('hubspot');
  const [ownersOf, setOwnersOf] = useState<{ crm: Crm; list: Owner[] } | null>(null);
  const [chosenOwners, setChosenOwners] = useState<string[]>([]);
  const [periodChoice, setPeriodChoice] = useState<PeriodChoice>('6');
  const [custom, setCustom] = useState(() => lastMonths(6, now));

  const period = periodOf(periodChoice, now, custom);
  const scope: InsightsScope | null =
    scopeChoice === 'everyone' ? { kind: 'everyone' } : scopeChoice === 'mine' ? { kind: 'mine' } : chosenOwners.length > 0 ? { kind: 'owners', crm: scopeCrm, ownerIds: chosenOwners } : null;
  const query: InsightsQuery | null = scope && period.from <= period.to ? { scope, period } : null;
  const queryKey = JSON.stringify(query);

  // A count again (button) asks the CRMs afresh; any other change of scope or period may show the kept count.
  const [refresh, setRefresh] = useState({ key: '', n: 0 });
  const fresh = refresh.key === queryKey && refresh.n > 0;
  const requestKey = `${queryKey}#${fresh ? refresh.n : 0}`;
  const [result, setResult] = useState<{ key: string; snapshot: InsightsSnapshot | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!query) return;
    let live = true;
    host.load(query, fresh).then(
      (next) => live && setResult({ key: requestKey, snapshot: next, error: null }),
      (error: unknown) => live && setResult({ key: requestKey, snapshot: null, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
    // The query is compared by its key: a new object with the same scope and period is the same view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [host, requestKey]);
  const countAgain = () => setRefresh((r) => ({ key: queryKey, n: r.key === queryKey ? r.n + 1 : 1 }));
  const loading = query !== null && result?.key !== requestKey;
  const snapshot = loading ? null : (result?.snapshot ?? null);
  const failure = loading ? null : (result?.error ?? null);

  const wantsOwners = scopeChoice === 'owner' || scopeChoice === 'team';
  useEffect(() => {
    if (!wantsOwners) return;
    let live = true;
    void host.owners(scopeCrm).then(
      (list) => live && setOwnersOf({ crm: scopeCrm, list }),
      () => live && setOwnersOf({ crm: scopeCrm, list: [] }),
    );
    return () => {
      live = false;
    };
  }, [host, wantsOwners, scopeCrm]);
  const owners = ownersOf?.crm === scopeCrm ? ownersOf.list : null;

  const counted = snapshot?.parts.flatMap((p) => (p.counts ? [p.counts] : [])) ?? [];
  // A CRM that took closed months (or what had not changed) from an earlier count says since when.
  const kept = counted.flatMap((c) => (c.keptSince !== undefined ? [c.keptSince] : []));
  const keptSince = kept.length > 0 ? Math.min(...kept) : null;
  const view = snapshot ? insightsView(snapshot.query.period, counted) : null;
  const crmName = (crm: Crm) => i18n.t(crm === 'hubspot' ? 'crm.hubspot' : 'crm.salesforce');
  const stepName = (step: string) => i18n.t(`insights.step.${step}` as MessageKey);

  const exportCsv = () => {
    if (!view || !snapshot) return;
    host.download(i18n.t('insights.csvName', { from: snapshot.query.period.from, to: snapshot.query.period.to }), insightsCsv(view, csvLabels(i18n)));
  };

  return (
    <main className="insights">
      <header className="insights-head">
        <h1>{i18n.t('insights.title')}</h1>
        <p className="muted">{i18n.t('insights.lead')}</p>
      </header>
      <form className="insights-controls" onSubmit={(e) => e.preventDefault()} aria-label={i18n.t('insights.title')}>
        <Field label={i18n.t('insights.scope')}>
          <select
            value={scopeChoice}
            onChange={(e) => {
              setScopeChoice(e.target.value as ScopeChoice);
              setChosenOwners([]);
            }}
          >
            {(['everyone', 'mine', 'owner', 'team'] as const).map((s) => (
              <option key={s} value={s}>
                {i18n.t(`insights.scope.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        {(scopeChoice === 'owner' || scopeChoice === 'team') && (
          <Field label={i18n.t('insights.crm')}>
            <select
              value={scopeCrm}
              onChange={(e) => {
                setScopeCrm(e.target.value as Crm);
                setChosenOwners([]);
              }}
            >
              {CRMS.map((crm) => (
                <option key={crm} value={crm}>
                  {crmName(crm)}
                </option>
              ))}
            </select>
          </Field>
        )}
        {scopeChoice === 'owner' && (
          <Field label={i18n.t('insights.owner')}>
            <select value={chosenOwners[0] ?? ''} onChange={(e) => setChosenOwners(e.target.value ? [e.target.value] : [])} disabled={!owners}>
              <option value="">—</option>
              {(owners ?? []).map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        {scopeChoice === 'team' && (
          <fieldset className="field team">
            <legend>{i18n.t('insights.team')}</legend>
            {(owners ?? []).map((o) => (
              <label key={o.id} className="check">
                <input
                  type="checkbox"
                  checked={chosenOwners.includes(o.id)}
                  onChange={(e) => setChosenOwners((now) => (e.target.checked ? [...now, o.id].slice(0, 25) : now.filter((id) => id !== o.id)))}
                />
                {o.name}
              </label>
            ))}
          </fieldset>
        )}
        <Field label={i18n.t('insights.period')}>
          <select value={periodChoice} onChange={(e) => setPeriodChoice(e.target.value as PeriodChoice)}>
            {(['3', '6', '12', 'year', 'custom'] as const).map((p) => (
              <option key={p} value={p}>
                {i18n.t(`insights.period.${p}`)}
              </option>
            ))}
          </select>
        </Field>
        {periodChoice === 'custom' && (
          <>
            <Field label={i18n.t('insights.from')}>
              <input type="month" value={custom.from} max={custom.to} onChange={(e) => /^\d{4}-\d{2}$/.test(e.target.value) && setCustom((c) => ({ ...c, from: e.target.value }))} />
            </Field>
            <Field label={i18n.t('insights.to')}>
              <input type="month" value={custom.to} min={custom.from} onChange={(e) => /^\d{4}-\d{2}$/.test(e.target.value) && setCustom((c) => ({ ...c, to: e.target.value }))} />
            </Field>
          </>
        )}
        <div className="actions">
          <button type="button" onClick={countAgain} disabled={!query || loading}>
            {i18n.t('insights.refresh')}
          </button>
          <button type="button" onClick={exportCsv} disabled={!view || loading}>
            {i18n.t('insights.export')}
          </button>
          <button type="button" onClick={() => host.print()} disabled={!view || loading}>
            {i18n.t('insights.print')}
          </button>
        </div>
      </form>

      <div aria-live="polite" className="insights-status">
        {loading && <p className="notice">{i18n.t('insights.loading')}</p>}
        {failure && <p className="notice notice-error">{failure}</p>}
        {!loading && snapshot && snapshot.fetchedAt !== null && (
          <p className="muted">
            {keptSince !== null
              ? i18n.t('insights.kept', { date: i18n.dateTime(keptSince), time: i18n.dateTime(snapshot.fetchedAt) })
              : i18n.t(snapshot.fromCache ? 'insights.fromCache' : 'insights.counted', { time: i18n.dateTime(snapshot.fetchedAt) })}
          </p>
        )}
      </div>

      {snapshot && !loading && <CrmNotices snapshot={snapshot} host={host} onRetry={countAgain} crmName={crmName} />}

      {view && !loading && counted.length > 0 && (
        <>
          <section className="insights-section" aria-labelledby="months-h">
            <h2 id="months-h">{i18n.t('insights.months')}</h2>
            <p className="muted">{i18n.t('insights.monthsHint', { n: LOW_N_MONTH })}</p>
            {view.total.n === 0 ? (
              <p>{i18n.t('insights.empty')}</p>
            ) : (
              <div className="figure">
                <MonthsChart months={view.months} />
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{i18n.t('insights.month')}</th>
                      <th scope="col">{i18n.t('insights.n')}</th>
                      <th scope="col">{i18n.t('insights.nps')}</th>
                      <th scope="col">{i18n.t('insights.margin')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...view.months, { ...view.total, month: i18n.t('insights.total') }].map((m) => (
                      <tr key={m.month} className={m.lowN ? 'low-n' : undefined}>
                        <th scope="row">{m.month}</th>
                        <td>{i18n.number(m.n)}</td>
                        <td>
                          {m.nps === null ? '—' : i18n.score(m.nps)}
                          {m.lowN && m.n > 0 ? <span className="muted"> ({i18n.t('insights.lowN')})</span> : null}
                        </td>
                        <td>{m.margin === null ? '—' : `± ${i18n.number(m.margin)}`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section className="insights-section" aria-labelledby="causes-h">
            <h2 id="causes-h">{i18n.t('insights.causes')}</h2>
            <p className="muted">{i18n.t('insights.causesHint')}</p>
            {view.causesByCount.length === 0 ? (
              <p>{i18n.t('insights.noCauses')}</p>
            ) : (
              <>
                <div className="figure">
                  <BarsChart rows={causeBars(view.causesByCount)} label={i18n.t('insights.chartCauses')} />
                  <CausesTable rows={view.causesByCount} caption={null} />
                </div>
                {view.causesByRevenue.length > 0 && <CausesTable rows={view.causesByRevenue} caption={i18n.t('insights.causesByRevenue')} />}
              </>
            )}
          </section>

          <section className="insights-section" aria-labelledby="touch-h">
            <h2 id="touch-h">{i18n.t('insights.touchpoints')}</h2>
            <p className="muted">{i18n.t('insights.touchpointsHint')}</p>
            {view.touchpoints.length === 0 ? (
              <p>{i18n.t('insights.noTouchpoints')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{i18n.t('insights.kind')}</th>
                    <th scope="col">{i18n.t('insights.name')}</th>
                    <th scope="col">{i18n.t('insights.n')}</th>
                    <th scope="col">{i18n.t('insights.detractorShare')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.touchpoints.map((t) => (
                    <tr key={`${t.kind}:${t.name}`}>
                      <td>{i18n.t(`insights.kind.${t.kind}`)}</td>
                      <th scope="row">{touchpointName(i18n, t)}</th>
                      <td>{i18n.number(t.n)}</td>
                      <td>{i18n.number(t.detractorShare)} %</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {view.hiddenTouchpoints > 0 && <p className="muted">{i18n.plural('insights.hiddenTouchpoints', view.hiddenTouchpoints, { n: LOW_N_TOUCHPOINT })}</p>}
          </section>

          <section className="insights-section" aria-labelledby="funnel-h">
            <h2 id="funnel-h">{i18n.t('insights.funnel')}</h2>
            <div className="figure">
              <BarsChart rows={funnelBars(view.funnel, stepName)} label={i18n.t('insights.chartFunnel')} />
              <table>
                <thead>
                  <tr>
                    <th scope="col">{i18n.t('insights.step')}</th>
                    <th scope="col">{i18n.t('insights.count')}</th>
                    <th scope="col">{i18n.t('insights.ofPrevious')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.funnel.map((s) => (
                    <tr key={s.step}>
                      <th scope="row">{stepName(s.step)}</th>
                      <td>{s.count === null ? i18n.t('insights.notCounted') : i18n.number(s.count)}</td>
                      <td>{s.ofPrevious === null ? '—' : `${i18n.number(s.ofPrevious)} %`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p>{i18n.t('insights.closedCount', { count: view.closed })}</p>
            {view.meanCloseHours !== null && (
              <p>{i18n.t('insights.closeTime', { time: i18n.span(view.meanCloseHours * 3_600_000), count: counted.reduce((n, c) => n + c.funnel.closeCounted, 0) })}</p>
            )}
          </section>

          <section className="insights-section" aria-labelledby="recent-h">
            <h2 id="recent-h">{i18n.t('insights.recent')}</h2>
            {view.recent.length === 0 ? (
              <p>{i18n.t('insights.recentEmpty')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{i18n.t('insights.opened')}</th>
                    <th scope="col">{i18n.t('insights.followUp')}</th>
                    <th scope="col">{i18n.t('insights.cause')}</th>
                    <th scope="col">{i18n.t('insights.steps')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.recent.map((l) => (
                    <tr key={`${l.crm}:${l.id}`}>
                      <td>{i18n.date(l.openedAt)}</td>
                      <th scope="row">
                        {l.url ? (
                          <a
                            href={l.url}
                            target="_blank"
                            rel="noreferrer"
                            aria-label={i18n.t('insights.open.record', { name: l.title, crm: crmName(l.crm) })}
                            onClick={(e) => {
                              e.preventDefault();
                              host.openRecord(l.url!);
                            }}
                          >
                            {l.title}
                          </a>
                        ) : (
                          l.title
                        )}
                        {l.contactName ? <span className="muted"> · {l.contactName}</span> : null}
                      </th>
                      <td>{l.rootCauses.join(', ') || '—'}</td>
                      <td>{l.steps.map((s) => stepName(s)).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </main>
  );
}

/** A labelled control: the label names the control alone (a label around a select would add its options). */
function Field(props: { label: string; children: ReactElement<{ id?: string }> }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {cloneElement(props.children, { id })}
    </div>
  );
}

function CausesTable(props: { rows: ReturnType<typeof insightsView>['causesByCount']; caption: string | null }) {
  const i18n = useI18n();
  return (
    <table>
      {props.caption && <caption>{props.caption}</caption>}
      <thead>
        <tr>
          <th scope="col">{i18n.t('insights.cause')}</th>
          <th scope="col">{i18n.t('insights.count')}</th>
          <th scope="col">{i18n.t('insights.share')}</th>
          <th scope="col">{i18n.t('insights.revenue')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.cause}>
            <th scope="row">{r.cause}</th>
            <td>{i18n.number(r.count)}</td>
            <td>{i18n.number(r.share)} %</td>
            <td>{r.revenue.length === 0 ? i18n.t('insights.notCounted') : r.revenue.map((m) => i18n.money(m.amount, m.currency)).join(' · ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CrmNotices(props: { snapshot: InsightsSnapshot; host: InsightsHost; onRetry: () => void; crmName: (crm: Crm) => string }) {
  const i18n = useI18n();
  const { snapshot, crmName } = props;
  if (snapshot.parts.every((p) => p.state === 'not-connected')) {
    return (
      <p className="notice">
        {i18n.t('insights.noneConnected')} <a href={props.host.optionsUrl}>{i18n.t('insights.openSettings')}</a>
      </p>
    );
  }
  return (
    <ul className="notices">
      {snapshot.parts.map((p) => {
        if (p.state === 'error') {
          return (
            <li key={p.crm} className="notice notice-error">
              {i18n.t('insights.failed', { crm: crmName(p.crm), reason: errorLabel(i18n, p.error?.kind ?? '', crmName(p.crm)) })}{' '}
              <button type="button" onClick={props.onRetry}>
                {i18n.t('insights.tryAgain')}
              </button>
            </li>
          );
        }
        if (p.state === 'not-connected') return <li key={p.crm} className="notice">{i18n.t('insights.notConnected', { crm: crmName(p.crm) })}</li>;
        if (p.state === 'out-of-scope') return <li key={p.crm} className="notice muted">{i18n.t('insights.outOfScope', { crm: crmName(p.crm) })}</li>;
        const notes = [
          ...(p.counts?.causeField === 'missing' ? [i18n.t(`insights.causeFieldMissing.${p.crm}`)] : []),
          ...(p.counts?.causeField === 'unmapped' ? [i18n.t('insights.caseReasonUnmapped')] : []),
          ...(p.counts?.counted === 'people' ? [i18n.t('insights.people')] : []),
        ];
        return notes.map((n) => (
          <li key={`${p.crm}:${n}`} className="notice">
            {n}
          </li>
        ));
      })}
    </ul>
  );
}

/** A survey by its name; a channel in the reader's words, as the panel says it ("EMAIL" → "Email", "Эл. почта"). */
function touchpointName(i18n: I18n, t: { kind: 'survey' | 'channel'; name: string }): string {
  if (t.kind === 'survey') return t.name;
  const label = channelLabel(i18n, t.name);
  return label.charAt(0).toLocaleUpperCase(i18n.locale) + label.slice(1);
}

/** The CSV's labels in the reader's language. */
export function csvLabels(i18n: I18n): CsvLabels {
  const t = (k: MessageKey) => i18n.t(k);
  return {
    section: { months: t('insights.months'), causes: t('insights.causes'), touchpoints: t('insights.touchpoints'), funnel: t('insights.funnel'), recent: t('insights.recent') },
    column: {
      month: t('insights.month'), n: t('insights.n'), promoters: t('insights.promoters'), passives: t('insights.passives'), detractors: t('insights.detractors'), nps: t('insights.nps'), margin: t('insights.margin'),
      cause: t('insights.cause'), count: t('insights.count'), share: `${t('insights.share')} %`, revenue: t('insights.revenue'), currency: t('insights.currency'), kind: t('insights.kind'), name: t('insights.name'),
      detractorShare: `${t('insights.detractorShare')} %`, step: t('insights.step'), ofPrevious: `${t('insights.ofPrevious')} %`, title: t('insights.followUp'), contact: t('insights.contact'),
      rootCauses: t('insights.causes'), steps: t('insights.steps'), opened: t('insights.opened'), link: t('insights.link'),
    },
    step: { answers: t('insights.step.answers'), opened: t('insights.step.opened'), reached: t('insights.step.reached'), resolved: t('insights.step.resolved'), thanked: t('insights.step.thanked') },
    kind: { survey: t('insights.kind.survey'), channel: t('insights.kind.channel') },
    touchpoint: (kind, name) => touchpointName(i18n, { kind, name }),
  };
}
