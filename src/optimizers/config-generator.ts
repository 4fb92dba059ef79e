import type { ConfigId, ConfigInfo, Configuration, Observation } from '../core/types.js';
import type { Bracket } from './budgets.js';

/** A proposed configuration and what the generator wants recorded about it. */
export interface Proposal {
  readonly config: Configuration;
  readonly info: ConfigInfo;
}

/**
 * Where a job sits in a bracket plan: which iteration, rung and slot. Schedulers that run the
 * plan's brackets (the synchronous one) give it; others (ASHA) do not. Generators that keep a
 * population per rung (DEHB) use it to pair a slot with its parent; others ignore it.
 */
export interface Placement {
  /** The plan's iteration, 0-based for this search (config ids add the warm-start offset). */
  readonly iteration: number;
  /** The rung within the iteration's bracket (0 = its smallest budget). */
  readonly stage: number;
  /** The slot within the rung: 0 … bracket.nConfigs[stage] − 1. */
  readonly slot: number;
  /** The iteration's bracket. */
  readonly bracket: Bracket;
}

/** A job the search has handed out and whose result will arrive through {@link ConfigGenerator.observe}. */
export interface PendingJob {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly budget: number;
  readonly placement?: Placement;
}

/**
 * Proposes configurations and learns from finished evaluations. Generators see only
 * bandster's own types (an {@link Observation}), never an executor's job or the log.
 */
export interface ConfigGenerator {
  /**
   * A new configuration to evaluate first at `budget`. `placement` says where in the bracket
   * plan it will run, when the scheduler knows (absent otherwise, e.g. under ASHA).
   */
  propose(budget: number, placement?: Placement): Proposal;
  /** A finished evaluation (failures arrive with loss = Infinity). */
  observe(observation: Observation): void;
  /**
   * Optional: a job was handed out; until its observation arrives it is running (parallel-aware
   * generators impute it, e.g. as a constant liar). A resumed search announces every replayed job
   * too, in hand-out order, right before its logged result is observed. The same job may be
   * announced again after a requeue.
   */
  pending?(job: PendingJob): void;
}
