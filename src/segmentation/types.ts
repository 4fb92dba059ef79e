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

/** The U-Net's shape: base width and depth are parameters (16 filters and 5 levels reproduce the study). */
export interface UNetSpec {
  /** Patch side length in pixels (a multiple of 2^(depth−1)). */
  readonly inputSize: number;
  readonly inputChannels: 3;
  readonly classes: number;
  /** Filters of the first level; level k has baseFilters · 2^k. @defaultValue 16 */
  readonly baseFilters: number;
  /** Encoder levels including the bottleneck. @defaultValue 5 */
  readonly depth: number;
  /** Multiplies the study's dropout rates (0.2 per block, 0.3 at the bottleneck); 0 disables dropout. @defaultValue 1 */
  readonly dropoutScale: number;
}

/** Which loss the model is trained on. */
export type LossKind =
  /** dice (class weights 1/6, segmentation_models semantics) + categorical focal (γ = 2, α = 0.25): the study's. */
  | 'dice-focal'
  /** unweighted dice: 1 − mean over classes of dice. */
  | 'dice'
  | 'cross-entropy';
