import type { SurveyKind, SurveyResponse } from '../../core/schema';
import { useI18n } from './i18n-context';

// Every response over time, one lane per survey kind, each on its own scale; the NPS lane shows
// the detractor / passive / promoter bands behind the points. Plain SVG: no chart library.

const WIDTH = 320;
const LEFT = 44;
const RIGHT = 8;
const LANE_GAP = 14;
const LANE_HEIGHT: Record<SurveyKind, number> = { nps: 66, csat: 34, ces: 40 };
const ORDER: SurveyKind[] = ['nps', 'csat', 'ces'];

interface Lane {
  kind: SurveyKind;
  min: number;
  max: number;
  points: SurveyResponse[];
}

export function HistoryChart(props: { responses: SurveyResponse[] }) {
  const i18n = useI18n();
  const { responses } = props;
  if (responses.length === 0) return null;
  const lanes: Lane[] = ORDER.map((kind) => {
    const points = responses.filter((r) => r.kind === kind);
    const max = kind === 'nps' ? 10 : kind === 'csat' ? 5 : Math.max(5, ...points.map((p) => p.scaleMax));
    return { kind, min: kind === 'nps' ? 0 : 1, max, points };
  }).filter((lane) => lane.points.length > 0);

  const first = responses[0]?.submittedAt ?? 0;
  const last = responses[responses.length - 1]?.submittedAt ?? first;
  const span = last - first;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number) => (span === 0 ? LEFT + plotWidth / 2 : LEFT + ((t - first) / span) * plotWidth);

  const placed: Array<{ lane: Lane; laneTop: number; height: number; y: (score: number) => number }> = [];
  let totalHeight = 6;
  for (const lane of lanes) {
    const height = LANE_HEIGHT[lane.kind];
    const laneTop = totalHeight;
    const y = (score: number) => laneTop + height - ((Math.min(lane.max, Math.max(lane.min, score)) - lane.min) / (lane.max - lane.min)) * height;
    placed.push({ lane, laneTop, height, y });
    totalHeight += height + LANE_GAP;
  }
  const laneLabel = (lane: Lane) =>
    lane.kind === 'nps' ? i18n.t('chart.nps') : lane.kind === 'csat' ? i18n.t('chart.csat') : i18n.t('chart.ces', { max: lane.max });
  const summary = i18n.plural('chart.summary', responses.length, { from: i18n.date(first), to: i18n.date(last) });

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${totalHeight}`} role="img" aria-label={summary} className="chart-svg">
        {placed.map(({ lane, laneTop, height, y }) => (
          <g key={lane.kind} className={`lane lane-${lane.kind}`}>
            {lane.kind === 'nps' && (
              <>
                <rect className="band band-detractor" x={LEFT} width={plotWidth} y={y(6.5)} height={y(0) - y(6.5)} />
                <rect className="band band-passive" x={LEFT} width={plotWidth} y={y(8.5)} height={y(6.5) - y(8.5)} />
                <rect className="band band-promoter" x={LEFT} width={plotWidth} y={y(10)} height={y(8.5) - y(10)} />
              </>
            )}
            <rect className="lane-frame" x={LEFT} width={plotWidth} y={laneTop} height={height} />
            <text className="lane-label" x={2} y={laneTop + 11}>
              {laneLabel(lane)}
            </text>
            <text className="lane-tick" x={LEFT - 4} y={laneTop + 4} textAnchor="end">
              {i18n.number(lane.max)}
            </text>
            <text className="lane-tick" x={LEFT - 4} y={laneTop + height} textAnchor="end">
              {i18n.number(lane.min)}
            </text>
            {lane.points.length > 1 && (
              <polyline className="lane-line" points={lane.points.map((p) => `${x(p.submittedAt)},${y(p.score)}`).join(' ')} />
            )}
            {lane.points.map((p) => (
              <circle key={p.key} className="lane-point" cx={x(p.submittedAt)} cy={y(p.score)} r={3.5}>
                <title>{`${laneLabel(lane)}: ${i18n.number(p.score)} · ${i18n.date(p.submittedAt)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="chart-caption">
        <span>{i18n.date(first)}</span>
        <span>{i18n.date(last)}</span>
      </figcaption>
    </figure>
  );
}
