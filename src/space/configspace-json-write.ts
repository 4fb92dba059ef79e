import { InvalidOptionError } from '../core/errors.js';
import type { HyperparameterValue } from '../core/types.js';
import type { Condition } from './conditions.js';
import type { ConfigurationSpace } from './configuration-space.js';
import type { Forbidden } from './forbidden.js';
import { describeValue } from '../core/option-checks.js';
import type { Hyperparameter } from './hyperparameters.js';
import { PyFloat, toPythonJson, type PyJson } from '../storage/python-json.js';

/** `'0.4'`: ConfigSpace 0.4.x (hpbandster's); `'1.x'`: ConfigSpace 1.x. */
export type ConfigSpaceJsonSchema = '0.4' | '1.x';

/** Options of {@link writeConfigSpaceJson}. */
export interface WriteConfigSpaceJsonOptions {
  /**
   * Which ConfigSpace's schema to write.
   * @defaultValue '0.4'
   */
  readonly schema?: ConfigSpaceJsonSchema;
}

// The versions whose output these writers reproduce (the fixtures were written by them).
const PYTHON_MODULE_VERSION: Record<ConfigSpaceJsonSchema, string> = { '0.4': '0.4.21', '1.x': '1.2.0' };
const FORMAT_VERSION: Record<ConfigSpaceJsonSchema, number> = { '0.4': 0.2, '1.x': 0.4 };

type Writer = Readonly<{
  hyperparameter(hyperparameter: Hyperparameter): PyJson;
  condition(condition: Condition): PyJson;
  forbidden(clause: Forbidden): PyJson;
}>;

/**
 * Writes a space as ConfigSpace does: same keys, key order and number formatting as
 * ConfigSpace's own `json.write` / `to_json` with indent 2, so that Python reads it back
 * (and hpbandster's `configspace.json` files compare equal byte for byte).
 */
export function writeConfigSpaceJson(space: ConfigurationSpace, options: WriteConfigSpaceJsonOptions = {}): string {
  const schema = options.schema ?? '0.4';
  if (schema !== '0.4' && schema !== '1.x') {
    throw new InvalidOptionError(`options.schema must be '0.4' or '1.x' (got ${describeValue(schema)})`);
  }
  const writer = schema === '0.4' ? legacyWriter(space) : modernWriter(space);
  const document: Record<string, PyJson> = {};
  // ConfigSpace 0.4 omits a null name; 1.x always writes it.
  if (schema === '1.x' || space.name !== null) document.name = space.name;
  document.hyperparameters = space.hyperparameters.map(writer.hyperparameter);
  document.conditions = orderConditions(space, schema).map(writer.condition);
  document.forbiddens = space.forbiddens.map(writer.forbidden);
  document.python_module_version = PYTHON_MODULE_VERSION[schema];
  document[schema === '0.4' ? 'json_format_version' : 'format_version'] = new PyFloat(FORMAT_VERSION[schema]);
  return toPythonJson(document, { indent: 2 });
}

/**
 * ConfigSpace 0.4's `get_conditions()` walks parents in hyperparameter order and lists
 * each child under its first parent; 1.x lists conditions in the order of their children.
 */
function orderConditions(space: ConfigurationSpace, schema: ConfigSpaceJsonSchema): Condition[] {
  const position = (name: string): number => space.indexOf(name);
  const conditions = [...space.conditions];
  const key = (condition: Condition): number[] =>
    schema === '0.4' ? [Math.min(...condition.parents.map(position)), position(condition.child)] : [position(condition.child)];
  return conditions.sort((a, b) => {
    const [keyA, keyB] = [key(a), key(b)];
    return keyA[0] - keyB[0] || (keyA[1] ?? 0) - (keyB[1] ?? 0);
  });
}

/** A value of `hyperparameter` as Python holds it: floats of a float hyperparameter stay floats. */
function pythonValueOf(space: ConfigurationSpace, name: string): (value: HyperparameterValue) => PyJson {
  const isFloat = space.get(name).kind === 'float';
  return (value) => (isFloat && typeof value === 'number' ? new PyFloat(value) : value);
}

function legacyWriter(space: ConfigurationSpace): Writer {
  const writer: Writer = {
    hyperparameter(hp): PyJson {
      switch (hp.kind) {
        case 'constant':
          return { name: hp.name, type: 'constant', value: hp.value };
        case 'float':
          return {
            name: hp.name,
            type: 'uniform_float',
            log: hp.log,
            lower: new PyFloat(hp.lower),
            upper: new PyFloat(hp.upper),
            default: new PyFloat(hp.default),
          };
        case 'int':
          return { name: hp.name, type: 'uniform_int', log: hp.log, lower: hp.lower, upper: hp.upper, default: hp.default };
        case 'categorical':
          return {
            name: hp.name,
            type: 'categorical',
            choices: [...hp.choices],
            default: hp.default,
            probabilities: hp.weights === null ? null : hp.probabilities.map((p) => new PyFloat(p)),
          };
        case 'ordinal':
          return { name: hp.name, type: 'ordinal', sequence: [...hp.sequence], default: hp.default };
      }
    },
    condition(condition): PyJson {
      if (condition.type === 'AND' || condition.type === 'OR') {
        return { child: condition.child, type: condition.type, conditions: condition.components.map(writer.condition) };
      }
      const value = pythonValueOf(space, condition.parent);
      if (condition.type === 'IN') {
        return { child: condition.child, parent: condition.parent, type: 'IN', values: condition.values.map(value) };
      }
      return { child: condition.child, parent: condition.parent, type: condition.type, value: value(condition.value) };
    },
    forbidden(clause): PyJson {
      switch (clause.type) {
        case 'EQUALS':
          return { name: clause.name, type: 'EQUALS', value: pythonValueOf(space, clause.name)(clause.value) };
        case 'IN':
          return { name: clause.name, type: 'IN', values: clause.values.map(pythonValueOf(space, clause.name)) };
        case 'AND':
          // 0.4 names an AND clause after its first literal clause's hyperparameter.
          return { name: clause.names[0], type: 'AND', clauses: clause.clauses.map(writer.forbidden) };
      }
    },
  };
  return writer;
}

function modernWriter(space: ConfigurationSpace): Writer {
  const writer: Writer = {
    hyperparameter(hp): PyJson {
      switch (hp.kind) {
        case 'constant':
          return { type: 'constant', name: hp.name, value: hp.value, meta: null };
        case 'float':
          return {
            type: 'uniform_float',
            name: hp.name,
            lower: new PyFloat(hp.lower),
            upper: new PyFloat(hp.upper),
            default_value: new PyFloat(hp.default),
            log: hp.log,
            meta: null,
          };
        case 'int':
          return {
            type: 'uniform_int',
            name: hp.name,
            lower: hp.lower,
            upper: hp.upper,
            default_value: hp.default,
            log: hp.log,
            meta: null,
          };
        case 'categorical':
          return {
            type: 'categorical',
            name: hp.name,
            choices: [...hp.choices],
            weights: hp.weights === null ? null : [...hp.weights],
            default_value: hp.default,
            meta: null,
          };
        case 'ordinal':
          return { type: 'ordinal', name: hp.name, sequence: [...hp.sequence], default_value: hp.default, meta: null };
      }
    },
    condition(condition): PyJson {
      if (condition.type === 'AND' || condition.type === 'OR') {
        return { type: condition.type, child: condition.child, conditions: condition.components.map(writer.condition) };
      }
      const value = pythonValueOf(space, condition.parent);
      if (condition.type === 'IN') {
        return { type: 'IN', child: condition.child, parent: condition.parent, values: condition.values.map(value) };
      }
      return { type: condition.type, child: condition.child, parent: condition.parent, value: value(condition.value) };
    },
    forbidden(clause): PyJson {
      switch (clause.type) {
        case 'EQUALS':
          return { type: 'EQUALS', name: clause.name, value: pythonValueOf(space, clause.name)(clause.value) };
        case 'IN':
          return { type: 'IN', name: clause.name, values: clause.values.map(pythonValueOf(space, clause.name)) };
        case 'AND':
          return { type: 'AND', clauses: clause.clauses.map(writer.forbidden) };
      }
    },
  };
  return writer;
}
