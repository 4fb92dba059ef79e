import { InvalidOptionError } from '../core/errors.js';
import { checkNumber } from '../core/option-checks.js';
/**
 * Spearman's rank correlation with ties, as `scipy.stats.spearmanr`: the Pearson correlation of
 * the two samples' ranks, tied values sharing the average of the ranks they span.
 */

/**
 * Ranks 1…n of `values` (smallest first); tied values get the mean of the ranks they occupy,
 * e.g. `[10, 20, 20, 30]` → `[1, 2.5, 2.5, 4]`.
 * @throws InvalidOptionError when a value is NaN.
 */
export function averageRanks(values: readonly number[]): number[] {
  values.forEach((value, i) => {
    checkNumber(value, `values[${i}]`);
  });
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start…end-1 hold ranks start+1…end; their mean:
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson's correlation coefficient; NaN when fewer than two pairs or either sample is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  const n = x.length;
  if (n < 2) return Number.NaN;
  const meanX = x.reduce((sum, v) => sum + v, 0) / n;
  const meanY = y.reduce((sum, v) => sum + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  // Rounding can push |r| a hair past 1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Spearman's ρ of paired samples `x[i]`, `y[i]`: Pearson's r of their {@link averageRanks}.
 * NaN when fewer than two pairs or when either sample is constant (scipy returns nan too).
 * @throws InvalidOptionError when the lengths differ or a value is NaN.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

function checkPaired(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new InvalidOptionError(`x has ${x.length} values but y has ${y.length}; they must be paired`);
}
