import * as tf from '@tensorflow/tfjs';

import { Rng } from '../../src/core/rng.js';
import type { UNetSpec } from '../../src/segmentation/types.js';

/** The study's dropout rates (shared/docs/segmentation.md), before `dropoutScale`. */
export const BLOCK_DROPOUT = 0.2;
export const BOTTLENECK_DROPOUT = 0.3;

/** One layer's weights. `kind` says how `forward` uses them. */
export interface UNetLayer {
  readonly name: string;
  readonly kind: 'conv3x3' | 'up2x2' | 'output1x1';
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** Throws a RangeError naming the field when a spec cannot be built. */
export function validateSpec(spec: UNetSpec): void {
  const positiveInteger = (field: keyof UNetSpec, value: number): void => {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`spec.${field} must be a positive integer (got ${value})`);
  };
  positiveInteger('baseFilters', spec.baseFilters);
  positiveInteger('depth', spec.depth);
  positiveInteger('inputSize', spec.inputSize);
  if (!Number.isInteger(spec.classes) || spec.classes < 2)
    throw new RangeError(`spec.classes must be an integer >= 2 (got ${spec.classes})`);
  if (spec.inputChannels !== 3) throw new RangeError(`spec.inputChannels must be 3 (got ${spec.inputChannels})`);
  const multiple = 2 ** (spec.depth - 1);
  if (spec.inputSize % multiple !== 0) {
    throw new RangeError(`spec.inputSize must be a multiple of 2^(depth−1) = ${multiple} (got ${spec.inputSize})`);
  }
  if (!(spec.dropoutScale >= 0 && spec.dropoutScale * BOTTLENECK_DROPOUT < 1)) {
    throw new RangeError(`spec.dropoutScale must be in [0, ${1 / BOTTLENECK_DROPOUT}) (got ${spec.dropoutScale})`);
  }
}

/** Filters of encoder level k (0 = full resolution). */
export function levelFilters(spec: UNetSpec, level: number): number {
  return spec.baseFilters * 2 ** level;
}

/**
 * Multiply–adds ×2 of one forward pass per image, from the architecture (convolutions only; bias,
 * ReLU, pooling, dropout and softmax are O(activations) and left out, as FLOP counts usually do).
 */
export function forwardFlopsPerImage(spec: UNetSpec): number {
  let flops = 0;
  let channels: number = spec.inputChannels;
  const conv = (side: number, kernelArea: number, inChannels: number, outChannels: number): void => {
    flops += 2 * side * side * kernelArea * inChannels * outChannels;
  };
  for (let level = 0; level < spec.depth; level++) {
    const side = spec.inputSize / 2 ** level;
    const filters = levelFilters(spec, level);
    conv(side, 9, channels, filters);
    conv(side, 9, filters, filters);
    channels = filters;
  }
  for (let level = spec.depth - 2; level >= 0; level--) {
    const side = spec.inputSize / 2 ** level;
    const filters = levelFilters(spec, level);
    conv(side, 4 / 4, channels, filters); // 2×2 stride-2 transposed conv: each output pixel gets one tap
    conv(side, 9, 2 * filters, filters);
    conv(side, 9, filters, filters);
    channels = filters;
  }
  conv(spec.inputSize, 1, channels, spec.classes);
  return flops;
}

let modelCounter = 0;

/**
 * Keras's he_normal (VarianceScaling(2, 'fan_in', 'truncated_normal')): a normal truncated at 2σ with
 * σ = √(2 / fan_in) / 0.8796…, the constant that makes the *truncated* distribution's stddev √(2/fan_in).
 * tfjs's heNormal leaves the correction out (its weights come out 12 % too small).
 */
function heNormal(shape: number[], seed: number): tf.Tensor {
  const fanIn = shape.slice(0, -1).reduce((product, dimension) => product * dimension, 1);
  return tf.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn) / 0.87962566103423978, 'float32', seed);
}

/**
 * The study's U-Net as tfjs variables and an eager forward function (no tf.layers: its Dropout with a
 * seed draws the same mask at every step, and its graph adds bookkeeping the trainer does not need).
 * Initialisation follows the Keras model the study built: 3×3 convolutions He-normal (truncated normal,
 * stddev √(2/fan_in)), the 2×2 transposed convolutions and the 1×1 output with Keras's default
 * Glorot-uniform, biases zero. Every initializer gets its own seed drawn from `seed`.
 */
export class UNet {
  readonly layers: UNetLayer[] = [];
  private readonly dropoutRng: Rng;

  constructor(
    readonly spec: UNetSpec,
    seed: number,
  ) {
    validateSpec(spec);
    const seeds = new Rng(seed);
    this.dropoutRng = new Rng(seeds.nextUint32());
    const prefix = `bandster_unet_${++modelCounter}`;
    const add = (name: string, kind: UNetLayer['kind'], kernelShape: number[], biasSize: number): void => {
      const seed = seeds.nextUint32();
      const kernel = tf.tidy(() => {
        const initial =
          kind === 'conv3x3' ? heNormal(kernelShape, seed) : tf.initializers.glorotUniform({ seed }).apply(kernelShape, 'float32');
        return tf.variable(initial as tf.Tensor, true, `${prefix}/${name}/kernel`);
      });
      const bias = tf.tidy(() => tf.variable(tf.zeros([biasSize]), true, `${prefix}/${name}/bias`));
      this.layers.push({ name, kind, kernel, bias });
    };
    let channels: number = spec.inputChannels;
    for (let level = 0; level < spec.depth; level++) {
      const filters = levelFilters(spec, level);
      add(`enc${level}_conv1`, 'conv3x3', [3, 3, channels, filters], filters);
      add(`enc${level}_conv2`, 'conv3x3', [3, 3, filters, filters], filters);
      channels = filters;
    }
    for (let level = spec.depth - 2; level >= 0; level--) {
      const filters = levelFilters(spec, level);
      add(`dec${level}_up`, 'up2x2', [2, 2, filters, channels], filters); // tfjs/Keras layout [kh, kw, out, in]
      add(`dec${level}_conv1`, 'conv3x3', [3, 3, 2 * filters, filters], filters);
      add(`dec${level}_conv2`, 'conv3x3', [3, 3, filters, filters], filters);
      channels = filters;
    }
    add('output', 'output1x1', [1, 1, channels, spec.classes], spec.classes);
  }

  /** Every trainable variable, in a fixed order (the checkpoint and Adam's slots follow it). */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((layer) => [layer.kernel, layer.bias]);
  }

  /** Number of weights (Keras's "Total params"). */
  get parameterCount(): number {
    return this.variables.reduce((sum, variable) => sum + variable.size, 0);
  }

  /** Softmax probabilities N×H×W×classes. With `training`, dropout is on (fresh masks each call). */
  forward(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const layer = (() => {
      let index = 0;
      return () => this.layers[index++];
    })();
    const conv3x3 = (input: tf.Tensor4D): tf.Tensor4D => {
      const { kernel, bias } = layer();
      return tf.fused.conv2d({ x: input, filter: kernel as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' });
    };
    const scale = this.spec.dropoutScale;
    const skips: tf.Tensor4D[] = [];
    let hidden = images;
    for (let level = 0; level < this.spec.depth; level++) {
      const bottleneck = level === this.spec.depth - 1;
      hidden = conv3x3(hidden);
      hidden = this.dropout(hidden, (bottleneck ? BOTTLENECK_DROPOUT : BLOCK_DROPOUT) * scale, training);
      hidden = conv3x3(hidden);
      if (!bottleneck) {
        skips.push(hidden);
        hidden = tf.maxPool(hidden, 2, 2, 'valid');
      }
    }
    for (let level = this.spec.depth - 2; level >= 0; level--) {
      const { kernel, bias } = layer();
      const [batch, height, width] = hidden.shape;
      const filters = kernel.shape[2] as number;
      const upsampled = tf.add(
        tf.conv2dTranspose(hidden, kernel as tf.Tensor4D, [batch, height * 2, width * 2, filters], 2, 'same'),
        bias,
      ) as tf.Tensor4D;
      hidden = tf.concat([upsampled, skips[level]], 3); // Keras: concatenate([u, c])
      hidden = conv3x3(hidden);
      hidden = this.dropout(hidden, BLOCK_DROPOUT * scale, training);
      hidden = conv3x3(hidden);
    }
    const { kernel, bias } = layer();
    const logits = tf.fused.conv2d({ x: hidden, filter: kernel as tf.Tensor4D, strides: 1, pad: 'valid', bias });
    return tf.softmax(logits) as tf.Tensor4D;
  }

  /**
   * Keras's inverted dropout: keep with probability 1 − rate and scale kept values by 1/(1 − rate).
   * The mask is drawn from the model's own seeded generator in JS (one pass, no tensor RNG ops), so a
   * run is reproducible and every step gets a new mask.
   */
  private dropout(input: tf.Tensor4D, rate: number, training: boolean): tf.Tensor4D {
    if (!training || rate <= 0) return input;
    const keep = 1 / (1 - rate);
    const mask = new Float32Array(input.size);
    const threshold = rate * 4294967296;
    const rng = this.dropoutRng;
    for (let i = 0; i < mask.length; i++) mask[i] = rng.nextUint32() < threshold ? 0 : keep;
    return tf.mul(input, tf.tensor(mask, input.shape)) as tf.Tensor4D;
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}
