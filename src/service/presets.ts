import type { Benchmark } from '../benchmarks/benchmark.js';
import { branin } from '../benchmarks/branin.js';
import { countingOnes } from '../benchmarks/counting-ones.js';
import { hartmann6 } from '../benchmarks/hartmann6.js';
import { defaultPreset, type SegmentationPreset, studyPreset } from '../segmentation/presets.js';

/** A space with the budgets it is meant to run with (a segmentation preset's shape); a study's own settings override them. */
export type ServicePreset = Omit<SegmentationPreset, 'name'>;

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
  'segmentation-study': studyPreset,
  'segmentation-default': () => defaultPreset(),
} as const satisfies Record<string, () => ServicePreset>;

export type ServicePresetName = keyof typeof SERVICE_PRESETS;

export const SERVICE_PRESET_NAMES = Object.freeze(Object.keys(SERVICE_PRESETS) as ServicePresetName[]);
