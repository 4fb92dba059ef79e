import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonChartSpec } from '../../src/benchmarks/comparison-chart.js';
import { conditionalSynthetic } from '../../src/benchmarks/conditional-synthetic.js';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { runOptimizerBenchmarks } from '../../src/benchmarks/optimizer-report.js';
import {
  compareOptimizers,
  compareParallel,
  COMPARED_BENCHMARKS,
  curveUnits,
  iterationsFor,
  quantile,
  regretCurve,
  regretFunction,
  summarise,
  TABLE_UNITS,
} from '../../src/benchmarks/optimizer-comparison.js';
import { SimulatedWorkers } from '../../src/benchmarks/simulated-workers.js';
import { Rng } from '../../src/core/rng.js';
import type { Objective } from '../../src/core/types.js';
import { runBandster } from '../helpers/cli.js';

test('with fixed seeds, DEHB is ahead of Hyperband, which is ahead of random search (counting ones 8+8, 5 seeds, 42 units)', async () => {
  const [comparison] = await compareOptimizers({
    benchmarks: COMPARED_BENCHMARKS.filter((entry) => entry.label === 'counting ones 8+8'),
    optimizers: [
      { label: 'dehb', optimizer: 'dehb' },
      { label: 'hyperband', optimizer: 'hyperband' },
      { label: 'random-search', optimizer: 'random-search' },
    ],
    seeds: [1, 2, 3, 4, 5],
    maxUnits: 42,
  });
  const [dehb, hyperband, random] = comparison.curves;
  for (const unit of [21, 42]) {
    const k = comparison.units.indexOf(unit);
    assert.ok(
      dehb.median[k] < hyperband.median[k] && hyperband.median[k] < random.median[k],
      `at ${unit} units: DEHB ${dehb.median[k]}, Hyperband ${hyperband.median[k]}, random ${random.median[k]}`,
    );
  }
});

test('regret curves: the incumbent of the paper rule at each budget mark; medians and quartiles over seeds', () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantile([1, 2, Infinity, Infinity], 0.75), Infinity);
  assert.deepEqual(
    summarise([
      [1, 4],
      [3, 2],
      [2, 6],
    ]),
    { median: [2, 4], q1: [1.5, 3], q3: [2.5, 5] },
  );
  const units = curveUnits(126);
  for (const unit of TABLE_UNITS) assert.ok(units.includes(unit));
  assert.deepEqual(units.slice(0, 11), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
  const configs = new Map([
    ['a', { x: 0.5 }],
    ['b', { x: 0.2 }],
  ]);
  const result = {
    trajectory: () => [
      { configId: [0, 0, 0] as const, cumulativeBudget: 30 },
      { configId: [0, 0, 1] as const, cumulativeBudget: 250 },
    ],
    configOf: (id: readonly [number, number, number]) => configs.get(id[2] === 0 ? 'a' : 'b'),
  };
  assert.deepEqual(
    regretCurve(result, (config) => Number(config.x), 100, [0.2, 1, 2, 3]),
    [1, 0.5, 0.5, 0.2],
  );
  const benchmark = countingOnes({ categorical: 8, continuous: 8 });
  assert.equal(iterationsFor(benchmark, 21), 5, "one Hyperband round of budgets 9…729 costs 21 max budgets (hpbandster's marks)");
});

test('the conditional 117-d space: mixed kinds under conditions and a forbidden clause; its optimum is 0 and a valid configuration', () => {
  const benchmark = conditionalSynthetic();
  assert.equal(benchmark.space.dimension, 117);
  assert.equal(benchmark.space.conditions.length, 4 * 27);
  assert.equal(benchmark.space.forbiddens.length, 1);
  const kinds = new Set(benchmark.space.hyperparameters.map((hyperparameter) => hyperparameter.kind));
  assert.deepEqual([...kinds].sort(), ['categorical', 'float', 'int', 'ordinal']);
  assert.ok(Math.abs(benchmark.optimum) < 1e-12);
  const rng = new Rng(1);
  const regret = regretFunction(benchmark);
  let total = 0;
  for (const config of benchmark.space.sampleMany(rng, 300)) {
    assert.ok(benchmark.trueLoss(config) > benchmark.optimum);
    total += regret(config);
  }
  assert.ok(Math.abs(total / 300 - 1) < 0.1, `a random configuration has regret about 1 (${total / 300})`);
  const config = benchmark.space.sample(rng);
  const ctx = { configId: [0, 0, 0] as const, budget: 1, signal: new AbortController().signal, report: () => {} };
  const low = benchmark.objective(config, 1, ctx) as { loss: number };
  const high = benchmark.objective(config, 27, { ...ctx, budget: 27 }) as { loss: number };
  assert.equal(high.loss, benchmark.trueLoss(config), 'the max budget is the true loss');
  assert.notEqual(low.loss, high.loss, 'low budgets are biased and noisy');
});

test('simulated workers deliver results in the order parallel workers would finish them', async () => {
  const order: string[] = [];
  const objective: Objective = (config) => Number(config.x);
  const workers = new SimulatedWorkers(objective, 4);
  const signal = new AbortController().signal;
  const submit = (name: string, budget: number) =>
    workers.submit({ configId: [0, 0, order.length], config: { x: budget }, budget }, signal).then((outcome) => {
      order.push(`${name}@${workers.now}`);
      return outcome;
    });
  const first = [submit('a', 9), submit('b', 1), submit('c', 3), submit('d', 1)];
  // When b finishes (time 1), a new job of length 1 starts: it ends at 2, before c (3) and a (9).
  const late = first[1].then(() => submit('e', 1));
  const outcomes = await Promise.all([...first, late]);
  assert.deepEqual(order, ['b@1', 'd@1', 'e@2', 'c@3', 'a@9']);
  assert.deepEqual(
    outcomes.map((outcome) => (outcome.status === 'ok' ? outcome.loss : NaN)),
    [9, 1, 3, 1, 1],
  );
});

test('the comparison picture has one panel per benchmark, median lines and quartile bands', () => {
  const units = [1, 2];
  const curve = (label: string) => ({
    label,
    optimizer: 'bohb' as const,
    model: {},
    perSeed: [],
    warnings: [],
    secondsPerSearch: 0,
    median: [0.5, 0.2],
    q1: [0.4, 0],
    q3: [0.6, 0.3],
  });
  const spec = comparisonChartSpec([
    {
      label: 'one',
      name: 'one',
      dimension: 2,
      minBudget: 1,
      maxBudget: 9,
      eta: 3,
      nIterations: 1,
      units,
      curves: [curve('bohb'), curve('dehb')],
    },
    { label: 'two', name: 'two', dimension: 2, minBudget: 1, maxBudget: 9, eta: 3, nIterations: 1, units, curves: [curve('bohb')] },
  ]) as unknown as {
    facet: { field: string; sort: string[] };
    data: { values: { q1: number }[] };
    spec: { layer: { mark: { type: string } }[] };
    resolve: { axis?: { x?: string } };
  };
  assert.equal(spec.facet.field, 'benchmark');
  assert.equal(spec.resolve.axis?.x, 'independent', 'each panel draws its own x axis, so an empty grid cell has none');
  assert.deepEqual(spec.facet.sort, ['one', 'two']);
  assert.deepEqual(
    spec.spec.layer.map((layer) => layer.mark.type),
    ['area', 'line'],
  );
  assert.equal(spec.data.values.length, 6);
  assert.ok(
    spec.data.values.every((row) => row.q1 > 0),
    'zeros are drawn at the floor of the log scale',
  );
});

test('a parallel row may set its own worker count: the same searches as when every row runs with that many workers', async () => {
  const common = { seeds: [1, 2], threshold: 0.065, nIterations: 4 };
  const [sequential, parallel] = await compareParallel({
    ...common,
    workers: 8,
    optimizers: [
      { label: 'one worker', optimizer: 'bohb', asynchronous: false, workers: 1 },
      { label: 'eight workers', optimizer: 'bohb', asynchronous: false },
    ],
  });
  const [alone] = await compareParallel({
    ...common,
    workers: 1,
    optimizers: [{ label: 'alone', optimizer: 'bohb', asynchronous: false }],
  });
  assert.equal(sequential.workers, 1);
  assert.equal(parallel.workers, 8);
  assert.deepEqual(sequential.unitsToReach, alone.unitsToReach);
  assert.equal(sequential.finalRegret, alone.finalRegret);
});

test('the optimizer benchmark refuses a seed count below 1 before it measures anything, naming the flag', async () => {
  const written: string[] = [];
  await assert.rejects(
    runOptimizerBenchmarks({ seeds: 0, seedsField: '--seeds', write: (text) => written.push(text) }),
    /--seeds must be an integer >= 1 \(got 0\)/,
  );
  assert.deepEqual(written, []);
  const cli = runBandster(['bench', 'optimizers', '--seeds', '0']);
  assert.equal(cli.status, 2, cli.stderr);
  assert.match(cli.stderr, /--seeds must be an integer >= 1 \(got 0\)/);
  assert.doesNotMatch(cli.stderr, /at .*\.ts:\d+/, 'the message, not a stack');
});
