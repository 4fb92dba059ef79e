import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import type { Configuration } from '../../src/core/types.js';
import { hyperbandPlan } from '../../src/optimizers/bracket-plan.js';
import type { Placement } from '../../src/optimizers/config-generator.js';
import { DehbGenerator } from '../../src/optimizers/dehb/dehb-generator.js';
import { dehbPlan } from '../../src/optimizers/dehb/dehb-plan.js';
import { crossoverBinomial, distinctIndices, mutateRand1, repairBounds } from '../../src/optimizers/dehb/differential-evolution.js';
import { UnitCodec } from '../../src/optimizers/dehb/unit-codec.js';
import { optimizerByName } from '../../src/optimizers/optimizer.js';
import { readConfigSpaceJson } from '../../src/space/configspace-json.js';
import { fixtureText } from '../helpers/fixtures.js';

const mixedSpace = () => readConfigSpaceJson(fixtureText('configspace/v1.2/mixed_conditional.json'));

test('rand/1 mutation, binomial crossover and the random boundary repair', () => {
  assert.deepEqual([...mutateRand1([0.5, 0.5], [0.9, 0.1], [0.1, 0.3], 0.5)], [0.9, 0.4]);
  const rng = new Rng(1);
  const target = new Float64Array(50).fill(0);
  const mutant = new Float64Array(50).fill(1);
  assert.deepEqual([...crossoverBinomial(target, mutant, 1, rng)], [...mutant], 'CR = 1: all from the mutant');
  const none = crossoverBinomial(target, mutant, 0, rng);
  assert.equal(
    none.reduce((sum, x) => sum + x, 0),
    1,
    'CR = 0: exactly one dimension still comes from the mutant',
  );
  const half = crossoverBinomial(target, mutant, 0.5, rng).reduce((sum, x) => sum + x, 0);
  assert.ok(half > 10 && half < 40, `CR = 0.5 takes about half (${half})`);
  const repaired = repairBounds(Float64Array.from([-0.2, 0.3, 1.4, 1]), new Rng(2));
  assert.equal(repaired[1], 0.3);
  assert.equal(repaired[3], 1);
  for (const x of repaired) assert.ok(x >= 0 && x <= 1);
  assert.notEqual(repaired[0], 0, 'redrawn, not clipped');
  const picks = distinctIndices(new Rng(3), 5, 3);
  assert.equal(new Set(picks).size, 3);
  assert.throws(() => distinctIndices(new Rng(3), 2, 3), RangeError);
});

test('the unit codec: every kind to [0, 1] and back, inactive hyperparameters at their default', () => {
  const space = mixedSpace();
  const codec = new UnitCodec(space);
  const rng = new Rng(4);
  for (const config of space.sampleMany(rng, 200)) {
    const unit = codec.encode(config);
    for (const u of unit) assert.ok(u >= 0 && u <= 1 && Number.isFinite(u), `${u} in [0, 1]`);
    assert.deepEqual(codec.decode(unit), space.validate(config));
  }
  // Any point of the cube decodes to a configuration of the space (conditions applied; forbidden
  // clauses are the generator's to check).
  let allowed = 0;
  for (let i = 0; i < 200; i++) {
    const config = codec.decode(Float64Array.from({ length: space.dimension }, () => rng.random()));
    if (space.isForbidden(config)) continue;
    allowed++;
    assert.doesNotThrow(() => space.validate(config), JSON.stringify(config));
  }
  assert.ok(allowed > 100);
});

test('subpopulations are sized by the largest rung of one Hyperband round, and slots take parents in round-robin order', () => {
  const { space } = countingOnes({ categorical: 2, continuous: 2 });
  const plan = dehbPlan({ minBudget: 9, maxBudget: 729, eta: 3 });
  const generator = new DehbGenerator(space, new Rng(5), plan);
  assert.deepEqual(
    [9, 27, 81, 243, 729].map((budget) => generator.subpopulation(budget)?.size),
    [81, 27, 9, 6, 5],
  );
  // Fill subpopulation 243 through slots: iteration 0 has 3 slots there, iteration 1 another 3 (parents 3-5).
  let index = 0;
  const fill = (iteration: number, stage: number, slot: number, loss: number) => {
    const placement: Placement = { iteration, stage, slot, bracket: plan.bracket(iteration) };
    const config = space.sample(new Rng(100 + index));
    const configId = [iteration, stage, index++] as const;
    generator.pending({ configId, config, budget: 243, placement });
    generator.observe({ configId, config, budget: 243, loss, status: 'ok', info: {} });
  };
  fill(0, 3, 0, 5);
  fill(0, 3, 2, 7);
  fill(1, 2, 1, 6);
  const subpopulation = generator.subpopulation(243)!;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((p) => subpopulation.member(p)?.fitness),
    [5, undefined, 7, undefined, 6, undefined],
  );
  // Iteration 2's slots wrap around: 3 + 3 slots before it, so its slot 0 is parent 0 again; a worse trial leaves it.
  fill(2, 1, 0, 9);
  assert.equal(subpopulation.member(0)?.fitness, 5, 'a worse trial does not replace its parent');
  fill(2, 1, 0, 5);
  assert.equal(subpopulation.member(0)?.fitness, 5);
  assert.equal(subpopulation.filled, 3);
});

test('an empty target proposes a random configuration; a filled one a mutant bred from the lower budget', () => {
  const benchmark = countingOnes({ categorical: 3, continuous: 3 });
  const plan = dehbPlan({ minBudget: 1, maxBudget: 9, eta: 3 });
  const generator = new DehbGenerator(benchmark.space, new Rng(6), plan);
  const round2 = plan.bracket(3); // iteration 3 = the first bracket of the second round (s = 2)
  const placement = (stage: number, slot: number): Placement => ({ iteration: 3, stage, slot, bracket: round2 });
  assert.equal(generator.propose(1, placement(0, 0)).info.model_based_pick, false, 'nothing evaluated yet');
  // Budget 1: 9 members with the best at ones; budget 3: 3 members.
  const rng = new Rng(7);
  for (let i = 0; i < 9; i++) {
    const config = benchmark.space.sample(rng);
    generator.observe({ configId: [0, 0, i], config, budget: 1, loss: benchmark.trueLoss(config), status: 'ok', info: {} });
  }
  for (let i = 0; i < 3; i++) {
    const config = benchmark.space.sample(rng);
    generator.observe({ configId: [0, 1, i], config, budget: 3, loss: benchmark.trueLoss(config), status: 'ok', info: {} });
  }
  const proposals: Configuration[] = [];
  for (let slot = 0; slot < 3; slot++) {
    const proposal = generator.propose(3, placement(1, slot));
    assert.equal(proposal.info.model_based_pick, true);
    proposals.push(proposal.config);
  }
  // The same slot gives the same trial (its draws come from the seed and the slot alone).
  assert.deepEqual(generator.propose(3, placement(1, 1)).config, proposals[1]);
  assert.notDeepEqual(proposals[0], proposals[1]);
});

test("DEHB's plan promotes like successive halving in the first Hyperband round only", () => {
  const plan = dehbPlan({ minBudget: 1, maxBudget: 9, eta: 3 });
  const rung = (iteration: number) => ({
    iteration,
    stage: 0,
    bracket: plan.bracket(iteration),
    results: [
      { configId: [iteration, 0, 0] as const, loss: 3 },
      { configId: [iteration, 0, 1] as const, loss: 1 },
      { configId: [iteration, 0, 2] as const, loss: null },
    ],
  });
  assert.deepEqual(
    plan.promotions!(rung(0)),
    [
      [0, 0, 1],
      [0, 0, 0],
    ].slice(0, plan.bracket(0).nConfigs[1]),
  );
  assert.deepEqual(plan.promotions!(rung(3)), []);
  assert.deepEqual(plan.bracket(5), hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 }).bracket(5), "Hyperband's brackets");
});

test('DEHB options are checked by name and value', () => {
  const budgets = { minBudget: 1, maxBudget: 9, eta: 3 };
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof InvalidOptionError);
      return (error as InvalidOptionError).message;
    }
    assert.fail('no error');
  };
  assert.match(
    codeOf(() => optimizerByName('dehb', { ...budgets, model: { mutationFactor: 3 } })),
    /options\.model\.mutationFactor must be a number in \(0, 2\] \(got 3\)/,
  );
  assert.match(
    codeOf(() => optimizerByName('dehb', { ...budgets, model: { crossoverProb: -1 } })),
    /options\.model\.crossoverProb/,
  );
  assert.match(
    codeOf(() => optimizerByName('dehb', { ...budgets, model: { randomFraction: 0 } as never })),
    /randomFraction is not a DEHB option/,
  );
  assert.equal(optimizerByName('dehb', { ...budgets, model: { mutationFactor: 0.8, crossoverProb: 0.9 } }).name, 'dehb');
});

test('without a placement (ASHA) a proposal breeds from the highest budget with three members, crossed with a member of its own budget', () => {
  const { space } = countingOnes({ categorical: 0, continuous: 4 });
  const plan = dehbPlan({ minBudget: 9, maxBudget: 81, eta: 3 });
  const generator = new DehbGenerator(space, new Rng(8), plan);
  assert.deepEqual(
    [9, 81].map((budget) => generator.subpopulation(budget)?.size),
    [9, 3],
  );
  const rng = new Rng(9);
  let index = 0;
  // Results without a placement are admitted (ASHA, warm start): low values on budget 9, high ones on 81.
  const admit = (budget: number, low: number, high: number) => {
    const config = Object.fromEntries([0, 1, 2, 3].map((j) => [`float_${j}`, low + (high - low) * rng.random()]));
    generator.observe({ configId: [0, 0, index++], config, budget, loss: -index, status: 'ok', info: {} });
  };
  for (let i = 0; i < 9; i++) admit(9, 0.02, 0.1);
  for (let i = 0; i < 2; i++) admit(81, 0.85, 0.95);
  const dims = (config: Configuration) => [0, 1, 2, 3].map((j) => Number(config[`float_${j}`]));
  // Two members on 81 are too few for rand/1: budget 9 breeds from itself, and values near the top
  // ones are rare (only a mutant dimension pushed below 0 and redrawn uniformly lands there).
  let high = 0;
  for (let k = 0; k < 20; k++) high += dims(generator.propose(9).config).filter((x) => x >= 0.8).length;
  assert.ok(high < 10, `bred from budget 9: ${high} of 80 dimensions at 0.8 or more`);
  admit(81, 0.85, 0.95);
  for (let k = 0; k < 50; k++) {
    const proposal = generator.propose(9);
    assert.equal(proposal.info.model_based_pick, true);
    const values = dims(proposal.config);
    // rand/1 of members in [0.85, 0.95] stays in [0.8, 1]; crossover keeps the rest of a budget-9 member.
    assert.ok(
      values.every((x) => x <= 0.1 || x >= 0.8),
      `each dimension from the mutant or the target: ${values}`,
    );
    assert.ok(
      values.some((x) => x >= 0.8),
      `at least one dimension from the budget-81 mutant: ${values}`,
    );
  }
});
