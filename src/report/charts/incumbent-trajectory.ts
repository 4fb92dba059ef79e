/**
 * (f) The best loss found so far under both incumbent rules, against wall time (left) and against
 * the total budget spent (right), both on log scales.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../search-data.js';
import { CATEGORY_COLORS } from '../theme.js';
import { CHART_PADDING, CONCAT_SPACING, PANEL_TITLE, VEGA_LITE_SCHEMA } from './chart-layout.js';
import { plural, searchChart, timeTitle, type SearchChart, type SearchChartContext } from './search-chart.js';

const PAPER_COLOR = CATEGORY_COLORS[0];
const MAX_BUDGET_COLOR = CATEGORY_COLORS[1];
/** Height of each panel in CSS pixels. */
const PANEL_HEIGHT = 330;
/** Width each panel's loss axis (title and labels) takes beside it. */
const Y_AXIS_WIDTH = 75;
/**
 * Where both rules agree their lines coincide: the max-budget line is drawn wide and light
 * underneath the thin paper line, so that both stay visible.
 */
const UNDER_LINE = { strokeWidth: 6, opacity: 0.55 };
const OVER_LINE = { strokeWidth: 2.2, opacity: 1 };

export function incumbentTrajectory({ result, runs, clock, width }: SearchChartContext): SearchChart {
  const title = 'Incumbent trajectory';
  const description =
    "The best loss found so far, against wall time and against the total budget spent. Paper rule (the BOHB paper's any-time curve): a run replaces the incumbent when its budget is at least the incumbent's and its loss is lower. Max-budget rule: only runs on the largest budget count. Both axes are logarithmic.";
  const rules = [
    { rule: 'paper' as const, label: 'paper rule', color: PAPER_COLOR },
    { rule: 'max-budget' as const, label: 'max-budget rule', color: MAX_BUDGET_COLOR },
  ];
  const trajectories = rules.map((r) => ({ ...r, points: result.trajectory(r.rule) }));
  if (trajectories.every((t) => t.points.length === 0))
    return searchChart('incumbent-trajectory', title, description, null, 'no run has a loss');
  const endTime = clock.at(Math.max(...runs.map((run) => run.timestamps.finished)));
  const totalBudget = runs.reduce((sum, run) => sum + run.budget, 0);
  const values: { rule: string; t: number; budgetSpent: number; loss: number; marker: boolean }[] = [];
  // The max-budget rule's rows come first, so its line is drawn first (beneath).
  for (const trajectory of [...trajectories].reverse()) {
    for (const point of trajectory.points)
      values.push({
        rule: trajectory.label,
        t: clock.at(point.finished),
        budgetSpent: point.cumulativeBudget,
        loss: point.loss,
        marker: true,
      });
    const last = trajectory.points.at(-1);
    if (last) values.push({ rule: trajectory.label, t: endTime, budgetSpent: totalBudget, loss: last.loss, marker: false });
  }
  const logTime = values.every((v) => v.t > 0);
  const color = {
    field: 'rule',
    type: 'nominal' as const,
    title: 'Incumbent by',
    scale: { domain: rules.map((r) => r.label), range: rules.map((r) => r.color) },
    legend: { orient: 'bottom' as const, direction: 'horizontal' as const, symbolType: 'stroke', symbolStrokeWidth: 4, symbolOpacity: 1 },
  };
  const lineOf = (label: string, { strokeWidth, opacity }: { strokeWidth: number; opacity: number }) => ({
    transform: [{ filter: { field: 'rule', equal: label } }],
    mark: { type: 'line' as const, interpolate: 'step-after' as const, strokeWidth, opacity },
  });
  const y = { field: 'loss', type: 'quantitative' as const, title: 'Incumbent loss', scale: { zero: false } };
  // Two panels side by side, each with its own loss axis, sharing what the padding and the spacing leave.
  const panelWidth = Math.floor((width - 2 * CHART_PADDING - CONCAT_SPACING - 2 * Y_AXIS_WIDTH) / 2);
  const panel = (field: 't' | 'budgetSpent', axisTitle: string, log: boolean, panelTitle: string) => ({
    title: { text: panelTitle, ...PANEL_TITLE },
    width: panelWidth,
    height: PANEL_HEIGHT,
    encoding: {
      x: {
        field,
        type: 'quantitative' as const,
        title: axisTitle,
        scale: log ? { type: 'log' as const, nice: false } : { nice: false },
        axis: { ...(field === 'budgetSpent' ? { format: '~s' } : {}), labelOverlap: 'greedy' as const, labelFlush: false },
      },
      y,
      color,
    },
    layer: [
      lineOf(rules[1].label, UNDER_LINE),
      lineOf(rules[0].label, OVER_LINE),
      { transform: [{ filter: 'datum.marker' }], mark: { type: 'point' as const, filled: true, size: 46, opacity: 1 } },
    ],
  });
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: title,
      subtitle: trajectories
        .map(
          (t) =>
            `${t.label}: ${t.points.length === 0 ? 'none' : `${formatNumber(t.points.at(-1)!.loss)} after ${plural(t.points.length, 'change')}`}`,
        )
        .join(' · '),
    },
    data: { values },
    hconcat: [
      panel('t', `${timeTitle(clock)}${logTime ? ', log scale' : ''}`, logTime, 'Against wall time'),
      panel('budgetSpent', 'Total budget spent (all runs, log scale)', true, 'Against budget spent'),
    ],
    resolve: { scale: { y: 'shared' } },
  };
  return searchChart('incumbent-trajectory', title, description, spec);
}
