import type { Rng } from '../../core/rng.js';
import type { VectorDimension } from '../../space/configuration-space.js';

/**
 * Fills the NaNs of inactive hyperparameters before a KDE is fitted, as hpbandster's
 * `impute_conditional_data` intends: a row's missing values are copied from a random row
 * of the same set that has that dimension active; when no row has it active, a random
 * valid value is drawn (uniform on [0,1] for continuous, a random level otherwise).
 *
 * hpbandster loops `while np.any(nan_indices)`, which is false when the only NaN is in
 * column 0 (index 0 is falsy), so such rows reach statsmodels with a NaN. Here every
 * column is filled. Works in place on a row-major `nPoints × d` matrix.
 */
export function imputeInactive(data: Float64Array, nPoints: number, kinds: readonly VectorDimension[], rng: Rng): void {
  const d = kinds.length;
  const source = data.slice(0, nPoints * d);
  const activeRows: number[][] = [];
  for (let j = 0; j < d; j++) {
    const rows: number[] = [];
    for (let i = 0; i < nPoints; i++) if (!Number.isNaN(source[i * d + j])) rows.push(i);
    activeRows.push(rows);
  }
  for (let i = 0; i < nPoints; i++) {
    for (let j = 0; j < d; j++) {
      if (!Number.isNaN(data[i * d + j])) continue;
      const candidates = activeRows[j];
      if (candidates.length > 0) {
        // Like hpbandster, one donor row fills every dimension it can at once.
        const donor = candidates[rng.int(candidates.length)];
        for (let k = j; k < d; k++) {
          if (Number.isNaN(data[i * d + k]) && !Number.isNaN(source[donor * d + k])) data[i * d + k] = source[donor * d + k];
        }
      } else {
        const kind = kinds[j];
        data[i * d + j] = kind.kind === 'continuous' ? rng.random() : rng.int(kind.levels);
      }
    }
  }
}
