/**
 * The picture of `bandster bench optimizers`: one panel per benchmark, true normalised regret
 * (log scale) against cumulative budget in max-budget units, the median of every optimizer as a
 * line and its interquartile range as a band.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderChart } from '../report/render-chart.js';
import type { BenchmarkComparison } from './optimizer-comparison.js';

/** Regrets below this are drawn at it (a log scale has no 0; the JSON keeps the exact values). */
export const REGRET_FLOOR = 1e-5;

const COLUMNS = 3;
/** Okabe–Ito colours, ordered so that neighbours in the legend differ in hue; grey for the baseline last. */
const PALETTE = ['#0072B2', '#CC79A7', '#009E73', '#D55E00', '#E69F00', '#7F7F7F', '#56B4E9', '#000000'];
const WIDTH = 900;

/** The vega-lite spec of the comparison picture. */
export function comparisonChartSpec(comparisons: readonly BenchmarkComparison[]): TopLevelSpec {
  const rows: Record<string, unknown>[] = [];
  const labels: string[] = [];
  for (const comparison of comparisons) {
    for (const curve of comparison.curves) {
      if (!labels.includes(curve.label)) labels.push(curve.label);
      comparison.units.forEach((unit, k) => {
        rows.push({
          benchmark: comparison.label,
          optimizer: curve.label,
          units: unit,
          median: Math.max(REGRET_FLOOR, curve.median[k]),
          q1: Math.max(REGRET_FLOOR, curve.q1[k]),
          q3: Math.max(REGRET_FLOOR, curve.q3[k]),
        });
      });
    }
  }
  const panelWidth = Math.floor((WIDTH - 120) / COLUMNS) - 30;
  const scale = { domain: labels, range: PALETTE.slice(0, labels.length) };
  const color = {
    field: 'optimizer',
    type: 'nominal',
    title: 'optimizer',
    scale,
    legend: { orient: 'bottom', columns: 6, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'True normalised regret vs budget (median and interquartile range over seeds)',
      subtitle: 'one worker; budget in max-budget units; regret on a log scale',
    },
    data: { values: rows },
    facet: { field: 'benchmark', type: 'nominal', title: null, sort: comparisons.map((comparison) => comparison.label) },
    columns: COLUMNS,
    // Each panel its own x axis: a shared one is drawn under every column of the bottom row,
    // including the empty cell when the benchmarks do not fill it (5 panels in 3 columns).
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    spec: {
      width: panelWidth,
      height: 200,
      layer: [
        {
          mark: { type: 'area', opacity: 0.15 },
          encoding: {
            x: { field: 'units', type: 'quantitative', title: 'budget (max-budget units)' },
            y: { field: 'q1', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'regret' },
            y2: { field: 'q3' },
            color,
          },
        },
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: {
            x: { field: 'units', type: 'quantitative' },
            y: { field: 'median', type: 'quantitative', scale: { type: 'log', nice: false } },
            color,
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Renders the comparison picture as a PNG. */
export async function renderComparisonChart(comparisons: readonly BenchmarkComparison[]): Promise<Buffer> {
  return renderChart(comparisonChartSpec(comparisons), { width: WIDTH, scale: 2 });
}
