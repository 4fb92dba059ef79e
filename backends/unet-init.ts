// The U-Net's initial weights, computed once for every backend, so that the same seed gives the same
// weights on tfjs and on ONNX Runtime (checkpoints and parity tests depend on it).
//
// The draws are tfjs's own: `tf.truncatedNormal` (MPRandGauss, Marsaglia's polar method, resampled
// beyond 2σ) and `tf.randomUniform` (UniformRandom), both on seedrandom's alea seeded with the seed's
// decimal string (tfjs-core/src/ops/rand_util.ts). seedrandom is the package tfjs draws with, so the
// streams are the same by construction; test/backends/unet-init.test.ts checks them against tfjs.
import seedrandom from 'seedrandom';

import { Rng } from '../src/core/rng.js';
import { type UNetLayerPlan, type UNetSpec, unetLayerPlan, validateSpec } from './unet-spec.js';

/** One layer's initial weights, in tfjs/Keras layout (see {@link UNetLayerPlan}). */
export interface InitialLayer extends UNetLayerPlan {
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
}

/** Initial weights and the seed of the dropout masks, both drawn from one model seed. */
export interface InitialUNet {
  readonly layers: readonly InitialLayer[];
  readonly dropoutSeed: number;
}

/** Keras's truncated-normal correction: the stddev of a unit normal truncated at ±2σ is 0.8796…. */
const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

/**
 * The study's initialisation: 3×3 convolutions Keras's he_normal (VarianceScaling(2, 'fan_in',
 * 'truncated_normal'): σ = √(2 / fan_in) / 0.8796…, so that the truncated distribution's stddev is
 * √(2/fan_in); tfjs's heNormal leaves the correction out), the 2×2 transposed convolutions and the 1×1
 * output Keras's default Glorot-uniform, biases zero. Each kernel gets its own seed from `seed`, after
 * the dropout generator's seed.
 */
export function initialUNet(spec: UNetSpec, seed: number): InitialUNet {
  validateSpec(spec);
  const seeds = new Rng(seed);
  const dropoutSeed = seeds.nextUint32();
  const layers = unetLayerPlan(spec).map((plan): InitialLayer => {
    const layerSeed = seeds.nextUint32();
    const size = plan.kernelShape.reduce((a, b) => a * b, 1);
    const kernel = plan.kind === 'conv3x3' ? heNormal(plan.kernelShape, size, layerSeed) : glorotUniform(plan.kernelShape, size, layerSeed);
    return { ...plan, kernel, bias: new Float32Array(plan.biasSize) };
  });
  return { layers, dropoutSeed };
}

/** Keras's fans of a 4-D channels-last kernel: receptive field × the last-but-one and last axes. */
function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptiveField, fanOut: shape[shape.length - 1] * receptiveField };
}

function heNormal(shape: readonly number[], size: number, seed: number): Float32Array {
  return truncatedNormal(size, Math.sqrt(2 / fans(shape).fanIn) / TRUNCATED_NORMAL_STDDEV, seed);
}

/** VarianceScaling(1, 'fan_avg', 'uniform'): U(±√(3 / ((fan_in + fan_out) / 2))). */
function glorotUniform(shape: readonly number[], size: number, seed: number): Float32Array {
  const { fanIn, fanOut } = fans(shape);
  const limit = Math.sqrt(3 * (1 / Math.max(1, (fanIn + fanOut) / 2)));
  return randomUniform(size, -limit, limit, seed);
}

/** tfjs's `seed ? seed : Math.random()`: seed 0 would be unseeded there; it is never drawn in practice. */
function alea(seed: number): () => number {
  return seedrandom.alea(String(seed));
}

/** tfjs's truncatedNormal(shape, 0, stdDev, 'float32', seed), value for value (MPRandGauss). */
export function truncatedNormal(size: number, stdDev: number, seed: number): Float32Array {
  const random = alea(seed);
  const upper = stdDev * 2;
  const lower = -stdDev * 2;
  const valid = (value: number): boolean => value <= upper && value >= lower;
  const values = new Float32Array(size);
  let spare = Number.NaN;
  for (let i = 0; i < size; i++) {
    if (!Number.isNaN(spare)) {
      values[i] = spare;
      spare = Number.NaN;
      continue;
    }
    let x = 0;
    let y = 0;
    for (;;) {
      let v1: number;
      let v2: number;
      let s: number;
      do {
        v1 = 2 * random() - 1;
        v2 = 2 * random() - 1;
        s = v1 * v1 + v2 * v2;
      } while (s >= 1 || s === 0);
      const scale = Math.sqrt((-2.0 * Math.log(s)) / s);
      x = stdDev * v1 * scale;
      y = stdDev * v2 * scale;
      if (valid(x)) break;
    }
    if (valid(y)) spare = y;
    values[i] = x;
  }
  return values;
}

/** tfjs's randomUniform(shape, min, max, 'float32', seed), value for value (UniformRandom). */
export function randomUniform(size: number, min: number, max: number, seed: number): Float32Array {
  const random = alea(seed);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = min + (max - min) * random();
  return values;
}
