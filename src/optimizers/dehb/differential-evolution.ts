/**
 * Differential evolution's operators on [0, 1]^d (Storn & Price 1997), as DEHB uses them
 * (Awad et al. 2021, §2.2; the reference `DE.mutation_rand1`, `crossover_bin`, `boundary_check`).
 */
import type { Rng } from '../../core/rng.js';

/** rand/1 mutation: v = r1 + F · (r2 − r3). */
export function mutateRand1(r1: ArrayLike<number>, r2: ArrayLike<number>, r3: ArrayLike<number>, mutationFactor: number): Float64Array {
  const mutant = new Float64Array(r1.length);
  for (let j = 0; j < r1.length; j++) mutant[j] = r1[j] + mutationFactor * (r2[j] - r3[j]);
  return mutant;
}

/**
 * Binomial crossover: each dimension comes from the mutant with probability `crossoverProb`,
 * otherwise from the target; one random dimension always comes from the mutant, so the trial
 * differs from its parent.
 */
export function crossoverBinomial(target: ArrayLike<number>, mutant: ArrayLike<number>, crossoverProb: number, rng: Rng): Float64Array {
  const d = target.length;
  const trial = new Float64Array(d);
  let crossed = false;
  for (let j = 0; j < d; j++) {
    const fromMutant = rng.random() < crossoverProb;
    crossed ||= fromMutant;
    trial[j] = fromMutant ? mutant[j] : target[j];
  }
  if (!crossed && d > 0) {
    const j = rng.int(d);
    trial[j] = mutant[j];
  }
  return trial;
}

/** The reference's default boundary fix ('random'): a dimension outside [0, 1] is redrawn uniformly. */
export function repairBounds(vector: Float64Array, rng: Rng): Float64Array {
  for (let j = 0; j < vector.length; j++) if (!(vector[j] >= 0 && vector[j] <= 1)) vector[j] = rng.random();
  return vector;
}

/** `count` distinct indices of [0, n), in draw order (numpy's `choice(n, count, replace=False)`). */
export function distinctIndices(rng: Rng, n: number, count: number): number[] {
  if (count > n) throw new RangeError(`cannot draw ${count} distinct indices from ${n}`);
  const pool = Array.from({ length: n }, (_, i) => i);
  const chosen: number[] = [];
  for (let k = 0; k < count; k++) {
    const pick = k + rng.int(n - k);
    [pool[k], pool[pick]] = [pool[pick], pool[k]];
    chosen.push(pool[k]);
  }
  return chosen;
}
