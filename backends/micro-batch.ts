// The contract between the frugal profile (backends/frugal/) and a backend model that can take one
// exact training step in micro-batches. The profile owns the arithmetic every backend shares (how a
// batch is split, the dice sums, the loss's linearisation); a backend only runs forward passes and
// accumulates gradients of a linear surrogate it is handed.
import type { Batch } from './backend.js';
import type { ImageSlice } from './dropout-masks.js';

export type { ImageSlice } from './dropout-masks.js';

/** Per-class sums of one slice's forward pass over images, rows and columns: Σ gt·pr and Σ pr. */
export interface ClassSums {
  readonly truePositives: Float64Array;
  readonly predicted: Float64Array;
}

/**
 * The micro-batch's share of a batch loss, linearised where it is not a mean. For a slice k with
 * per-class sums TP_c, P_c and the sum M of its per-element mean term (focal or cross-entropy), the
 * surrogate is
 *
 *   S_k = Σ_c a_c · TP_c + b_c · P_c + s · M
 *
 * with a_c = ∂L/∂TP_c and b_c = ∂L/∂P_c taken at the whole batch's sums, and s the mean's 1/count. Its
 * gradient with respect to the weights is exactly the slice's contribution to the batch loss's
 * gradient, so the gradients of the slices sum to the whole batch's.
 */
export interface LossCoefficients {
  /** a_c, one per class (zeros for a loss without dice). */
  readonly truePositives: Float32Array;
  /** b_c, one per class. */
  readonly predicted: Float32Array;
  /** s: 1 / elements of the batch's mean term (0 for a loss without one). */
  readonly meanScale: number;
}

/** How a model's micro-batch steps are taken. */
export interface MicroBatchOptions {
  /**
   * Compute the encoder's activations again in each slice's backward pass instead of keeping them
   * from its forward pass (activation checkpointing of backends/unet-spec.ts's recomputedLevels):
   * less memory held per image, one more forward pass of the encoder per slice. Exact: the same ops
   * on the same values, dropout masks replayed. @defaultValue false
   */
  readonly recompute?: boolean;
}

/**
 * One training step taken slice by slice, exactly: the same weights result as a whole-batch step
 * (up to float rounding), because dropout masks are the whole batch's (replayed per slice) and each
 * slice backpropagates its share of the whole batch's loss.
 */
export interface MicroBatchSteps {
  /** Starts a step over `batchSize` images split into `slices` (sorted, contiguous, covering the batch); draws the step's masks. */
  beginStep(batchSize: number, slices: readonly ImageSlice[]): void;
  /** Pass 1 (dice losses): slice `index`'s forward pass with the step's dropout masks; its per-class sums. */
  classSums(index: number, batch: Batch): Promise<ClassSums>;
  /**
   * Pass 2: slice `index`'s forward and backward pass of the surrogate, its gradient added to the
   * step's accumulated gradient; resolves to the slice's mean-term sum M.
   */
  accumulateGradient(index: number, batch: Batch, coefficients: LossCoefficients): Promise<number>;
  /** One Adam step with the accumulated gradient, which is then cleared. */
  applyGradient(): Promise<void>;
  /** Drops a step begun but not applied (an error mid-step). */
  abortStep(): void;
}
