/**
 * A full bandwidth matrix for the continuous dimensions of a KDE (the `multivariate` option):
 * H = D·R·D, where D holds the product kernel's own bandwidths (statsmodels' normal-reference
 * rule, clipped as hpbandster clips them) and R is the set's correlation matrix shrunk towards the
 * identity, R_λ = (1 − λ)·R + λ·I, with λ estimated from the data (Schäfer & Strimmer 2005,
 * "A shrinkage approach to large-scale covariance matrix estimation", target D: λ = Σ Var(r_ij) /
 * Σ r_ij² over i ≠ j, clipped to [d_c/(n + d_c), 1]).
 *
 * Each kernel then keeps the marginal widths of hpbandster's axis-aligned kernels but is rotated
 * along the correlations of the points it models (scipy's `gaussian_kde` uses the covariance the
 * same way; Scott's and the normal-reference rule differ only in the scalar). Correlations that
 * are only sampling noise (a separable objective) give λ near 1, i.e. the product kernel back;
 * the floor keeps H positive definite with fewer points than dimensions.
 */
export interface CorrelatedBandwidth {
  /** Lower-triangular Cholesky factor of H, row-major d_c × d_c, in the order of `dims`. */
  readonly cholesky: Float64Array;
  /** log det(L) = Σ log L_jj. */
  readonly logDetCholesky: number;
  /** The shrinkage λ used: 1 means no correlation kept (the product kernel). */
  readonly shrinkage: number;
}

export function correlatedBandwidth(
  data: Float64Array,
  nPoints: number,
  dimension: number,
  dims: ArrayLike<number>,
  bandwidths: ArrayLike<number>,
): CorrelatedBandwidth {
  const dc = dims.length;
  const means = new Float64Array(dc);
  for (let a = 0; a < dc; a++) {
    let sum = 0;
    for (let i = 0; i < nPoints; i++) sum += data[i * dimension + dims[a]];
    means[a] = sum / nPoints;
  }
  // Standardised columns (a constant column stays 0 and correlates with nothing).
  const standardised = new Float64Array(nPoints * dc);
  for (let a = 0; a < dc; a++) {
    let variance = 0;
    for (let i = 0; i < nPoints; i++) variance += (data[i * dimension + dims[a]] - means[a]) ** 2;
    const sd = Math.sqrt(variance / Math.max(1, nPoints - 1));
    for (let i = 0; i < nPoints; i++) standardised[i * dc + a] = sd > 0 ? (data[i * dimension + dims[a]] - means[a]) / sd : 0;
  }
  const correlations = new Float64Array(dc * dc);
  let sumSquares = 0;
  let sumVariances = 0;
  for (let a = 0; a < dc; a++) {
    for (let b = 0; b < a; b++) {
      let sum = 0;
      for (let i = 0; i < nPoints; i++) sum += standardised[i * dc + a] * standardised[i * dc + b];
      const meanProduct = sum / nPoints;
      let spread = 0;
      for (let i = 0; i < nPoints; i++) spread += (standardised[i * dc + a] * standardised[i * dc + b] - meanProduct) ** 2;
      const correlation = nPoints > 1 ? sum / (nPoints - 1) : 0;
      correlations[a * dc + b] = correlation;
      sumSquares += correlation * correlation;
      sumVariances += nPoints > 1 ? (nPoints / (nPoints - 1) ** 3) * spread : 0;
    }
  }
  const floor = dc / (nPoints + dc);
  const shrinkage = sumSquares > 0 ? Math.min(1, Math.max(floor, sumVariances / sumSquares)) : 1;
  const matrix = new Float64Array(dc * dc);
  for (let a = 0; a < dc; a++) {
    const ha = bandwidths[dims[a]];
    matrix[a * dc + a] = ha * ha;
    for (let b = 0; b < a; b++) {
      const correlation = Math.max(-1, Math.min(1, correlations[a * dc + b]));
      matrix[a * dc + b] = (1 - shrinkage) * correlation * ha * bandwidths[dims[b]];
    }
  }
  const cholesky = choleskyLower(matrix, dc);
  let logDetCholesky = 0;
  for (let a = 0; a < dc; a++) logDetCholesky += Math.log(cholesky[a * dc + a]);
  return { cholesky, logDetCholesky, shrinkage };
}

/** Cholesky factor of a symmetric positive-definite matrix given by its lower triangle. */
function choleskyLower(matrix: Float64Array, n: number): Float64Array {
  const factor = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j];
      for (let k = 0; k < j; k++) sum -= factor[i * n + k] * factor[j * n + k];
      if (i === j) {
        // Rounding can leave a tiny negative pivot for nearly collinear columns; λ > 0 bounds it away from 0.
        factor[i * n + i] = Math.sqrt(Math.max(sum, matrix[i * n + i] * 1e-12));
      } else {
        factor[i * n + j] = sum / factor[j * n + j];
      }
    }
  }
  return factor;
}

/** Solves L·z = x for z (forward substitution), L lower-triangular n × n row-major. */
export function forwardSubstitute(cholesky: Float64Array, n: number, x: ArrayLike<number>, z: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let sum = x[i];
    for (let k = 0; k < i; k++) sum -= cholesky[i * n + k] * z[k];
    z[i] = sum / cholesky[i * n + i];
  }
}
