import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { InvalidOptionError } from '../core/errors.js';
import { Result } from '../core/result.js';
import type { Configuration } from '../core/types.js';
import { compareRuns, toTrainingHistory, type ComparisonRunResult } from '../segmentation/comparison.js';
import { initBackend } from '../segmentation/segmentation-job.js';
import { integer } from './cli-values.js';
import { readSegmentationRunSettings } from '../segmentation/segmentation-run.js';
import { addSegmentationOptions, prepareDataset, recordedCliSettings, segmentationSettings } from './segmentation-options.js';
import { writeFileNoFollow } from '../storage/no-follow.js';
import { printErr, printOut } from './terminal-text.js';

export function compareCommand(): Command {
  return addSegmentationOptions(
    new Command('compare')
      .description(
        'train the U-Net with default and with tuned hyperparameters side by side, from fresh weights on the same split; write loss curves, precision–recall curves and the best-predicted hard patches',
      )
      .option(
        '--run <dir>',
        'take the tuned configuration from this run directory’s incumbent, and the data, patch size, depth, base width, backend and seed the run trained with (flags override them)',
      )
      .option('--tuned <json>', 'the tuned configuration, e.g. \'{"batchsize":2,"valbatchsize":29}\'')
      .option('--default <json>', 'the default configuration (the study’s: batch size 16)', '{"batchsize":16}')
      .option('--epochs <n>', 'epochs per run (the study: 100)', integer('--epochs'), 6)
      .option(
        '--pr-epoch <n>',
        'epoch after which the precision–recall curves are measured (the study: 20; default: min(20, epochs))',
        integer('--pr-epoch'),
      )
      .option('--out <dir>', 'where the histories, pictures and comparison.html go (default: runs/compare-<time>)'),
  ).action(async (opts) => {
    const tuned = tunedConfig(opts.run, opts.tuned);
    const defaults = parseConfig('--default', opts.default);
    if (opts.epochs < 1) throw new InvalidOptionError(`--epochs must be >= 1 (got ${opts.epochs})`);
    const prEpoch: number = opts.prEpoch ?? Math.min(20, opts.epochs);
    if (prEpoch < 1 || prEpoch > opts.epochs) throw new InvalidOptionError(`--pr-epoch must be within [1, --epochs] (got ${prEpoch})`);
    const out: string = opts.out ?? path.join('runs', `compare-${new Date().toISOString().replace(/[:.]/g, '-')}`);

    const recorded = opts.run === undefined ? undefined : readSegmentationRunSettings(opts.run);
    const settings = segmentationSettings(opts, recorded === undefined ? {} : recordedCliSettings(recorded));
    const dataset = await prepareDataset(settings, false);
    const backend = await initBackend(settings.backend);
    const results = await compareRuns(
      [
        { label: 'default', config: defaults },
        { label: 'tuned', config: tuned },
      ],
      opts.epochs,
      prEpoch,
      {
        dataset,
        backend,
        seed: settings.seed,
        depth: settings.depth,
        baseFilters: settings.baseFilters,
        onEpoch: (record) => {
          printErr(
            `  epoch ${record.epoch}: train ${record.trainLoss.toFixed(4)}, validation ${record.valLoss.toFixed(4)}, mean IoU ${record.meanIou.toFixed(3)}\n`,
          );
        },
      },
    );
    fs.mkdirSync(out, { recursive: true });
    writeHistories(out, results);
    const { writeComparisonReport } = await import('../report/index.js');
    const report = await writeComparisonReport(out, {
      title: `Default vs tuned (${opts.epochs} epochs, ${dataset.patchSize}×${dataset.patchSize} patches)`,
      histories: results.map(toTrainingHistory),
      precisionRecall: results.flatMap((result) => (result.precisionRecall ? [result.precisionRecall] : [])),
      hardImages: results.filter((result) => result.label === 'tuned').map((result) => ({ label: result.label, items: result.hardImages })),
    });
    for (const result of results) {
      const last = result.history.at(-1)!;
      printOut(
        `${result.label.padEnd(8)} ${JSON.stringify(result.config)}: validation loss ${last.valLoss.toFixed(4)}, mean IoU ${last.meanIou.toFixed(3)}, pixel accuracy ${last.pixelAccuracy.toFixed(3)}\n`,
      );
    }
    printOut(`histories: ${path.join(out, 'histories.json')}, ${path.join(out, 'histories.csv')}\ncomparison: ${report.html}\n`);
  });
}

function tunedConfig(run: string | undefined, json: string | undefined): Configuration {
  if ((run === undefined) === (json === undefined)) throw new InvalidOptionError('give exactly one of --run DIR and --tuned JSON');
  if (json !== undefined) return parseConfig('--tuned', json);
  const incumbent = Result.fromDirectory(run!).incumbent();
  if (!incumbent) throw new InvalidOptionError(`--run ${run}: no configuration finished at the max budget yet`);
  return incumbent.config;
}

function parseConfig(flag: string, json: string): Configuration {
  try {
    const value = JSON.parse(json) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Configuration;
  } catch (error) {
    throw new InvalidOptionError(
      `${flag} must be a JSON object of hyperparameters (got ${JSON.stringify(json)}: ${(error as Error).message})`,
    );
  }
}

function writeHistories(out: string, results: readonly ComparisonRunResult[]): void {
  // Never through a symbolic link (it could point anywhere): refused with an error naming the file.
  writeFileNoFollow(
    path.join(out, 'histories.json'),
    `${JSON.stringify(
      results.map(({ label, config, history }) => ({ label, config, history })),
      null,
      1,
    )}\n`,
  );
  const header = 'run,epoch,train_loss,val_loss,jaccard,mean_iou,pixel_accuracy,seconds';
  const rows = results.flatMap((result) =>
    result.history.map((record) =>
      [
        result.label,
        record.epoch,
        record.trainLoss,
        record.valLoss,
        record.jaccard,
        record.meanIou,
        record.pixelAccuracy,
        record.seconds.toFixed(3),
      ].join(','),
    ),
  );
  writeFileNoFollow(path.join(out, 'histories.csv'), `${[header, ...rows].join('\n')}\n`);
}
