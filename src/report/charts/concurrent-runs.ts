/** (b) How many runs were in progress at each moment: a step curve from their started and finished times. */
import type { TopLevelSpec } from 'vega-lite';
import { concurrencyTimeline, peakValue, type StepPoint } from '../concurrency-timeline.js';
import { formatNumber } from '../search-data.js';
import { CATEGORY_COLORS } from '../theme.js';
import { fit, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { plural, searchChart, timeX, type SearchChart, type SearchChartContext } from './search-chart.js';

/** Height of the plot in CSS pixels. */
const HEIGHT = 300;
/** With fewer than this many runs at the peak, the axis goes a quarter run higher, so the top step is not drawn on the frame. */
const SMALL_PEAK = 4;
const SMALL_PEAK_HEADROOM = 0.25;

export function concurrentRuns({ runs, clock, width }: SearchChartContext): SearchChart {
  const title = 'Runs in progress';
  const description =
    'How many runs were being evaluated at each moment (from their started and finished times). Dips below the number of workers are idle workers: rung barriers, model fitting, or dispatch overhead.';
  if (runs.length === 0) return searchChart('concurrent-runs', title, description, null, 'the run has no finished runs');
  const timeline = concurrencyTimeline(
    runs.map((run) => ({
      start: clock.at(run.timestamps.started),
      end: clock.at(Math.max(run.timestamps.started, run.timestamps.finished)),
    })),
  );
  const points: StepPoint[] = timeline.length > 0 && timeline[0].time > 0 ? [{ time: 0, value: 0 }, ...timeline] : timeline;
  const peak = peakValue(points);
  const mean = timeWeightedMean(points);
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: title,
      subtitle: `At most ${plural(peak, 'run')} at once; ${formatNumber(mean, 3)} on average over the run (time-weighted).`,
    },
    ...fit(width),
    height: HEIGHT,
    data: { values: points.map((point) => ({ t: point.time, running: point.value })) },
    encoding: {
      x: timeX(clock),
      y: {
        field: 'running',
        type: 'quantitative',
        title: 'Runs in progress',
        scale: { domainMin: 0, domainMax: Math.max(1, peak) + (peak < SMALL_PEAK ? SMALL_PEAK_HEADROOM : 0), nice: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
    },
    layer: [
      { mark: { type: 'area', interpolate: 'step-after', color: CATEGORY_COLORS[0], opacity: 0.18 } },
      { mark: { type: 'line', interpolate: 'step-after', color: CATEGORY_COLORS[0], strokeWidth: 1.4 } },
    ],
  };
  return searchChart('concurrent-runs', title, description, spec);
}

/** The mean of a step curve over its time span; its last point only closes the span. */
function timeWeightedMean(points: readonly StepPoint[]): number {
  if (points.length < 2) return points.length === 1 ? points[0].value : 0;
  let area = 0;
  for (let i = 0; i + 1 < points.length; i++) area += points[i].value * (points[i + 1].time - points[i].time);
  const span = points[points.length - 1].time - points[0].time;
  return span > 0 ? area / span : points[0].value;
}
