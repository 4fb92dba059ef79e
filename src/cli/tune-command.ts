import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { InvalidOptionError } from '../core/errors.js';
import { Search, type SearchOptions } from '../core/search.js';
import { configIdKey } from '../core/types.js';
import { createExecutor, type ExecutorSpec } from '../executors/create-executor.js';
import type { Executor } from '../core/types.js';
import { segmentationMemoryBudget } from '../segmentation/memory-admission.js';
import type { LoadedDataset } from '../segmentation/dataset-loader.js';
import { presetByName } from '../segmentation/presets.js';
import { initBackend, resolveBackendName, segmentationSharedData, type SegmentationJobSettings } from '../segmentation/segmentation-job.js';
import { readSegmentationRunSettings, writeSegmentationRunSettings } from '../segmentation/segmentation-run.js';
import { trainObjective } from '../segmentation/trainer.js';
import { VALIDATION_LOSS_KINDS } from '../segmentation/trainer-settings.js';
import { integer } from './cli-values.js';
import { addFlags, readFlags } from './flags.js';
import { SEARCH_FLAGS } from './search-flags.js';
import { addSegmentationOptions, prepareDataset, recordedCliSettings, segmentationSettings } from './segmentation-options.js';
import {
  inMemoryFlagTerms,
  type MemoryCliOptions,
  processCapForBudget,
  processPeakRssMb,
  processRssMb,
  TUNE_MEMORY_FLAGS,
  frugalFlagsWithoutEffect,
} from './memory-flags.js';
import { formatSummary } from './print-summary.js';
import { runSearchFromCli } from './run-search.js';

/** The search flags `tune` takes; budgets and iterations default to the preset's. */
const TUNE_SEARCH_FLAGS = {
  nIterations: {
    ...SEARCH_FLAGS.nIterations,
    description: 'BOHB iterations',
    defaultText: "the preset's; for default 18 on a native backend, 4 on wasm or cpu",
  },
  minBudget: { ...SEARCH_FLAGS.minBudget, description: 'smallest budget in epochs', defaultText: "the preset's" },
  maxBudget: { ...SEARCH_FLAGS.maxBudget, description: 'largest budget in epochs', defaultText: "the preset's" },
  logDir: { ...SEARCH_FLAGS.logDir, description: 'where the logs go', defaultText: 'runs/tune-<time>' },
  resume: SEARCH_FLAGS.resume,
} as const;

export function tuneCommand(): Command {
  const command = addSegmentationOptions(
    new Command('tune')
      .description(
        'the main job: BOHB over the U-Net segmentation trainer (budget = epochs), on the synthetic aerial dataset unless --data is given',
      )
      .addOption(new Option('--preset <name>', 'search space').choices(['default', 'study']).default('default')),
  );
  addFlags(command, TUNE_SEARCH_FLAGS);
  addFlags(command, TUNE_MEMORY_FLAGS);
  return command
    .option('--workers <n>', 'worker threads (1 = in this thread)', integer('--workers'), Math.min(2, availableParallelism()))
    .option('--reuse-checkpoints', 'continue promoted configurations from their own weights', false)
    .addOption(
      new Option(
        '--validation-loss <kind>',
        "the loss the search minimises: the study's mean of per-batch losses, or the loss over the whole validation set (independent of the validation batch size); both are logged",
      )
        .choices(VALIDATION_LOSS_KINDS)
        .default('per-batch'),
    )
    .action(async (opts) => {
      const flags = readFlags<SearchOptions>(opts, TUNE_SEARCH_FLAGS);
      const memory = readFlags<MemoryCliOptions>(opts, TUNE_MEMORY_FLAGS);
      for (const warning of frugalFlagsWithoutEffect(memory)) process.stderr.write(`warning: ${warning}\n`);
      const logDir = flags.logDir ?? path.join('runs', `tune-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const resume = flags.resume ?? false;
      // A resumed search trains exactly as the first one did, whatever the defaults are now.
      const recorded = resume ? readSegmentationRunSettings(logDir) : undefined;
      const data = segmentationSettings(opts, recorded === undefined ? {} : recordedCliSettings(recorded));
      // `auto` is resolved once, here, so every thread trains on the same backend and the run records which.
      const backend = await resolveBackendName(data.backend);
      if (backend.reason) process.stderr.write(`backend: ${backend.reason}\n`);
      const preset = presetByName(opts.preset, {
        minBudget: flags.minBudget,
        maxBudget: flags.maxBudget,
        nIterations: flags.nIterations,
        backend: backend.name,
      });
      const minBudget = flags.minBudget ?? preset.minBudget;
      const maxBudget = flags.maxBudget ?? preset.maxBudget;
      const nIterations = flags.nIterations ?? preset.nIterations;
      const dataset = await prepareDataset(data, opts.workers > 1);

      const settings: SegmentationJobSettings = {
        backend: backend.name,
        seed: data.seed,
        reuseCheckpoints: opts.reuseCheckpoints,
        validationLoss: opts.validationLoss,
        depth: data.depth,
        baseFilters: data.baseFilters,
        profile: memory.profile ?? 'standard',
        ...(memory.microBatch === undefined && !memory.recompute
          ? {}
          : { frugal: { microBatch: memory.microBatch, ...(memory.recompute ? { recompute: true } : {}) } }),
        // One model alive per thread, and what its backend cached released with it: the budget counts on it.
        releaseMemory: memory.memoryBudget !== undefined,
      };
      writeSegmentationRunSettings(logDir, {
        ...settings,
        data: path.resolve(data.data),
        synthScale: data.synthScale,
        patch: data.patch,
        maxPatches: data.maxPatches,
        workdir: path.resolve(logDir, 'work'),
      });
      const spec = await segmentationExecutor(opts.workers, dataset, settings, logDir, {
        memoryMb: memory.memoryMb,
        processMemoryMb: memory.memoryBudget === undefined ? undefined : processCapForBudget(memory.memoryBudget),
      });
      // With a budget, the executor is started here so that what the process holds before any trial
      // (threads, backends, data) is measured; the rule admits trials in what is left.
      let executor: Executor | ExecutorSpec = spec;
      let admission: ReturnType<typeof segmentationMemoryBudget> | undefined;
      if (memory.memoryBudget !== undefined) {
        executor = await createExecutor(spec);
        const baselineMb = processRssMb();
        try {
          admission = segmentationMemoryBudget(memory.memoryBudget, baselineMb, {
            ...settings,
            dataset,
            backend: backend.name,
            microBatch: memory.microBatch,
          });
        } catch (error) {
          await executor.close();
          throw inMemoryFlagTerms(error);
        }
        process.stderr.write(
          `memory budget ${memory.memoryBudget} MB: the process holds ${Math.round(baselineMb)} MB before any trial; trials start while their predicted peaks fit the rest\n`,
        );
      }
      const search = new Search({
        space: preset.space,
        executor,
        admission,
        minBudget,
        maxBudget,
        eta: preset.eta,
        nIterations,
        seed: data.seed,
        logDir,
        resume,
      });
      const { result } = await runSearchFromCli(search).finally(async () => {
        if (typeof executor === 'object' && 'submit' in executor) await executor.close();
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
      const budget = memory.memoryBudget === undefined ? '' : ` (memory budget ${memory.memoryBudget} MB)`;
      process.stdout.write(`  peak RSS of this process: ${Math.round(processPeakRssMb())} MB${budget}\n`);
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

/** A thread pool running the segmentation objective module, or this thread when `workers` is 1. */
async function segmentationExecutor(
  workers: number,
  dataset: LoadedDataset,
  settings: SegmentationJobSettings,
  logDir: string,
  caps: { readonly memoryMb?: number; readonly processMemoryMb?: number },
): Promise<ExecutorSpec> {
  const workdir = path.join(logDir, 'work');
  if (workers > 1) {
    const objective = fileURLToPath(
      new URL(`../segmentation/pool-objective${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url),
    );
    return {
      kind: 'thread-pool',
      objective,
      threads: workers,
      sharedData: segmentationSharedData(dataset, settings),
      workdir,
      ...(caps.memoryMb === undefined ? {} : { memoryMb: caps.memoryMb }),
      ...(caps.processMemoryMb === undefined ? {} : { processMemoryMb: caps.processMemoryMb }),
    };
  }
  if (caps.memoryMb !== undefined) throw new InvalidOptionError('--memory-mb applies to worker threads: use it with --workers 2 or more');
  const backend = await initBackend(settings.backend);
  return {
    kind: 'inline',
    objective: (config, budget, ctx) => trainObjective(config, budget, ctx, { ...settings, dataset, backend }),
    workdir,
  };
}
