import { InvalidOptionError } from '../core/errors.js';
import type { HyperparameterValue } from '../core/types.js';
import { describeValue } from '../core/option-checks.js';
import { describeChoices } from './hyperparameter-common.js';
import type { Hyperparameter } from './hyperparameters.js';

/** A hyperparameter given by object or by name. */
export type HyperparameterRef = Hyperparameter | string;

/** A condition's child, by name or by object; its name types the configuration (see `ConfigurationSpace`). */
export type ChildRef<Child extends string> = Child | { readonly name: Child };

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
abstract class LiteralCondition<Child extends string = string> {
  abstract readonly type: 'EQ' | 'NEQ' | 'IN' | 'GT' | 'LT';
  readonly child: Child;
  readonly parent: string;

  constructor(child: ChildRef<Child>, parent: HyperparameterRef) {
    this.child = refName(child as HyperparameterRef, 'child') as Child;
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
export class EqualsCondition<const Child extends string = string> extends LiteralCondition<Child> {
  readonly type = 'EQ' as const;
  constructor(
    child: ChildRef<Child>,
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
export class NotEqualsCondition<const Child extends string = string> extends LiteralCondition<Child> {
  readonly type = 'NEQ' as const;
  constructor(
    child: ChildRef<Child>,
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
export class InCondition<const Child extends string = string> extends LiteralCondition<Child> {
  readonly type = 'IN' as const;
  readonly values: readonly HyperparameterValue[];
  constructor(child: ChildRef<Child>, parent: HyperparameterRef, values: readonly HyperparameterValue[]) {
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
abstract class OrderCondition<Child extends string = string> extends LiteralCondition<Child> {
  constructor(
    child: ChildRef<Child>,
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
export class GreaterThanCondition<const Child extends string = string> extends OrderCondition<Child> {
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
export class LessThanCondition<const Child extends string = string> extends OrderCondition<Child> {
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

type LiteralConditionType<Child extends string = string> =
  | EqualsCondition<Child>
  | NotEqualsCondition<Child>
  | InCondition<Child>
  | GreaterThanCondition<Child>
  | LessThanCondition<Child>;

/** Several conditions on the same child, combined. */
abstract class Conjunction<Child extends string = string> {
  abstract readonly type: 'AND' | 'OR';
  readonly components: readonly Condition<Child>[];
  readonly child: Child;

  constructor(components: readonly Condition<Child>[], kind: string) {
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
export class AndConjunction<const Child extends string = string> extends Conjunction<Child> {
  readonly type = 'AND' as const;
  constructor(...components: Condition<Child>[]) {
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
export class OrConjunction<const Child extends string = string> extends Conjunction<Child> {
  readonly type = 'OR' as const;
  constructor(...components: Condition<Child>[]) {
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

/** Any condition (on the child `Child`); switch on `type` to narrow. */
export type Condition<Child extends string = string> = LiteralConditionType<Child> | AndConjunction<Child> | OrConjunction<Child>;

/** True for instances of bandster's condition classes. */
export function isCondition(value: unknown): value is Condition {
  return value instanceof LiteralCondition || value instanceof Conjunction;
}
