// Issue 12, item 9: `dataset info` decodes every image, and held whole images — up to sharp's
// 268-megapixel limit each, four at a time (3 pairs of 16000² took 5.3 GB). It now decodes at most
// DATASET_INSPECT_DEFAULTS.maxDecodedPixels at once, in strips of rows, whatever the image size.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { CLASSES } from '../../src/segmentation/types.js';
import { tempDir } from '../helpers/temp-dir.js';

const script = fileURLToPath(new URL('./fixtures/inspect-peak-memory.ts', import.meta.url));

/** A dataset of `pairs` image/mask pairs of side × side: the masks split into a Building top half and a Road bottom half. */
async function writeDataset(root: string, pairs: number, side: number): Promise<void> {
  for (let i = 0; i < pairs; i++) {
    const tile = path.join(root, `Tile ${i + 1}`);
    fs.mkdirSync(path.join(tile, 'images'), { recursive: true });
    fs.mkdirSync(path.join(tile, 'masks'), { recursive: true });
    await sharp({ create: { width: side, height: side, channels: 3, background: { r: 90, g: 120, b: 60 } } })
      .jpeg()
      .toFile(path.join(tile, 'images', 'image_part_001.jpg'));
    const [building, road] = [CLASSES[0].rgb, CLASSES[2].rgb];
    const half = Math.floor(side / 2);
    await sharp({ create: { width: side, height: side, channels: 3, background: { r: road[0], g: road[1], b: road[2] } } })
      .composite([
        {
          input: { create: { width: side, height: half, channels: 3, background: { r: building[0], g: building[1], b: building[2] } } },
          top: 0,
          left: 0,
        },
      ])
      .png()
      .toFile(path.join(tile, 'masks', 'image_part_001.png'));
  }
}

function inspect(root: string): {
  images: number;
  problems: string[];
  pixelsPerClass: number[];
  patchPixelsPerClass: number[];
  maxRssMb: number;
} {
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, root], {
    encoding: 'utf8',
    timeout: 300_000,
    killSignal: 'SIGKILL',
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('dataset info inspects large images within a fixed memory, counting every pixel', { timeout: 600_000 }, async (t) => {
  const dir = tempDir(t, 'bandster-inspect-');
  const small = path.join(dir, 'small');
  const large = path.join(dir, 'large');
  const side = 6000;
  await writeDataset(small, 2, 300);
  await writeDataset(large, 3, side);
  const baseline = inspect(small);
  const measured = inspect(large);
  assert.deepEqual(measured.problems, []);
  assert.equal(measured.images, 3);
  const half = Math.floor(side / 2);
  assert.equal(measured.pixelsPerClass[0], 3 * half * side, 'every Building pixel counted');
  assert.equal(measured.pixelsPerClass[2], 3 * (side - half) * side, 'every Road pixel counted');
  const crop = Math.floor(side / 256) * 256;
  assert.equal(measured.patchPixelsPerClass[0] + measured.patchPixelsPerClass[2], 3 * crop * crop);
  // Whole images held at once: 3 pairs × 36 Mpx × 7 bytes (RGB image, RGB mask, labels) ≈ 756 MB.
  // Within the bound: 16.8 Mpx × 7 bytes ≈ 117 MB live, plus libvips's buffers and garbage not yet
  // collected (measured: about 240 MB over the tiny dataset's peak).
  const grown = measured.maxRssMb - baseline.maxRssMb;
  t.diagnostic(
    `peak resident memory: ${baseline.maxRssMb.toFixed(0)} MB for a tiny dataset, ${measured.maxRssMb.toFixed(0)} MB for 3 pairs of ${side}²`,
  );
  assert.ok(grown < 350, `peak memory grew by ${grown.toFixed(0)} MB over a tiny dataset's (${baseline.maxRssMb.toFixed(0)} MB)`);
});
