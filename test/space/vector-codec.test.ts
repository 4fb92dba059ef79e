import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/space/space-error.js';
import {
  CategoricalHyperparameter,
  ConfigurationSpace,
  Constant,
  EqualsCondition,
  OrdinalHyperparameter,
  readConfigSpaceJson,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
} from '../../src/space/index.js';
import { fixtureText, samplesFixture } from '../helpers/fixtures.js';

const space = readConfigSpaceJson(fixtureText('configspace/v0.4/mixed_conditional.json'));
const fixture = samplesFixture('v0.4');

describe('vector codec (ConfigSpace 0.4 get_array)', () => {
  it('orders hyperparameters as ConfigSpace 0.4 does', () => {
    assert.deepEqual(space.names, fixture.hyperparameter_order);
    assert.equal(space.dimension, 11);
    assert.equal(space.indexOf('momentum'), 9);
    assert.equal(space.indexOf('nope'), -1);
  });

  it('reproduces every vector of the 50 fixture samples', () => {
    assert.equal(fixture.samples.length, 50);
    let maxError = 0;
    for (const [s, sample] of fixture.samples.entries()) {
      const vector = space.toVector(sample.config);
      assert.equal(vector.length, sample.vector.length);
      sample.vector.forEach((expected, i) => {
        if (expected === null) {
          assert.ok(Number.isNaN(vector[i]), `sample ${s}, ${space.names[i]}: expected NaN (inactive), got ${vector[i]}`);
        } else {
          const error = Math.abs(vector[i] - expected);
          maxError = Math.max(maxError, error);
          assert.ok(error <= 1e-12, `sample ${s}, ${space.names[i]}: expected ${expected}, got ${vector[i]}`);
        }
      });
    }
    // Measured: 3.3e-16 (log-scale dimensions; every other element is bit-identical).
    assert.ok(maxError < 1e-15, `max error ${maxError}`);
  });

  it('is bit-identical on every linear and discrete dimension', () => {
    for (const sample of fixture.samples) {
      const vector = space.toVector(sample.config);
      for (const name of ['activation', 'batch_norm', 'dropout', 'loss', 'num_layers', 'optimizer', 'width']) {
        assert.equal(vector[space.indexOf(name)], sample.vector[space.indexOf(name)], name);
      }
    }
  });

  it('fromVector(toVector(config)) gives the config back for all 50 samples', () => {
    for (const sample of fixture.samples) {
      const back = space.fromVector(space.toVector(sample.config));
      assert.deepEqual(Object.keys(back).sort(), Object.keys(sample.config).sort());
      for (const [name, value] of Object.entries(sample.config)) {
        if (space.get(name).kind === 'float') {
          // log/exp round trip: equal to the last bits only.
          assert.ok(Math.abs((back[name] as number) - (value as number)) <= 1e-12 * Math.abs(value as number), name);
        } else {
          assert.equal(back[name], value, name);
        }
      }
    }
  });

  it('decodes the fixture vectors into the fixture configurations', () => {
    for (const sample of fixture.samples) {
      const back = space.fromVector(sample.vector.map((x) => (x === null ? NaN : x)));
      for (const [name, value] of Object.entries(sample.config)) {
        if (typeof value === 'number' && space.get(name).kind === 'float') {
          assert.ok(Math.abs((back[name] as number) - value) <= 1e-12 * Math.abs(value), name);
        } else assert.equal(back[name], value, name);
      }
      assert.equal(Object.keys(back).length, Object.keys(sample.config).length);
    }
  });

  it('encodes integers on bounds widened by 0.49999', () => {
    const int = new UniformIntegerHyperparameter('n', 1, 5);
    const [lower, upper] = [1 - 0.49999, 5 + 0.49999];
    assert.equal(int.toVectorValue(2), (2 - lower) / (upper - lower));
    assert.equal(int.toVectorValue(2), 0.2999991999967999, 'the value ConfigSpace 0.4 wrote');
    assert.equal(int.toVectorValue(1), 0.09999839999359994, 'the value ConfigSpace 0.4 wrote');
    assert.equal(int.fromVectorValue(0), 1);
    assert.equal(int.fromVectorValue(1), 5);
    assert.equal(int.fromVectorValue(0.5), 3);
    const logInt = new UniformIntegerHyperparameter('u', 8, 512, { log: true });
    const [logLower, logUpper] = [Math.log(8 - 0.49999), Math.log(512 + 0.49999)];
    assert.equal(logInt.toVectorValue(64), (Math.log(64) - logLower) / (logUpper - logLower));
    for (let v = 8; v <= 512; v++) assert.equal(logInt.fromVectorValue(logInt.toVectorValue(v)), v);
  });

  it('encodes floats linearly or in log space and keeps decoded values in range', () => {
    const linear = new UniformFloatHyperparameter('x', -1, 3);
    assert.equal(linear.toVectorValue(0), 0.25);
    assert.equal(linear.fromVectorValue(0.25), 0);
    const log = new UniformFloatHyperparameter('lr', 1e-5, 0.1, { log: true });
    assert.equal(log.toVectorValue(1e-3), (Math.log(1e-3) - Math.log(1e-5)) / (Math.log(0.1) - Math.log(1e-5)));
    assert.equal(log.fromVectorValue(1), 0.1);
    assert.equal(log.fromVectorValue(0), 1e-5);
    assert.equal(log.fromVectorValue(1.2), 0.1, 'clamped');
  });

  it('gives categorical, ordinal and constant their index', () => {
    const cat = new CategoricalHyperparameter('c', ['a', 1, true]);
    assert.deepEqual([cat.toVectorValue('a'), cat.toVectorValue(1), cat.toVectorValue(true)], [0, 1, 2]);
    assert.throws(() => cat.toVectorValue('1'), ConfigurationError);
    const ord = new OrdinalHyperparameter('o', ['s', 'm', 'l']);
    assert.equal(ord.toVectorValue('l'), 2);
    assert.equal(new Constant('k', 'v').toVectorValue('v'), 0);
  });

  it('rounds categorical and ordinal vector values to the nearest index', () => {
    const s = new ConfigurationSpace().add(new CategoricalHyperparameter('c', ['a', 'b', 'c']), new OrdinalHyperparameter('o', [1, 2, 3]));
    assert.deepEqual(s.fromVector([1.4, 1.6]), { c: 'b', o: 3 });
    assert.deepEqual(s.fromVector([-0.4, 0.49]), { c: 'a', o: 1 });
    assert.throws(() => s.fromVector([3, 0]), /hyperparameter "c".*not an index/);
  });

  it('drops inactive dimensions whatever they hold, in order (nested conditions)', () => {
    const s = new ConfigurationSpace()
      .add(
        new CategoricalHyperparameter('a', ['on', 'off']),
        new CategoricalHyperparameter('b', ['on', 'off']),
        new UniformFloatHyperparameter('c', 0, 1),
      )
      .addCondition(new EqualsCondition('b', 'a', 'on'))
      .addCondition(new EqualsCondition('c', 'b', 'on'));
    assert.deepEqual(s.names, ['a', 'b', 'c']);
    assert.deepEqual(s.fromVector([0, 0, 0.5]), { a: 'on', b: 'on', c: 0.5 });
    assert.deepEqual(s.fromVector([0, 1, 0.5]), { a: 'on', b: 'off' });
    // b is inactive, so c is too although b's (stale) vector value would activate it.
    assert.deepEqual(s.fromVector([1, 0, NaN]), { a: 'off' });
    assert.deepEqual(Array.from(s.toVector({ a: 'off' })), [1, NaN, NaN]);
  });

  it('rejects NaN in an active dimension and vectors of the wrong length', () => {
    assert.throws(
      () => space.fromVector([0, 0, NaN, 0, 0.5, 0.5, 0, 0.5, 1, NaN, NaN]),
      (error: unknown) => error instanceof ConfigurationError && error.hyperparameter === 'dropout' && /NaN/.test(error.message),
    );
    assert.throws(() => space.fromVector([0, 1]), /2 elements.*11 dimensions/);
  });

  it('does not reject forbidden vectors (callers check isForbidden)', () => {
    // optimizer=sgd (1) with activation=gelu (2) is forbidden in the fixture space.
    const config = space.fromVector([2, 0, 0.5, 0, 0.5, 0.1, 1, 0.5, 1, 0.5, NaN]);
    assert.equal(config.optimizer, 'sgd');
    assert.equal(space.isForbidden(config), true);
  });

  it('describes dimensions for the model', () => {
    assert.deepEqual(space.vectorKinds(), [
      { kind: 'categorical', levels: 3 },
      { kind: 'categorical', levels: 2 },
      { kind: 'continuous' },
      { kind: 'categorical', levels: 1 },
      { kind: 'continuous' },
      { kind: 'continuous' },
      { kind: 'categorical', levels: 3 },
      { kind: 'continuous' },
      { kind: 'ordinal', levels: 3 },
      { kind: 'continuous' },
      { kind: 'continuous' },
    ]);
    assert.equal(space.vectorKinds(), space.vectorKinds(), 'cached');
  });
});
