import { InvalidOptionError } from '../core/errors.js';
import type { Configuration, HyperparameterValue } from '../core/types.js';
import type { HyperparameterLookup, HyperparameterRef } from './conditions.js';
import { describeValue } from '../core/option-checks.js';
import { describeChoices } from './hyperparameter-common.js';

/** A forbidden clause specialised to one space: true when the configuration is forbidden. */
export type CompiledForbidden = (config: Configuration) => boolean;

export type ForbiddenType = 'EQUALS' | 'IN' | 'AND';

/**
 * Reads one hyperparameter from a configuration object. Names such as "constructor"
 * would otherwise read Object.prototype's members when the hyperparameter is absent.
 */
export function valueReader(name: string): (config: Configuration) => HyperparameterValue | undefined {
  if (name in Object.prototype) return (config) => (Object.hasOwn(config, name) ? config[name] : undefined);
  return (config) => config[name];
}

function refName(ref: HyperparameterRef): string {
  if (typeof ref === 'string' && ref.length > 0) return ref;
  if (typeof ref === 'object' && ref !== null && typeof (ref as { name?: unknown }).name === 'string') return ref.name;
  throw new InvalidOptionError(`forbidden clause: expected a hyperparameter or its name (got ${describeValue(ref)})`);
}

abstract class ForbiddenLiteral {
  abstract readonly type: 'EQUALS' | 'IN';
  readonly name: string;

  constructor(hyperparameter: HyperparameterRef) {
    this.name = refName(hyperparameter);
  }

  get names(): readonly string[] {
    return [this.name];
  }

  /** Checks the clause against `lookup`'s space and returns its fast form. */
  compile(lookup: HyperparameterLookup): CompiledForbidden {
    const found = lookup(this.name);
    if (found === undefined) {
      throw new InvalidOptionError(`forbidden clause "${this.toString()}": unknown hyperparameter ${JSON.stringify(this.name)}`);
    }
    for (const value of this.clauseValues()) {
      const reason = found.hyperparameter.illegalReason(value);
      if (reason !== undefined) {
        throw new InvalidOptionError(
          `forbidden clause "${this.toString()}": value ${describeValue(value)} is illegal for hyperparameter ${JSON.stringify(this.name)} (${reason})`,
        );
      }
    }
    return this.build(valueReader(this.name));
  }

  protected abstract clauseValues(): readonly HyperparameterValue[];
  protected abstract build(read: (config: Configuration) => HyperparameterValue | undefined): CompiledForbidden;
  abstract toString(): string;
}

/** Forbids `name == value`; never matches while `name` is inactive. */
export class ForbiddenEqualsClause extends ForbiddenLiteral {
  readonly type = 'EQUALS' as const;
  constructor(
    hyperparameter: HyperparameterRef,
    readonly value: HyperparameterValue,
  ) {
    super(hyperparameter);
  }
  protected clauseValues(): readonly HyperparameterValue[] {
    return [this.value];
  }
  protected build(read: (config: Configuration) => HyperparameterValue | undefined): CompiledForbidden {
    const value = this.value;
    return (config) => read(config) === value;
  }
  toString(): string {
    return `${this.name} == ${describeValue(this.value)}`;
  }
}

/** Forbids `name` taking any of `values`; never matches while `name` is inactive. */
export class ForbiddenInClause extends ForbiddenLiteral {
  readonly type = 'IN' as const;
  readonly values: readonly HyperparameterValue[];
  constructor(hyperparameter: HyperparameterRef, values: readonly HyperparameterValue[]) {
    super(hyperparameter);
    if (!Array.isArray(values) || values.length === 0) {
      throw new InvalidOptionError(
        `forbidden clause on ${JSON.stringify(this.name)}: values must be a non-empty array (got ${describeValue(values)})`,
      );
    }
    this.values = Object.freeze([...values]);
  }
  protected clauseValues(): readonly HyperparameterValue[] {
    return this.values;
  }
  protected build(read: (config: Configuration) => HyperparameterValue | undefined): CompiledForbidden {
    const forbidden = new Set<HyperparameterValue | undefined>(this.values);
    return (config) => forbidden.has(read(config));
  }
  toString(): string {
    return `${this.name} in {${describeChoices(this.values)}}`;
  }
}

/** Forbids configurations matching every clause at once. */
export class ForbiddenAndConjunction {
  readonly type = 'AND' as const;
  readonly clauses: readonly Forbidden[];

  constructor(...clauses: Forbidden[]) {
    if (clauses.length === 0) throw new InvalidOptionError('ForbiddenAndConjunction needs at least one clause');
    for (const clause of clauses) {
      if (!isForbiddenClause(clause))
        throw new InvalidOptionError(`ForbiddenAndConjunction: ${describeValue(clause)} is not a forbidden clause`);
    }
    this.clauses = Object.freeze([...clauses]);
  }

  /** Every hyperparameter the conjunction reads, first clause first. */
  get names(): readonly string[] {
    return [...new Set(this.clauses.flatMap((clause) => clause.names))];
  }

  compile(lookup: HyperparameterLookup): CompiledForbidden {
    const parts = this.clauses.map((clause) => clause.compile(lookup));
    return (config) => {
      for (const part of parts) if (!part(config)) return false;
      return true;
    };
  }

  toString(): string {
    return `(${this.clauses.map(String).join(' && ')})`;
  }
}

/** Any forbidden clause; switch on `type` to narrow. */
export type Forbidden = ForbiddenEqualsClause | ForbiddenInClause | ForbiddenAndConjunction;

/** True for instances of bandster's forbidden-clause classes. */
export function isForbiddenClause(value: unknown): value is Forbidden {
  return value instanceof ForbiddenLiteral || value instanceof ForbiddenAndConjunction;
}
