import type { FunnelStep, MonthRow, CauseRow } from '../../core/insights';
import { useI18n } from '../panel/i18n-context';

// Plain SVG charts, each an image with a summary; the table beside each holds every number (screen readers read it).

const W = 560;

export function MonthsChart(props: { months: MonthRow[] }) {
  const i18n = useI18n();
  const { months } = props;
  const H = 180;
  const top = 10;
  const bottom = 24;
  const plot = H - top - bottom;
  const y = (nps: number) => top + ((100 - nps) / 200) * plot;
  const step = (W - 40) / Math.max(1, months.length);
  const bar = Math.max(4, step * 0.6);
  const label = i18n.t('insights.chartMonths', { from: months[0]?.month ?? '', to: months.at(-1)?.month ?? '' });
  return (
    <svg className="insights-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line className="axis" x1={36} x2={W} y1={y(0)} y2={y(0)} />
      {[100, 50, 0, -50, -100].map((v) => (
        <text key={v} className="tick" x={30} y={y(v) + 4} textAnchor="end">
          {v}
        </text>
      ))}
      {months.map((m, i) => {
        const x = 40 + i * step + (step - bar) / 2;
        const nps = m.nps ?? 0;
        return (
          <g key={m.month} className={m.lowN ? 'low-n' : undefined}>
            {m.nps !== null && <rect className={nps >= 0 ? 'bar bar-up' : 'bar bar-down'} x={x} width={bar} y={Math.min(y(nps), y(0))} height={Math.max(1, Math.abs(y(nps) - y(0)))} />}
            {m.nps !== null && m.margin !== null && (
              <line className="whisker" x1={x + bar / 2} x2={x + bar / 2} y1={y(Math.min(100, nps + m.margin))} y2={y(Math.max(-100, nps - m.margin))} />
            )}
            <text className="tick" x={x + bar / 2} y={H - 6} textAnchor="middle">
              {m.month.slice(5)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function BarsChart(props: { rows: Array<{ label: string; value: number }>; label: string }) {
  const { rows } = props;
  const rowH = 22;
  const H = rows.length * rowH + 4;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const left = 190;
  return (
    <svg className="insights-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label}>
      {rows.map((r, i) => (
        <g key={r.label}>
          <text className="tick" x={left - 6} y={i * rowH + 15} textAnchor="end">
            {r.label.length > 28 ? `${r.label.slice(0, 27)}…` : r.label}
          </text>
          <rect className="bar bar-up" x={left} y={i * rowH + 4} height={rowH - 8} width={Math.max(1, ((W - left - 50) * r.value) / max)} />
          <text className="tick" x={left + Math.max(1, ((W - left - 50) * r.value) / max) + 4} y={i * rowH + 15}>
            {r.value}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function causeBars(rows: CauseRow[]) {
  return rows.map((r) => ({ label: r.cause, value: r.count }));
}

export function funnelBars(steps: FunnelStep[], name: (s: FunnelStep['step']) => string) {
  return steps.filter((s) => s.count !== null).map((s) => ({ label: name(s.step), value: s.count ?? 0 }));
}
