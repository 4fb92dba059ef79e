import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { DatasetError } from '../../src/segmentation/dataset-error.js';
import { generateSyntheticDataset, REAL_TILE_SIZES } from '../../src/segmentation/synthetic-dataset.js';
import { CLASSES } from '../../src/segmentation/types.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Every file under `dir` as relative path -> sha256, in sorted order. */
function hashTree(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((file) => fs.statSync(path.join(dir, file)).isFile()).sort();
  for (const file of files)
    hashes.set(
      file,
      createHash('sha256')
        .update(fs.readFileSync(path.join(dir, file)))
        .digest('hex'),
    );
  return hashes;
}

test('generateSyntheticDataset writes the real layout: Tile N/images/*.jpg with Tile N/masks/*.png, tiles of differing real-like sizes', async (t) => {
  const dir = path.join(tempDir(t), 'data');
  const summary = await generateSyntheticDataset(dir, { seed: 1, scale: 0.1, imagesPerTile: 3 });
  assert.equal(summary.tiles.length, 8);
  assert.equal(summary.images, 24);
  const tiles = fs
    .readdirSync(dir)
    .filter((name) => name.startsWith('Tile'))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  assert.deepEqual(tiles, ['Tile 1', 'Tile 2', 'Tile 3', 'Tile 4', 'Tile 5', 'Tile 6', 'Tile 7', 'Tile 8']);
  const sizes = new Set<string>();
  for (const [index, tile] of tiles.entries()) {
    assert.deepEqual(fs.readdirSync(path.join(dir, tile, 'images')).sort(), [
      'image_part_001.jpg',
      'image_part_002.jpg',
      'image_part_003.jpg',
    ]);
    assert.deepEqual(fs.readdirSync(path.join(dir, tile, 'masks')).sort(), [
      'image_part_001.png',
      'image_part_002.png',
      'image_part_003.png',
    ]);
    const image = await sharp(path.join(dir, tile, 'images', 'image_part_002.jpg')).metadata();
    const mask = await sharp(path.join(dir, tile, 'masks', 'image_part_002.png')).metadata();
    assert.equal(image.format, 'jpeg');
    assert.equal(mask.format, 'png');
    const [width, height] = REAL_TILE_SIZES[index];
    assert.deepEqual([image.width, image.height], [Math.round(width * 0.1), Math.round(height * 0.1)], tile);
    assert.deepEqual([mask.width, mask.height], [image.width, image.height]);
    assert.deepEqual(summary.tiles[index], { name: tile, width: image.width, height: image.height, images: 3 });
    sizes.add(`${image.width}x${image.height}`);
  }
  assert.equal(sizes.size, 8, 'every tile has its own size');
});

test('generateSyntheticDataset is deterministic: the same seed writes the same bytes, another seed other bytes', async (t) => {
  const dir = tempDir(t);
  const options = { tiles: 3, scale: 0.1, imagesPerTile: 2 };
  await generateSyntheticDataset(path.join(dir, 'a'), { ...options, seed: 7 });
  await generateSyntheticDataset(path.join(dir, 'b'), { ...options, seed: 7 });
  await generateSyntheticDataset(path.join(dir, 'c'), { ...options, seed: 8 });
  const a = hashTree(path.join(dir, 'a'));
  assert.equal(a.size, 3 * 2 * 2 + 1, 'images, masks and classes.json');
  assert.deepEqual(hashTree(path.join(dir, 'b')), a);
  const c = hashTree(path.join(dir, 'c'));
  for (const [file, hash] of a) if (file !== 'classes.json') assert.notEqual(c.get(file), hash, file);
});

test('synthetic masks use only the six palette colours (lossless PNG), and every class appears', async (t) => {
  const dir = path.join(tempDir(t), 'data');
  await generateSyntheticDataset(dir, { seed: 2, scale: 0.12, imagesPerTile: 3 });
  const palette = new Map<number, number>(CLASSES.map(({ id, rgb }) => [(rgb[0] << 16) | (rgb[1] << 8) | rgb[2], id]));
  const counts = new Array<number>(CLASSES.length).fill(0);
  for (const tile of fs.readdirSync(dir).filter((name) => name.startsWith('Tile'))) {
    for (const file of fs.readdirSync(path.join(dir, tile, 'masks'))) {
      const { data, info } = await sharp(path.join(dir, tile, 'masks', file))
        .raw()
        .toBuffer({ resolveWithObject: true });
      assert.equal(info.channels, 3, file);
      for (let i = 0; i < data.length; i += 3) {
        const id = palette.get((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        if (id === undefined)
          assert.fail(`${tile}/masks/${file}: pixel ${i / 3} has colour ${[data[i], data[i + 1], data[i + 2]]} outside the palette`);
        counts[id]++;
      }
    }
  }
  for (const { id, name } of CLASSES) assert.ok(counts[id] > 0, `${name} appears`);
  const total = counts.reduce((sum, count) => sum + count, 0);
  assert.ok(Math.max(...counts) / total < 0.75, `no class swamps the rest (${counts.map((count) => (count / total).toFixed(2))})`);
});

test('generateSyntheticDataset refuses a non-empty folder unless asked, and validates its options', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
  await assert.rejects(generateSyntheticDataset(dir, { seed: 1, scale: 0.1, tiles: 1, imagesPerTile: 1 }), (error: unknown) => {
    assert.ok(error instanceof DatasetError);
    assert.equal(error.code, 'ERR_DATASET_EXISTS');
    assert.equal(error.file, dir);
    return true;
  });
  await generateSyntheticDataset(dir, { seed: 1, scale: 0.1, tiles: 1, imagesPerTile: 1, overwrite: true });
  assert.equal(fs.readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'mine');
  assert.ok(fs.existsSync(path.join(dir, 'Tile 1', 'masks', 'image_part_001.png')));
  await assert.rejects(generateSyntheticDataset(path.join(dir, 'x'), { seed: 1, scale: 0 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.scale must be a number in \(0, 4\] \(got 0\)/,
  });
  await assert.rejects(generateSyntheticDataset(path.join(dir, 'x'), { seed: 1, tiles: 1.5 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.tiles must be an integer >= 1 \(got 1\.5\)/,
  });
  await assert.rejects(generateSyntheticDataset(path.join(dir, 'x'), { seed: Number.NaN }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.seed must be a finite number/,
  });
});
