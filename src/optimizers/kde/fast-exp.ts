/**
 * exp(x) for x ≤ 0 by table lookup: x = −m·ln2/32 + r with |r| ≤ ln2/64, e^x = e^(−m·ln2/32)·e^r,
 * the first factor from a 35,000-entry table and e^r from a cubic (relative error below 6e-10).
 *
 * The KDE evaluates one exponential per (candidate, data point) pair — 128,000 per proposal at
 * 2,000 results — and only compares ratios of densities, so this precision is ample. Callers
 * inline the three lines of {@link fastExpNonPositive} in their hot loops; V8 does not always
 * inline a call made from inside a long loop body.
 */
export const EXP_STEPS_PER_LN2 = 32;
export const EXP_INVERSE_STEP = EXP_STEPS_PER_LN2 / Math.LN2;
export const EXP_STEP = Math.LN2 / EXP_STEPS_PER_LN2;
/** Below this exponent the result underflows to 0 in double precision. */
export const EXP_MIN_EXPONENT = -745;
export const EXP_TABLE = new Float64Array(Math.ceil(-EXP_MIN_EXPONENT * EXP_INVERSE_STEP) + 2);
for (let m = 0; m < EXP_TABLE.length; m++) EXP_TABLE[m] = Math.exp(-m * EXP_STEP);

export function fastExpNonPositive(x: number): number {
  if (x < EXP_MIN_EXPONENT) return 0;
  const m = (-x * EXP_INVERSE_STEP + 0.5) | 0;
  const r = x + m * EXP_STEP;
  return EXP_TABLE[m] * (1 + r * (1 + r * (0.5 + r * 0.16666666666666666)));
}
