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

/**
 * A draw from N(mean, sd²) truncated to [lower, upper] for any mean, inside or far outside the
 * interval (the sequential draws of a correlated kernel need both): by rejection while the
 * interval holds a fair share of the mass, else by inverting the CDF on the side where the tail
 * probabilities are small and so still exact in floating point.
 */
export function truncatedNormal(rng: Rng, mean: number, sd: number, lower: number, upper: number): number {
  if (!(sd > 0)) return Math.min(upper, Math.max(lower, mean));
  let a = (lower - mean) / sd;
  let b = (upper - mean) / sd;
  if (a <= 1 && b >= -1) {
    for (let attempt = 0; attempt < 32; attempt++) {
      const z = rng.normal();
      if (z >= a && z <= b) return mean + sd * z;
    }
  }
  // Work in the lower tail: if the interval lies right of 0, mirror it.
  const mirrored = a > 0;
  if (mirrored) [a, b] = [-b, -a];
  const pa = normalCdf(a);
  const pb = normalCdf(b);
  let z: number;
  if (!(pb > pa)) z = mirrored ? a : b;
  else z = inverseNormalCdf(pa + rng.random() * (pb - pa));
  z = Math.min(b, Math.max(a, z));
  return mean + sd * (mirrored ? -z : z);
}

/** Φ(x) through erfc (Numerical Recipes' `erfcc`, relative error below 1.2e-7 everywhere). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const value =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? value : 2 - value;
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
