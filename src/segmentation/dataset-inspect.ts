// inspectDataset: what a dataset on disk holds and every problem with it, without stopping at the first.
import * as path from 'node:path';
import { checkInteger } from '../core/option-checks.js';
import type { DatasetProblem, DatasetWarning } from './dataset-error.js';
import { scanDataset } from './dataset-files.js';
import { forEachLimited, readPairPixels, readPairSize } from './dataset-read.js';
import { describeUnknownColours, maskToClassIds } from './mask-colours.js';
import { patchGrid } from './patch-extract.js';
import { PixelBudget } from './pixel-budget.js';
import { NUM_CLASSES } from './types.js';

export interface InspectedImage {
  /** Tile-relative name, e.g. "Tile 3/image_part_004.jpg". */
  readonly source: string;
  readonly width: number;
  readonly height: number;
  readonly patches: number;
}

export interface InspectedTile {
  readonly name: string;
  /** Image/mask pairs whose sizes could be read. */
  readonly images: number;
  readonly patches: number;
  readonly sizes: readonly InspectedImage[];
}

export interface DatasetInspection {
  readonly root: string;
  readonly patchSize: number;
  readonly tiles: readonly InspectedTile[];
  readonly totalImages: number;
  readonly totalPatches: number;
  /** Pixels of each class id over whole masks (masks that could be read). */
  readonly pixelsPerClass: readonly number[];
  /** Pixels of each class id inside the patches (what training sees after the crop). */
  readonly patchPixelsPerClass: readonly number[];
  /** Mask pixels in colours outside the palette. */
  readonly unknownPixels: number;
  /** Everything that makes `loadDataset` fail, one entry per file at fault. */
  readonly problems: readonly DatasetProblem[];
  readonly warnings: readonly DatasetWarning[];
}

/** Options of {@link inspectDataset}. */
export interface InspectDatasetOptions {
  /** Side of the square patches training cuts (256 in the study). */
  readonly patchSize: number;
  /**
   * Most pixels decoded at once, all images in flight together, so any dataset is inspected within
   * a fixed memory — about 7 bytes a pixel (the image's RGB, the mask's RGB, the class ids), 117 MB
   * at the default — whatever the size of its images (sharp accepts up to 268 megapixels each).
   * Pairs wait their turn while their pixels do not fit beside the others'; a pair larger than the
   * whole bound is read alone, in strips of rows (each strip decodes the file from its top, so such
   * images take a few times longer).
   * @defaultValue 16,777,216 (2^24)
   */
  readonly maxDecodedPixels?: number;
}

export const DATASET_INSPECT_DEFAULTS = Object.freeze({ maxDecodedPixels: 2 ** 24 });

/** Pairs decoded at once (sharp decodes on its own threads: a few keep them busy). */
const PAIRS_IN_FLIGHT = 4;

/**
 * Reads the whole dataset (decoding every image and mask, in strips within
 * `options.maxDecodedPixels`) and reports its tiles, sizes, patch counts and class pixel counts,
 * with EVERY problem found (loadDataset stops at the first).
 */
export async function inspectDataset(root: string, options: InspectDatasetOptions): Promise<DatasetInspection> {
  const patchSize = checkInteger(options?.patchSize, 'options.patchSize', { min: 1 });
  const maxDecodedPixels = checkInteger(options.maxDecodedPixels ?? DATASET_INSPECT_DEFAULTS.maxDecodedPixels, 'options.maxDecodedPixels', {
    min: PAIRS_IN_FLIGHT,
  });
  const budget = new PixelBudget(maxDecodedPixels);
  const layout = await scanDataset(root);
  const problems: DatasetProblem[] = [...layout.problems];
  const warnings: DatasetWarning[] = [...layout.warnings];
  const pixelsPerClass = new Array<number>(NUM_CLASSES).fill(0);
  const patchPixelsPerClass = new Array<number>(NUM_CLASSES).fill(0);
  let unknownPixels = 0;

  const pairs = layout.tiles.flatMap((tile) => tile.pairs);
  const perPair: { image?: InspectedImage; problems: DatasetProblem[]; warnings: DatasetWarning[] }[] = pairs.map(() => ({
    problems: [],
    warnings: [],
  }));
  await forEachLimited(pairs, PAIRS_IN_FLIGHT, async (pair, index) => {
    const found = perPair[index];
    const size = await readPairSize(pair);
    if (size.problems) {
      found.problems.push(...size.problems);
      return;
    }
    const { width, height } = size;
    const grid = patchGrid(width, height, patchSize);
    found.image = { source: pair.source, width, height, patches: grid.count };
    if (grid.count === 0) {
      found.warnings.push({
        code: 'SMALLER_THAN_PATCH',
        file: pair.image,
        message: `${width}×${height} is smaller than one ${patchSize}×${patchSize} patch: no patches from this image`,
      });
    }
    // Counted per pair and added only once the whole pair decodes, as when it was read at once.
    const pairPixels = new Array<number>(NUM_CLASSES).fill(0);
    const pairPatchPixels = new Array<number>(NUM_CLASSES).fill(0);
    const unknownByColour = new Map<string, number>();
    const cropWidth = grid.columns * patchSize;
    const cropHeight = grid.rows * patchSize;
    const stripRows = Math.max(1, Math.floor(maxDecodedPixels / width));
    const unknownFill = 255;
    const release = await budget.acquire(width * height);
    try {
      for (let top = 0; top < height; top += stripRows) {
        const rows = Math.min(stripRows, height - top);
        const pixels = await readPairPixels(pair, width, height, { top, height: rows });
        if (pixels.problems) {
          found.problems.push(...pixels.problems);
          return;
        }
        const labels = new Uint8Array(width * rows);
        for (const { hex, pixels: count } of maskToClassIds(pixels.mask, labels, unknownFill)) {
          unknownByColour.set(hex, (unknownByColour.get(hex) ?? 0) + count);
        }
        for (let y = top, p = 0; y < top + rows; y++) {
          const inCropRow = y < cropHeight;
          for (let x = 0; x < width; x++, p++) {
            const id = labels[p];
            if (id === unknownFill) continue;
            pairPixels[id]++;
            if (inCropRow && x < cropWidth) pairPatchPixels[id]++;
          }
        }
      }
    } finally {
      release();
    }
    for (let id = 0; id < NUM_CLASSES; id++) {
      pixelsPerClass[id] += pairPixels[id];
      patchPixelsPerClass[id] += pairPatchPixels[id];
    }
    if (unknownByColour.size > 0) {
      const unknown = [...unknownByColour]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([hex, count]) => ({ hex, pixels: count }));
      found.problems.push({ code: 'ERR_DATASET_UNKNOWN_COLOURS', file: pair.mask, message: describeUnknownColours(unknown) });
      for (const { pixels: count } of unknown) unknownPixels += count;
    }
  });

  const tiles: InspectedTile[] = [];
  let offset = 0;
  for (const tile of layout.tiles) {
    const found = perPair.slice(offset, offset + tile.pairs.length);
    offset += tile.pairs.length;
    const sizes = found.flatMap(({ image }) => (image ? [image] : []));
    const patches = sizes.reduce((sum, { patches }) => sum + patches, 0);
    tiles.push({ name: tile.name, images: sizes.length, patches, sizes });
    if (sizes.length > 0 && patches === 0) {
      const largest = sizes.reduce((best, size) => (size.width * size.height > best.width * best.height ? size : best));
      problems.push({
        code: 'ERR_DATASET_TILE_NO_PATCHES',
        file: path.join(layout.root, tile.name),
        message: `none of its ${sizes.length} images holds one ${patchSize}×${patchSize} patch (the largest is ${largest.width}×${largest.height}): the tile contributes nothing; use a smaller --patch`,
      });
    }
    for (const entry of found) {
      problems.push(...entry.problems);
      warnings.push(...entry.warnings);
    }
  }
  return {
    root,
    patchSize,
    tiles,
    totalImages: tiles.reduce((sum, { images }) => sum + images, 0),
    totalPatches: tiles.reduce((sum, { patches }) => sum + patches, 0),
    pixelsPerClass,
    patchPixelsPerClass,
    unknownPixels,
    problems,
    warnings,
  };
}
