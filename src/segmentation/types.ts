/** The study's six classes, in id order, with their exact mask colours (see shared/docs/segmentation.md). */
export const CLASSES = [
  { id: 0, name: 'Building', rgb: [0x3c, 0x10, 0x98] },
  { id: 1, name: 'Land', rgb: [0x84, 0x29, 0xf6] },
  { id: 2, name: 'Road', rgb: [0x6e, 0xc1, 0xe4] },
  { id: 3, name: 'Vegetation', rgb: [0xfe, 0xdd, 0x3a] },
  { id: 4, name: 'Water', rgb: [0xe2, 0xa9, 0x29] },
  { id: 5, name: 'Unlabeled', rgb: [0x9b, 0x9b, 0x9b] },
] as const;

export const NUM_CLASSES = CLASSES.length;

/**
 * Patches held as bytes (4× less memory than float32), scaled per batch. The arrays may live
 * in SharedArrayBuffers so that every worker thread of a pool reads one copy.
 */
export interface PatchSet {
  readonly patchSize: number;
  readonly count: number;
  /** count × patchSize × patchSize × 3, RGB, row-major (NHWC). */
  readonly images: Uint8Array;
  /** count × patchSize × patchSize class ids. */
  readonly labels: Uint8Array;
  /** Where each patch came from, e.g. "Tile 3/image_part_004.jpg#2" (for reports). */
  readonly sources: readonly string[];
}

/** A dataset split into training and validation patches with a seeded shuffle. */
export interface SegmentationDataset {
  readonly train: PatchSet;
  readonly validation: PatchSet;
  readonly patchSize: number;
}

// The U-Net spec and the loss kinds belong to the backends, which build them; the trainer and the
// rest of segmentation import them from there (segmentation imports backends, never the reverse).
export type { LossKind, UNetSpec } from '../../backends/unet-spec.js';
