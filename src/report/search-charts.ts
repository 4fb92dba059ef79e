/**
 * The search-analysis pictures hpbandster users know (its `hpvis` module), as vega-lite specs
 * built from a {@link Result}: losses over time, runs in progress, finished runs, loss
 * correlation across budgets, model-based vs random picks, and the incumbent's trajectory.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Result } from '../core/result.js';
import { configIdKey, type Run } from '../core/types.js';
import { concurrencyTimeline, peakValue, type StepPoint } from './concurrency-timeline.js';
import { cumulativeCountsBy } from './cumulative-counts.js';
import { lossCorrelationAcrossBudgets, MIN_CORRELATION_PAIRS } from './loss-correlation.js';
import { formatBudget, formatNumber, hasLoss, modelBasedPicks, runClock, type RunClock } from './search-data.js';
import { CATEGORY_COLORS, NEUTRAL_COLOR, sequentialColors } from './theme.js';

/** The pictures of a search report, in the order they appear. */
export const SEARCH_CHART_NAMES = [
  'losses-over-time',
  'concurrent-runs',
  'finished-runs',
  'loss-correlation',
  'model-vs-random',
  'incumbent-trajectory',
] as const;

export type SearchChartName = (typeof SEARCH_CHART_NAMES)[number];

/** One picture of a search report: its spec, or why there is none. */
export interface SearchChart {
  readonly name: SearchChartName;
  /** File name of the PNG, e.g. `losses-over-time.png`. */
  readonly file: string;
  readonly title: string;
  /** One or two sentences on how to read the picture (plain text). */
  readonly description: string;
  /** The chart; null when the run has nothing to draw (see {@link skipped}). */
  readonly spec: TopLevelSpec | null;
  /** Why the chart was not drawn, when {@link spec} is null. */
  readonly skipped?: string;
}

/** Layout of the charts. */
export interface SearchChartOptions {
  /** Width in CSS pixels the charts are laid out for. @defaultValue 900 */
  readonly width?: number;
}

const PADDING = 16;
const MODEL_COLOR = CATEGORY_COLORS[0];
const RANDOM_COLOR = '#E69F00';
const PAPER_COLOR = CATEGORY_COLORS[0];
const MAX_BUDGET_COLOR = CATEGORY_COLORS[1];
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Every chart of the report for `result` (specs only; nothing is drawn). */
export function searchCharts(result: Result, options: SearchChartOptions = {}): SearchChart[] {
  const width = options.width ?? 900;
  const runs = result.allRuns();
  const context: ChartContext = { result, runs, clock: runClock(runs), width, budgets: result.budgets };
  return [
    lossesOverTime(context),
    concurrentRuns(context),
    finishedRuns(context),
    lossCorrelation(context),
    modelVsRandom(context),
    incumbentTrajectory(context),
  ];
}

interface ChartContext {
  readonly result: Result;
  /** By finishing time. */
  readonly runs: Run[];
  readonly clock: RunClock;
  readonly width: number;
  readonly budgets: number[];
}

function chart(name: SearchChartName, title: string, description: string, spec: TopLevelSpec | null, skipped?: string): SearchChart {
  return { name, file: `${name}.png`, title, description, spec, ...(spec === null ? { skipped } : {}) };
}

/** The time axis: from the first submission to the last finish, in the clock's unit. */
function timeX(clock: RunClock) {
  const end = clock.spanSeconds / clock.unit.seconds;
  return {
    field: 't',
    type: 'quantitative' as const,
    title: timeTitle(clock),
    scale: { domain: [0, end > 0 ? end : 1], nice: false },
    axis: { labelFlush: false, tickCount: 10 },
  };
}

function timeTitle(clock: RunClock): string {
  return `Wall time since the first submission (${clock.unit.symbol})`;
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

/** A colour encoding for budgets (ordinal, ascending), viridis; `extra` adds categories after them. */
function budgetColor(budgets: readonly number[], extra: readonly { label: string; color: string }[] = []) {
  return {
    field: 'budget',
    type: 'ordinal' as const,
    title: 'Budget',
    scale: {
      domain: [...budgets.map(formatBudget), ...extra.map((e) => e.label)],
      range: [...sequentialColors(budgets.length), ...extra.map((e) => e.color)],
    },
  };
}

/** Fit a single view into exactly `width` pixels, padding included. */
function fit(width: number) {
  return { width, autosize: { type: 'fit' as const, contains: 'padding' as const } };
}

// (a) ------------------------------------------------------------------------------------------
function lossesOverTime({ runs, clock, width, budgets }: ChartContext): SearchChart {
  const title = 'Losses over time';
  const description =
    'Every run at the moment it finished, coloured by budget. Points drifting down over time mean the search is finding better configurations; failed runs have no loss and are drawn as crosses along the top edge.';
  if (runs.length === 0) return chart('losses-over-time', title, description, null, 'the run has no finished runs');
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
    failed.length > 0 && lossValues.length > 0 ? { domain: [low - 0.03 * range, high + 0.12 * range], nice: false } : { zero: false };
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
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: `${plural(runs.length, 'run')} on ${plural(budgets.length, 'budget')}; ${failed.length === 0 ? 'no run failed' : `${plural(failed.length, 'run')} failed`}.`,
    },
    ...fit(width),
    height: 420,
    layer: [
      {
        data: { values: ok },
        mark: { type: 'point', filled: true, size: 48, opacity: 0.75 },
        encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'Loss', scale: yScale }, color, ...(shape ? { shape } : {}) },
      },
      ...(failed.length > 0
        ? [
            {
              // A light strip holds the failed runs, apart from the losses.
              data: { values: [{}] },
              mark: { type: 'rect' as const, color: '#f3e3da', opacity: 0.7 },
              encoding: { x: { value: 0 }, x2: { value: 'width' as const }, y: { value: 0 }, y2: { value: 24 } },
            },
            {
              data: { values: failed },
              mark: { type: 'point' as const, filled: true, size: 120, angle: 45, opacity: 0.95, stroke: '#1a1a1a', strokeWidth: 0.6 },
              encoding: { x, y: { value: 12 }, color, shape: shape! },
            },
          ]
        : []),
    ],
    resolve: { scale: { shape: 'shared' } },
  };
  return chart('losses-over-time', title, description, spec);
}

const FAILED_LABEL = 'failed (top edge)';

// (b) ------------------------------------------------------------------------------------------
function concurrentRuns({ runs, clock, width }: ChartContext): SearchChart {
  const title = 'Runs in progress';
  const description =
    'How many runs were being evaluated at each moment (from their started and finished times). Dips below the number of workers are idle workers: rung barriers, model fitting, or dispatch overhead.';
  if (runs.length === 0) return chart('concurrent-runs', title, description, null, 'the run has no finished runs');
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
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: `At most ${plural(peak, 'run')} at once; ${formatNumber(mean, 3)} on average over the run (time-weighted).`,
    },
    ...fit(width),
    height: 300,
    data: { values: points.map((point) => ({ t: point.time, running: point.value })) },
    encoding: {
      x: timeX(clock),
      y: {
        field: 'running',
        type: 'quantitative',
        title: 'Runs in progress',
        scale: { domainMin: 0, domainMax: Math.max(1, peak) + (peak < 4 ? 0.25 : 0), nice: false },
        axis: { tickMinStep: 1, format: 'd' },
      },
    },
    layer: [
      { mark: { type: 'area', interpolate: 'step-after', color: CATEGORY_COLORS[0], opacity: 0.18 } },
      { mark: { type: 'line', interpolate: 'step-after', color: CATEGORY_COLORS[0], strokeWidth: 1.4 } },
    ],
  };
  return chart('concurrent-runs', title, description, spec);
}

/** The mean of a step curve over its time span; its last point only closes the span. */
function timeWeightedMean(points: readonly StepPoint[]): number {
  if (points.length < 2) return points.length === 1 ? points[0].value : 0;
  let area = 0;
  for (let i = 0; i + 1 < points.length; i++) area += points[i].value * (points[i + 1].time - points[i].time);
  const span = points[points.length - 1].time - points[0].time;
  return span > 0 ? area / span : points[0].value;
}

// (c) ------------------------------------------------------------------------------------------
function finishedRuns({ runs, clock, width, budgets }: ChartContext): SearchChart {
  const title = 'Finished runs over time';
  const description =
    'The number of runs finished so far on each budget (failed ones included) and in total. Successive halving evaluates many configurations on the small budgets and promotes a few: the curves climb in steps as rungs complete.';
  if (runs.length === 0) return chart('finished-runs', title, description, null, 'the run has no finished runs');
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
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: budgets.map((budget) => `budget ${formatBudget(budget)}: ${byBudget.get(formatBudget(budget))!.at(-1)!.value}`).join(' · '),
    },
    ...fit(width),
    height: 360,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.2 },
    encoding: {
      x: timeX(clock),
      y: { field: 'finished', type: 'quantitative', title: 'Runs finished', axis: { tickMinStep: 1, format: 'd' } },
      color: budgetColor(budgets, [{ label: ALL, color: NEUTRAL_COLOR }]),
      strokeDash: { condition: { test: `datum.budget === '${ALL}'`, value: [6, 4] }, value: [1, 0] },
    },
  };
  return chart('finished-runs', title, description, spec);
}

// (d) ------------------------------------------------------------------------------------------
function lossCorrelation({ runs, width }: ChartContext): SearchChart {
  const title = 'Loss correlation across budgets';
  const description = `Spearman's rank correlation between the losses of the configurations evaluated on both budgets (n of them, at least ${MIN_CORRELATION_PAIRS}). Near 1, a small budget ranks configurations as the large one does, so successive halving promotes the right ones; near 0 or below, the small budgets mislead it.`;
  const correlation = lossCorrelationAcrossBudgets(runs);
  if (correlation.budgets.length < 2) return chart('loss-correlation', title, description, null, 'fewer than two budgets have a loss');
  const labelOf = (rho: number, n: number) => (Number.isNaN(rho) ? `n/a\nn = ${n}` : `${formatRho(rho)}\nn = ${n}`);
  const consecutive = correlation.consecutive.map((pair) => ({
    pair: `${formatBudget(pair.lowerBudget)} → ${formatBudget(pair.higherBudget)}`,
    rho: Number.isNaN(pair.rho) ? null : pair.rho,
    label: labelOf(pair.rho, pair.nConfigs),
    labelY: Number.isNaN(pair.rho) ? 0 : pair.rho,
  }));
  const lowerLabels = correlation.budgets.slice(0, -1).map(formatBudget);
  const higherLabels = correlation.budgets.slice(1).map(formatBudget);
  const cells = correlation.pairs.map((pair) => ({
    lower: formatBudget(pair.lowerBudget),
    higher: formatBudget(pair.higherBudget),
    rho: Number.isNaN(pair.rho) ? null : pair.rho,
    valid: !Number.isNaN(pair.rho),
    label: labelOf(pair.rho, pair.nConfigs),
    dark: !Number.isNaN(pair.rho) && Math.abs(pair.rho) > 0.55,
  }));
  const panelHeight = 280;
  const pairX = { field: 'pair', type: 'ordinal' as const, title: 'Budgets', sort: null, axis: { labelAngle: 0 } };
  const leftWidth = Math.round((width - 2 * PADDING) * 0.36);
  const cellSide = Math.min(90, Math.round((width - 2 * PADDING - leftWidth - 230) / Math.max(1, higherLabels.length)));
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: { text: title, subtitle: "Spearman's ρ of the losses of configurations evaluated on both budgets" },
    hconcat: [
      {
        title: { text: 'Consecutive budgets', fontSize: 13.5, anchor: 'middle', offset: 8 },
        width: leftWidth,
        height: panelHeight,
        data: { values: consecutive },
        layer: [
          { mark: { type: 'rule', color: '#9a9a9a', strokeWidth: 1 }, encoding: { y: { datum: 0, type: 'quantitative' } } },
          {
            mark: { type: 'rule', color: CATEGORY_COLORS[0], strokeWidth: 3 },
            encoding: { x: pairX, y: { field: 'rho', type: 'quantitative' }, y2: { datum: 0 } },
          },
          {
            mark: { type: 'point', filled: true, size: 140, color: CATEGORY_COLORS[0], opacity: 1 },
            encoding: { x: pairX, y: { field: 'rho', type: 'quantitative', title: "Spearman's ρ", scale: { domain: [-1, 1] } } },
          },
          {
            mark: { type: 'text', lineBreak: '\n', fontSize: 11.5, color: '#262626', align: 'left', baseline: 'middle', dx: 11 },
            encoding: { x: pairX, y: { field: 'labelY', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        title: { text: 'All pairs', fontSize: 13.5, anchor: 'middle', offset: 8 },
        width: cellSide * higherLabels.length,
        height: cellSide * lowerLabels.length,
        data: { values: cells },
        encoding: {
          x: {
            field: 'higher',
            type: 'ordinal',
            title: 'Higher budget',
            scale: { domain: higherLabels },
            axis: { labelAngle: 0, orient: 'bottom' },
          },
          y: { field: 'lower', type: 'ordinal', title: 'Lower budget', scale: { domain: lowerLabels } },
        },
        layer: [
          {
            transform: [{ filter: 'datum.valid' }],
            mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 },
            encoding: {
              color: {
                field: 'rho',
                type: 'quantitative',
                title: 'ρ',
                scale: { scheme: 'blueorange', domain: [-1, 1], reverse: true },
                legend: { gradientLength: Math.max(120, cellSide * lowerLabels.length - 20), format: '.1f' },
              },
            },
          },
          { transform: [{ filter: '!datum.valid' }], mark: { type: 'rect', color: '#efefef', stroke: '#ffffff', strokeWidth: 2 } },
          {
            mark: { type: 'text', lineBreak: '\n', fontSize: 12 },
            encoding: { text: { field: 'label' }, color: { condition: { test: 'datum.dark', value: '#ffffff' }, value: '#1a1a1a' } },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return chart('loss-correlation', title, description, spec);
}

function formatRho(rho: number): string {
  return `ρ = ${rho.toFixed(2).replace('-', '−')}`;
}

// (e) ------------------------------------------------------------------------------------------
function modelVsRandom({ result, runs, width, budgets }: ChartContext): SearchChart {
  const title = 'Model-based vs random configurations';
  const description =
    "The losses of configurations the model proposed and of those sampled at random (BOHB samples a fraction at random, and everything before its model has enough data), on each budget. A model that helps puts its picks' box lower than the random one's; a configuration promoted to larger budgets keeps its pick type.";
  const picks = modelBasedPicks(result);
  const withLoss = runs.filter(hasLoss);
  if (withLoss.length === 0) return chart('model-vs-random', title, description, null, 'no run has a loss');
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
  // Golden-ratio jitter: deterministic, and spread evenly whatever the number of points.
  const values = withLoss.map((run, i) => ({
    panel: panelOf(formatBudget(run.budget)),
    pick: pickOf(run),
    loss: run.loss,
    jitter: ((i * 0.6180339887) % 1) - 0.5,
  }));
  const domain = ['model-based', 'random', ...(values.some((v) => v.pick === 'unknown') ? ['unknown'] : [])];
  const color = {
    field: 'pick',
    type: 'nominal' as const,
    title: 'Picked',
    scale: { domain, range: [MODEL_COLOR, RANDOM_COLOR, '#999999'] },
    legend: null,
  };
  const panels = budgetsWithLoss.length;
  const panelWidth = Math.max(90, Math.floor((width - 2 * PADDING - 80 - 18 * (panels - 1)) / panels));
  const maxLabel = formatBudget(budgetsWithLoss[budgetsWithLoss.length - 1]);
  const atMax = counts.get(maxLabel)!;
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
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
      height: 340,
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
            size: Math.min(44, panelWidth / 4),
            opacity: 0.3,
            median: { color: '#1a1a1a', strokeWidth: 2 },
            rule: { color: '#666666' },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 26, opacity: 0.75 },
          encoding: { xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-1.6, 1.6] } } },
        },
      ],
    },
  };
  return chart('model-vs-random', title, description, spec);
}

// (f) ------------------------------------------------------------------------------------------
function incumbentTrajectory({ result, runs, clock, width }: ChartContext): SearchChart {
  const title = 'Incumbent trajectory';
  const description =
    "The best loss found so far, against wall time and against the total budget spent. Paper rule (the BOHB paper's any-time curve): a run replaces the incumbent when its budget is at least the incumbent's and its loss is lower. Max-budget rule: only runs on the largest budget count. Both axes are logarithmic.";
  const rules = [
    { rule: 'paper' as const, label: 'paper rule', color: PAPER_COLOR },
    { rule: 'max-budget' as const, label: 'max-budget rule', color: MAX_BUDGET_COLOR },
  ];
  const trajectories = rules.map((r) => ({ ...r, points: result.trajectory(r.rule) }));
  if (trajectories.every((t) => t.points.length === 0)) return chart('incumbent-trajectory', title, description, null, 'no run has a loss');
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
  // Where both rules agree their lines coincide: the max-budget line is drawn wide and light
  // underneath the thin paper line, so that both stay visible.
  const lineOf = (label: string, strokeWidth: number, opacity: number) => ({
    transform: [{ filter: { field: 'rule', equal: label } }],
    mark: { type: 'line' as const, interpolate: 'step-after' as const, strokeWidth, opacity },
  });
  const y = { field: 'loss', type: 'quantitative' as const, title: 'Incumbent loss', scale: { zero: false } };
  const panelWidth = Math.floor((width - 2 * PADDING - 36 - 2 * 75) / 2);
  const panel = (field: 't' | 'budgetSpent', axisTitle: string, log: boolean, panelTitle: string) => ({
    title: { text: panelTitle, fontSize: 13.5, anchor: 'middle' as const, offset: 8 },
    width: panelWidth,
    height: 330,
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
      lineOf(rules[1].label, 6, 0.55),
      lineOf(rules[0].label, 2.2, 1),
      { transform: [{ filter: 'datum.marker' }], mark: { type: 'point' as const, filled: true, size: 46, opacity: 1 } },
    ],
  });
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
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
  return chart('incumbent-trajectory', title, description, spec);
}
