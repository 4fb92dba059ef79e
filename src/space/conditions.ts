import { InvalidOptionError } from '../core/errors.js';
import type { HyperparameterValue } from '../core/types.js';
import { describeValue } from '../core/option-checks.js';
import { describeChoices } from './hyperparameter-common.js';
import type { Hyperparameter } from './hyperparameters.js';

/** A hyperparameter given by object or by name. */
export type HyperparameterRef = Hyperparameter | string;

/**
 * Values of a configuration in space order, `undefined` where the hyperparameter is
 * inactive or absent. The space keeps one such array and fills it in topological order,
 * so a parent's entry is final before its children's conditions read it.
 */
export type ValuesInOrder = ReadonlyArray<HyperparameterValue | undefined>;

/** A condition specialised to one space: true when the child is active. */
export type CompiledCondition = (values: ValuesInOrder) => boolean;

/** How a condition finds its parents in a space. */
export type HyperparameterLookup = (name: string) => { readonly index: number; readonly hyperparameter: Hyperparameter } | undefined;

export type ConditionType = 'EQ' | 'NEQ' | 'IN' | 'GT' | 'LT' | 'AND' | 'OR';

function refName(ref: HyperparameterRef, role: string): string {
  if (typeof ref === 'string' && ref.length > 0) return ref;
  if (typeof ref === 'object' && ref !== null && typeof (ref as { name?: unknown }).name === 'string') return ref.name;
  throw new InvalidOptionError(`condition ${role} must be a hyperparameter or its name (got ${describeValue(ref)})`);
}

/** The parts shared by conditions on one parent. */
abstract class LiteralCondition {
  abstract readonly type: 'EQ' | 'NEQ' | 'IN' | 'GT' | 'LT';
  readonly child: string;
  readonly parent: string;

  constructor(child: HyperparameterRef, parent: HyperparameterRef) {
    this.child = refName(child, 'child');
    this.parent = refName(parent, 'parent');
    if (this.child === this.parent) {
      throw new InvalidOptionError(`condition on ${JSON.stringify(this.child)}: a hyperparameter cannot be its own parent`);
    }
  }

  /** Every hyperparameter the condition reads. */
  get parents(): readonly string[] {
    return [this.parent];
  }

  /** The literal conditions inside (this one). */
  get literals(): readonly LiteralConditionType[] {
    return [this as unknown as LiteralConditionType];
  }

  /** Checks the condition against `lookup`'s space and returns its fast form. */
  compile(lookup: HyperparameterLookup): CompiledCondition {
    const found = lookup(this.parent);
    if (found === undefined) {
      throw new InvalidOptionError(`condition "${this.toString()}": unknown parent hyperparameter ${JSON.stringify(this.parent)}`);
    }
    this.checkValues(found.hyperparameter);
    return this.build(found.index, found.hyperparameter);
  }

  protected illegalValue(parent: Hyperparameter, value: HyperparameterValue): InvalidOptionError | undefined {
    const reason = parent.illegalReason(value);
    if (reason === undefined) return undefined;
    return new InvalidOptionError(
      `condition "${this.toString()}": value ${describeValue(value)} is illegal for hyperparameter ${JSON.stringify(parent.name)} (${reason})`,
    );
  }

  protected abstract checkValues(parent: Hyperparameter): void;
  protected abstract build(parentIndex: number, parent: Hyperparameter): CompiledCondition;
  abstract toString(): string;
}

/** Active when the parent equals `value`. */
export class EqualsCondition extends LiteralCondition {
  readonly type = 'EQ' as const;
  constructor(
    child: HyperparameterRef,
    parent: HyperparameterRef,
    readonly value: HyperparameterValue,
  ) {
    super(child, parent);
  }
  protected checkValues(parent: Hyperparameter): void {
    const error = this.illegalValue(parent, this.value);
    if (error) throw error;
  }
  protected build(i: number): CompiledCondition {
    const value = this.value;
    return (values) => values[i] === value;
  }
  toString(): string {
    return `${this.child} | ${this.parent} == ${describeValue(this.value)}`;
  }
}

/** Active when the parent is active and differs from `value`. */
export class NotEqualsCondition extends LiteralCondition {
  readonly type = 'NEQ' as const;
  constructor(
    child: HyperparameterRef,
    parent: HyperparameterRef,
    readonly value: HyperparameterValue,
  ) {
    super(child, parent);
  }
  protected checkValues(parent: Hyperparameter): void {
    const error = this.illegalValue(parent, this.value);
    if (error) throw error;
  }
  protected build(i: number): CompiledCondition {
    const value = this.value;
    return (values) => {
      const parentValue = values[i];
      return parentValue !== undefined && parentValue !== value;
    };
  }
  toString(): string {
    return `${this.child} | ${this.parent} != ${describeValue(this.value)}`;
  }
}

/** Active when the parent is one of `values`. */
export class InCondition extends LiteralCondition {
  readonly type = 'IN' as const;
  readonly values: readonly HyperparameterValue[];
  constructor(child: HyperparameterRef, parent: HyperparameterRef, values: readonly HyperparameterValue[]) {
    super(child, parent);
    if (!Array.isArray(values) || values.length === 0) {
      throw new InvalidOptionError(
        `condition on ${JSON.stringify(this.child)}: values must be a non-empty array (got ${describeValue(values)})`,
      );
    }
    this.values = Object.freeze([...values]);
  }
  protected checkValues(parent: Hyperparameter): void {
    for (const value of this.values) {
      const error = this.illegalValue(parent, value);
      if (error) throw error;
    }
  }
  protected build(i: number): CompiledCondition {
    const accepted = new Set<HyperparameterValue | undefined>(this.values);
    return (values) => accepted.has(values[i]);
  }
  toString(): string {
    return `${this.child} | ${this.parent} in {${describeChoices(this.values)}}`;
  }
}

/**
 * GT and LT compare numbers by value and ordinals by position, as ConfigSpace's
 * `compare`; categorical and constant parents have no order and are rejected.
 */
abstract class OrderCondition extends LiteralCondition {
  constructor(
    child: HyperparameterRef,
    parent: HyperparameterRef,
    readonly value: HyperparameterValue,
  ) {
    super(child, parent);
  }
  protected checkValues(parent: Hyperparameter): void {
    if (parent.kind === 'categorical' || parent.kind === 'constant') {
      throw new InvalidOptionError(
        `condition "${this.toString()}": parent ${JSON.stringify(parent.name)} is ${parent.kind} and has no order; use an ordinal, float or int parent`,
      );
    }
    const error = this.illegalValue(parent, this.value);
    if (error) throw error;
  }
  /** The order key of a parent value: the number itself, or the ordinal's position. */
  protected keyOf(parent: Hyperparameter): (value: HyperparameterValue) => number {
    if (parent.kind === 'ordinal') return (value) => parent.indexOf(value);
    return (value) => value as number;
  }
}

/** Active when the parent is greater than `value`. */
export class GreaterThanCondition extends OrderCondition {
  readonly type = 'GT' as const;
  protected build(i: number, parent: Hyperparameter): CompiledCondition {
    const key = this.keyOf(parent);
    const threshold = key(this.value);
    return (values) => {
      const parentValue = values[i];
      return parentValue !== undefined && key(parentValue) > threshold;
    };
  }
  toString(): string {
    return `${this.child} | ${this.parent} > ${describeValue(this.value)}`;
  }
}

/** Active when the parent is less than `value`. */
export class LessThanCondition extends OrderCondition {
  readonly type = 'LT' as const;
  protected build(i: number, parent: Hyperparameter): CompiledCondition {
    const key = this.keyOf(parent);
    const threshold = key(this.value);
    return (values) => {
      const parentValue = values[i];
      return parentValue !== undefined && key(parentValue) < threshold;
    };
  }
  toString(): string {
    return `${this.child} | ${this.parent} < ${describeValue(this.value)}`;
  }
}

type LiteralConditionType = EqualsCondition | NotEqualsCondition | InCondition | GreaterThanCondition | LessThanCondition;

/** Several conditions on the same child, combined. */
abstract class Conjunction {
  abstract readonly type: 'AND' | 'OR';
  readonly components: readonly Condition[];
  readonly child: string;

  constructor(components: readonly Condition[], kind: string) {
    if (components.length < 2) {
      throw new InvalidOptionError(`${kind} needs at least two conditions (got ${components.length})`);
    }
    for (const component of components) {
      if (!isCondition(component)) throw new InvalidOptionError(`${kind}: ${describeValue(component)} is not a condition`);
    }
    this.child = components[0].child;
    const other = components.find((component) => component.child !== this.child);
    if (other !== undefined) {
      throw new InvalidOptionError(
        `${kind}: all conditions must have the same child (got ${JSON.stringify(this.child)} and ${JSON.stringify(other.child)})`,
      );
    }
    this.components = Object.freeze([...components]);
  }

  get parents(): readonly string[] {
    return [...new Set(this.components.flatMap((component) => component.parents))];
  }

  get literals(): readonly LiteralConditionType[] {
    return this.components.flatMap((component) => component.literals);
  }

  compile(lookup: HyperparameterLookup): CompiledCondition {
    return this.combine(this.components.map((component) => component.compile(lookup)));
  }

  protected abstract combine(parts: CompiledCondition[]): CompiledCondition;
  abstract toString(): string;
}

/** Active when every component holds. */
export class AndConjunction extends Conjunction {
  readonly type = 'AND' as const;
  constructor(...components: Condition[]) {
    super(components, 'AndConjunction');
  }
  protected combine(parts: CompiledCondition[]): CompiledCondition {
    return (values) => {
      for (const part of parts) if (!part(values)) return false;
      return true;
    };
  }
  toString(): string {
    return `(${this.components.map(String).join(' && ')})`;
  }
}

/** Active when at least one component holds. */
export class OrConjunction extends Conjunction {
  readonly type = 'OR' as const;
  constructor(...components: Condition[]) {
    super(components, 'OrConjunction');
  }
  protected combine(parts: CompiledCondition[]): CompiledCondition {
    return (values) => {
      for (const part of parts) if (part(values)) return true;
      return false;
    };
  }
  toString(): string {
    return `(${this.components.map(String).join(' || ')})`;
  }
}

/** Any condition; switch on `type` to narrow. */
export type Condition = LiteralConditionType | AndConjunction | OrConjunction;

/** True for instances of bandster's condition classes. */
export function isCondition(value: unknown): value is Condition {
  return value instanceof LiteralCondition || value instanceof Conjunction;
}
