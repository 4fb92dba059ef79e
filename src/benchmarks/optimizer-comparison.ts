/**
 * The sample-efficiency comparison of `bandster bench optimizers`, measured the way the BOHB and
 * DEHB papers measure: true normalised regret of the incumbent (the BOHB paper's any-time rule)
 * against the cumulative budget spent, in max-budget units; median and quartiles over seeds.
 */
import { Rng } from '../core/rng.js';
import { Search } from '../core/search.js';
import type { Executor } from '../core/types.js';
import { hyperbandPlan } from '../optimizers/bracket-plan.js';
import type { ModelOptions, OptimizerName } from '../optimizers/optimizer.js';
import type { Benchmark } from './benchmark.js';
import { branin } from './branin.js';
import { conditionalSynthetic } from './conditional-synthetic.js';
import { countingOnes, countingOnesRegret } from './counting-ones.js';
import { hartmann6 } from './hartmann6.js';
import { SimulatedWorkers } from './simulated-workers.js';

/** One optimizer of the comparison: a name bandster ships and its model options. */
export interface ComparedOptimizer {
  readonly label: string;
  readonly optimizer: OptimizerName;
  readonly model?: ModelOptions;
}

/** One benchmark of the comparison. */
export interface ComparedBenchmark {
  readonly label: string;
  /** The benchmark for one seed (the seed drives its noise, where it has any). */
  create(seed: number): Benchmark;
}

export const COMPARED_OPTIMIZERS: readonly ComparedOptimizer[] = [
  { label: 'bohb', optimizer: 'bohb' },
  { label: 'bohb multivariate', optimizer: 'bohb', model: { multivariate: true } },
  { label: 'bohb high-dim', optimizer: 'bohb', model: { highDimensional: true } },
  { label: 'dehb', optimizer: 'dehb' },
  { label: 'hyperband', optimizer: 'hyperband' },
  { label: 'random-search', optimizer: 'random-search' },
];

export const COMPARED_BENCHMARKS: readonly ComparedBenchmark[] = [
  { label: 'counting ones 8+8', create: (seed) => countingOnes({ seed }) },
  { label: 'counting ones 16+16', create: (seed) => countingOnes({ categorical: 16, continuous: 16, seed }) },
  { label: 'branin', create: () => branin() },
  { label: 'hartmann6', create: () => hartmann6() },
  { label: 'conditional 117-d', create: (seed) => conditionalSynthetic({ seed }) },
];

/** The table's budget marks, in max-budget units (hpbandster's figures are at 10/21/42/84/126). */
export const TABLE_UNITS = [10, 21, 42, 63, 84, 126] as const;

/** The curves' marks: every unit up to 10, then every 2 up to 30, then every 3 up to `last`, and the table's marks. */
export function curveUnits(last = 126): number[] {
  const units: number[] = [];
  for (let u = 1; u <= Math.min(10, last); u++) units.push(u);
  for (let u = 12; u <= Math.min(30, last); u += 2) units.push(u);
  for (let u = 33; u <= last; u += 3) units.push(u);
  for (const unit of [...TABLE_UNITS, last]) if (unit <= last && !units.includes(unit)) units.push(unit);
  return units.sort((a, b) => a - b);
}

/**
 * True normalised regret: for counting ones the BOHB paper's (true loss + 2N)/2N; otherwise
 * (f(x) − f*) / (mean f over the prior − f*), the mean from 2,000 prior samples with a fixed seed:
 * 0 at the optimum, about 1 for a random configuration.
 */
export function regretFunction(benchmark: Benchmark): (config: Readonly<Record<string, unknown>>) => number {
  if (benchmark.name.startsWith('counting_ones')) return (config) => countingOnesRegret(benchmark, benchmark.trueLoss(config));
  const rng = new Rng(12345);
  let total = 0;
  const samples = 2000;
  for (let i = 0; i < samples; i++) total += benchmark.trueLoss(benchmark.space.sample(rng));
  const scale = total / samples - benchmark.optimum;
  return (config) => (benchmark.trueLoss(config) - benchmark.optimum) / scale;
}

/** Successive-halving iterations of Hyperband's plan whose planned budget first reaches `units` max budgets. */
export function iterationsFor(benchmark: Benchmark, units: number): number {
  const plan = hyperbandPlan(benchmark);
  let spent = 0;
  let iterations = 0;
  while (spent < units * benchmark.maxBudget) {
    const bracket = plan.bracket(iterations++);
    bracket.nConfigs.forEach((n, k) => {
      spent += n * bracket.budgets[k];
    });
  }
  return iterations;
}

/** Regret of the incumbent (paper rule) after each mark of cumulative budget, in max-budget units. */
export function regretCurve(
  result: {
    trajectory(rule: 'paper'): { configId: readonly [number, number, number]; cumulativeBudget: number }[];
    configOf(id: readonly [number, number, number]): Readonly<Record<string, unknown>> | undefined;
  },
  regret: (config: Readonly<Record<string, unknown>>) => number,
  maxBudget: number,
  units: readonly number[],
): number[] {
  const trajectory = result.trajectory('paper');
  let point = 0;
  let current = 1;
  return units.map((unit) => {
    while (point < trajectory.length && trajectory[point].cumulativeBudget <= unit * maxBudget) {
      current = regret(result.configOf(trajectory[point].configId)!);
      point++;
    }
    return current;
  });
}

/** q-quantile of a sorted list, linear interpolation (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  if (low === high || sorted[low] === sorted[high]) return sorted[low];
  // Infinity (a seed that never reached a threshold) would make the interpolation NaN.
  if (!Number.isFinite(sorted[high])) return sorted[high];
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export interface RegretSummary {
  readonly median: number[];
  readonly q1: number[];
  readonly q3: number[];
}

/** Per mark: median and quartiles over seeds. */
export function summarise(perSeed: readonly (readonly number[])[]): RegretSummary {
  const marks = perSeed[0]?.length ?? 0;
  const median: number[] = [];
  const q1: number[] = [];
  const q3: number[] = [];
  for (let k = 0; k < marks; k++) {
    const sorted = perSeed.map((row) => row[k]).sort((a, b) => a - b);
    median.push(quantile(sorted, 0.5));
    q1.push(quantile(sorted, 0.25));
    q3.push(quantile(sorted, 0.75));
  }
  return { median, q1, q3 };
}

export interface OptimizerCurve extends RegretSummary {
  readonly label: string;
  readonly optimizer: OptimizerName;
  readonly model: ModelOptions;
  /** Regret per seed at each mark. */
  readonly perSeed: number[][];
  /** Warnings the searches emitted (deduplicated), e.g. BOHB's model-start advice. */
  readonly warnings: string[];
  /** Median seconds per search (the whole search, objective included). */
  readonly secondsPerSearch: number;
}

export interface BenchmarkComparison {
  readonly label: string;
  readonly name: string;
  readonly dimension: number;
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
  readonly nIterations: number;
  readonly units: number[];
  readonly curves: OptimizerCurve[];
}

/** Options of {@link compareOptimizers}. */
export interface ComparisonOptions {
  readonly benchmarks?: readonly ComparedBenchmark[];
  readonly optimizers?: readonly ComparedOptimizer[];
  readonly seeds: readonly number[];
  /** Budget to spend, in max-budget units. @defaultValue 126 */
  readonly maxUnits?: number;
  /** Called after each (benchmark, optimizer) pair. */
  readonly onProgress?: (text: string) => void;
}

/** Runs every optimizer on every benchmark with every seed, one worker, and summarises the regret curves. */
export async function compareOptimizers(options: ComparisonOptions): Promise<BenchmarkComparison[]> {
  const maxUnits = options.maxUnits ?? 126;
  const units = curveUnits(maxUnits);
  const comparisons: BenchmarkComparison[] = [];
  for (const compared of options.benchmarks ?? COMPARED_BENCHMARKS) {
    const probe = compared.create(options.seeds[0]);
    const nIterations = iterationsFor(probe, maxUnits);
    const curves: OptimizerCurve[] = [];
    for (const entry of options.optimizers ?? COMPARED_OPTIMIZERS) {
      const perSeed: number[][] = [];
      const warnings = new Set<string>();
      const seconds: number[] = [];
      for (const seed of options.seeds) {
        const benchmark = compared.create(seed);
        const regret = regretFunction(benchmark);
        const started = performance.now();
        const search = new Search({
          space: benchmark.space,
          objective: benchmark.objective,
          optimizer: entry.optimizer,
          model: entry.model,
          minBudget: benchmark.minBudget,
          maxBudget: benchmark.maxBudget,
          eta: benchmark.eta,
          nIterations,
          seed,
        });
        search.on('warning', ({ message }) => warnings.add(message));
        const result = await search.run();
        seconds.push((performance.now() - started) / 1000);
        perSeed.push(regretCurve(result, regret, benchmark.maxBudget, units));
      }
      curves.push({
        label: entry.label,
        optimizer: entry.optimizer,
        model: entry.model ?? {},
        perSeed,
        warnings: [...warnings],
        secondsPerSearch: quantile(
          seconds.sort((a, b) => a - b),
          0.5,
        ),
        ...summarise(perSeed),
      });
      options.onProgress?.(`${compared.label}: ${entry.label} done`);
    }
    comparisons.push({
      label: compared.label,
      name: probe.name,
      dimension: probe.space.dimension,
      minBudget: probe.minBudget,
      maxBudget: probe.maxBudget,
      eta: probe.eta,
      nIterations,
      units,
      curves,
    });
  }
  return comparisons;
}

/** Budget (max-budget units) each seed spent before its incumbent's regret first reached `threshold`; Infinity if never. */
export function budgetToReach(
  result: Parameters<typeof regretCurve>[0],
  regret: (config: Readonly<Record<string, unknown>>) => number,
  maxBudget: number,
  threshold: number,
): number {
  for (const point of result.trajectory('paper')) {
    if (regret(result.configOf(point.configId)!) <= threshold) return point.cumulativeBudget / maxBudget;
  }
  return Infinity;
}

export interface ParallelRow {
  readonly label: string;
  readonly asynchronous: boolean;
  /** Simulated workers of this row. */
  readonly workers: number;
  /** Per seed: budget (max-budget units) to reach the threshold; Infinity when it never did. */
  readonly unitsToReach: number[];
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  /** Seeds that reached the threshold. */
  readonly reached: number;
  /** Median regret at the end of the run. */
  readonly finalRegret: number;
}

/**
 * Counting ones 8+8 with `workers` simulated parallel workers (a job lasts its budget): budget spent
 * before the incumbent's regret reaches `threshold`, per optimizer. A row may set its own `workers`
 * (1 for the sequential reference: what parallelism itself costs, i.e. all a parallel-aware
 * proposal can win back).
 */
export async function compareParallel(options: {
  readonly optimizers: readonly (ComparedOptimizer & { readonly asynchronous: boolean; readonly workers?: number })[];
  readonly seeds: readonly number[];
  readonly workers: number;
  readonly threshold: number;
  readonly nIterations: number;
}): Promise<ParallelRow[]> {
  const rows: ParallelRow[] = [];
  for (const entry of options.optimizers) {
    const workers = entry.workers ?? options.workers;
    const unitsToReach: number[] = [];
    const finals: number[] = [];
    for (const seed of options.seeds) {
      const benchmark = countingOnes({ seed });
      const regret = regretFunction(benchmark);
      const executor: Executor = new SimulatedWorkers(benchmark.objective, workers);
      const result = await new Search({
        space: benchmark.space,
        executor,
        optimizer: entry.optimizer,
        model: entry.model,
        minBudget: benchmark.minBudget,
        maxBudget: benchmark.maxBudget,
        eta: benchmark.eta,
        nIterations: options.nIterations,
        asynchronous: entry.asynchronous,
        seed,
      }).run();
      unitsToReach.push(budgetToReach(result, regret, benchmark.maxBudget, options.threshold));
      const trajectory = result.trajectory('paper');
      finals.push(trajectory.length ? regret(result.configOf(trajectory.at(-1)!.configId)!) : 1);
    }
    const sorted = [...unitsToReach].sort((a, b) => a - b);
    rows.push({
      label: entry.label,
      asynchronous: entry.asynchronous,
      workers,
      unitsToReach,
      median: quantile(sorted, 0.5),
      q1: quantile(sorted, 0.25),
      q3: quantile(sorted, 0.75),
      reached: unitsToReach.filter(Number.isFinite).length,
      finalRegret: quantile(
        finals.sort((a, b) => a - b),
        0.5,
      ),
    });
  }
  return rows;
}
