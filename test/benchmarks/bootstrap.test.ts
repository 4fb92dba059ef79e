import assert from 'node:assert/strict';
import { test } from 'node:test';
import { medianRatioInterval } from '../../src/benchmarks/bootstrap.js';
import { Rng } from '../../src/core/rng.js';

/** `n` draws of a log-normal-ish budget-to-threshold sample around `median` (±40 %, like counting ones). */
function spreadSample(seed: number, n: number, median: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => median * Math.exp(0.45 * rng.normal()));
}

test('the ratio is of the two medians, and the interval holds it', () => {
  const interval = medianRatioInterval([1, 2, 3, 100, 5], [10, 20, 30, 40, 50]);
  assert.equal(interval.ratio, 3 / 30);
  assert.equal(interval.level, 0.9);
  assert.ok(interval.low <= interval.ratio && interval.ratio <= interval.high, JSON.stringify(interval));
});

test('clearly separated samples: the interval excludes 1 and stays within what resampling can produce', () => {
  const fast = Array.from({ length: 20 }, (_, i) => 50 + i);
  const slow = Array.from({ length: 20 }, (_, i) => 100 + i);
  const interval = medianRatioInterval(fast, slow);
  assert.ok(interval.high < 1, JSON.stringify(interval));
  assert.ok(interval.low >= 50 / 119 && interval.high <= 69 / 100, JSON.stringify(interval));
});

test('the same distribution: the interval straddles 1, and narrows with more seeds', () => {
  const small = medianRatioInterval(spreadSample(1, 30, 90), spreadSample(2, 30, 90));
  const large = medianRatioInterval(spreadSample(3, 300, 90), spreadSample(4, 300, 90));
  assert.ok(small.low < 1 && small.high > 1, JSON.stringify(small));
  assert.ok(large.low < 1 && large.high > 1, JSON.stringify(large));
  assert.ok(large.high - large.low < (small.high - small.low) / 2, `${JSON.stringify(large)} vs ${JSON.stringify(small)}`);
});

test('a 13 % difference is within noise on 30 seeds of that spread and resolved on 1000', () => {
  const few = medianRatioInterval(spreadSample(5, 30, 78), spreadSample(6, 30, 90));
  const many = medianRatioInterval(spreadSample(7, 1000, 78), spreadSample(8, 1000, 90));
  assert.ok(few.high > 1, JSON.stringify(few));
  assert.ok(many.high < 1 && many.low > 0.75, JSON.stringify(many));
});

test('seeded: the same seed gives the same interval, another seed another', () => {
  const a = spreadSample(9, 40, 90);
  const b = spreadSample(10, 40, 100);
  assert.deepEqual(medianRatioInterval(a, b, { seed: 3 }), medianRatioInterval(a, b, { seed: 3 }));
  assert.notDeepEqual(medianRatioInterval(a, b, { seed: 3 }), medianRatioInterval(a, b, { seed: 4 }));
});

test('seeds that never reached the threshold (Infinity) count as the slowest, and a wider level gives a wider interval', () => {
  const numerator = [60, 70, 80, Infinity, Infinity, 90, 100];
  const denominator = [80, 90, 100, 110, 120, 130, 140];
  const ninety = medianRatioInterval(numerator, denominator);
  assert.equal(ninety.ratio, 90 / 110);
  assert.equal(ninety.high, Infinity);
  const fifty = medianRatioInterval(numerator, denominator, { level: 0.5 });
  assert.ok(fifty.low >= ninety.low && Number.isFinite(fifty.high), JSON.stringify(fifty));
});

test('bad input is refused naming what is wrong', () => {
  assert.throws(() => medianRatioInterval([], [1]), /two non-empty samples \(got 0 and 1 values\)/);
  assert.throws(() => medianRatioInterval([1], [1], { level: 2 }), /level must be .*\(got 2\)/);
  assert.throws(() => medianRatioInterval([1], [1], { resamples: 0 }), /resamples must be an integer >= 1 \(got 0\)/);
});
