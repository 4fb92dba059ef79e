import type { Configuration } from '../../core/types.js';
import type { ConfigurationSpace, VectorDimension } from '../../space/configuration-space.js';

/**
 * DEHB's genotype: every hyperparameter in [0, 1], so that differences of configurations are
 * meaningful in every dimension (Awad et al. 2021, §3; the reference `configspace_to_vector`).
 *
 * Numeric dimensions keep the space's vector value (already on [0, 1], log scale included).
 * A categorical or ordinal with L levels maps level k to the middle of its cell, (k + ½)/L, and a
 * unit value back to ⌊u·L⌋ (the reference uses k/L; the cell middle keeps small mutations from
 * flipping a level in one direction only). Inactive hyperparameters take their default's value,
 * as the reference's `impute_inactive_values` does, so a genotype is a function of the logged
 * configuration alone: a resumed search rebuilds exactly the populations it had.
 */
export class UnitCodec {
  readonly dimension: number;
  private readonly kinds: readonly VectorDimension[];
  /** Per dimension, the unit value of the hyperparameter's default. */
  private readonly defaults: Float64Array;
  private readonly scratch: Float64Array;

  constructor(private readonly space: ConfigurationSpace) {
    this.kinds = space.vectorKinds();
    this.dimension = this.kinds.length;
    this.defaults = new Float64Array(this.dimension);
    space.hyperparameters.forEach((hyperparameter, j) => {
      this.defaults[j] = this.vectorToUnit(j, hyperparameter.toVectorValue(hyperparameter.default));
    });
    this.scratch = new Float64Array(this.dimension);
  }

  /** The genotype of a configuration (inactive hyperparameters at their default). */
  encode(config: Configuration): Float64Array {
    const vector = this.space.toVector(config);
    const unit = new Float64Array(this.dimension);
    for (let j = 0; j < this.dimension; j++) unit[j] = Number.isNaN(vector[j]) ? this.defaults[j] : this.vectorToUnit(j, vector[j]);
    return unit;
  }

  /** The configuration a genotype stands for; hyperparameters whose conditions fail are dropped. */
  decode(unit: ArrayLike<number>): Configuration {
    const vector = this.scratch;
    for (let j = 0; j < this.dimension; j++) {
      const kind = this.kinds[j];
      const u = Math.min(1, Math.max(0, unit[j]));
      vector[j] = kind.kind === 'continuous' ? u : Math.min(kind.levels - 1, Math.floor(u * kind.levels));
    }
    return this.space.fromVector(vector);
  }

  private vectorToUnit(j: number, value: number): number {
    const kind = this.kinds[j];
    return kind.kind === 'continuous' ? value : (value + 0.5) / kind.levels;
  }
}
