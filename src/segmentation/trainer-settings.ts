import type { Configuration } from '../core/types.js';
import { checkInteger, checkNumber, checkOneOf } from '../core/option-checks.js';
import type { LossKind } from './types.js';

/** What one training run needs beyond the data: the tuned hyperparameters with their defaults filled in. */
export interface TrainerSettings {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly validationBatchSize: number;
  readonly dropoutScale: number;
  readonly baseFilters: number;
  readonly depth: number;
  readonly loss: LossKind;
  readonly validationLoss: ValidationLossKind;
}

/**
 * Which validation loss the objective returns: the study's mean of per-batch losses at the
 * configuration's validation batch size, or the loss over the whole validation set at once
 * (independent of how the set is cut into batches). Both are logged in every run's info.
 */
export type ValidationLossKind = 'per-batch' | 'whole-set';
export const VALIDATION_LOSS_KINDS: readonly ValidationLossKind[] = ['per-batch', 'whole-set'];

/** Settings that are not hyperparameters of the search (the net's depth, the loss, fallbacks). */
export interface TrainerDefaults {
  /** @defaultValue 1e-3 (Adam's default, the study's) */
  readonly learningRate?: number;
  /** @defaultValue 16 (the study's default) */
  readonly batchSize?: number;
  /** @defaultValue 16 */
  readonly baseFilters?: number;
  /** @defaultValue 5 (the study's) */
  readonly depth?: number;
  /** @defaultValue 'dice-focal' */
  readonly loss?: LossKind;
  /** @defaultValue 'per-batch' (the study's) */
  readonly validationLoss?: ValidationLossKind;
}

/**
 * Reads a configuration of either preset: `learning_rate`, `batchsize`, `valbatchsize`,
 * `dropout_scale`, `base_filters`; absent ones take the defaults.
 */
export function trainerSettings(config: Configuration, defaults: TrainerDefaults = {}): TrainerSettings {
  const value = (name: string, fallback: number): unknown => config[name] ?? fallback;
  const positiveInteger = (name: string, fallback: number): number => checkInteger(value(name, fallback), `config.${name}`, { min: 1 });
  const batchSize = positiveInteger('batchsize', defaults.batchSize ?? 16);
  return {
    learningRate: checkNumber(value('learning_rate', defaults.learningRate ?? 1e-3), 'config.learning_rate', {
      min: 0,
      minExclusive: true,
      finite: true,
    }),
    batchSize,
    validationBatchSize: positiveInteger('valbatchsize', batchSize),
    dropoutScale: checkNumber(value('dropout_scale', 1), 'config.dropout_scale', { min: 0, max: 3 }),
    baseFilters: positiveInteger('base_filters', defaults.baseFilters ?? 16),
    depth: defaults.depth ?? 5,
    loss: defaults.loss ?? 'dice-focal',
    validationLoss: checkOneOf(defaults.validationLoss ?? 'per-batch', 'options.validationLoss', VALIDATION_LOSS_KINDS),
  };
}
