import type { Configuration } from '../core/types.js';
import { InvalidOptionError } from '../core/errors.js';
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
}

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
}

/**
 * Reads a configuration of either preset: `learning_rate`, `batchsize`, `valbatchsize`,
 * `dropout_scale`, `base_filters`; absent ones take the defaults.
 */
export function trainerSettings(config: Configuration, defaults: TrainerDefaults = {}): TrainerSettings {
  const read = (name: string, fallback: number, check: (value: number) => boolean, requirement: string): number => {
    const value = config[name] ?? fallback;
    if (typeof value !== 'number' || !check(value))
      throw new InvalidOptionError(`config.${name} must be ${requirement} (got ${JSON.stringify(value)})`);
    return value;
  };
  const positiveInteger = (value: number): boolean => Number.isInteger(value) && value >= 1;
  const batchSize = read('batchsize', defaults.batchSize ?? 16, positiveInteger, 'an integer >= 1');
  return {
    learningRate: read('learning_rate', defaults.learningRate ?? 1e-3, (value) => value > 0 && Number.isFinite(value), 'a number > 0'),
    batchSize,
    validationBatchSize: read('valbatchsize', batchSize, positiveInteger, 'an integer >= 1'),
    dropoutScale: read('dropout_scale', 1, (value) => value >= 0 && value <= 3, 'a number in [0, 3]'),
    baseFilters: read('base_filters', defaults.baseFilters ?? 16, positiveInteger, 'an integer >= 1'),
    depth: defaults.depth ?? 5,
    loss: defaults.loss ?? 'dice-focal',
  };
}
