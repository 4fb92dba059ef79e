// inspectDataset: what a dataset on disk holds and every problem with it, without stopping at the first.
import * as path from 'node:path';
import { checkInteger } from '../core/option-checks.js';
import type { DatasetProblem, DatasetWarning } from './dataset-error.js';
import { scanDataset } from './dataset-files.js';
import { forEachLimited, readPairPixels, readPairSize } from './dataset-read.js';
import { describeUnknownColours, maskToClassIds } from './mask-colours.js';
import { patchGrid } from './patch-extract.js';
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

/**
 * Reads the whole dataset (decoding every image and mask) and reports its tiles, sizes, patch
 * counts and class pixel counts, with EVERY problem found (loadDataset stops at the first).
 */
export async function inspectDataset(root: string, options: { readonly patchSize: number }): Promise<DatasetInspection> {
  const patchSize = checkInteger(options?.patchSize, 'options.patchSize', { min: 1 });
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
  await forEachLimited(pairs, 4, async (pair, index) => {
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
    const pixels = await readPairPixels(pair, width, height);
    if (pixels.problems) {
      found.problems.push(...pixels.problems);
      return;
    }
    const labels = new Uint8Array(width * height);
    const unknownFill = 255;
    const unknown = maskToClassIds(pixels.mask, labels, unknownFill);
    if (unknown.length > 0) {
      found.problems.push({ code: 'ERR_DATASET_UNKNOWN_COLOURS', file: pair.mask, message: describeUnknownColours(unknown) });
      for (const { pixels: count } of unknown) unknownPixels += count;
    }
    const cropWidth = grid.columns * patchSize;
    const cropHeight = grid.rows * patchSize;
    for (let y = 0, p = 0; y < height; y++) {
      const inCropRow = y < cropHeight;
      for (let x = 0; x < width; x++, p++) {
        const id = labels[p];
        if (id === unknownFill) continue;
        pixelsPerClass[id]++;
        if (inCropRow && x < cropWidth) patchPixelsPerClass[id]++;
      }
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
