import * as path from 'node:path';
import {
  AskTell,
  type AskedJob,
  type AskOptions,
  type ExtendedLease,
  type JobRef,
  type LeaseRef,
  type OutstandingJob,
  type TellResult,
} from './ask-tell.js';
import type { AdmissionRule } from './admission.js';
import { AskTellError } from './ask-tell-error.js';
import { InvalidOptionError } from './errors.js';
import { runWithExecutor } from './executor-loop.js';
import { Result } from './result.js';
import { Rng } from './rng.js';
import type { SearchEvents } from './search-events.js';
import { type Emit, iterationsHeld, SearchRun } from './search-run.js';
import { checkLentLock, lockLogDirectory, type SearchLock } from './search-lock.js';
import { TypedEmitter } from './typed-emitter.js';
import type { Configuration, Executor, Objective, Run } from './types.js';
import { createExecutor, isExecutor, validateExecutorSpec, type ExecutorSpec } from '../executors/create-executor.js';
import { checkPlanSize } from '../optimizers/plan-size.js';
import type { ConfigGenerator } from '../optimizers/config-generator.js';
import {
  generatorOf,
  isOptimizerName,
  OPTIMIZER_NAMES,
  optimizerByName,
  validateOptimizer,
  type Optimizer,
  type ModelOptions,
  type OptimizerName,
} from '../optimizers/optimizer.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import type { RunLock } from '../storage/run-lock.js';
import { prepareSearchLog, type PreparedSearchLog } from '../storage/search-log.js';

export type { AskedJob, AskOptions, ExtendedLease, JobRef, LeaseRef, OutstandingJob, TellResult } from './ask-tell.js';

/** Options of a {@link Search}; validated in the constructor, before anything is allocated or written. */
export interface SearchOptions<C extends Configuration = Configuration> {
  /** The configuration space to search; a space built in TypeScript types the configurations. */
  readonly space: ConfigurationSpace<C>;
  /** The function to minimise, for {@link Search.run}; run in process. Give this, `executor`, or neither to drive the search with ask/tell. */
  readonly objective?: Objective<C>;
  /**
   * Runs the jobs (in process, thread pool, distributed): an {@link Executor} the caller owns, or
   * an {@link ExecutorSpec} from which the search builds one for its run and closes it after.
   * Give this or `objective` for {@link Search.run}.
   */
  readonly executor?: Executor | ExecutorSpec;
  /**
   * The optimizer: an {@link Optimizer} object (a generator and a bracket plan), or the name of
   * one bandster ships, built from `minBudget`, `maxBudget`, `eta` and `model`.
   * @defaultValue 'bohb'
   */
  readonly optimizer?: OptimizerName | Optimizer;
  /** Smallest budget; needed with an optimizer name, taken from the plan of an Optimizer object. */
  readonly minBudget?: number;
  /** Largest budget; needed with an optimizer name, taken from the plan of an Optimizer object. */
  readonly maxBudget?: number;
  /** @defaultValue 3 (with an Optimizer object: its plan's) */
  readonly eta?: number;
  /** Successive-halving iterations to run (hpbandster's `n_iterations`). */
  readonly nIterations: number;
  /**
   * Asynchronous successive halving (ASHA): promote a configuration as soon as it is in the top
   * 1/η of the results seen so far at its rung, so workers never wait at a rung barrier. The
   * search samples as many new configurations as `nIterations` synchronous iterations would.
   * @defaultValue false
   */
  readonly asynchronous?: boolean;
  /**
   * Run a plan larger than `PLAN_SIZE_LIMIT` evaluations (1,000,000; see optimizers/budgets.ts):
   * without it the constructor refuses such a plan with PlanTooLargeError (`ERR_PLAN_TOO_LARGE`),
   * since a plan of millions of evaluations is almost always a typo in the budgets or η. A ladder
   * of more than `MAX_RUNGS` budgets is refused either way.
   * @defaultValue false
   */
  readonly allowLargePlan?: boolean;
  /** Seed of every random choice; a random one is drawn and recorded in the log when absent. */
  readonly seed?: number;
  /** The named optimizer's model options: BOHB's (hpbandster's defaults otherwise) or DEHB's. */
  readonly model?: ModelOptions;
  /** Directory for hpbandster-format logs (configs.json, results.json, configspace.json, run.json). */
  readonly logDir?: string;
  /** Continue the search logged in `logDir`: finished evaluations are kept, unfinished ones re-run. @defaultValue false */
  readonly resume?: boolean;
  /** Replace an existing run in `logDir` instead of refusing. @defaultValue false */
  readonly overwrite?: boolean;
  /** Earlier runs (ours or hpbandster's) whose evaluations feed the model and are copied into the new log. */
  readonly warmStartFrom?: string | readonly string[];
  /**
   * A lock on `logDir` that the caller already holds ({@link RunLock.acquire}) — a server holding
   * each study's directory while it serves it: the search writes under it instead of taking its
   * own, and leaves it held when it ends. Without it, a search with a `logDir` locks the directory
   * itself from the moment it starts (`run()`, `open()` or the first `ask()`) until it ends, and a
   * directory that another process or search holds is refused with RunLockError `ERR_RUN_LOCKED`
   * naming the holder (a lock left by a process that died is taken over).
   */
  readonly lock?: RunLock;
  /**
   * Decides when each job of {@link Search.run} may start beyond the executor's capacity, and how
   * (`ctx.hints`): a {@link MemoryBudget} admits queued jobs while their predicted peaks fit. Ask/tell
   * callers decide that themselves.
   */
  readonly admission?: AdmissionRule;
  /**
   * Ask/tell: milliseconds a caller has to tell the result of a job it asked for; after that the
   * job is handed out again (see {@link Search.ask}). One ask can set its own.
   * @defaultValue 3600000 (one hour)
   */
  readonly leaseTimeoutMs?: number;
}

export const SEARCH_DEFAULTS = Object.freeze({
  optimizer: 'bohb' as OptimizerName,
  eta: 3,
  asynchronous: false,
  allowLargePlan: false,
  resume: false,
  overwrite: false,
  leaseTimeoutMs: 3_600_000,
});

/** Options of one {@link Search.run} call. */
export interface RunOptions {
  /** Stops the search: running jobs are told, nothing already finished is lost. */
  readonly signal?: AbortSignal;
}

/**
 * A hyperparameter search: hpbandster's Master without its transport. An {@link Optimizer}
 * (generator + bracket plan) proposes, a {@link Scheduler} turns the plan into jobs, and either
 * an {@link Executor} runs them ({@link run}) or the caller does ({@link ask} / {@link tell});
 * each finished job is logged first, then fed to the model, then may promote configurations.
 *
 * `C` is the type of the configurations: the one a space built in TypeScript carries
 * (`{ lr: number; optimizer: 'adam' | 'sgd' }`), or the plain {@link Configuration} record of a
 * space read from JSON.
 */
export class Search<C extends Configuration = Configuration> extends TypedEmitter<SearchEvents> {
  private readonly options: SearchOptions<C>;
  private readonly optimizer: Optimizer;
  /** Evaluations of `nIterations` iterations of the plan, counted (and bounded) by the constructor. */
  private readonly planned: number;
  private mode: 'idle' | 'run' | 'ask-tell' = 'idle';
  private core: SearchRun | undefined;
  private askTell: AskTell | undefined;

  constructor(options: SearchOptions<C>) {
    super();
    validateSearchOptions(options);
    this.options = options;
    this.optimizer = resolveOptimizer(options);
    this.planned = checkPlanSize(this.optimizer.plan, options.nIterations, options.allowLargePlan ?? SEARCH_DEFAULTS.allowLargePlan);
  }

  /** The optimizer's name, as run.json records it. */
  get optimizerName(): string {
    return this.optimizer.name;
  }

  /**
   * Evaluations this search schedules when nothing fails (`nIterations` iterations of the plan;
   * an estimate for asynchronous searches, whose promotions depend on the order results arrive).
   * A resumed search counts its finished evaluations among them.
   */
  plannedEvaluations(): number {
    return this.planned;
  }

  /**
   * The plan in brief, for a caller to show before the search starts (the CLI prints it): its
   * evaluations (as {@link plannedEvaluations}), iterations, budgets and η.
   */
  planSummary(): { readonly evaluations: number; readonly nIterations: number; readonly budgets: readonly number[]; readonly eta: number } {
    const { budgets, eta } = this.optimizer.plan.ladder;
    return { evaluations: this.planned, nIterations: this.options.nIterations, budgets, eta };
  }

  /** Runs the search to the end (or until aborted) and resolves to its {@link Result}. */
  async run(runOptions: RunOptions = {}): Promise<Result> {
    if (this.mode === 'ask-tell') throw new AskTellError('ERR_SEARCH_MODE', 'this search is driven by ask/tell; it cannot also run()');
    if (this.mode === 'run') throw new InvalidOptionError('a Search runs once; create a new Search to run again');
    if (this.options.objective === undefined && this.options.executor === undefined) {
      throw new InvalidOptionError('run() needs options.objective or options.executor (without them, drive the search with ask/tell)');
    }
    this.mode = 'run';
    const { options } = this;
    // Lock the directory before reading what the search continues (a second writer could be
    // appending to it) and before anything is written there (an executor spec may write too).
    const lock = lockLogDirectory(options.logDir, options.lock);
    const given = options.executor;
    const ownsExecutor = given === undefined || !isExecutor(given);
    let executor: Executor | undefined;
    let core: SearchRun;
    try {
      // Read what the search continues or learns from, and build the generator from the settled
      // seed, before the log writes anything: a bad option leaves the directory untouched.
      const prepared = this.prepare();
      executor =
        given === undefined
          ? await createExecutor({
              kind: 'inline',
              objective: options.objective as Objective,
              workdir: options.logDir ? path.join(options.logDir, 'work') : undefined,
            })
          : isExecutor(given)
            ? given
            : await createExecutor(given);
      core = this.openCore(prepared, lock);
    } catch (error) {
      if (ownsExecutor) await executor?.close();
      lock.abandon();
      throw error;
    }
    try {
      core.restore();
      return await runWithExecutor(core, executor, this.emitEvent, runOptions.signal, options.admission);
    } finally {
      core.close();
      if (ownsExecutor) await executor.close();
    }
  }

  /**
   * Opens the search for ask/tell: reads what it resumes or warm-starts from, writes the log's
   * first files, and records every result a resumed log holds. {@link ask} does this on its first
   * call; call it to see a resumed search's {@link result} before asking.
   */
  async open(): Promise<void> {
    this.openAskTell();
  }

  /**
   * The next job to evaluate: `{ configId, config, budget }`, then {@link tell} its result. When
   * the scheduler waits for results (a synchronous rung barrier), the promise waits until a tell
   * or an expired lease makes a job available (`options.signal` stops the wait: it rejects with
   * code `ERR_ABORTED`). Resolves to **null once the search is finished**: every job handed out
   * and told. A job not told within its lease (`options.leaseMs`, the search's `leaseTimeoutMs`)
   * is handed out again, announced once by a `warning` event.
   *
   * Same log, resume and warm start as {@link run}; a search is driven either by `run()` or by
   * ask/tell, not both.
   */
  async ask(options: AskOptions = {}): Promise<AskedJob<C> | null> {
    return (await this.openAskTell().ask(options)) as AskedJob<C> | null;
  }

  /**
   * Records the result of a job {@link ask} handed out, with an objective's rules: a finite
   * number or `{ loss, info? }` succeeds; a non-finite loss, a malformed value, an Error or
   * `{ error: 'message' }` is a recorded failure. Logged before it returns (a crash after a
   * tell returned loses nothing), then fed to the model.
   *
   * @throws AskTellError `ERR_UNKNOWN_JOB` for a job this search did not hand out,
   *   `ERR_JOB_ALREADY_TOLD` for a second tell of one job (the first counts; a job handed out
   *   again after its lease expired may be told by either holder).
   */
  tell(job: JobRef, result: TellResult): Run {
    if (!this.askTell) {
      throw this.mode === 'run'
        ? new AskTellError('ERR_SEARCH_MODE', 'this search is driven by run(); it cannot be told results')
        : new AskTellError('ERR_UNKNOWN_JOB', 'nothing was asked from this search yet');
    }
    return this.askTell.tell(job, result);
  }

  /**
   * A heartbeat for a job {@link ask} handed out: its holder is still working, so its lease now
   * ends `leaseMs` from now (by default the lease it was asked with) and it is not handed out
   * again meanwhile. Call it every so often during a long evaluation, well within the lease.
   *
   * @throws AskTellError `ERR_UNKNOWN_JOB` for a job this search did not hand out,
   *   `ERR_JOB_ALREADY_TOLD` for a job already told, `ERR_LEASE_EXPIRED` for a job whose lease
   *   ran out (waiting to be handed out again, or handed out again: `job.attempt` is older than
   *   the current one). Its holder may still tell it; the first tell counts.
   */
  extendLease(job: LeaseRef, leaseMs?: number): ExtendedLease {
    if (!this.askTell) {
      throw this.mode === 'run'
        ? new AskTellError('ERR_SEARCH_MODE', 'this search is driven by run(); it has no leases')
        : new AskTellError('ERR_UNKNOWN_JOB', 'nothing was asked from this search yet');
    }
    return this.askTell.extendLease(job, leaseMs);
  }

  /** Jobs asked and not yet told (empty unless driven by ask/tell). */
  outstanding(): OutstandingJob[] {
    return this.askTell?.outstanding() ?? [];
  }

  /** True once an ask/tell search has handed out and been told every job. */
  get isFinished(): boolean {
    return this.askTell?.isFinished ?? false;
  }

  /** Everything recorded so far (during `run()` too); empty before the search starts. */
  result(): Result {
    return this.core?.result() ?? new Result({ configs: new Map(), runs: [] });
  }

  /**
   * Ends an ask/tell search early: waiting asks reject with `ERR_SEARCH_CLOSED`, the log is
   * closed (jobs not told are handed out again when the search is resumed). Does nothing to a
   * search driven by `run()` (abort its signal instead).
   */
  close(): void {
    this.askTell?.close();
  }

  private openAskTell(): AskTell {
    if (this.askTell) return this.askTell;
    if (this.mode === 'run') throw new AskTellError('ERR_SEARCH_MODE', 'this search is driven by run(); it cannot also be asked');
    this.mode = 'ask-tell';
    const lock = lockLogDirectory(this.options.logDir, this.options.lock);
    let core: SearchRun;
    try {
      core = this.openCore(this.prepare(), lock);
    } catch (error) {
      lock.abandon();
      throw error;
    }
    try {
      core.restore();
    } catch (error) {
      core.close();
      throw error;
    }
    this.askTell = new AskTell(core, this.emitEvent, this.options.leaseTimeoutMs ?? SEARCH_DEFAULTS.leaseTimeoutMs);
    return this.askTell;
  }

  private prepare(): { log: PreparedSearchLog; generator: ConfigGenerator } {
    const { options, optimizer } = this;
    const ladder = optimizer.plan.ladder;
    const log = prepareSearchLog(
      {
        space: options.space as ConfigurationSpace,
        optimizer: optimizer.name,
        minBudget: ladder.minBudget,
        maxBudget: ladder.maxBudget,
        eta: ladder.eta,
        nIterations: options.nIterations,
        asynchronous: options.asynchronous ?? SEARCH_DEFAULTS.asynchronous,
        seed: options.seed,
        model: options.model as Readonly<Record<string, unknown>> | undefined,
        logDir: options.logDir,
        resume: options.resume,
        overwrite: options.overwrite,
        warmStartFrom: options.warmStartFrom,
      },
      (message) => this.emit('warning', { message }),
    );
    if (options.resume) this.checkIterationsHeld(log);
    const generator = generatorOf(optimizer, {
      space: options.space as ConfigurationSpace,
      rng: new Rng(log.settings.seed),
      nIterations: options.nIterations,
      warn: (message) => this.emit('warning', { message }),
    });
    return { log, generator };
  }

  /**
   * A resumed search must plan at least the iterations its log already holds: with fewer, the
   * result would leave out logged evaluations (another incumbent than `bandster summary` reads).
   */
  private checkIterationsHeld(log: PreparedSearchLog): void {
    const held = iterationsHeld(
      this.options.asynchronous ?? SEARCH_DEFAULTS.asynchronous,
      this.optimizer.plan,
      log.settings.iterationOffset,
      log.resumedConfigIds,
    );
    if (this.options.nIterations < held) {
      throw new InvalidOptionError(
        `options.nIterations must be at least ${held} to resume the run in ${this.options.logDir}, which already holds ${held} iterations (got ${this.options.nIterations})`,
      );
    }
  }

  /** Opens the log (the lock is released when the log is closed) and the search's core over it. */
  private openCore(prepared: { log: PreparedSearchLog; generator: ConfigGenerator }, lock: SearchLock): SearchRun {
    this.core = new SearchRun({
      optimizer: this.optimizer,
      generator: prepared.generator,
      asynchronous: this.options.asynchronous ?? SEARCH_DEFAULTS.asynchronous,
      nIterations: this.options.nIterations,
      log: prepared.log.open({ onClose: () => lock.release() }),
      emit: this.emitEvent,
    });
    return this.core;
  }

  private readonly emitEvent: Emit = (event, payload) => this.emit(event, payload);
}

/** The optimizer the options name or give; budgets of an Optimizer object come from its plan. */
function resolveOptimizer<C extends Configuration>(options: SearchOptions<C>): Optimizer {
  const optimizer = options.optimizer ?? SEARCH_DEFAULTS.optimizer;
  if (typeof optimizer === 'string') {
    if (options.minBudget === undefined || options.maxBudget === undefined) {
      throw new InvalidOptionError(
        `options.minBudget and options.maxBudget are needed with optimizer ${JSON.stringify(optimizer)} (got minBudget=${options.minBudget}, maxBudget=${options.maxBudget})`,
      );
    }
    return optimizerByName(optimizer, {
      minBudget: options.minBudget,
      maxBudget: options.maxBudget,
      eta: options.eta ?? SEARCH_DEFAULTS.eta,
      model: options.model,
    });
  }
  validateOptimizer(optimizer);
  const ladder = optimizer.plan.ladder;
  for (const field of ['minBudget', 'maxBudget', 'eta'] as const) {
    const given = options[field];
    if (given !== undefined && given !== ladder[field]) {
      throw new InvalidOptionError(`options.${field} differs from the optimizer's plan (got ${given}, the plan has ${ladder[field]})`);
    }
  }
  if (options.model !== undefined) {
    throw new InvalidOptionError(
      'options.model applies to the named optimizers ("bohb", "dehb") only; give model options to your own generator',
    );
  }
  return optimizer;
}

function validateSearchOptions<C extends Configuration>(options: SearchOptions<C>): void {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError(`options must be an object (got ${String(options)})`);
  if (!options.space || typeof options.space.sample !== 'function') {
    throw new InvalidOptionError('options.space must be a ConfigurationSpace');
  }
  if (options.objective !== undefined && options.executor !== undefined) {
    throw new InvalidOptionError('give options.objective or options.executor, not both');
  }
  if (options.objective !== undefined && typeof options.objective !== 'function') {
    throw new InvalidOptionError(`options.objective must be a function (got ${typeof options.objective})`);
  }
  if (options.executor !== undefined) {
    if (options.executor === null || typeof options.executor !== 'object') {
      throw new InvalidOptionError(`options.executor must be an Executor or an executor spec (got ${String(options.executor)})`);
    }
    if (!isExecutor(options.executor)) validateExecutorSpec(options.executor);
  }
  if (options.admission !== undefined && typeof (options.admission as Partial<AdmissionRule> | null)?.admit !== 'function') {
    throw new InvalidOptionError('options.admission must be an AdmissionRule (an object with admit(job, running))');
  }
  const optimizer = options.optimizer ?? SEARCH_DEFAULTS.optimizer;
  if (typeof optimizer === 'string' && !isOptimizerName(optimizer)) {
    throw new InvalidOptionError(
      `options.optimizer must be one of ${OPTIMIZER_NAMES.join(', ')} or an Optimizer (got ${JSON.stringify(optimizer)})`,
    );
  }
  if (!Number.isInteger(options.nIterations) || options.nIterations < 0) {
    throw new InvalidOptionError(`options.nIterations must be an integer >= 0 (got ${options.nIterations})`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new InvalidOptionError(`options.seed must be an integer (got ${options.seed})`);
  }
  if (
    options.leaseTimeoutMs !== undefined &&
    !(typeof options.leaseTimeoutMs === 'number' && options.leaseTimeoutMs > 0 && Number.isFinite(options.leaseTimeoutMs))
  ) {
    throw new InvalidOptionError(`options.leaseTimeoutMs must be a number of milliseconds > 0 (got ${options.leaseTimeoutMs})`);
  }
  if (options.lock !== undefined) checkLentLock(options.lock, options.logDir);
  if (options.resume && !options.logDir) throw new InvalidOptionError('options.resume needs options.logDir (the run to continue)');
  if (options.resume && options.overwrite) throw new InvalidOptionError('options.resume and options.overwrite exclude each other');
  if (options.warmStartFrom !== undefined) {
    const sources = typeof options.warmStartFrom === 'string' ? [options.warmStartFrom] : options.warmStartFrom;
    if (!Array.isArray(sources) || sources.some((source) => typeof source !== 'string' || source === '')) {
      throw new InvalidOptionError(
        `options.warmStartFrom must be a directory or a list of directories (got ${JSON.stringify(options.warmStartFrom)})`,
      );
    }
  }
}
