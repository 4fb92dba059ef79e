import type { Rng } from '../../core/rng.js';

/**
 * A draw from N(mean, sd²) truncated to [0, 1] (scipy's `truncnorm.rvs(-m/sd, (1-m)/sd,
 * loc=m, scale=sd)` in hpbandster). Rejection sampling: with the mean inside [0, 1] at
 * least a quarter of the mass lies inside for any sd hpbandster uses, so a handful of draws
 * suffice; the clamp after 100 misses only guards against pathological input.
 */
export function truncatedNormalUnit(rng: Rng, mean: number, sd: number): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = mean + sd * rng.normal();
    if (value >= 0 && value <= 1) return value;
  }
  return Math.min(1, Math.max(0, mean));
}
