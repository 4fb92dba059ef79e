import { InvalidOptionError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import { hyperbandPlan, randomSearchPlan, successiveHalvingPlan, type BracketPlan, type BudgetOptions } from './bracket-plan.js';
import type { ConfigGenerator } from './config-generator.js';
import { BohbGenerator, type BohbModelOptions } from './kde/bohb-generator.js';
import { RandomGenerator } from './random-generator.js';

/** The optimizers bandster ships. */
export const OPTIMIZER_NAMES = ['bohb', 'hyperband', 'successive-halving', 'random-search'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** An optimizer is two parts, not a subclass: who proposes configurations, and how budgets are spent. */
export interface Optimizer {
  readonly name: OptimizerName;
  readonly generator: ConfigGenerator;
  readonly plan: BracketPlan;
}

export function createOptimizer(
  name: OptimizerName,
  space: ConfigurationSpace,
  rng: Rng,
  budgets: BudgetOptions,
  model: BohbModelOptions = {},
): Optimizer {
  switch (name) {
    case 'bohb':
      return { name, generator: new BohbGenerator(space, rng, model), plan: hyperbandPlan(budgets) };
    case 'hyperband':
      return { name, generator: new RandomGenerator(space, rng), plan: hyperbandPlan(budgets) };
    case 'successive-halving':
      return { name, generator: new RandomGenerator(space, rng), plan: successiveHalvingPlan(budgets) };
    case 'random-search':
      return { name, generator: new RandomGenerator(space, rng), plan: randomSearchPlan(budgets) };
    default:
      throw new InvalidOptionError(`options.optimizer must be one of ${OPTIMIZER_NAMES.join(', ')} (got ${JSON.stringify(name)})`);
  }
}
