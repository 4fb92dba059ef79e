import type { Rng } from '../core/rng.js';
import type { Observation } from '../core/types.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import type { ConfigGenerator, Proposal } from './config-generator.js';

/** Samples every configuration from the space's prior; learns nothing. */
export class RandomGenerator implements ConfigGenerator {
  constructor(
    private readonly space: ConfigurationSpace,
    private readonly rng: Rng,
  ) {}

  propose(): Proposal {
    return { config: this.space.sample(this.rng), info: { model_based_pick: false } };
  }

  observe(_observation: Observation): void {}
}
