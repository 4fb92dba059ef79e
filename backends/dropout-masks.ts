import { Rng } from '../src/core/rng.js';
import type { DropoutSite } from './unet-spec.js';

/** What a kept unit is multiplied by: 1/(1 − rate) as a float32 (the value of a mask's kept elements). */
export function keepScale(rate: number): number {
  return Math.fround(1 / (1 - rate));
}

/**
 * Keras's inverted dropout masks, drawn in JS from the model's own seeded generator: one draw per
 * element in NHWC order, dropped where the draw is below rate·2³². No tensor RNG ops, so a run is
 * reproducible and every step gets a new mask (tf.layers' Dropout with a seed draws the same mask at
 * every step). Every backend draws its masks here, so the same seed drops the same units on tfjs and
 * on ONNX Runtime.
 */
export class DropoutMasks {
  private readonly rng: Rng;
  private bits = new Uint8Array(0);

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** The mask as values: 0 where dropped, {@link keepScale} where kept; `size` elements in NHWC order. */
  nhwc(size: number, rate: number): Float32Array {
    if (this.bits.length < size) this.bits = new Uint8Array(size);
    const dropped = this.dropBits(size, rate, this.bits.subarray(0, size));
    const keep = keepScale(rate);
    const mask = new Float32Array(size);
    for (let i = 0; i < size; i++) mask[i] = dropped[i] === 1 ? 0 : keep;
    return mask;
  }

  /**
   * The same draws as bits, 1 = dropped, in NHWC order, into `into` when given: a byte per element
   * and no conversion (a 64 px training step draws a million), for a graph that expands them itself.
   */
  dropBits(size: number, rate: number, into?: Uint8Array): Uint8Array {
    const bits = into ?? new Uint8Array(size);
    if (bits.length !== size) throw new RangeError(`into must hold ${size} values (got ${bits.length})`);
    return this.rng.fillBernoulli(bits, rate);
  }

  /**
   * Plans one training step of `batch` images whose forward passes run slice by slice (the frugal
   * profile's micro-batches): the generator advances past the whole step's draws, exactly as a
   * whole-batch step would (so the next step draws the same masks either way), and the plan replays
   * the draws of any slice from generator states recorded at each slice's first element.
   */
  planStep(sites: readonly DropoutSite[], batch: number, slices: readonly ImageSlice[]): DropoutStep {
    const states: Rng[][] = [];
    for (const site of sites) {
      const perSite: Rng[] = [];
      let cursor = 0;
      for (const slice of slices) {
        this.rng.skip((slice.start - cursor) * site.perImage);
        perSite.push(this.rng.clone());
        cursor = slice.start;
      }
      this.rng.skip((batch - cursor) * site.perImage);
      states.push(perSite);
    }
    return new DropoutStep(sites, slices, states);
  }
}

/** Images `start` … `start + size − 1` of a batch. */
export interface ImageSlice {
  readonly start: number;
  readonly size: number;
}

/** The dropout draws of one training step, replayed per slice of its batch (see {@link DropoutMasks.planStep}). */
export class DropoutStep {
  constructor(
    readonly sites: readonly DropoutSite[],
    readonly slices: readonly ImageSlice[],
    private readonly states: readonly (readonly Rng[])[],
  ) {}

  /** Drop bits (1 = dropped) of `site` for the images of slice `index`, NHWC, into `into` when given. */
  bits(site: number, index: number, into?: Uint8Array): Uint8Array {
    const size = this.slices[index].size * this.sites[site].perImage;
    const bits = into ?? new Uint8Array(size);
    if (bits.length !== size) throw new RangeError(`into must hold ${size} values (got ${bits.length})`);
    return this.states[site][index].clone().fillBernoulli(bits, this.sites[site].rate);
  }

  /** The same as values: 0 where dropped, {@link keepScale} where kept. */
  values(site: number, index: number): Float32Array {
    const bits = this.bits(site, index);
    const keep = keepScale(this.sites[site].rate);
    const mask = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) mask[i] = bits[i] === 1 ? 0 : keep;
    return mask;
  }
}
