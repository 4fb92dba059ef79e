// `bandster bench backends` as a newcomer types it: every registered backend is listed (measured, or
// why not), speeds come with ratios to wasm from the same run, and --json / --png are written.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { backendRegistry } from '../../backends/index.js';
import type { BackendBenchmarkResult } from '../../src/benchmarks/backend-benchmark.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster } from '../helpers/cli.js';

test('bench backends: a row per backend (measured or why not), ratios to wasm, a table, JSON and a PNG', (t) => {
  const dir = tempDir(t, 'bandster-bench-');
  const json = path.join(dir, 'backends.json');
  const png = path.join(dir, 'backends.png');
  const bench = runBandster([
    'bench',
    'backends',
    '--sizes',
    '16',
    '--backends',
    'onnxruntime-cpu,wasm,onnxruntime-cuda,tfjs-node',
    '--seconds',
    '0.2',
    '--no-pytorch',
    '--no-costs',
    '--json',
    json,
    '--png',
    png,
  ]);
  assert.equal(bench.status, 0, bench.stderr);
  assert.match(bench.stdout, /\| backend \| px \| batch \| threads \| ms\/step \| train img\/s \| × wasm \|/);
  const result = JSON.parse(fs.readFileSync(json, 'utf8')) as BackendBenchmarkResult;
  assert.deepEqual(
    result.rows.map((row) => row.backend),
    ['onnxruntime-cpu', 'wasm', 'onnxruntime-cuda', 'tfjs-node'],
  );
  const [ort, wasm] = result.rows;
  assert.equal(wasm.trainVsWasm, 1);
  assert.ok(ort.trainImagesPerSecond! > 0 && ort.inferImagesPerSecond! > 0 && ort.peakRssBytes! > 0);
  assert.ok(Math.abs(ort.trainVsWasm! - ort.trainImagesPerSecond! / wasm.trainImagesPerSecond!) < 1e-9);
  for (const row of result.rows.slice(2)) {
    if (!row.available) assert.match(row.note ?? '', /install|not installed|missing/);
  }
  assert.ok(backendRegistry.has('onnxruntime-cpu'));
  const header = fs.readFileSync(png).subarray(0, 8);
  assert.deepEqual([...header], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});
