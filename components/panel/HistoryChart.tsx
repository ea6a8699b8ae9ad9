import { useState } from 'react';
import type { SurveyKind, SurveyResponse } from '../../core/schema';
import { useI18n } from './i18n-context';

// Every response over time, one lane per survey kind, each on its own scale; the NPS lane shows
// the detractor / passive / promoter bands behind the points. Each lane's name sits above it, so no
// label shares the tick gutter in any language; the scale is padded so a 0 or a 10 is drawn whole.
// A point names its score and date on hover and on keyboard focus. A CSAT or effort lane with a
// single answer would be a lone dot: it is said in words under the chart instead. Plain SVG.

const WIDTH = 320;
const LEFT = 24;
const RIGHT = 10;
const LABEL_HEIGHT = 14;
const PAD = 6;
const LANE_GAP = 8;
const AXIS_HEIGHT = 16;
const LANE_HEIGHT: Record<SurveyKind, number> = { nps: 84, csat: 44, ces: 48 };
const ORDER: SurveyKind[] = ['nps', 'csat', 'ces'];

interface Lane {
  kind: SurveyKind;
  min: number;
  max: number;
  ticks: number[];
  points: SurveyResponse[];
}

interface Placed {
  lane: Lane;
  laneTop: number;
  height: number;
  y: (score: number) => number;
}

function laneOf(kind: SurveyKind, points: SurveyResponse[]): Lane {
  if (kind === 'nps') return { kind, min: 0, max: 10, ticks: [0, 2, 4, 6, 8, 10], points };
  const max = kind === 'csat' ? 5 : Math.max(5, ...points.map((p) => p.scaleMax));
  return { kind, min: 1, max, ticks: [1, Math.round((1 + max) / 2), max], points };
}

export function HistoryChart(props: { responses: SurveyResponse[] }) {
  const i18n = useI18n();
  const [active, setActive] = useState<string | null>(null);
  const { responses } = props;
  if (responses.length === 0) return null;
  const all = ORDER.map((kind) => laneOf(kind, responses.filter((r) => r.kind === kind))).filter((lane) => lane.points.length > 0);
  const lanes = all.filter((lane) => lane.kind === 'nps' || lane.points.length > 1);
  const single = all.filter((lane) => lane.kind !== 'nps' && lane.points.length === 1);
  const laneLabel = (lane: Lane) =>
    lane.kind === 'nps' ? i18n.t('chart.nps') : lane.kind === 'csat' ? i18n.t('chart.csat') : i18n.t('chart.ces', { max: lane.max });
  const pointLabel = (lane: Lane, p: SurveyResponse) =>
    i18n.t('chart.point', { lane: laneLabel(lane), score: i18n.t('response.score', { score: p.score, max: lane.max }), date: i18n.date(p.submittedAt) });

  const charted = lanes.flatMap((lane) => lane.points.map((p) => p.submittedAt));
  const first = Math.min(...charted);
  const last = Math.max(...charted);
  const span = last - first;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number) => (span === 0 ? LEFT + plotWidth / 2 : LEFT + PAD + ((t - first) / span) * (plotWidth - 2 * PAD));

  const placed: Placed[] = [];
  let totalHeight = 0;
  for (const lane of lanes) {
    const height = LANE_HEIGHT[lane.kind];
    const laneTop = totalHeight + LABEL_HEIGHT;
    const y = (score: number) => laneTop + height - PAD - ((Math.min(lane.max, Math.max(lane.min, score)) - lane.min) / (lane.max - lane.min)) * (height - 2 * PAD);
    placed.push({ lane, laneTop, height, y });
    totalHeight = laneTop + height + LANE_GAP;
  }
  const axisTop = totalHeight - LANE_GAP + 12;
  const viewHeight = lanes.length > 0 ? totalHeight - LANE_GAP + AXIS_HEIGHT : 0;
  const dates = span === 0 ? [first] : [first, first + span / 2, last];
  const summary = i18n.plural('chart.summary', responses.length, {
    from: i18n.date(responses[0]!.submittedAt),
    to: i18n.date(responses[responses.length - 1]!.submittedAt),
  });

  const shown = placed.flatMap(({ lane, y }) => lane.points.filter((p) => p.key === active).map((p) => ({ lane, p, cx: x(p.submittedAt), cy: y(p.score) })))[0];

  return (
    <figure className="chart">
      {lanes.length > 0 && (
        <svg viewBox={`0 0 ${WIDTH} ${viewHeight}`} role="group" aria-label={summary} className="chart-svg">
          {placed.map(({ lane, laneTop, height, y }) => (
            <g key={lane.kind} className={`lane lane-${lane.kind}`}>
              <text className="lane-label" x={LEFT} y={laneTop - 4}>
                {laneLabel(lane)}
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
              {lane.points.length > 1 && (
                <polyline className="lane-line" points={lane.points.map((p) => `${x(p.submittedAt)},${y(p.score)}`).join(' ')} />
              )}
              {lane.points.map((p) => (
                <circle
                  key={p.key}
                  className="lane-point"
                  cx={x(p.submittedAt)}
                  cy={y(p.score)}
                  r={active === p.key ? 5 : 3.5}
                  tabIndex={0}
                  role="img"
                  aria-label={pointLabel(lane, p)}
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
      )}
      {single.length > 0 && (
        <ul className="chart-single">
          {single.map((lane) => (
            <li key={lane.kind}>{pointLabel(lane, lane.points[0]!)}</li>
          ))}
        </ul>
      )}
    </figure>
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
