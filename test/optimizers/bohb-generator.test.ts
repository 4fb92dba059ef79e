import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { Rng } from '../../src/core/rng.js';
import type { Configuration } from '../../src/core/types.js';
import { BohbGenerator } from '../../src/optimizers/kde/bohb-generator.js';
import { CategoricalHyperparameter, UniformFloatHyperparameter } from '../../src/space/hyperparameters.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { ForbiddenEqualsClause } from '../../src/space/forbidden.js';
import { GreaterThanCondition } from '../../src/space/conditions.js';

function feed(generator: BohbGenerator, configs: Configuration[], loss: (config: Configuration) => number, budget: number): void {
  configs.forEach((config, i) => generator.observe({ configId: [0, 0, i], config, budget, loss: loss(config), status: 'ok', info: {} }));
}

test('no model until a budget has d+1 results and both sets more than d points', () => {
  const { space } = countingOnes({ categorical: 2, continuous: 2 });
  const rng = new Rng(1);
  const generator = new BohbGenerator(space, rng, { randomFraction: 0 });
  // d = 4: min_points = 5; good = max(5, 15%·n) and bad = the rest must exceed 4 → n ≥ 10.
  feed(generator, space.sampleMany(rng, 9), () => 0, 1);
  assert.equal(generator.modelBudget(), undefined);
  assert.equal(generator.propose(1).info.model_based_pick, false);
  feed(generator, space.sampleMany(rng, 1), () => 0, 1);
  assert.equal(generator.modelBudget(), 1);
  assert.equal(generator.propose(1).info.model_based_pick, true);
});

test('the model comes from the largest budget that has one', () => {
  const { space } = countingOnes({ categorical: 2, continuous: 2 });
  const rng = new Rng(2);
  const generator = new BohbGenerator(space, rng, { randomFraction: 0 });
  feed(generator, space.sampleMany(rng, 20), () => 0, 1);
  feed(generator, space.sampleMany(rng, 5), () => 0, 9);
  assert.equal(generator.modelBudget(), 1, 'five results on budget 9 are not enough');
  feed(generator, space.sampleMany(rng, 5), () => 0, 9);
  assert.equal(generator.modelBudget(), 9);
});

test('model-based proposals concentrate where the good results were', () => {
  const benchmark = countingOnes({ categorical: 4, continuous: 4 });
  const rng = new Rng(3);
  const generator = new BohbGenerator(benchmark.space, rng, { randomFraction: 0 });
  feed(generator, benchmark.space.sampleMany(rng, 200), (config) => benchmark.trueLoss(config), 1);
  const proposals = Array.from({ length: 100 }, () => generator.propose(1).config);
  const meanTrue = proposals.reduce((sum, config) => sum + benchmark.trueLoss(config), 0) / proposals.length;
  const prior = benchmark.space.sampleMany(new Rng(4), 100);
  const meanPrior = prior.reduce((sum, config) => sum + benchmark.trueLoss(config), 0) / prior.length;
  assert.ok(meanTrue < meanPrior - 1.5, `model ${meanTrue} vs prior ${meanPrior}`);
});

test('random_fraction: about a third of proposals are random once a model exists', () => {
  const { space } = countingOnes({ categorical: 2, continuous: 2 });
  const rng = new Rng(5);
  const generator = new BohbGenerator(space, rng);
  feed(generator, space.sampleMany(rng, 40), (config) => Number(config.float_0), 1);
  const picks = Array.from({ length: 600 }, () => generator.propose(1).info.model_based_pick);
  const random = picks.filter((pick) => !pick).length / picks.length;
  assert.ok(Math.abs(random - 1 / 3) < 0.06, `random fraction ${random}`);
});

test('failures and non-finite losses count as bad, never as good', () => {
  const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
  const rng = new Rng(6);
  const generator = new BohbGenerator(space, rng, { randomFraction: 0 });
  // x < 0.5 failed (or returned -inf); x ≥ 0.5 has a loss. A failure-as-good bug would pull proposals below 0.5.
  for (let i = 0; i < 60; i++) {
    const x = i / 60;
    const failed = x < 0.5;
    generator.observe({
      configId: [0, 0, i],
      config: { x },
      budget: 1,
      loss: failed ? -Infinity : x,
      status: i % 2 && failed ? 'failed' : 'ok',
      info: {},
    });
  }
  const proposals = Array.from({ length: 50 }, () => Number(generator.propose(1).config.x));
  assert.ok(proposals.filter((x) => x >= 0.5).length >= 45, `proposals ${proposals.map((x) => x.toFixed(2)).join(' ')}`);
});

test('never proposes a forbidden configuration, even when the model points at it', () => {
  const space = new ConfigurationSpace()
    .add(new CategoricalHyperparameter('a', ['x', 'y']))
    .add(new UniformFloatHyperparameter('b', 0, 1))
    .addForbidden(new ForbiddenEqualsClause('a', 'x'));
  const rng = new Rng(7);
  const generator = new BohbGenerator(space, rng, { randomFraction: 0 });
  // Every observed configuration is allowed (a = y), but a perturbation flips a to x now and then.
  for (let i = 0; i < 40; i++)
    generator.observe({ configId: [0, 0, i], config: { a: 'y', b: i / 40 }, budget: 1, loss: i, status: 'ok', info: {} });
  for (let i = 0; i < 300; i++) assert.equal(generator.propose(1).config.a, 'y');
});

test('conditional spaces: inactive values are imputed for the model and absent from proposals', () => {
  const space = new ConfigurationSpace()
    .add(new UniformFloatHyperparameter('depth', 0, 10))
    .add(new UniformFloatHyperparameter('width', 0, 1))
    .addCondition(new GreaterThanCondition('width', 'depth', 5));
  const rng = new Rng(8);
  const generator = new BohbGenerator(space, rng, { randomFraction: 0 });
  space
    .sampleMany(rng, 60)
    .forEach((config, i) =>
      generator.observe({ configId: [0, 0, i], config, budget: 1, loss: Number(config.depth), status: 'ok', info: {} }),
    );
  for (let i = 0; i < 100; i++) {
    const { config } = generator.propose(1);
    assert.equal('width' in config, Number(config.depth) > 5, JSON.stringify(config));
    space.validate(config);
  }
});

test('the same seed gives the same proposals', () => {
  const run = (seed: number) => {
    const benchmark = countingOnes({ categorical: 3, continuous: 3 });
    const rng = new Rng(seed);
    const generator = new BohbGenerator(benchmark.space, rng);
    feed(generator, benchmark.space.sampleMany(rng, 30), (config) => benchmark.trueLoss(config), 3);
    return Array.from({ length: 20 }, () => generator.propose(3));
  };
  assert.deepEqual(run(9), run(9));
  assert.notDeepEqual(run(9), run(10));
});

test('options are validated with the option name and value', () => {
  const { space } = countingOnes({ categorical: 1, continuous: 1 });
  assert.throws(
    () => new BohbGenerator(space, new Rng(1), { randomFraction: 2 }),
    /options\.randomFraction must be a number in \[0, 1\] \(got 2\)/,
  );
  assert.throws(() => new BohbGenerator(space, new Rng(1), { numSamples: 0 }), /options\.numSamples must be an integer >= 1 \(got 0\)/);
});
