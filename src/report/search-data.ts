/**
 * The tables the search pictures are drawn from, computed from a {@link Result}: times relative to
 * the first submission, budgets as labels, each configuration's pick type, the best configurations.
 */
import type { Result } from '../core/result.js';
import { configIdKey, type Configuration, type Run } from '../core/types.js';
import { timeUnitFor, type TimeUnit } from './time-unit.js';

/** A budget as it is printed on axes and legends: at most 6 significant digits, no trailing zeros. */
export function formatBudget(budget: number): string {
  return String(Number(budget.toPrecision(6)));
}

/**
 * A loss or other value for tables and labels: `digits` significant digits, no exponent for
 * ordinary sizes; trailing zeros dropped unless `keepZeros` (columns of numbers line up better with them).
 */
export function formatNumber(value: number | null | undefined, digits = 4, keepZeros = false): string {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const text =
    magnitude >= 1e-3 && magnitude < 1e7
      ? keepZeros
        ? value.toPrecision(digits)
        : String(Number(value.toPrecision(digits)))
      : value.toExponential(digits - 1);
  return text.replace('-', '−');
}

/** The clock of a run: when it began, how long it lasted, and the unit its axes use. */
export interface RunClock {
  /** The earliest `submitted` timestamp (seconds since the epoch); 0 when there are no runs. */
  readonly origin: number;
  /** The latest `finished` timestamp minus {@link origin}, in seconds. */
  readonly spanSeconds: number;
  readonly unit: TimeUnit;
  /** A timestamp as time since {@link origin}, in {@link unit}s. */
  at(timestamp: number): number;
}

/** The clock of `runs` (see {@link RunClock}). */
export function runClock(runs: readonly Run[]): RunClock {
  let origin = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const run of runs) {
    origin = Math.min(origin, run.timestamps.submitted, run.timestamps.started, run.timestamps.finished);
    end = Math.max(end, run.timestamps.finished);
  }
  if (runs.length === 0) {
    origin = 0;
    end = 0;
  }
  const spanSeconds = Math.max(0, end - origin);
  const unit = timeUnitFor(spanSeconds);
  return { origin, spanSeconds, unit, at: (timestamp) => (timestamp - origin) / unit.seconds };
}

export { hasLoss } from '../core/result.js';

/** One of the best configurations on the largest budget. */
export interface BestConfiguration {
  /** 1 for the best. */
  readonly rank: number;
  readonly configKey: string;
  readonly loss: number;
  readonly budget: number;
  readonly modelBasedPick: boolean | undefined;
  readonly config: Configuration;
  /** The configuration's losses on every budget it has one on, ascending by budget. */
  readonly curve: readonly { readonly budget: number; readonly loss: number }[];
}

/** The `count` best configurations on the largest budget, ranked by {@link Result.best}, with their learning curves. */
export function bestConfigurations(result: Result, count = 10): BestConfiguration[] {
  const entries = result.idToConfig();
  const curves = result.learningCurves();
  return result.best(Math.max(0, count)).map((best, i) => {
    const key = configIdKey(best.configId);
    const info = entries.get(key)?.info;
    return {
      rank: i + 1,
      configKey: key,
      loss: best.loss,
      budget: best.budget,
      modelBasedPick: typeof info?.model_based_pick === 'boolean' ? info.model_based_pick : undefined,
      config: best.config,
      curve: curves.get(key) ?? [],
    };
  });
}

/** Whether each configuration was proposed by the model (`model_based_pick`), by config key. */
export function modelBasedPicks(result: Result): Map<string, boolean | undefined> {
  return new Map(
    [...result.idToConfig()].map(([key, entry]) => [
      key,
      typeof entry.info.model_based_pick === 'boolean' ? entry.info.model_based_pick : undefined,
    ]),
  );
}
