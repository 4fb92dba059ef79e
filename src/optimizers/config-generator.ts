import type { ConfigInfo, Configuration, Observation } from '../core/types.js';

/** A proposed configuration and what the generator wants recorded about it. */
export interface Proposal {
  readonly config: Configuration;
  readonly info: ConfigInfo;
}

/**
 * Proposes configurations and learns from finished evaluations. Generators see only
 * bandster's own types (an {@link Observation}), never an executor's job or the log.
 */
export interface ConfigGenerator {
  /** A new configuration to evaluate first at `budget`. */
  propose(budget: number): Proposal;
  /** A finished evaluation (failures arrive with loss = Infinity). */
  observe(observation: Observation): void;
}
