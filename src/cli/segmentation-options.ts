import * as fs from 'node:fs';
import type { Command } from 'commander';
import { BACKEND_NAMES, type BackendName } from '../../backends/index.js';
import type { SegmentationRunSettings } from '../segmentation/segmentation-run.js';
import { loadDataset, type LoadedDataset } from '../segmentation/dataset-loader.js';
import { generateSyntheticDataset } from '../segmentation/synthetic-dataset.js';
import { addFlags, type FlagTable, integer, number, readFlags, text } from './flags.js';
import { printErr } from './terminal-text.js';

/** The data, net and backend settings `tune` and `compare` share. */
export interface SegmentationCliSettings {
  readonly data: string;
  readonly synthScale: number;
  readonly patch: number;
  readonly maxPatches: number;
  readonly depth: number;
  readonly baseFilters: number;
  readonly backend: BackendName;
  readonly seed: number;
}

/** Defaults sized so that the main job finishes within about ten minutes on a 2-core CPU. */
export const SEGMENTATION_CLI_DEFAULTS: SegmentationCliSettings = Object.freeze({
  data: 'data/synthetic',
  synthScale: 0.25,
  patch: 32,
  depth: 3,
  baseFilters: 16,
  maxPatches: 480,
  backend: 'auto',
  seed: 1,
});

const SEGMENTATION_FLAGS = {
  data: {
    flag: '--data <dir>',
    description: 'dataset root (Tile N/images, Tile N/masks); a synthetic one is generated when it does not exist',
    parse: text,
    defaultText: SEGMENTATION_CLI_DEFAULTS.data,
  },
  synthScale: {
    flag: '--synth-scale <f>',
    description: 'size of a generated dataset relative to the real tiles',
    parse: number,
    defaultText: String(SEGMENTATION_CLI_DEFAULTS.synthScale),
  },
  patch: {
    flag: '--patch <n>',
    description: 'patch size in pixels (the study: 256)',
    parse: integer,
    defaultText: String(SEGMENTATION_CLI_DEFAULTS.patch),
  },
  maxPatches: {
    flag: '--max-patches <n>',
    description: 'use at most this many patches (0 = all)',
    parse: integer,
    defaultText: String(SEGMENTATION_CLI_DEFAULTS.maxPatches),
  },
  depth: {
    flag: '--depth <n>',
    description: 'U-Net levels (the study: 5)',
    parse: integer,
    defaultText: String(SEGMENTATION_CLI_DEFAULTS.depth),
  },
  baseFilters: {
    flag: '--base-filters <n>',
    description: 'filters of the first level when the configuration does not set base_filters (the study: 16)',
    parse: integer,
    defaultText: String(SEGMENTATION_CLI_DEFAULTS.baseFilters),
  },
  backend: {
    flag: '--backend <name>',
    description: 'training backend',
    choices: BACKEND_NAMES,
    defaultText: SEGMENTATION_CLI_DEFAULTS.backend,
  },
  seed: {
    flag: '--seed <n>',
    description: 'seed of the split, the search and the weights',
    parse: integer,
    defaultText: String(SEGMENTATION_CLI_DEFAULTS.seed),
  },
} as const satisfies FlagTable<SegmentationCliSettings>;

/** Adds the data, net and backend flags `tune` and `compare` share. */
export function addSegmentationOptions(command: Command): Command {
  return addFlags(command, SEGMENTATION_FLAGS);
}

/**
 * The settings: each from its flag when given, else from `recorded` (the run being continued or
 * compared), else the default.
 */
export function segmentationSettings(
  values: Readonly<Record<string, unknown>>,
  recorded: Partial<SegmentationCliSettings> = {},
): SegmentationCliSettings {
  return { ...SEGMENTATION_CLI_DEFAULTS, ...recorded, ...readFlags<SegmentationCliSettings>(values, SEGMENTATION_FLAGS) };
}

/** The settings a `tune` run recorded (segmentation.json), as the flags that would set them. */
export function recordedCliSettings(recorded: SegmentationRunSettings): Partial<SegmentationCliSettings> {
  const { data, synthScale, patch, maxPatches, depth, baseFilters, backend, seed } = recorded;
  const settings: Partial<Record<keyof SegmentationCliSettings, unknown>> = {
    data,
    synthScale,
    patch,
    maxPatches,
    depth,
    baseFilters,
    backend,
    seed,
  };
  for (const key of Object.keys(settings) as (keyof SegmentationCliSettings)[]) if (settings[key] === undefined) delete settings[key];
  return settings as Partial<SegmentationCliSettings>;
}

/** Loads the dataset the settings name, generating the synthetic one first when the folder does not exist. */
export async function prepareDataset(settings: SegmentationCliSettings, shared: boolean): Promise<LoadedDataset> {
  if (!fs.existsSync(settings.data)) {
    printErr(`no dataset at ${settings.data}: generating a synthetic one (scale ${settings.synthScale}) …\n`);
    await generateSyntheticDataset(settings.data, { seed: settings.seed, scale: settings.synthScale });
  }
  const dataset = await loadDataset(settings.data, {
    patchSize: settings.patch,
    seed: settings.seed,
    shared,
    maxPatches: settings.maxPatches || undefined,
  });
  for (const warning of dataset.warnings) printErr(`warning: ${warning.file}: ${warning.message}\n`);
  printErr(
    `dataset ${settings.data}: ${dataset.train.count} training and ${dataset.validation.count} validation patches of ${settings.patch}×${settings.patch}\n`,
  );
  return dataset;
}
