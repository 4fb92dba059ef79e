import { checkInteger, checkNumber } from '../../core/option-checks.js';
import { InvalidOptionError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { configIdKey, type Observation } from '../../core/types.js';
import type { ConfigurationSpace, VectorDimension } from '../../space/configuration-space.js';
import type { ConfigGenerator, PendingJob, Proposal } from '../config-generator.js';
import { imputeInactive } from './impute.js';
import { ProductKde } from './product-kde.js';
import { truncatedNormal, truncatedNormalUnit as importedTruncatedNormalUnit } from './truncated-normal.js';

// A module-local reference: tsx/esbuild compile calls to imported functions into getter calls
// on a namespace object, which the per-dimension loop of a proposal would pay every time.
const truncatedNormalUnit = importedTruncatedNormalUnit;

/** BOHB's model options; defaults are hpbandster's. */
export interface BohbModelOptions {
  /**
   * Fraction of configurations sampled at random even when a model exists.
   * @defaultValue 1/3; 0.2 with `highDimensional` (see {@link HIGH_DIMENSIONAL_RANDOM_FRACTION})
   */
  readonly randomFraction?: number;
  /** Percentage of the best observations that form the "good" density. @defaultValue 15 */
  readonly topNPercent?: number;
  /** Candidates drawn from the good density per proposal. @defaultValue 64 */
  readonly numSamples?: number;
  /** Widens the good density's bandwidth when drawing candidates. @defaultValue 3 */
  readonly bandwidthFactor?: number;
  /** Lower clip of every bandwidth. @defaultValue 1e-3 */
  readonly minBandwidth?: number;
  /** Observations needed on a budget before a model is built; raised to d+1 if smaller. @defaultValue d + 1 */
  readonly minPointsInModel?: number;
  /**
   * Beyond hpbandster: Gaussian kernels with a full bandwidth matrix over the continuous
   * hyperparameters (the product kernel's marginal widths, rotated along each set's correlations,
   * see correlated-bandwidth.ts), so that l(x) and g(x) follow interactions between
   * hyperparameters; candidates are drawn from the same correlated kernels. @defaultValue false
   */
  readonly multivariate?: boolean;
  /**
   * Beyond hpbandster: parallel-aware proposals. Jobs that are running (the search announces
   * them) penalise candidates near them, so that workers proposing at the same time do not pick
   * near-duplicates of each other's configurations: a candidate's l(x)/g(x) is multiplied by
   * Π_running (1 − k(x, p)/k(p, p)), k the good density's kernel (local penalisation, González et
   * al. 2016, with TPE's good-set bandwidths as the length scales). Optuna's constant liar (running
   * jobs as bad observations with the worst loss) measured worse: with the bad density's wide
   * kernels it repels proposals from the whole good region the running jobs sit in. On counting
   * ones with 8 workers it is level with plain BOHB (100 seeds, budget to regret .065: × 0.97 in
   * synchronous brackets, × 1.01 under ASHA, both within noise): perturbed good points are seldom
   * near-duplicates, and what 8 workers cost over one comes from proposals made before the results
   * that would have informed them. `highDimensional` saves budget there (see `bandster bench
   * optimizers`). @defaultValue false
   */
  readonly parallelAware?: boolean;
  /**
   * Beyond hpbandster: lets the model start early in high dimensions. hpbandster builds a budget's
   * model only once both the good and the bad set have more than d points, which for a hundred
   * hyperparameters means hundreds of results on one budget. With this option, until a budget
   * meets that rule it gets an early model after `earlyModelPoints` results: top n% good (at least
   * 2), the rest bad (at least 2), bandwidths clipped below at 1/min(100, n + 1) as Optuna's TPE
   * clips them (so that a model of a few points does not collapse onto them), over the
   * hyperparameters active in some good configuration only (the others are drawn from the prior).
   * Early models serve only while no budget has hpbandster's model. Unless given, `randomFraction`
   * then defaults to 0.2 (see {@link HIGH_DIMENSIONAL_RANDOM_FRACTION}).
   * @defaultValue false
   */
  readonly highDimensional?: boolean;
  /** With `highDimensional`: results a budget needs before its early model. @defaultValue min(d + 1, 10) */
  readonly earlyModelPoints?: number;
}

export const BOHB_MODEL_DEFAULTS = Object.freeze({
  randomFraction: 1 / 3,
  topNPercent: 15,
  numSamples: 64,
  bandwidthFactor: 3,
  minBandwidth: 1e-3,
  multivariate: false,
  parallelAware: false,
  highDimensional: false,
});

/**
 * With `highDimensional`: the default `randomFraction` (an explicit one wins). In d dimensions a
 * random configuration is ever less likely to beat one drawn near a good point, so hpbandster's
 * 1/3 spends a third of the proposals on near-certain losers. Measured with `bandster bench
 * optimizers` (see the README's "Which optimizer when"); a narrower `bandwidthFactor` was measured
 * too and not adopted: it helped counting ones by the median only, within the noise of
 * neighbouring factors, and cost Hartmann-6 much.
 */
export const HIGH_DIMENSIONAL_RANDOM_FRACTION = 0.2;

/** With `highDimensional`: the default number of results a budget needs before it gets a model. */
export const HIGH_DIMENSIONAL_MIN_POINTS = 10;
/** With `highDimensional`: the fewest points of either set. */
const HIGH_DIMENSIONAL_MIN_SET = 2;

interface BudgetModel {
  readonly good: ProductKde;
  readonly bad: ProductKde;
  /**
   * The space dimensions the densities cover, in order (`highDimensional`); null when they cover
   * every dimension, as in hpbandster.
   */
  readonly dims: Int32Array | null;
  /** An early model (`highDimensional`), built before the budget met hpbandster's rule. */
  readonly early: boolean;
}

interface BudgetData {
  vectors: number[][];
  losses: number[];
  /** The model fitted on the data as it was at `fittedCount` observations. */
  model: BudgetModel | null;
  fittedCount: number;
}

/**
 * BOHB's configuration generator (Falkner et al. 2018; hpbandster's `bohb.config_generator`):
 * per budget, the best observations form a "good" KDE l(x) and the rest a "bad" KDE g(x);
 * a proposal perturbs random good points and keeps the candidate maximising l(x)/g(x),
 * on the largest budget that has a model.
 */
export class BohbGenerator implements ConfigGenerator {
  private readonly kinds: readonly VectorDimension[];
  private readonly randomFraction: number;
  private readonly topNPercent: number;
  private readonly numSamples: number;
  private readonly bandwidthFactor: number;
  private readonly minBandwidth: number;
  private readonly minPointsInModel: number;
  private readonly earlyModelPoints: number;
  private readonly multivariate: boolean;
  private readonly parallelAware: boolean;
  private readonly highDimensional: boolean;
  private readonly byBudget = new Map<number, BudgetData>();
  /** Running jobs' vectors by `configId@budget` (`parallelAware`). */
  private readonly running = new Map<string, Float64Array>();

  constructor(
    private readonly space: ConfigurationSpace,
    private readonly rng: Rng,
    options: BohbModelOptions = {},
  ) {
    const d = space.dimension;
    validateBohbModelOptions(options);
    this.multivariate = options.multivariate ?? BOHB_MODEL_DEFAULTS.multivariate;
    this.parallelAware = options.parallelAware ?? BOHB_MODEL_DEFAULTS.parallelAware;
    this.highDimensional = options.highDimensional ?? BOHB_MODEL_DEFAULTS.highDimensional;
    const defaults = this.highDimensional
      ? { ...BOHB_MODEL_DEFAULTS, randomFraction: HIGH_DIMENSIONAL_RANDOM_FRACTION }
      : BOHB_MODEL_DEFAULTS;
    this.randomFraction = checkRange('randomFraction', options.randomFraction ?? defaults.randomFraction, 0, 1);
    this.topNPercent = checkRange('topNPercent', options.topNPercent ?? defaults.topNPercent, 1, 99);
    this.numSamples = checkAtLeast('numSamples', options.numSamples ?? defaults.numSamples, 1);
    this.bandwidthFactor = checkRange('bandwidthFactor', options.bandwidthFactor ?? defaults.bandwidthFactor, 0, Infinity);
    this.minBandwidth = checkRange('minBandwidth', options.minBandwidth ?? defaults.minBandwidth, 0, 1);
    // hpbandster raises a smaller min_points_in_model to d+1 (with a warning): a KDE on
    // fewer points than dimensions has a singular bandwidth estimate.
    this.minPointsInModel = Math.max(checkAtLeast('minPointsInModel', options.minPointsInModel ?? d + 1, 1), d + 1);
    this.earlyModelPoints = Math.max(
      checkAtLeast('earlyModelPoints', options.earlyModelPoints ?? Math.min(d + 1, HIGH_DIMENSIONAL_MIN_POINTS), 1),
      2 * HIGH_DIMENSIONAL_MIN_SET,
    );
    this.kinds = space.vectorKinds();
  }

  /** A job started (`parallelAware`: it counts as a bad observation until its result arrives). */
  pending(job: PendingJob): void {
    if (this.parallelAware) this.running.set(`${configIdKey(job.configId)}@${job.budget}`, this.space.toVector(job.config));
  }

  observe(observation: Observation): void {
    if (this.parallelAware) this.running.delete(`${configIdKey(observation.configId)}@${observation.budget}`);
    // hpbandster: crashed runs and non-finite losses (−∞ included) count as +∞, i.e. bad.
    const loss = observation.status === 'ok' && Number.isFinite(observation.loss) ? observation.loss : Infinity;
    let data = this.byBudget.get(observation.budget);
    if (!data) {
      data = { vectors: [], losses: [], model: null, fittedCount: 0 };
      this.byBudget.set(observation.budget, data);
    }
    data.vectors.push(Array.from(this.space.toVector(observation.config)));
    data.losses.push(loss);
  }

  /** The budget whose model proposals currently come from, or undefined while there is none. */
  modelBudget(): number | undefined {
    return this.currentModel()?.budget;
  }

  /** True while proposals come from an early model (`highDimensional`), before any budget meets hpbandster's rule. */
  isEarlyModel(): boolean {
    return this.currentModel()?.model.early ?? false;
  }

  /** Jobs announced as running and not yet observed (`parallelAware`). */
  get runningJobs(): number {
    return this.running.size;
  }

  propose(_budget: number): Proposal {
    const current = this.currentModel();
    // As in hpbandster, the random-fraction draw only happens once a model exists.
    if (!current || this.rng.random() < this.randomFraction) return this.randomProposal();
    const config = this.modelBasedConfig(current.model);
    return config ? { config, info: { model_based_pick: true } } : this.randomProposal();
  }

  private randomProposal(): Proposal {
    return { config: this.space.sample(this.rng), info: { model_based_pick: false } };
  }

  /** The model of the largest budget with enough observations (fitted lazily, refitted when data grew). */
  private currentModel(): { budget: number; model: BudgetModel } | undefined {
    const budgets = [...this.byBudget.keys()].sort((a, b) => b - a);
    let early: { budget: number; model: BudgetModel } | undefined;
    for (const budget of budgets) {
      const data = this.byBudget.get(budget)!;
      if (data.fittedCount !== data.losses.length) {
        data.model = this.fit(data) ?? data.model;
        data.fittedCount = data.losses.length;
      }
      // An early model (`highDimensional`) serves only while no budget has hpbandster's model.
      if (data.model?.early) early ??= { budget, model: data.model };
      else if (data.model) return { budget, model: data.model };
    }
    return early;
  }

  private fit(data: BudgetData): BudgetModel | null {
    const n = data.losses.length;
    const d = this.kinds.length;
    if (n < this.minPointsInModel) return this.highDimensional && n >= this.earlyModelPoints ? this.fitEarly(data) : null;
    const nGood = Math.max(this.minPointsInModel, Math.floor((this.topNPercent * n) / 100));
    const nBad = Math.max(this.minPointsInModel, Math.floor(((100 - this.topNPercent) * n) / 100));
    const order = data.losses.map((_, i) => i).sort((a, b) => data.losses[a] - data.losses[b] || a - b);
    const goodRows = order.slice(0, nGood);
    const badRows = order.slice(nGood, nGood + nBad);
    // statsmodels needs more points than dimensions for a bandwidth per dimension.
    if (goodRows.length <= d || badRows.length <= d) return this.highDimensional ? this.fitEarly(data) : null;
    const kdeOptions = { correlated: this.multivariate };
    return {
      good: new ProductKde(this.matrix(data, goodRows), goodRows.length, this.kinds, this.minBandwidth, kdeOptions),
      bad: new ProductKde(this.matrix(data, badRows), badRows.length, this.kinds, this.minBandwidth, kdeOptions),
      dims: null,
      early: false,
    };
  }

  /**
   * The `highDimensional` early model: top-n% good (at least 2), the rest bad (at least 2), over
   * the dimensions active in some good configuration only; a dimension no good configuration uses
   * tells the model nothing about where good configurations are.
   */
  private fitEarly(data: BudgetData): BudgetModel | null {
    const n = data.losses.length;
    const nGood = Math.max(HIGH_DIMENSIONAL_MIN_SET, Math.floor((this.topNPercent * n) / 100));
    if (n - nGood < HIGH_DIMENSIONAL_MIN_SET) return null;
    const order = data.losses.map((_, i) => i).sort((a, b) => data.losses[a] - data.losses[b] || a - b);
    const goodRows = order.slice(0, nGood);
    const badRows = order.slice(nGood);
    const active: number[] = [];
    for (let j = 0; j < this.kinds.length; j++) {
      if (goodRows.some((row) => !Number.isNaN(data.vectors[row][j]))) active.push(j);
    }
    if (active.length === 0) return null;
    const dims = active.length === this.kinds.length ? null : Int32Array.from(active);
    const kinds = dims ? active.map((j) => this.kinds[j]) : this.kinds;
    const project = (matrix: Float64Array, rows: number): Float64Array => {
      if (!dims) return matrix;
      const d = this.kinds.length;
      const projected = new Float64Array(rows * dims.length);
      for (let i = 0; i < rows; i++) for (let k = 0; k < dims.length; k++) projected[i * dims.length + k] = matrix[i * d + dims[k]];
      return projected;
    };
    const kdeOptions = { correlated: this.multivariate };
    // Optuna's TPE clips bandwidths below at range / min(100, n + 1) (its "magic clip"): a model
    // built on a handful of points would otherwise collapse onto them and stop exploring.
    const floor = (n: number): number => Math.max(this.minBandwidth, 1 / Math.min(100, n + 1));
    return {
      good: new ProductKde(
        project(this.matrix(data, goodRows), goodRows.length),
        goodRows.length,
        kinds,
        floor(goodRows.length),
        kdeOptions,
      ),
      bad: new ProductKde(project(this.matrix(data, badRows), badRows.length), badRows.length, kinds, floor(badRows.length), kdeOptions),
      dims,
      early: true,
    };
  }

  private matrix(data: BudgetData, rows: readonly number[]): Float64Array {
    const d = this.kinds.length;
    const matrix = new Float64Array(rows.length * d);
    rows.forEach((row, i) => matrix.set(data.vectors[row], i * d));
    imputeInactive(matrix, rows.length, this.kinds, this.rng);
    return matrix;
  }

  /**
   * hpbandster's candidate search: perturb a random good point dimension by dimension, score
   * it by g(x)/l(x) (both floored at 1e-32), keep the best. Candidates are scored in order of
   * decreasing l(x) and g is abandoned as soon as it proves the candidate cannot win, which
   * changes nothing in the outcome but skips most of the bad density's terms.
   */
  private modelBasedConfig(model: BudgetModel) {
    const { good, bad, dims } = model;
    const d = this.kinds.length;
    const general = dims !== null || good.correlation !== null;
    const candidates: Float64Array[] = [];
    /** What the densities see of each candidate: the candidate itself, or its modelled dimensions. */
    const modelled: Float64Array[] = [];
    const goodDensity: number[] = [];
    for (let s = 0; s < this.numSamples; s++) {
      const candidate = general ? this.sampleGoodKernel(model) : this.perturbGoodPoint(good);
      const seen = dims ? Float64Array.from(dims, (j) => candidate[j]) : candidate;
      candidates.push(candidate);
      modelled.push(seen);
      goodDensity.push(Math.max(good.density(seen), 1e-32));
    }
    const running = this.parallelAware && this.running.size > 0 ? this.runningPoints(dims) : undefined;
    // log k(p, p) depends on the running job only, not on the candidate.
    const selfLogKernels = running?.map((point) => good.logPointKernel(point, point));
    const order = candidates.map((_, i) => i).sort((a, b) => goodDensity[b] - goodDensity[a] || a - b);
    const hasForbiddens = this.space.forbiddens.length > 0;
    const scored: { index: number; ratio: number }[] = [];
    let bestRatio = 0;
    for (const index of order) {
      const penalty = running ? runningPenalty(good, running, selfLogKernels!, modelled[index]) : 1;
      // Only the winner matters unless forbidden configurations force a fallback to the next.
      const bound = hasForbiddens || bestRatio === 0 ? Infinity : (goodDensity[index] * penalty) / bestRatio;
      const badDensity = bad.density(modelled[index], bound);
      if (badDensity === Infinity) continue;
      const ratio = (goodDensity[index] * penalty) / Math.max(badDensity, 1e-32);
      scored.push({ index, ratio });
      if (ratio > bestRatio) bestRatio = ratio;
    }
    scored.sort((a, b) => b.ratio - a.ratio || a.index - b.index);
    for (const { index } of scored) {
      const config = this.space.fromVector(candidates[index].subarray(0, d));
      // hpbandster can propose forbidden configurations (ConfigSpace then raises and it falls
      // back to a random one only by accident); we never do.
      if (!hasForbiddens || !this.space.isForbidden(config)) return config;
    }
    return undefined;
  }

  /** The running jobs' vectors, restricted to the modelled dimensions. */
  private runningPoints(dims: Int32Array | null): Float64Array[] {
    return [...this.running.values()].map((vector) => (dims ? Float64Array.from(dims, (j) => vector[j]) : vector));
  }

  /**
   * A candidate from the good density (`multivariate` or `highDimensional`): a random good point
   * perturbed by its kernel widened by `bandwidthFactor`. Continuous dimensions of a correlated
   * kernel are drawn one after the other from their conditional truncated normals (the GHK
   * simulator), so the candidate follows the kernel's correlations and stays in [0, 1]; discrete
   * dimensions as hpbandster; dimensions the model does not cover from the prior.
   */
  private sampleGoodKernel(model: BudgetModel): Float64Array {
    const { good, dims } = model;
    const d = this.kinds.length;
    const candidate = new Float64Array(d);
    if (dims) {
      // Uncovered dimensions first: their draws do not depend on the point.
      for (let j = 0; j < d; j++) {
        const kind = this.kinds[j];
        candidate[j] = kind.kind === 'continuous' ? this.rng.random() : this.rng.int(kind.levels);
      }
    }
    const point = this.rng.int(good.nPoints);
    // With a correlated kernel the continuous dimensions are drawn together below.
    const skip = good.correlation ? good.isContinuous : undefined;
    for (let k = 0; k < good.dimension; k++) {
      if (skip?.[k]) continue;
      const j = dims ? dims[k] : k;
      candidate[j] = this.perturbDimension(this.kinds[j], good.value(point, k), Math.max(good.bandwidths[k], this.minBandwidth));
    }
    if (good.correlation) {
      const continuous = good.continuousDimensions;
      const dc = continuous.length;
      const { cholesky } = good.correlation;
      const z = new Float64Array(dc);
      const factor = this.bandwidthFactor;
      for (let a = 0; a < dc; a++) {
        let mean = good.value(point, continuous[a]);
        for (let b = 0; b < a; b++) mean += factor * cholesky[a * dc + b] * z[b];
        const sd = factor * cholesky[a * dc + a];
        const value = truncatedNormal(this.rng, mean, sd, 0, 1);
        z[a] = (value - mean) / sd;
        candidate[dims ? dims[continuous[a]] : continuous[a]] = value;
      }
    }
    return candidate;
  }

  private perturbGoodPoint(good: ProductKde): Float64Array {
    const d = this.kinds.length;
    const point = this.rng.int(good.nPoints);
    const candidate = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      candidate[j] = this.perturbDimension(this.kinds[j], good.value(point, j), Math.max(good.bandwidths[j], this.minBandwidth));
    }
    return candidate;
  }

  /**
   * One dimension of a good point perturbed as hpbandster does: a continuous value by a truncated
   * normal of the widened bandwidth; a discrete one kept with probability 1 − bandwidth, else drawn
   * uniformly (categorical) or from the Wang–Ryzin kernel (ordinal).
   */
  private perturbDimension(kind: VectorDimension, center: number, bandwidth: number): number {
    if (kind.kind === 'continuous') return truncatedNormalUnit(this.rng, center, this.bandwidthFactor * bandwidth);
    if (this.rng.random() < 1 - bandwidth) return Math.round(center);
    if (kind.kind === 'categorical') return this.rng.int(kind.levels);
    return sampleWangRyzinLevel(this.rng, Math.round(center), kind.levels, bandwidth);
  }
}

/**
 * `parallelAware`: Π_p (1 − k(x, p)/k(p, p)) over the running jobs p, k the good density's kernel
 * (1 far from every running job, 0 on one), so that a candidate next to a running job loses to one
 * as good elsewhere, while the good region itself stays attractive.
 */
function runningPenalty(good: ProductKde, running: readonly Float64Array[], selfLogKernels: readonly number[], x: Float64Array): number {
  let penalty = 1;
  for (let r = 0; r < running.length; r++) penalty *= 1 - Math.exp(good.logPointKernel(x, running[r]) - selfLogKernels[r]);
  return penalty;
}

/**
 * A level other than `center`, drawn with probability ∝ λ^|k − center| (the Wang–Ryzin
 * kernel's off-centre mass): hpbandster has no ordinal support, so ordinals move to
 * nearby levels rather than uniformly.
 */
function sampleWangRyzinLevel(rng: Rng, center: number, levels: number, bandwidth: number): number {
  if (levels <= 1) return 0;
  const weights = new Float64Array(levels);
  for (let k = 0; k < levels; k++) weights[k] = k === center ? 0 : bandwidth ** Math.abs(k - center);
  return rng.weightedIndex(weights);
}

/**
 * Checks BOHB's model options without building a generator, so that a search rejects them in its
 * constructor, before anything is written.
 * @throws InvalidOptionError naming the option and the value.
 */
export function validateBohbModelOptions(options: BohbModelOptions, field = 'options'): void {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError(`${field} must be an object (got ${String(options)})`);
  if (options.randomFraction !== undefined) checkRange(`${field}.randomFraction`, options.randomFraction, 0, 1);
  if (options.topNPercent !== undefined) checkRange(`${field}.topNPercent`, options.topNPercent, 1, 99);
  if (options.numSamples !== undefined) checkAtLeast(`${field}.numSamples`, options.numSamples, 1);
  if (options.bandwidthFactor !== undefined) checkRange(`${field}.bandwidthFactor`, options.bandwidthFactor, 0, Infinity);
  if (options.minBandwidth !== undefined) checkRange(`${field}.minBandwidth`, options.minBandwidth, 0, 1);
  if (options.minPointsInModel !== undefined) checkAtLeast(`${field}.minPointsInModel`, options.minPointsInModel, 1);
  if (options.earlyModelPoints !== undefined) checkAtLeast(`${field}.earlyModelPoints`, options.earlyModelPoints, 1);
  for (const flag of ['multivariate', 'parallelAware', 'highDimensional'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new InvalidOptionError(`${field}.${flag} must be true or false (got ${JSON.stringify(options[flag])})`);
    }
  }
}

function checkRange(name: string, value: number, lower: number, upper: number): number {
  return checkNumber(value, name.includes('.') ? name : `options.${name}`, { min: lower, max: upper });
}

function checkAtLeast(name: string, value: number, lower: number): number {
  return checkInteger(value, name.includes('.') ? name : `options.${name}`, { min: lower });
}
