import { lazy, Suspense } from 'react';
import type { SurveyResponse } from '../../core/schema';
import { WIDTH, chartLayout, pointLabel } from './chart-lanes';
import { useI18n } from './i18n-context';

// Every response over time. The drawing (ChartPlot.tsx) loads on demand, so the record's figures paint without its
// code; until it is there, its place is held at the drawing's own size (the same view box), saying what is coming.
// A CSAT or effort lane with a single answer would be a lone dot: it is said in words under the chart instead.

const ChartPlot = lazy(() => import('./ChartPlot').then((module) => ({ default: module.ChartPlot })));

export function HistoryChart(props: { responses: SurveyResponse[] }) {
  const i18n = useI18n();
  const { responses } = props;
  if (responses.length === 0) return null;
  const layout = chartLayout(responses);
  return (
    <figure className="chart">
      {layout.placed.length > 0 && (
        <Suspense
          fallback={
            <div className="chart-loading" role="status" style={{ aspectRatio: `${WIDTH} / ${layout.viewHeight}` }}>
              {i18n.t('chart.loading')}
            </div>
          }
        >
          <ChartPlot responses={responses} layout={layout} />
        </Suspense>
      )}
      {layout.single.length > 0 && (
        <ul className="chart-single">
          {layout.single.map((lane) => (
            <li key={lane.kind}>{pointLabel(i18n, lane, lane.points[0]!)}</li>
          ))}
        </ul>
      )}
    </figure>
  );
}
