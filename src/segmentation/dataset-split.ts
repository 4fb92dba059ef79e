// The seeded shuffle and the train/validation split of patch slots.
import { Rng } from '../core/rng.js';

/** 0 … n−1 in an order drawn from `seed` (Fisher–Yates). */
export function shuffledOrder(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

/** How many of `count` patches go to validation: the fraction rounded (1305 × 0.2 = 261, as in the study). */
export function validationCount(count: number, validationFraction: number): number {
  return Math.round(count * validationFraction);
}
