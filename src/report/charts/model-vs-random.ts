/**
 * (e) The losses of model-based and random configurations, one panel per budget: a box plot of
 * each with the runs jittered over it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { configIdKey, type Run } from '../../core/types.js';
import { formatBudget, hasLoss, modelBasedPicks } from '../search-data.js';
import { CATEGORY_COLORS } from '../theme.js';
import { CHART_PADDING, FACET_SPACING, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { searchChart, type SearchChart, type SearchChartContext } from './search-chart.js';

const MODEL_COLOR = CATEGORY_COLORS[0];
/** Okabe–Ito orange. */
const RANDOM_COLOR = '#E69F00';
const UNKNOWN_COLOR = '#999999';
/** Height of each panel in CSS pixels. */
const PANEL_HEIGHT = 340;
/** Width the shared loss axis (title and labels) takes left of the first panel. */
const Y_AXIS_WIDTH = 80;
/** Narrowest panel: with many budgets the chart grows wider than asked rather than squeezing the boxes. */
const MIN_PANEL_WIDTH = 90;
/** Widest box, and the box's share of its panel when panels are narrower. */
const MAX_BOX_WIDTH = 44;
const BOX_SHARE = 1 / 4;
/**
 * The jitter (in [-0.5, 0.5)) is drawn on a scale of [-1.6, 1.6] across each pick's band, so the
 * points stay within the middle third of it, over their box.
 */
const JITTER_SCALE = 1.6;
/** The golden ratio's fractional part: i × it mod 1 spreads points evenly, deterministically, whatever their number. */
const GOLDEN = 0.6180339887;

export function modelVsRandom({ result, runs, width, budgets }: SearchChartContext): SearchChart {
  const title = 'Model-based vs random configurations';
  const description =
    "The losses of configurations the model proposed and of those sampled at random (BOHB samples a fraction at random, and everything before its model has enough data), on each budget. A model that helps puts its picks' box lower than the random one's; a configuration promoted to larger budgets keeps its pick type.";
  const picks = modelBasedPicks(result);
  const withLoss = runs.filter(hasLoss);
  if (withLoss.length === 0) return searchChart('model-vs-random', title, description, null, 'no run has a loss');
  const pickOf = (run: Run) => {
    const pick = picks.get(configIdKey(run.configId));
    return pick === undefined ? 'unknown' : pick ? 'model-based' : 'random';
  };
  const counts = new Map<string, { model: number; random: number }>();
  for (const run of withLoss) {
    const label = formatBudget(run.budget);
    const count = counts.get(label) ?? { model: 0, random: 0 };
    if (pickOf(run) === 'model-based') count.model++;
    else if (pickOf(run) === 'random') count.random++;
    counts.set(label, count);
  }
  const budgetsWithLoss = budgets.filter((budget) => counts.has(formatBudget(budget)));
  const panelOf = (label: string) => `budget ${label}`;
  const values = withLoss.map((run, i) => ({
    panel: panelOf(formatBudget(run.budget)),
    pick: pickOf(run),
    loss: run.loss,
    jitter: ((i * GOLDEN) % 1) - 0.5,
  }));
  const domain = ['model-based', 'random', ...(values.some((v) => v.pick === 'unknown') ? ['unknown'] : [])];
  const color = {
    field: 'pick',
    type: 'nominal' as const,
    title: 'Picked',
    scale: { domain, range: [MODEL_COLOR, RANDOM_COLOR, UNKNOWN_COLOR] },
    legend: null,
  };
  const panels = budgetsWithLoss.length;
  const panelWidth = Math.max(
    MIN_PANEL_WIDTH,
    Math.floor((width - 2 * CHART_PADDING - Y_AXIS_WIDTH - FACET_SPACING * (panels - 1)) / panels),
  );
  const maxLabel = formatBudget(budgetsWithLoss[budgetsWithLoss.length - 1]);
  const atMax = counts.get(maxLabel)!;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: title,
      subtitle: `Runs with a loss per budget; ${atMax.model} model-based and ${atMax.random} random on the largest budget (${maxLabel}).`,
    },
    data: { values },
    facet: {
      column: {
        field: 'panel',
        type: 'nominal',
        sort: budgetsWithLoss.map((budget) => panelOf(formatBudget(budget))),
        header: {
          title: null,
          labelExpr: `[datum.label, ${JSON.stringify(Object.fromEntries([...counts].map(([label, c]) => [panelOf(label), `${c.model} model · ${c.random} random`])))}[datum.label]]`,
          labelFontSize: 12.5,
        },
      },
    },
    spec: {
      width: panelWidth,
      height: PANEL_HEIGHT,
      encoding: {
        x: { field: 'pick', type: 'nominal', title: null, scale: { domain }, axis: { labelAngle: 0, labelFontSize: 11.5 } },
        y: { field: 'loss', type: 'quantitative', title: 'Loss', scale: { zero: false } },
        color,
      },
      layer: [
        {
          mark: {
            type: 'boxplot',
            extent: 'min-max',
            size: Math.min(MAX_BOX_WIDTH, panelWidth * BOX_SHARE),
            opacity: 0.3,
            median: { color: '#1a1a1a', strokeWidth: 2 },
            rule: { color: '#666666' },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 26, opacity: 0.75 },
          encoding: { xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-JITTER_SCALE, JITTER_SCALE] } } },
        },
      ],
    },
  };
  return searchChart('model-vs-random', title, description, spec);
}
