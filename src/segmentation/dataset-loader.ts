// loadDataset: the aerial dataset on disk -> seeded train/validation PatchSets of bytes.
import { checkBoolean, checkFunction, checkInteger, checkNumber, checkObject, checkOneOf } from '../core/option-checks.js';
import { DatasetError, problemError, type DatasetProblem, type DatasetWarning } from './dataset-error.js';
import { scanDataset } from './dataset-files.js';
import { forEachLimited, readPairPixels, readPairSize } from './dataset-read.js';
import { shuffledOrder, validationCount } from './dataset-split.js';
import { describeUnknownColours, maskToClassIds, UNLABELED_ID } from './mask-colours.js';
import { copyPatch, patchGrid } from './patch-extract.js';
import { allocatePatchSet } from './patch-set.js';
import type { SegmentationDataset } from './types.js';

export interface LoadDatasetOptions {
  /** Side of the square patches in pixels (256 in the study; smaller for CPU runs). */
  readonly patchSize: number;
  /** Seeds the shuffle of patches before the split (and the choice of `maxPatches`). */
  readonly seed: number;
  /** Share of the patches held out for validation. @defaultValue 0.2 */
  readonly validationFraction?: number;
  /** Mask colours outside the palette: an error, or mapped to Unlabeled (5) with a warning. @defaultValue 'error' */
  readonly unknownColours?: 'error' | 'unlabeled';
  /** Put images and labels in SharedArrayBuffers, for worker threads. @defaultValue false */
  readonly shared?: boolean;
  /** Keep at most this many patches (a seeded random choice among all), before the split. @defaultValue all */
  readonly maxPatches?: number;
  /** Called with each warning as it is found (they are also on the result). */
  readonly onWarning?: (warning: DatasetWarning) => void;
}

export const LOAD_DATASET_DEFAULTS = Object.freeze({ validationFraction: 0.2, unknownColours: 'error' as const, shared: false });

/** A loaded dataset, with what was worth a warning (images smaller than a patch, remapped colours). */
export interface LoadedDataset extends SegmentationDataset {
  readonly warnings: readonly DatasetWarning[];
}

/** Where one patch comes from and where it goes. */
interface Slot {
  readonly pair: number;
  readonly patch: number;
}

/**
 * Reads `<root>/<tile>/images/*.jpg` with `<root>/<tile>/masks/*.png`, crops each image from the
 * top-left to a multiple of `patchSize`, cuts it into non-overlapping patches, maps mask colours to
 * class ids, shuffles the patches with `seed` and splits them (validation share `validationFraction`).
 * Bad data rejects with a DatasetError naming the file; `inspectDataset` lists every problem at once.
 */
export async function loadDataset(root: string, options: LoadDatasetOptions): Promise<LoadedDataset> {
  const settings = validateOptions(options);
  const warnings: DatasetWarning[] = [];
  const warn = (warning: DatasetWarning): void => {
    warnings.push(warning);
    options.onWarning?.(warning);
  };

  const layout = await scanDataset(root);
  throwFirst(layout.problems, root);
  for (const warning of layout.warnings) warn(warning);
  const pairs = layout.tiles.flatMap((tile) => tile.pairs);

  const sizes: { width: number; height: number }[] = new Array(pairs.length);
  const sizeProblems: DatasetProblem[][] = [];
  await forEachLimited(pairs, 8, async (pair, index) => {
    const size = await readPairSize(pair);
    if (size.problems) sizeProblems[index] = [...size.problems];
    else sizes[index] = size;
  });
  throwFirst(sizeProblems.flat(), root); // in file order, whichever header was read first

  const slots: Slot[] = [];
  pairs.forEach((pair, index) => {
    const { width, height } = sizes[index];
    const { count } = patchGrid(width, height, settings.patchSize);
    if (count === 0) {
      warn({
        code: 'SMALLER_THAN_PATCH',
        file: pair.image,
        message: `${width}×${height} is smaller than one ${settings.patchSize}×${settings.patchSize} patch: no patches from this image`,
      });
    }
    for (let patch = 0; patch < count; patch++) slots.push({ pair: index, patch });
  });
  if (slots.length === 0)
    throw new DatasetError('ERR_DATASET_NO_PATCHES', root, `no image is at least ${settings.patchSize}×${settings.patchSize}: no patches`);

  // One shuffle decides both which patches are kept (maxPatches) and the split: train first, then validation.
  const order = shuffledOrder(slots.length, settings.seed);
  const kept = Math.min(slots.length, settings.maxPatches);
  const nValidation = validationCount(kept, settings.validationFraction);
  const nTrain = kept - nValidation;
  const destination = new Int32Array(slots.length).fill(-1); // position in train (< nTrain) or nTrain + position in validation
  for (let position = 0; position < kept; position++) destination[order[position]] = position;
  const sourceOf = (position: number): string => {
    const slot = slots[order[position]];
    return `${pairs[slot.pair].source}#${slot.patch}`;
  };
  const train = allocatePatchSet(
    settings.patchSize,
    nTrain,
    Array.from({ length: nTrain }, (_, i) => sourceOf(i)),
    settings.shared,
  );
  const validation = allocatePatchSet(
    settings.patchSize,
    nValidation,
    Array.from({ length: nValidation }, (_, i) => sourceOf(nTrain + i)),
    settings.shared,
  );

  const firstSlot = new Int32Array(pairs.length + 1);
  for (let i = 0, s = 0; i <= pairs.length; i++) {
    while (s < slots.length && slots[s].pair < i) s++;
    firstSlot[i] = s;
  }

  // Every pair is decoded, even one with no patch kept: bad data fails the same way whatever maxPatches is.
  await forEachLimited(pairs, 4, async (pair, index) => {
    const { width, height } = sizes[index];
    const pixels = await readPairPixels(pair, width, height);
    if (pixels.problems) throw problemError(pixels.problems[0]);
    const labels = new Uint8Array(width * height);
    const unknown = maskToClassIds(pixels.mask, labels, UNLABELED_ID);
    if (unknown.length > 0) {
      const description = describeUnknownColours(unknown);
      if (settings.unknownColours === 'error') {
        throw new DatasetError(
          'ERR_DATASET_UNKNOWN_COLOURS',
          pair.mask,
          `${description} (pass unknownColours: 'unlabeled' to map them to Unlabeled)`,
        );
      }
      warn({ code: 'UNKNOWN_COLOURS_MAPPED', file: pair.mask, message: `${description}; mapped to Unlabeled` });
    }
    for (let s = firstSlot[index]; s < firstSlot[index + 1]; s++) {
      const position = destination[s];
      if (position < 0) continue;
      const [set, at] = position < nTrain ? [train, position] : [validation, position - nTrain];
      copyPatch(pixels.image, width, 3, settings.patchSize, slots[s].patch, set.images, at * settings.patchSize * settings.patchSize * 3);
      copyPatch(labels, width, 1, settings.patchSize, slots[s].patch, set.labels, at * settings.patchSize * settings.patchSize);
    }
  });

  return Object.freeze({ train, validation, patchSize: settings.patchSize, warnings: Object.freeze(warnings) });
}

function throwFirst(problems: readonly DatasetProblem[], root: string): void {
  if (problems.length === 0) return;
  const error = problemError(problems[0]);
  if (problems.length > 1) {
    error.message += ` (and ${problems.length - 1} more problem${problems.length === 2 ? '' : 's'}; \`bandster dataset info ${JSON.stringify(root)}\` lists them all)`;
  }
  throw error;
}

interface Settings {
  patchSize: number;
  seed: number;
  validationFraction: number;
  unknownColours: 'error' | 'unlabeled';
  shared: boolean;
  maxPatches: number;
}

function validateOptions(options: LoadDatasetOptions): Settings {
  checkObject(options, 'options', 'an object with patchSize and seed');
  const patchSize = checkInteger(options.patchSize, 'options.patchSize', { min: 1 });
  const seed = checkNumber(options.seed, 'options.seed', { finite: true });
  const validationFraction = checkNumber(
    options.validationFraction ?? LOAD_DATASET_DEFAULTS.validationFraction,
    'options.validationFraction',
    { min: 0, max: 1, maxExclusive: true },
  );
  const unknownColours = checkOneOf(options.unknownColours ?? LOAD_DATASET_DEFAULTS.unknownColours, 'options.unknownColours', [
    'error',
    'unlabeled',
  ] as const);
  const shared = checkBoolean(options.shared ?? LOAD_DATASET_DEFAULTS.shared, 'options.shared');
  const maxPatches = options.maxPatches === undefined ? undefined : checkInteger(options.maxPatches, 'options.maxPatches', { min: 1 });
  if (options.onWarning !== undefined) checkFunction(options.onWarning, 'options.onWarning');
  return { patchSize, seed, validationFraction, unknownColours, shared, maxPatches: maxPatches ?? Number.POSITIVE_INFINITY };
}
