import { BandsterError } from '../core/errors.js';

/** What is wrong with a dataset on disk; callers branch on it, never on a message. */
export type DatasetErrorCode =
  /** The root folder does not exist or is not a folder. */
  | 'ERR_DATASET_NOT_FOUND'
  /** No tiles under the root, a tile without an images/ or masks/ folder, or an empty one. */
  | 'ERR_DATASET_EMPTY'
  /** An image without its mask (same name, .png, under masks/). */
  | 'ERR_DATASET_MISSING_MASK'
  /** A mask without its image. */
  | 'ERR_DATASET_MISSING_IMAGE'
  /** An image and its mask differ in width or height. */
  | 'ERR_DATASET_SIZE_MISMATCH'
  /** A file sharp cannot decode (truncated, not an image, unreadable). */
  | 'ERR_DATASET_UNREADABLE'
  /** A mask has colours outside the six-colour palette. */
  | 'ERR_DATASET_UNKNOWN_COLOURS'
  /** Every image is smaller than one patch: nothing to train on. */
  | 'ERR_DATASET_NO_PATCHES'
  /** A tile has images but none holds one patch at the chosen patch size: the tile contributes nothing. */
  | 'ERR_DATASET_TILE_NO_PATCHES'
  /** The synthetic generator's output folder is not empty. */
  | 'ERR_DATASET_EXISTS';

/** A dataset on disk cannot be used as it is; `file` is the path of the file (or folder) at fault. */
export class DatasetError extends BandsterError {
  declare readonly code: DatasetErrorCode;
  readonly file: string;
  constructor(code: DatasetErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, `${file}: ${message}`, options);
    this.file = file;
  }
}

/** One thing wrong with a dataset, as `inspectDataset` collects them (a DatasetError's parts). */
export interface DatasetProblem {
  readonly code: DatasetErrorCode;
  readonly file: string;
  readonly message: string;
}

/** Something worth knowing that does not stop loading (an image smaller than a patch, remapped colours). */
export interface DatasetWarning {
  readonly code: 'SMALLER_THAN_PATCH' | 'UNKNOWN_COLOURS_MAPPED' | 'IGNORED_FILE';
  readonly file: string;
  readonly message: string;
}

/** The error a problem stands for. */
export function problemError(problem: DatasetProblem, cause?: unknown): DatasetError {
  return new DatasetError(problem.code, problem.file, problem.message, cause === undefined ? undefined : { cause });
}
