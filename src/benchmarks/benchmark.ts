import type { Objective } from '../core/types.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';

/** A synthetic problem with a known optimum, for testing and comparing optimizers. */
export interface Benchmark {
  readonly name: string;
  readonly space: ConfigurationSpace;
  /** The noisy, budget-dependent loss an optimizer sees. */
  readonly objective: Objective;
  /** The loss without noise at full fidelity. */
  trueLoss(config: Readonly<Record<string, unknown>>): number;
  /** The lowest possible true loss. */
  readonly optimum: number;
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
}

/** Derives a per-evaluation seed so a noisy objective gives the same value whatever the scheduling order. */
export function evaluationSeed(seed: number, key: string, budget: number): number {
  let hash = 2166136261 ^ seed;
  const text = `${key}@${budget}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
