import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { loadDataset } from '../../src/segmentation/dataset-loader.js';
import { generateSyntheticDataset } from '../../src/segmentation/synthetic-dataset.js';
import { CLASSES } from '../../src/segmentation/types.js';

const PATCH = 32;
let root = '';
/** Per image: tile-relative source, width, height, decoded RGB image and mask. */
const images = new Map<string, { width: number; height: number; image: Buffer; mask: Buffer }>();

before(async () => {
  root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-load-')), 'data');
  await generateSyntheticDataset(root, { seed: 4, scale: 0.12, imagesPerTile: 3 });
  for (const tile of fs.readdirSync(root).filter((name) => name.startsWith('Tile'))) {
    for (const file of fs.readdirSync(path.join(root, tile, 'images'))) {
      const image = await sharp(path.join(root, tile, 'images', file))
        .raw()
        .toBuffer({ resolveWithObject: true });
      const mask = await sharp(path.join(root, tile, 'masks', file.replace('.jpg', '.png')))
        .raw()
        .toBuffer();
      images.set(`${tile}/${file}`, { width: image.info.width, height: image.info.height, image: image.data, mask });
    }
  }
});
after(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

function expectedPatches(): number {
  let total = 0;
  for (const { width, height } of images.values()) total += Math.floor(width / PATCH) * Math.floor(height / PATCH);
  return total;
}

test('loadDataset cuts every image into floor(w/P)·floor(h/P) patches from the top-left, and splits them 80/20', async () => {
  const dataset = await loadDataset(root, { patchSize: PATCH, seed: 1 });
  const total = expectedPatches();
  assert.ok(total > 200, `${total} patches`);
  assert.equal(dataset.patchSize, PATCH);
  assert.equal(dataset.train.count + dataset.validation.count, total);
  assert.equal(dataset.validation.count, Math.round(total * 0.2));
  for (const set of [dataset.train, dataset.validation]) {
    assert.equal(set.patchSize, PATCH);
    assert.equal(set.images.length, set.count * PATCH * PATCH * 3);
    assert.equal(set.labels.length, set.count * PATCH * PATCH);
    assert.equal(set.sources.length, set.count);
    assert.ok(!(set.images.buffer instanceof SharedArrayBuffer));
  }
  const sources = [...dataset.train.sources, ...dataset.validation.sources];
  assert.equal(new Set(sources).size, total, 'every patch once');
  assert.deepEqual(dataset.warnings, []);
});

test('loadDataset: patch pixels and class ids match the files at the patch position (mask colour -> id by the palette)', async () => {
  const dataset = await loadDataset(root, { patchSize: PATCH, seed: 2 });
  const idOf = new Map<string, number>(CLASSES.map(({ id, rgb }) => [rgb.join(','), id]));
  const seen = new Set<number>();
  for (const set of [dataset.train, dataset.validation]) {
    for (let index = 0; index < set.count; index += 7) {
      const match = /^(Tile \d+\/image_part_\d+\.jpg)#(\d+)$/.exec(set.sources[index]);
      assert.ok(match, set.sources[index]);
      const file = images.get(match[1]);
      assert.ok(file);
      const columns = Math.floor(file.width / PATCH);
      const x0 = (Number(match[2]) % columns) * PATCH;
      const y0 = Math.floor(Number(match[2]) / columns) * PATCH;
      for (const [dx, dy] of [
        [0, 0],
        [PATCH - 1, 0],
        [0, PATCH - 1],
        [PATCH - 1, PATCH - 1],
        [13, 21],
        [30, 5],
      ]) {
        const at: number = (y0 + dy) * file.width + x0 + dx;
        const inPatch = index * PATCH * PATCH + dy * PATCH + dx;
        const colour: string = [file.mask[at * 3], file.mask[at * 3 + 1], file.mask[at * 3 + 2]].join(',');
        assert.equal(set.labels[inPatch], idOf.get(colour), `${set.sources[index]} (${dx}, ${dy})`);
        seen.add(set.labels[inPatch]);
        for (let c = 0; c < 3; c++) assert.equal(set.images[inPatch * 3 + c], file.image[at * 3 + c]);
      }
    }
  }
  assert.ok(seen.size >= 4, `several classes sampled (${[...seen]})`);
});

test('loadDataset: the split is reproducible for a seed and differs for another; validationFraction and maxPatches', async () => {
  const a = await loadDataset(root, { patchSize: PATCH, seed: 9 });
  const b = await loadDataset(root, { patchSize: PATCH, seed: 9 });
  const c = await loadDataset(root, { patchSize: PATCH, seed: 10 });
  assert.deepEqual(b.validation.sources, a.validation.sources);
  assert.deepEqual(b.train.sources, a.train.sources);
  assert.deepEqual(b.train.images, a.train.images);
  assert.deepEqual(b.validation.labels, a.validation.labels);
  assert.notDeepEqual(c.validation.sources, a.validation.sources);
  assert.notDeepEqual([...c.validation.sources].sort(), [...a.validation.sources].sort(), 'other patches, not just another order');

  const total = expectedPatches();
  const third = await loadDataset(root, { patchSize: PATCH, seed: 9, validationFraction: 1 / 3 });
  assert.equal(third.validation.count, Math.round(total / 3));
  const none = await loadDataset(root, { patchSize: PATCH, seed: 9, validationFraction: 0 });
  assert.equal(none.validation.count, 0);
  assert.equal(none.train.count, total);

  const few = await loadDataset(root, { patchSize: PATCH, seed: 9, maxPatches: 50 });
  assert.equal(few.train.count, 40);
  assert.equal(few.validation.count, 10);
  const fewAgain = await loadDataset(root, { patchSize: PATCH, seed: 9, maxPatches: 50 });
  assert.deepEqual(fewAgain.train.sources, few.train.sources);
  const tiles = new Set(few.train.sources.map((source) => source.split('/')[0]));
  assert.ok(tiles.size >= 3, `a random choice across tiles, not the first tile (${[...tiles]})`);
});

test('loadDataset with shared: true puts images and labels in SharedArrayBuffers', async () => {
  const dataset = await loadDataset(root, { patchSize: PATCH, seed: 1, shared: true });
  const plain = await loadDataset(root, { patchSize: PATCH, seed: 1 });
  for (const split of ['train', 'validation'] as const) {
    assert.ok(dataset[split].images.buffer instanceof SharedArrayBuffer);
    assert.ok(dataset[split].labels.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(new Uint8Array(dataset[split].images), new Uint8Array(plain[split].images));
    assert.deepEqual(new Uint8Array(dataset[split].labels), new Uint8Array(plain[split].labels));
  }
});

test('loadDataset: an image smaller than one patch yields no patches and a warning, not an error', async () => {
  const big = 128;
  const dataset = await loadDataset(root, { patchSize: big, seed: 1, onWarning: () => undefined });
  let expected = 0;
  const small: string[] = [];
  for (const [source, { width, height }] of images) {
    const count = Math.floor(width / big) * Math.floor(height / big);
    expected += count;
    if (count === 0) small.push(source);
  }
  assert.ok(small.length > 0 && expected > 0);
  assert.equal(dataset.train.count + dataset.validation.count, expected);
  const warned = dataset.warnings.filter(({ code }) => code === 'SMALLER_THAN_PATCH');
  assert.equal(warned.length, small.length);
  assert.match(warned[0].message, /is smaller than one 128×128 patch/);
  for (const source of small)
    assert.ok(
      warned.some(({ file }) => file.endsWith(source.replace('/', `${path.sep}images${path.sep}`))),
      source,
    );
});

test('loadDataset validates its options, rejecting with messages that name the option', async () => {
  await assert.rejects(loadDataset(root, { patchSize: 0, seed: 1 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.patchSize must be an integer >= 1 \(got 0\)/,
  });
  await assert.rejects(loadDataset(root, { patchSize: 32, seed: Number.NaN }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.seed must be a finite number/,
  });
  await assert.rejects(loadDataset(root, { patchSize: 32, seed: 1, validationFraction: 1 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.validationFraction must be a number in \[0, 1\) \(got 1\)/,
  });
  await assert.rejects(loadDataset(root, { patchSize: 32, seed: 1, maxPatches: 0 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.maxPatches must be an integer >= 1 \(got 0\)/,
  });
  await assert.rejects(loadDataset(root, { patchSize: 32, seed: 1, unknownColours: 'building' as 'error' }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.unknownColours must be 'error' or 'unlabeled' \(got "building"\)/,
  });
});
