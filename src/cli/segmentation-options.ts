import * as fs from 'node:fs';
import { type Command, Option } from 'commander';
import { BACKEND_NAMES } from '../../backends/index.js';
import { loadDataset, type LoadedDataset } from '../segmentation/dataset-loader.js';
import { generateSyntheticDataset } from '../segmentation/synthetic-dataset.js';
import { integer, number } from './cli-values.js';

/** Defaults sized so that the main job finishes within about ten minutes on a 2-core CPU. */
export const SEGMENTATION_CLI_DEFAULTS = Object.freeze({
  data: 'data/synthetic',
  synthScale: 0.25,
  patch: 32,
  depth: 3,
  baseFilters: 16,
  maxPatches: 480,
  seed: 1,
});

/** The data, net and backend options `tune` and `compare` share. */
export function addSegmentationOptions(command: Command): Command {
  return command
    .option(
      '--data <dir>',
      'dataset root (Tile N/images, Tile N/masks); a synthetic one is generated when it does not exist',
      SEGMENTATION_CLI_DEFAULTS.data,
    )
    .option(
      '--synth-scale <f>',
      'size of a generated dataset relative to the real tiles',
      number('--synth-scale'),
      SEGMENTATION_CLI_DEFAULTS.synthScale,
    )
    .option('--patch <n>', 'patch size in pixels (the study: 256)', integer('--patch'), SEGMENTATION_CLI_DEFAULTS.patch)
    .option('--max-patches <n>', 'use at most this many patches (0 = all)', integer('--max-patches'), SEGMENTATION_CLI_DEFAULTS.maxPatches)
    .option('--depth <n>', 'U-Net levels (the study: 5)', integer('--depth'), SEGMENTATION_CLI_DEFAULTS.depth)
    .option(
      '--base-filters <n>',
      'filters of the first level when the configuration does not set base_filters (the study: 16)',
      integer('--base-filters'),
      SEGMENTATION_CLI_DEFAULTS.baseFilters,
    )
    .addOption(new Option('--backend <name>', 'training backend').choices(BACKEND_NAMES).default('auto'))
    .option('--seed <n>', 'seed of the split, the search and the weights', integer('--seed'), SEGMENTATION_CLI_DEFAULTS.seed);
}

/** Loads the dataset the options name, generating the synthetic one first when the folder does not exist. */
export async function prepareDataset(
  opts: { data: string; synthScale: number; patch: number; maxPatches: number; seed: number },
  shared: boolean,
): Promise<LoadedDataset> {
  if (!fs.existsSync(opts.data)) {
    process.stderr.write(`no dataset at ${opts.data}: generating a synthetic one (scale ${opts.synthScale}) …\n`);
    await generateSyntheticDataset(opts.data, { seed: opts.seed, scale: opts.synthScale });
  }
  const dataset = await loadDataset(opts.data, {
    patchSize: opts.patch,
    seed: opts.seed,
    shared,
    maxPatches: opts.maxPatches || undefined,
  });
  for (const warning of dataset.warnings) process.stderr.write(`warning: ${warning.file}: ${warning.message}\n`);
  process.stderr.write(
    `dataset ${opts.data}: ${dataset.train.count} training and ${dataset.validation.count} validation patches of ${opts.patch}×${opts.patch}\n`,
  );
  return dataset;
}
