/** (c) The number of runs finished so far, per budget and in total: successive halving's rungs show as steps. */
import type { TopLevelSpec } from 'vega-lite';
import { cumulativeCountsBy } from '../cumulative-counts.js';
import { formatBudget } from '../search-data.js';
import { NEUTRAL_COLOR } from '../theme.js';
import { fit, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { budgetColor, searchChart, timeX, type SearchChart, type SearchChartContext } from './search-chart.js';

/** Height of the plot in CSS pixels. */
const HEIGHT = 360;
/** The total's line is dashed (6 px on, 4 off), the budgets' solid. */
const TOTAL_DASH = [6, 4];
const SOLID = [1, 0];

export function finishedRuns({ runs, clock, width, budgets }: SearchChartContext): SearchChart {
  const title = 'Finished runs over time';
  const description =
    'The number of runs finished so far on each budget (failed ones included) and in total. Successive halving evaluates many configurations on the small budgets and promotes a few: the curves climb in steps as rungs complete.';
  if (runs.length === 0) return searchChart('finished-runs', title, description, null, 'the run has no finished runs');
  const end = clock.at(Math.max(...runs.map((run) => run.timestamps.finished)));
  const ALL = 'all budgets';
  const byBudget = cumulativeCountsBy(
    runs,
    (run) => formatBudget(run.budget),
    (run) => clock.at(run.timestamps.finished),
  );
  byBudget.set(
    ALL,
    cumulativeCountsBy(
      runs,
      () => ALL,
      (run) => clock.at(run.timestamps.finished),
    ).get(ALL)!,
  );
  const values: { t: number; finished: number; budget: string }[] = [];
  for (const [budget, points] of byBudget) {
    values.push({ t: 0, finished: 0, budget });
    for (const point of points) values.push({ t: point.time, finished: point.value, budget });
    values.push({ t: end, finished: points[points.length - 1].value, budget });
  }
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: title,
      subtitle: budgets.map((budget) => `budget ${formatBudget(budget)}: ${byBudget.get(formatBudget(budget))!.at(-1)!.value}`).join(' · '),
    },
    ...fit(width),
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.2 },
    encoding: {
      x: timeX(clock),
      y: { field: 'finished', type: 'quantitative', title: 'Runs finished', axis: { tickMinStep: 1, format: 'd' } },
      color: budgetColor(budgets, [{ label: ALL, color: NEUTRAL_COLOR }]),
      strokeDash: { condition: { test: `datum.budget === '${ALL}'`, value: TOTAL_DASH }, value: SOLID },
    },
  };
  return searchChart('finished-runs', title, description, spec);
}
