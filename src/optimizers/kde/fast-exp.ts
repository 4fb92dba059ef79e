/**
 * exp(x) for x ≤ 0, about four times faster than Math.exp in V8 (it inlines; Math.exp is a
 * runtime call) with a relative error below 1e-11. The KDE evaluates one exponential per
 * (candidate, data point) pair — 128,000 per proposal at 2,000 results — so this is the
 * model's hot path. Only ratios of densities are compared, so the tiny error is harmless.
 */
const LOG2E = 1.4426950408889634;
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const MIN_EXPONENT = -1074;

// 2^k for k in [MIN_EXPONENT, 0], indexed by k − MIN_EXPONENT.
const POWERS_OF_TWO = new Float64Array(-MIN_EXPONENT + 1);
for (let k = MIN_EXPONENT; k <= 0; k++) POWERS_OF_TWO[k - MIN_EXPONENT] = Math.pow(2, k);

export function fastExpNonPositive(x: number): number {
  if (x < -744) return 0;
  const k = Math.round(x * LOG2E);
  const r = x - k * LN2_HI - k * LN2_LO;
  // Taylor series of e^r on |r| ≤ ln2/2, Horner form, degree 11.
  const p =
    1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320 + r * (1 / 362880 + r * (1 / 3628800 + r / 39916800))))))))));
  return p * POWERS_OF_TWO[k - MIN_EXPONENT];
}
