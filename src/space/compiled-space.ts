import { ConfigurationError } from './space-error.js';
import type { Configuration, HyperparameterValue } from '../core/types.js';
import type { CompiledCondition, Condition, HyperparameterLookup } from './conditions.js';
import { valueReader, type CompiledForbidden, type Forbidden } from './forbidden.js';
import type { Hyperparameter } from './hyperparameters.js';

/** How the BOHB model treats one vector dimension. */
export type VectorDimension =
  | { readonly kind: 'continuous' }
  | { readonly kind: 'categorical'; readonly levels: number }
  | { readonly kind: 'ordinal'; readonly levels: number };

const CONTINUOUS: VectorDimension = Object.freeze({ kind: 'continuous' });

function vectorDimension(hyperparameter: Hyperparameter): VectorDimension {
  switch (hyperparameter.kind) {
    case 'float':
    case 'int':
      return CONTINUOUS;
    case 'categorical':
      return Object.freeze({ kind: 'categorical', levels: hyperparameter.choices.length });
    case 'ordinal':
      return Object.freeze({ kind: 'ordinal', levels: hyperparameter.sequence.length });
    case 'constant':
      return Object.freeze({ kind: 'categorical', levels: 1 });
  }
}

/**
 * A space frozen into per-dimension arrays and closures, so that the optimizer's hot
 * paths (toVector, fromVector, isForbidden: tens of thousands of calls a second) do
 * no lookups by name and allocate nothing but their result. Rebuilt whenever the
 * space changes.
 */
export class CompiledSpace {
  readonly hyperparameters: readonly Hyperparameter[];
  readonly names: readonly string[];
  readonly indexByName: ReadonlyMap<string, number>;
  /** Per dimension: its condition's source (undefined when unconditioned) and fast form. */
  readonly conditionOf: readonly (Condition | undefined)[];
  readonly activeWhen: readonly (CompiledCondition | null)[];
  readonly forbiddenClauses: readonly Forbidden[];
  readonly forbiddenTests: readonly CompiledForbidden[];
  readonly readers: readonly ((config: Configuration) => HyperparameterValue | undefined)[];
  readonly vectorKinds: readonly VectorDimension[];
  /** Scratch values in space order for the conditions; single-threaded, never escapes a call. */
  private readonly values: (HyperparameterValue | undefined)[];

  constructor(ordered: readonly Hyperparameter[], conditionByChild: ReadonlyMap<string, Condition>, forbiddens: readonly Forbidden[]) {
    this.hyperparameters = Object.freeze([...ordered]);
    this.names = Object.freeze(ordered.map((hyperparameter) => hyperparameter.name));
    this.indexByName = new Map(this.names.map((name, index) => [name, index]));
    const lookup: HyperparameterLookup = (name) => {
      const index = this.indexByName.get(name);
      return index === undefined ? undefined : { index, hyperparameter: ordered[index] };
    };
    this.conditionOf = this.names.map((name) => conditionByChild.get(name));
    this.activeWhen = this.conditionOf.map((condition) => (condition === undefined ? null : condition.compile(lookup)));
    this.forbiddenClauses = Object.freeze([...forbiddens]);
    this.forbiddenTests = forbiddens.map((clause) => clause.compile(lookup));
    this.readers = this.names.map(valueReader);
    this.vectorKinds = Object.freeze(ordered.map(vectorDimension));
    this.values = new Array<HyperparameterValue | undefined>(ordered.length).fill(undefined);
  }

  get dimension(): number {
    return this.hyperparameters.length;
  }

  toVector(config: Configuration): Float64Array {
    const { hyperparameters, readers } = this;
    const vector = new Float64Array(hyperparameters.length);
    for (let i = 0; i < hyperparameters.length; i++) {
      const value = readers[i](config);
      vector[i] = value === undefined ? NaN : hyperparameters[i].toVectorValue(value);
    }
    return vector;
  }

  /**
   * Decodes a vector in space order, dropping hyperparameters whose condition does not
   * hold: parents come first, so nested conditions see their parents' final state.
   */
  fromVector(vector: ArrayLike<number>): Configuration {
    const { hyperparameters, activeWhen, names, values } = this;
    if (vector.length !== hyperparameters.length) {
      throw new ConfigurationError(`vector has ${vector.length} elements but the space has ${hyperparameters.length} dimensions`);
    }
    const config: Record<string, HyperparameterValue> = {};
    // Every entry of `values` is written before any later condition reads it (parents come first),
    // so the scratch array needs no clearing between calls.
    for (let i = 0; i < hyperparameters.length; i++) {
      const condition = activeWhen[i];
      if (condition !== null && !condition(values)) {
        values[i] = undefined;
        continue;
      }
      const x = vector[i];
      if (!Number.isFinite(x)) {
        throw new ConfigurationError(`vector[${i}] is ${x} but hyperparameter ${JSON.stringify(names[i])} is active there`, names[i]);
      }
      const value = hyperparameters[i].fromVectorValue(x);
      values[i] = value;
      config[names[i]] = value;
    }
    return Object.freeze(config);
  }

  isForbidden(config: Configuration): boolean {
    const tests = this.forbiddenTests;
    for (let i = 0; i < tests.length; i++) if (tests[i](config)) return true;
    return false;
  }

  /** The first clause that forbids `config`, for error messages. */
  forbiddingClause(config: Configuration): Forbidden | undefined {
    const index = this.forbiddenTests.findIndex((test) => test(config));
    return index < 0 ? undefined : this.forbiddenClauses[index];
  }

  /**
   * Which dimensions are active for the values in `config` (present values of active
   * parents count; absent or inactive ones do not).
   */
  activity(config: Configuration): boolean[] {
    const { activeWhen, readers, values } = this;
    const active = new Array<boolean>(activeWhen.length);
    for (let i = 0; i < activeWhen.length; i++) {
      const condition = activeWhen[i];
      active[i] = condition === null || condition(values);
      values[i] = active[i] ? readers[i](config) : undefined;
    }
    return active;
  }
}
