import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHardImages, selectTopHardPatches, type HardImageItem } from '../../src/report/index.js';
import { assertPicture } from './png-checks.js';
import { patchItem, syntheticPatches } from './synthetic.js';

/** A 4×4 patch whose 16 pixels have the given class counts (class c for counts[c] pixels, in order). */
function patch(counts: readonly number[]): number[] {
  const pixels = counts.flatMap((count, c) => new Array<number>(count).fill(c));
  assert.equal(pixels.length, 16);
  return pixels;
}

// Hardness (sum of squared class fractions) of each kind of 4×4 patch:
const FOUR_CLASSES = patch([4, 4, 4, 4]); // 4 · (1/4)² = 0.25 → hard
const THREE_CLASSES = patch([6, 5, 5]); // (36 + 25 + 25) / 256 = 0.336 → hard
const TWO_HALVES = patch([8, 8]); // 0.5 → not hard
const ONE_CLASS = patch([16]); // 1 → not hard

const PATCHES = [
  { labels: ONE_CLASS, accuracy: 0.99 }, // 0
  { labels: FOUR_CLASSES, accuracy: 0.5 }, // 1
  { labels: FOUR_CLASSES, accuracy: 0.9 }, // 2
  { labels: ONE_CLASS, accuracy: 1.0 }, // 3
  { labels: FOUR_CLASSES, accuracy: 0.7 }, // 4
  { labels: FOUR_CLASSES, accuracy: 0.9 }, // 5 (ties with 2)
  { labels: ONE_CLASS, accuracy: 0.95 }, // 6
  { labels: FOUR_CLASSES, accuracy: 0.1 }, // 7
  { labels: FOUR_CLASSES, accuracy: 0.6 }, // 8
  { labels: FOUR_CLASSES, accuracy: 0.8 }, // 9
  { labels: FOUR_CLASSES, accuracy: 0.3 }, // 10
  { labels: FOUR_CLASSES, accuracy: 0.65 }, // 11
  { labels: THREE_CLASSES, accuracy: 0.85 }, // 12
  { labels: TWO_HALVES, accuracy: 0.97 }, // 13
  { labels: FOUR_CLASSES, accuracy: 0.05 }, // 14: hard, but the least accurate of eleven
];
const labels = Uint8Array.from(PATCHES.flatMap((p) => p.labels));
const accuracy = PATCHES.map((p) => p.accuracy);

test('selectTopHardPatches: the ten most accurate hard patches, in increasing accuracy (ties: lower index first)', () => {
  // Hard: 1, 2, 4, 5, 7, 8, 9, 10, 11, 12, 14 (eleven); the top ten drop 14 (0.05).
  assert.deepEqual(selectTopHardPatches(accuracy, labels, 4), [7, 10, 1, 8, 11, 4, 9, 12, 2, 5]);
  assert.deepEqual(selectTopHardPatches(accuracy, labels, 4, 3), [12, 2, 5]);
  assert.deepEqual(selectTopHardPatches(Float64Array.from(accuracy), labels, 4, 5), [4, 9, 12, 2, 5]);
  // A stricter threshold keeps only the four-class patches (0.25), not the three-class one (0.336).
  assert.deepEqual(selectTopHardPatches(accuracy, labels, 4, 10, 0.3), [14, 7, 10, 1, 8, 11, 4, 9, 2, 5]);
  assert.deepEqual(selectTopHardPatches(accuracy, labels, 4, 10, 0.2), []);
  // A looser one lets the two-halves patch (0.5) in, and it is the most accurate.
  assert.equal(selectTopHardPatches(accuracy, labels, 4, 10, 0.5).at(-1), 13);
  // Shape errors come from the metrics, naming the argument.
  assert.throws(
    () => selectTopHardPatches(accuracy, labels.subarray(1), 4),
    (error: Error & { argument?: string }) => error instanceof RangeError && error.argument !== undefined,
  );
});

test('renderHardImages: a grid of ten patches, fixed width, not blank; bad input is an InvalidOptionError', async () => {
  const size = 32;
  const batch = syntheticPatches(12, size);
  const items: HardImageItem[] = Array.from({ length: 10 }, (_, n) => patchItem(batch, n, size, `Tile ${n}/image_part_00${n}.jpg#1`));
  const png = await renderHardImages(items);
  const stats = await assertPicture(png, 1800, 'hard images', 256);
  assert.ok(stats.height > 1500, `two rows of five patches, three tiles each (height ${stats.height})`);
  await assertPicture(await renderHardImages(items.slice(0, 3), { scale: 1, width: 600 }), 600, 'three patches');

  await assert.rejects(renderHardImages([]), { code: 'ERR_INVALID_OPTION' });
  await assert.rejects(renderHardImages([...items, items[0]]), { code: 'ERR_INVALID_OPTION', message: /at most 10 patches/ });
  await assert.rejects(renderHardImages([{ ...items[0], truth: items[0].truth.subarray(1) }]), {
    code: 'ERR_INVALID_OPTION',
    message: /items\[0\]\.truth must be a Uint8Array of size×size = 1024/,
  });
  const badIds = Uint8Array.from(items[0].predicted);
  badIds[5] = 6;
  await assert.rejects(renderHardImages([{ ...items[0], predicted: badIds }]), {
    code: 'ERR_INVALID_OPTION',
    message: /items\[0\]\.predicted\[5\] is 6, not a class id/,
  });
  await assert.rejects(renderHardImages([{ ...items[0], accuracy: 1.5 }]), {
    code: 'ERR_INVALID_OPTION',
    message: /accuracy must be a number in \[0, 1\]/,
  });
});
