// The recompute comparison's table (src/benchmarks/recompute-benchmark.ts): ratios taken per repeat,
// then their median and range; a trial that could not be measured is named, not averaged in.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { comparisonPoint } from '../../src/benchmarks/memory-benchmark.js';
import type { MemoryMeasurement } from '../../src/benchmarks/memory-trial.js';
import { formatRecompute } from '../../src/benchmarks/recompute-benchmark.js';

const point = comparisonPoint('wasm', 64, 'frugal');
const measured = (peakMb: number, heapMb: number, seconds: number): MemoryMeasurement => ({
  point,
  baselineMb: 100,
  peakMb,
  epochSeconds: [9, seconds],
  trainLosses: [1, 1],
  validationLosses: [1, 1],
  trialMemory: { backend_heap_mb: heapMb, backend_peak_mb: 1 },
});

test('recompute table: per-repeat ratios as median (min–max); the backend figure is the wasm heap; failures are noted', () => {
  const table = formatRecompute([
    {
      backend: 'wasm',
      patch: 64,
      batch: 16,
      microBatch: 2,
      pairs: [
        { kept: measured(300, 200, 1), recomputed: measured(240, 100, 2) },
        { kept: measured(200, 100, 1), recomputed: measured(180, 90, 1.5) },
        { kept: measured(200, 100, 2), recomputed: measured(200, 80, 2.2) },
        { kept: measured(200, 100, 2), recomputed: { point, error: 'its process ended (killed by SIGKILL): ' } },
      ],
    },
  ]);
  const row = table.split('\n').find((line) => line.startsWith('| wasm')) as string;
  const cells = row.split('|').map((cell) => cell.trim());
  // repeats measured, peak kept → recomputed, peak ratio, trial ratio, backend MB, backend ratio, s/step, time ratio, note
  assert.equal(cells[5], '3');
  assert.equal(cells[6], '200 (200–300) → 200 (180–240)');
  assert.equal(cells[7], '0.90 (0.80–1.00)');
  assert.equal(cells[8], '0.80 (0.70–1.00)');
  assert.equal(cells[9], '100 (100–200) → 90 (80–100)');
  assert.equal(cells[10], '0.80 (0.50–0.90)');
  assert.equal(cells[12], '1.50 (1.10–2.00)');
  assert.match(cells[13], /killed by SIGKILL/);
});
