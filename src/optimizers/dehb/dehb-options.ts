import { InvalidOptionError } from '../../core/errors.js';

/** DEHB's options; defaults are the reference implementation's (automl/DEHB). */
export interface DehbModelOptions {
  /** F of rand/1 mutation, v = r1 + F·(r2 − r3). @defaultValue 0.5 */
  readonly mutationFactor?: number;
  /** CR of binomial crossover: probability that a dimension comes from the mutant. @defaultValue 0.5 */
  readonly crossoverProb?: number;
}

export const DEHB_DEFAULTS = Object.freeze({ mutationFactor: 0.5, crossoverProb: 0.5 });

const KNOWN = new Set(['mutationFactor', 'crossoverProb']);

/**
 * Checks DEHB's options.
 * @throws InvalidOptionError naming the option and the value.
 */
export function validateDehbOptions(options: DehbModelOptions, field = 'options'): Required<DehbModelOptions> {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError(`${field} must be an object (got ${String(options)})`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new InvalidOptionError(`${field}.${key} is not a DEHB option (DEHB takes ${[...KNOWN].join(', ')})`);
    }
  }
  const mutationFactor = options.mutationFactor ?? DEHB_DEFAULTS.mutationFactor;
  const crossoverProb = options.crossoverProb ?? DEHB_DEFAULTS.crossoverProb;
  if (typeof mutationFactor !== 'number' || !(mutationFactor > 0 && mutationFactor <= 2)) {
    throw new InvalidOptionError(`${field}.mutationFactor must be a number in (0, 2] (got ${String(mutationFactor)})`);
  }
  if (typeof crossoverProb !== 'number' || !(crossoverProb >= 0 && crossoverProb <= 1)) {
    throw new InvalidOptionError(`${field}.crossoverProb must be a number in [0, 1] (got ${String(crossoverProb)})`);
  }
  return { mutationFactor, crossoverProb };
}
