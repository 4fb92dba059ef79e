import { AsynchronousSuccessiveHalving } from './asynchronous-successive-halving.js';
import { replacesIncumbent, Result } from './result.js';
import type { ScheduledJob, Scheduler, SchedulerContext } from './scheduler.js';
import type { SearchEvents } from './search-events.js';
import { SynchronousBracketsScheduler } from './synchronous-brackets-scheduler.js';
import { configIdKey, type ConfigId, type ConfigInfo, type Configuration, type JobOutcome, type Run, type RunTimestamps } from './types.js';
import type { ConfigGenerator, Placement, Proposal } from '../optimizers/config-generator.js';
import type { BracketPlan } from '../optimizers/bracket-plan.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { RunLogError } from '../storage/run-log-error.js';
import type { SearchLog } from '../storage/search-log.js';

/** Emits one of the search's events (the Search's emitter, bound). */
export type Emit = <K extends keyof SearchEvents & string>(event: K, payload: SearchEvents[K]) => void;

/** What one execution of a search is built from. */
export interface SearchRunParts {
  readonly optimizer: Optimizer;
  readonly generator: ConfigGenerator;
  readonly asynchronous: boolean;
  readonly nIterations: number;
  readonly log: SearchLog;
  readonly emit: Emit;
}

/**
 * The fewest iterations a search must plan to take over every configuration of a log it resumes:
 * each scheduler numbers its configurations its own way (see their `iterationsHolding`).
 */
export function iterationsHeld(asynchronous: boolean, plan: BracketPlan, iterationOffset: number, configIds: readonly ConfigId[]): number {
  return asynchronous
    ? AsynchronousSuccessiveHalving.iterationsHolding(plan, iterationOffset, configIds)
    : SynchronousBracketsScheduler.iterationsHolding(iterationOffset, configIds);
}

/** The key of one job: a configuration on a budget (`"0-0-3@9"`). */
export function jobKey(configId: ConfigId, budget: number): string {
  return `${configIdKey(configId)}@${budget}`;
}

/**
 * The state of one execution of a search, shared by its two drivers: `run()` (jobs pushed to an
 * executor) and ask/tell (jobs pulled by the caller). One scheduler, one log, one model update
 * path: whichever driver hands a job out, its result goes through {@link finish}, which logs it
 * first, then feeds the model, then lets the scheduler promote (the order the architecture fixes,
 * so that a crash never leaves the model ahead of the log).
 */
export class SearchRun {
  private readonly scheduler: Scheduler;
  private readonly configs = new Map<string, { configId: ConfigId; config: Configuration; info: ConfigInfo }>();
  private readonly runs: Run[] = [];
  /** Keys of the jobs of this search whose result is recorded (logged now or before a crash). */
  private readonly finished = new Set<string>();
  /** Jobs taken from the scheduler while replaying a resumed log, not handed out yet. */
  private readonly ready: ScheduledJob[] = [];
  private incumbent: { loss: number; budget: number } | undefined;
  private freshProposals = 0;
  private readonly log: SearchLog;
  private readonly generator: ConfigGenerator;
  private readonly emit: Emit;

  constructor(parts: SearchRunParts) {
    this.log = parts.log;
    this.generator = parts.generator;
    this.emit = parts.emit;
    const context: SchedulerContext = {
      plan: parts.optimizer.plan,
      nIterations: parts.nIterations,
      iterationOffset: parts.log.settings.iterationOffset,
      source: (configId, budget, placement) => this.configFor(configId, budget, placement),
      onIterationFinished: (iteration) => this.emit('iteration:finished', { iteration }),
    };
    this.scheduler = parts.asynchronous ? new AsynchronousSuccessiveHalving(context) : new SynchronousBracketsScheduler(context);
  }

  /**
   * Takes over what the log holds: warm-start runs feed the model, and a resumed search's finished
   * evaluations are recorded again. A scheduler that replays its schedule (synchronous brackets)
   * is run forward here until every logged result is consumed, so that the result, the model and
   * the incumbent hold the whole log before the first new job is handed out — an ask/tell caller
   * (the service after a restart) sees every acknowledged result at once. Jobs met on the way
   * that have no logged result (they were running at the crash) wait in a queue and go out first.
   */
  restore(): void {
    for (const { config, run } of this.log.earlierRuns) this.record(run, config, true);
    const restoredConfigs = this.log.restoredConfigs();
    let pending = 0;
    for (const restored of restoredConfigs) pending += restored.runs.length;
    for (const restored of this.scheduler.restore(restoredConfigs)) {
      this.configs.set(configIdKey(restored.configId), { configId: restored.configId, config: restored.config, info: restored.info });
      for (const run of restored.runs) this.record(run, restored.config, true);
      pending -= restored.runs.length;
    }
    // Stop at the first fresh proposal: the replay must not sample ahead of the model.
    const proposalsBefore = this.freshProposals;
    while (pending > 0 && this.freshProposals === proposalsBefore) {
      const job = this.takeJob();
      if (!job) break;
      const logged = this.log.restoredResult(job.configId, job.budget);
      if (logged) {
        this.finishRestored(job, logged);
        pending--;
      } else {
        this.ready.push(job);
      }
    }
  }

  /**
   * The next job to run, or null when none can start now: the scheduler waits for running jobs
   * (a rung barrier), or the search is finished ({@link isFinished}). Every job a driver hands
   * out comes from here. Jobs whose result a resumed log already holds are recorded on the way
   * and never handed out.
   */
  nextJob(): ScheduledJob | null {
    const queued = this.ready.shift();
    if (queued) return queued;
    for (;;) {
      const job = this.takeJob();
      if (!job) return null;
      const logged = this.log.restoredResult(job.configId, job.budget);
      if (!logged) return job;
      this.finishRestored(job, logged);
    }
  }

  /**
   * The scheduler's next job, announced to the generator as pending (DEHB and parallel-aware BOHB
   * use it) — also a job replayed from a resumed log, just before its logged result arrives, so
   * that a resumed search's generator sees exactly what the first one saw.
   */
  private takeJob(): ScheduledJob | null {
    const job = this.scheduler.nextJob();
    if (job) this.generator.pending?.(job);
    return job;
  }

  /** True once every job has been handed out and its result recorded. */
  get isFinished(): boolean {
    return this.ready.length === 0 && this.scheduler.isFinished;
  }

  /** Whether the result of `configId` on `budget` is recorded in this search (logged now or before a crash). */
  isRecorded(configId: ConfigId, budget: number): boolean {
    return this.finished.has(jobKey(configId, budget));
  }

  /**
   * Records the outcome of a job handed out by {@link nextJob}: logged first, then fed to the
   * model, then registered with the scheduler (which may promote).
   */
  finish(job: ScheduledJob, given: JobOutcome, timestamps: RunTimestamps): Run {
    const outcome = withFiniteLoss(given);
    let run: Run = {
      configId: job.configId,
      budget: job.budget,
      loss: outcome.status === 'ok' ? outcome.loss : null,
      info: outcome.info ?? {},
      error: outcome.status === 'ok' ? null : formatError(outcome.error),
      timestamps,
    };
    try {
      this.log.logResult(run);
    } catch (error) {
      if (!(error instanceof RunLogError && error.code === 'ERR_RUN_LOG_UNSERIALISABLE')) throw error;
      // An info with a cycle, a throwing toJSON or getter: the job failed (the README's rule for
      // malformed results), and its failure — which logs no info — is what the log records, so
      // that a resumed search does not meet the same line again.
      run = {
        ...run,
        loss: null,
        info: {},
        error: formatError({
          kind: 'invalid-result',
          message: `the objective's result.info cannot be written to the log: ${error.cause instanceof Error ? error.cause.message : error.message}`,
        }),
      };
      this.log.logResult(run);
    }
    this.record(run, job.config, false);
    this.scheduler.registerResult(job.configId, job.budget, run.loss);
    return run;
  }

  /** Returns a job handed out but not finished (the search stopped) to the scheduler: not logged, so a resumed search runs it again. */
  requeue(job: ScheduledJob): void {
    this.scheduler.requeue(job.configId);
  }

  /** Everything recorded so far. */
  result(): Result {
    return new Result({ configs: this.configs, runs: this.runs });
  }

  /** Number of results recorded so far (warm-start runs included). */
  get nRuns(): number {
    return this.runs.length;
  }

  /** Evaluations the scheduler plans (see `Scheduler.plannedEvaluations`). */
  plannedEvaluations(): number {
    return this.scheduler.plannedEvaluations();
  }

  /** Closes the log. */
  close(): void {
    this.log.close();
  }

  private finishRestored(job: ScheduledJob, run: Run): void {
    this.record(run, job.config, true);
    this.scheduler.registerResult(job.configId, job.budget, run.loss);
  }

  private configFor(configId: ConfigId, budget: number, placement: Placement | undefined): Proposal {
    const restored = this.log.restoredConfig(configId);
    const proposal = restored ?? this.generator.propose(budget, placement);
    this.configs.set(configIdKey(configId), { configId, config: proposal.config, info: proposal.info });
    if (!restored) {
      this.freshProposals++;
      this.log.logConfig(configId, proposal.config, proposal.info);
    }
    this.emit('config:new', { configId, config: proposal.config, info: proposal.info, restored: restored !== undefined });
    return proposal;
  }

  /** Adds a finished run to the result and the model, and announces it. */
  private record(run: Run, config: Configuration, restored: boolean): void {
    this.runs.push(run);
    this.finished.add(jobKey(run.configId, run.budget));
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

/**
 * The outcome with a success only for a finite loss: the executor contract makes a non-finite loss
 * a failure, and an executor that does not keep it (a caller's own) must not put NaN in the log.
 */
function withFiniteLoss(outcome: JobOutcome): JobOutcome {
  if (outcome.status !== 'ok' || Number.isFinite(outcome.loss)) return outcome;
  return {
    status: 'failed',
    error: { kind: 'non-finite-loss', message: `the executor reported a non-finite loss (${outcome.loss})` },
    info: outcome.info,
    ...(outcome.startedAt === undefined ? {} : { startedAt: outcome.startedAt }),
  };
}

/** The error text results.json records: kind, message, and the stack without a repeated message. */
function formatError(error: { kind: string; message: string; stack?: string }): string {
  const stack =
    error.stack && !error.stack.includes(error.message)
      ? `\n${error.stack}`
      : error.stack
        ? `\n${error.stack.slice(error.stack.indexOf('\n') + 1)}`
        : '';
  return `${error.kind}: ${error.message}${stack}`;
}
