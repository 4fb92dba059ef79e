/**
 * The search-analysis pictures hpbandster users know (its `hpvis` module), as vega-lite specs
 * built from a {@link Result}: losses over time, runs in progress, finished runs, loss
 * correlation across budgets, model-based vs random picks, and the incumbent's trajectory. Each
 * builder lives in its own file beside this one.
 */
import type { Result } from '../../core/result.js';
import { runClock } from '../search-data.js';
import { concurrentRuns } from './concurrent-runs.js';
import { finishedRuns } from './finished-runs.js';
import { incumbentTrajectory } from './incumbent-trajectory.js';
import { lossCorrelation } from './loss-correlation.js';
import { lossesOverTime } from './losses-over-time.js';
import { modelVsRandom } from './model-vs-random.js';
import type { SearchChart, SearchChartContext } from './search-chart.js';

export { SEARCH_CHART_NAMES } from './search-chart.js';
export type { SearchChart, SearchChartName } from './search-chart.js';

/** Layout of the charts. */
export interface SearchChartOptions {
  /** Width in CSS pixels the charts are laid out for. @defaultValue 900 */
  readonly width?: number;
}

export const SEARCH_CHART_DEFAULTS = Object.freeze({ width: 900 });

/** Every chart of the report for `result` (specs only; nothing is drawn), in {@link SEARCH_CHART_NAMES}' order. */
export function searchCharts(result: Result, options: SearchChartOptions = {}): SearchChart[] {
  const width = options.width ?? SEARCH_CHART_DEFAULTS.width;
  const runs = result.allRuns();
  const context: SearchChartContext = { result, runs, clock: runClock(runs), width, budgets: result.budgets };
  return [lossesOverTime, concurrentRuns, finishedRuns, lossCorrelation, modelVsRandom, incumbentTrajectory].map((build) => build(context));
}
