import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpaceError } from '../../src/space/space-error.js';
import { Rng } from '../../src/core/rng.js';
import {
  CategoricalHyperparameter,
  ConfigurationSpace,
  ForbiddenEqualsClause,
  ForbiddenInClause,
  readConfigSpaceJson,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
} from '../../src/space/index.js';
import { fixtureText } from '../helpers/fixtures.js';

const space = readConfigSpaceJson(fixtureText('configspace/v0.4/mixed_conditional.json'));

describe('sampling', () => {
  it('gives the same configurations for the same seed and different ones for another seed', () => {
    const first = space.sampleMany(new Rng(42), 20);
    const again = space.sampleMany(new Rng(42), 20);
    const other = space.sampleMany(new Rng(43), 20);
    assert.deepEqual(again, first);
    assert.notDeepEqual(other, first);
    assert.equal(new Set(first.map((config) => JSON.stringify(config))).size, 20, 'all distinct');
  });

  it('samples valid configurations: active ones present, inactive absent, never forbidden', () => {
    const configs = space.sampleMany(new Rng(7), 2000);
    let withMomentum = 0;
    let withUnits3 = 0;
    for (const config of configs) {
      assert.equal(space.isForbidden(config), false);
      assert.deepEqual(space.validate(config), config);
      assert.equal('momentum' in config, config.optimizer !== 'adam');
      assert.equal('units_3' in config, (config.num_layers as number) > 2);
      assert.ok(!(config.optimizer === 'sgd' && config.activation === 'gelu'));
      if ('momentum' in config) withMomentum++;
      if ('units_3' in config) withUnits3++;
      assert.ok(Object.isFrozen(config));
    }
    // P(optimizer != adam | not forbidden) = (6/9 - 1/9) / (8/9) = 5/8; P(num_layers > 2) = 3/5.
    assert.ok(Math.abs(withMomentum / 2000 - 5 / 8) < 0.04, `momentum active ${withMomentum}`);
    assert.ok(Math.abs(withUnits3 / 2000 - 3 / 5) < 0.04, `units_3 active ${withUnits3}`);
  });

  it('samples log-scale floats uniformly in log space', () => {
    const s = new ConfigurationSpace().add(new UniformFloatHyperparameter('lr', 1e-6, 1, { log: true }));
    const logs = s
      .sampleMany(new Rng(1), 2000)
      .map((config) => Math.log10(config.lr as number))
      .sort((a, b) => a - b);
    const median = logs[1000];
    assert.ok(Math.abs(median - -3) < 0.15, `median of log10 samples ${median}, geometric mean is 1e-3`);
    const belowTenth = logs.filter((x) => x < -5).length / 2000; // the lowest sixth of the log range
    assert.ok(Math.abs(belowTenth - 1 / 6) < 0.03, `fraction below 1e-5: ${belowTenth}`);
    assert.ok(logs[0] >= -6 && logs[1999] <= 0);
  });

  it('samples every integer, including both bounds, about equally', () => {
    const s = new ConfigurationSpace().add(new UniformIntegerHyperparameter('n', 1, 4));
    const counts = [0, 0, 0, 0];
    for (const config of s.sampleMany(new Rng(3), 4000)) counts[(config.n as number) - 1]++;
    for (const count of counts) assert.ok(Math.abs(count - 1000) < 120, `counts ${counts}`);
  });

  it('uses categorical weights', () => {
    const s = new ConfigurationSpace().add(new CategoricalHyperparameter('c', ['rare', 'common'], { weights: [1, 9] }));
    const common = s.sampleMany(new Rng(5), 2000).filter((config) => config.c === 'common').length;
    assert.ok(Math.abs(common / 2000 - 0.9) < 0.03, `common ${common}`);
  });

  it('gives up with a clear message when (nearly) everything is forbidden', () => {
    const s = new ConfigurationSpace()
      .add(new CategoricalHyperparameter('c', ['a', 'b']))
      .addForbidden(new ForbiddenInClause('c', ['a', 'b']));
    assert.throws(
      () => s.sample(new Rng(0)),
      (error: unknown) => {
        assert.ok(error instanceof SpaceError);
        assert.equal(error.code, 'ERR_SPACE_EXHAUSTED');
        // The message names the clauses at fault.
        assert.match(error.message, /c in \{"a", "b"\}/);
        return true;
      },
    );
  });

  it('returns the defaults with inactive hyperparameters removed', () => {
    assert.deepEqual(space.defaultConfiguration(), {
      activation: 'relu',
      batch_norm: true,
      dropout: 0.2,
      loss: 'dice_focal',
      lr: 0.001,
      num_layers: 2,
      optimizer: 'adam',
      units_1: 64,
      width: 'medium',
    });
    const s = new ConfigurationSpace()
      .add(new CategoricalHyperparameter('c', ['a', 'b']))
      .addForbidden(new ForbiddenEqualsClause('c', 'a'));
    assert.throws(() => s.defaultConfiguration(), {
      code: 'ERR_INVALID_CONFIGURATION',
      message: /default configuration is forbidden by c == "a"/,
    });
  });
});
