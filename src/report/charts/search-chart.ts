/** What every search-analysis chart shares: its description record, the run data it is built from, and the axes and colours common to several. */
import type { TopLevelSpec } from 'vega-lite';
import type { Result } from '../../core/result.js';
import type { Run } from '../../core/types.js';
import { formatBudget, type RunClock } from '../search-data.js';
import { sequentialColors } from '../theme.js';

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

/** What a chart builder is given: the run, read once for all six. */
export interface SearchChartContext {
  readonly result: Result;
  /** By finishing time. */
  readonly runs: Run[];
  readonly clock: RunClock;
  /** Width of the picture in CSS pixels, padding included. */
  readonly width: number;
  readonly budgets: number[];
}

export function searchChart(
  name: SearchChartName,
  title: string,
  description: string,
  spec: TopLevelSpec | null,
  skipped?: string,
): SearchChart {
  return { name, file: `${name}.png`, title, description, spec, ...(spec === null ? { skipped } : {}) };
}

/** The time axis: from the first submission to the last finish, in the clock's unit. */
export function timeX(clock: RunClock) {
  const end = clock.spanSeconds / clock.unit.seconds;
  return {
    field: 't',
    type: 'quantitative' as const,
    title: timeTitle(clock),
    scale: { domain: [0, end > 0 ? end : 1], nice: false },
    axis: { labelFlush: false, tickCount: 10 },
  };
}

export function timeTitle(clock: RunClock): string {
  return `Wall time since the first submission (${clock.unit.symbol})`;
}

export function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

/** A colour encoding for budgets (ordinal, ascending), viridis; `extra` adds categories after them. */
export function budgetColor(budgets: readonly number[], extra: readonly { label: string; color: string }[] = []) {
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
