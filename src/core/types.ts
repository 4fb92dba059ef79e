import { invalidOption } from './option-checks.js';

/** A value of one hyperparameter. */
export type HyperparameterValue = number | string | boolean;

/**
 * A configuration: hyperparameter name to value. Inactive hyperparameters (whose
 * conditions do not hold) are absent, as in ConfigSpace.
 */
export type Configuration = Readonly<Record<string, HyperparameterValue>>;

/**
 * hpbandster's configuration id: `[iteration, stage, index]` — the successive-halving
 * iteration that sampled it, the rung (stage) at which it was sampled, and its index there.
 */
export type ConfigId = readonly [iteration: number, stage: number, index: number];

/** The one canonical string form of a config id, e.g. `"3-0-12"`, usable as a map key. */
export function configIdKey(id: ConfigId): string {
  return `${id[0]}-${id[1]}-${id[2]}`;
}

/** What a config id must be, as error messages say it. */
export const CONFIG_ID_FORM = '[iteration, stage, index], three non-negative integers';

/**
 * Whether `value` is a config id: an array of three non-negative safe integers. The one check of
 * every place that reads ids from outside (run logs, the queue's job data, keys, the logger's callers).
 */
export function isConfigId(value: unknown): value is ConfigId {
  return Array.isArray(value) && value.length === 3 && value.every((part) => Number.isSafeInteger(part) && part >= 0);
}

/**
 * Parses {@link configIdKey}'s output back into a config id.
 * @throws InvalidOptionError when `key` is not three non-negative integers joined by '-'.
 */
export function parseConfigIdKey(key: string): ConfigId {
  const parts = typeof key === 'string' && /^\d+-\d+-\d+$/.test(key) ? key.split('-').map(Number) : undefined;
  if (!isConfigId(parts)) throw invalidOption('a config id key', 'three non-negative integers joined by "-", e.g. "3-0-12"', key);
  return parts;
}

/** Extra information a config generator records for a configuration (hpbandster's `config_info`). */
export interface ConfigInfo {
  /** True when the model proposed the configuration, false when it was sampled at random. */
  readonly model_based_pick: boolean;
  readonly [key: string]: unknown;
}

/** Status of one evaluation. */
export type RunStatus = 'ok' | 'failed';

/** What a config generator is told about a finished evaluation. */
export interface Observation {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly budget: number;
  /** The loss; `Infinity` for failed runs and non-finite losses (hpbandster counts them as bad). */
  readonly loss: number;
  readonly status: RunStatus;
  readonly info: Readonly<Record<string, unknown>>;
}

/** Wall-clock times of one evaluation, in seconds since the Unix epoch (hpbandster's unit). */
export interface RunTimestamps {
  submitted: number;
  started: number;
  finished: number;
}

/** One evaluation of one configuration on one budget, as logged in results.json. */
export interface Run {
  readonly configId: ConfigId;
  readonly budget: number;
  /** The loss; null when the run failed. */
  readonly loss: number | null;
  readonly info: Readonly<Record<string, unknown>>;
  /** The error text (message and stack) of a failed run; null when it succeeded. */
  readonly error: string | null;
  readonly timestamps: RunTimestamps;
}

/** Per-evaluation context handed to an objective. */
export interface TrialContext {
  readonly configId: ConfigId;
  readonly budget: number;
  /** Aborted when the search stops or the trial is cancelled; objectives should honour it. */
  readonly signal: AbortSignal;
  /** Reports an intermediate value (e.g. per-epoch validation loss). */
  report(step: number, loss: number): void;
  /** A working directory private to this configuration (for checkpoints), when the run has a log directory. */
  readonly workdir?: string;
  /**
   * How to run this attempt, as the search's admission rule chose it (e.g. `{ profile: 'frugal' }`
   * from a memory budget); absent when nothing was chosen.
   */
  readonly hints?: JobHints;
}

/** Settings of one attempt of a job chosen by an admission rule (src/core/admission.ts); plain JSON values. */
export type JobHints = Readonly<Record<string, string | number | boolean>>;

/** What an objective returns. */
export interface ObjectiveResult {
  readonly loss: number;
  readonly info?: Readonly<Record<string, unknown>>;
}

/**
 * The function being minimised: evaluate `config` with `budget` (epochs, samples, …). `C` is the
 * configuration type of the space (see `ConfigurationSpace`).
 */
export type Objective<C extends Configuration = Configuration> = (
  config: C,
  budget: number,
  ctx: TrialContext,
) => ObjectiveResult | number | Promise<ObjectiveResult | number>;

/** One unit of work handed to an executor. */
export interface Job {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly budget: number;
  /** Called by the executor with intermediate values reported by the objective. */
  readonly onReport?: (step: number, loss: number) => void;
  /** Called by the executor when the objective actually starts (after queueing). */
  readonly onStart?: () => void;
  /** Handed to the objective as `ctx.hints`. */
  readonly hints?: JobHints;
}

/**
 * A failure: the message and stack of what went wrong, and a stable kind. `'never-settled'`: the
 * objective's promise was still pending when the event loop ran out of work (nothing was left that
 * could settle it).
 */
export interface JobError {
  readonly kind: 'threw' | 'invalid-result' | 'non-finite-loss' | 'timeout' | 'aborted' | 'worker-exit' | 'out-of-memory' | 'never-settled';
  readonly message: string;
  readonly stack?: string;
}

/** The outcome of a job: a loss with info, or an error. Executors never reject for objective faults. */
export type JobOutcome =
  | { readonly status: 'ok'; readonly loss: number; readonly info: Readonly<Record<string, unknown>>; readonly startedAt?: number }
  | { readonly status: 'failed'; readonly error: JobError; readonly info?: Readonly<Record<string, unknown>>; readonly startedAt?: number };

/**
 * Runs jobs. The scheduler never knows the transport: in-process, thread pool and
 * distributed executors all satisfy this contract.
 */
export interface Executor {
  /** How many jobs may run at once; the scheduler keeps at most this many in flight. */
  readonly capacity: number;
  /** Runs one job; resolves with its outcome (failures included), never rejects for objective faults. */
  submit(job: Job, signal: AbortSignal): Promise<JobOutcome>;
  /** Releases resources; running jobs are aborted. */
  close(): Promise<void>;
}
