import type { HyperparameterValue } from '../core/types.js';

/**
 * The type of a hyperparameter's values: `number` for floats and integers, the listed values for
 * categorical, ordinal and constant ones (`'adam' | 'sgd'`, `8 | 16 | 32`, `boolean`).
 */
export type ValueOf<H> = H extends { readonly kind: 'float' | 'int' }
  ? number
  : H extends { readonly kind: 'categorical'; readonly choices: readonly (infer V)[] }
    ? V
    : H extends { readonly kind: 'ordinal'; readonly sequence: readonly (infer V)[] }
      ? V
      : H extends { readonly kind: 'constant'; readonly value: infer V }
        ? V
        : HyperparameterValue;

/** One object type instead of an intersection, so editors show `{ lr: number; … }`. */
type Flatten<T> = { [K in keyof T]: T[K] };

/**
 * `C`, unless it is the untyped record (a space read from JSON, or filled by statements whose
 * return types nobody kept): then no hyperparameter is known by name yet.
 */
type Known<C> = string extends keyof C ? Record<never, never> : C;

/** The configuration type after `add(...hyperparameters)`: one read-only field per name. */
export type WithHyperparameters<C, H extends readonly { readonly name: string }[]> = Flatten<
  Known<C> & { readonly [P in H[number] as P['name']]: ValueOf<P> }
>;

/**
 * The configuration type after a condition on `Child`: the field becomes optional, since an
 * inactive hyperparameter is absent from the configuration (as in ConfigSpace). The untyped
 * record stays as it is.
 */
export type WithCondition<C, Child extends string> = string extends keyof C
  ? C
  : Flatten<Omit<C, Child> & { readonly [K in Child & keyof C]?: C[K] }>;
