import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { labelBatch, scaleBatch } from '../../src/segmentation/patch-batches.js';
import {
  allocatePatchSet,
  datasetFromShared,
  datasetToShared,
  isShared,
  patchSetFromShared,
  sharedBuffersOf,
  toShared,
} from '../../src/segmentation/patch-set.js';
import type { PatchSet } from '../../src/segmentation/types.js';

/** Two 2×2 patches with hand-picked values. */
function tinySet(): PatchSet {
  const set = allocatePatchSet(2, 2, ['a#0', 'b#0'], false);
  // Patch 0: R 10, 20, 30, 50 (min 10, max 50); G constant 7; B 0, 255, 0, 255.
  // Patch 1: R 100, 100, 100, 101; G 0, 1, 2, 3; B constant 200.
  set.images.set([10, 7, 0, 20, 7, 255, 30, 7, 0, 50, 7, 255, 100, 0, 200, 100, 1, 200, 100, 2, 200, 101, 3, 200]);
  set.labels.set([0, 1, 2, 3, 4, 5, 1, 1]);
  return set;
}

test('scaleBatch: per patch, per channel min-max to [0, 1] in NHWC float32; a constant channel maps to 0', () => {
  const set = tinySet();
  const batch = scaleBatch(set, [0, 1]);
  assert.ok(batch instanceof Float32Array);
  assert.equal(batch.length, 2 * 2 * 2 * 3);
  const expected = [0, 0, 0, 0.25, 0, 1, 0.5, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1 / 3, 0, 0, 2 / 3, 0, 1, 1, 0];
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(batch[i] - expected[i]) < 1e-6, `value ${i}: ${batch[i]} vs ${expected[i]}`);
  // Order follows indices, and each patch is scaled on its own whatever else is in the batch.
  const reversed = scaleBatch(set, [1, 0]);
  assert.deepEqual(reversed.subarray(0, 12), batch.subarray(12, 24));
  assert.deepEqual(reversed.subarray(12, 24), batch.subarray(0, 12));
  assert.deepEqual(scaleBatch(set, [0, 0]).subarray(12, 24), batch.subarray(0, 12));
});

test('scaleBatch / labelBatch write into a given buffer (allocation-free), a longer one as a view of its start', () => {
  const set = tinySet();
  const out = new Float32Array(12).fill(-1);
  assert.equal(scaleBatch(set, [1], out), out);
  assert.deepEqual(out, scaleBatch(set, [1]));
  assert.equal(scaleBatch(set, [0], out), out, 'the same buffer again');
  assert.deepEqual(out, scaleBatch(set, [0]));
  const longer = new Float32Array(24).fill(-1);
  const view = scaleBatch(set, [1], longer);
  assert.equal(view.buffer, longer.buffer);
  assert.equal(view.length, 12);
  assert.equal(longer[12], -1, 'nothing written past the batch');
  assert.throws(() => scaleBatch(set, [0, 1], new Float32Array(12)), /out must hold at least 24 values for 2 patches \(got 12\)/);

  const labels = new Uint8Array(8);
  assert.equal(labelBatch(set, [1, 0], labels), labels);
  assert.deepEqual([...labels], [4, 5, 1, 1, 0, 1, 2, 3]);
  assert.deepEqual([...labelBatch(set, [0])], [0, 1, 2, 3]);
  assert.throws(() => labelBatch(set, [0, 1], new Uint8Array(7)), /out must hold at least 8 values/);
});

test('scaleBatch / labelBatch reject indices outside the set, naming the entry', () => {
  const set = tinySet();
  assert.throws(() => scaleBatch(set, [0, 2]), /indices\[1\] must be an integer in \[0, 2\) \(got 2\)/);
  assert.throws(() => labelBatch(set, [-1]), /indices\[0\] must be an integer in \[0, 2\) \(got -1\)/);
  assert.throws(() => scaleBatch(set, [0.5]), /indices\[0\] must be an integer/);
  assert.equal(scaleBatch(set, []).length, 0);
});

test('toShared / sharedBuffersOf / patchSetFromShared: the same bytes in SharedArrayBuffers, rebuilt as views', () => {
  const set = tinySet();
  assert.ok(!isShared(set));
  const shared = toShared(set);
  assert.ok(shared.images.buffer instanceof SharedArrayBuffer);
  assert.ok(shared.labels.buffer instanceof SharedArrayBuffer);
  assert.equal(toShared(shared), shared, 'already shared: no copy');
  assert.deepEqual([...shared.images], [...set.images]);
  const buffers = sharedBuffersOf(shared);
  assert.equal(buffers.images, shared.images.buffer);
  const rebuilt = patchSetFromShared(buffers);
  assert.deepEqual(
    { ...rebuilt, images: [...rebuilt.images], labels: [...rebuilt.labels] },
    { patchSize: 2, count: 2, images: [...set.images], labels: [...set.labels], sources: ['a#0', 'b#0'] },
  );
  rebuilt.labels[0] = 9;
  assert.equal(shared.labels[0], 9, 'a view, not a copy');
  assert.throws(
    () => patchSetFromShared({ ...buffers, labels: new SharedArrayBuffer(3) }),
    /buffers\.labels must hold 8 bytes for 2 patches of 2×2 \(got 3\)/,
  );
  assert.throws(
    () => patchSetFromShared({ ...buffers, meta: new ArrayBuffer(1) as unknown as SharedArrayBuffer }),
    /buffers\.meta must be a SharedArrayBuffer/,
  );
});

test('datasetToShared hands a dataset to a worker thread once; the thread rebuilds it with datasetFromShared and sees the same memory', async () => {
  const train = tinySet();
  const validation = allocatePatchSet(2, 1, ['c#3'], true);
  validation.labels.set([3, 3, 4, 4]);
  const record = datasetToShared({ train, validation, patchSize: 2 });
  assert.deepEqual(Object.keys(record).sort(), [
    'train.images',
    'train.labels',
    'train.meta',
    'validation.images',
    'validation.labels',
    'validation.meta',
  ]);
  assert.equal(record['validation.labels'], validation.labels.buffer, 'an already shared set is handed over as is');
  const moduleUrl = new URL('../../src/segmentation/patch-set.ts', import.meta.url).href;
  const batchesUrl = new URL('../../src/segmentation/patch-batches.ts', import.meta.url).href;
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      // A worker does not inherit the parent's module hooks: register tsx here to import the TypeScript sources.
      (await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})).register();
      const { datasetFromShared } = await import(${JSON.stringify(moduleUrl)});
      const { scaleBatch } = await import(${JSON.stringify(batchesUrl)});
      const dataset = datasetFromShared(workerData);
      dataset.validation.labels[0] = 5;
      parentPort.postMessage({ counts: [dataset.train.count, dataset.validation.count], sources: dataset.validation.sources, shared: dataset.train.images.buffer instanceof SharedArrayBuffer, scaled: Array.from(scaleBatch(dataset.train, [0])) });
    })().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
  `;
  const worker = new Worker(code, { eval: true, workerData: record });
  const message = await new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(message.error, undefined, String(message.error));
  assert.deepEqual(message.counts, [2, 1]);
  assert.deepEqual(message.sources, ['c#3']);
  assert.equal(message.shared, true);
  assert.deepEqual(message.scaled, Array.from(scaleBatch(train, [0])));
  assert.equal(validation.labels[0], 5, 'the thread wrote into the same memory');
  const back = datasetFromShared(record);
  assert.equal(back.patchSize, 2);
  assert.deepEqual([...back.train.labels], [...train.labels]);
  assert.throws(() => datasetFromShared(new SharedArrayBuffer(4)), { code: 'ERR_TRAINING_SHARED_DATA' });
});
