/**
 * `bandster/segmentation`: the aerial-imagery study as a library — datasets (loader, synthetic
 * generator, inspection, shared-memory patches), the U-Net trainer as a BOHB objective, the
 * study's presets and the default-vs-tuned comparison.
 */
export { CLASSES, NUM_CLASSES } from './types.js';
export type { LossKind, PatchSet, SegmentationDataset, UNetSpec } from './types.js';
export { loadDataset, LOAD_DATASET_DEFAULTS } from './dataset-loader.js';
export type { LoadDatasetOptions, LoadedDataset } from './dataset-loader.js';
export { inspectDataset } from './dataset-inspect.js';
export type { DatasetInspection, InspectedImage, InspectedTile } from './dataset-inspect.js';
export { DatasetError } from './dataset-error.js';
export type { DatasetErrorCode, DatasetProblem, DatasetWarning } from './dataset-error.js';
export { TrainingError } from './training-error.js';
export type { TrainingErrorCode } from './training-error.js';
export { generateSyntheticDataset, SYNTHETIC_DATASET_DEFAULTS } from './synthetic-dataset.js';
export type { SyntheticDatasetOptions, SyntheticDatasetSummary } from './synthetic-dataset.js';
export { labelBatch, scaleBatch } from './patch-batches.js';
export { datasetFromShared, datasetToShared, toShared } from './patch-set.js';
export { trainModel, trainObjective } from './trainer.js';
export type { EpochRecord, TrainerOptions, TrainingRun } from './trainer.js';
export { trainerSettings } from './trainer-settings.js';
export type { TrainerDefaults, TrainerSettings } from './trainer-settings.js';
export { defaultPreset, presetByName, studyPreset } from './presets.js';
export type { SegmentationPreset } from './presets.js';
export { resolveBackendName, segmentationSharedData } from './segmentation-job.js';
export {
  readSegmentationRunSettings,
  SEGMENTATION_RUN_FILE,
  type SegmentationRunSettings,
  type TrainedWeights,
  type TrainedWeightsOptions,
  trainedWeights,
  writeSegmentationRunSettings,
} from './segmentation-run.js';
export type { SegmentationJobSettings } from './segmentation-job.js';
export { compareRuns, toTrainingHistory } from './comparison.js';
export type { ComparedRun, ComparisonRunResult } from './comparison.js';
