// Predicts the peak memory of one training trial from what decides it: the U-Net (its weights and its
// activations per image), the images per training and per inference pass, the profile and the
// backend. Linear in four measured coefficients per backend and profile (memory-calibration.ts),
// fitted by `bandster bench memory --calibrate` to trials measured alone in fresh processes.
import type { Profile } from './frugal/frugal-backend.js';
import { FRUGAL_DEFAULTS } from './frugal/frugal-options.js';
import { MEMORY_CALIBRATION, type MemoryCalibration, type MemoryCoefficients } from './memory-calibration.js';
import { levelFilters, parameterCount, type UNetSpec } from './unet-spec.js';

const MB = 2 ** 20;

/** What decides a trial's memory. */
export interface MemoryQuery {
  readonly spec: UNetSpec;
  /** Images per training step (the configuration's batch size). */
  readonly batch: number;
  /** Images per validation step. */
  readonly validationBatch: number;
  /** Training patches per epoch: a training batch holds at most this many. */
  readonly trainCount?: number;
  /** Validation patches: a validation batch holds at most this many. */
  readonly validationCount?: number;
  readonly profile: Profile;
  /** The frugal profile's micro-batch. @defaultValue 2 */
  readonly microBatch?: number;
  /** A backend name (e.g. 'onnxruntime-cpu', 'wasm'). */
  readonly backend: string;
}

export interface MemoryPrediction {
  /** MB the process holds with the backend initialised and before any trial (a process of its own). */
  readonly baselineMb: number;
  /** MB one trial adds at its peak. */
  readonly trialMb: number;
  /** baseline + trial: the peak RSS of a process running this trial alone. */
  readonly peakMb: number;
  /** The trial's MB with the calibration's largest shortfall added (what a memory budget admits by). */
  readonly conservativeTrialMb: number;
  /** False when the backend has no calibration of its own and another's coefficients stood in. */
  readonly calibrated: boolean;
}

/**
 * Activations per image of one forward pass, in elements: each encoder level's and each decoder
 * level's feature map (side² × filters). The activations a backward pass keeps, the scratch of the
 * convolutions' gradients and an inference pass's live tensors are each about a constant multiple of it.
 */
export function activationsPerImage(spec: UNetSpec): number {
  let total = 0;
  for (let level = 0; level < spec.depth; level++) {
    const maps = level === spec.depth - 1 ? 1 : 2;
    total += maps * (spec.inputSize / 2 ** level) ** 2 * levelFilters(spec, level);
  }
  return total;
}

/** Which calibration stands in for a backend that has none: the same engine on another device, else the slowest kind. */
const STAND_INS: Readonly<Record<string, string>> = { 'onnxruntime-cuda': 'onnxruntime-cpu', 'tfjs-node': 'cpu', 'tfjs-node-gpu': 'cpu' };

/**
 * The images of a trial's largest training and inference passes, as the profile batches them. (An
 * epoch's last, smaller batch adds no term: on ONNX Runtime its session's arena was expected to add
 * to the full batch's, but the fit with it was worse — 24.7 % against 10.7 % at most over the study
 * space — so it is left out.)
 */
export function passWidths(query: MemoryQuery): { train: number; infer: number } {
  const batch = Math.min(query.batch, query.trainCount ?? Number.POSITIVE_INFINITY);
  const validationBatch = Math.min(query.validationBatch, query.validationCount ?? Number.POSITIVE_INFINITY);
  if (query.profile === 'frugal') {
    const micro = query.microBatch ?? FRUGAL_DEFAULTS.microBatch;
    return { train: Math.min(micro, batch), infer: Math.min(micro, validationBatch) };
  }
  return { train: batch, infer: validationBatch };
}

/** The coefficients for a backend and profile, and whether they are the backend's own. */
export function coefficientsFor(
  backend: string,
  profile: Profile,
  calibration: MemoryCalibration = MEMORY_CALIBRATION,
): { coefficients: MemoryCoefficients; calibrated: boolean } {
  const own = calibration.backends[backend]?.[profile];
  if (own) return { coefficients: own, calibrated: true };
  const standIn = calibration.backends[STAND_INS[backend] ?? 'cpu']?.[profile] ?? calibration.backends.cpu?.[profile];
  if (!standIn) throw new Error(`no memory calibration for ${backend} (${profile})`);
  return { coefficients: standIn, calibrated: false };
}

/** The features the coefficients multiply: 1, weights, activations × training images^exponent, activations × inference images. */
export function memoryFeatures(query: MemoryQuery, trainExponent = 1): [number, number, number, number] {
  const widths = passWidths(query);
  const activations = activationsPerImage(query.spec);
  return [1, parameterCount(query.spec), activations * widths.train ** trainExponent, activations * widths.infer];
}

/** The predicted peak of one trial (see {@link MemoryPrediction}). */
export function predictTrialMemory(query: MemoryQuery, calibration?: MemoryCalibration, given?: MemoryCoefficients): MemoryPrediction {
  const { coefficients, calibrated } = given
    ? { coefficients: given, calibrated: true }
    : coefficientsFor(query.backend, query.profile, calibration);
  const [, parameters, train, infer] = memoryFeatures(query, coefficients.trainExponent ?? 1);
  const trialMb =
    coefficients.fixedMb +
    (coefficients.bytesPerParameter * parameters +
      coefficients.bytesPerTrainActivation * train +
      coefficients.bytesPerInferActivation * infer) /
      MB;
  return {
    baselineMb: coefficients.baselineMb,
    trialMb,
    peakMb: coefficients.baselineMb + trialMb,
    conservativeTrialMb: trialMb * (1 + (coefficients.underestimate ?? 0)),
    calibrated,
  };
}
