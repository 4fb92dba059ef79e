import type { BackendModel } from '../../backends/backend.js';
import { confusionMatrixFromProbabilities, pixelAccuracyPerImage, precisionRecallCurve } from '../metrics/index.js';
import type { HardImageItem, RunPrecisionRecall, TrainingHistory } from '../report/index.js';
import { selectTopHardPatches } from '../report/index.js';
import type { Configuration } from '../core/types.js';
import { labelBatch, scaleBatch } from './patch-batches.js';
import { trainModel, type EpochRecord, type TrainerOptions } from './trainer.js';
import { CLASSES, NUM_CLASSES, type PatchSet } from './types.js';
import { precisionAtRecall } from './validation-metrics.js';

/** One side of the comparison: a label and the configuration trained under it. */
export interface ComparedRun {
  readonly label: string;
  readonly config: Configuration;
}

/** What the comparison measured for one run. */
export interface ComparisonRunResult {
  readonly label: string;
  readonly config: Configuration;
  readonly history: EpochRecord[];
  readonly precisionRecall?: RunPrecisionRecall;
  readonly hardImages: HardImageItem[];
}

/**
 * Trains each configuration from fresh weights on the same split and seed for `epochs` epochs
 * (the study: default batch size 16 against the tuned values, 100 epochs), measuring the
 * precision–recall curves after `precisionRecallEpoch` and, at the end, the ten most accurately
 * predicted hard validation patches.
 */
export async function compareRuns(
  runs: readonly ComparedRun[],
  epochs: number,
  precisionRecallEpoch: number,
  options: TrainerOptions,
): Promise<ComparisonRunResult[]> {
  const results: ComparisonRunResult[] = [];
  for (const run of runs) {
    let precisionRecall: RunPrecisionRecall | undefined;
    const trained = await trainModel(run.config, epochs, {
      ...options,
      onEpoch: async (record, model) => {
        await options.onEpoch?.(record, model);
        if (record.epoch === precisionRecallEpoch)
          precisionRecall = await measurePrecisionRecall(model, options.dataset.validation, run.label);
      },
    });
    try {
      results.push({
        label: run.label,
        config: run.config,
        history: trained.history,
        precisionRecall,
        hardImages: await mostAccurateHardPatches(trained.model, options.dataset.validation),
      });
    } finally {
      trained.model.dispose();
    }
  }
  return results;
}

/** The histories in the report's shape. */
export function toTrainingHistory(result: ComparisonRunResult): TrainingHistory {
  return {
    label: result.label,
    epochs: result.history.map(({ epoch, trainLoss, valLoss, meanIou }) => ({ epoch, trainLoss, valLoss, iou: meanIou })),
  };
}

async function predictAll(model: BackendModel, set: PatchSet, batchSize = 16): Promise<Float32Array> {
  const size = set.patchSize;
  const probabilities = new Float32Array(set.count * size * size * NUM_CLASSES);
  for (let start = 0; start < set.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, set.count - start) }, (_, i) => start + i);
    probabilities.set(await model.predict(scaleBatch(set, indices), indices.length), start * size * size * NUM_CLASSES);
  }
  return probabilities;
}

async function measurePrecisionRecall(model: BackendModel, set: PatchSet, label: string): Promise<RunPrecisionRecall> {
  const probabilities = await predictAll(model, set);
  const size = set.patchSize;
  const curve = precisionRecallCurve(
    set.labels,
    probabilities,
    { images: set.count, height: size, width: size, classes: NUM_CLASSES },
    { thresholds: 101 },
  );
  const k = curve.thresholds.length;
  const perClass = CLASSES.map((cls, c) => {
    const points = { className: cls.name, precision: [] as number[], recall: [] as number[] };
    for (let t = 0; t < k; t++) {
      const precision = curve.precision[c * k + t];
      const recall = curve.recall[c * k + t];
      // Thresholds no pixel reaches have no precision; a class absent from the set has no recall.
      if (Number.isFinite(precision) && Number.isFinite(recall)) {
        points.precision.push(precision);
        points.recall.push(recall);
      }
    }
    return points;
  }).filter((points) => points.recall.length > 0);
  // The average over classes at fixed recall levels (the study's Keras PrecisionAtRecall 0.01…0.99):
  // averaging per threshold instead mixes classes whose curves cover different recall ranges.
  const levels = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  const atRecall = precisionAtRecall(set.labels, probabilities, set.count, size, levels);
  const present = CLASSES.map((_, c) => c).filter((c) => curve.positives[c] > 0);
  const mean = {
    recall: levels,
    precision: levels.map((_, i) => present.reduce((sum, c) => sum + atRecall[c][i], 0) / Math.max(1, present.length)),
  };
  return { label, perClass, mean };
}

async function mostAccurateHardPatches(model: BackendModel, set: PatchSet): Promise<HardImageItem[]> {
  const size = set.patchSize;
  const probabilities = await predictAll(model, set);
  const confusion = confusionMatrixFromProbabilities(set.labels, probabilities, {
    images: set.count,
    height: size,
    width: size,
    classes: NUM_CLASSES,
  });
  const accuracy = pixelAccuracyPerImage(confusion.perImage, NUM_CLASSES);
  const chosen = selectTopHardPatches(accuracy, set.labels, size);
  const pixels = size * size;
  return chosen.map((index) => {
    const predicted = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) {
      const base = (index * pixels + p) * NUM_CLASSES;
      let best = 0;
      for (let c = 1; c < NUM_CLASSES; c++) if (probabilities[base + c] > probabilities[base + best]) best = c;
      predicted[p] = best;
    }
    return {
      image: set.images.slice(index * pixels * 3, (index + 1) * pixels * 3),
      truth: labelBatch(set, [index]),
      predicted,
      accuracy: accuracy[index],
      size,
      caption: set.sources[index],
    };
  });
}
