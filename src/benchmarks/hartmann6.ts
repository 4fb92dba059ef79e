import { UniformFloatHyperparameter } from '../space/hyperparameters.js';
import { ConfigurationSpace } from '../space/configuration-space.js';
import type { Benchmark } from './benchmark.js';

const ALPHA = [1.0, 1.2, 3.0, 3.2];
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

/**
 * Hartmann-6 with a fidelity knob (Kandasamy et al. 2017): α' = α − 0.1·(1 − z) at fidelity
 * z = budget / maxBudget; z = 1 is the usual function, minimum −3.32237.
 */
export function hartmann6(options: { minBudget?: number; maxBudget?: number; eta?: number } = {}): Benchmark {
  const space = new ConfigurationSpace({ name: 'hartmann6' });
  for (let i = 0; i < 6; i++) space.add(new UniformFloatHyperparameter(`x${i}`, 0, 1));
  const maxBudget = options.maxBudget ?? 81;
  const value = (config: Readonly<Record<string, unknown>>, z: number): number => {
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let exponent = 0;
      for (let j = 0; j < 6; j++) exponent -= A[i][j] * (Number(config[`x${j}`]) - P[i][j]) ** 2;
      total -= (ALPHA[i] - 0.1 * (1 - z)) * Math.exp(exponent);
    }
    return total;
  };
  return {
    name: 'hartmann6',
    space,
    minBudget: options.minBudget ?? 1,
    maxBudget,
    eta: options.eta ?? 3,
    optimum: -3.322368011391339,
    trueLoss: (config) => value(config, 1),
    objective: (config, budget) => ({ loss: value(config, Math.min(1, budget / maxBudget)) }),
  };
}
