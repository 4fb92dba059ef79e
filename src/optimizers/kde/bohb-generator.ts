import { checkInteger, checkNumber } from '../../core/option-checks.js';
import { InvalidOptionError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Observation } from '../../core/types.js';
import type { ConfigurationSpace, VectorDimension } from '../../space/configuration-space.js';
import type { ConfigGenerator, Proposal } from '../config-generator.js';
import { imputeInactive } from './impute.js';
import { ProductKde } from './product-kde.js';
import { truncatedNormalUnit as importedTruncatedNormalUnit } from './truncated-normal.js';

// A module-local reference: tsx/esbuild compile calls to imported functions into getter calls
// on a namespace object, which the per-dimension loop of a proposal would pay every time.
const truncatedNormalUnit = importedTruncatedNormalUnit;

/** BOHB's model options; defaults are hpbandster's. */
export interface BohbModelOptions {
  /** Fraction of configurations sampled at random even when a model exists. @defaultValue 1/3 */
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
}

export const BOHB_MODEL_DEFAULTS = Object.freeze({
  randomFraction: 1 / 3,
  topNPercent: 15,
  numSamples: 64,
  bandwidthFactor: 3,
  minBandwidth: 1e-3,
});

interface BudgetData {
  vectors: number[][];
  losses: number[];
  /** The model fitted on the data as it was at `fittedCount` observations. */
  model: { good: ProductKde; bad: ProductKde } | null;
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
  private readonly byBudget = new Map<number, BudgetData>();

  constructor(
    private readonly space: ConfigurationSpace,
    private readonly rng: Rng,
    options: BohbModelOptions = {},
  ) {
    const d = space.dimension;
    validateBohbModelOptions(options);
    this.randomFraction = checkRange('randomFraction', options.randomFraction ?? BOHB_MODEL_DEFAULTS.randomFraction, 0, 1);
    this.topNPercent = checkRange('topNPercent', options.topNPercent ?? BOHB_MODEL_DEFAULTS.topNPercent, 1, 99);
    this.numSamples = checkAtLeast('numSamples', options.numSamples ?? BOHB_MODEL_DEFAULTS.numSamples, 1);
    this.bandwidthFactor = checkRange('bandwidthFactor', options.bandwidthFactor ?? BOHB_MODEL_DEFAULTS.bandwidthFactor, 0, Infinity);
    this.minBandwidth = checkRange('minBandwidth', options.minBandwidth ?? BOHB_MODEL_DEFAULTS.minBandwidth, 0, 1);
    // hpbandster raises a smaller min_points_in_model to d+1 (with a warning): a KDE on
    // fewer points than dimensions has a singular bandwidth estimate.
    this.minPointsInModel = Math.max(checkAtLeast('minPointsInModel', options.minPointsInModel ?? d + 1, 1), d + 1);
    this.kinds = space.vectorKinds();
  }

  observe(observation: Observation): void {
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

  propose(_budget: number): Proposal {
    const current = this.currentModel();
    // As in hpbandster, the random-fraction draw only happens once a model exists.
    if (!current || this.rng.random() < this.randomFraction) return this.randomProposal();
    const config = this.modelBasedConfig(current.model.good, current.model.bad);
    return config ? { config, info: { model_based_pick: true } } : this.randomProposal();
  }

  private randomProposal(): Proposal {
    return { config: this.space.sample(this.rng), info: { model_based_pick: false } };
  }

  /** The model of the largest budget with enough observations (fitted lazily, refitted when data grew). */
  private currentModel(): { budget: number; model: { good: ProductKde; bad: ProductKde } } | undefined {
    const budgets = [...this.byBudget.keys()].sort((a, b) => b - a);
    for (const budget of budgets) {
      const data = this.byBudget.get(budget)!;
      if (data.fittedCount !== data.losses.length) {
        data.model = this.fit(data) ?? data.model;
        data.fittedCount = data.losses.length;
      }
      if (data.model) return { budget, model: data.model };
    }
    return undefined;
  }

  private fit(data: BudgetData): { good: ProductKde; bad: ProductKde } | null {
    const n = data.losses.length;
    const d = this.kinds.length;
    if (n < this.minPointsInModel) return null;
    const nGood = Math.max(this.minPointsInModel, Math.floor((this.topNPercent * n) / 100));
    const nBad = Math.max(this.minPointsInModel, Math.floor(((100 - this.topNPercent) * n) / 100));
    const order = data.losses.map((_, i) => i).sort((a, b) => data.losses[a] - data.losses[b] || a - b);
    const goodRows = order.slice(0, nGood);
    const badRows = order.slice(nGood, nGood + nBad);
    // statsmodels needs more points than dimensions for a bandwidth per dimension.
    if (goodRows.length <= d || badRows.length <= d) return null;
    return {
      good: new ProductKde(this.matrix(data, goodRows), goodRows.length, this.kinds, this.minBandwidth),
      bad: new ProductKde(this.matrix(data, badRows), badRows.length, this.kinds, this.minBandwidth),
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
  private modelBasedConfig(good: ProductKde, bad: ProductKde) {
    const d = this.kinds.length;
    const candidates: Float64Array[] = [];
    const goodDensity: number[] = [];
    for (let s = 0; s < this.numSamples; s++) {
      const candidate = this.perturbGoodPoint(good);
      candidates.push(candidate);
      goodDensity.push(Math.max(good.density(candidate), 1e-32));
    }
    const order = candidates.map((_, i) => i).sort((a, b) => goodDensity[b] - goodDensity[a] || a - b);
    const hasForbiddens = this.space.forbiddens.length > 0;
    const scored: { index: number; ratio: number }[] = [];
    let bestRatio = 0;
    for (const index of order) {
      // Only the winner matters unless forbidden configurations force a fallback to the next.
      const bound = hasForbiddens ? Infinity : goodDensity[index] / bestRatio;
      const badDensity = bad.density(candidates[index], bound);
      if (badDensity === Infinity) continue;
      const ratio = goodDensity[index] / Math.max(badDensity, 1e-32);
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

  private perturbGoodPoint(good: ProductKde): Float64Array {
    const d = this.kinds.length;
    const point = this.rng.int(good.nPoints);
    const candidate = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const center = good.value(point, j);
      const bandwidth = Math.max(good.bandwidths[j], this.minBandwidth);
      const kind = this.kinds[j];
      if (kind.kind === 'continuous') {
        candidate[j] = truncatedNormalUnit(this.rng, center, this.bandwidthFactor * bandwidth);
      } else if (this.rng.random() < 1 - bandwidth) {
        candidate[j] = Math.round(center);
      } else if (kind.kind === 'categorical') {
        candidate[j] = this.rng.int(kind.levels);
      } else {
        candidate[j] = sampleWangRyzinLevel(this.rng, Math.round(center), kind.levels, bandwidth);
      }
    }
    return candidate;
  }
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
}

function checkRange(name: string, value: number, lower: number, upper: number): number {
  return checkNumber(value, name.includes('.') ? name : `options.${name}`, { min: lower, max: upper });
}

function checkAtLeast(name: string, value: number, lower: number): number {
  return checkInteger(value, name.includes('.') ? name : `options.${name}`, { min: lower });
}
