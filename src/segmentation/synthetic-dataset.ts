// generateSyntheticDataset: synthetic aerial scenes written in the real dataset's exact layout.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { checkBoolean, checkInteger, checkNumber, checkObject } from '../core/option-checks.js';
import { Rng } from '../core/rng.js';
import { DatasetError } from './dataset-error.js';
import { classIdsToMask } from './mask-colours.js';
import { layoutScene } from './synthetic-layout.js';
import { renderScene } from './synthetic-render.js';
import { CLASSES } from './types.js';

/**
 * Image sizes of the real dataset's eight tiles (Dubai, Humans in the Loop): with 256-pixel patches
 * they give 6, 2, 4, 12, 16, 9, 56 and 40 patches per image, 145 per set of tiles and 1305 in all
 * (the study's count) at scale 1.
 */
export const REAL_TILE_SIZES: readonly (readonly [number, number])[] = [
  [797, 644],
  [509, 544],
  [682, 658],
  [1099, 846],
  [1126, 1058],
  [859, 838],
  [1817, 2061],
  [2149, 1479],
];

export interface SyntheticDatasetOptions {
  /** Seeds every random choice: the same seed writes the same bytes. */
  readonly seed: number;
  /** Number of tiles; past eight the real sizes repeat, varied by up to ±20 %. @defaultValue 8 */
  readonly tiles?: number;
  /** Multiplies image sizes and feature sizes (0.1–0.25 writes a whole dataset in a second or two). @defaultValue 1 */
  readonly scale?: number;
  /** Images per tile. @defaultValue 9 */
  readonly imagesPerTile?: number;
  /** JPEG quality of the images. @defaultValue 90 */
  readonly quality?: number;
  /** Write into a folder that is not empty (existing files of the same names are replaced). @defaultValue false */
  readonly overwrite?: boolean;
}

export const SYNTHETIC_DATASET_DEFAULTS = Object.freeze({ tiles: 8, scale: 1, imagesPerTile: 9, quality: 90, overwrite: false });

export interface SyntheticDatasetSummary {
  readonly root: string;
  readonly tiles: readonly { readonly name: string; readonly width: number; readonly height: number; readonly images: number }[];
  readonly images: number;
}

/** One scene in memory: class ids and RGB pixels (before JPEG). */
export interface SyntheticScene {
  readonly width: number;
  readonly height: number;
  readonly labels: Uint8Array;
  readonly image: Uint8Array;
}

/** Lays out and renders one scene from its own generator. */
export function renderSyntheticScene(width: number, height: number, scale: number, rng: Rng): SyntheticScene {
  const layout = layoutScene(width, height, scale, rng);
  const image = renderScene(layout, scale, rng);
  return { width, height, labels: layout.labels, image };
}

/** Tile sizes for `tiles` tiles at `scale`, drawn from `rng` past the eighth. */
export function syntheticTileSizes(tiles: number, scale: number, rng: Rng): [number, number][] {
  return Array.from({ length: tiles }, (_, index) => {
    const [width, height] = REAL_TILE_SIZES[index % REAL_TILE_SIZES.length];
    const vary = index < REAL_TILE_SIZES.length ? 1 : rng.uniform(0.8, 1.2);
    return [Math.max(8, Math.round(width * vary * scale)), Math.max(8, Math.round(height * vary * scale))];
  });
}

/**
 * Writes `<outDir>/Tile N/images/image_part_00K.jpg` (JPEG) and `<outDir>/Tile N/masks/image_part_00K.png`
 * (lossless PNG in the six palette colours only), plus a classes.json like the real dataset's.
 * Scenes are generated one after another from generators forked off `seed` while sharp encodes the
 * previous ones on its own threads.
 */
export async function generateSyntheticDataset(outDir: string, options: SyntheticDatasetOptions): Promise<SyntheticDatasetSummary> {
  const { seed, tiles, scale, imagesPerTile, quality, overwrite } = validate(options);
  const existing = await fs.readdir(outDir).catch(() => [] as string[]);
  if (existing.length > 0 && !overwrite)
    throw new DatasetError('ERR_DATASET_EXISTS', outDir, 'folder is not empty (pass overwrite: true / --overwrite to write into it)');

  const master = new Rng(seed);
  const sizes = syntheticTileSizes(tiles, scale, master.fork());
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const summary: { name: string; width: number; height: number; images: number }[] = [];
  await fs.mkdir(outDir, { recursive: true });
  await fs.writeFile(
    path.join(outDir, 'classes.json'),
    `${JSON.stringify(
      {
        classes: CLASSES.map(({ name, rgb }) => ({
          title: name,
          color: `#${rgb
            .map((v) => v.toString(16).padStart(2, '0'))
            .join('')
            .toUpperCase()}`,
        })),
      },
      null,
      2,
    )}\n`,
  );
  for (let tile = 0; tile < tiles; tile++) {
    const name = `Tile ${tile + 1}`;
    const [width, height] = sizes[tile];
    const tileRng = master.fork();
    await fs.mkdir(path.join(outDir, name, 'images'), { recursive: true });
    await fs.mkdir(path.join(outDir, name, 'masks'), { recursive: true });
    for (let index = 0; index < imagesPerTile; index++) {
      const scene = renderSyntheticScene(width, height, scale, tileRng.fork());
      const file = `image_part_${String(index + 1).padStart(3, '0')}`;
      const raw = { raw: { width, height, channels: 3 as const } };
      const write = Promise.all([
        sharp(scene.image, raw)
          .jpeg({ quality, chromaSubsampling: '4:2:0' })
          .toFile(path.join(outDir, name, 'images', `${file}.jpg`)),
        sharp(classIdsToMask(scene.labels), raw)
          .png({ compressionLevel: 6, adaptiveFiltering: false, palette: false })
          .toFile(path.join(outDir, name, 'masks', `${file}.png`)),
      ]).then(
        () => undefined,
        (error: unknown) => {
          failure ??= { error };
        },
      );
      pending.add(write);
      void write.then(() => pending.delete(write));
      // Keep a few encodes in flight: enough to overlap generation, bounded memory.
      if (pending.size >= 4) await Promise.race(pending);
      if (failure) throw failure.error;
    }
    summary.push({ name, width, height, images: imagesPerTile });
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
  return { root: outDir, tiles: summary, images: tiles * imagesPerTile };
}

function validate(options: SyntheticDatasetOptions): Required<SyntheticDatasetOptions> {
  checkObject(options, 'options', 'an object with a seed');
  const settings = {
    ...SYNTHETIC_DATASET_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  } as Required<SyntheticDatasetOptions>;
  checkNumber(settings.seed, 'options.seed', { finite: true });
  checkInteger(settings.tiles, 'options.tiles', { min: 1 });
  checkNumber(settings.scale, 'options.scale', { min: 0, max: 4, minExclusive: true });
  checkInteger(settings.imagesPerTile, 'options.imagesPerTile', { min: 1 });
  checkInteger(settings.quality, 'options.quality', { min: 1, max: 100 });
  checkBoolean(settings.overwrite, 'options.overwrite');
  return settings;
}
