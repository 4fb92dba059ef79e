/** (a) Every run at the moment it finished, by loss and budget; failed runs as crosses in a strip along the top. */
import type { TopLevelSpec } from 'vega-lite';
import { formatBudget, hasLoss } from '../search-data.js';
import { fit, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { budgetColor, plural, searchChart, timeX, type SearchChart, type SearchChartContext } from './search-chart.js';

/** Height of the plot in CSS pixels. */
const HEIGHT = 420;
/** Height of the strip along the top that holds the failed runs (which have no loss to place them by). */
const FAILED_STRIP_HEIGHT = 24;
/** Light vermillion: the strip reads as "failures", apart from the losses. */
const FAILED_STRIP_COLOR = '#f3e3da';
/**
 * With failures, the loss axis spans the losses plus these fractions of their range below and
 * above; the share above leaves the top strip free of loss points.
 */
const LOSS_MARGIN_BELOW = 0.03;
const LOSS_MARGIN_ABOVE = 0.12;
/** Area of a loss point in square pixels, and of a failure's cross (larger: it is drawn in a thin strip). */
const POINT_SIZE = 48;
const CROSS_SIZE = 120;

export const FAILED_LABEL = 'failed (top edge)';

export function lossesOverTime({ runs, clock, width, budgets }: SearchChartContext): SearchChart {
  const title = 'Losses over time';
  const description =
    'Every run at the moment it finished, coloured by budget. Points drifting down over time mean the search is finding better configurations; failed runs have no loss and are drawn as crosses along the top edge.';
  if (runs.length === 0) return searchChart('losses-over-time', title, description, null, 'the run has no finished runs');
  const ok = runs
    .filter(hasLoss)
    .map((run) => ({ t: clock.at(run.timestamps.finished), loss: run.loss, budget: formatBudget(run.budget), outcome: 'finished' }));
  const failed = runs
    .filter((run) => !hasLoss(run))
    .map((run) => ({ t: clock.at(run.timestamps.finished), budget: formatBudget(run.budget), outcome: FAILED_LABEL }));
  const x = timeX(clock);
  const color = budgetColor(budgets);
  // Leave a free strip along the top for the failed runs' crosses.
  const lossValues = ok.map((point) => point.loss).filter(Number.isFinite);
  const low = Math.min(...lossValues);
  const high = Math.max(...lossValues);
  const range = high - low || Math.abs(high) || 1;
  const yScale =
    failed.length > 0 && lossValues.length > 0
      ? { domain: [low - LOSS_MARGIN_BELOW * range, high + LOSS_MARGIN_ABOVE * range], nice: false }
      : { zero: false };
  const shape =
    failed.length > 0
      ? {
          field: 'outcome',
          type: 'nominal' as const,
          title: 'Outcome',
          scale: { domain: ['finished', FAILED_LABEL], range: ['circle', 'cross'] },
        }
      : undefined;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: title,
      subtitle: `${plural(runs.length, 'run')} on ${plural(budgets.length, 'budget')}; ${failed.length === 0 ? 'no run failed' : `${plural(failed.length, 'run')} failed`}.`,
    },
    ...fit(width),
    height: HEIGHT,
    layer: [
      {
        data: { values: ok },
        mark: { type: 'point', filled: true, size: POINT_SIZE, opacity: 0.75 },
        encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'Loss', scale: yScale }, color, ...(shape ? { shape } : {}) },
      },
      ...(failed.length > 0
        ? [
            {
              // A light strip holds the failed runs, apart from the losses.
              data: { values: [{}] },
              mark: { type: 'rect' as const, color: FAILED_STRIP_COLOR, opacity: 0.7 },
              encoding: { x: { value: 0 }, x2: { value: 'width' as const }, y: { value: 0 }, y2: { value: FAILED_STRIP_HEIGHT } },
            },
            {
              data: { values: failed },
              // A cross turned 45° reads as "×", a failure.
              mark: {
                type: 'point' as const,
                filled: true,
                size: CROSS_SIZE,
                angle: 45,
                opacity: 0.95,
                stroke: '#1a1a1a',
                strokeWidth: 0.6,
              },
              encoding: { x, y: { value: FAILED_STRIP_HEIGHT / 2 }, color, shape: shape! },
            },
          ]
        : []),
    ],
    resolve: { scale: { shape: 'shared' } },
  };
  return searchChart('losses-over-time', title, description, spec);
}
