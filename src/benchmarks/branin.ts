import { UniformFloatHyperparameter } from '../space/hyperparameters.js';
import { ConfigurationSpace } from '../space/configuration-space.js';
import type { Benchmark } from './benchmark.js';

/**
 * Branin with a fidelity knob (Kandasamy et al. 2017, "Multi-fidelity Bayesian optimisation
 * with continuous approximations"): at fidelity z = budget / maxBudget the coefficients b, c, t
 * are shifted by (1 − z), so low budgets see a biased function and z = 1 is the true Branin.
 */
export function branin(options: { minBudget?: number; maxBudget?: number; eta?: number } = {}): Benchmark {
  const space = new ConfigurationSpace({ name: 'branin' })
    .add(new UniformFloatHyperparameter('x1', -5, 10))
    .add(new UniformFloatHyperparameter('x2', 0, 15));
  const maxBudget = options.maxBudget ?? 81;
  const value = (x1: number, x2: number, z: number): number => {
    const b = 5.1 / (4 * Math.PI ** 2) - 0.01 * (1 - z);
    const c = 5 / Math.PI - 0.1 * (1 - z);
    const t = 1 / (8 * Math.PI) + 0.05 * (1 - z);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  };
  return {
    name: 'branin',
    space,
    minBudget: options.minBudget ?? 1,
    maxBudget,
    eta: options.eta ?? 3,
    optimum: 0.39788735772973816,
    trueLoss: (config) => value(Number(config.x1), Number(config.x2), 1),
    objective: (config, budget) => ({ loss: value(Number(config.x1), Number(config.x2), Math.min(1, budget / maxBudget)) }),
  };
}
