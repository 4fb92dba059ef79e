import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { BACKEND_NAMES, type BackendName } from '../../backends/index.js';
import { RunLogError } from '../storage/run-log-error.js';
import { RunLock } from '../storage/run-lock.js';
import { writeFileAtomic } from '../storage/write-file-atomic.js';
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

/** bandster's own file in a run directory written by `tune`: the data, net and backend settings the search trained with. */
export const SEGMENTATION_RUN_FILE = 'segmentation.json';

/**
 * Records the settings in the run directory, so `compare --run` and `--resume` train the same way.
 * Written just before the search takes the directory's lock, so a directory another process is
 * writing is refused first (RunLockError naming it): its settings stay the ones it trains with.
 */
export function recordSegmentationSettings(logDir: string, settings: SegmentationCliSettings): void {
  RunLock.refuseIfHeld(logDir);
  fs.mkdirSync(logDir, { recursive: true });
  writeFileAtomic(path.join(logDir, SEGMENTATION_RUN_FILE), `${JSON.stringify({ bandster: 1, ...settings }, null, 2)}\n`);
}

/** The settings a `tune` run recorded; empty for a run without them (e.g. written by hpbandster or `bandster run`). */
export function recordedSegmentationSettings(logDir: string): Partial<SegmentationCliSettings> {
  const file = path.join(logDir, SEGMENTATION_RUN_FILE);
  if (!fs.existsSync(file)) return {};
  try {
    const { bandster: _, ...settings } = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SegmentationCliSettings> & {
      bandster?: number;
    };
    return settings;
  } catch (error) {
    throw new RunLogError('ERR_RUN_LOG_CORRUPT', file, undefined, `cannot be read: ${(error as Error).message}`);
  }
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
