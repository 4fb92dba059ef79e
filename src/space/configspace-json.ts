import { BandsterError } from '../core/errors.js';
import { SpaceFormatError } from './space-error.js';
import type { HyperparameterValue } from '../core/types.js';
import {
  AndConjunction,
  EqualsCondition,
  GreaterThanCondition,
  InCondition,
  LessThanCondition,
  NotEqualsCondition,
  OrConjunction,
  type Condition,
} from './conditions.js';
import { ConfigurationSpace } from './configuration-space.js';
import { ForbiddenAndConjunction, ForbiddenEqualsClause, ForbiddenInClause, type Forbidden } from './forbidden.js';
import { describeValue } from '../core/option-checks.js';
import { isPlainValue } from './hyperparameter-common.js';
import {
  CategoricalHyperparameter,
  Constant,
  OrdinalHyperparameter,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
  type Hyperparameter,
} from './hyperparameters.js';
import { jsonErrorOffset, lineAndColumn } from './json-error-position.js';

export { writeConfigSpaceJson } from './configspace-json-write.js';
export type { ConfigSpaceJsonSchema, WriteConfigSpaceJsonOptions } from './configspace-json-write.js';

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * Reads a ConfigSpace JSON document, either schema: ConfigSpace 0.4 (`default`,
 * `probabilities`, `json_format_version`; hpbandster's) or 1.x (`default_value`,
 * `weights`, `meta`, `format_version`). Every problem is a SpaceFormatError whose path
 * says where, e.g. `hyperparameters[3].type`.
 */
export function readConfigSpaceJson(source: string | object): ConfigurationSpace {
  const document = typeof source === 'string' ? parseJson(source) : source;
  const root = expectObject(document, 'document');
  const name = root.name ?? null;
  if (name !== null && typeof name !== 'string')
    throw new SpaceFormatError('name', `expected a string or null (got ${describeValue(name)})`);
  const space = new ConfigurationSpace({ name });

  const hyperparameters = expectArray(root.hyperparameters, 'hyperparameters');
  hyperparameters.forEach((item, i) => {
    const path = `hyperparameters[${i}]`;
    const hyperparameter = readHyperparameter(expectObject(item, path), path);
    if (space.has(hyperparameter.name)) {
      throw new SpaceFormatError(`${path}.name`, `duplicate hyperparameter ${JSON.stringify(hyperparameter.name)}`);
    }
    space.add(hyperparameter);
  });

  expectArray(root.conditions ?? [], 'conditions').forEach((item, i) => {
    const path = `conditions[${i}]`;
    const condition = readCondition(item, path, space);
    rethrowAt(path, () => space.addCondition(condition));
  });

  expectArray(root.forbiddens ?? [], 'forbiddens').forEach((item, i) => {
    const path = `forbiddens[${i}]`;
    const clause = readForbidden(item, path, space);
    rethrowAt(path, () => space.addForbidden(clause));
  });
  return space;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const { line, column } = lineAndColumn(text, offset);
    const detail = error instanceof Error ? error.message : String(error);
    throw new SpaceFormatError('document', `invalid JSON at line ${line}, column ${column} (offset ${offset}): ${detail}`);
  }
}

/** Runs `build`, turning the constructors' InvalidOptionErrors into SpaceFormatErrors at `path`. */
function rethrowAt<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof SpaceFormatError || !(error instanceof BandsterError)) throw error;
    throw new SpaceFormatError(path, error.message);
  }
}

function expectObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SpaceFormatError(path, `expected an object (got ${describeValue(value)})`);
  }
  return value as JsonObject;
}

function expectArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new SpaceFormatError(path, `expected an array (got ${describeValue(value)})`);
  return value;
}

function requireField(object: JsonObject, key: string, path: string, expected: string): unknown {
  if (!Object.hasOwn(object, key)) throw new SpaceFormatError(`${path}.${key}`, `missing (expected ${expected})`);
  return object[key];
}

function stringField(object: JsonObject, key: string, path: string): string {
  const value = requireField(object, key, path, 'a string');
  if (typeof value !== 'string') throw new SpaceFormatError(`${path}.${key}`, `expected a string (got ${describeValue(value)})`);
  return value;
}

function numberField(object: JsonObject, key: string, path: string): number {
  const value = requireField(object, key, path, 'a number');
  if (typeof value !== 'number') throw new SpaceFormatError(`${path}.${key}`, `expected a number (got ${describeValue(value)})`);
  return value;
}

function optionalBoolean(object: JsonObject, key: string, path: string): boolean {
  const value = object[key] ?? false;
  if (typeof value !== 'boolean') throw new SpaceFormatError(`${path}.${key}`, `expected a boolean (got ${describeValue(value)})`);
  return value;
}

function plainValue(value: unknown, path: string): HyperparameterValue {
  if (!isPlainValue(value)) throw new SpaceFormatError(path, `expected a string, number or boolean (got ${describeValue(value)})`);
  return value;
}

function valueField(object: JsonObject, key: string, path: string): HyperparameterValue {
  return plainValue(requireField(object, key, path, 'a string, number or boolean'), `${path}.${key}`);
}

function valuesField(object: JsonObject, key: string, path: string): HyperparameterValue[] {
  const values = expectArray(requireField(object, key, path, 'an array'), `${path}.${key}`);
  return values.map((value, i) => plainValue(value, `${path}.${key}[${i}]`));
}

/** The default under either schema's key (1.x `default_value`, 0.4 `default`); null or absent means "none given". */
function defaultOf(object: JsonObject, path: string): { value: HyperparameterValue | undefined; key: string } {
  const key = Object.hasOwn(object, 'default_value') ? 'default_value' : 'default';
  const value = object[key];
  if (value === undefined || value === null) return { value: undefined, key };
  return { value: plainValue(value, `${path}.${key}`), key };
}

function numericDefault(object: JsonObject, path: string): number | undefined {
  const { value, key } = defaultOf(object, path);
  if (value !== undefined && typeof value !== 'number') {
    throw new SpaceFormatError(`${path}.${key}`, `expected a number (got ${describeValue(value)})`);
  }
  return value;
}

function readHyperparameter(object: JsonObject, path: string): Hyperparameter {
  const type = stringField(object, 'type', path);
  const name = stringField(object, 'name', path);
  switch (type) {
    case 'uniform_float':
    case 'uniform_int': {
      const lower = numberField(object, 'lower', path);
      const upper = numberField(object, 'upper', path);
      const log = optionalBoolean(object, 'log', path);
      if (object.q !== undefined && object.q !== null) {
        throw new SpaceFormatError(`${path}.q`, `quantization is not supported (got ${describeValue(object.q)})`);
      }
      const defaultValue = numericDefault(object, path);
      const Class = type === 'uniform_float' ? UniformFloatHyperparameter : UniformIntegerHyperparameter;
      return rethrowAt(path, () => new Class(name, lower, upper, { log, default: defaultValue }));
    }
    case 'categorical': {
      const choices = valuesField(object, 'choices', path);
      // 1.x calls the weights `weights`; 0.4 writes the normalised ones as `probabilities`.
      const weightsKey = Object.hasOwn(object, 'weights') ? 'weights' : 'probabilities';
      const rawWeights = object[weightsKey] ?? null;
      let weights: number[] | null = null;
      if (rawWeights !== null) {
        weights = expectArray(rawWeights, `${path}.${weightsKey}`).map((weight, i) => {
          if (typeof weight !== 'number')
            throw new SpaceFormatError(`${path}.${weightsKey}[${i}]`, `expected a number (got ${describeValue(weight)})`);
          return weight;
        });
      }
      const defaultValue = defaultOf(object, path).value;
      return rethrowAt(path, () => new CategoricalHyperparameter(name, choices, { weights, default: defaultValue }));
    }
    case 'ordinal': {
      const sequence = valuesField(object, 'sequence', path);
      const defaultValue = defaultOf(object, path).value;
      return rethrowAt(path, () => new OrdinalHyperparameter(name, sequence, { default: defaultValue }));
    }
    case 'constant': {
      const value = valueField(object, 'value', path);
      return rethrowAt(path, () => new Constant(name, value));
    }
    default:
      throw new SpaceFormatError(`${path}.type`, `unknown hyperparameter type ${JSON.stringify(type)}`);
  }
}

function knownHyperparameter(object: JsonObject, key: string, path: string, space: ConfigurationSpace): string {
  const name = stringField(object, key, path);
  if (!space.has(name)) throw new SpaceFormatError(`${path}.${key}`, `unknown hyperparameter ${JSON.stringify(name)}`);
  return name;
}

function readCondition(item: unknown, path: string, space: ConfigurationSpace): Condition {
  const object = expectObject(item, path);
  const type = stringField(object, 'type', path);
  if (type === 'AND' || type === 'OR') {
    const parts = expectArray(requireField(object, 'conditions', path, 'an array'), `${path}.conditions`).map((part, i) =>
      readCondition(part, `${path}.conditions[${i}]`, space),
    );
    return rethrowAt(path, () => (type === 'AND' ? new AndConjunction(...parts) : new OrConjunction(...parts)));
  }
  if (!['EQ', 'NEQ', 'IN', 'GT', 'LT'].includes(type)) {
    throw new SpaceFormatError(`${path}.type`, `unknown condition type ${JSON.stringify(type)}`);
  }
  const child = knownHyperparameter(object, 'child', path, space);
  const parent = knownHyperparameter(object, 'parent', path, space);
  return rethrowAt(path, () => {
    switch (type) {
      case 'EQ':
        return new EqualsCondition(child, parent, valueField(object, 'value', path));
      case 'NEQ':
        return new NotEqualsCondition(child, parent, valueField(object, 'value', path));
      case 'GT':
        return new GreaterThanCondition(child, parent, valueField(object, 'value', path));
      case 'LT':
        return new LessThanCondition(child, parent, valueField(object, 'value', path));
      default:
        return new InCondition(child, parent, valuesField(object, 'values', path));
    }
  });
}

function readForbidden(item: unknown, path: string, space: ConfigurationSpace): Forbidden {
  const object = expectObject(item, path);
  const type = stringField(object, 'type', path);
  switch (type) {
    case 'EQUALS':
      return new ForbiddenEqualsClause(knownHyperparameter(object, 'name', path, space), valueField(object, 'value', path));
    case 'IN':
      return rethrowAt(
        path,
        () => new ForbiddenInClause(knownHyperparameter(object, 'name', path, space), valuesField(object, 'values', path)),
      );
    case 'AND': {
      const clauses = expectArray(requireField(object, 'clauses', path, 'an array'), `${path}.clauses`).map((clause, i) =>
        readForbidden(clause, `${path}.clauses[${i}]`, space),
      );
      return rethrowAt(path, () => new ForbiddenAndConjunction(...clauses));
    }
    default:
      throw new SpaceFormatError(`${path}.type`, `unknown forbidden clause type ${JSON.stringify(type)}`);
  }
}
