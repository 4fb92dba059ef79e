import type { Benchmark } from '../benchmarks/benchmark.js';
import { branin } from '../benchmarks/branin.js';
import { countingOnes } from '../benchmarks/counting-ones.js';
import { hartmann6 } from '../benchmarks/hartmann6.js';
import { defaultPreset, studyPreset } from '../segmentation/presets.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';

/** A space with the budgets it is meant to run with; a study's own settings override them. */
export interface ServicePreset {
  readonly description: string;
  readonly space: ConfigurationSpace;
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
  readonly nIterations: number;
}

function fromBenchmark(benchmark: Benchmark, description: string, nIterations: number): ServicePreset {
  const { space, minBudget, maxBudget, eta } = benchmark;
  return { description, space, minBudget, maxBudget, eta, nIterations };
}

/** The presets a study can be created from, by name (each builds a fresh space). */
export const SERVICE_PRESETS = {
  'counting-ones': () =>
    fromBenchmark(countingOnes(), 'counting ones (BOHB paper §5.1): 8 binary + 8 continuous hyperparameters, budgets 9…729', 16),
  branin: () => fromBenchmark(branin(), 'multi-fidelity Branin: x1, x2, budgets 1…81', 8),
  hartmann6: () => fromBenchmark(hartmann6(), 'multi-fidelity Hartmann 6: x1…x6, budgets 1…81', 8),
  'segmentation-study': () => ({ ...studyPreset(), description: studyPreset().description }),
  'segmentation-default': () => ({ ...defaultPreset(), description: defaultPreset().description }),
} as const satisfies Record<string, () => ServicePreset>;

export type ServicePresetName = keyof typeof SERVICE_PRESETS;

export const SERVICE_PRESET_NAMES = Object.freeze(Object.keys(SERVICE_PRESETS) as ServicePresetName[]);
