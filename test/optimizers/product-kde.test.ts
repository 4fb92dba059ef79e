import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { normalReferenceBandwidths } from '../../src/optimizers/kde/bandwidth.js';
import { imputeInactive } from '../../src/optimizers/kde/impute.js';
import { ProductKde } from '../../src/optimizers/kde/product-kde.js';
import { truncatedNormalUnit } from '../../src/optimizers/kde/truncated-normal.js';
import type { VectorDimension } from '../../src/space/configuration-space.js';

/** statsmodels' KDEMultivariate.pdf written the slow, obvious way: the oracle. */
function referencePdf(data: number[][], bandwidths: ArrayLike<number>, kinds: VectorDimension[], x: number[]): number {
  let total = 0;
  for (const row of data) {
    let product = 1;
    kinds.forEach((kind, j) => {
      const h = bandwidths[j];
      if (kind.kind === 'continuous') {
        product *= Math.exp(-((row[j] - x[j]) ** 2) / (2 * h * h)) / (Math.sqrt(2 * Math.PI) * h);
      } else if (kind.levels > 1) {
        const equal = row[j] === x[j];
        if (kind.kind === 'categorical') product *= equal ? 1 - h : h / (kind.levels - 1);
        else product *= equal ? 1 - h : 0.5 * (1 - h) * h ** Math.abs(row[j] - x[j]);
      }
    });
    total += product;
  }
  return total / data.length;
}

const kinds: VectorDimension[] = [
  { kind: 'continuous' },
  { kind: 'categorical', levels: 3 },
  { kind: 'continuous' },
  { kind: 'ordinal', levels: 4 },
  { kind: 'categorical', levels: 2 },
  { kind: 'categorical', levels: 1 },
];

function randomData(rng: Rng, n: number): number[][] {
  return Array.from({ length: n }, () => kinds.map((kind) => (kind.kind === 'continuous' ? rng.random() : rng.int(kind.levels))));
}

test('the density equals statsmodels’ product-kernel formula (Gaussian, Aitchison–Aitken, Wang–Ryzin)', () => {
  const rng = new Rng(3);
  for (const n of [7, 40, 300]) {
    const data = randomData(rng, n);
    const kde = new ProductKde(Float64Array.from(data.flat()), n, kinds, 1e-3);
    for (let q = 0; q < 20; q++) {
      const x = randomData(rng, 1)[0];
      const expected = referencePdf(data, kde.bandwidths, kinds, x);
      const actual = kde.density(x);
      // The table-based exponential is accurate to 6e-10 relative (src/optimizers/kde/fast-exp.ts).
      assert.ok(Math.abs(actual - expected) <= 1e-9 * expected, `n=${n}: ${actual} vs ${expected}`);
    }
  }
});

test('early exit: with a bound below the density it returns Infinity, above it the exact value', () => {
  const rng = new Rng(5);
  const data = randomData(rng, 500);
  const kde = new ProductKde(Float64Array.from(data.flat()), 500, kinds, 1e-3);
  const x = data[0];
  const exact = kde.density(x);
  assert.equal(kde.density(x, exact / 2), Infinity);
  assert.equal(kde.density(x, exact * 2), exact);
});

test('bandwidths follow the normal reference rule with ddof=0, clipped as documented', () => {
  const data = Float64Array.from([0, 0, 1, 1, 0.5, 1, 0, 0]); // 4 points × 2 dims: continuous, categorical(2)
  const dims: VectorDimension[] = [{ kind: 'continuous' }, { kind: 'categorical', levels: 2 }];
  const bandwidths = normalReferenceBandwidths(data, 4, dims, 1e-3);
  const scale = 1.06 * 4 ** (-1 / 6);
  const std0 = Math.sqrt(((0 - 0.375) ** 2 + (1 - 0.375) ** 2 + (0.5 - 0.375) ** 2 + 0.375 ** 2) / 4);
  assert.ok(Math.abs(bandwidths[0] - scale * std0) < 1e-15);
  // Binary column with std 0.5: 1.06·0.5·4^(-1/6) = 0.42 < 1/2, left as is.
  assert.ok(Math.abs(bandwidths[1] - scale * 0.5) < 1e-15);
  const constant = normalReferenceBandwidths(Float64Array.from([0.3, 0.3, 0.3]), 3, [{ kind: 'continuous' }], 1e-3);
  assert.equal(constant[0], 1e-3, 'a constant column gets min_bandwidth');
  const spread = normalReferenceBandwidths(Float64Array.from([0, 2, 0, 2]), 4, [{ kind: 'categorical', levels: 3 }], 1e-3);
  assert.equal(spread[0], 2 / 3, 'an Aitchison–Aitken bandwidth is capped at (c−1)/c');
});

test('a categorical column that is constant in the data still gives finite, positive densities', () => {
  // hpbandster (statsmodels) counts levels from the data: λ/(1−1) = ∞ here.
  const dims: VectorDimension[] = [{ kind: 'categorical', levels: 3 }, { kind: 'continuous' }];
  const data = Float64Array.from([1, 0.2, 1, 0.4, 1, 0.6, 1, 0.8]);
  const kde = new ProductKde(data, 4, dims, 1e-3);
  for (const level of [0, 1, 2]) {
    const density = kde.density([level, 0.5]);
    assert.ok(Number.isFinite(density) && density > 0, `level ${level}: ${density}`);
  }
  assert.ok(kde.density([1, 0.5]) > kde.density([0, 0.5]));
});

test('imputation fills every NaN, column 0 included, from donors of the same column', () => {
  const dims: VectorDimension[] = [{ kind: 'continuous' }, { kind: 'categorical', levels: 4 }, { kind: 'continuous' }];
  const data = Float64Array.from([NaN, 2, 0.5, 0.25, NaN, NaN, 0.75, 3, NaN]);
  imputeInactive(data, 3, dims, new Rng(1));
  assert.ok(data.every((value) => !Number.isNaN(value)));
  assert.ok([0.25, 0.75].includes(data[0]), 'column 0 is filled from a row that has it');
  assert.ok([2, 3].includes(data[4]));
  assert.equal(data[5], 0.5, 'the only donor of column 2');
  const nobody = Float64Array.from([NaN, 1, NaN, 0]);
  imputeInactive(nobody, 2, [{ kind: 'categorical', levels: 5 }, { kind: 'continuous' }], new Rng(2));
  assert.ok(Number.isInteger(nobody[0]) && nobody[0] >= 0 && nobody[0] < 5, 'no donor: a random valid level');
});

test('truncated normal draws stay in [0, 1] and centre on the mean', () => {
  const rng = new Rng(11);
  const draws = Array.from({ length: 4000 }, () => truncatedNormalUnit(rng, 0.5, 0.1));
  assert.ok(draws.every((value) => value >= 0 && value <= 1));
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  const edge = Array.from({ length: 2000 }, () => truncatedNormalUnit(rng, 0, 3));
  assert.ok(edge.every((value) => value >= 0 && value <= 1));
});
