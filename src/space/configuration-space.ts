import { InvalidOptionError } from '../core/errors.js';
import { ConfigurationError, SpaceError } from './space-error.js';
import type { Rng } from '../core/rng.js';
import type { Configuration, HyperparameterValue } from '../core/types.js';
import { CompiledSpace, type VectorDimension } from './compiled-space.js';
import { isCondition, type Condition } from './conditions.js';
import { isForbiddenClause, type Forbidden } from './forbidden.js';
import { checkInteger, describeValue } from '../core/option-checks.js';
import { isHyperparameter, type Hyperparameter } from './hyperparameters.js';
import { conditionLevelOrder, reaches } from './space-order.js';
import type { WithCondition, WithHyperparameters } from './typed-configuration.js';

export type { VectorDimension } from './compiled-space.js';

/** Options of {@link ConfigurationSpace}. */
export interface ConfigurationSpaceOptions {
  /**
   * A name, written to ConfigSpace JSON.
   * @defaultValue null
   */
  readonly name?: string | null;
}

/** Consecutive forbidden samples after which {@link ConfigurationSpace.sample} gives up. */
const MAX_REJECTIONS = 1000;

/**
 * A configuration space in the sense of ConfigSpace 0.4 (the version hpbandster used):
 * hyperparameters, at most one condition per child, and forbidden clauses. Its
 * hyperparameter order and vector codec are ConfigSpace 0.4's, so vectors and
 * hpbandster logs line up with the Python implementation.
 *
 * `C` types its configurations. A space built by chaining `add` and `addCondition` gets one
 * field per hyperparameter (`{ lr: number; optimizer: 'adam' | 'sgd'; momentum?: number }`,
 * conditional ones optional), so `config.typo` does not compile; a space read from JSON, or
 * filled by statements that drop the returned type, keeps the plain {@link Configuration} record.
 *
 * @example
 * ```ts
 * const space = new ConfigurationSpace()
 *   .add(new UniformFloatHyperparameter('lr', 1e-4, 1e-1, { log: true }))
 *   .add(new CategoricalHyperparameter('optimizer', ['adam', 'sgd']), new UniformFloatHyperparameter('momentum', 0, 0.99))
 *   .addCondition(new EqualsCondition('momentum', 'optimizer', 'sgd'));
 * // space: ConfigurationSpace<{ readonly lr: number; readonly optimizer: 'adam' | 'sgd'; readonly momentum?: number }>
 * ```
 */
export class ConfigurationSpace<C = Configuration> {
  readonly name: string | null;
  private readonly byName = new Map<string, Hyperparameter>();
  private readonly conditionByChild = new Map<string, Condition>();
  private readonly conditionList: Condition[] = [];
  private readonly forbiddenList: Forbidden[] = [];
  private compiledSpace: CompiledSpace | null = null;

  constructor(options: ConfigurationSpaceOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(`options must be an object (got ${describeValue(options)})`);
    }
    const name = options.name ?? null;
    if (name !== null && typeof name !== 'string') {
      throw new InvalidOptionError(`options.name must be a string or null (got ${describeValue(name)})`);
    }
    this.name = name;
  }

  /** Adds hyperparameters; names must be new. Returns this space, typed with the new fields. */
  add<const H extends readonly Hyperparameter[]>(...hyperparameters: H): ConfigurationSpace<WithHyperparameters<C, H>> {
    const incoming = new Set<string>();
    for (const hyperparameter of hyperparameters) {
      if (!isHyperparameter(hyperparameter)) {
        throw new InvalidOptionError(`add() expects hyperparameters (got ${describeValue(hyperparameter)})`);
      }
      if (this.byName.has(hyperparameter.name) || incoming.has(hyperparameter.name)) {
        throw new InvalidOptionError(`hyperparameter ${JSON.stringify(hyperparameter.name)} is already in the space`);
      }
      incoming.add(hyperparameter.name);
    }
    for (const hyperparameter of hyperparameters) this.byName.set(hyperparameter.name, hyperparameter);
    this.compiledSpace = null;
    return this as unknown as ConfigurationSpace<WithHyperparameters<C, H>>;
  }

  /** Makes a hyperparameter conditional; validated against the space at once. Returns this space, the child's field optional. */
  addCondition<Child extends string>(condition: Condition<Child>): ConfigurationSpace<WithCondition<C, Child>> {
    if (!isCondition(condition)) throw new InvalidOptionError(`addCondition() expects a condition (got ${describeValue(condition)})`);
    const child = condition.child;
    const label = `condition "${condition.toString()}"`;
    if (!this.byName.has(child)) throw new InvalidOptionError(`${label}: unknown child hyperparameter ${JSON.stringify(child)}`);
    for (const parent of condition.parents) {
      if (!this.byName.has(parent)) throw new InvalidOptionError(`${label}: unknown parent hyperparameter ${JSON.stringify(parent)}`);
    }
    const existing = this.conditionByChild.get(child);
    if (existing !== undefined) {
      throw new InvalidOptionError(
        `${label}: hyperparameter ${JSON.stringify(child)} already has condition "${existing.toString()}"; combine them with AndConjunction or OrConjunction`,
      );
    }
    const parentsOf = (name: string): readonly string[] => this.conditionByChild.get(name)?.parents ?? [];
    for (const parent of condition.parents) {
      if (reaches(parent, child, parentsOf)) {
        throw new InvalidOptionError(
          `${label}: it would make a cycle (${JSON.stringify(parent)} already depends on ${JSON.stringify(child)})`,
        );
      }
    }
    // Throws on values illegal for the parent or an order comparison on an unordered parent.
    condition.compile((name) => {
      const hyperparameter = this.byName.get(name);
      return hyperparameter === undefined ? undefined : { index: -1, hyperparameter };
    });
    this.conditionByChild.set(child, condition);
    this.conditionList.push(condition);
    this.compiledSpace = null;
    return this as unknown as ConfigurationSpace<WithCondition<C, Child>>;
  }

  /** Adds a forbidden clause; validated against the space at once. */
  addForbidden(clause: Forbidden): this {
    if (!isForbiddenClause(clause))
      throw new InvalidOptionError(`addForbidden() expects a forbidden clause (got ${describeValue(clause)})`);
    clause.compile((name) => {
      const hyperparameter = this.byName.get(name);
      return hyperparameter === undefined ? undefined : { index: -1, hyperparameter };
    });
    this.forbiddenList.push(clause);
    this.compiledSpace = null;
    return this;
  }

  /** The hyperparameters in ConfigSpace 0.4's order: by condition level, then by name. */
  get hyperparameters(): readonly Hyperparameter[] {
    return this.compiled.hyperparameters;
  }

  get names(): readonly string[] {
    return this.compiled.names;
  }

  /** Length of the vector representation. */
  get dimension(): number {
    return this.byName.size;
  }

  /** The conditions, in the order they were added. */
  get conditions(): readonly Condition[] {
    return [...this.conditionList];
  }

  /** The forbidden clauses, in the order they were added. */
  get forbiddens(): readonly Forbidden[] {
    return [...this.forbiddenList];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The hyperparameter called `name`; throws InvalidOptionError when there is none. */
  get(name: string): Hyperparameter {
    const hyperparameter = this.byName.get(name);
    if (hyperparameter === undefined) throw new InvalidOptionError(`unknown hyperparameter ${JSON.stringify(name)}`);
    return hyperparameter;
  }

  /** The vector position of `name`, or -1 (like Array.prototype.indexOf). */
  indexOf(name: string): number {
    return this.compiled.indexByName.get(name) ?? -1;
  }

  /** The condition of `name`, if it has one. */
  conditionOf(name: string): Condition | undefined {
    return this.conditionByChild.get(name);
  }

  /** One configuration from the prior; forbidden ones are rejected and redrawn. */
  sample(rng: Rng): C {
    const compiled = this.compiled;
    const { hyperparameters } = compiled;
    const vector = new Float64Array(hyperparameters.length);
    for (let attempt = 0; attempt <= MAX_REJECTIONS; attempt++) {
      for (let i = 0; i < hyperparameters.length; i++) vector[i] = hyperparameters[i].sampleVectorValue(rng);
      const config = compiled.fromVector(vector);
      if (!compiled.isForbidden(config)) return config as C;
    }
    throw new SpaceError(
      'ERR_SPACE_EXHAUSTED',
      `sampling gave up after ${MAX_REJECTIONS} forbidden configurations in a row; the forbidden clauses ` +
        `(${compiled.forbiddenClauses.map(String).join('; ')}) exclude (nearly) the whole space`,
    );
  }

  sampleMany(rng: Rng, count: number): C[] {
    checkInteger(count, 'count', { min: 0 });
    const configs: C[] = [];
    for (let i = 0; i < count; i++) configs.push(this.sample(rng));
    return configs;
  }

  /** Every default value, with inactive hyperparameters removed; throws when that is forbidden. */
  defaultConfiguration(): C {
    const compiled = this.compiled;
    const defaults: Record<string, HyperparameterValue> = {};
    for (const hyperparameter of compiled.hyperparameters) defaults[hyperparameter.name] = hyperparameter.default;
    const active = compiled.activity(defaults);
    const config: Record<string, HyperparameterValue> = {};
    compiled.hyperparameters.forEach((hyperparameter, i) => {
      if (active[i]) config[hyperparameter.name] = hyperparameter.default;
    });
    const clause = compiled.forbiddingClause(config);
    if (clause !== undefined) {
      throw new ConfigurationError(`the default configuration is forbidden by ${clause.toString()}`, clause.names[0]);
    }
    return Object.freeze(config) as C;
  }

  /**
   * Checks that `config` belongs to the space: only known names, the right types, values
   * in range, exactly the active hyperparameters present, no forbidden combination.
   * Returns a frozen copy in space order.
   */
  validate(config: unknown): C {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new ConfigurationError(`a configuration must be an object of hyperparameter values (got ${describeValue(config)})`);
    }
    const compiled = this.compiled;
    const given = config as Record<string, unknown>;
    for (const name of Object.keys(given)) {
      if (!compiled.indexByName.has(name)) {
        throw new ConfigurationError(`unknown hyperparameter ${JSON.stringify(name)} (value ${describeValue(given[name])})`, name);
      }
    }
    const result: Record<string, HyperparameterValue> = {};
    // Activity is judged on the already-validated values, so a parent's error is reported before its children's.
    const values: (HyperparameterValue | undefined)[] = [];
    compiled.hyperparameters.forEach((hyperparameter, i) => {
      const name = hyperparameter.name;
      const value = Object.hasOwn(given, name) ? given[name] : undefined;
      const condition = compiled.activeWhen[i];
      if (condition !== null && !condition(values)) {
        values[i] = undefined;
        if (value !== undefined) {
          throw new ConfigurationError(
            `hyperparameter ${JSON.stringify(name)} is inactive (its condition "${compiled.conditionOf[i]!.toString()}" does not hold) ` +
              `but has value ${describeValue(value)}`,
            name,
          );
        }
        return;
      }
      if (value === undefined) {
        const why = condition === null ? '' : ` (its condition "${compiled.conditionOf[i]!.toString()}" holds)`;
        throw new ConfigurationError(`hyperparameter ${JSON.stringify(name)} is active${why} but missing`, name);
      }
      const reason = hyperparameter.illegalReason(value);
      if (reason !== undefined) {
        throw new ConfigurationError(`hyperparameter ${JSON.stringify(name)}: ${reason} (got ${describeValue(value)})`, name);
      }
      values[i] = value as HyperparameterValue;
      result[name] = value as HyperparameterValue;
    });
    const clause = compiled.forbiddingClause(result);
    if (clause !== undefined) {
      const involved = clause.names.map((name) => `${name}=${describeValue(result[name])}`).join(', ');
      throw new ConfigurationError(`configuration is forbidden by clause ${clause.toString()} (${involved})`, clause.names[0]);
    }
    return Object.freeze(result) as C;
  }

  /** Whether the conditions of `name` (and its ancestors) hold for the values in `config`. */
  isActive(name: string, config: Configuration): boolean {
    const index = this.indexOf(name);
    if (index < 0) throw new InvalidOptionError(`unknown hyperparameter ${JSON.stringify(name)}`);
    return this.compiled.activity(config)[index];
  }

  /** True when a forbidden clause matches `config`; clauses over absent (inactive) hyperparameters never match. */
  isForbidden(config: Configuration): boolean {
    return this.compiled.isForbidden(config);
  }

  /**
   * ConfigSpace 0.4's `get_array()`: one number per dimension in space order, NaN where
   * inactive. Does not validate beyond the value types (see {@link validate}).
   */
  toVector(config: Configuration): Float64Array {
    return this.compiled.toVector(config);
  }

  /**
   * The configuration a vector stands for. Inactive dimensions are dropped whatever they
   * hold; an active one must be finite. Forbidden clauses are not checked (see {@link isForbidden}).
   */
  fromVector(vector: ArrayLike<number>): C {
    return this.compiled.fromVector(vector) as C;
  }

  /** How the model treats each dimension (cached; do not mutate). */
  vectorKinds(): readonly VectorDimension[] {
    return this.compiled.vectorKinds;
  }

  toString(): string {
    const lines = [`Configuration space${this.name === null ? '' : ` ${JSON.stringify(this.name)}`}:`];
    for (const hyperparameter of this.hyperparameters) lines.push(`  ${hyperparameter.toString()}`);
    if (this.conditionList.length > 0) lines.push('  Conditions:', ...this.conditionList.map((c) => `    ${c.toString()}`));
    if (this.forbiddenList.length > 0) lines.push('  Forbidden clauses:', ...this.forbiddenList.map((f) => `    ${f.toString()}`));
    return lines.join('\n');
  }

  private get compiled(): CompiledSpace {
    if (this.compiledSpace === null) {
      const order = conditionLevelOrder(this.byName.keys(), (name) => this.conditionByChild.get(name)?.parents ?? []);
      this.compiledSpace = new CompiledSpace(
        order.map((name) => this.byName.get(name)!),
        this.conditionByChild,
        this.forbiddenList,
      );
    }
    return this.compiledSpace;
  }
}
