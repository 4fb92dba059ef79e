import { CategoricalHyperparameter, Constant, OrdinalHyperparameter } from './choice-hyperparameters.js';
import { UniformFloatHyperparameter, UniformIntegerHyperparameter } from './numeric-hyperparameters.js';

export { CategoricalHyperparameter, Constant, OrdinalHyperparameter } from './choice-hyperparameters.js';
export type { CategoricalHyperparameterOptions, OrdinalHyperparameterOptions } from './choice-hyperparameters.js';
export { UniformFloatHyperparameter, UniformIntegerHyperparameter } from './numeric-hyperparameters.js';
export type { NumericHyperparameterOptions } from './numeric-hyperparameters.js';
export type { HyperparameterContract, HyperparameterKind } from './hyperparameter-common.js';

/** Any hyperparameter; switch on `kind` to narrow. */
export type Hyperparameter =
  | UniformFloatHyperparameter
  | UniformIntegerHyperparameter
  | CategoricalHyperparameter
  | OrdinalHyperparameter
  | Constant;

/** True for instances of bandster's hyperparameter classes. */
export function isHyperparameter(value: unknown): value is Hyperparameter {
  return (
    value instanceof UniformFloatHyperparameter ||
    value instanceof UniformIntegerHyperparameter ||
    value instanceof CategoricalHyperparameter ||
    value instanceof OrdinalHyperparameter ||
    value instanceof Constant
  );
}
