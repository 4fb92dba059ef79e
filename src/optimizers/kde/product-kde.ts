import type { VectorDimension } from '../../space/configuration-space.js';
import { normalReferenceBandwidths } from './bandwidth.js';
import { fastExpNonPositive } from './fast-exp.js';

/** Discrete dimensions evaluated together through one lookup table of at most this many codes. */
const MAX_CODES_PER_GROUP = 256;

interface DiscreteGroup {
  readonly dims: readonly number[];
  readonly levels: readonly number[];
  readonly size: number;
}

/**
 * statsmodels' `KDEMultivariate` density with hpbandster's kernel choices, reorganised for
 * speed: a product of Gaussian kernels over continuous dimensions, Aitchison–Aitken over
 * categorical and Wang–Ryzin over ordinal ones, `pdf(x) = 1/n Σ_i Π_j k_j(x_j, X_ij)`.
 *
 * Each term is computed as one exponential of a sum of log-factors. Discrete dimensions are
 * packed into mixed-radix codes (up to 256 per group), so for a query point the log-factors
 * of a whole group come from one table lookup instead of one comparison per dimension.
 *
 * Categorical levels come from the space, not from the data: statsmodels counts the
 * distinct values present, which gives λ/(c−1) = λ/0 for a column that happens to be
 * constant (hpbandster then scores candidates as NaN or infinite).
 */
export class ProductKde {
  readonly nPoints: number;
  readonly dimension: number;
  /** Bandwidth per dimension (after clipping), in vector space. */
  readonly bandwidths: Float64Array;
  /** Row-major `nPoints × dimension` data, imputed, in vector space. */
  readonly data: Float64Array;

  private readonly continuousDims: Int32Array;
  private readonly continuousData: Float64Array;
  private readonly continuousWeights: Float64Array;
  private readonly groups: readonly DiscreteGroup[];
  /** Per point and group, the index into {@link groupTable} (group offset + code). */
  private readonly codes: Int32Array;
  /** All groups' tables, concatenated; refilled for each query point. */
  private readonly groupTable: Float64Array;
  private readonly groupOffsets: Int32Array;
  private readonly query: Float64Array;
  /** log of the constant factor Π_cont 1/(h√(2π)) · 1/n. */
  private readonly logNormaliser: number;

  constructor(data: Float64Array, nPoints: number, private readonly kinds: readonly VectorDimension[], minBandwidth: number) {
    const d = kinds.length;
    this.nPoints = nPoints;
    this.dimension = d;
    this.data = data;
    this.bandwidths = normalReferenceBandwidths(data, nPoints, kinds, minBandwidth);

    const continuous: number[] = [];
    for (let j = 0; j < d; j++) if (kinds[j].kind === 'continuous') continuous.push(j);
    this.continuousDims = Int32Array.from(continuous);
    const dc = continuous.length;
    this.continuousData = new Float64Array(nPoints * dc);
    this.continuousWeights = new Float64Array(dc);
    let logNormaliser = -Math.log(nPoints);
    continuous.forEach((j, c) => {
      const h = this.bandwidths[j];
      this.continuousWeights[c] = 1 / (2 * h * h);
      logNormaliser -= Math.log(h * Math.sqrt(2 * Math.PI));
      for (let i = 0; i < nPoints; i++) this.continuousData[i * dc + c] = data[i * d + j];
    });
    this.logNormaliser = logNormaliser;

    this.groups = groupDiscreteDims(kinds);
    const nGroups = this.groups.length;
    this.groupOffsets = new Int32Array(nGroups);
    let tableSize = 0;
    this.groups.forEach((group, g) => {
      this.groupOffsets[g] = tableSize;
      tableSize += group.size;
    });
    this.groupTable = new Float64Array(tableSize);
    this.codes = new Int32Array(nPoints * nGroups);
    this.groups.forEach((group, g) => {
      for (let i = 0; i < nPoints; i++) {
        let code = 0;
        for (let m = group.dims.length - 1; m >= 0; m--) {
          code = code * group.levels[m] + clampLevel(data[i * d + group.dims[m]], group.levels[m]);
        }
        this.codes[i * nGroups + g] = this.groupOffsets[g] + code;
      }
    });
    this.query = new Float64Array(continuous.length);
  }

  /** The value of dimension `j` of data point `i`. */
  value(i: number, j: number): number {
    return this.data[i * this.dimension + j];
  }

  /**
   * The density at `x` (a vector of length `dimension`). When `stopAbove` is given and the
   * running sum proves the density exceeds it, evaluation stops early and returns
   * `Infinity`: callers that only need to know "is it below the bound" save the rest.
   */
  density(x: ArrayLike<number>, stopAbove = Infinity): number {
    this.fillGroupTables(x);
    const { continuousData, continuousWeights, codes, groupTable, nPoints, query } = this;
    const dc = continuousWeights.length;
    const nGroups = this.groupOffsets.length;
    for (let c = 0; c < dc; c++) query[c] = x[this.continuousDims[c]];
    const normaliser = Math.exp(this.logNormaliser);
    const sumLimit = stopAbove === Infinity ? Infinity : stopAbove / normaliser;

    let sum = 0;
    // Terms below e^-39 of the running sum change it by less than one part in 1e17 and are
    // not worth an exponential; the threshold is refreshed once per block of points.
    let negligibleBelow = -Infinity;
    // Points are visited in blocks so the early-exit test costs nothing per point.
    for (let block = 0; block < nPoints; block += 64) {
      const end = Math.min(block + 64, nPoints);
      for (let i = block; i < end; i++) {
        let exponent = 0;
        const rowC = i * dc;
        for (let c = 0; c < dc; c++) {
          const delta = continuousData[rowC + c] - query[c];
          exponent -= delta * delta * continuousWeights[c];
        }
        const rowG = i * nGroups;
        for (let g = 0; g < nGroups; g++) exponent += groupTable[codes[rowG + g]];
        if (exponent > negligibleBelow) sum += fastExpNonPositive(exponent);
      }
      if (sum > sumLimit) return Infinity;
      if (sum > 0) negligibleBelow = Math.log(sum) - 39;
    }
    return sum * normaliser;
  }

  /** For each discrete group, the summed log kernel factor of every code against `x`. */
  private fillGroupTables(x: ArrayLike<number>): void {
    const table = this.groupTable;
    for (let g = 0; g < this.groups.length; g++) {
      const group = this.groups[g];
      const base = this.groupOffsets[g];
      table[base] = 0;
      let filled = 1;
      // Mixed-radix expansion: dimension m multiplies the table by its number of levels.
      for (let m = 0; m < group.dims.length; m++) {
        const j = group.dims[m];
        const levels = group.levels[m];
        const queryLevel = clampLevel(x[j], levels);
        // Fill from the highest level down so that level 0's block (the old table) is read before it is overwritten.
        for (let level = levels - 1; level >= 0; level--) {
          const factor = this.logFactor(j, level, queryLevel, levels);
          const offset = base + level * filled;
          for (let k = 0; k < filled; k++) table[offset + k] = table[base + k] + factor;
        }
        filled *= levels;
      }
    }
  }

  /** log k_j(level, queryLevel) of discrete dimension j. */
  private logFactor(j: number, level: number, queryLevel: number, levels: number): number {
    const h = this.bandwidths[j];
    if (level === queryLevel) return Math.log(1 - h);
    if (this.kinds[j].kind === 'ordinal') return Math.log(0.5 * (1 - h)) + Math.abs(level - queryLevel) * Math.log(h);
    return Math.log(h / (levels - 1));
  }
}

function clampLevel(value: number, levels: number): number {
  const level = Math.round(value);
  return level < 0 ? 0 : level >= levels ? levels - 1 : level;
}

function groupDiscreteDims(kinds: readonly VectorDimension[]): DiscreteGroup[] {
  const groups: DiscreteGroup[] = [];
  let dims: number[] = [];
  let levels: number[] = [];
  let size = 1;
  const flush = (): void => {
    if (dims.length > 0) groups.push({ dims, levels, size });
    dims = [];
    levels = [];
    size = 1;
  };
  kinds.forEach((kind, j) => {
    if (kind.kind === 'continuous') return;
    if (kind.levels <= 1) return; // a constant contributes a factor of 1
    if (size * kind.levels > MAX_CODES_PER_GROUP) flush();
    dims.push(j);
    levels.push(kind.levels);
    size *= kind.levels;
  });
  flush();
  return groups;
}
