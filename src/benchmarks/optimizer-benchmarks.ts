import { Rng } from '../core/rng.js';
import { Search } from '../core/search.js';
import type { Result } from '../core/result.js';
import { DehbGenerator } from '../optimizers/dehb/dehb-generator.js';
import { dehbPlan } from '../optimizers/dehb/dehb-plan.js';
import { BohbGenerator, type BohbModelOptions } from '../optimizers/kde/bohb-generator.js';
import type { OptimizerName } from '../optimizers/optimizer.js';
import { countingOnes, countingOnesRegret } from './counting-ones.js';

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface ProposeTiming {
  readonly dimension: number;
  readonly nResults: number;
  /** Median milliseconds per model-based propose() with the model already fitted. */
  readonly medianMs: number;
  /** Milliseconds of the (lazy) model fit that the first propose() paid. */
  readonly fitMs: number;
  /** Median milliseconds of drawing one configuration from the prior: the in-process baseline. */
  readonly sampleMs: number;
}

/**
 * propose() after the model is fitted: d hyperparameters (half binary categoricals, half floats), n
 * results on one budget; with `model` options, and `running` jobs announced (parallelAware).
 */
export function timePropose(dimension: number, nResults: number, repeats = 41, model: BohbModelOptions = {}, running = 0): ProposeTiming {
  const benchmark = countingOnes({ categorical: dimension / 2, continuous: dimension / 2 });
  const rng = new Rng(dimension * 100_000 + nResults);
  const generator = new BohbGenerator(benchmark.space, rng, { ...model, randomFraction: 0 });
  for (let i = 0; i < nResults; i++) {
    const config = benchmark.space.sample(rng);
    generator.observe({ configId: [0, 0, i], config, budget: 1, loss: benchmark.trueLoss(config) + rng.normal(), status: 'ok', info: {} });
  }
  for (let i = 0; i < running; i++) generator.pending({ configId: [1, 0, i], config: benchmark.space.sample(rng), budget: 1 });
  const fitStart = performance.now();
  generator.propose(1);
  const fitMs = performance.now() - fitStart;
  const proposeMs: number[] = [];
  const sampleMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    generator.propose(1);
    proposeMs.push(performance.now() - start);
    const sampleStart = performance.now();
    benchmark.space.sample(rng);
    sampleMs.push(performance.now() - sampleStart);
  }
  return { dimension, nResults, medianMs: median(proposeMs), fitMs: Math.max(0, fitMs - median(proposeMs)), sampleMs: median(sampleMs) };
}

/**
 * DEHB's propose() with its subpopulations full (budgets 9…729, η = 3, d hyperparameters half
 * binary categoricals, half floats): a second-round slot on the second rung, bred from the
 * first rung's subpopulation.
 */
export function timeDehbPropose(dimension: number, repeats = 201): ProposeTiming {
  const benchmark = countingOnes({ categorical: dimension / 2, continuous: dimension / 2 });
  const rng = new Rng(dimension);
  const plan = dehbPlan({ minBudget: 9, maxBudget: 729, eta: 3 });
  const generator = new DehbGenerator(benchmark.space, rng, plan);
  let observed = 0;
  for (const budget of plan.ladder.budgets) {
    for (let i = 0; i < generator.subpopulation(budget)!.size; i++) {
      const config = benchmark.space.sample(rng);
      generator.observe({ configId: [0, 0, observed++], config, budget, loss: benchmark.trueLoss(config), status: 'ok', info: {} });
    }
  }
  const iteration = plan.ladder.maxSHIter; // the first bracket of the second round
  const bracket = plan.bracket(iteration);
  const proposeMs: number[] = [];
  const sampleMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    generator.propose(bracket.budgets[1], { iteration, stage: 1, slot: r % bracket.nConfigs[1], bracket });
    proposeMs.push(performance.now() - start);
    const sampleStart = performance.now();
    benchmark.space.sample(rng);
    sampleMs.push(performance.now() - sampleStart);
  }
  return { dimension, nResults: observed, medianMs: median(proposeMs), fitMs: 0, sampleMs: median(sampleMs) };
}

export interface ThroughputFigure {
  readonly optimizer: OptimizerName;
  readonly evaluations: number;
  readonly evaluationsPerSecond: number;
  /** Evaluations per second of calling the same objective in a bare loop: the in-process baseline. */
  readonly bareLoopPerSecond: number;
}

/** Orchestration throughput with an objective that returns at once (counting-ones space, d = 16). */
export async function measureThroughput(optimizer: OptimizerName, nIterations: number): Promise<ThroughputFigure> {
  const benchmark = countingOnes();
  const objective = (): number => 0;
  const search = new Search({ space: benchmark.space, objective, optimizer, minBudget: 9, maxBudget: 729, eta: 3, nIterations, seed: 7 });
  const start = performance.now();
  const result = await search.run();
  const seconds = (performance.now() - start) / 1000;
  const rng = new Rng(1);
  const configs = Array.from({ length: 1000 }, () => benchmark.space.sample(rng));
  const bareStart = performance.now();
  let sink = 0;
  for (let i = 0; i < result.nRuns; i++) sink += objective() + Number(configs[i % configs.length].cat_0);
  const bareSeconds = Math.max((performance.now() - bareStart) / 1000, 1e-9);
  void sink;
  return {
    optimizer,
    evaluations: result.nRuns,
    evaluationsPerSecond: result.nRuns / seconds,
    bareLoopPerSecond: result.nRuns / bareSeconds,
  };
}

/** True normalised regret of the incumbent (BOHB paper's rule) after each budget mark, in max-budget units. */
export function regretAt(
  result: Result,
  trueRegret: (config: Readonly<Record<string, unknown>>) => number,
  maxBudget: number,
  units: readonly number[],
): number[] {
  const trajectory = result.trajectory('paper');
  return units.map((unit) => {
    let regret = 1;
    for (const point of trajectory) {
      if (point.cumulativeBudget > unit * maxBudget) break;
      regret = trueRegret(result.configOf(point.configId)!);
    }
    return regret;
  });
}

export const REGRET_UNITS = [10, 21, 42, 84, 126] as const;

/** Counting ones 8+8: median true regret over seeds at each budget mark, per optimizer. */
export async function countingOnesRegretTable(
  optimizers: readonly OptimizerName[],
  seeds: readonly number[],
  nIterations: number,
  units: readonly number[] = REGRET_UNITS,
): Promise<Map<OptimizerName, number[]>> {
  const table = new Map<OptimizerName, number[]>();
  for (const optimizer of optimizers) {
    const perSeed: number[][] = [];
    for (const seed of seeds) {
      const benchmark = countingOnes({ seed });
      const search = new Search({
        space: benchmark.space,
        objective: benchmark.objective,
        optimizer,
        minBudget: 9,
        maxBudget: 729,
        eta: 3,
        nIterations,
        seed,
      });
      const result = await search.run();
      perSeed.push(regretAt(result, (config) => countingOnesRegret(benchmark, benchmark.trueLoss(config)), benchmark.maxBudget, units));
    }
    table.set(
      optimizer,
      units.map((_, k) => median(perSeed.map((row) => row[k]))),
    );
  }
  return table;
}
