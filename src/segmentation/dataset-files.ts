// The dataset's layout on disk: <root>/<tile>/images/<name>.jpg paired with <root>/<tile>/masks/<name>.png.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DatasetProblem, DatasetWarning } from './dataset-error.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp']);
const MASK_EXTENSIONS = new Set(['.png']);

/** "Tile 2" before "Tile 10", "image_part_2" before "image_part_10"; the same order on every machine. */
const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' }).compare;

/** An image and its mask. */
export interface DatasetPair {
  /** The tile folder's name, e.g. "Tile 3". */
  readonly tile: string;
  readonly image: string;
  readonly mask: string;
  /** Tile-relative name of the image for reports, e.g. "Tile 3/image_part_004.jpg". */
  readonly source: string;
}

export interface DatasetTileFiles {
  readonly name: string;
  readonly pairs: readonly DatasetPair[];
}

/** Tiles with their paired files, and every problem with the layout (the pairs listed are the sound ones). */
export interface DatasetLayout {
  readonly root: string;
  readonly tiles: readonly DatasetTileFiles[];
  readonly problems: readonly DatasetProblem[];
  readonly warnings: readonly DatasetWarning[];
}

/**
 * Finds the tiles under `root` (every folder holding images/ or masks/, in natural order) and pairs
 * images with masks by file name without extension, in sorted order. Collects every problem instead of
 * stopping at the first; files at the root (e.g. the real dataset's classes.json) are not looked at.
 */
export async function scanDataset(root: string): Promise<DatasetLayout> {
  const problems: DatasetProblem[] = [];
  const warnings: DatasetWarning[] = [];
  const tiles: DatasetTileFiles[] = [];
  const rootEntries = await listDirectory(root);
  if (rootEntries === undefined) {
    problems.push({ code: 'ERR_DATASET_NOT_FOUND', file: root, message: await whyNotAFolder(root) });
    return { root, tiles, problems, warnings };
  }
  for (const entry of rootEntries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const tileDir = path.join(root, entry.name);
    const children = (await listDirectory(tileDir)) ?? [];
    const hasImages = children.some((child) => child.isDirectory() && child.name === 'images');
    const hasMasks = children.some((child) => child.isDirectory() && child.name === 'masks');
    if (!hasImages && !hasMasks) {
      // Other folders are not ours to judge, but an empty "Tile N" is a tile gone missing.
      if (/^tile\b/i.test(entry.name))
        problems.push({ code: 'ERR_DATASET_EMPTY', file: tileDir, message: 'tile folder without images/ and masks/' });
      continue;
    }
    const images = await listFiles(path.join(tileDir, 'images'), IMAGE_EXTENSIONS, hasImages, problems, warnings);
    const masks = await listFiles(path.join(tileDir, 'masks'), MASK_EXTENSIONS, hasMasks, problems, warnings);
    tiles.push({ name: entry.name, pairs: pairFiles(entry.name, tileDir, images, masks, problems, warnings) });
  }
  if (tiles.length === 0) {
    problems.push({
      code: 'ERR_DATASET_EMPTY',
      file: root,
      message: 'no tiles: expected folders such as "Tile 1" holding images/ and masks/',
    });
  }
  return { root, tiles, problems, warnings };
}

/** Why `path` cannot be listed: missing, a file, or unreadable (with the system's reason). */
async function whyNotAFolder(file: string): Promise<string> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isDirectory()) return 'is a file, not a folder (give the dataset root, the folder holding "Tile N/")';
    await fs.readdir(file);
    return 'cannot be read';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such folder' : `cannot be read (${code ?? (error as Error).message})`;
  }
}

async function listDirectory(dir: string): Promise<import('node:fs').Dirent[] | undefined> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.sort((a, b) => naturalOrder(a.name, b.name));
  } catch {
    return undefined;
  }
}

/** Names of the files with one of `extensions` in `dir` (sorted), or undefined when the folder is missing or empty. */
async function listFiles(
  dir: string,
  extensions: ReadonlySet<string>,
  exists: boolean,
  problems: DatasetProblem[],
  warnings: DatasetWarning[],
): Promise<string[] | undefined> {
  const kind = path.basename(dir);
  if (!exists) {
    problems.push({ code: 'ERR_DATASET_EMPTY', file: dir, message: `no ${kind}/ folder in this tile` });
    return undefined;
  }
  const names: string[] = [];
  for (const entry of (await listDirectory(dir)) ?? []) {
    if (entry.name.startsWith('.')) continue;
    const file = path.join(dir, entry.name);
    if (entry.isFile() && extensions.has(path.extname(entry.name).toLowerCase())) names.push(entry.name);
    else warnings.push({ code: 'IGNORED_FILE', file, message: `ignored: not ${kind === 'masks' ? 'a .png mask' : 'an image file'}` });
  }
  if (names.length === 0) {
    problems.push({ code: 'ERR_DATASET_EMPTY', file: dir, message: `empty folder: no ${kind === 'masks' ? '.png masks' : 'images'}` });
    return undefined;
  }
  return names;
}

function pairFiles(
  tile: string,
  tileDir: string,
  images: readonly string[] | undefined,
  masks: readonly string[] | undefined,
  problems: DatasetProblem[],
  warnings: DatasetWarning[],
): DatasetPair[] {
  const pairs: DatasetPair[] = [];
  // Without one of the two folders there is nothing to pair, and its problem is already listed.
  if (images === undefined || masks === undefined) return pairs;
  const maskByStem = new Map<string, string>();
  for (const mask of masks) maskByStem.set(stem(mask), mask);
  const imageStems = new Set<string>();
  for (const image of images) {
    const imagePath = path.join(tileDir, 'images', image);
    const key = stem(image);
    if (imageStems.has(key)) {
      warnings.push({ code: 'IGNORED_FILE', file: imagePath, message: `ignored: another image of this tile is also named "${key}"` });
      continue;
    }
    imageStems.add(key);
    const mask = maskByStem.get(key);
    if (mask === undefined) {
      problems.push({
        code: 'ERR_DATASET_MISSING_MASK',
        file: imagePath,
        message: `image without a mask (expected ${path.join(tileDir, 'masks', `${key}.png`)})`,
      });
      continue;
    }
    pairs.push({ tile, image: imagePath, mask: path.join(tileDir, 'masks', mask), source: `${tile}/${image}` });
  }
  for (const mask of masks) {
    if (!imageStems.has(stem(mask))) {
      problems.push({
        code: 'ERR_DATASET_MISSING_IMAGE',
        file: path.join(tileDir, 'masks', mask),
        message: `mask without an image (expected ${path.join(tileDir, 'images', `${stem(mask)}.jpg`)})`,
      });
    }
  }
  return pairs;
}

function stem(name: string): string {
  return name.slice(0, name.length - path.extname(name).length);
}
