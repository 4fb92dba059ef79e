import * as path from 'node:path';
import { linkAbort } from './abort-fan-out.js';
import { InvalidOptionError } from './errors.js';
import { replacesIncumbent, Result } from './result.js';
import { Rng } from './rng.js';
import { AsynchronousSuccessiveHalving } from './asynchronous-successive-halving.js';
import type { ScheduledJob, Scheduler, SchedulerContext } from './scheduler.js';
import { SynchronousBracketsScheduler } from './synchronous-brackets-scheduler.js';
import { TypedEmitter } from './typed-emitter.js';
import type { SearchEvents } from './search-events.js';
import {
  configIdKey,
  type ConfigId,
  type ConfigInfo,
  type Configuration,
  type Executor,
  type JobOutcome,
  type Objective,
  type Run,
} from './types.js';
import { createExecutor, isExecutor, validateExecutorSpec, type ExecutorSpec } from '../executors/create-executor.js';
import { plannedEvaluations } from '../optimizers/bracket-plan.js';
import type { ConfigGenerator, Placement, Proposal } from '../optimizers/config-generator.js';
import {
  generatorOf,
  isOptimizerName,
  OPTIMIZER_NAMES,
  optimizerByName,
  validateOptimizer,
  type ModelOptions,
  type Optimizer,
  type OptimizerName,
} from '../optimizers/optimizer.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import { prepareSearchLog, type SearchLog } from '../storage/search-log.js';

/** Options of a {@link Search}; validated in the constructor, before anything is allocated or written. */
export interface SearchOptions {
  /** The configuration space to search. */
  readonly space: ConfigurationSpace;
  /** The function to minimise; run in process. Give this or `executor`. */
  readonly objective?: Objective;
  /**
   * Runs the jobs (in process, thread pool, distributed): an {@link Executor} the caller owns, or
   * an {@link ExecutorSpec} from which the search builds one for its run and closes it after.
   * Give this or `objective`.
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
}

export const SEARCH_DEFAULTS = Object.freeze({
  optimizer: 'bohb' as OptimizerName,
  eta: 3,
  asynchronous: false,
  resume: false,
  overwrite: false,
});

/** Options of one {@link Search.run} call. */
export interface RunOptions {
  /** Stops the search: running jobs are told, nothing already finished is lost. */
  readonly signal?: AbortSignal;
}

/**
 * A hyperparameter search: hpbandster's Master without its transport. An {@link Optimizer}
 * (generator + bracket plan) proposes, a {@link Scheduler} turns the plan into jobs, an
 * {@link Executor} runs them; each finished job is logged first, then fed to the model, then may
 * promote configurations.
 */
export class Search extends TypedEmitter<SearchEvents> {
  private readonly options: SearchOptions;
  private readonly optimizer: Optimizer;
  private started = false;

  constructor(options: SearchOptions) {
    super();
    validateSearchOptions(options);
    this.options = options;
    this.optimizer = resolveOptimizer(options);
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
    return plannedEvaluations(this.optimizer.plan, this.options.nIterations);
  }

  /** Runs the search to the end (or until aborted) and resolves to its {@link Result}. */
  async run(runOptions: RunOptions = {}): Promise<Result> {
    if (this.started) throw new InvalidOptionError('a Search runs once; create a new Search to run again');
    this.started = true;
    const { options, optimizer } = this;
    const ladder = optimizer.plan.ladder;
    // Read what the search continues or learns from, and build the generator from the settled
    // seed, before the log writes anything: a bad option leaves the directory untouched.
    const prepared = prepareSearchLog(
      {
        space: options.space,
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
    const generator = generatorOf(optimizer, {
      space: options.space,
      rng: new Rng(prepared.settings.seed),
      nIterations: options.nIterations,
      warn: (message) => this.emit('warning', { message }),
    });
    const given = options.executor;
    const ownsExecutor = given === undefined || !isExecutor(given);
    const executor =
      given === undefined
        ? await createExecutor({
            kind: 'inline',
            objective: options.objective!,
            workdir: options.logDir ? path.join(options.logDir, 'work') : undefined,
          })
        : isExecutor(given)
          ? given
          : await createExecutor(given);
    let log: SearchLog;
    try {
      log = prepared.open();
    } catch (error) {
      if (ownsExecutor) await executor.close();
      throw error;
    }
    try {
      const emit: Emit = (event, payload) => this.emit(event, payload);
      return await new SearchRun(optimizer, generator, options.asynchronous ?? false, options.nIterations, executor, log, emit).execute(
        runOptions.signal,
      );
    } finally {
      log.close();
      if (ownsExecutor) await executor.close();
    }
  }
}

type Emit = <K extends keyof SearchEvents & string>(event: K, payload: SearchEvents[K]) => void;

/** The state of one execution of a search. */
class SearchRun {
  private readonly scheduler: Scheduler;
  private readonly configs = new Map<string, { configId: ConfigId; config: Configuration; info: ConfigInfo }>();
  private readonly runs: Run[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private incumbent: { loss: number; budget: number } | undefined;
  private readonly controller = new AbortController();

  constructor(
    optimizer: Optimizer,
    private readonly generator: ConfigGenerator,
    asynchronous: boolean,
    nIterations: number,
    private readonly executor: Executor,
    private readonly log: SearchLog,
    private readonly emit: Emit,
  ) {
    const context: SchedulerContext = {
      plan: optimizer.plan,
      nIterations,
      iterationOffset: log.settings.iterationOffset,
      source: (configId, budget, placement) => this.configFor(configId, budget, placement),
      onIterationFinished: (iteration) => this.emit('iteration:finished', { iteration }),
    };
    this.scheduler = asynchronous ? new AsynchronousSuccessiveHalving(context) : new SynchronousBracketsScheduler(context);
  }

  async execute(signal: AbortSignal | undefined): Promise<Result> {
    const link = linkAbort(signal, this.controller);
    try {
      for (const { config, run } of this.log.earlierRuns) this.record(run, config, true);
      for (const restored of this.scheduler.restore(this.log.restoredConfigs())) {
        this.configs.set(configIdKey(restored.configId), { configId: restored.configId, config: restored.config, info: restored.info });
        for (const run of restored.runs) this.record(run, restored.config, true);
      }
      const capacity = Math.max(1, Math.floor(this.executor.capacity));
      for (;;) {
        while (this.inFlight.size < capacity && !this.controller.signal.aborted) {
          const job = this.scheduler.nextJob();
          if (!job) break;
          this.generator.pending?.(job);
          const restored = this.log.restoredResult(job.configId, job.budget);
          if (restored) {
            this.finish(job, restored, true);
            continue;
          }
          this.submit(job);
        }
        if (this.inFlight.size === 0) break;
        await Promise.race(this.inFlight);
      }
    } finally {
      link.done();
    }
    return new Result({ configs: this.configs, runs: this.runs });
  }

  private configFor(configId: ConfigId, budget: number, placement: Placement | undefined): Proposal {
    const restored = this.log.restoredConfig(configId);
    const proposal = restored ?? this.generator.propose(budget, placement);
    this.configs.set(configIdKey(configId), { configId, config: proposal.config, info: proposal.info });
    if (!restored) this.log.logConfig(configId, proposal.config, proposal.info);
    this.emit('config:new', { configId, config: proposal.config, info: proposal.info, restored: restored !== undefined });
    return proposal;
  }

  private submit(job: ScheduledJob): void {
    const submitted = now();
    let startedAt: number | undefined;
    this.emit('job:submitted', { configId: job.configId, config: job.config, budget: job.budget });
    const execution: Promise<void> = Promise.resolve()
      .then(() =>
        this.executor.submit(
          {
            configId: job.configId,
            config: job.config,
            budget: job.budget,
            onStart: () => {
              startedAt = now();
              this.emit('job:started', { configId: job.configId, budget: job.budget });
            },
            onReport: (step, loss) => this.emit('job:report', { configId: job.configId, budget: job.budget, step, loss }),
          },
          this.controller.signal,
        ),
      )
      .catch(
        (error: unknown): JobOutcome => ({
          // An executor must not reject; if one does, the job still ends as a recorded failure.
          status: 'failed',
          error: {
            kind: 'threw',
            message: `executor failed: ${(error as Error)?.message ?? String(error)}`,
            stack: (error as Error)?.stack,
          },
        }),
      )
      .then((outcome) => {
        this.inFlight.delete(execution);
        if (outcome.status === 'failed' && outcome.error.kind === 'aborted' && this.controller.signal.aborted) {
          // Not finished: not logged, so a resumed search runs it again.
          this.scheduler.requeue(job.configId);
          return;
        }
        const run: Run = {
          configId: job.configId,
          budget: job.budget,
          loss: outcome.status === 'ok' ? outcome.loss : null,
          info: outcome.info ?? {},
          error: outcome.status === 'ok' ? null : formatError(outcome.error),
          timestamps: { submitted, started: outcome.startedAt ?? startedAt ?? submitted, finished: now() },
        };
        this.finish(job, run, false);
      });
    this.inFlight.add(execution);
  }

  private finish(job: ScheduledJob, run: Run, restored: boolean): void {
    if (!restored) this.log.logResult(run);
    this.record(run, job.config, restored);
    this.scheduler.registerResult(job.configId, job.budget, run.loss);
  }

  /** Adds a finished run to the result and the model, and announces it. */
  private record(run: Run, config: Configuration, restored: boolean): void {
    this.runs.push(run);
    const key = configIdKey(run.configId);
    if (!this.configs.has(key)) {
      const known = this.log.restoredConfig(run.configId);
      this.configs.set(key, { configId: run.configId, config, info: known?.info ?? { model_based_pick: false } });
    }
    this.emit('job:finished', { run, config, restored });
    this.generator.observe({
      configId: run.configId,
      config,
      budget: run.budget,
      loss: run.loss ?? Infinity,
      status: run.loss === null ? 'failed' : 'ok',
      info: run.info,
    });
    if (run.loss !== null && replacesIncumbent({ loss: run.loss, budget: run.budget }, this.incumbent)) {
      this.incumbent = { loss: run.loss, budget: run.budget };
      this.emit('incumbent', { configId: run.configId, config, loss: run.loss, budget: run.budget });
    }
  }
}

function now(): number {
  return Date.now() / 1000;
}

function formatError(error: { kind: string; message: string; stack?: string }): string {
  const stack =
    error.stack && !error.stack.includes(error.message)
      ? `\n${error.stack}`
      : error.stack
        ? `\n${error.stack.slice(error.stack.indexOf('\n') + 1)}`
        : '';
  return `${error.kind}: ${error.message}${stack}`;
}

/** The optimizer the options name or give; budgets of an Optimizer object come from its plan. */
function resolveOptimizer(options: SearchOptions): Optimizer {
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

function validateSearchOptions(options: SearchOptions): void {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError(`options must be an object (got ${String(options)})`);
  if (!options.space || typeof options.space.sample !== 'function') {
    throw new InvalidOptionError('options.space must be a ConfigurationSpace');
  }
  if ((options.objective === undefined) === (options.executor === undefined)) {
    throw new InvalidOptionError('give exactly one of options.objective and options.executor');
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
