export {
  CategoricalHyperparameter,
  Constant,
  OrdinalHyperparameter,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
  isHyperparameter,
} from './hyperparameters.js';
export type {
  CategoricalHyperparameterOptions,
  Hyperparameter,
  HyperparameterContract,
  HyperparameterKind,
  NumericHyperparameterOptions,
  OrdinalHyperparameterOptions,
} from './hyperparameters.js';
export {
  AndConjunction,
  EqualsCondition,
  GreaterThanCondition,
  InCondition,
  LessThanCondition,
  NotEqualsCondition,
  OrConjunction,
  isCondition,
} from './conditions.js';
export type { ChildRef, Condition, ConditionType, HyperparameterRef } from './conditions.js';
export { ForbiddenAndConjunction, ForbiddenEqualsClause, ForbiddenInClause, isForbiddenClause } from './forbidden.js';
export type { Forbidden, ForbiddenType } from './forbidden.js';
export { ConfigurationSpace } from './configuration-space.js';
export type { ConfigurationSpaceOptions, VectorDimension } from './configuration-space.js';
export { readConfigSpaceJson, writeConfigSpaceJson } from './configspace-json.js';
export type { ConfigSpaceJsonSchema, WriteConfigSpaceJsonOptions } from './configspace-json.js';
export type { ValueOf, WithCondition, WithHyperparameters } from './typed-configuration.js';
