import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDataset } from '../../src/segmentation/dataset-loader.js';
import { generateSyntheticDataset } from '../../src/segmentation/synthetic-dataset.js';
import { NUM_CLASSES, type PatchSet } from '../../src/segmentation/types.js';
import { tempDir } from '../helpers/temp-dir.js';

function subset(set: PatchSet, keep: (source: string) => boolean): PatchSet {
  const indices = set.sources.flatMap((source, index) => (keep(source) ? [index] : []));
  const pixels = set.patchSize * set.patchSize;
  const images = new Uint8Array(indices.length * pixels * 3);
  const labels = new Uint8Array(indices.length * pixels);
  indices.forEach((index, k) => {
    images.set(set.images.subarray(index * pixels * 3, (index + 1) * pixels * 3), k * pixels * 3);
    labels.set(set.labels.subarray(index * pixels, (index + 1) * pixels), k * pixels);
  });
  return { patchSize: set.patchSize, count: indices.length, images, labels, sources: indices.map((index) => set.sources[index]) };
}

/** 3×3 mean colour of every pixel of every patch (edges clamped), as [r, g, b] triples. */
function meanColours(set: PatchSet): Float32Array {
  const size = set.patchSize;
  const out = new Float32Array(set.count * size * size * 3);
  for (let patch = 0; patch < set.count; patch++) {
    const base = patch * size * size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let r = 0,
          g = 0,
          b = 0,
          n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy,
              xx = x + dx;
            if (yy < 0 || yy >= size || xx < 0 || xx >= size) continue;
            const i = (base + yy * size + xx) * 3;
            r += set.images[i];
            g += set.images[i + 1];
            b += set.images[i + 2];
            n++;
          }
        }
        const o = (base + y * size + x) * 3;
        out[o] = r / n;
        out[o + 1] = g / n;
        out[o + 2] = b / n;
      }
    }
  }
  return out;
}

test('synthetic scenes are learnable from pixels: nearest class-mean colour (3×3 mean) beats the majority class by 0.2 on held-out tiles', async (t) => {
  const dir = tempDir(t, 'bandster-learn-');
  await generateSyntheticDataset(dir, { seed: 11, scale: 0.15, imagesPerTile: 4 });
  // Held-out tiles, not held-out patches: the classifier never saw a pixel of Tile 7 or Tile 8.
  const all = await loadDataset(dir, { patchSize: 32, seed: 5, validationFraction: 0 });
  const heldOut = (source: string): boolean => source.startsWith('Tile 7/') || source.startsWith('Tile 8/');
  const train = subset(all.train, (source) => !heldOut(source));
  const validation = subset(all.train, heldOut);
  assert.ok(train.count > 100 && validation.count > 100);

  const trainColours = meanColours(train);
  const sums = new Float64Array(NUM_CLASSES * 3);
  const counts = new Float64Array(NUM_CLASSES);
  for (let p = 0; p < train.labels.length; p++) {
    const id = train.labels[p];
    counts[id]++;
    for (let c = 0; c < 3; c++) sums[id * 3 + c] += trainColours[p * 3 + c];
  }
  const means = Array.from({ length: NUM_CLASSES }, (_, id) => [0, 1, 2].map((c) => sums[id * 3 + c] / Math.max(1, counts[id])));

  const colours = meanColours(validation);
  const truth = new Float64Array(NUM_CLASSES);
  let correct = 0;
  const confusion = new Array(36).fill(0);
  for (let p = 0; p < validation.labels.length; p++) {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let id = 0; id < NUM_CLASSES; id++) {
      if (counts[id] === 0) continue;
      const dr = colours[p * 3] - means[id][0],
        dg = colours[p * 3 + 1] - means[id][1],
        db = colours[p * 3 + 2] - means[id][2];
      const distance = dr * dr + dg * dg + db * db;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = id;
      }
    }
    truth[validation.labels[p]]++;
    confusion[validation.labels[p] * NUM_CLASSES + best]++;
    if (best === validation.labels[p]) correct++;
  }
  const accuracy = correct / validation.labels.length;
  const majority = Math.max(...truth) / validation.labels.length;
  t.diagnostic(JSON.stringify(means.map((m) => m.map(Math.round))));
  for (let i = 0; i < 6; i++) t.diagnostic(confusion.slice(i * 6, i * 6 + 6).join(' '));
  t.diagnostic(`accuracy ${accuracy.toFixed(3)}, majority class ${majority.toFixed(3)}`);
  assert.ok(accuracy >= majority + 0.2, `accuracy ${accuracy.toFixed(3)} vs majority ${majority.toFixed(3)}`);
});
