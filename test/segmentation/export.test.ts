// A trained U-Net exported as a standard ONNX inference model predicts what the trainer's model
// predicts (≤ 1e-5) when reloaded in a fresh onnxruntime session, whichever backend trained it; and
// `bandster export` finds the incumbent's weights in a tune run (its checkpoint, or a retraining that
// reproduces the logged validation loss when there is none).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import ort from 'onnxruntime-node';

import { exportInferenceModel } from '../../backends/onnxruntime/onnx-export.js';
import { Result } from '../../src/core/result.js';
import { configIdKey } from '../../src/core/types.js';
import { loadDataset } from '../../src/segmentation/dataset-loader.js';
import { scaleBatch } from '../../src/segmentation/patch-batches.js';
import { initBackend } from '../../src/segmentation/segmentation-job.js';
import { generateSyntheticDataset } from '../../src/segmentation/synthetic-dataset.js';
import { trainModel } from '../../src/segmentation/trainer.js';
import type { SegmentationDataset } from '../../src/segmentation/types.js';
import { runBandster, tinySegmentationArgs } from '../helpers/cli.js';

let dir: string;
let dataset: SegmentationDataset;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-export-'));
  await generateSyntheticDataset(path.join(dir, 'data'), { seed: 4, tiles: 3, scale: 0.1, imagesPerTile: 2 });
  dataset = await loadDataset(path.join(dir, 'data'), { patchSize: 32, seed: 4, maxPatches: 16 });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference = Math.max(difference, Math.abs(a[i] - b[i]));
  return difference;
}

/** Runs an exported model file in a fresh session with onnxruntime's default options. */
async function runExported(
  file: string,
  images: Float32Array,
  size: number,
  side: number,
): Promise<{ probabilities: Float32Array; session: ort.InferenceSession }> {
  const session = await ort.InferenceSession.create(file);
  const outputs = await session.run({ images: new ort.Tensor('float32', images, [size, side, side, 3]) });
  return { probabilities: outputs.probabilities.data as Float32Array, session };
}

for (const backendName of ['onnxruntime-cpu', 'wasm'] as const) {
  test(`a model trained on ${backendName}, exported from its checkpoint, predicts what the trainer's model predicts (≤ 1e-5)`, async () => {
    const backend = await initBackend(backendName);
    const workdir = path.join(dir, `work-${backendName}`);
    const config = { learning_rate: 3e-3, batchsize: 4, valbatchsize: 8, dropout_scale: 1, base_filters: 4 };
    const run = await trainModel(
      config,
      2,
      { dataset, backend, seed: 1, depth: 2, reuseCheckpoints: true },
      {
        configId: [0, 0, 1],
        signal: new AbortController().signal,
        report: () => {},
        workdir,
      },
    );
    const state = new Uint8Array(fs.readFileSync(path.join(workdir, 'checkpoint-epoch-2.bin')));
    const exported = exportInferenceModel(state, { 'bandster.config_id': '0-0-1' });
    const file = path.join(dir, `${backendName}.onnx`);
    fs.writeFileSync(file, exported.model);

    const indices = Array.from({ length: dataset.validation.count }, (_, i) => i);
    const images = scaleBatch(dataset.validation, indices);
    const expected = await run.model.predict(images, indices.length);
    const { probabilities, session } = await runExported(file, images, indices.length, 32);
    assert.ok(maxDifference(probabilities, expected) <= 1e-5, `max |Δ| ${maxDifference(probabilities, expected)}`);
    // A standard model: images in, probabilities out, a symbolic batch, what it is in its metadata.
    assert.deepEqual(session.inputNames, ['images']);
    assert.deepEqual(session.outputNames, ['probabilities']);
    const input = session.inputMetadata[0] as { shape?: (number | string)[] };
    assert.deepEqual(input.shape, ['N', 32, 32, 3]);
    assert.equal(JSON.parse(new TextDecoder().decode(exported.model).match(/\{"inputSize":32[^}]*\}/)![0]).baseFilters, 4);
    await session.release();
    run.model.dispose();
    await backend.dispose();
  });
}

function bandster(args: string[]) {
  return runBandster(args, { env: { BANDSTER_CACHE_DIR: dir } });
}

test('bandster export writes the incumbent from its checkpoint, or retrains it to the logged loss when none was kept', async () => {
  const logDir = path.join(dir, 'run');
  const tune = bandster([
    'tune',
    ...tinySegmentationArgs({ data: path.join(dir, 'data'), maxPatches: 24 }),
    '--iterations',
    '1',
    '--min-budget',
    '2',
    '--max-budget',
    '2',
    '--workers',
    '1',
    '--backend',
    'onnxruntime-cpu',
    '--reuse-checkpoints',
    '--log-dir',
    logDir,
  ]);
  assert.equal(tune.status, 0, tune.stderr);
  const incumbent = Result.fromDirectory(logDir).incumbent()!;
  const id = configIdKey(incumbent.configId);

  const fromCheckpoint = path.join(dir, 'from-checkpoint.onnx');
  const exported = bandster(['export', '--run', logDir, '--out', fromCheckpoint]);
  assert.equal(exported.status, 0, exported.stderr);
  const checkpoint = path.join(logDir, 'work', incumbent.configId.join('_'), 'checkpoint-epoch-2.bin');
  assert.match(
    exported.stdout,
    new RegExp(`configuration ${id} after 2 epochs, from the checkpoint ${checkpoint.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
  );
  assert.match(exported.stdout, /input {2}images: float32 \[N, 32, 32, 3\]/);

  // The exported model predicts what a model holding the checkpoint predicts.
  const backend = await initBackend('onnxruntime-cpu');
  const model = await backend.createModel(
    { inputSize: 32, inputChannels: 3, classes: 6, baseFilters: Number(incumbent.config.base_filters), depth: 2, dropoutScale: 0 },
    { learningRate: 1e-3, loss: 'dice-focal', seed: 1 },
  );
  await model.importState(new Uint8Array(fs.readFileSync(checkpoint)));
  const images = scaleBatch(dataset.validation, [0, 1, 2]);
  const { probabilities, session } = await runExported(fromCheckpoint, images, 3, 32);
  assert.ok(maxDifference(probabilities, await model.predict(images, 3)) <= 1e-5);
  await session.release();
  model.dispose();
  await backend.dispose();

  // Without the checkpoint, export retrains from segmentation.json and reaches the logged loss.
  fs.rmSync(checkpoint);
  const retrained = bandster(['export', '--run', logDir, '--out', path.join(dir, 'retrained.onnx')]);
  assert.equal(retrained.status, 0, retrained.stderr);
  assert.match(retrained.stderr, new RegExp(`no checkpoint at .*: retraining ${id} for 2 epochs`));
  assert.match(retrained.stdout, /from a retraining from the run's settings \(validation loss (\d\.\d+); the search logged \1\)/);
  assert.doesNotMatch(retrained.stderr, /warning/);

  const missing = bandster(['export', '--run', logDir, '--config', '9-9-9', '--out', path.join(dir, 'none.onnx')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--config 9-9-9: no successful run/);
});
