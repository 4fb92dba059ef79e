// One training trial measured alone, in this process: what `bandster bench memory` runs in a child
// process per point (memory-benchmark.ts), so that the process's peak RSS (VmHWM) is the trial's.
import { readFileSync } from 'node:fs';

import type { Profile } from '../../backends/frugal/frugal-backend.js';
import { createBackend } from '../../backends/index.js';
import { Rng } from '../core/rng.js';
import { allocatePatchSet } from '../segmentation/patch-set.js';
import { trainModel } from '../segmentation/trainer.js';
import type { PatchSet, SegmentationDataset } from '../segmentation/types.js';

/** The prefix of the child's result line. */
export const MEMORY_RESULT = 'BANDSTER_MEMORY_RESULT ';

/** One measured configuration: the net, the batch sizes, the data's size, the profile, the backend. */
export interface MemoryPoint {
  readonly backend: string;
  readonly patch: number;
  readonly baseFilters: number;
  readonly depth: number;
  readonly batch: number;
  readonly validationBatch: number;
  readonly trainCount: number;
  readonly validationCount: number;
  readonly profile: Profile;
  readonly microBatch?: number;
  /** The frugal profile recomputes the encoder's activations in the backward pass (FrugalOptions.recompute). */
  readonly recompute?: boolean;
  /** ONNX Runtime's intra-op threads. @defaultValue 1 */
  readonly threads?: number;
  /** @defaultValue 1 */
  readonly epochs?: number;
  readonly dropoutScale?: number;
}

export interface MemoryMeasurement {
  readonly point: MemoryPoint;
  /** RSS (MB) once the backend is initialised and the data is in memory, before the trial. */
  readonly baselineMb: number;
  /** The process's peak RSS (MB, VmHWM) by the end of the trial. */
  readonly peakMb: number;
  /** Seconds per epoch (training and validation), each epoch. */
  readonly epochSeconds: readonly number[];
  readonly trainLosses: readonly number[];
  readonly validationLosses: readonly number[];
  /** What the trial's own meter recorded (info.memory). */
  readonly trialMemory: Readonly<Record<string, unknown>>;
}

/** The process's peak RSS in MB (Linux: VmHWM; elsewhere the largest RSS Node saw). */
export function processPeakMb(): number {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Patches with blocky labels that the colours carry (a net can learn them), seeded. */
export function blockPatches(patch: number, count: number, seed: number): PatchSet {
  const set = allocatePatchSet(
    patch,
    count,
    Array.from({ length: count }, (_, i) => `blocks#${i}`),
    false,
  );
  const rng = new Rng(seed);
  const block = Math.max(4, patch / 8);
  const palette = [
    [60, 16, 152],
    [132, 41, 246],
    [110, 193, 228],
    [254, 221, 58],
    [226, 169, 41],
    [155, 155, 155],
  ];
  for (let n = 0; n < count; n++) {
    const cells = Array.from({ length: (patch / block) ** 2 }, () => rng.int(6));
    for (let y = 0; y < patch; y++) {
      for (let x = 0; x < patch; x++) {
        const label = cells[Math.floor(y / block) * (patch / block) + Math.floor(x / block)];
        const pixel = (n * patch + y) * patch + x;
        set.labels[pixel] = label;
        for (let c = 0; c < 3; c++) set.images[3 * pixel + c] = Math.max(0, Math.min(255, palette[label][c] + rng.int(41) - 20));
      }
    }
  }
  return set;
}

/** Runs one trial of `point` in this process and measures it. */
export async function measureTrial(point: MemoryPoint): Promise<MemoryMeasurement> {
  const backend = createBackend(point.backend, { threads: point.threads ?? 1 });
  await backend.init();
  const dataset: SegmentationDataset = {
    patchSize: point.patch,
    train: blockPatches(point.patch, point.trainCount, 1),
    validation: blockPatches(point.patch, point.validationCount, 2),
  };
  const baselineMb = process.memoryUsage.rss() / 2 ** 20;
  const epochs = point.epochs ?? 1;
  const epochSeconds: number[] = [];
  const run = await trainModel(
    {
      batchsize: point.batch,
      valbatchsize: point.validationBatch,
      dropout_scale: point.dropoutScale ?? 1,
      base_filters: point.baseFilters,
    },
    epochs,
    {
      dataset,
      backend,
      seed: 1,
      depth: point.depth,
      profile: point.profile,
      frugal:
        point.microBatch === undefined && point.recompute === undefined
          ? undefined
          : { microBatch: point.microBatch, recompute: point.recompute },
      onEpoch: (record) => {
        epochSeconds.push(record.seconds);
      },
    },
  );
  run.model.dispose();
  return {
    point,
    baselineMb,
    peakMb: processPeakMb(),
    epochSeconds,
    trainLosses: run.history.map((record) => record.trainLoss),
    validationLosses: run.history.map((record) => record.valLoss),
    trialMemory: run.memory as unknown as Record<string, unknown>,
  };
}
