import type { I18n } from '../../core/i18n';
import type { SurveyKind, SurveyResponse } from '../../core/schema';

// Where the history chart's lanes sit, worked out with the panel's first paint: its drawing loads on demand
// (HistoryChart.tsx), and the space it takes is held at its final size meanwhile, so nothing below it moves.

export const WIDTH = 320;
export const LEFT = 24;
export const RIGHT = 10;
export const PAD = 6;
const LABEL_HEIGHT = 14;
const LANE_GAP = 8;
const AXIS_HEIGHT = 16;
const LANE_HEIGHT: Record<SurveyKind, number> = { nps: 84, csat: 44, ces: 48 };
const ORDER: SurveyKind[] = ['nps', 'csat', 'ces'];

export interface Lane {
  kind: SurveyKind;
  min: number;
  max: number;
  ticks: number[];
  points: SurveyResponse[];
}

export interface PlacedLane {
  lane: Lane;
  laneTop: number;
  height: number;
  y: (score: number) => number;
}

export interface ChartLayout {
  /** Lanes drawn, top to bottom: NPS whenever answered, CSAT and effort with more than one answer. */
  placed: PlacedLane[];
  /** CSAT and effort lanes with a single answer, said in words under the chart instead of a lone dot. */
  single: Lane[];
  /** The drawing's height in the units of its WIDTH-wide view box; 0 when no lane is drawn. */
  viewHeight: number;
  axisTop: number;
}

function laneOf(kind: SurveyKind, points: SurveyResponse[]): Lane {
  if (kind === 'nps') return { kind, min: 0, max: 10, ticks: [0, 2, 4, 6, 8, 10], points };
  const max = kind === 'csat' ? 5 : Math.max(5, ...points.map((p) => p.scaleMax));
  return { kind, min: 1, max, ticks: [1, Math.round((1 + max) / 2), max], points };
}

export function chartLayout(responses: SurveyResponse[]): ChartLayout {
  const all = ORDER.map((kind) => laneOf(kind, responses.filter((r) => r.kind === kind))).filter((lane) => lane.points.length > 0);
  const lanes = all.filter((lane) => lane.kind === 'nps' || lane.points.length > 1);
  const single = all.filter((lane) => lane.kind !== 'nps' && lane.points.length === 1);
  const placed: PlacedLane[] = [];
  let totalHeight = 0;
  for (const lane of lanes) {
    const height = LANE_HEIGHT[lane.kind];
    const laneTop = totalHeight + LABEL_HEIGHT;
    const y = (score: number) => laneTop + height - PAD - ((Math.min(lane.max, Math.max(lane.min, score)) - lane.min) / (lane.max - lane.min)) * (height - 2 * PAD);
    placed.push({ lane, laneTop, height, y });
    totalHeight = laneTop + height + LANE_GAP;
  }
  return {
    placed,
    single,
    viewHeight: lanes.length > 0 ? totalHeight - LANE_GAP + AXIS_HEIGHT : 0,
    axisTop: totalHeight - LANE_GAP + 12,
  };
}

export function laneLabel(i18n: I18n, lane: Lane): string {
  return lane.kind === 'nps' ? i18n.t('chart.nps') : lane.kind === 'csat' ? i18n.t('chart.csat') : i18n.t('chart.ces', { max: lane.max });
}

/** A point in words: its lane, score and date (a point's name, and a single-answer lane's line). */
export function pointLabel(i18n: I18n, lane: Lane, p: SurveyResponse): string {
  return i18n.t('chart.point', { lane: laneLabel(i18n, lane), score: i18n.t('response.score', { score: p.score, max: lane.max }), date: i18n.date(p.submittedAt) });
}
