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

/** Backends that train the main job's net several times faster than wasm (native code: MLAS, libtensorflow). */
const NATIVE_BACKENDS = ['onnxruntime-cpu', 'onnxruntime-cuda', 'tfjs-node', 'tfjs-node-gpu'];

/**
 * The default preset's iterations for a backend. Four fit the main job's ten minutes on wasm, which
 * leaves BOHB's model almost idle: it needs d + 1 good and d + 1 bad points on a budget (10 here) before
 * it proposes anything, so 2 of 24 configurations were model-based. A native backend trains the main
 * job's net about 3.5× faster (`bandster bench backends`; CPU time of the trainer, 32 px, base width
 * 8–32), and the time saved buys 18 iterations: 90 configurations, about half of them proposed by the
 * model (59 % in a 20-iteration run, 35 % after 12), in about 5 minutes of two idle cores.
 */
export function defaultIterations(backend?: string): number {
  return backend !== undefined && NATIVE_BACKENDS.includes(backend) ? 18 : 4;
}

/**
 * A space worth tuning: learning rate (log 1e-4…1e-2), batch size (2–32, log), dropout scale
 * and base width. Budgets are epochs; the main job shrinks them to fit a CPU, and its iterations
 * follow the backend's speed ({@link defaultIterations}).
 */
export function defaultPreset(
  budgets: { minBudget?: number; maxBudget?: number; nIterations?: number; backend?: string } = {},
): SegmentationPreset {
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
    nIterations: budgets.nIterations ?? defaultIterations(budgets.backend),
  };
}

export function presetByName(
  name: string,
  budgets?: { minBudget?: number; maxBudget?: number; nIterations?: number; backend?: string },
): SegmentationPreset {
  if (name === 'study') return studyPreset();
  if (name === 'default') return defaultPreset(budgets);
  throw invalidOption('preset', "'study' or 'default'", name);
}
