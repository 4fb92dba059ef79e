import type { Profile } from '../../backends/frugal/frugal-backend.js';
import { predictTrialMemory } from '../../backends/memory-model.js';
import { MemoryBudget } from '../core/memory-budget.js';
import type { Configuration } from '../core/types.js';
import { trainerSettings, type TrainerDefaults } from './trainer-settings.js';
import { NUM_CLASSES, type SegmentationDataset, type UNetSpec } from './types.js';

/** What predicts a segmentation trial's memory beyond its configuration. */
export interface SegmentationMemoryContext extends TrainerDefaults {
  readonly dataset: Pick<SegmentationDataset, 'patchSize'> & {
    readonly train: { readonly count: number };
    readonly validation: { readonly count: number };
  };
  /** The concrete backend that trains (after `auto` chose). */
  readonly backend: string;
  /** The frugal profile's micro-batch. */
  readonly microBatch?: number;
}

/** The U-Net a configuration trains. */
export function specFor(config: Configuration, context: SegmentationMemoryContext): UNetSpec {
  const settings = trainerSettings(config, context);
  return {
    inputSize: context.dataset.patchSize,
    inputChannels: 3,
    classes: NUM_CLASSES,
    baseFilters: settings.baseFilters,
    depth: settings.depth,
    dropoutScale: settings.dropoutScale,
  };
}

/** The memory model's prediction for one trial of `config` in `profile` (backends/memory-model.ts). */
export function predictSegmentationTrial(config: Configuration, profile: Profile, context: SegmentationMemoryContext) {
  const settings = trainerSettings(config, context);
  return predictTrialMemory({
    spec: specFor(config, context),
    batch: settings.batchSize,
    validationBatch: settings.validationBatchSize,
    trainCount: context.dataset.train.count,
    validationCount: context.dataset.validation.count,
    profile,
    microBatch: context.microBatch,
    backend: context.backend,
  });
}

/**
 * A memory budget for a segmentation search: each trial's demand is the memory model's prediction of
 * what it adds to the process at its peak (plus the calibration's largest shortfall), in the standard
 * profile or, when that would not fit alone, the frugal one. `baselineMb` is what the process holds once its threads and backends are up.
 */
export function segmentationMemoryBudget(budgetMb: number, baselineMb: number, context: SegmentationMemoryContext): MemoryBudget {
  return new MemoryBudget({
    budgetMb,
    baselineMb,
    profiles: ['standard', 'frugal'],
    // Conservative: the model's largest measured shortfall added, so that admission errs towards fewer trials at once.
    demand: (config, _budget, profile) => predictSegmentationTrial(config, profile as Profile, context).conservativeTrialMb,
  });
}
