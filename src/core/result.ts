import { InvalidOptionError } from './errors.js';
import { configIdKey } from './types.js';
import type { ConfigId, ConfigInfo, Configuration, Run } from './types.js';
import { readRunDirectory } from '../storage/run-reader.js';
import type { LoggedConfig } from '../storage/run-reader.js';

/** What a {@link Result} is built from: the shape `readRunDirectory` returns. */
export interface ResultData {
  /** Configurations by {@link configIdKey}. */
  readonly configs: ReadonlyMap<string, LoggedConfig>;
  /** Every logged run, in log order. */
  readonly runs: readonly Run[];
  /** Warnings from reading the log, if any. */
  readonly warnings?: readonly string[];
}

/** The best configuration found. */
export interface Incumbent {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly loss: number;
  readonly budget: number;
  readonly info: Readonly<Record<string, unknown>>;
}

/**
 * How {@link Result.trajectory} decides that a run replaces the incumbent:
 * - `'paper'` (the BOHB paper's any-time curve): its budget is at least the incumbent's and
 *   its loss is lower.
 * - `'max-budget'`: only runs on the largest budget count; a lower loss wins.
 */
export type TrajectoryRule = 'paper' | 'max-budget';

/** One change of incumbent over time. */
export interface TrajectoryPoint {
  readonly configId: ConfigId;
  readonly budget: number;
  readonly loss: number;
  /** When the run finished, in seconds since the epoch. */
  readonly finished: number;
  /** Sum of the budgets of all runs (failed ones included) finished up to and including this one. */
  readonly cumulativeBudget: number;
}

/** One point of a configuration's learning curve. */
export interface LearningCurvePoint {
  readonly budget: number;
  readonly loss: number;
}

/** A configuration and what its generator recorded about it. */
export interface ConfigEntry {
  readonly config: Configuration;
  readonly info: ConfigInfo;
}

/** The figures hpbandster's `Result` reports for a run, with its field names. */
export interface ResultSummary {
  /** `Result.get_incumbent_id()`; null when no run on the largest budget succeeded. */
  readonly incumbent_id: ConfigId | null;
  readonly incumbent_config: Configuration | null;
  /** Number of logged runs. */
  readonly n_runs: number;
  /** Number of logged configurations (`len(get_id2config_mapping())`). */
  readonly n_configs: number;
  /** Number of runs without a loss. */
  readonly n_crashed: number;
  /** Distinct budgets, ascending. */
  readonly budgets: number[];
  readonly incumbent_loss_at_max_budget: number | null;
}

/** Fixed leading columns of {@link Result.toCSV}. */
const CSV_COLUMNS = ['iteration', 'stage', 'index', 'budget', 'loss', 'error', 'submitted', 'started', 'finished', 'model_based_pick'];

/**
 * The outcome of a search: every run and configuration, the incumbent, its trajectory and the
 * learning curves. The counterpart of hpbandster's `hpbandster.core.result.Result`, read from a
 * run directory with {@link Result.fromDirectory} or handed over by the scheduler.
 *
 * A run "has a loss" when its loss is a finite number; failed runs (loss null) and non-finite
 * losses never become incumbents.
 */
export class Result {
  /** Warnings from reading the run's log (lines skipped); empty for a result built in memory. */
  readonly warnings: readonly string[];
  private readonly configs: ReadonlyMap<string, LoggedConfig>;
  private readonly runs: readonly Run[];
  private readonly runsByFinish: readonly Run[];

  /**
   * @param data configurations and runs, e.g. `readRunDirectory(dir)`; copied, so later changes
   *   to `data` do not show here.
   * @throws InvalidOptionError when a run's configuration is not among `data.configs`.
   */
  constructor(data: ResultData) {
    this.configs = new Map(data.configs);
    const warnings = [...(data.warnings ?? [])];
    data.runs.forEach((run, i) => {
      if (!this.configs.has(configIdKey(run.configId))) {
        throw new InvalidOptionError(
          `data.runs[${i}] is a run of configuration ${configIdKey(run.configId)}, which data.configs does not hold`,
        );
      }
    });
    this.runs = onePerJob(data.runs, warnings);
    this.warnings = warnings;
    // Array#sort is stable: runs finished at the same time keep their log order.
    this.runsByFinish = [...this.runs].sort((a, b) => a.timestamps.finished - b.timestamps.finished);
  }

  /**
   * Reads the run directory `dir` (hpbandster's or bandster's); lines skipped while reading are
   * listed in {@link warnings}.
   * @throws RunLogError when the directory cannot be read (see `readRunDirectory`).
   */
  static fromDirectory(dir: string): Result {
    return new Result(readRunDirectory(dir));
  }

  /** The distinct budgets of all runs (failed ones included), ascending. */
  get budgets(): number[] {
    return [...new Set(this.runs.map((run) => run.budget))].sort((a, b) => a - b);
  }

  /** The largest budget any run used; undefined when there are no runs. */
  get maxBudget(): number | undefined {
    const budgets = this.budgets;
    return budgets.length === 0 ? undefined : budgets[budgets.length - 1];
  }

  /** Number of runs (a configuration evaluated on four budgets counts four times; a job logged twice, once). */
  get nRuns(): number {
    return this.runs.length;
  }

  /** Number of configurations. */
  get nConfigs(): number {
    return this.configs.size;
  }

  /** Number of runs that failed (loss null, or not finite). */
  get nFailed(): number {
    return this.runs.filter((run) => !hasLoss(run)).length;
  }

  /**
   * The best configuration on the largest budget, as hpbandster's `Result.get_incumbent_id`:
   * for each configuration its run on the largest budget — the last one logged, when there are
   * several, since hpbandster keeps one result per budget and later ones overwrite — and among
   * those with a loss, the lowest loss; ties go to the lowest config id (Python's
   * `min((loss, id))`). Undefined when no run on the largest budget has a loss.
   */
  incumbent(): Incumbent | undefined {
    return this.best(1)[0];
  }

  /**
   * The `count` best configurations on the largest budget, best first: the one ranking behind
   * {@link incumbent}, `bandster summary`, the report and the CLI. Each configuration counts with
   * its last logged run on the largest budget (hpbandster keeps one result per budget; later ones
   * overwrite); runs without a finite loss are left out; ties go to the lower config id.
   */
  best(count: number): Incumbent[] {
    if (!Number.isInteger(count) || count < 0) throw new InvalidOptionError(`count must be an integer >= 0 (got ${count})`);
    const maxBudget = this.maxBudget;
    const lastAtMax = new Map<string, Run>();
    for (const run of this.runs) if (run.budget === maxBudget) lastAtMax.set(configIdKey(run.configId), run);
    return [...lastAtMax.values()]
      .filter(hasLoss)
      .sort((a, b) => a.loss - b.loss || compareIds(a.configId, b.configId))
      .slice(0, count)
      .map((run) => ({ configId: run.configId, config: this.configOf(run.configId)!, loss: run.loss, budget: run.budget, info: run.info }));
  }

  /**
   * The incumbent over time: runs in order of finishing, failed ones skipped, each run that
   * replaces the incumbent under `rule` (see {@link TrajectoryRule}) giving one point.
   *
   * Note that hpbandster's `get_incumbent_trajectory` (defaults) differs from `'paper'`: there a
   * run on a larger budget replaces the incumbent even with a higher loss.
   *
   * @throws InvalidOptionError when `rule` is not a {@link TrajectoryRule}.
   */
  trajectory(rule: TrajectoryRule = 'paper'): TrajectoryPoint[] {
    if (rule !== 'paper' && rule !== 'max-budget') {
      throw new InvalidOptionError(`rule must be 'paper' or 'max-budget' (got ${JSON.stringify(rule)})`);
    }
    const maxBudget = this.maxBudget;
    const points: TrajectoryPoint[] = [];
    let cumulativeBudget = 0;
    let current: { budget: number; loss: number } | undefined;
    for (const run of this.runsByFinish) {
      cumulativeBudget += run.budget;
      if (!hasLoss(run)) continue;
      if (rule === 'max-budget' && run.budget !== maxBudget) continue;
      if (!replacesIncumbent(run, current)) continue;
      current = { budget: run.budget, loss: run.loss };
      points.push({ configId: run.configId, budget: run.budget, loss: run.loss, finished: run.timestamps.finished, cumulativeBudget });
    }
    return points;
  }

  /** Every run, ordered by finishing time (ties in log order). */
  allRuns(): Run[] {
    return [...this.runsByFinish];
  }

  /** The runs of one configuration, ordered by finishing time; empty for an unknown id. */
  runsOf(configId: ConfigId): Run[] {
    const key = configIdKey(configId);
    return this.runsByFinish.filter((run) => configIdKey(run.configId) === key);
  }

  /**
   * Each configuration's learning curve: its runs with a loss, by ascending budget (what
   * hpbandster's `get_learning_curves` returns with its default extractor). Every configuration
   * has an entry, empty when none of its runs succeeded.
   */
  learningCurves(): Map<string, LearningCurvePoint[]> {
    const curves = new Map<string, LearningCurvePoint[]>();
    for (const key of this.configs.keys()) curves.set(key, []);
    for (const run of this.runs) {
      if (hasLoss(run)) curves.get(configIdKey(run.configId))!.push({ budget: run.budget, loss: run.loss });
    }
    for (const curve of curves.values()) curve.sort((a, b) => a.budget - b.budget);
    return curves;
  }

  /** Configuration and info (with `model_based_pick`) by config key, as hpbandster's `get_id2config_mapping`. */
  idToConfig(): Map<string, ConfigEntry> {
    return new Map([...this.configs].map(([key, entry]) => [key, { config: entry.config, info: entry.info }]));
  }

  /** The configuration with id `configId`, or undefined when there is none. */
  configOf(configId: ConfigId): Configuration | undefined {
    return this.configs.get(configIdKey(configId))?.config;
  }

  /**
   * Everything as a plain, JSON-ready object: counts, budgets, incumbent, trajectory (rule
   * `'paper'`), runs (by finishing time) and configurations. Non-finite losses become null
   * under `JSON.stringify`, as always.
   */
  toJSON(): {
    nRuns: number;
    nConfigs: number;
    nFailed: number;
    budgets: number[];
    incumbent: Incumbent | null;
    trajectory: TrajectoryPoint[];
    runs: Run[];
    configs: LoggedConfig[];
    warnings: string[];
  } {
    return {
      nRuns: this.nRuns,
      nConfigs: this.nConfigs,
      nFailed: this.nFailed,
      budgets: this.budgets,
      incumbent: this.incumbent() ?? null,
      trajectory: this.trajectory(),
      runs: this.allRuns(),
      configs: [...this.configs.values()],
      warnings: [...this.warnings],
    };
  }

  /**
   * One CSV row per run, by finishing time: iteration, stage, index, budget, loss (empty when
   * failed), error (`true` when the run failed, `false` otherwise), submitted, started, finished, model_based_pick, then one
   * column per hyperparameter name in sorted order (empty where a configuration lacks it).
   * RFC 4180 quoting (fields with a comma, quote or line break are quoted, quotes doubled),
   * lines ending in `\n`.
   */
  toCSV(): string {
    const names = [...new Set([...this.configs.values()].flatMap((entry) => Object.keys(entry.config)))].sort();
    const rows = [[...CSV_COLUMNS, ...names]];
    for (const run of this.runsByFinish) {
      const entry = this.configs.get(configIdKey(run.configId))!;
      rows.push([
        ...run.configId.map(String),
        String(run.budget),
        run.loss === null ? '' : String(run.loss),
        String(!hasLoss(run) || run.error !== null),
        String(run.timestamps.submitted),
        String(run.timestamps.started),
        String(run.timestamps.finished),
        String(entry.info.model_based_pick),
        ...names.map((name) => (name in entry.config ? String(entry.config[name]) : '')),
      ]);
    }
    return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
  }

  /**
   * The figures hpbandster's `Result` reports (incumbent id and config, counts, budgets,
   * incumbent loss on the largest budget), with hpbandster's names; null where Python has None.
   */
  summary(): ResultSummary {
    const incumbent = this.incumbent();
    return {
      incumbent_id: incumbent ? incumbent.configId : null,
      incumbent_config: incumbent ? incumbent.config : null,
      n_runs: this.nRuns,
      n_configs: this.nConfigs,
      n_crashed: this.nFailed,
      budgets: this.budgets,
      incumbent_loss_at_max_budget: incumbent ? incumbent.loss : null,
    };
  }
}

/**
 * True when the run has a loss: not failed, and finite. A non-finite loss read from a log (Python's
 * json writes `NaN` and `Infinity`) counts as a failure, as it does when an objective returns one.
 */
export function hasLoss(run: Run): run is Run & { readonly loss: number } {
  return run.loss !== null && Number.isFinite(run.loss);
}

/**
 * The BOHB paper's any-time incumbent rule: a run with a loss replaces the incumbent when its
 * budget is at least the incumbent's and its loss is lower. Used by {@link Result.trajectory}
 * and by the search's `incumbent` event.
 */
export function replacesIncumbent(
  candidate: { readonly budget: number; readonly loss: number },
  current: { readonly budget: number; readonly loss: number } | undefined,
): boolean {
  if (!Number.isFinite(candidate.loss)) return false;
  return current === undefined || (candidate.budget >= current.budget && candidate.loss < current.loss);
}

/** How many repeated jobs a warning names before it only counts the rest. */
const REPEATS_NAMED = 10;

/**
 * One run per job (configuration and budget): a job logged twice — a corrupted log, two writers
 * before bandster locked run directories — counts once, with its last row (hpbandster's
 * `logged_results_to_HBS_result` keeps one result per budget; later lines overwrite). The kept row
 * takes the place of the last one, so the order stays the log's. Each repeated job is named in
 * `warnings`.
 */
function onePerJob(runs: readonly Run[], warnings: string[]): Run[] {
  const jobKey = (run: Run): string => `${configIdKey(run.configId)}@${run.budget}`;
  const count = new Map<string, number>();
  for (const run of runs) count.set(jobKey(run), (count.get(jobKey(run)) ?? 0) + 1);
  if (count.size === runs.length) return [...runs];
  const repeated = [...count].filter(([, times]) => times > 1);
  const named = repeated.slice(0, REPEATS_NAMED).map(([key, times]) => `${key.replace('@', ' on budget ')} logged ${times} times`);
  if (repeated.length > REPEATS_NAMED) named.push(`and ${repeated.length - REPEATS_NAMED} more`);
  warnings.push(`${repeated.length} jobs appear more than once in the log (${named.join(', ')}); each counts once, with its last row`);
  const seen = new Map(count);
  return runs.filter((run) => {
    const left = seen.get(jobKey(run))! - 1;
    seen.set(jobKey(run), left);
    return left === 0;
  });
}

/** Python's tuple ordering on config ids. */
function compareIds(a: ConfigId, b: ConfigId): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
