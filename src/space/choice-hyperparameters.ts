import { describeValue } from '../core/option-checks.js';
import type { Rng } from '../core/rng.js';
import type { HyperparameterValue } from '../core/types.js';
import {
  checkHyperparameterName,
  describeChoices,
  invalidHyperparameter,
  isPlainValue,
  notAnIndex,
  notEncodable,
  type HyperparameterContract,
} from './hyperparameter-common.js';

/** Options of {@link CategoricalHyperparameter}. */
export interface CategoricalHyperparameterOptions<Value extends HyperparameterValue = HyperparameterValue> {
  /**
   * The default choice.
   * @defaultValue the choice with the highest weight, or the first choice without weights (as ConfigSpace)
   */
  readonly default?: Value;
  /**
   * Relative sampling weights, one per choice, non-negative with a positive sum.
   * @defaultValue null (uniform)
   */
  readonly weights?: readonly number[] | null;
}

/** Options of {@link OrdinalHyperparameter}. */
export interface OrdinalHyperparameterOptions<Value extends HyperparameterValue = HyperparameterValue> {
  /**
   * The default element.
   * @defaultValue the first element of the sequence
   */
  readonly default?: Value;
}

/** Checks a list of choices / sequence elements and indexes it: value -> position. */
function indexValues(name: string, values: unknown, what: 'choices' | 'sequence'): Map<HyperparameterValue, number> {
  if (!Array.isArray(values) || values.length === 0) {
    throw invalidHyperparameter(name, `${what} must be a non-empty array (got ${describeValue(values)})`);
  }
  const index = new Map<HyperparameterValue, number>();
  values.forEach((value: unknown, position) => {
    if (!isPlainValue(value)) {
      throw invalidHyperparameter(
        name,
        `${what}[${position}] must be a string, a finite number or a boolean (got ${describeValue(value)})`,
      );
    }
    if (index.has(value)) throw invalidHyperparameter(name, `duplicate value ${describeValue(value)} in ${what}`);
    index.set(value, position);
  });
  return index;
}

function roundToIndex(name: string, x: number, levels: number): number {
  const index = Math.round(x);
  if (!(index >= 0 && index < levels)) throw notAnIndex(name, x, levels);
  return index;
}

/** An unordered choice among strings, numbers or booleans; the vector value is the choice's index. */
export class CategoricalHyperparameter<const Name extends string = string, const Value extends HyperparameterValue = HyperparameterValue>
  implements HyperparameterContract
{
  readonly kind = 'categorical' as const;
  readonly name: Name;
  readonly choices: readonly Value[];
  /** The weights as given, or null for a uniform prior. */
  readonly weights: readonly number[] | null;
  /** The sampling probability of each choice (normalised weights), ConfigSpace 0.4's `probabilities`. */
  readonly probabilities: readonly number[];
  readonly default: Value;
  private readonly indexOfChoice: Map<HyperparameterValue, number>;

  constructor(name: Name, choices: readonly Value[], options: CategoricalHyperparameterOptions<NoInfer<Value>> = {}) {
    checkHyperparameterName(name);
    this.name = name;
    this.indexOfChoice = indexValues(name, choices, 'choices');
    this.choices = Object.freeze([...choices]);
    if (typeof options !== 'object' || options === null) {
      throw invalidHyperparameter(name, `options must be an object (got ${describeValue(options)})`);
    }
    const weights = options.weights ?? null;
    if (weights !== null) {
      if (!Array.isArray(weights) || weights.length !== choices.length) {
        throw invalidHyperparameter(
          name,
          `weights must be an array with one weight per choice (${choices.length}) (got ${describeValue(weights)})`,
        );
      }
      weights.forEach((weight: unknown, position) => {
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
          throw invalidHyperparameter(name, `weights[${position}] must be a finite number >= 0 (got ${describeValue(weight)})`);
        }
      });
      if (!(weights.reduce((sum, weight) => sum + weight, 0) > 0)) {
        throw invalidHyperparameter(name, `weights must not all be zero (got ${describeValue(weights)})`);
      }
    }
    this.weights = weights === null ? null : Object.freeze([...weights]);
    const total = weights === null ? choices.length : weights.reduce((sum, weight) => sum + weight, 0);
    this.probabilities = Object.freeze(choices.map((_, i) => (weights === null ? 1 : weights[i]) / total));
    let fallback = choices[0];
    if (weights !== null) {
      // First choice of maximal weight, as np.argmax in ConfigSpace.
      let best = 0;
      for (let i = 1; i < weights.length; i++) if (weights[i] > weights[best]) best = i;
      fallback = choices[best];
    }
    const defaultValue = options.default ?? fallback;
    if (!this.indexOfChoice.has(defaultValue)) {
      throw invalidHyperparameter(name, `default must be one of ${describeChoices(choices)} (got ${describeValue(defaultValue)})`);
    }
    this.default = defaultValue;
  }

  /** The number of choices, the model's number of levels for this dimension. */
  get size(): number {
    return this.choices.length;
  }

  toVectorValue(value: HyperparameterValue): number {
    const index = this.indexOfChoice.get(value);
    if (index === undefined) throw notEncodable(this.name, value, `one of ${describeChoices(this.choices)}`);
    return index;
  }

  fromVectorValue(x: number): HyperparameterValue {
    return this.choices[roundToIndex(this.name, x, this.choices.length)];
  }

  isLegal(value: unknown): boolean {
    return this.indexOfChoice.has(value as HyperparameterValue);
  }

  illegalReason(value: unknown): string | undefined {
    return this.isLegal(value) ? undefined : `must be one of ${describeChoices(this.choices)}`;
  }

  sampleVectorValue(rng: Rng): number {
    return this.weights === null ? rng.int(this.choices.length) : rng.weightedIndex(this.weights);
  }

  toString(): string {
    return `${this.name}, Type: Categorical, Choices: {${this.choices.join(', ')}}, Default: ${this.default}`;
  }
}

/** An ordered sequence of values; the vector value is the position in the sequence. */
export class OrdinalHyperparameter<const Name extends string = string, const Value extends HyperparameterValue = HyperparameterValue>
  implements HyperparameterContract
{
  readonly kind = 'ordinal' as const;
  readonly name: Name;
  readonly sequence: readonly Value[];
  readonly default: Value;
  private readonly indexOfElement: Map<HyperparameterValue, number>;

  constructor(name: Name, sequence: readonly Value[], options: OrdinalHyperparameterOptions<NoInfer<Value>> = {}) {
    checkHyperparameterName(name);
    this.name = name;
    this.indexOfElement = indexValues(name, sequence, 'sequence');
    this.sequence = Object.freeze([...sequence]);
    if (typeof options !== 'object' || options === null) {
      throw invalidHyperparameter(name, `options must be an object (got ${describeValue(options)})`);
    }
    const defaultValue = options.default ?? sequence[0];
    if (!this.indexOfElement.has(defaultValue)) {
      throw invalidHyperparameter(name, `default must be one of ${describeChoices(sequence)} (got ${describeValue(defaultValue)})`);
    }
    this.default = defaultValue;
  }

  get size(): number {
    return this.sequence.length;
  }

  /** The position of `value` in the sequence, or -1; conditions compare ordinals by it. */
  indexOf(value: HyperparameterValue): number {
    return this.indexOfElement.get(value) ?? -1;
  }

  toVectorValue(value: HyperparameterValue): number {
    const index = this.indexOfElement.get(value);
    if (index === undefined) throw notEncodable(this.name, value, `one of ${describeChoices(this.sequence)}`);
    return index;
  }

  fromVectorValue(x: number): HyperparameterValue {
    return this.sequence[roundToIndex(this.name, x, this.sequence.length)];
  }

  isLegal(value: unknown): boolean {
    return this.indexOfElement.has(value as HyperparameterValue);
  }

  illegalReason(value: unknown): string | undefined {
    return this.isLegal(value) ? undefined : `must be one of ${describeChoices(this.sequence)}`;
  }

  sampleVectorValue(rng: Rng): number {
    return rng.int(this.sequence.length);
  }

  toString(): string {
    return `${this.name}, Type: Ordinal, Sequence: {${this.sequence.join(', ')}}, Default: ${this.default}`;
  }
}

/** A hyperparameter with one value; vector value 0 as in ConfigSpace 0.4. */
export class Constant<const Name extends string = string, const Value extends HyperparameterValue = HyperparameterValue>
  implements HyperparameterContract
{
  readonly kind = 'constant' as const;
  readonly name: Name;
  readonly value: Value;
  readonly default: Value;

  constructor(name: Name, value: Value) {
    checkHyperparameterName(name);
    if (!isPlainValue(value)) {
      throw invalidHyperparameter(name, `value must be a string, a finite number or a boolean (got ${describeValue(value)})`);
    }
    this.name = name;
    this.value = value;
    this.default = value;
  }

  toVectorValue(value: HyperparameterValue): number {
    if (value !== this.value) throw notEncodable(this.name, value, describeValue(this.value));
    return 0;
  }

  fromVectorValue(x: number): HyperparameterValue {
    roundToIndex(this.name, x, 1);
    return this.value;
  }

  isLegal(value: unknown): boolean {
    return value === this.value;
  }

  illegalReason(value: unknown): string | undefined {
    return value === this.value ? undefined : `must be ${describeValue(this.value)}`;
  }

  sampleVectorValue(_rng: Rng): number {
    return 0;
  }

  toString(): string {
    return `${this.name}, Type: Constant, Value: ${this.value}`;
  }
}
