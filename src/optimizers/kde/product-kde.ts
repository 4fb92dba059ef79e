import type { VectorDimension } from '../../space/configuration-space.js';
import { normalReferenceBandwidths } from './bandwidth.js';
import { correlatedBandwidth, forwardSubstitute, type CorrelatedBandwidth } from './correlated-bandwidth.js';
import { EXP_INVERSE_STEP, EXP_MIN_EXPONENT, EXP_STEP, EXP_TABLE } from './fast-exp.js';

/** Points evaluated per pass; the early exit is tested between blocks. */
const BLOCK_SIZE = 128;

/** Discrete dimensions evaluated together through one lookup table of at most this many codes. */
const MAX_CODES_PER_GROUP = 256;

/** Options of a {@link ProductKde} beyond hpbandster's. */
export interface KdeOptions {
  /**
   * Gaussian kernels with a full bandwidth matrix over the continuous dimensions (see
   * correlated-bandwidth.ts) instead of axis-aligned ones. @defaultValue false
   */
  readonly correlated?: boolean;
}

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
  /** Column-major continuous data: column c holds every point's value in dimension continuousDims[c]. */
  private readonly continuousColumns: Float64Array[];
  private readonly continuousWeights: Float64Array;
  private readonly groups: readonly DiscreteGroup[];
  /** Per group, every point's index into {@link groupTable} (group offset + code). */
  private readonly codeColumns: Int32Array[];
  /** Scratch: the log-kernel of each point of the current block. */
  private readonly exponents: Float64Array;
  /** All groups' tables, concatenated; refilled for each query point. */
  private readonly groupTable: Float64Array;
  private readonly groupOffsets: Int32Array;
  private readonly query: Float64Array;
  /**
   * Per discrete dimension: log(1−λ) for an equal level; for an unequal one log(λ/(c−1))
   * (Aitchison–Aitken) or log(½(1−λ)) plus |Δ|·log λ (Wang–Ryzin).
   */
  private readonly discreteLogs: { equal: number; unequal: number; perStep: number }[];
  /** log of the constant factor Π_cont 1/(h√(2π)) · 1/n. */
  private readonly logNormaliser: number;
  /**
   * With the `correlated` option: the Cholesky factor L of the continuous bandwidth matrix; the
   * continuous columns then hold L⁻¹·x (whitened), so each term is exp(−½‖L⁻¹(x − X_i)‖²).
   */
  readonly correlation: CorrelatedBandwidth | null;
  private readonly rawQuery: Float64Array;
  /** Per dimension, 1/(2h²) and log(h√(2π)) of the axis-aligned kernel (for {@link pointKernel}). */
  private readonly axisWeights: Float64Array;
  private readonly axisLogNormalisers: Float64Array;
  /** 1 for the continuous dimensions. */
  readonly isContinuous: Uint8Array;

  constructor(
    data: Float64Array,
    nPoints: number,
    private readonly kinds: readonly VectorDimension[],
    minBandwidth: number,
    options: KdeOptions = {},
  ) {
    const d = kinds.length;
    this.nPoints = nPoints;
    this.dimension = d;
    this.data = data;
    this.bandwidths = normalReferenceBandwidths(data, nPoints, kinds, minBandwidth);
    this.axisWeights = this.bandwidths.map((h) => 1 / (2 * h * h));
    this.axisLogNormalisers = this.bandwidths.map((h) => Math.log(h * Math.sqrt(2 * Math.PI)));
    this.isContinuous = Uint8Array.from(kinds, (kind) => (kind.kind === 'continuous' ? 1 : 0));

    const continuous: number[] = [];
    for (let j = 0; j < d; j++) if (kinds[j].kind === 'continuous') continuous.push(j);
    this.continuousDims = Int32Array.from(continuous);
    const dc = continuous.length;
    this.continuousColumns = continuous.map(() => new Float64Array(nPoints));
    this.continuousWeights = new Float64Array(dc);
    this.rawQuery = new Float64Array(dc);
    let logNormaliser = -Math.log(nPoints);
    this.correlation = options.correlated && dc >= 2 ? correlatedBandwidth(data, nPoints, d, continuous, this.bandwidths) : null;
    if (this.correlation) {
      const { cholesky, logDetCholesky } = this.correlation;
      const row = new Float64Array(dc);
      const whitened = new Float64Array(dc);
      for (let i = 0; i < nPoints; i++) {
        for (let c = 0; c < dc; c++) row[c] = data[i * d + continuous[c]];
        forwardSubstitute(cholesky, dc, row, whitened);
        for (let c = 0; c < dc; c++) this.continuousColumns[c][i] = whitened[c];
      }
      this.continuousWeights.fill(0.5);
      logNormaliser -= dc * Math.log(Math.sqrt(2 * Math.PI)) + logDetCholesky;
    } else {
      continuous.forEach((j, c) => {
        const h = this.bandwidths[j];
        this.continuousWeights[c] = 1 / (2 * h * h);
        logNormaliser -= Math.log(h * Math.sqrt(2 * Math.PI));
        for (let i = 0; i < nPoints; i++) this.continuousColumns[c][i] = data[i * d + j];
      });
    }
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
    this.codeColumns = this.groups.map((group, g) => {
      const column = new Int32Array(nPoints);
      for (let i = 0; i < nPoints; i++) {
        let code = 0;
        for (let m = group.dims.length - 1; m >= 0; m--) {
          code = code * group.levels[m] + clampLevel(data[i * d + group.dims[m]], group.levels[m]);
        }
        column[i] = this.groupOffsets[g] + code;
      }
      return column;
    });
    this.query = new Float64Array(continuous.length);
    this.discreteLogs = kinds.map((kind, j) => {
      const h = this.bandwidths[j];
      if (kind.kind === 'continuous' || kind.levels <= 1) return { equal: 0, unequal: 0, perStep: 0 };
      if (kind.kind === 'ordinal') return { equal: Math.log(1 - h), unequal: Math.log(0.5 * (1 - h)), perStep: Math.log(h) };
      return { equal: Math.log(1 - h), unequal: Math.log(h / (kind.levels - 1)), perStep: 0 };
    });
    this.exponents = new Float64Array(BLOCK_SIZE);
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
    const { continuousColumns, continuousWeights, codeColumns, groupTable, nPoints, query, exponents } = this;
    const dc = continuousWeights.length;
    if (this.correlation) {
      for (let c = 0; c < dc; c++) this.rawQuery[c] = x[this.continuousDims[c]];
      forwardSubstitute(this.correlation.cholesky, dc, this.rawQuery, query);
    } else {
      for (let c = 0; c < dc; c++) query[c] = x[this.continuousDims[c]];
    }
    // Imported bindings can compile to property loads on a module namespace (tsx/esbuild do so);
    // copied into locals, the hot loop below reads registers.
    const table = EXP_TABLE;
    const inverseStep = EXP_INVERSE_STEP;
    const step = EXP_STEP;
    const minExponent = EXP_MIN_EXPONENT;
    const normaliser = Math.exp(this.logNormaliser);
    const sumLimit = stopAbove === Infinity ? Infinity : stopAbove / normaliser;

    let sum = 0;
    // Column by column over blocks of points: each pass is a tight loop over one typed array,
    // about 2.5× faster than point by point. The early-exit test runs once per block.
    for (let start = 0; start < nPoints; start += BLOCK_SIZE) {
      const size = Math.min(BLOCK_SIZE, nPoints - start);
      if (dc === 0) exponents.fill(0, 0, size);
      for (let c = 0; c < dc; c++) {
        const column = continuousColumns[c];
        const centre = query[c];
        const weight = continuousWeights[c];
        if (c === 0) {
          for (let i = 0; i < size; i++) {
            const delta = column[start + i] - centre;
            exponents[i] = -delta * delta * weight;
          }
        } else {
          for (let i = 0; i < size; i++) {
            const delta = column[start + i] - centre;
            exponents[i] -= delta * delta * weight;
          }
        }
      }
      for (let g = 0; g < codeColumns.length; g++) {
        const codes = codeColumns[g];
        for (let i = 0; i < size; i++) exponents[i] += groupTable[codes[start + i]];
      }
      for (let i = 0; i < size; i++) {
        const exponent = exponents[i];
        if (exponent < minExponent) continue;
        // fastExpNonPositive, inlined.
        const m = (-exponent * inverseStep + 0.5) | 0;
        const r = exponent + m * step;
        sum += table[m] * (1 + r * (1 + r * (0.5 + r * 0.16666666666666666)));
      }
      if (sum > sumLimit) return Infinity;
    }
    return sum * normaliser;
  }

  /** The continuous dimensions, in the order of {@link correlation}'s factor. */
  get continuousDimensions(): Int32Array {
    return this.continuousDims;
  }

  /**
   * The kernel of one extra point `point` (not among the data) at `x`, with the axis-aligned
   * bandwidths: a dimension where `point` is NaN (an inactive hyperparameter) contributes the
   * uniform factor (1 on a continuous [0, 1], 1/L for L levels). Used to weigh candidates against
   * running jobs without refitting the density (BOHB's `parallelAware` option).
   */
  pointKernel(x: ArrayLike<number>, point: ArrayLike<number>): number {
    return Math.exp(this.logPointKernel(x, point));
  }

  /** log of {@link pointKernel}: ratios of kernels in many narrow dimensions overflow as plain numbers. */
  logPointKernel(x: ArrayLike<number>, point: ArrayLike<number>): number {
    const { axisWeights, axisLogNormalisers } = this;
    let logKernel = 0;
    for (let j = 0; j < this.dimension; j++) {
      const kind = this.kinds[j];
      const value = point[j];
      if (kind.kind === 'continuous') {
        if (Number.isNaN(value)) continue;
        const delta = x[j] - value;
        logKernel -= delta * delta * axisWeights[j] + axisLogNormalisers[j];
      } else if (kind.levels > 1) {
        logKernel += Number.isNaN(value)
          ? -Math.log(kind.levels)
          : this.logFactor(j, clampLevel(value, kind.levels), clampLevel(x[j], kind.levels));
      }
    }
    return logKernel;
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
          const factor = this.logFactor(j, level, queryLevel);
          const offset = base + level * filled;
          for (let k = 0; k < filled; k++) table[offset + k] = table[base + k] + factor;
        }
        filled *= levels;
      }
    }
  }

  /** log k_j(level, queryLevel) of discrete dimension j, from logarithms taken once at fit time. */
  private logFactor(j: number, level: number, queryLevel: number): number {
    const logs = this.discreteLogs[j];
    if (level === queryLevel) return logs.equal;
    if (this.kinds[j].kind === 'ordinal') return logs.unequal + Math.abs(level - queryLevel) * logs.perStep;
    return logs.unequal;
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
