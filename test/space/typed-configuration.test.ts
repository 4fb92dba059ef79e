import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { Search } from '../../src/core/search.js';
import type { Configuration } from '../../src/core/types.js';
import { EqualsCondition, InCondition } from '../../src/space/conditions.js';
import { readConfigSpaceJson } from '../../src/space/configspace-json.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import {
  CategoricalHyperparameter,
  Constant,
  OrdinalHyperparameter,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
} from '../../src/space/hyperparameters.js';
import { fixtureText } from '../helpers/fixtures.js';

// `npm test` runs `tsc --noEmit` over test/ first: every `@ts-expect-error` below must be an
// error, or the type check (and so the suite) fails. The runtime asserts check that the types
// describe what the space really produces.

function typedSpace() {
  return new ConfigurationSpace()
    .add(new UniformFloatHyperparameter('lr', 1e-4, 1e-1, { log: true }))
    .add(new CategoricalHyperparameter('optimizer', ['adam', 'sgd']), new UniformIntegerHyperparameter('layers', 1, 4))
    .add(new UniformFloatHyperparameter('momentum', 0, 0.99))
    .add(new OrdinalHyperparameter('width', [8, 16, 32]), new Constant('schedule', 'cosine'))
    .addCondition(new EqualsCondition('momentum', 'optimizer', 'sgd'));
}

test('a space built in TypeScript types its configurations; conditional parameters are optional', () => {
  const space = typedSpace();
  const config = space.sample(new Rng(1));
  // Compiles: the fields have their hyperparameters' types.
  const lr: number = config.lr;
  assert.ok(Number.isFinite(Math.log10(config.lr)) && lr > 0);
  const optimizer: 'adam' | 'sgd' = config.optimizer;
  const layers: number = config.layers;
  const width: 8 | 16 | 32 = config.width;
  const schedule: 'cosine' = config.schedule;
  assert.ok(['adam', 'sgd'].includes(optimizer) && Number.isInteger(layers) && [8, 16, 32].includes(width) && schedule === 'cosine');
  // @ts-expect-error a conditional parameter may be absent: it is optional
  const momentum: number = config.momentum;
  void momentum;
  const maybeMomentum: number | undefined = config.momentum;
  assert.equal(maybeMomentum === undefined, config.optimizer === 'adam');
  // @ts-expect-error no such hyperparameter
  void config.typo;
  // @ts-expect-error a categorical's value is one of its choices
  const wrong: 'rmsprop' = config.optimizer;
  void wrong;
  assert.throws(() => {
    // @ts-expect-error configurations are read-only (and frozen at run time)
    config.lr = 0.1;
  }, TypeError);
});

test('hyperparameters reject values of other types at compile time, and conditions name known children', () => {
  // @ts-expect-error the default must be one of the choices
  assert.throws(() => new CategoricalHyperparameter('optimizer', ['adam', 'sgd'], { default: 'rmsprop' }));
  const space = new ConfigurationSpace()
    .add(new CategoricalHyperparameter('kind', ['a', 'b', 'c']), new UniformFloatHyperparameter('x', 0, 1))
    .addCondition(new InCondition(new UniformFloatHyperparameter('x', 0, 1), 'kind', ['a', 'b']));
  const config = space.defaultConfiguration();
  const x: number | undefined = config.x;
  assert.equal(x, 0.5);
  // @ts-expect-error 'x' became optional through the condition on it
  const sure: number = config.x;
  void sure;
});

test('objectives and ask/tell see the typed configuration', async () => {
  const space = typedSpace();
  const search = new Search({
    space,
    objective: (config) => {
      // @ts-expect-error no such hyperparameter
      void config.typo;
      return Math.log10(config.lr) + config.layers;
    },
    optimizer: 'random-search',
    minBudget: 1,
    maxBudget: 1,
    nIterations: 1,
    seed: 2,
  });
  const asker = new Search({ space, optimizer: 'random-search', minBudget: 1, maxBudget: 1, nIterations: 1, seed: 2 });
  const job = await asker.ask();
  assert.ok(job);
  const lr: number = job.config.lr;
  // @ts-expect-error no such hyperparameter
  void job.config.typo;
  asker.tell(job, Math.log10(lr));
  asker.close();
  assert.equal((await search.run()).nRuns > 0, true);
});

test('a space read from JSON keeps the Configuration record', () => {
  const space = readConfigSpaceJson(fixtureText('configspace/v0.4/mixed_conditional.json'));
  const config: Configuration = space.sample(new Rng(3));
  // Any name compiles (a record), and reads as a hyperparameter value or undefined at run time.
  const value = config.anything;
  assert.equal(value, undefined);
  // Statements that drop add()'s return type keep the record too.
  const built = new ConfigurationSpace();
  built.add(new UniformFloatHyperparameter('lr', 0.001, 0.1));
  const sample = built.sample(new Rng(4));
  assert.equal(typeof sample.lr, 'number');
});
