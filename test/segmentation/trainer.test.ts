import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, after, test } from 'node:test';
import type { Backend } from '../../backends/backend.js';
import { loadDataset } from '../../src/segmentation/dataset-loader.js';
import { initBackend } from '../../src/segmentation/segmentation-job.js';
import { generateSyntheticDataset } from '../../src/segmentation/synthetic-dataset.js';
import { trainModel, trainObjective, validateModel } from '../../src/segmentation/trainer.js';
import { trainerSettings } from '../../src/segmentation/trainer-settings.js';
import type { SegmentationDataset } from '../../src/segmentation/types.js';
import type { TrialContext } from '../../src/core/types.js';

let dir: string;
let dataset: SegmentationDataset;
let backend: Backend;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-trainer-'));
  await generateSyntheticDataset(path.join(dir, 'data'), { seed: 3, tiles: 3, scale: 0.1, imagesPerTile: 2 });
  dataset = await loadDataset(path.join(dir, 'data'), { patchSize: 32, seed: 3, maxPatches: 16 });
  backend = await initBackend('wasm');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const tiny = { learning_rate: 3e-3, batchsize: 4, valbatchsize: 8, dropout_scale: 0, base_filters: 4 };
const options = () => ({ dataset, backend, seed: 1, depth: 2 });

function context(workdir?: string, reports: number[] = []): TrialContext {
  return {
    configId: [0, 0, 1],
    budget: 1,
    signal: new AbortController().signal,
    report: (_step, loss) => reports.push(loss),
    ...(workdir ? { workdir } : {}),
  };
}

test('settings come from either preset’s names with the study’s defaults', () => {
  assert.deepEqual(trainerSettings({ batchsize: 2, valbatchsize: 29 }), {
    learningRate: 1e-3,
    batchSize: 2,
    validationBatchSize: 29,
    dropoutScale: 1,
    baseFilters: 16,
    depth: 5,
    loss: 'dice-focal',
    validationLoss: 'per-batch',
  });
  assert.equal(trainerSettings({}, { validationLoss: 'whole-set' }).validationLoss, 'whole-set');
  assert.throws(() => trainerSettings({}, { validationLoss: 'per-image' as never }), { code: 'ERR_INVALID_OPTION' });
  assert.throws(() => trainerSettings({ batchsize: 0 }), {
    code: 'ERR_INVALID_OPTION',
    message: /config\.batchsize must be an integer >= 1 \(got 0\)/,
  });
});

test('training on a fixed tiny set lowers the training loss and reports every epoch', async () => {
  const reports: number[] = [];
  const run = await trainModel(tiny, 4, options(), context(undefined, reports));
  run.model.dispose();
  assert.equal(run.history.length, 4);
  assert.deepEqual(
    reports,
    run.history.map((record) => record.valLoss),
  );
  assert.ok(
    run.history[3].trainLoss < run.history[0].trainLoss,
    `train loss ${run.history.map((r) => r.trainLoss.toFixed(4)).join(' → ')}`,
  );
  for (const record of run.history) {
    assert.ok(record.pixelAccuracy >= 0 && record.pixelAccuracy <= 1);
    assert.ok(record.jaccard > 0 && record.jaccard <= 1);
    assert.equal(record.iou.length, 6);
  }
});

test('the objective returns the validation loss and the metrics; fresh weights give the same result for the same seed', async () => {
  const first = await trainObjective(tiny, 1, context(), options());
  const again = await trainObjective(tiny, 1, context(), options());
  assert.equal(first.loss, again.loss, 'same seed, same config id: same run');
  assert.ok(Number.isFinite(first.loss) && first.loss > 0);
  const info = first.info as Record<string, unknown>;
  assert.equal(info.epochs, 1);
  assert.equal(info.continued_from_epoch, 0);
  assert.equal((info.history as unknown[]).length, 1);
  assert.ok(typeof info.mean_iou === 'number');
});

test('checkpoint reuse: a promoted configuration continues from its own weights', async () => {
  const workdir = path.join(dir, 'work', '0_0_1');
  const low = await trainObjective(tiny, 1, context(workdir), { ...options(), reuseCheckpoints: true });
  assert.equal((low.info as Record<string, unknown>).continued_from_epoch, 0);
  assert.ok(fs.existsSync(path.join(workdir, 'checkpoint-epoch-1.bin')));
  const high = await trainObjective(tiny, 3, context(workdir), { ...options(), reuseCheckpoints: true });
  const info = high.info as Record<string, unknown>;
  assert.equal(info.continued_from_epoch, 1, 'the log says the run continued');
  assert.deepEqual(
    (info.history as { epoch: number }[]).map((record) => record.epoch),
    [2, 3],
    'only the missing epochs were trained',
  );
});

test('a checkpoint that cannot be read back is a TrainingError naming the file', async () => {
  const workdir = path.join(dir, 'work', '0_0_2');
  fs.mkdirSync(workdir, { recursive: true });
  const file = path.join(workdir, 'checkpoint-epoch-1.bin');
  fs.writeFileSync(file, 'not a checkpoint');
  await assert.rejects(trainObjective(tiny, 2, context(workdir), { ...options(), reuseCheckpoints: true }), (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, 'ERR_TRAINING_CHECKPOINT');
    assert.ok((error as Error).message.startsWith(file), (error as Error).message);
    return true;
  });
});

test('an aborted signal stops training', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(trainObjective(tiny, 2, { ...context(), signal: controller.signal }, options()), { code: 'ERR_ABORTED' });
});

test("the whole-set validation loss does not depend on the validation batch size; the study's per-batch mean does", async () => {
  for (const loss of ['dice-focal', 'dice', 'cross-entropy'] as const) {
    const run = await trainModel({ ...tiny, valbatchsize: 3 }, 1, { ...options(), loss });
    try {
      const set = dataset.validation;
      const at = await Promise.all([1, 2, set.count].map((size) => validateModel(run.model, set, size, loss)));
      const wholeSet = at.map((result) => result.wholeSetLoss);
      for (const value of wholeSet) assert.ok(Math.abs(value - wholeSet[0]) <= 1e-9, `${loss}: ${wholeSet.join(', ')}`);
      // One batch holding the whole set is the whole set: the backend's own loss agrees (float32 vs float64).
      assert.ok(
        Math.abs(at[2].perBatchLoss - wholeSet[0]) <= 1e-5 * Math.max(1, wholeSet[0]),
        `${loss}: ${at[2].perBatchLoss} vs ${wholeSet[0]}`,
      );
      if (loss !== 'cross-entropy') {
        // Dice sums over the batch, so cutting the set into batches changes the study's loss.
        assert.ok(
          Math.abs(at[0].perBatchLoss - at[2].perBatchLoss) > 1e-4,
          `${loss}: per-batch ${at[0].perBatchLoss} vs ${at[2].perBatchLoss}`,
        );
      }
      assert.ok(Math.abs(run.history[0].valLossWholeSet - wholeSet[0]) <= 1e-9, 'the trainer logged the same whole-set loss');
    } finally {
      run.model.dispose();
    }
  }
});

test('the objective returns the loss asked for and logs both', async () => {
  const perBatch = await trainObjective(tiny, 1, context(), options());
  const wholeSet = await trainObjective(tiny, 1, context(), { ...options(), validationLoss: 'whole-set' });
  const info = (result: typeof perBatch) => result.info as Record<string, number>;
  assert.equal(perBatch.loss, info(perBatch).val_loss_per_batch);
  assert.equal(wholeSet.loss, info(wholeSet).val_loss_whole_set);
  assert.equal(info(perBatch).val_loss_whole_set, info(wholeSet).val_loss_whole_set, 'same seed, same weights, same whole-set loss');
});
