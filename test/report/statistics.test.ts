import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigId, Run } from '../../src/core/types.js';
import {
  averageRanks,
  concurrencyTimeline,
  cumulativeCounts,
  cumulativeCountsBy,
  lossCorrelationAcrossBudgets,
  pearson,
  spearman,
} from '../../src/report/index.js';

const close = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${message ?? ''} ${actual} ≠ ${expected}`);

test('averageRanks: ties share the mean of the ranks they span', () => {
  assert.deepEqual(averageRanks([10, 20, 30]), [1, 2, 3]);
  assert.deepEqual(averageRanks([30, 10, 20]), [3, 1, 2]);
  assert.deepEqual(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
  // 1 → rank 1, 2 → rank 2, the three 3s share ranks 3, 4, 5 → 4.
  assert.deepEqual(averageRanks([3, 1, 3, 3, 2]), [4, 1, 4, 4, 2]);
  assert.deepEqual(averageRanks([7, 7, 7, 7]), [2.5, 2.5, 2.5, 2.5]);
  assert.deepEqual(averageRanks([-Infinity, Infinity, 0]), [1, 3, 2]);
  assert.deepEqual(averageRanks([]), []);
  assert.throws(() => averageRanks([1, Number.NaN]), { code: 'ERR_INVALID_OPTION', message: /values\[1\] must be a number \(got NaN\)/ });
});

test('spearman: known values, ties, and the undefined cases', () => {
  // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) — the example in scipy's documentation.
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233);
  // Monotone but not linear: rank correlation 1 (Pearson's r would be less).
  close(spearman([1, 2, 3, 4], [1, 4, 9, 16]), 1);
  assert.ok(pearson([1, 2, 3, 4], [1, 4, 9, 16]) < 0.99);
  close(spearman([1, 2, 3, 4], [40, 30, 20, 10]), -1);
  // By hand: ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4]; Sxy = 4.5, Sxx = 4.5, Syy = 5 → 4.5/√22.5 = 3/√10.
  close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), 3 / Math.sqrt(10));
  // Ranks [1, 2, 3] against [2, 2, 1]→[2.5, 2.5, 1]: Sxy = −1.5, Sxx = 2, Syy = 1.5 → −1.5/√3.
  close(spearman([1, 2, 3], [5, 5, 2]), -1.5 / Math.sqrt(3));
  assert.ok(Number.isNaN(spearman([1, 2, 3], [4, 4, 4])), 'constant sample');
  assert.ok(Number.isNaN(spearman([1], [2])), 'one pair');
  assert.ok(Number.isNaN(spearman([], [])), 'no pairs');
  assert.throws(() => spearman([1, 2], [1]), { code: 'ERR_INVALID_OPTION' });
});

test('concurrencyTimeline: counts after all events at a time; [start, end) intervals; zero-length runs never count', () => {
  const points = concurrencyTimeline([
    { start: 0, end: 10 },
    { start: 2, end: 5 },
    { start: 5, end: 8 }, // starts when the previous one ends: still 2, no point at 5
    { start: 3, end: 3 }, // zero length
    { start: 10, end: 12 }, // starts when the first ends: still 1
  ]);
  assert.deepEqual(points, [
    { time: 0, value: 1 },
    { time: 2, value: 2 },
    { time: 8, value: 1 },
    { time: 12, value: 0 },
  ]);
  assert.deepEqual(concurrencyTimeline([]), []);
  assert.deepEqual(
    concurrencyTimeline([
      { start: 1, end: 2 },
      { start: 1, end: 2 },
      { start: 1, end: 3 },
    ]),
    [
      { time: 1, value: 3 },
      { time: 2, value: 1 },
      { time: 3, value: 0 },
    ],
  );
  assert.throws(() => concurrencyTimeline([{ start: 2, end: 1 }]), {
    code: 'ERR_INVALID_OPTION',
    message: /intervals\[0\]\.end must be a finite number >= 2 \(got 1\)/,
  });
  assert.throws(() => concurrencyTimeline([{ start: 0, end: Number.NaN }]), { code: 'ERR_INVALID_OPTION' });
});

test('cumulativeCounts: one point per distinct time; simultaneous events count together', () => {
  assert.deepEqual(cumulativeCounts([5, 1, 3, 3, 9]), [
    { time: 1, value: 1 },
    { time: 3, value: 3 },
    { time: 5, value: 4 },
    { time: 9, value: 5 },
  ]);
  assert.deepEqual(cumulativeCounts([]), []);
  const byBudget = cumulativeCountsBy(
    [
      { budget: 9, t: 1 },
      { budget: 27, t: 4 },
      { budget: 9, t: 2 },
      { budget: 9, t: 2 },
      { budget: 27, t: 6 },
    ],
    (item) => item.budget,
    (item) => item.t,
  );
  assert.deepEqual([...byBudget.keys()], [9, 27]);
  assert.deepEqual(byBudget.get(9), [
    { time: 1, value: 1 },
    { time: 2, value: 3 },
  ]);
  assert.deepEqual(byBudget.get(27), [
    { time: 4, value: 1 },
    { time: 6, value: 2 },
  ]);
  assert.throws(() => cumulativeCounts([1, Infinity]), {
    code: 'ERR_INVALID_OPTION',
    message: /times\[1\] must be a finite number \(got Infinity\)/,
  });
});

function run(configId: ConfigId, budget: number, loss: number | null, finished: number): Run {
  return {
    configId,
    budget,
    loss,
    info: {},
    error: loss === null ? 'boom' : null,
    timestamps: { submitted: finished - 1, started: finished - 1, finished },
  };
}

test('lossCorrelationAcrossBudgets: pairs on configurations with a loss on both budgets; the last run on a budget counts', () => {
  const runs = [
    // budget 1: five configurations
    run([0, 0, 0], 1, 0.1, 1),
    run([0, 0, 1], 1, 0.2, 2),
    run([0, 0, 2], 1, 0.3, 3),
    run([0, 0, 3], 1, 0.4, 4),
    run([0, 0, 4], 1, null, 5), // failed: left out everywhere
    // budget 3: four of them, same order except the last two swapped
    run([0, 0, 0], 3, 1, 6),
    run([0, 0, 1], 3, 2, 7),
    run([0, 0, 2], 3, 40, 8), // overwritten below
    run([0, 0, 2], 3, 4, 9),
    run([0, 0, 3], 3, 3, 10),
    run([0, 0, 4], 3, 5, 11), // no loss on budget 1 → not paired with it
    // budget 9: two configurations only
    run([0, 0, 0], 9, 7, 12),
    run([0, 0, 1], 9, 8, 13),
  ];
  const correlation = lossCorrelationAcrossBudgets(runs);
  assert.deepEqual(correlation.budgets, [1, 3, 9]);
  assert.deepEqual(
    correlation.pairs.map((pair) => [pair.lowerBudget, pair.higherBudget, pair.nConfigs]),
    [
      [1, 3, 4],
      [1, 9, 2],
      [3, 9, 2],
    ],
  );
  // Ranks [1, 2, 3, 4] vs [1, 2, 4, 3]: 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/60 = 0.8.
  close(correlation.pairs[0].rho, 0.8);
  assert.ok(Number.isNaN(correlation.pairs[1].rho), 'two pairs are too few');
  assert.deepEqual(
    correlation.consecutive.map((pair) => [pair.lowerBudget, pair.higherBudget]),
    [
      [1, 3],
      [3, 9],
    ],
  );
  assert.deepEqual(lossCorrelationAcrossBudgets([]), { budgets: [], consecutive: [], pairs: [] });
});
