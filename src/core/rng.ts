/**
 * Seeded pseudo-random generator used for every random choice in bandster.
 *
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32: small, fast, and with a
 * state that fits in four 32-bit words, so a generator can be forked per purpose
 * without sharing a stream. Library code never calls Math.random: determinism of a
 * whole search follows from the one seed handed to it.
 */
import { checkNumber, invalidOption } from './option-checks.js';
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    checkNumber(seed, 'seed', { finite: true });
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    // Mix in the high bits of seeds beyond 2^32 so that they are not silently equal.
    const high = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
    this.s0 = next() ^ high;
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * Fills `target` with the next `target.length` values of {@link nextUint32} (the same stream), with
   * the state in locals: several times faster than calling it per element (dropout masks draw a
   * million values per training step).
   */
  fillUint32(target: Uint32Array): Uint32Array {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < target.length; i++) {
      const scrambled = Math.imul(s1, 5);
      const rotated = (scrambled << 7) | (scrambled >>> 25);
      target[i] = Math.imul(rotated, 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    return target;
  }

  /**
   * Fills `target` with Bernoulli bits: 1 where the next {@link nextUint32} is below
   * `probability`·2³², else 0 (one draw per element whatever the probability, the same stream), fused
   * in one pass with int32 arithmetic (dropout draws a million bits per training step).
   */
  fillBernoulli(target: Uint8Array, probability: number): Uint8Array {
    const scaled = Math.ceil(probability * 4294967296); // for an integer draw, draw < p·2³² ⇔ draw < ⌈p·2³²⌉
    if (!(scaled > 0) || scaled > 4294967295) {
      for (let i = 0; i < target.length; i++) this.nextUint32();
      return target.fill(scaled > 0 ? 1 : 0);
    }
    // draw < limit as unsigned 32-bit numbers is the borrow of draw − limit: branch-free, int32 throughout.
    const limit = scaled | 0;
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    for (let i = 0; i < target.length; i++) {
      const scrambled = Math.imul(s1, 5);
      const draw = Math.imul((scrambled << 7) | (scrambled >>> 25), 9);
      target[i] = ((~draw & limit) | (~(draw ^ limit) & ((draw - limit) | 0))) >>> 31;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    return target;
  }

  /** A double uniformly distributed on [0, 1) with 53 random bits. */
  random(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A double uniformly distributed on [lower, upper). */
  uniform(lower: number, upper: number): number {
    return lower + (upper - lower) * this.random();
  }

  /** An integer uniformly distributed on [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw invalidOption('n', 'a number >= 1', n);
    return Math.floor(this.random() * n);
  }

  /** A standard normal draw (Marsaglia's polar method). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    for (;;) {
      const u = 2 * this.random() - 1;
      const v = 2 * this.random() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  /** An index drawn with probability proportional to `weights[i]`. */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let target = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i];
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  /**
   * A generator at this one's exact state: both continue with the same stream. The frugal profile
   * replays a training step's dropout draws slice by slice (backends/dropout-masks.ts).
   */
  clone(): Rng {
    const copy = Object.create(Rng.prototype) as Rng;
    copy.s0 = this.s0;
    copy.s1 = this.s1;
    copy.s2 = this.s2;
    copy.s3 = this.s3;
    copy.spareNormal = this.spareNormal;
    return copy;
  }

  /** Advances the stream by `count` draws of {@link nextUint32} without producing them. */
  skip(count: number): void {
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    for (let i = 0; i < count; i++) {
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
  }

  /** A new generator whose stream is independent of this one's future draws. */
  fork(): Rng {
    return new Rng(this.nextUint32() * 4096 + (this.nextUint32() >>> 20));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
