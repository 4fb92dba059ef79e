import assert from 'node:assert/strict';
import { test } from 'node:test';
import { branin } from '../../src/benchmarks/branin.js';
import { countingOnes, countingOnesRegret } from '../../src/benchmarks/counting-ones.js';
import { hartmann6 } from '../../src/benchmarks/hartmann6.js';
import { countingOnesRegretTable } from '../../src/benchmarks/optimizer-benchmarks.js';
import type { TrialContext } from '../../src/core/types.js';

const ctx = (budget: number): TrialContext => ({ configId: [0, 0, 0], budget, signal: new AbortController().signal, report: () => {} });

test('counting ones: the loss is the noisy count, exact at the optimum, noisier at low budgets', async () => {
  const benchmark = countingOnes();
  const best = Object.fromEntries(
    [...Array(8)].flatMap((_, i) => [
      [`cat_${i}`, 1],
      [`float_${i}`, 1],
    ]),
  );
  assert.equal(benchmark.trueLoss(best), -16);
  assert.equal(countingOnesRegret(benchmark, -16), 0);
  assert.equal(countingOnesRegret(benchmark, 0), 1);
  const half = { ...best, float_0: 0.5, float_1: 0.5 };
  const spread = async (budget: number) => {
    const losses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const result = (await benchmark.objective(half, budget, { ...ctx(budget), configId: [0, 0, i] })) as { loss: number };
      losses.push(result.loss);
    }
    const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
    return { mean, sd: Math.sqrt(losses.reduce((a, b) => a + (b - mean) ** 2, 0) / losses.length) };
  };
  const low = await spread(9);
  const high = await spread(729);
  assert.ok(Math.abs(high.mean - benchmark.trueLoss(half)) < 0.01);
  assert.ok(low.sd > 4 * high.sd, `sd at 9: ${low.sd}, at 729: ${high.sd}`);
});

test('Branin and Hartmann-6 reach their known optima at full fidelity and are biased below it', () => {
  const b = branin();
  assert.ok(Math.abs(b.trueLoss({ x1: Math.PI, x2: 2.275 }) - b.optimum) < 1e-6);
  const low = b.objective({ x1: Math.PI, x2: 2.275 }, 1, ctx(1)) as { loss: number };
  assert.ok(Math.abs(low.loss - b.optimum) > 1e-3);
  const h = hartmann6();
  const argmin = { x0: 0.20169, x1: 0.150011, x2: 0.476874, x3: 0.275332, x4: 0.311652, x5: 0.6573 };
  assert.ok(Math.abs(h.trueLoss(argmin) - h.optimum) < 1e-4);
});

test('with fixed seeds, BOHB beats Hyperband, which beats random search (counting ones 8+8)', async () => {
  const units = [42, 84];
  const table = await countingOnesRegretTable(['bohb', 'hyperband', 'random-search'], [1, 2, 3, 4, 5], 15, units);
  const [bohb, hyperband, random] = ['bohb', 'hyperband', 'random-search'].map((name) => table.get(name as never)!);
  units.forEach((unit, k) => {
    assert.ok(
      bohb[k] < hyperband[k] && hyperband[k] < random[k],
      `at ${unit} units: BOHB ${bohb[k]}, Hyperband ${hyperband[k]}, random ${random[k]}`,
    );
  });
  assert.ok(bohb[1] < 0.1, `BOHB reaches a regret below 0.1 by 84 units (got ${bohb[1]})`);
});
