import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { BACKEND_NAMES, type BackendName } from '../../backends/index.js';
import { Search } from '../core/search.js';
import { configIdKey, type Executor } from '../core/types.js';
import { InlineExecutor } from '../executors/inline-executor.js';
import { plannedEvaluations, planFor } from '../optimizers/bracket-plan.js';
import { loadDataset } from '../segmentation/dataset-loader.js';
import { presetByName } from '../segmentation/presets.js';
import { initBackend, segmentationSharedData, type SegmentationJobSettings } from '../segmentation/segmentation-job.js';
import { generateSyntheticDataset } from '../segmentation/synthetic-dataset.js';
import { trainObjective } from '../segmentation/trainer.js';
import { integer, number, stopOnSignals } from './cli-values.js';
import { attachProgress } from './progress.js';
import { formatSummary } from './print-summary.js';

/** Defaults sized so that the main job finishes within about ten minutes on a 2-core CPU. */
export const TUNE_DEFAULTS = Object.freeze({
  data: 'data/synthetic',
  synthScale: 0.25,
  patch: 32,
  depth: 3,
  maxPatches: 480,
  iterations: 4,
  minBudget: 1,
  maxBudget: 9,
  seed: 1,
});

export function tuneCommand(): Command {
  return new Command('tune')
    .description('the main job: BOHB over the U-Net segmentation trainer (budget = epochs), on the synthetic aerial dataset unless --data is given')
    .addOption(new Option('--preset <name>', 'search space').choices(['default', 'study']).default('default'))
    .option('--data <dir>', 'dataset root (Tile N/images, Tile N/masks); generated when it does not exist', TUNE_DEFAULTS.data)
    .option('--synth-scale <f>', 'size of a generated dataset relative to the real tiles', number('--synth-scale'), TUNE_DEFAULTS.synthScale)
    .option('--patch <n>', 'patch size in pixels (the study: 256)', integer('--patch'), TUNE_DEFAULTS.patch)
    .option('--max-patches <n>', 'use at most this many patches (0 = all)', integer('--max-patches'), TUNE_DEFAULTS.maxPatches)
    .option('--depth <n>', 'U-Net levels (the study: 5)', integer('--depth'), TUNE_DEFAULTS.depth)
    .option('--base-filters <n>', 'filters of the first level when the space does not tune it (the study: 16)', integer('--base-filters'), 16)
    .addOption(new Option('--backend <name>', 'training backend').choices(BACKEND_NAMES).default('auto'))
    .option('--workers <n>', 'worker threads (1 = in this thread)', integer('--workers'), Math.min(2, availableParallelism()))
    .option('--iterations <n>', 'BOHB iterations (default: the preset\'s, 4 for default)', integer('--iterations'))
    .option('--min-budget <n>', 'smallest budget in epochs (default: the preset\'s)', number('--min-budget'))
    .option('--max-budget <n>', 'largest budget in epochs (default: the preset\'s)', number('--max-budget'))
    .option('--seed <n>', 'seed of the split, the search and the weights', integer('--seed'), TUNE_DEFAULTS.seed)
    .option('--reuse-checkpoints', 'continue promoted configurations from their own weights', false)
    .option('--log-dir <dir>', 'where the logs go (default: runs/tune-<time>)')
    .option('--resume', 'continue the search logged in --log-dir', false)
    .action(async (opts) => {
      const preset = presetByName(opts.preset, { minBudget: opts.minBudget, maxBudget: opts.maxBudget, nIterations: opts.iterations });
      const minBudget = opts.minBudget ?? preset.minBudget;
      const maxBudget = opts.maxBudget ?? preset.maxBudget;
      const nIterations = opts.iterations ?? preset.nIterations;
      const logDir: string = opts.logDir ?? path.join('runs', `tune-${new Date().toISOString().replace(/[:.]/g, '-')}`);

      if (!fs.existsSync(opts.data)) {
        process.stderr.write(`no dataset at ${opts.data}: generating a synthetic one (scale ${opts.synthScale}) …\n`);
        await generateSyntheticDataset(opts.data, { seed: opts.seed, scale: opts.synthScale });
      }
      const dataset = await loadDataset(opts.data, { patchSize: opts.patch, seed: opts.seed, shared: opts.workers > 1, maxPatches: opts.maxPatches || undefined });
      for (const warning of dataset.warnings) process.stderr.write(`warning: ${typeof warning === 'string' ? warning : JSON.stringify(warning)}\n`);
      process.stderr.write(`dataset ${opts.data}: ${dataset.train.count} training and ${dataset.validation.count} validation patches of ${opts.patch}×${opts.patch}\n`);

      const settings: SegmentationJobSettings = {
        backend: opts.backend as BackendName,
        seed: opts.seed,
        reuseCheckpoints: opts.reuseCheckpoints,
        depth: opts.depth,
        baseFilters: opts.baseFilters,
      };
      const executor = await segmentationExecutor(opts.workers, dataset, settings, logDir);
      const search = new Search({ space: preset.space, executor, minBudget, maxBudget, eta: preset.eta, nIterations, seed: opts.seed, logDir, resume: opts.resume });
      search.on('warning', ({ message }) => process.stderr.write(`warning: ${message}\n`));
      const stopProgress = attachProgress(search, plannedEvaluations(planFor('bohb', { minBudget, maxBudget, eta: preset.eta }), nIterations));
      const result = await search.run({ signal: stopOnSignals() }).finally(async () => {
        stopProgress();
        await executor.close();
      });
      process.stdout.write(`${formatSummary(result, `segmentation search (${preset.name} preset: ${preset.description})`)}\n`);
      const incumbent = result.incumbent();
      if (incumbent) {
        const info = incumbent.info as Record<string, unknown>;
        const metric = (name: string): string => (typeof info[name] === 'number' ? (info[name] as number).toFixed(4) : '-');
        process.stdout.write(`  incumbent ${configIdKey(incumbent.configId)}: validation loss ${incumbent.loss.toFixed(4)}, mean IoU ${metric('mean_iou')}, pixel accuracy ${metric('pixel_accuracy')}\n`);
      }
      process.stdout.write(`  logs (hpbandster format): ${logDir}\n`);
      process.stdout.write('  the full-size study: npx bandster tune --preset study --data DIR --patch 256 --depth 5 --base-filters 16 --max-patches 0\n');
    });
}

async function segmentationExecutor(workers: number, dataset: Awaited<ReturnType<typeof loadDataset>>, settings: SegmentationJobSettings, logDir: string): Promise<Executor> {
  if (workers > 1) {
    const { ThreadPoolExecutor } = await import('../executors/thread-pool-executor.js');
    const objective = fileURLToPath(new URL(`../segmentation/pool-objective${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
    const executor = new ThreadPoolExecutor({ objective, threads: workers, sharedData: segmentationSharedData(dataset, settings), workdir: path.join(logDir, 'work') });
    await executor.start();
    return executor;
  }
  const backend = await initBackend(settings.backend);
  return new InlineExecutor((config, budget, ctx) => trainObjective(config, budget, ctx, { ...settings, dataset, backend }), { workdir: path.join(logDir, 'work') });
}
