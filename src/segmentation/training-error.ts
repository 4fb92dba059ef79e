import { BandsterError } from '../core/errors.js';

/** Why a training run cannot go on; callers branch on it, never on a message. */
export type TrainingErrorCode =
  /** The configuration's checkpoint already holds as many epochs as the budget asks for: nothing is left to train. */
  | 'ERR_TRAINING_NOTHING_TO_DO'
  /** A thread was not handed the shared memory training needs (build it with `segmentationSharedData` / `datasetToShared`). */
  | 'ERR_TRAINING_SHARED_DATA'
  /** A checkpoint cannot be written or read back. */
  | 'ERR_TRAINING_CHECKPOINT';

/** The trainer cannot train (bad data and bad settings are DatasetError and InvalidOptionError). */
export class TrainingError extends BandsterError {
  declare readonly code: TrainingErrorCode;
  constructor(code: TrainingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
