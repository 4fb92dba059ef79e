// The U-Net every backend builds, described once: its spec, the losses it trains on, its layers in
// checkpoint order and its cost. Backends and the trainer share these types; they live on the
// backends side (segmentation imports backends, never the reverse).
import { BackendError } from './backend-error.js';

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

export const LOSS_KINDS: readonly LossKind[] = ['dice-focal', 'dice', 'cross-entropy'];

/** The study's dropout rates (shared/docs/segmentation.md), before `dropoutScale`. */
export const BLOCK_DROPOUT = 0.2;
export const BOTTLENECK_DROPOUT = 0.3;

/** How a layer's weights are used: 3×3 'same' convolution + ReLU, 2×2/2 transposed convolution, 1×1 output. */
export type UNetLayerKind = 'conv3x3' | 'up2x2' | 'output1x1';

/** One layer as a checkpoint holds it: the kernel in tfjs/Keras layout, then the bias. */
export interface UNetLayerPlan {
  readonly name: string;
  readonly kind: UNetLayerKind;
  /** conv: [kh, kw, in, out]; up2x2 (a transposed convolution): [kh, kw, out, in], as tfjs and Keras keep them. */
  readonly kernelShape: readonly [number, number, number, number];
  readonly biasSize: number;
}

/** Throws ERR_BACKEND_INVALID_SPEC naming the field when a spec cannot be built. */
export function validateSpec(spec: UNetSpec): void {
  const fail = (message: string): never => {
    throw new BackendError('ERR_BACKEND_INVALID_SPEC', message);
  };
  const positiveInteger = (field: keyof UNetSpec, value: number): void => {
    if (!Number.isInteger(value) || value < 1) fail(`spec.${field} must be a positive integer (got ${value})`);
  };
  positiveInteger('baseFilters', spec.baseFilters);
  positiveInteger('depth', spec.depth);
  positiveInteger('inputSize', spec.inputSize);
  if (!Number.isInteger(spec.classes) || spec.classes < 2) fail(`spec.classes must be an integer >= 2 (got ${spec.classes})`);
  if (spec.inputChannels !== 3) fail(`spec.inputChannels must be 3 (got ${spec.inputChannels})`);
  const multiple = 2 ** (spec.depth - 1);
  if (spec.inputSize % multiple !== 0) fail(`spec.inputSize must be a multiple of 2^(depth−1) = ${multiple} (got ${spec.inputSize})`);
  if (!(spec.dropoutScale >= 0 && spec.dropoutScale * BOTTLENECK_DROPOUT < 1)) {
    fail(`spec.dropoutScale must be in [0, ${1 / BOTTLENECK_DROPOUT}) (got ${spec.dropoutScale})`);
  }
}

/** Filters of encoder level k (0 = full resolution). */
export function levelFilters(spec: UNetSpec, level: number): number {
  return spec.baseFilters * 2 ** level;
}

/** A place where dropout applies during training, as the forward pass meets it. */
export interface DropoutSite {
  /** The study's rate times `dropoutScale`. */
  readonly rate: number;
  /** Encoder or decoder level (0 = full resolution). */
  readonly level: number;
  readonly channels: number;
  /** Side of the activation in pixels. */
  readonly side: number;
  /** Elements of the activation per image (side² · channels): the mask draws per image. */
  readonly perImage: number;
}

/**
 * The dropout sites of a training step in the order the forward pass meets them (the order every
 * backend draws its masks in): after the first convolution of every encoder level (0.3 at the
 * bottleneck, 0.2 elsewhere), then of every decoder level, times `dropoutScale`. None when it is 0.
 */
export function dropoutSitesOf(spec: UNetSpec): DropoutSite[] {
  if (spec.dropoutScale <= 0) return [];
  const sites: DropoutSite[] = [];
  const site = (level: number, rate: number): void => {
    const side = spec.inputSize / 2 ** level;
    const channels = levelFilters(spec, level);
    sites.push({ rate: rate * spec.dropoutScale, level, channels, side, perImage: side * side * channels });
  };
  for (let level = 0; level < spec.depth; level++) site(level, level === spec.depth - 1 ? BOTTLENECK_DROPOUT : BLOCK_DROPOUT);
  for (let level = spec.depth - 2; level >= 0; level--) site(level, BLOCK_DROPOUT);
  return sites;
}

/**
 * The encoder levels whose activations the frugal profile's recomputation (`recompute`) does not keep
 * for the backward pass but computes again there, on every backend: each level above the bottleneck,
 * its two convolutions, dropout and max-pooling as one segment whose input is kept (activation
 * checkpointing). These hold the encoder's large feature maps; the bottleneck's are
 * (inputSize / 2^(depth−1))² · filters, too small to be worth a second forward pass.
 */
export function recomputedLevels(spec: UNetSpec): number[] {
  return Array.from({ length: spec.depth - 1 }, (_, level) => level);
}

/**
 * The layers in the order every backend keeps them (and checkpoints and Adam's slots follow): the
 * encoder's two 3×3 convolutions per level, then per decoder level the 2×2 transposed convolution
 * and two 3×3 convolutions, then the 1×1 output. The study's Keras model, layer for layer.
 */
export function unetLayerPlan(spec: UNetSpec): UNetLayerPlan[] {
  const layers: UNetLayerPlan[] = [];
  let channels: number = spec.inputChannels;
  for (let level = 0; level < spec.depth; level++) {
    const filters = levelFilters(spec, level);
    layers.push({ name: `enc${level}_conv1`, kind: 'conv3x3', kernelShape: [3, 3, channels, filters], biasSize: filters });
    layers.push({ name: `enc${level}_conv2`, kind: 'conv3x3', kernelShape: [3, 3, filters, filters], biasSize: filters });
    channels = filters;
  }
  for (let level = spec.depth - 2; level >= 0; level--) {
    const filters = levelFilters(spec, level);
    layers.push({ name: `dec${level}_up`, kind: 'up2x2', kernelShape: [2, 2, filters, channels], biasSize: filters });
    layers.push({ name: `dec${level}_conv1`, kind: 'conv3x3', kernelShape: [3, 3, 2 * filters, filters], biasSize: filters });
    layers.push({ name: `dec${level}_conv2`, kind: 'conv3x3', kernelShape: [3, 3, filters, filters], biasSize: filters });
    channels = filters;
  }
  layers.push({ name: 'output', kind: 'output1x1', kernelShape: [1, 1, channels, spec.classes], biasSize: spec.classes });
  return layers;
}

/** Number of weights (Keras's "Total params"). */
export function parameterCount(spec: UNetSpec): number {
  return unetLayerPlan(spec).reduce((sum, layer) => sum + layer.kernelShape.reduce((a, b) => a * b, 1) + layer.biasSize, 0);
}

/**
 * Multiply–adds ×2 of one forward pass per image, from the architecture (convolutions only; bias,
 * ReLU, pooling, dropout and softmax are O(activations) and left out, as FLOP counts usually do).
 */
export function forwardFlopsPerImage(spec: UNetSpec): number {
  let flops = 0;
  let side = spec.inputSize;
  for (const layer of unetLayerPlan(spec)) {
    const [kh, kw, a, b] = layer.kernelShape;
    if (layer.kind === 'up2x2') {
      // 2×2 stride-2 transposed conv: each output pixel (at twice the side) gets one tap.
      side *= 2;
      flops += 2 * side * side * a * b;
    } else {
      flops += 2 * side * side * kh * kw * a * b;
      if (layer.name.endsWith('_conv2') && layer.name.startsWith('enc') && layer.name !== `enc${spec.depth - 1}_conv2`) side /= 2;
    }
  }
  return flops;
}
