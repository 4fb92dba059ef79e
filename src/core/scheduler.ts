import type { BracketPlan } from '../optimizers/bracket-plan.js';
import type { PendingJob, Placement, Proposal } from '../optimizers/config-generator.js';
import type { ConfigId, ConfigInfo, Configuration, Run } from './types.js';

/**
 * A job a scheduler wants run: a configuration on a budget, and where it sits in the bracket plan
 * when the scheduler runs the plan's brackets.
 */
export type ScheduledJob = PendingJob;

/**
 * Supplies the configuration for a new slot (a fresh proposal, or one restored from a log);
 * `placement` is passed on to the generator's `propose`.
 */
export type ConfigSource = (configId: ConfigId, budget: number, placement?: Placement) => Proposal;

/** A configuration of the search being resumed, with its finished evaluations. */
export interface RestoredConfig {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly info: ConfigInfo;
  readonly runs: readonly Run[];
}

/**
 * Turns a bracket plan and a configuration source into jobs (hpbandster's `Master.run` asks
 * each iteration for its next run and never branches on the kind; neither does the search).
 * Implementations: {@link SynchronousBracketsScheduler} (hpbandster's iterations with rung
 * barriers) and {@link AsynchronousSuccessiveHalving} (ASHA).
 *
 * The search owns the log, the model and the executor; a scheduler only decides what runs next.
 */
export interface Scheduler {
  /**
   * The next job to run, or null when none can start now: either the scheduler waits for running
   * jobs (a rung barrier) or it is finished ({@link isFinished}).
   */
  nextJob(): ScheduledJob | null;
  /** The outcome of a job handed out by {@link nextJob}; `loss` null means it failed. */
  registerResult(configId: ConfigId, budget: number, loss: number | null): void;
  /** Returns a job handed out but not finished (the search stopped, a lease expired) to the queue. */
  requeue(configId: ConfigId): void;
  /**
   * Takes over the finished evaluations of a search being resumed, and returns the configurations
   * whose runs it took over (the search records those in its result and model). A scheduler that
   * replays its schedule instead returns none: the search then finds each logged result when the
   * job is handed out again.
   */
  restore(restored: readonly RestoredConfig[]): readonly RestoredConfig[];
  /** True once every job has been handed out and its result registered. */
  readonly isFinished: boolean;
  /** Evaluations the whole search schedules when nothing fails (an estimate where promotions depend on arrival order). */
  plannedEvaluations(): number;
}

/** What a scheduler is built from. */
export interface SchedulerContext {
  readonly plan: BracketPlan;
  /** Successive-halving iterations of the search (hpbandster's `n_iterations`). */
  readonly nIterations: number;
  /** Iteration numbers below this belong to warm-start sources; this search's ids start here. */
  readonly iterationOffset: number;
  readonly source: ConfigSource;
  /** Called once per successive-halving iteration whose configurations are all done. */
  readonly onIterationFinished?: (iteration: number) => void;
}
