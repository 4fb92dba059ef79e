import { Rng } from '../core/rng.js';
import { configIdKey } from '../core/types.js';
import { CategoricalHyperparameter, UniformFloatHyperparameter } from '../space/hyperparameters.js';
import { ConfigurationSpace } from '../space/configuration-space.js';
import { evaluationSeed, type Benchmark } from './benchmark.js';

/** Options of the counting-ones benchmark. */
export interface CountingOnesOptions {
  /** Binary categorical hyperparameters. @defaultValue 8 */
  readonly categorical?: number;
  /** Continuous hyperparameters on [0, 1]. @defaultValue 8 */
  readonly continuous?: number;
  /** Seed of the Bernoulli draws. @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Counting ones, as in the BOHB paper (Falkner et al. 2018, §5.1): N binary categoricals and
 * N floats in [0, 1]; at budget b each float x_j counts as the mean of ⌊b⌋ Bernoulli(x_j)
 * draws, so low budgets are noisy. loss = −(Σ cat + Σ_j mean_j); the true loss is
 * −(Σ cat + Σ x_j) and the optimum −(N_cat + N_cont). Budgets 9…729, η = 3 as in the paper.
 */
export function countingOnes(options: CountingOnesOptions = {}): Benchmark {
  const nCategorical = options.categorical ?? 8;
  const nContinuous = options.continuous ?? 8;
  const seed = options.seed ?? 0;
  const space = new ConfigurationSpace({ name: `counting_ones_${nCategorical}_${nContinuous}` });
  for (let i = 0; i < nCategorical; i++) space.add(new CategoricalHyperparameter(`cat_${i}`, [0, 1]));
  for (let i = 0; i < nContinuous; i++) space.add(new UniformFloatHyperparameter(`float_${i}`, 0, 1));
  const trueLoss = (config: Readonly<Record<string, unknown>>): number => {
    let total = 0;
    for (let i = 0; i < nCategorical; i++) total += Number(config[`cat_${i}`]);
    for (let i = 0; i < nContinuous; i++) total += Number(config[`float_${i}`]);
    return -total;
  };
  return {
    name: space.name ?? 'counting_ones',
    space,
    minBudget: 9,
    maxBudget: 729,
    eta: 3,
    optimum: -(nCategorical + nContinuous),
    trueLoss,
    objective: (config, budget, ctx) => {
      const rng = new Rng(evaluationSeed(seed, configIdKey(ctx.configId), budget));
      const draws = Math.max(1, Math.floor(budget));
      let total = 0;
      for (let i = 0; i < nCategorical; i++) total += Number(config[`cat_${i}`]);
      for (let i = 0; i < nContinuous; i++) {
        const p = Number(config[`float_${i}`]);
        let ones = 0;
        for (let k = 0; k < draws; k++) if (rng.random() < p) ones++;
        total += ones / draws;
      }
      return { loss: -total, info: { true_loss: trueLoss(config) } };
    },
  };
}

/** The BOHB paper's normalised regret, (true loss + 2N) / 2N for N + N hyperparameters: 0 at the optimum, 1 for all zeros. */
export function countingOnesRegret(benchmark: Benchmark, trueLoss: number): number {
  return (trueLoss - benchmark.optimum) / -benchmark.optimum;
}
