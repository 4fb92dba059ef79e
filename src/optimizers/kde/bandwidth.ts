import type { VectorDimension } from '../../space/configuration-space.js';

/**
 * statsmodels' `normal_reference` rule, which hpbandster's BOHB uses:
 * `h_j = 1.06 · std_j · n^(-1/(4+d))` with the population standard deviation (ddof = 0),
 * applied to every column including categorical indices, then clipped below at
 * `minBandwidth` as hpbandster does.
 *
 * Unlike hpbandster we also clip discrete bandwidths from above: the Aitchison–Aitken
 * kernel is only a kernel for λ ≤ (c−1)/c (beyond it an unequal level weighs more than an
 * equal one), and the Wang–Ryzin kernel needs λ < 1. statsmodels leaves them unclipped and
 * a three-level categorical with spread-out data gets an inverted kernel.
 */
export function normalReferenceBandwidths(
  data: Float64Array,
  nPoints: number,
  kinds: readonly VectorDimension[],
  minBandwidth: number,
): Float64Array {
  const d = kinds.length;
  const bandwidths = new Float64Array(d);
  const scale = 1.06 * nPoints ** (-1 / (4 + d));
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < nPoints; i++) mean += data[i * d + j];
    mean /= nPoints;
    let variance = 0;
    for (let i = 0; i < nPoints; i++) {
      const delta = data[i * d + j] - mean;
      variance += delta * delta;
    }
    let bandwidth = Math.max(scale * Math.sqrt(variance / nPoints), minBandwidth);
    const kind = kinds[j];
    if (kind.kind === 'categorical' && kind.levels > 1) bandwidth = Math.min(bandwidth, (kind.levels - 1) / kind.levels);
    if (kind.kind === 'ordinal') bandwidth = Math.min(bandwidth, 0.999);
    bandwidths[j] = bandwidth;
  }
  return bandwidths;
}
