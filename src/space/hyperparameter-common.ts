import { InvalidOptionError } from '../core/errors.js';
import { ConfigurationError } from './space-error.js';
import type { HyperparameterValue } from '../core/types.js';
import type { Rng } from '../core/rng.js';
import { describeValue } from '../core/option-checks.js';

/** The discriminant shared by every hyperparameter class. */
export type HyperparameterKind = 'float' | 'int' | 'categorical' | 'ordinal' | 'constant';

/** The error a hyperparameter constructor throws: it always names the hyperparameter. */
export function invalidHyperparameter(name: string, message: string): InvalidOptionError {
  return new InvalidOptionError(`hyperparameter ${JSON.stringify(name)}: ${message}`);
}

/** Rejects names that cannot serve as plain-object keys of a configuration. */
export function checkHyperparameterName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidOptionError(`hyperparameter name must be a non-empty string (got ${describeValue(name)})`);
  }
  // Assigning "__proto__" on a configuration object would change its prototype instead of adding a key.
  if (name === '__proto__') throw new InvalidOptionError('hyperparameter name "__proto__" is not allowed');
}

/** A legal categorical choice / ordinal element / constant: string, finite number or boolean. */
export function isPlainValue(value: unknown): value is HyperparameterValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * numpy's `np.round`: halves go to the even neighbour. ConfigSpace 0.4 uses it for the
 * default of an integer hyperparameter, e.g. [1, 4] -> 2 where Math.round would give 3.
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The error of encoding a value that is not of the hyperparameter's type (toVector does no other validation). */
export function notEncodable(name: string, value: unknown, expected: string): ConfigurationError {
  return new ConfigurationError(
    `hyperparameter ${JSON.stringify(name)}: cannot encode ${describeValue(value)}, expected ${expected}`,
    name,
  );
}

/** The error of decoding a vector element that names no index of a categorical or ordinal. */
export function notAnIndex(name: string, x: number, levels: number): ConfigurationError {
  return new ConfigurationError(`hyperparameter ${JSON.stringify(name)}: vector value ${x} is not an index in [0, ${levels - 1}]`, name);
}

/** Lists choices for messages: `"relu", "tanh", "gelu"`. */
export function describeChoices(values: readonly HyperparameterValue[]): string {
  return values.map(describeValue).join(', ');
}

/**
 * What every hyperparameter class offers. The vector value is ConfigSpace 0.4's
 * internal representation (`Configuration.get_array()`), the coordinate BOHB's model works in.
 */
export interface HyperparameterContract {
  readonly kind: HyperparameterKind;
  readonly name: string;
  readonly default: HyperparameterValue;
  /** The value's coordinate in the vector representation; throws ConfigurationError for a value of the wrong type. */
  toVectorValue(value: HyperparameterValue): number;
  /** The value a (finite) vector coordinate stands for. */
  fromVectorValue(x: number): HyperparameterValue;
  /** True when `value` is of the right type and within range. */
  isLegal(value: unknown): boolean;
  /** Why `value` is not legal (e.g. `expected an integer`), or undefined when it is. */
  illegalReason(value: unknown): string | undefined;
  /** A vector coordinate drawn from the hyperparameter's prior. */
  sampleVectorValue(rng: Rng): number;
}
