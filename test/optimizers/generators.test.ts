import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { Search } from '../../src/core/search.js';
import { hyperbandPlan } from '../../src/optimizers/bracket-plan.js';
import { DehbGenerator } from '../../src/optimizers/dehb/dehb-generator.js';
import { dehbPlan } from '../../src/optimizers/dehb/dehb-plan.js';
import { BohbGenerator } from '../../src/optimizers/kde/bohb-generator.js';
import { RandomGenerator } from '../../src/optimizers/random-generator.js';
import { GridGenerator } from './fixtures/grid-generator.js';
import { generatorConformance } from './generator-conformance.js';

generatorConformance('random search', ({ space, rng }) => new RandomGenerator(space, rng));
generatorConformance('BOHB', ({ space, rng }) => new BohbGenerator(space, rng), { modelBased: true });
generatorConformance('BOHB (no random fraction)', ({ space, rng }) => new BohbGenerator(space, rng, { randomFraction: 0 }), {
  modelBased: true,
});
generatorConformance('BOHB multivariate', ({ space, rng }) => new BohbGenerator(space, rng, { multivariate: true }), { modelBased: true });
generatorConformance('BOHB parallel-aware', ({ space, rng }) => new BohbGenerator(space, rng, { parallelAware: true }), {
  modelBased: true,
});
generatorConformance('BOHB high-dimensional', ({ space, rng }) => new BohbGenerator(space, rng, { highDimensional: true }), {
  modelBased: true,
});
generatorConformance('DEHB', ({ space, rng }) => new DehbGenerator(space, rng, dehbPlan({ minBudget: 1, maxBudget: 9, eta: 3 })), {
  modelBased: true,
});
generatorConformance('a grid written outside the package', ({ space }) => new GridGenerator(space));

test('a generator object (not a factory) is used as given and sees every finished run', async () => {
  const benchmark = countingOnes({ categorical: 2, continuous: 2 });
  const generator = new GridGenerator(benchmark.space, 4);
  const search = new Search({
    space: benchmark.space,
    objective: benchmark.objective,
    optimizer: { name: 'grid', generator, plan: hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 }) },
    nIterations: 3,
    seed: 1,
  });
  const result = await search.run();
  assert.equal(generator.observed.length, result.nRuns);
  assert.deepEqual(
    [...result.idToConfig().values()].map((entry) => entry.info.grid_index),
    [...result.idToConfig().values()].map((_, i) => i),
    'configurations come from the grid in order',
  );
});
