/** Synthetic inputs for the comparison pictures: training histories, precision–recall curves, patches. */
import { Rng } from '../../src/core/rng.js';
import { CLASSES } from '../../src/segmentation/types.js';
import type { HardImageItem, RunPrecisionRecall, TrainingHistory } from '../../src/report/index.js';

/** Two 100-epoch histories that look like real training: decaying losses, the tuned run lower. */
export function syntheticHistories(epochs = 100): TrainingHistory[] {
  const rng = new Rng(7);
  const run = (label: string, floor: number, rate: number, overfit: number): TrainingHistory => ({
    label,
    epochs: Array.from({ length: epochs }, (_, i) => {
      const epoch = i + 1;
      const trainLoss = floor * 0.8 + 0.9 * Math.exp(-rate * epoch) + 0.01 * rng.random();
      const valLoss = floor + 0.85 * Math.exp(-rate * epoch) + (overfit * Math.max(0, epoch - 40)) / 100 + 0.03 * rng.random();
      const iou = 0.75 - 0.6 * Math.exp(-rate * epoch) - (overfit * Math.max(0, epoch - 40)) / 200 + 0.02 * rng.random();
      return { epoch, trainLoss, valLoss, iou };
    }),
  });
  return [run('default (batch 16)', 0.42, 0.05, 0.06), run('tuned', 0.33, 0.08, 0.01)];
}

/** Precision–recall curves for six classes at 101 thresholds; the tuned run's are better. */
export function syntheticPrecisionRecall(): RunPrecisionRecall[] {
  const curve = (quality: number) => {
    const recall: number[] = [];
    const precision: number[] = [];
    for (let k = 0; k <= 100; k++) {
      const t = k / 100;
      const r = 1 - t ** (1 + 2 * quality);
      recall.push(r);
      precision.push(
        k === 100 ? Number.NaN : Math.min(1, 0.2 + 0.8 * (1 - r) ** (0.3 / (quality + 0.2)) * quality + (1 - quality) * 0.2 * (1 - r)),
      );
    }
    return { recall, precision };
  };
  const run = (label: string, base: number): RunPrecisionRecall => {
    const perClass = CLASSES.map((entry, i) => ({ className: entry.name, ...curve(Math.min(0.95, base + 0.08 * ((i * 3) % 5) - 0.12)) }));
    const mean = {
      recall: perClass[0].recall.map((_, k) => perClass.reduce((s, c) => s + c.recall[k], 0) / perClass.length),
      precision: perClass[0].precision.map((_, k) => perClass.reduce((s, c) => s + c.precision[k], 0) / perClass.length),
    };
    return { label, perClass, mean };
  };
  return [run('default (batch 16)', 0.55), run('tuned', 0.72)];
}

/**
 * `count` patches of `size`×`size`: a mask of blobs of several classes, an image coloured after the
 * mask with noise, and a prediction equal to the truth except for a band of wrong pixels whose
 * width sets the accuracy.
 */
export function syntheticPatches(
  count: number,
  size: number,
  seed = 3,
): { labels: Uint8Array; images: Uint8Array; predicted: Uint8Array; accuracy: Float64Array } {
  const rng = new Rng(seed);
  const pixels = size * size;
  const labels = new Uint8Array(count * pixels);
  const images = new Uint8Array(count * pixels * 3);
  const predicted = new Uint8Array(count * pixels);
  const accuracy = new Float64Array(count);
  const tint: [number, number, number][] = [
    [150, 120, 110],
    [170, 150, 100],
    [120, 120, 125],
    [60, 110, 50],
    [50, 90, 150],
    [200, 200, 200],
  ];
  for (let n = 0; n < count; n++) {
    const centers = Array.from({ length: 5 }, () => ({ x: rng.random() * size, y: rng.random() * size, c: Math.floor(rng.random() * 5) }));
    const errorRows = Math.floor(rng.random() * size * 0.4);
    let correct = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let best = 0;
        let bestDistance = Infinity;
        centers.forEach((center, i) => {
          const d = (center.x - x) ** 2 + (center.y - y) ** 2;
          if (d < bestDistance) [bestDistance, best] = [d, i];
        });
        const label = centers[best].c;
        const p = n * pixels + y * size + x;
        labels[p] = label;
        const wrong = y < errorRows;
        predicted[p] = wrong ? (label + 1) % 6 : label;
        if (!wrong) correct++;
        for (let ch = 0; ch < 3; ch++)
          images[3 * p + ch] = Math.max(0, Math.min(255, tint[label][ch] + Math.floor((rng.random() - 0.5) * 40)));
      }
    }
    accuracy[n] = correct / pixels;
  }
  return { labels, images, predicted, accuracy };
}

/** Patch `n` of a batch as a {@link HardImageItem}. */
export function patchItem(batch: ReturnType<typeof syntheticPatches>, n: number, size: number, caption?: string): HardImageItem {
  const pixels = size * size;
  return {
    image: batch.images.subarray(n * pixels * 3, (n + 1) * pixels * 3),
    truth: batch.labels.subarray(n * pixels, (n + 1) * pixels),
    predicted: batch.predicted.subarray(n * pixels, (n + 1) * pixels),
    accuracy: batch.accuracy[n],
    size,
    ...(caption ? { caption } : {}),
  };
}
