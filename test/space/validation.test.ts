import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/space/space-error.js';
import { readConfigSpaceJson } from '../../src/space/index.js';
import { fixtureText } from '../helpers/fixtures.js';

const space = readConfigSpaceJson(fixtureText('configspace/v0.4/mixed_conditional.json'));
const valid = Object.freeze({
  activation: 'tanh',
  batch_norm: false,
  dropout: 0.1,
  loss: 'dice_focal',
  lr: 0.01,
  num_layers: 3,
  optimizer: 'sgd',
  units_1: 32,
  width: 'large',
  momentum: 0.9,
  units_3: 100,
});

/** Asserts that validate() throws a ConfigurationError naming `hyperparameter` whose message matches `pattern`. */
function rejects(config: unknown, hyperparameter: string | undefined, pattern: RegExp): void {
  assert.throws(
    () => space.validate(config),
    (error: unknown) => {
      assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
      assert.equal(error.hyperparameter, hyperparameter);
      assert.equal(error.code, 'ERR_INVALID_CONFIGURATION');
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('validate', () => {
  it('returns a frozen copy in space order', () => {
    const shuffled = Object.fromEntries(Object.entries(valid).reverse());
    const result = space.validate(shuffled);
    assert.deepEqual(result, valid);
    assert.deepEqual(Object.keys(result), space.names);
    assert.ok(Object.isFrozen(result));
    assert.notEqual(result, shuffled);
  });

  it('rejects what is not an object', () => {
    rejects(null, undefined, /must be an object.*got null/);
    rejects([1, 2], undefined, /got \[1,2\]/);
    rejects('lr=0.1', undefined, /got "lr=0.1"/);
  });

  it('rejects unknown names', () => {
    rejects({ ...valid, learning_rate: 0.1 }, 'learning_rate', /unknown hyperparameter "learning_rate" \(value 0.1\)/);
  });

  it('rejects values of the wrong type', () => {
    rejects({ ...valid, dropout: '0.1' }, 'dropout', /hyperparameter "dropout": expected a number \(got "0.1"\)/);
    rejects({ ...valid, num_layers: 2.5 }, 'num_layers', /hyperparameter "num_layers": expected an integer \(got 2.5\)/);
    rejects({ ...valid, num_layers: '3' }, 'num_layers', /expected an integer \(got "3"\)/);
    rejects({ ...valid, batch_norm: 'false' }, 'batch_norm', /"batch_norm": must be one of true, false \(got "false"\)/);
    rejects({ ...valid, lr: NaN }, 'lr', /"lr": expected a finite number \(got NaN\)/);
  });

  it('rejects out-of-range and illegal values', () => {
    rejects({ ...valid, dropout: 0.6 }, 'dropout', /"dropout": must be within \[0, 0.5\] \(got 0.6\)/);
    rejects({ ...valid, units_1: 513 }, 'units_1', /"units_1": must be within \[8, 512\] \(got 513\)/);
    rejects({ ...valid, activation: 'swish' }, 'activation', /"activation": must be one of "relu", "tanh", "gelu" \(got "swish"\)/);
    rejects({ ...valid, width: 'huge' }, 'width', /"width": must be one of "small", "medium", "large" \(got "huge"\)/);
    rejects({ ...valid, loss: 'bce' }, 'loss', /"loss": must be "dice_focal" \(got "bce"\)/);
  });

  it('rejects an inactive hyperparameter that is present', () => {
    rejects(
      { ...valid, optimizer: 'adam' },
      'momentum',
      /"momentum" is inactive \(its condition "momentum \| optimizer in \{"sgd", "rmsprop"\}" does not hold\) but has value 0.9/,
    );
    rejects({ ...valid, num_layers: 2 }, 'units_3', /"units_3" is inactive .* but has value 100/);
  });

  it('rejects an active hyperparameter that is missing', () => {
    const { momentum: _momentum, ...withoutMomentum } = valid;
    rejects(withoutMomentum, 'momentum', /"momentum" is active \(its condition .* holds\) but missing/);
    const { lr: _lr, ...withoutLr } = valid;
    rejects(withoutLr, 'lr', /hyperparameter "lr" is active but missing/);
  });

  it('rejects forbidden combinations, naming the clause', () => {
    rejects(
      { ...valid, activation: 'gelu' },
      'optimizer',
      /forbidden by clause \(optimizer == "sgd" && activation == "gelu"\) \(optimizer="sgd", activation="gelu"\)/,
    );
  });
});
