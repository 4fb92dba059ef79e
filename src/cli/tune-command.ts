import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import type { BackendName } from '../../backends/index.js';
import { Search } from '../core/search.js';
import { configIdKey, type Executor } from '../core/types.js';
import { InlineExecutor } from '../executors/inline-executor.js';
import { plannedEvaluations, planFor } from '../optimizers/bracket-plan.js';
import type { LoadedDataset } from '../segmentation/dataset-loader.js';
import { presetByName } from '../segmentation/presets.js';
import { initBackend, resolveBackendName, segmentationSharedData, type SegmentationJobSettings } from '../segmentation/segmentation-job.js';
import { writeSegmentationRunSettings } from '../segmentation/segmentation-run.js';
import { trainObjective } from '../segmentation/trainer.js';
import { integer, number, stopOnSignals } from './cli-values.js';
import { addSegmentationOptions, prepareDataset } from './segmentation-options.js';
import { attachProgress } from './progress.js';
import { formatSummary } from './print-summary.js';

export function tuneCommand(): Command {
  return addSegmentationOptions(
    new Command('tune')
      .description(
        'the main job: BOHB over the U-Net segmentation trainer (budget = epochs), on the synthetic aerial dataset unless --data is given',
      )
      .addOption(new Option('--preset <name>', 'search space').choices(['default', 'study']).default('default')),
  )
    .option('--workers <n>', 'worker threads (1 = in this thread)', integer('--workers'), Math.min(2, availableParallelism()))
    .option(
      '--iterations <n>',
      "BOHB iterations (default: the preset's; for default 18 on a native backend, 4 on wasm or cpu)",
      integer('--iterations'),
    )
    .option('--min-budget <n>', "smallest budget in epochs (default: the preset's)", number('--min-budget'))
    .option('--max-budget <n>', "largest budget in epochs (default: the preset's)", number('--max-budget'))
    .option('--reuse-checkpoints', 'continue promoted configurations from their own weights', false)
    .option('--log-dir <dir>', 'where the logs go (default: runs/tune-<time>)')
    .option('--resume', 'continue the search logged in --log-dir', false)
    .action(async (opts) => {
      const backend = await resolveBackendName(opts.backend as BackendName);
      if (backend.reason) process.stderr.write(`backend: ${backend.reason}\n`);
      const preset = presetByName(opts.preset, {
        minBudget: opts.minBudget,
        maxBudget: opts.maxBudget,
        nIterations: opts.iterations,
        backend: backend.name,
      });
      const minBudget = opts.minBudget ?? preset.minBudget;
      const maxBudget = opts.maxBudget ?? preset.maxBudget;
      const nIterations = opts.iterations ?? preset.nIterations;
      const logDir: string = opts.logDir ?? path.join('runs', `tune-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const dataset = await prepareDataset(opts, opts.workers > 1);

      const settings: SegmentationJobSettings = {
        backend: backend.name,
        seed: opts.seed,
        reuseCheckpoints: opts.reuseCheckpoints,
        depth: opts.depth,
        baseFilters: opts.baseFilters,
      };
      writeSegmentationRunSettings(logDir, {
        ...settings,
        data: path.resolve(opts.data),
        patch: opts.patch,
        maxPatches: opts.maxPatches,
        workdir: path.resolve(logDir, 'work'),
      });
      const executor = await segmentationExecutor(opts.workers, dataset, settings, logDir);
      const search = new Search({
        space: preset.space,
        executor,
        minBudget,
        maxBudget,
        eta: preset.eta,
        nIterations,
        seed: opts.seed,
        logDir,
        resume: opts.resume,
      });
      search.on('warning', ({ message }) => process.stderr.write(`warning: ${message}\n`));
      const stopProgress = attachProgress(
        search,
        plannedEvaluations(planFor('bohb', { minBudget, maxBudget, eta: preset.eta }), nIterations),
      );
      const result = await search.run({ signal: stopOnSignals() }).finally(async () => {
        stopProgress();
        await executor.close();
      });
      process.stdout.write(`${formatSummary(result, `segmentation search (${preset.name} preset: ${preset.description})`)}\n`);
      const incumbent = result.incumbent();
      if (incumbent) {
        const info = incumbent.info as Record<string, unknown>;
        const metric = (name: string): string => (typeof info[name] === 'number' ? (info[name] as number).toFixed(4) : '-');
        process.stdout.write(
          `  incumbent ${configIdKey(incumbent.configId)}: validation loss ${incumbent.loss.toFixed(4)}, mean IoU ${metric('mean_iou')}, pixel accuracy ${metric('pixel_accuracy')}\n`,
        );
      }
      process.stdout.write(`  logs (hpbandster format): ${logDir}\n`);
      const { writeSearchReport } = await import('../report/index.js');
      const report = await writeSearchReport(result, path.join(logDir, 'report'), {
        title: `Segmentation search (${preset.name} preset)`,
        source: logDir,
      });
      process.stdout.write(`  report: ${report.html}\n`);
      process.stdout.write(`  default vs tuned, side by side: npx bandster compare --run ${logDir}\n`);
      process.stdout.write(
        '  the full-size study: npx bandster tune --preset study --data DIR --patch 256 --depth 5 --base-filters 16 --max-patches 0\n',
      );
    });
}

async function segmentationExecutor(
  workers: number,
  dataset: LoadedDataset,
  settings: SegmentationJobSettings,
  logDir: string,
): Promise<Executor> {
  if (workers > 1) {
    const { ThreadPoolExecutor } = await import('../executors/thread-pool-executor.js');
    const objective = fileURLToPath(
      new URL(`../segmentation/pool-objective${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url),
    );
    const executor = new ThreadPoolExecutor({
      objective,
      threads: workers,
      sharedData: segmentationSharedData(dataset, settings),
      workdir: path.join(logDir, 'work'),
    });
    await executor.start();
    return executor;
  }
  const backend = await initBackend(settings.backend);
  return new InlineExecutor((config, budget, ctx) => trainObjective(config, budget, ctx, { ...settings, dataset, backend }), {
    workdir: path.join(logDir, 'work'),
  });
}
