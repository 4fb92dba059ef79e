import { invalidOption } from '../core/option-checks.js';
import { ConfigurationSpace } from '../space/configuration-space.js';
import { CategoricalHyperparameter, UniformFloatHyperparameter, UniformIntegerHyperparameter } from '../space/hyperparameters.js';

/** A search space plus the budgets and iterations it is meant to run with. */
export interface SegmentationPreset {
  readonly name: 'study' | 'default';
  readonly description: string;
  readonly space: ConfigurationSpace;
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
  readonly nIterations: number;
}

/**
 * The study's search, as it ran: batch size and validation batch size 1–30, BOHB with
 * budgets 20…100 epochs (≈ 33.3 and 100 with η = 3), 6 iterations. Unlike the study, the
 * budget really is epochs and every configuration starts from fresh weights.
 */
export function studyPreset(): SegmentationPreset {
  const space = new ConfigurationSpace({ name: 'study' })
    .add(new UniformIntegerHyperparameter('batchsize', 1, 30, { default: 16 }))
    .add(new UniformIntegerHyperparameter('valbatchsize', 1, 30, { default: 16 }));
  return {
    name: 'study',
    description: "the study's space: batch sizes 1–30, 20…100 epochs, η 3, 6 iterations",
    space,
    minBudget: 20,
    maxBudget: 100,
    eta: 3,
    nIterations: 6,
  };
}

/**
 * A space worth tuning: learning rate (log 1e-4…1e-2), batch size (2–32, log), dropout scale
 * and base width. Budgets are epochs; the main job shrinks them to fit a CPU.
 */
export function defaultPreset(budgets: { minBudget?: number; maxBudget?: number; nIterations?: number } = {}): SegmentationPreset {
  const space = new ConfigurationSpace({ name: 'segmentation-default' })
    .add(new UniformFloatHyperparameter('learning_rate', 1e-4, 1e-2, { log: true, default: 1e-3 }))
    .add(new UniformIntegerHyperparameter('batchsize', 2, 32, { log: true, default: 16 }))
    .add(new UniformFloatHyperparameter('dropout_scale', 0, 1.5, { default: 1 }))
    .add(new CategoricalHyperparameter('base_filters', [8, 16, 32], { default: 16 }));
  return {
    name: 'default',
    description: 'learning rate, batch size, dropout scale and base width',
    space,
    minBudget: budgets.minBudget ?? 1,
    maxBudget: budgets.maxBudget ?? 9,
    eta: 3,
    nIterations: budgets.nIterations ?? 4,
  };
}

export function presetByName(name: string, budgets?: { minBudget?: number; maxBudget?: number; nIterations?: number }): SegmentationPreset {
  if (name === 'study') return studyPreset();
  if (name === 'default') return defaultPreset(budgets);
  throw invalidOption('preset', "'study' or 'default'", name);
}
