import { useState } from 'react';
import type { SurveyResponse } from '../../core/schema';
import { LEFT, PAD, RIGHT, WIDTH, laneLabel, pointLabel, type ChartLayout } from './chart-lanes';
import { useI18n } from './i18n-context';

// The history chart's drawing, loaded on demand (see HistoryChart.tsx): one lane per survey kind, each on its own
// scale; the NPS lane shows the detractor / passive / promoter bands behind the points. Each lane's name sits above it,
// so no label shares the tick gutter in any language; the scale is padded so a 0 or a 10 is drawn whole. A point names
// its score and date on hover and on keyboard focus. Plain SVG.

export function ChartPlot(props: { responses: SurveyResponse[]; layout: ChartLayout }) {
  const i18n = useI18n();
  const [active, setActive] = useState<string | null>(null);
  const { responses } = props;
  const { placed, viewHeight, axisTop } = props.layout;
  const charted = placed.flatMap(({ lane }) => lane.points.map((p) => p.submittedAt));
  const first = Math.min(...charted);
  const last = Math.max(...charted);
  const span = last - first;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number) => (span === 0 ? LEFT + plotWidth / 2 : LEFT + PAD + ((t - first) / span) * (plotWidth - 2 * PAD));
  const dates = span === 0 ? [first] : [first, first + span / 2, last];
  const summary = i18n.plural('chart.summary', responses.length, {
    from: i18n.date(responses[0]!.submittedAt),
    to: i18n.date(responses[responses.length - 1]!.submittedAt),
  });

  const shown = placed.flatMap(({ lane, y }) => lane.points.filter((p) => p.key === active).map((p) => ({ p, cx: x(p.submittedAt), cy: y(p.score) })))[0];

  return (
    <svg viewBox={`0 0 ${WIDTH} ${viewHeight}`} role="group" aria-label={summary} className="chart-svg">
      {placed.map(({ lane, laneTop, height, y }) => (
        <g key={lane.kind} className={`lane lane-${lane.kind}`}>
          <text className="lane-label" x={LEFT} y={laneTop - 4}>
            {laneLabel(i18n, lane)}
          </text>
          {lane.kind === 'nps' && (
            <>
              <rect className="band band-detractor" x={LEFT} width={plotWidth} y={y(6.5)} height={laneTop + height - y(6.5)} />
              <rect className="band band-passive" x={LEFT} width={plotWidth} y={y(8.5)} height={y(6.5) - y(8.5)} />
              <rect className="band band-promoter" x={LEFT} width={plotWidth} y={laneTop} height={y(8.5) - laneTop} />
            </>
          )}
          {lane.ticks.map((tick) => (
            <g key={tick}>
              <line className="lane-grid" x1={LEFT} x2={LEFT + plotWidth} y1={y(tick)} y2={y(tick)} />
              <text className="lane-tick" x={LEFT - 4} y={y(tick) + 3} textAnchor="end">
                {i18n.number(tick)}
              </text>
            </g>
          ))}
          <rect className="lane-frame" x={LEFT} width={plotWidth} y={laneTop} height={height} />
          {lane.points.length > 1 && <polyline className="lane-line" points={lane.points.map((p) => `${x(p.submittedAt)},${y(p.score)}`).join(' ')} />}
          {lane.points.map((p) => (
            <circle
              key={p.key}
              className="lane-point"
              cx={x(p.submittedAt)}
              cy={y(p.score)}
              r={active === p.key ? 5 : 3.5}
              tabIndex={0}
              role="img"
              aria-label={pointLabel(i18n, lane, p)}
              onMouseEnter={() => setActive(p.key)}
              onMouseLeave={() => setActive((was) => (was === p.key ? null : was))}
              onFocus={() => setActive(p.key)}
              onBlur={() => setActive((was) => (was === p.key ? null : was))}
            />
          ))}
        </g>
      ))}
      {dates.map((t, i) => (
        <text
          key={i}
          className="axis-date"
          x={dates.length === 1 ? x(t) : i === 0 ? LEFT : i === dates.length - 1 ? LEFT + plotWidth : x(t)}
          y={axisTop}
          textAnchor={dates.length === 1 || (i > 0 && i < dates.length - 1) ? 'middle' : i === 0 ? 'start' : 'end'}
        >
          {i18n.date(t)}
        </text>
      ))}
      {shown && <PointLabel text={`${i18n.number(shown.p.score)} · ${i18n.date(shown.p.submittedAt)}`} cx={shown.cx} cy={shown.cy} />}
    </svg>
  );
}

/** The score and date of the point under the pointer or focus, kept inside the plot. */
function PointLabel(props: { text: string; cx: number; cy: number }) {
  const width = props.text.length * 5.6 + 10;
  const left = Math.min(Math.max(props.cx - width / 2, LEFT), WIDTH - RIGHT - width);
  const above = props.cy - 24 >= 0;
  const top = above ? props.cy - 24 : props.cy + 8;
  return (
    <g className="point-label" aria-hidden="true" pointerEvents="none">
      <rect x={left} y={top} width={width} height={16} rx={3} />
      <text x={left + width / 2} y={top + 11.5} textAnchor="middle">
        {props.text}
      </text>
    </g>
  );
}
