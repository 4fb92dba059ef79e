import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Backend, BackendModel } from '../../backends/backend.js';
import { AbortedError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { writeFileAtomic } from '../storage/write-file-atomic.js';
import type { Configuration, ObjectiveResult, TrialContext } from '../core/types.js';
import { labelBatch, scaleBatch } from './patch-batches.js';
import { trainerSettings, type TrainerDefaults, type TrainerSettings } from './trainer-settings.js';
import { TrainingError } from './training-error.js';
import { type LossKind, NUM_CLASSES, type PatchSet, type SegmentationDataset, type UNetSpec } from './types.js';
import { ValidationAccumulator, type ValidationMetrics } from './validation-metrics.js';
import { WholeSetLoss } from './whole-set-loss.js';

/** One epoch of a training run. */
export interface EpochRecord extends ValidationMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  /** The validation loss the objective returns (see {@link TrainerDefaults.validationLoss}). */
  readonly valLoss: number;
  /** The study's validation loss: the mean of per-batch losses at the configuration's validation batch size. */
  readonly valLossPerBatch: number;
  /** The loss over the whole validation set at once: independent of the validation batch size (WholeSetLoss). */
  readonly valLossWholeSet: number;
  readonly seconds: number;
}

/** How to train: data, backend, fixed settings, seed, checkpoint reuse. */
export interface TrainerOptions extends TrainerDefaults {
  readonly dataset: SegmentationDataset;
  readonly backend: Backend;
  /** Seed of weights, dropout and batch order; each configuration also mixes in its config id. */
  readonly seed: number;
  /**
   * Continue a configuration promoted from budget b to b′ from its own weights at b, training
   * b′ − b more epochs (Keras Tuner's Hyperband does this); needs `ctx.workdir`. @defaultValue false
   */
  readonly reuseCheckpoints?: boolean;
  /** Called after every epoch with the model as it is then (the comparison measures precision–recall mid-run this way). */
  readonly onEpoch?: (record: EpochRecord, model: BackendModel) => void | Promise<void>;
}

/** A trained model and its history, for callers that keep using the model (the comparison). */
export interface TrainingRun {
  readonly settings: TrainerSettings;
  readonly history: EpochRecord[];
  readonly continuedFrom: number;
  readonly model: BackendModel;
}

/** Checkpoints are `checkpoint-epoch-<epochs>.bin` in a configuration's working directory. */
export const CHECKPOINT_PREFIX = 'checkpoint-epoch-';

/**
 * Trains a fresh U-Net (or continues its own checkpoint) for `epochs` epochs and returns it with
 * its history. Every configuration starts from its own weights: the study reused one model for
 * all configurations, which made its search meaningless.
 */
export async function trainModel(
  config: Configuration,
  epochs: number,
  options: TrainerOptions,
  ctx?: Pick<TrialContext, 'signal' | 'report' | 'workdir' | 'configId'>,
): Promise<TrainingRun> {
  const settings = trainerSettings(config, options);
  const { dataset, backend } = options;
  const spec: UNetSpec = {
    inputSize: dataset.patchSize,
    inputChannels: 3,
    classes: NUM_CLASSES,
    baseFilters: settings.baseFilters,
    depth: settings.depth,
    dropoutScale: settings.dropoutScale,
  };
  const seed = mixSeed(options.seed, ctx?.configId);
  const model = await backend.createModel(spec, { learningRate: settings.learningRate, loss: settings.loss, seed });
  try {
    const checkpointDir = options.reuseCheckpoints && ctx?.workdir ? ctx.workdir : undefined;
    const continuedFrom = checkpointDir ? await restoreLatestCheckpoint(model, checkpointDir, epochs) : 0;
    const history: EpochRecord[] = [];
    const rng = new Rng(seed);
    for (let epoch = continuedFrom + 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const trainLoss = await trainEpoch(model, dataset.train, settings.batchSize, rng, ctx?.signal);
      const validation = await validateModel(model, dataset.validation, settings.validationBatchSize, settings.loss, ctx?.signal);
      const record: EpochRecord = {
        epoch,
        trainLoss,
        valLoss: settings.validationLoss === 'whole-set' ? validation.wholeSetLoss : validation.perBatchLoss,
        valLossPerBatch: validation.perBatchLoss,
        valLossWholeSet: validation.wholeSetLoss,
        ...validation.metrics,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(record);
      ctx?.report(epoch, record.valLoss);
      await options.onEpoch?.(record, model);
    }
    if (checkpointDir) await saveCheckpoint(model, checkpointDir, epochs);
    return { settings, history, continuedFrom, model };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * The BOHB objective: budget = epochs, loss = validation loss after the last epoch, the other
 * metrics and the per-epoch history in `info`.
 */
export async function trainObjective(
  config: Configuration,
  budget: number,
  ctx: TrialContext,
  options: TrainerOptions,
): Promise<ObjectiveResult> {
  const epochs = Math.max(1, Math.round(budget));
  const run = await trainModel(config, epochs, options, ctx);
  run.model.dispose();
  const last = run.history.at(-1);
  if (!last) {
    // Nothing left to train: the checkpoint already had this many epochs.
    throw new TrainingError(
      'ERR_TRAINING_NOTHING_TO_DO',
      `configuration already trained for ${run.continuedFrom} epochs; nothing to do at budget ${budget}`,
    );
  }
  return {
    loss: last.valLoss,
    info: {
      epochs,
      continued_from_epoch: run.continuedFrom,
      train_loss: last.trainLoss,
      val_loss_per_batch: last.valLossPerBatch,
      val_loss_whole_set: last.valLossWholeSet,
      jaccard: last.jaccard,
      pixel_accuracy: last.pixelAccuracy,
      mean_iou: last.meanIou,
      precision: last.precision,
      recall: last.recall,
      iou: last.iou,
      history: run.history.map(({ epoch, trainLoss, valLoss, jaccard, meanIou, pixelAccuracy }) => ({
        epoch,
        trainLoss,
        valLoss,
        jaccard,
        meanIou,
        pixelAccuracy,
      })),
    },
  };
}

async function trainEpoch(
  model: BackendModel,
  set: PatchSet,
  batchSize: number,
  rng: Rng,
  signal: AbortSignal | undefined,
): Promise<number> {
  const order = shuffled(set.count, rng);
  const size = set.patchSize;
  const images = new Float32Array(batchSize * size * size * 3);
  const labels = new Uint8Array(batchSize * size * size);
  let lossSum = 0;
  let seen = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    throwIfAborted(signal);
    const indices = order.slice(start, start + batchSize);
    const n = indices.length;
    const batchImages = scaleBatch(set, indices, n === batchSize ? images : undefined);
    const batchLabels = labelBatch(set, indices, n === batchSize ? labels : undefined);
    lossSum += (await model.trainStep({ size: n, images: batchImages, labels: batchLabels })) * n;
    seen += n;
  }
  return lossSum / Math.max(1, seen);
}

/**
 * One pass over the validation patches at `batchSize`: the study's per-batch loss (the mean of the
 * backend's per-batch losses), the whole-set loss (independent of `batchSize`) and the metrics.
 */
export async function validateModel(
  model: BackendModel,
  set: PatchSet,
  batchSize: number,
  loss: LossKind,
  signal?: AbortSignal,
): Promise<{ perBatchLoss: number; wholeSetLoss: number; metrics: ValidationMetrics }> {
  const accumulator = new ValidationAccumulator();
  const wholeSet = new WholeSetLoss(NUM_CLASSES);
  let lossSum = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    throwIfAborted(signal);
    const indices = Array.from({ length: Math.min(batchSize, set.count - start) }, (_, i) => start + i);
    const images = scaleBatch(set, indices);
    const labels = labelBatch(set, indices);
    lossSum += (await model.evaluate({ size: indices.length, images, labels })) * indices.length;
    const probabilities = await model.predict(images, indices.length);
    accumulator.add(labels, probabilities, indices.length, set.patchSize);
    wholeSet.add(labels, probabilities);
  }
  return { perBatchLoss: lossSum / Math.max(1, set.count), wholeSetLoss: wholeSet.loss(loss), metrics: accumulator.result() };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('training was aborted');
}

function shuffled(count: number, rng: Rng): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function mixSeed(seed: number, configId: readonly number[] | undefined): number {
  if (!configId) return seed;
  return (((seed * 1_000_003) ^ (configId[0] * 10_007 + configId[1] * 101 + configId[2])) >>> 0) % 2 ** 31;
}

/** Loads the checkpoint with the most epochs below `epochs`; returns its epoch count (0 when none). */
async function restoreLatestCheckpoint(model: BackendModel, dir: string, epochs: number): Promise<number> {
  if (!fs.existsSync(dir)) return 0;
  const available = fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(CHECKPOINT_PREFIX))
    .map((name) => Number(name.slice(CHECKPOINT_PREFIX.length).replace(/\.bin$/, '')))
    .filter((epoch) => Number.isInteger(epoch) && epoch < epochs)
    .sort((a, b) => b - a);
  if (available.length === 0) return 0;
  const file = path.join(dir, `${CHECKPOINT_PREFIX}${available[0]}.bin`);
  try {
    await model.importState(new Uint8Array(fs.readFileSync(file)));
  } catch (error) {
    throw new TrainingError('ERR_TRAINING_CHECKPOINT', `${file}: cannot be read back: ${(error as Error).message}`, { cause: error });
  }
  return available[0];
}

async function saveCheckpoint(model: BackendModel, dir: string, epochs: number): Promise<void> {
  const file = path.join(dir, `${CHECKPOINT_PREFIX}${epochs}.bin`);
  const state = await model.exportState();
  try {
    fs.mkdirSync(dir, { recursive: true });
    // Atomic, so a kill mid-write never leaves a truncated checkpoint behind for the next budget to load.
    writeFileAtomic(file, state);
  } catch (error) {
    throw new TrainingError('ERR_TRAINING_CHECKPOINT', `${file}: cannot be written: ${(error as Error).message}`, { cause: error });
  }
}
