// BOHB's options beyond hpbandster: each off by default, so the hpbandster-compatible defaults stay exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionalSynthetic } from '../../src/benchmarks/conditional-synthetic.js';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { Search } from '../../src/core/search.js';
import type { Configuration } from '../../src/core/types.js';
import { BohbGenerator, type BohbModelOptions } from '../../src/optimizers/kde/bohb-generator.js';
import { hpbandsterModelStart } from '../../src/optimizers/kde/model-start-advice.js';
import { ProductKde } from '../../src/optimizers/kde/product-kde.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/hyperparameters.js';
import type { VectorDimension } from '../../src/space/configuration-space.js';

function observeAll(
  generator: BohbGenerator,
  configs: readonly Configuration[],
  loss: (config: Configuration) => number,
  budget = 1,
): void {
  configs.forEach((config, i) => generator.observe({ configId: [0, 0, i], config, budget, loss: loss(config), status: 'ok', info: {} }));
}

function proposals(options: BohbModelOptions, seed: number, announce = false): Configuration[] {
  const benchmark = countingOnes({ categorical: 3, continuous: 3 });
  const rng = new Rng(seed);
  const generator = new BohbGenerator(benchmark.space, rng, options);
  observeAll(generator, benchmark.space.sampleMany(rng, 40), (config) => benchmark.trueLoss(config));
  return Array.from({ length: 30 }, (_, i) => {
    const { config } = generator.propose(1);
    if (announce) generator.pending({ configId: [1, 0, i], config, budget: 1 });
    return config;
  });
}

test("every option off is hpbandster's BOHB, draw for draw; running jobs change nothing unless parallelAware", () => {
  const defaults = proposals({}, 1);
  assert.deepEqual(proposals({ multivariate: false, parallelAware: false, highDimensional: false }, 1), defaults);
  assert.deepEqual(proposals({}, 1, true), defaults, 'announcements are ignored by default');
  assert.deepEqual(proposals({ parallelAware: true }, 1), defaults, 'parallelAware without running jobs');
  assert.notDeepEqual(proposals({ parallelAware: true }, 1, true), defaults);
});

test('multivariate: the full-bandwidth density equals the Gaussian kernel sum with H = L·Lᵀ, and keeps only correlations the data support', () => {
  const kinds: VectorDimension[] = [
    { kind: 'continuous' },
    { kind: 'categorical', levels: 3 },
    { kind: 'continuous' },
    { kind: 'continuous' },
  ];
  const rng = new Rng(2);
  const n = 60;
  const data = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const u = rng.random();
    data.set([u, rng.int(3), Math.min(1, Math.max(0, u + 0.05 * rng.normal())), rng.random()], i * 4);
  }
  const kde = new ProductKde(data, n, kinds, 1e-3, { correlated: true });
  const { cholesky, shrinkage } = kde.correlation!;
  assert.ok(shrinkage < 0.2, `x0 and x2 are strongly correlated: little shrinkage (λ = ${shrinkage})`);
  // The oracle: Σ_i N(x_c; X_ic, H) · Aitchison–Aitken(x_1; X_i1) / n, with H⁻¹ through the factor.
  const continuous = [0, 2, 3];
  const solve = (v: number[]): number[] => {
    const z: number[] = [];
    for (let a = 0; a < 3; a++) {
      let sum = v[a];
      for (let b = 0; b < a; b++) sum -= cholesky[a * 3 + b] * z[b];
      z.push(sum / cholesky[a * 3 + a]);
    }
    return z;
  };
  const detL = cholesky[0] * cholesky[4] * cholesky[8];
  const lambda = kde.bandwidths[1];
  for (let q = 0; q < 5; q++) {
    const x = [rng.random(), rng.int(3), rng.random(), rng.random()];
    let expected = 0;
    for (let i = 0; i < n; i++) {
      const z = solve(continuous.map((j) => x[j] - data[i * 4 + j]));
      const gaussian = Math.exp(-0.5 * z.reduce((sum, v) => sum + v * v, 0)) / ((2 * Math.PI) ** 1.5 * detL);
      expected += gaussian * (x[1] === data[i * 4 + 1] ? 1 - lambda : lambda / 2);
    }
    expected /= n;
    assert.ok(Math.abs(kde.density(x) - expected) <= 1e-6 * expected, `${kde.density(x)} vs ${expected}`);
  }
  const independent = new Float64Array(400 * 4);
  for (let i = 0; i < 400; i++) independent.set([rng.random(), rng.int(3), rng.random(), rng.random()], i * 4);
  const product = new ProductKde(independent, 400, kinds, 1e-3, { correlated: true });
  assert.ok(
    product.correlation!.shrinkage > 0.7,
    `independent columns shrink to the product kernel (λ = ${product.correlation!.shrinkage})`,
  );
});

test('multivariate: proposals follow a correlated valley more closely than axis-aligned kernels do', () => {
  const space = new ConfigurationSpace();
  for (let i = 0; i < 4; i++) space.add(new UniformFloatHyperparameter(`x${i}`, 0, 1));
  const meanGap = (multivariate: boolean): number => {
    const rng = new Rng(3);
    const generator = new BohbGenerator(space, rng, { randomFraction: 0, multivariate });
    const loss = (c: Configuration) => Math.abs(Number(c.x0) - Number(c.x1)) + 0.3 * Math.abs(Number(c.x0) - 0.5);
    observeAll(generator, space.sampleMany(new Rng(4), 150), loss);
    let gap = 0;
    for (let i = 0; i < 200; i++) {
      const { config } = generator.propose(1);
      gap += Math.abs(Number(config.x0) - Number(config.x1));
    }
    return gap / 200;
  };
  const axisAligned = meanGap(false);
  const correlated = meanGap(true);
  assert.ok(correlated < 0.85 * axisAligned, `|x0 − x1|: correlated ${correlated} vs axis-aligned ${axisAligned}`);
});

test('parallelAware: running jobs penalise candidates near them (local penalisation with the good kernel)', () => {
  const benchmark = countingOnes({ categorical: 2, continuous: 4 });
  const run = (announce: boolean): number => {
    const rng = new Rng(5);
    const generator = new BohbGenerator(benchmark.space, rng, { randomFraction: 0, parallelAware: true });
    observeAll(generator, benchmark.space.sampleMany(rng, 60), (config) => benchmark.trueLoss(config));
    // Eight jobs running around the first proposal.
    const first = generator.propose(1).config;
    const running = Array.from({ length: 8 }, () => first);
    if (announce) running.forEach((config, i) => generator.pending({ configId: [1, 0, i], config, budget: 1 }));
    const centre = benchmark.space.toVector(first);
    let distance = 0;
    for (let i = 0; i < 100; i++) {
      const vector = benchmark.space.toVector(generator.propose(1).config);
      distance += Math.hypot(...vector.map((v, j) => v - centre[j]));
    }
    return distance / 100;
  };
  const repelled = run(true);
  const free = run(false);
  assert.ok(repelled > 1.1 * free, `mean distance from the running configuration: ${repelled} with, ${free} without`);
  // A result removes its job from the running set.
  const rng = new Rng(6);
  const generator = new BohbGenerator(benchmark.space, rng, { randomFraction: 0, parallelAware: true });
  observeAll(generator, benchmark.space.sampleMany(rng, 60), (config) => benchmark.trueLoss(config));
  const config = benchmark.space.sample(rng);
  generator.pending({ configId: [2, 0, 0], config, budget: 1 });
  generator.observe({ configId: [2, 0, 0], config, budget: 1, loss: 0, status: 'ok', info: {} });
  assert.equal(generator.runningJobs, 0);
});

test('highDimensional: randomFraction 0.2 unless given; an explicit one wins', () => {
  const highDimensional = proposals({ highDimensional: true }, 3);
  assert.deepEqual(proposals({ highDimensional: true, randomFraction: 0.2 }, 3), highDimensional);
  assert.notDeepEqual(proposals({ highDimensional: true, randomFraction: 1 / 3 }, 3), highDimensional);
  assert.deepEqual(proposals({ randomFraction: 1 / 3 }, 3), proposals({}, 3), 'the default without highDimensional stays hpbandster’s');
});

test('highDimensional: an early model long before hpbandster’s d+1 rule, over the hyperparameters the good configurations use; hpbandster’s model once the rule is met', () => {
  const benchmark = conditionalSynthetic({ branches: 2, perBranch: 18, shared: 4 });
  const d = benchmark.space.dimension;
  const rng = new Rng(8);
  const strict = new BohbGenerator(benchmark.space, new Rng(8), { randomFraction: 0 });
  const early = new BohbGenerator(benchmark.space, rng, { randomFraction: 0, highDimensional: true });
  const configs = benchmark.space.sampleMany(new Rng(9), 12);
  for (const generator of [strict, early]) observeAll(generator, configs, (config) => benchmark.trueLoss(config));
  assert.equal(strict.propose(1).info.model_based_pick, false, `d = ${d}: hpbandster needs ${hpbandsterModelStart(d)} results`);
  assert.equal(early.isEarlyModel(), true);
  for (let i = 0; i < 50; i++) {
    const { config, info } = early.propose(1);
    assert.equal(info.model_based_pick, true);
    assert.doesNotThrow(() => benchmark.space.validate(config));
  }
  const more = benchmark.space.sampleMany(new Rng(10), hpbandsterModelStart(d));
  observeAll(early, more, (config) => benchmark.trueLoss(config), 3);
  assert.equal(early.isEarlyModel(), false, "budget 3 has hpbandster's model now, and it wins over budget 1's early one");
  assert.equal(early.modelBudget(), 3);
});

test('a search warns when hpbandster’s rule keeps the model off for the whole run, and says what to use instead', async () => {
  const warningsOf = async (options: { space: ConfigurationSpace; model?: BohbModelOptions; nIterations: number }): Promise<string[]> => {
    const warnings: string[] = [];
    const search = new Search({ ...options, objective: () => 1, minBudget: 1, maxBudget: 9, eta: 3, seed: 1 });
    search.on('warning', ({ message }) => warnings.push(message));
    await search.run();
    return warnings;
  };
  const wide = conditionalSynthetic({ branches: 2, perBranch: 18, shared: 4 }).space;
  const [warning] = await warningsOf({ space: wide, nIterations: 2 });
  assert.match(warning, /will stay off for the whole search/);
  assert.match(warning, /highDimensional: true/);
  assert.match(warning, /'dehb'/);
  assert.deepEqual(await warningsOf({ space: wide, nIterations: 2, model: { highDimensional: true } }), []);
  assert.deepEqual(await warningsOf({ space: countingOnes({ categorical: 2, continuous: 2 }).space, nIterations: 6 }), []);
});

test('the new options are checked by name and value', () => {
  const { space } = countingOnes({ categorical: 1, continuous: 1 });
  for (const model of [{ multivariate: 'yes' }, { parallelAware: 1 }, { highDimensional: null }, { earlyModelPoints: 0 }]) {
    assert.throws(
      () => new BohbGenerator(space, new Rng(1), model as unknown as BohbModelOptions),
      (error: unknown) =>
        error instanceof InvalidOptionError && error.code === 'ERR_INVALID_OPTION' && error.message.includes(Object.keys(model)[0]),
    );
  }
});
