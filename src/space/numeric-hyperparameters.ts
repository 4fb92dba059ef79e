import { describeValue } from '../core/option-checks.js';
import type { Rng } from '../core/rng.js';
import type { HyperparameterValue } from '../core/types.js';
import {
  checkHyperparameterName,
  invalidHyperparameter,
  notEncodable,
  roundHalfEven,
  type HyperparameterContract,
} from './hyperparameter-common.js';

/** Options of {@link UniformFloatHyperparameter} and {@link UniformIntegerHyperparameter}. */
export interface NumericHyperparameterOptions {
  /**
   * Sample uniformly in log space (needs lower > 0).
   * @defaultValue false
   */
  readonly log?: boolean;
  /**
   * The default value.
   * @defaultValue the midpoint of the range (the geometric midpoint on a log scale; rounded for integers)
   */
  readonly default?: number;
}

/**
 * ConfigSpace 0.4 represents a UniformInteger as a UniformFloat on [lower - 0.49999, upper + 0.49999]
 * (`UniformIntegerHyperparameter.ufhp`), so that rounding gives each integer an equal share of [0, 1].
 * Matching it keeps our vectors identical to hpbandster's.
 */
const INTEGER_WIDENING = 0.49999;

/**
 * The map between a range and [0, 1], linear or logarithmic, with the same operations in the
 * same order as ConfigSpace 0.4's UniformFloatHyperparameter `_inverse_transform`/`_transform`,
 * so that vectors match it bit for bit.
 */
class UnitScale {
  // The bounds in the space where the prior is uniform: ConfigSpace 0.4's `_lower` / `_upper`.
  private readonly scaledLower: number;
  private readonly scaledUpper: number;

  constructor(
    lower: number,
    upper: number,
    private readonly log: boolean,
  ) {
    this.scaledLower = log ? Math.log(lower) : lower;
    this.scaledUpper = log ? Math.log(upper) : upper;
  }

  toUnit(value: number): number {
    const scaled = this.log ? Math.log(value) : value;
    const x = (scaled - this.scaledLower) / (this.scaledUpper - this.scaledLower);
    return Math.min(1, Math.max(0, x));
  }

  fromUnit(x: number): number {
    const scaled = x * (this.scaledUpper - this.scaledLower) + this.scaledLower;
    return this.log ? Math.exp(scaled) : scaled;
  }
}

function checkNumericOptions(name: string, lower: unknown, upper: unknown, options: unknown): { log: boolean } {
  if (typeof lower !== 'number' || !Number.isFinite(lower)) {
    throw invalidHyperparameter(name, `lower must be a finite number (got ${describeValue(lower)})`);
  }
  if (typeof upper !== 'number' || !Number.isFinite(upper)) {
    throw invalidHyperparameter(name, `upper must be a finite number (got ${describeValue(upper)})`);
  }
  if (!(lower < upper)) throw invalidHyperparameter(name, `lower must be < upper (got lower=${lower}, upper=${upper})`);
  if (typeof options !== 'object' || options === null) {
    throw invalidHyperparameter(name, `options must be an object (got ${describeValue(options)})`);
  }
  const log = (options as NumericHyperparameterOptions).log ?? false;
  if (typeof log !== 'boolean') throw invalidHyperparameter(name, `options.log must be a boolean (got ${describeValue(log)})`);
  if (log && !(lower > 0)) throw invalidHyperparameter(name, `log scale needs lower > 0 (got lower=${lower})`);
  return { log };
}

/** A real-valued hyperparameter, uniform on [lower, upper] or, with `log`, on [log lower, log upper]. */
export class UniformFloatHyperparameter<const Name extends string = string> implements HyperparameterContract {
  readonly kind = 'float' as const;
  readonly name: Name;
  readonly lower: number;
  readonly upper: number;
  readonly log: boolean;
  readonly default: number;
  private readonly scale: UnitScale;

  constructor(name: Name, lower: number, upper: number, options: NumericHyperparameterOptions = {}) {
    checkHyperparameterName(name);
    const { log } = checkNumericOptions(name, lower, upper, options);
    this.name = name;
    this.lower = lower;
    this.upper = upper;
    this.log = log;
    this.scale = new UnitScale(lower, upper, log);
    const midpoint = log ? Math.exp((Math.log(lower) + Math.log(upper)) / 2) : (lower + upper) / 2;
    // ConfigSpace 0.4 rounds the default to 10 decimals (np.round(x, 10)): a geometric midpoint
    // of 0.0010000000000000002 becomes 0.001. Kept only while it stays inside a tiny range.
    const rounded = roundHalfEven(midpoint * 1e10) / 1e10;
    const fallback = rounded >= lower && rounded <= upper ? rounded : midpoint;
    const defaultValue = options.default ?? fallback;
    const reason = this.illegalReason(defaultValue);
    if (reason !== undefined) throw invalidHyperparameter(name, `default: ${reason} (got ${describeValue(defaultValue)})`);
    this.default = defaultValue;
  }

  toVectorValue(value: HyperparameterValue): number {
    if (typeof value !== 'number') throw notEncodable(this.name, value, 'a number');
    return this.scale.toUnit(value);
  }

  fromVectorValue(x: number): number {
    const value = this.scale.fromUnit(x);
    // exp(log(upper)) can land one ulp outside the range; a decoded value must always be legal.
    return Math.min(this.upper, Math.max(this.lower, value));
  }

  isLegal(value: unknown): boolean {
    return typeof value === 'number' && value >= this.lower && value <= this.upper;
  }

  illegalReason(value: unknown): string | undefined {
    if (typeof value !== 'number') return 'expected a number';
    if (!Number.isFinite(value)) return 'expected a finite number';
    if (value < this.lower || value > this.upper) return `must be within [${this.lower}, ${this.upper}]`;
    return undefined;
  }

  sampleVectorValue(rng: Rng): number {
    return rng.random();
  }

  toString(): string {
    return `${this.name}, Type: UniformFloat, Range: [${this.lower}, ${this.upper}], Default: ${this.default}${this.log ? ', on log-scale' : ''}`;
  }
}

/** An integer hyperparameter, uniform on {lower, …, upper} or log-uniform with `log`. */
export class UniformIntegerHyperparameter<const Name extends string = string> implements HyperparameterContract {
  readonly kind = 'int' as const;
  readonly name: Name;
  readonly lower: number;
  readonly upper: number;
  readonly log: boolean;
  readonly default: number;
  private readonly scale: UnitScale;

  constructor(name: Name, lower: number, upper: number, options: NumericHyperparameterOptions = {}) {
    checkHyperparameterName(name);
    const { log } = checkNumericOptions(name, lower, upper, options);
    if (!Number.isInteger(lower)) throw invalidHyperparameter(name, `lower must be an integer (got ${lower})`);
    if (!Number.isInteger(upper)) throw invalidHyperparameter(name, `upper must be an integer (got ${upper})`);
    this.name = name;
    this.lower = lower;
    this.upper = upper;
    this.log = log;
    this.scale = new UnitScale(lower - INTEGER_WIDENING, upper + INTEGER_WIDENING, log);
    // ConfigSpace 0.4 rounds the default with np.round (half to even) on the unwidened bounds.
    const fallback = roundHalfEven(log ? Math.exp((Math.log(lower) + Math.log(upper)) / 2) : (lower + upper) / 2);
    const defaultValue = options.default ?? fallback;
    const reason = this.illegalReason(defaultValue);
    if (reason !== undefined) throw invalidHyperparameter(name, `default: ${reason} (got ${describeValue(defaultValue)})`);
    this.default = defaultValue;
  }

  toVectorValue(value: HyperparameterValue): number {
    if (typeof value !== 'number') throw notEncodable(this.name, value, 'an integer');
    return this.scale.toUnit(value);
  }

  fromVectorValue(x: number): number {
    const value = Math.round(this.scale.fromUnit(x));
    return Math.min(this.upper, Math.max(this.lower, value));
  }

  isLegal(value: unknown): boolean {
    return Number.isInteger(value) && (value as number) >= this.lower && (value as number) <= this.upper;
  }

  illegalReason(value: unknown): string | undefined {
    if (typeof value !== 'number') return 'expected an integer';
    if (!Number.isInteger(value)) return 'expected an integer';
    if (value < this.lower || value > this.upper) return `must be within [${this.lower}, ${this.upper}]`;
    return undefined;
  }

  sampleVectorValue(rng: Rng): number {
    return rng.random();
  }

  toString(): string {
    return `${this.name}, Type: UniformInteger, Range: [${this.lower}, ${this.upper}], Default: ${this.default}${this.log ? ', on log-scale' : ''}`;
  }
}
