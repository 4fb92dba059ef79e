import * as path from 'node:path';
import { linkAbort } from './abort-fan-out.js';
import { InvalidOptionError } from './errors.js';
import { Result } from './result.js';
import { Rng } from './rng.js';
import { AsynchronousSuccessiveHalving } from './asynchronous-successive-halving.js';
import { SuccessiveHalvingIteration, type IterationJob } from './successive-halving-iteration.js';
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
import { InlineExecutor } from '../executors/inline-executor.js';
import { createOptimizer, OPTIMIZER_NAMES, type Optimizer, type OptimizerName } from '../optimizers/optimizer.js';
import type { Proposal } from '../optimizers/config-generator.js';
import type { BohbModelOptions } from '../optimizers/kde/bohb-generator.js';
import { validateBudgetOptions } from '../optimizers/budgets.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import { openSearchLog, type SearchLog } from '../storage/search-log.js';

/** Options of a {@link Search}; validated in the constructor, before anything is allocated. */
export interface SearchOptions {
  /** The configuration space to search. */
  readonly space: ConfigurationSpace;
  /** The function to minimise; run in process. Give this or `executor`. */
  readonly objective?: Objective;
  /** Runs the jobs (in process, thread pool, distributed). Give this or `objective`. */
  readonly executor?: Executor;
  /** @defaultValue 'bohb' */
  readonly optimizer?: OptimizerName;
  readonly minBudget: number;
  readonly maxBudget: number;
  /** @defaultValue 3 */
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
  /** BOHB's model options (hpbandster's defaults otherwise). */
  readonly model?: BohbModelOptions;
  /** Directory for hpbandster-format logs (configs.json, results.json, configspace.json, run.json). */
  readonly logDir?: string;
  /** Continue the search logged in `logDir`: finished evaluations are kept, unfinished ones re-run. @defaultValue false */
  readonly resume?: boolean;
  /** Replace an existing run in `logDir` instead of refusing. @defaultValue false */
  readonly overwrite?: boolean;
  /** Earlier runs (ours or hpbandster's) whose evaluations feed the model and are copied into the new log. */
  readonly warmStartFrom?: string | readonly string[];
}

export const SEARCH_DEFAULTS = Object.freeze({ optimizer: 'bohb' as OptimizerName, eta: 3, resume: false, overwrite: false });

/** Options of one {@link Search.run} call. */
export interface RunOptions {
  /** Stops the search: running jobs are told, nothing already finished is lost. */
  readonly signal?: AbortSignal;
}

interface InFlight {
  readonly job: IterationJob;
  readonly submitted: number;
}

/**
 * A hyperparameter search: the scheduler of hpbandster's Master, without its transport.
 * Several successive-halving iterations run at once: the next runnable job of the oldest
 * active iteration goes first, and when every active iteration waits at a rung barrier a
 * new one starts. Each finished job is logged first, then fed to the model, then promotes.
 */
export class Search extends TypedEmitter<SearchEvents> {
  private readonly options: SearchOptions;
  private started = false;

  constructor(options: SearchOptions) {
    super();
    validateSearchOptions(options);
    this.options = options;
  }

  /** Runs the search to the end (or until aborted) and resolves to its {@link Result}. */
  async run(runOptions: RunOptions = {}): Promise<Result> {
    if (this.started) throw new InvalidOptionError('a Search runs once; create a new Search to run again');
    this.started = true;
    const { options } = this;
    const executor =
      options.executor ??
      new InlineExecutor(options.objective!, { workdir: options.logDir ? path.join(options.logDir, 'work') : undefined });
    const log = openSearchLog(options, (message) => this.emit('warning', { message }));
    try {
      return await new SearchRun(options, executor, log, log.settings.seed, (event, payload) => this.emit(event, payload)).execute(
        runOptions.signal,
      );
    } finally {
      log.close();
      if (!options.executor) await executor.close();
    }
  }
}

type Emit = <K extends keyof SearchEvents & string>(event: K, payload: SearchEvents[K]) => void;

/** The state of one execution of a search. */
class SearchRun {
  private readonly optimizer: Optimizer;
  /** Synchronous mode: every iteration started, and those not finished yet (oldest first). */
  private readonly iterations: SuccessiveHalvingIteration[] = [];
  private activeIterations: SuccessiveHalvingIteration[] = [];
  /** Asynchronous mode: the one ASHA scheduler. */
  private readonly asha: AsynchronousSuccessiveHalving | undefined;
  private readonly configs = new Map<string, { configId: ConfigId; config: Configuration; info: ConfigInfo }>();
  private readonly runs: Run[] = [];
  private readonly inFlight = new Map<Promise<void>, InFlight>();
  private readonly finishedIterations = new Set<number>();
  private incumbent: { loss: number; budget: number } | undefined;
  private readonly controller = new AbortController();

  constructor(
    private readonly options: SearchOptions,
    private readonly executor: Executor,
    private readonly log: SearchLog,
    seed: number,
    private readonly emit: Emit,
  ) {
    const rng = new Rng(seed);
    this.optimizer = createOptimizer(
      options.optimizer ?? SEARCH_DEFAULTS.optimizer,
      options.space,
      rng,
      { minBudget: options.minBudget, maxBudget: options.maxBudget, eta: options.eta ?? SEARCH_DEFAULTS.eta },
      options.model,
    );
    if (options.asynchronous) {
      const plan = this.optimizer.plan;
      let newConfigs = 0;
      for (let i = 0; i < options.nIterations; i++) newConfigs += plan.bracket(i).nConfigs[0];
      this.asha = new AsynchronousSuccessiveHalving(
        plan.ladder,
        plan.bracket(0).nConfigs[0],
        newConfigs,
        log.settings.iterationOffset,
        (configId, budget) => this.configFor(configId, budget),
      );
    }
  }

  async execute(signal: AbortSignal | undefined): Promise<Result> {
    const link = linkAbort(signal, this.controller);
    try {
      for (const { config, run } of this.log.earlierRuns) this.record(run, config, true);
      // ASHA's decisions depend on the order results arrived, so a resumed asynchronous search
      // restores its rungs from the log instead of replaying the schedule.
      if (this.asha) this.restoreAsynchronous(this.asha);
      const capacity = Math.max(1, Math.floor(this.executor.capacity));
      for (;;) {
        while (this.inFlight.size < capacity && !this.controller.signal.aborted) {
          const job = this.nextJob();
          if (!job) break;
          const restored = this.log.restoredResult(job.configId, job.budget);
          if (restored) {
            this.finish(job, restored, true);
            continue;
          }
          this.submit(job);
        }
        if (this.inFlight.size === 0) break;
        await Promise.race(this.inFlight.keys());
      }
    } finally {
      link.done();
    }
    return new Result({ configs: this.configs, runs: this.runs });
  }

  /** The next job of the oldest active iteration; starts a new iteration when all wait. */
  private nextJob(): IterationJob | null {
    if (this.asha) return this.asha.nextJob();
    for (;;) {
      for (const iteration of this.activeIterations) {
        const job = iteration.nextJob();
        if (job) return job;
        if (iteration.isFinished) this.markFinished(iteration);
      }
      if (this.activeIterations.some((iteration) => iteration.isFinished)) {
        this.activeIterations = this.activeIterations.filter((iteration) => !iteration.isFinished);
      }
      if (this.iterations.length >= this.options.nIterations) return null;
      const index = this.log.settings.iterationOffset + this.iterations.length;
      const bracket = this.optimizer.plan.bracket(this.iterations.length);
      const iteration = new SuccessiveHalvingIteration(index, bracket, (configId, budget) => this.configFor(configId, budget));
      this.iterations.push(iteration);
      this.activeIterations.push(iteration);
    }
  }

  private markFinished(iteration: SuccessiveHalvingIteration): void {
    if (this.finishedIterations.has(iteration.index)) return;
    this.finishedIterations.add(iteration.index);
    this.emit('iteration:finished', { iteration: iteration.index });
  }

  private configFor(configId: ConfigId, budget: number): Proposal {
    const restored = this.log.restoredConfig(configId);
    const proposal = restored ?? this.optimizer.generator.propose(budget);
    this.configs.set(configIdKey(configId), { configId, config: proposal.config, info: proposal.info });
    if (!restored) this.log.logConfig(configId, proposal.config, proposal.info);
    this.emit('config:new', { configId, config: proposal.config, info: proposal.info, restored: restored !== undefined });
    return proposal;
  }

  private submit(job: IterationJob): void {
    const submitted = now();
    let startedAt: number | undefined;
    this.emit('job:submitted', { configId: job.configId, config: job.config, budget: job.budget });
    const execution = Promise.resolve()
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
          this.iterationOf(job.configId).requeue(job.configId);
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
    this.inFlight.set(execution, { job, submitted });
  }

  private finish(job: IterationJob, run: Run, restored: boolean): void {
    if (!restored) this.log.logResult(run);
    this.record(run, job.config, restored);
    this.iterationOf(job.configId).registerResult(job.configId, job.budget, run.loss);
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
    this.optimizer.generator.observe({
      configId: run.configId,
      config,
      budget: run.budget,
      loss: run.loss ?? Infinity,
      status: run.loss === null ? 'failed' : 'ok',
      info: run.info,
    });
    if (run.loss !== null && (!this.incumbent || (run.budget >= this.incumbent.budget && run.loss < this.incumbent.loss))) {
      this.incumbent = { loss: run.loss, budget: run.budget };
      this.emit('incumbent', { configId: run.configId, config, loss: run.loss, budget: run.budget });
    }
  }

  private restoreAsynchronous(asha: AsynchronousSuccessiveHalving): void {
    for (const restored of this.log.restoredConfigs()) {
      this.configs.set(configIdKey(restored.configId), { configId: restored.configId, config: restored.config, info: restored.info });
      for (const run of restored.runs) this.record(run, restored.config, true);
      asha.restore(restored.configId, restored.config, restored.runs);
    }
  }

  private iterationOf(configId: ConfigId): Pick<SuccessiveHalvingIteration, 'registerResult' | 'requeue'> {
    if (this.asha) return this.asha;
    return this.iterations[configId[0] - this.log.settings.iterationOffset];
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
  const optimizer = options.optimizer ?? SEARCH_DEFAULTS.optimizer;
  if (!OPTIMIZER_NAMES.includes(optimizer)) {
    throw new InvalidOptionError(`options.optimizer must be one of ${OPTIMIZER_NAMES.join(', ')} (got ${JSON.stringify(optimizer)})`);
  }
  validateBudgetOptions(options.minBudget, options.maxBudget, options.eta ?? SEARCH_DEFAULTS.eta);
  if (!Number.isInteger(options.nIterations) || options.nIterations < 0) {
    throw new InvalidOptionError(`options.nIterations must be an integer >= 0 (got ${options.nIterations})`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new InvalidOptionError(`options.seed must be an integer (got ${options.seed})`);
  }
  if ((options.resume || options.overwrite || options.warmStartFrom) && !options.logDir && options.resume) {
    throw new InvalidOptionError('options.resume needs options.logDir (the run to continue)');
  }
  if (options.resume && options.overwrite) throw new InvalidOptionError('options.resume and options.overwrite exclude each other');
}
