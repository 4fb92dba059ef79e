// The study's `valbatchsize` "mattered" because its validation loss is the mean of per-batch losses
// and the dice term sums over a batch: cut the same predictions into other batches and the loss moves.
// This trains the main job's default net once on the synthetic data (same data, net and backend as
// `npm start`), then evaluates the very same weights at validation batch sizes 1, 8 and 29: the
// study's per-batch loss against the whole-set loss bandster also logs (which must not move).
//
// Run: `npm run bench validation` (or `node --import tsx bench/validation-batch.ts`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset } from '../src/segmentation/dataset-loader.js';
import { initBackend } from '../src/segmentation/segmentation-job.js';
import { generateSyntheticDataset } from '../src/segmentation/synthetic-dataset.js';
import { trainModel, validateModel } from '../src/segmentation/trainer.js';

const BATCH_SIZES = [1, 8, 29];

export async function run(options: { quick?: boolean } = {}): Promise<void> {
  const data = path.resolve('data/synthetic');
  if (!fs.existsSync(data)) await generateSyntheticDataset(data, { seed: 1, scale: 0.25 });
  const dataset = await loadDataset(data, { patchSize: 32, seed: 1, maxPatches: 480 });
  const backend = await initBackend('auto');
  const epochs = options.quick ? 2 : 8;
  const trained = await trainModel({ learning_rate: 3e-3, batchsize: 8, dropout_scale: 1, base_filters: 16 }, epochs, {
    dataset,
    backend,
    seed: 1,
    depth: 3,
  });
  try {
    process.stdout.write(
      `one model (${backend.name}, depth 3, base width 16, ${epochs} epochs) on ${dataset.validation.count} validation patches of 32×32\n`,
    );
    process.stdout.write('validation batch size | per-batch loss (the study) | whole-set loss (bandster)\n');
    const rows = [];
    for (const size of BATCH_SIZES) {
      const result = await validateModel(trained.model, dataset.validation, size, 'dice-focal');
      rows.push(result);
      process.stdout.write(
        `${String(size).padStart(21)} | ${result.perBatchLoss.toFixed(4).padStart(26)} | ${result.wholeSetLoss.toFixed(4).padStart(25)}\n`,
      );
    }
    const spread = (values: number[]): number => Math.max(...values) - Math.min(...values);
    process.stdout.write(
      `spread over batch sizes: per-batch ${spread(rows.map((r) => r.perBatchLoss)).toFixed(4)}, whole-set ${spread(rows.map((r) => r.wholeSetLoss)).toExponential(1)}\n`,
    );
  } finally {
    trained.model.dispose();
    await backend.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick') });
