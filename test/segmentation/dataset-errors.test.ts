import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { DatasetError, type DatasetErrorCode } from '../../src/segmentation/dataset-error.js';
import { inspectDataset } from '../../src/segmentation/dataset-inspect.js';
import { loadDataset } from '../../src/segmentation/dataset-loader.js';
import { generateSyntheticDataset } from '../../src/segmentation/synthetic-dataset.js';
import { BandsterError } from '../../src/core/errors.js';

const PATCH = 16;
let work = '';
let clean = '';

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-bad-'));
  clean = path.join(work, 'clean');
  await generateSyntheticDataset(clean, { seed: 5, scale: 0.1, tiles: 2, imagesPerTile: 2 });
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of the clean dataset to break. */
function copy(): string {
  const dir = path.join(work, `copy-${copies++}`);
  fs.cpSync(clean, dir, { recursive: true });
  return dir;
}

const file = (root: string, tile: number, kind: 'images' | 'masks', part: number): string =>
  path.join(root, `Tile ${tile}`, kind, `image_part_${String(part).padStart(3, '0')}.${kind === 'images' ? 'jpg' : 'png'}`);

/** loadDataset rejects with a DatasetError of `code` whose file is `expected` and whose message names it. */
async function rejectsWith(
  root: string,
  code: DatasetErrorCode,
  expected: string,
  pattern?: RegExp,
  options: Partial<Parameters<typeof loadDataset>[1]> = {},
): Promise<DatasetError> {
  let caught: unknown;
  await loadDataset(root, { patchSize: PATCH, seed: 1, ...options }).catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof DatasetError, `expected a DatasetError, got ${String(caught)}`);
  assert.ok(caught instanceof BandsterError);
  assert.equal(caught.name, 'DatasetError');
  assert.equal(caught.code, code);
  assert.equal(caught.file, expected);
  assert.ok(caught.message.includes(expected), caught.message);
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

test('the clean dataset loads (the cases below each break one thing)', async () => {
  const dataset = await loadDataset(clean, { patchSize: PATCH, seed: 1 });
  assert.ok(dataset.train.count > 0);
});

test('an image without its mask is an error naming the image', async () => {
  const root = copy();
  fs.rmSync(file(root, 2, 'masks', 2));
  await rejectsWith(
    root,
    'ERR_DATASET_MISSING_MASK',
    file(root, 2, 'images', 2),
    /image without a mask \(expected .*Tile 2.masks.image_part_002\.png\)/,
  );
});

test('a mask without its image is an error naming the mask', async () => {
  const root = copy();
  fs.rmSync(file(root, 1, 'images', 1));
  await rejectsWith(root, 'ERR_DATASET_MISSING_IMAGE', file(root, 1, 'masks', 1), /mask without an image/);
});

test('an image and mask of differing sizes is an error naming both files and sizes', async () => {
  const root = copy();
  const mask = file(root, 1, 'masks', 2);
  const { width, height } = await sharp(mask).metadata();
  const cropped = await sharp(mask)
    .extract({ left: 0, top: 0, width: width - 3, height })
    .png()
    .toBuffer();
  fs.writeFileSync(mask, cropped);
  await rejectsWith(
    root,
    'ERR_DATASET_SIZE_MISMATCH',
    mask,
    new RegExp(`mask is ${width - 3}×${height} but its image .*image_part_002\\.jpg is ${width}×${height}`),
  );
});

test('a file that is not an image is an error naming it', async () => {
  const root = copy();
  fs.writeFileSync(file(root, 2, 'images', 1), 'not a jpeg at all');
  await rejectsWith(root, 'ERR_DATASET_UNREADABLE', file(root, 2, 'images', 1), /cannot be read as an image/);
});

test('a truncated JPEG (header fine, data cut short) is an error naming it', async () => {
  const root = copy();
  const image = file(root, 1, 'images', 2);
  const bytes = fs.readFileSync(image);
  fs.writeFileSync(image, bytes.subarray(0, Math.floor(bytes.length / 2)));
  // libvips says "premature end of JPEG image", or "Unknown error" when another decode races for its error buffer.
  await rejectsWith(root, 'ERR_DATASET_UNREADABLE', image, /cannot be read as an image/);
});

test('a truncated PNG mask is an error naming it', async () => {
  const root = copy();
  const mask = file(root, 2, 'masks', 2);
  const bytes = fs.readFileSync(mask);
  fs.writeFileSync(mask, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await rejectsWith(root, 'ERR_DATASET_UNREADABLE', mask, /cannot be read as an image/);
});

test('an empty images folder, and a tile without masks/, are errors naming the folder', async () => {
  const root = copy();
  for (const name of fs.readdirSync(path.join(root, 'Tile 2', 'images'))) fs.rmSync(path.join(root, 'Tile 2', 'images', name));
  await rejectsWith(root, 'ERR_DATASET_EMPTY', path.join(root, 'Tile 2', 'images'), /empty folder: no images/);
  const other = copy();
  fs.rmSync(path.join(other, 'Tile 1', 'masks'), { recursive: true });
  await rejectsWith(other, 'ERR_DATASET_EMPTY', path.join(other, 'Tile 1', 'masks'), /no masks\/ folder in this tile/);
  const third = copy();
  fs.mkdirSync(path.join(third, 'Tile 3'));
  await rejectsWith(third, 'ERR_DATASET_EMPTY', path.join(third, 'Tile 3'), /tile folder without images\/ and masks\//);
});

test('a folder without tiles, and a missing folder, are errors naming the folder', async () => {
  const empty = path.join(work, 'empty');
  fs.mkdirSync(path.join(empty, 'not a tile'), { recursive: true });
  await rejectsWith(empty, 'ERR_DATASET_EMPTY', empty, /no tiles: expected folders such as "Tile 1" holding images\/ and masks\//);
  const missing = path.join(work, 'does-not-exist');
  await rejectsWith(missing, 'ERR_DATASET_NOT_FOUND', missing, /no such folder/);
});

test('mask colours outside the palette: an error listing each colour in hex with its pixel count; unknownColours "unlabeled" maps them to 5 with a warning', async () => {
  const root = copy();
  const mask = file(root, 1, 'masks', 1);
  const { data, info } = await sharp(mask).raw().toBuffer({ resolveWithObject: true });
  const paint = (x: number, y: number, rgb: number[]): void => data.set(rgb, (y * info.width + x) * 3);
  for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) paint(x, y, [0, 0, 0]); // 25 black pixels in patch 0
  for (const x of [7, 8, 9]) paint(x, 2, [255, 0, 0]); // 3 red ones
  fs.writeFileSync(
    mask,
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .png()
      .toBuffer(),
  );

  const error = await rejectsWith(
    root,
    'ERR_DATASET_UNKNOWN_COLOURS',
    mask,
    /28 pixels in 2 colours outside the palette: #000000 \(25 px\), #FF0000 \(3 px\)/,
  );
  assert.match(error.message, /unknownColours: 'unlabeled'/);

  const warnings: string[] = [];
  const dataset = await loadDataset(root, {
    patchSize: PATCH,
    seed: 1,
    validationFraction: 0,
    unknownColours: 'unlabeled',
    onWarning: (warning) => warnings.push(`${warning.file}: ${warning.message}`),
  });
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0].startsWith(mask));
  assert.match(warnings[0], /#000000 \(25 px\), #FF0000 \(3 px\); mapped to Unlabeled/);
  assert.equal(dataset.warnings.length, 1);
  assert.equal(dataset.warnings[0].code, 'UNKNOWN_COLOURS_MAPPED');
  const index = dataset.train.sources.indexOf('Tile 1/image_part_001.jpg#0');
  assert.ok(index >= 0);
  const label = (x: number, y: number): number => dataset.train.labels[index * PATCH * PATCH + y * PATCH + x];
  for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) assert.equal(label(x, y), 5);
  for (const x of [7, 8, 9]) assert.equal(label(x, 2), 5);
});

test('several problems: loadDataset names the first and says how many more; inspectDataset lists every one', async () => {
  const root = copy();
  fs.rmSync(file(root, 1, 'masks', 2)); // image without mask
  fs.rmSync(file(root, 2, 'images', 1)); // mask without image
  fs.writeFileSync(file(root, 2, 'images', 2), 'garbage'); // unreadable
  const mask = file(root, 1, 'masks', 1);
  const { data, info } = await sharp(mask).raw().toBuffer({ resolveWithObject: true });
  data.set([1, 2, 3], 0);
  fs.writeFileSync(
    mask,
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .png()
      .toBuffer(),
  );

  const error = await rejectsWith(root, 'ERR_DATASET_MISSING_MASK', file(root, 1, 'images', 2));
  assert.match(error.message, /\(and 1 more problem; `bandster dataset info .*` lists them all\)/);

  const inspection = await inspectDataset(root, { patchSize: PATCH });
  const found = inspection.problems.map(({ code, file: at }) => `${code} ${path.relative(root, at)}`);
  assert.deepEqual(found, [
    `ERR_DATASET_MISSING_MASK ${path.join('Tile 1', 'images', 'image_part_002.jpg')}`,
    `ERR_DATASET_MISSING_IMAGE ${path.join('Tile 2', 'masks', 'image_part_001.png')}`,
    `ERR_DATASET_UNKNOWN_COLOURS ${path.join('Tile 1', 'masks', 'image_part_001.png')}`,
    `ERR_DATASET_UNREADABLE ${path.join('Tile 2', 'images', 'image_part_002.jpg')}`,
  ]);
  assert.match(inspection.problems[2].message, /#010203 \(1 px\)/);
  assert.equal(inspection.unknownPixels, 1);
  assert.equal(inspection.tiles[0].images, 1, 'Tile 1: one sound pair');
});

test('inspectDataset on a clean dataset: tiles, images, sizes, patches and pixels per class', async () => {
  const inspection = await inspectDataset(clean, { patchSize: PATCH });
  assert.deepEqual(inspection.problems, []);
  assert.equal(inspection.tiles.length, 2);
  let pixels = 0;
  let patches = 0;
  let patchPixels = 0;
  for (const tile of inspection.tiles) {
    assert.equal(tile.images, 2);
    assert.equal(tile.sizes.length, 2);
    for (const image of tile.sizes) {
      const { width, height } = await sharp(path.join(clean, image.source.replace('/', `/images/`))).metadata();
      assert.deepEqual([image.width, image.height], [width, height]);
      assert.equal(image.patches, Math.floor(width / PATCH) * Math.floor(height / PATCH));
      pixels += width * height;
      patches += image.patches;
      patchPixels += image.patches * PATCH * PATCH;
    }
  }
  assert.equal(inspection.totalImages, 4);
  assert.equal(inspection.totalPatches, patches);
  assert.equal(inspection.pixelsPerClass.length, 6);
  assert.equal(
    inspection.pixelsPerClass.reduce((sum, count) => sum + count, 0),
    pixels,
  );
  assert.equal(
    inspection.patchPixelsPerClass.reduce((sum, count) => sum + count, 0),
    patchPixels,
  );
  const dataset = await loadDataset(clean, { patchSize: PATCH, seed: 3 });
  const fromLoader = new Array(6).fill(0);
  for (const set of [dataset.train, dataset.validation]) for (const id of set.labels) fromLoader[id]++;
  assert.deepEqual(fromLoader, inspection.patchPixelsPerClass);
  await assert.rejects(inspectDataset(clean, { patchSize: -1 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.patchSize must be an integer >= 1 \(got -1\)/,
  });
});
