import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidOptionError } from '../../src/core/errors.js';
import {
  CategoricalHyperparameter,
  ConfigurationSpace,
  Constant,
  OrdinalHyperparameter,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
} from '../../src/space/index.js';

function invalid(build: () => unknown, message: string): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError, String(error));
    assert.equal(error.code, 'ERR_INVALID_OPTION');
    assert.equal(error.message, message);
    return true;
  });
}

describe('hyperparameters', () => {
  it('have ConfigSpace 0.4 defaults', () => {
    assert.equal(new UniformFloatHyperparameter('x', 0, 0.5).default, 0.25);
    assert.equal(
      new UniformFloatHyperparameter('lr', 1e-5, 0.1, { log: true }).default,
      0.001,
      'geometric midpoint, rounded to 10 decimals',
    );
    assert.equal(new UniformIntegerHyperparameter('n', 1, 30).default, 16);
    assert.equal(new UniformIntegerHyperparameter('n', 1, 4).default, 2, 'np.round: half to even');
    assert.equal(new UniformIntegerHyperparameter('u', 8, 512, { log: true }).default, 64);
    assert.equal(new CategoricalHyperparameter('c', ['a', 'b']).default, 'a');
    assert.equal(new CategoricalHyperparameter('c', ['a', 'b', 'c'], { weights: [1, 3, 3] }).default, 'b');
    assert.equal(new OrdinalHyperparameter('o', ['s', 'm']).default, 's');
    assert.equal(new Constant('k', false).default, false);
    assert.equal(new UniformFloatHyperparameter('x', 0, 1, { default: 0.9 }).default, 0.9);
  });

  it('carry a kind discriminant', () => {
    const kinds = [
      new UniformFloatHyperparameter('a', 0, 1),
      new UniformIntegerHyperparameter('b', 0, 1),
      new CategoricalHyperparameter('c', [1]),
      new OrdinalHyperparameter('d', [1]),
      new Constant('e', 1),
    ].map((hp) => hp.kind);
    assert.deepEqual(kinds, ['float', 'int', 'categorical', 'ordinal', 'constant']);
  });

  it('reject bad numeric ranges, naming the hyperparameter and the values', () => {
    invalid(() => new UniformFloatHyperparameter('lr', 1, 0.1), 'hyperparameter "lr": lower must be < upper (got lower=1, upper=0.1)');
    invalid(
      () => new UniformFloatHyperparameter('lr', 0, 1, { log: true }),
      'hyperparameter "lr": log scale needs lower > 0 (got lower=0)',
    );
    invalid(() => new UniformFloatHyperparameter('lr', NaN, 1), 'hyperparameter "lr": lower must be a finite number (got NaN)');
    invalid(() => new UniformFloatHyperparameter('x', 0, 1, { default: 2 }), 'hyperparameter "x": default: must be within [0, 1] (got 2)');
    invalid(() => new UniformIntegerHyperparameter('n', 1.5, 4), 'hyperparameter "n": lower must be an integer (got 1.5)');
    invalid(
      () => new UniformIntegerHyperparameter('n', 1, 4, { default: 2.5 }),
      'hyperparameter "n": default: expected an integer (got 2.5)',
    );
    invalid(() => new UniformIntegerHyperparameter('n', 4, 4), 'hyperparameter "n": lower must be < upper (got lower=4, upper=4)');
  });

  it('reject bad choices and weights', () => {
    invalid(() => new CategoricalHyperparameter('c', ['a', 'b', 'a']), 'hyperparameter "c": duplicate value "a" in choices');
    invalid(() => new CategoricalHyperparameter('c', []), 'hyperparameter "c": choices must be a non-empty array (got [])');
    invalid(
      () => new CategoricalHyperparameter('c', ['a', 'b'], { weights: [1] }),
      'hyperparameter "c": weights must be an array with one weight per choice (2) (got [1])',
    );
    invalid(
      () => new CategoricalHyperparameter('c', ['a', 'b'], { weights: [1, -1] }),
      'hyperparameter "c": weights[1] must be a finite number >= 0 (got -1)',
    );
    invalid(
      () => new CategoricalHyperparameter('c', ['a', 'b'], { weights: [0, 0] }),
      'hyperparameter "c": weights must not all be zero (got [0,0])',
    );
    invalid(
      () => new CategoricalHyperparameter<string, string>('c', ['a', 'b'], { default: 'z' }),
      'hyperparameter "c": default must be one of "a", "b" (got "z")',
    );
    invalid(() => new OrdinalHyperparameter('o', ['s', 's']), 'hyperparameter "o": duplicate value "s" in sequence');
    invalid(
      () => new CategoricalHyperparameter('c', ['a', null as unknown as string]),
      'hyperparameter "c": choices[1] must be a string, a finite number or a boolean (got null)',
    );
    invalid(
      () => new Constant('k', undefined as unknown as string),
      'hyperparameter "k": value must be a string, a finite number or a boolean (got undefined)',
    );
    invalid(() => new UniformFloatHyperparameter('', 0, 1), 'hyperparameter name must be a non-empty string (got "")');
  });

  it('tell legal values from illegal ones', () => {
    const int = new UniformIntegerHyperparameter('n', 1, 5);
    assert.deepEqual(
      [1, 5, 3].map((v) => int.isLegal(v)),
      [true, true, true],
    );
    assert.deepEqual(
      [0, 6, 2.5, '3', true].map((v) => int.isLegal(v)),
      [false, false, false, false, false],
    );
    const cat = new CategoricalHyperparameter('c', [0, 1]);
    assert.equal(cat.isLegal(1), true);
    assert.equal(cat.isLegal(true), false);
    assert.equal(cat.isLegal('1'), false);
  });

  it('are rejected when names repeat in a space', () => {
    const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
    invalid(() => space.add(new UniformFloatHyperparameter('x', 0, 2)), 'hyperparameter "x" is already in the space');
    invalid(() => new ConfigurationSpace().add(new Constant('k', 1), new Constant('k', 2)), 'hyperparameter "k" is already in the space');
    assert.throws(() => space.get('y'), { code: 'ERR_INVALID_OPTION', message: /unknown hyperparameter "y"/ });
    assert.equal(space.get('x').kind, 'float');
  });
});
