import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Backend, BackendModel } from '../../backends/backend.js';
import { inProfile, type Profile, PROFILES } from '../../backends/frugal/frugal-backend.js';
import { type FrugalOptions, frugalOptions } from '../../backends/frugal/frugal-options.js';
import { predictTrialMemory } from '../../backends/memory-model.js';
import { AbortedError, OutOfMemoryError } from '../core/errors.js';
import { nativeMetrics } from '../metrics/native.js';
import { invalidOption } from '../core/option-checks.js';
import { Rng } from '../core/rng.js';
import { writeFileAtomic } from '../storage/write-file-atomic.js';
import type { Configuration, ObjectiveResult, TrialContext } from '../core/types.js';
import { MemoryMeter, type TrialMemory } from './memory-meter.js';
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
  /**
   * The memory profile: 'standard', or 'frugal' (exact micro-batching: backends/frugal/). A trial's
   * `ctx.hints.profile` (a memory budget's choice) takes precedence. @defaultValue 'standard'
   */
  readonly profile?: Profile;
  /** The frugal profile's micro-batch and evaluation chunk. @defaultValue backends/frugal/frugal-options.ts */
  readonly frugal?: FrugalOptions;
  /**
   * Release what the backend caches for speed (ONNX Runtime's sessions and their arenas) after each
   * trial, so that the next trial in the thread starts from the memory it found. @defaultValue false
   */
  readonly releaseMemory?: boolean;
}

/** How a trial used memory: its profile, and what was measured. */
export interface TrialMemoryRecord extends TrialMemory {
  readonly profile: Profile;
  /** The frugal profile's micro-batch. */
  readonly micro_batch?: number;
  /** The frugal profile recomputed the encoder's activations (FrugalOptions.recompute); absent otherwise. */
  readonly recompute?: true;
  /** Why the profile is not the standard one (a memory budget's reason). */
  readonly profile_reason?: string;
  /** The memory model's prediction of what the trial adds to the process at its peak (backends/memory-model.ts). */
  readonly predicted_trial_mb: number;
  /** Whether the model has a calibration for this backend (another's stood in otherwise). */
  readonly prediction_calibrated: boolean;
}

/** A trained model and its history, for callers that keep using the model (the comparison). */
export interface TrainingRun {
  readonly settings: TrainerSettings;
  readonly history: EpochRecord[];
  readonly continuedFrom: number;
  readonly model: BackendModel;
  /** Memory measured from the model's creation to the end of the last epoch. */
  readonly memory: TrialMemoryRecord;
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
  ctx?: Pick<TrialContext, 'signal' | 'report' | 'workdir' | 'configId' | 'hints'>,
): Promise<TrainingRun> {
  const settings = trainerSettings(config, options);
  const { dataset } = options;
  const profile = trialProfile(ctx?.hints?.profile ?? options.profile ?? 'standard');
  const frugal = frugalOptions(options.frugal);
  const backend = inProfile(options.backend, profile, frugal);
  const meter = new MemoryMeter(options.backend);
  const spec: UNetSpec = {
    inputSize: dataset.patchSize,
    inputChannels: 3,
    classes: NUM_CLASSES,
    baseFilters: settings.baseFilters,
    depth: settings.depth,
    dropoutScale: settings.dropoutScale,
  };
  const seed = mixSeed(options.seed, ctx?.configId);
  const predicted = predictTrialMemory({
    spec,
    batch: settings.batchSize,
    validationBatch: settings.validationBatchSize,
    trainCount: dataset.train.count,
    validationCount: dataset.validation.count,
    profile,
    microBatch: frugal.microBatch,
    backend: options.backend.name,
  });
  let model: BackendModel;
  try {
    checkHeapLimit(options.backend, predicted.conservativeTrialMb, profile);
    model = await backend.createModel(spec, { learningRate: settings.learningRate, loss: settings.loss, seed });
  } catch (error) {
    meter.stop();
    throw asOutOfMemory(error, profile);
  }
  try {
    const checkpointDir = options.reuseCheckpoints && ctx?.workdir ? ctx.workdir : undefined;
    const continuedFrom = checkpointDir ? await restoreLatestCheckpoint(model, checkpointDir, epochs) : 0;
    const history: EpochRecord[] = [];
    const rng = new Rng(seed);
    for (let epoch = continuedFrom + 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const trainLoss = await trainEpoch(model, dataset.train, settings.batchSize, rng, ctx?.signal, meter);
      const validation = await validateModel(model, dataset.validation, settings.validationBatchSize, settings.loss, ctx?.signal, meter);
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
    const reason = ctx?.hints?.profile_reason;
    const memory: TrialMemoryRecord = {
      profile,
      ...(profile === 'frugal' ? { micro_batch: frugal.microBatch, ...(frugal.recompute ? { recompute: true } : {}) } : {}),
      ...(typeof reason === 'string' ? { profile_reason: reason } : {}),
      ...meter.stop(),
      predicted_trial_mb: Math.round(predicted.trialMb),
      prediction_calibrated: predicted.calibrated,
    };
    return { settings, history, continuedFrom, model, memory };
  } catch (error) {
    meter.stop();
    model.dispose();
    throw asOutOfMemory(error, profile);
  }
}

/**
 * Refuses, before anything is allocated, a trial whose predicted peak exceeds what the backend can
 * ever allocate (tfjs-wasm's WebAssembly memory stops at 4 GB): running it would abort the
 * WebAssembly module, which cannot train again in that thread. An OutOfMemoryError, so that a memory
 * budget retries it frugally.
 */
function checkHeapLimit(backend: Backend, predictedMb: number, profile: Profile): void {
  const limit = backend.memory().heapLimitBytes;
  if (limit === undefined || predictedMb * 2 ** 20 <= limit) return;
  throw new OutOfMemoryError(
    `not started: its predicted peak of ${Math.round(predictedMb)} MB in the ${profile} profile exceeds the ${Math.round(limit / 2 ** 20)} MB ${backend.name} can allocate (a WebAssembly module that runs out of memory cannot be used again)`,
  );
}

function trialProfile(value: unknown): Profile {
  if (!PROFILES.includes(value as Profile)) throw invalidOption('profile', PROFILES.map((name) => `'${name}'`).join(' or '), value);
  return value as Profile;
}

/**
 * A backend's failure to allocate as an OutOfMemoryError (an 'out-of-memory' outcome, which a memory
 * budget retries in the frugal profile); other errors unchanged. ONNX Runtime says "Failed to allocate"
 * or throws std::bad_alloc; V8 "Array buffer allocation failed"; WebAssembly cannot grow its memory.
 */
function asOutOfMemory(error: unknown, profile: Profile): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof OutOfMemoryError ||
    !/failed to allocate|bad_alloc|allocation failed|out of memory|memory\.grow|cannot enlarge memory/i.test(message)
  )
    return error;
  return new OutOfMemoryError(`training ran out of memory in the ${profile} profile: ${message}`, { cause: error });
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
  let run: TrainingRun;
  try {
    run = await trainModel(config, epochs, options, ctx);
    run.model.dispose();
  } finally {
    // One model alive per thread: what this trial's model made the backend cache goes with it, and
    // the C heap gives the freed pages back (glibc keeps them otherwise, and a budget measures RSS).
    if (options.releaseMemory) {
      await options.backend.trim?.();
      nativeMetrics().trimHeap();
    }
  }
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
      memory: run.memory,
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
  meter: MemoryMeter,
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
    meter.sample();
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
  meter?: MemoryMeter,
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
    meter?.sample();
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
