// `bandster bench memory`: trials measured alone in fresh processes (peak RSS = the trial's), the
// memory model's fit to them (--calibrate writes backends/memory-calibration.ts) and its error, and
// the frugal profile against the standard one (memory, time per epoch, loss curve) per backend.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Profile } from '../../backends/frugal/frugal-backend.js';
import type { MemoryCalibration, MemoryCoefficients } from '../../backends/memory-calibration.js';
import { memoryFeatures, predictTrialMemory } from '../../backends/memory-model.js';
import type { UNetSpec } from '../../backends/unet-spec.js';
import { MEMORY_RESULT, type MemoryMeasurement, type MemoryPoint } from './memory-trial.js';

const MB = 2 ** 20;

/** The child-process side beside this file: `.ts` from source, `.js` when built. */
function childScript(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `memory-trial-child${path.extname(here)}`);
}

/** A measurement, or why the point could not be measured (it ran out of memory, its process died). */
export type MemoryOutcome = MemoryMeasurement | { readonly point: MemoryPoint; readonly error: string };

export function isMeasured(outcome: MemoryOutcome): outcome is MemoryMeasurement {
  return (outcome as MemoryMeasurement).peakMb !== undefined;
}

/** Measures one point in a fresh Node process, so that the process's peak RSS is the trial's own. */
export function measureInChild(point: MemoryPoint): Promise<MemoryOutcome> {
  const script = childScript();
  const preload = script.endsWith('.ts')
    ? ['--import', `data:text/javascript,import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register();`]
    : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...preload, script, JSON.stringify(point)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (!line.startsWith(MEMORY_RESULT)) {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        resolve({ point, error: `its process ended (${why}): ${errors.trim().split('\n').at(-1) ?? ''}` });
        return;
      }
      resolve(JSON.parse(line.slice(MEMORY_RESULT.length)) as MemoryOutcome);
    });
  });
}

/** The U-Net of a point. */
export function specOf(point: MemoryPoint): UNetSpec {
  return {
    inputSize: point.patch,
    inputChannels: 3,
    classes: 6,
    baseFilters: point.baseFilters,
    depth: point.depth,
    dropoutScale: point.dropoutScale ?? 1,
  };
}

/** The model's prediction for a point. */
export function predictPoint(point: MemoryPoint, calibration?: MemoryCalibration) {
  return predictTrialMemory(queryOf(point), calibration);
}

/**
 * Points of the two spaces the model must cover. Default space: the main job's net (32 px, depth 3),
 * base width 8–32, batch 2–32 (validation batch = batch, as that preset has none of its own), on a
 * quarter of its data. Study space: 256 px, filters 16–256, batch and validation batch 1–30, on the
 * 64-patch subset (51 training, 13 validation patches).
 */
export function spacePoints(
  backend: string,
  options: { study?: boolean; defaults?: boolean; profiles?: readonly Profile[] } = {},
): MemoryPoint[] {
  const profiles = options.profiles ?? ['standard', 'frugal'];
  const points: MemoryPoint[] = [];
  if (options.defaults !== false) {
    for (const profile of profiles)
      for (const baseFilters of [8, 16, 32])
        for (const batch of [2, 8, 32])
          points.push({
            backend,
            patch: 32,
            baseFilters,
            depth: 3,
            batch,
            validationBatch: batch,
            trainCount: 96,
            validationCount: 24,
            profile,
          });
  }
  if (options.study !== false) {
    const pairs: [number, number][] = [
      [1, 1],
      [2, 29],
      [8, 8],
      [16, 16],
      [30, 30],
      [30, 2],
    ];
    for (const profile of profiles)
      for (const [batch, validationBatch] of pairs)
        points.push({
          backend,
          patch: 256,
          baseFilters: 16,
          depth: 5,
          batch,
          validationBatch,
          trainCount: 51,
          validationCount: 13,
          profile,
          threads: 2,
        });
  }
  return points;
}

/** Exponents of the training images the fit tries (1: memory linear in the batch). */
const TRAIN_EXPONENTS = [0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1];

/**
 * Weighted least squares on the model's four features, each point weighted by 1/measured² (so that
 * the fit minimises relative errors, small trials count as much as large ones); a coefficient that
 * comes out negative is fixed at 0 and the rest refitted. The training images' exponent is the one
 * of TRAIN_EXPONENTS whose fit has the smallest largest relative error on the peak (ONNX Runtime's
 * standard profile grows less than linearly with the batch: 0.9 fitted it to 13.8 %, 1 to 19.9 %).
 */
export function fitCoefficients(measurements: readonly MemoryMeasurement[]): MemoryCoefficients {
  let best: { coefficients: MemoryCoefficients; error: number } | undefined;
  for (const exponent of TRAIN_EXPONENTS) {
    const coefficients = fitWithExponent(measurements, exponent);
    const error = Math.max(
      ...measurements.map((m) => {
        const predicted = predictTrialMemory(queryOf(m.point), undefined, coefficients).trialMb + m.baselineMb;
        return Math.abs(predicted - m.peakMb) / m.peakMb;
      }),
    );
    if (!best || error < best.error - 1e-9) best = { coefficients, error };
  }
  return (best as { coefficients: MemoryCoefficients }).coefficients;
}

function fitWithExponent(measurements: readonly MemoryMeasurement[], exponent: number): MemoryCoefficients {
  const rows = measurements.map((m) => {
    const features = memoryFeatures(queryOf(m.point), exponent);
    return { x: [features[0], features[1] / MB, features[2] / MB, features[3] / MB], y: m.peakMb - m.baselineMb, w: 1 / m.peakMb ** 2 };
  });
  let active = [0, 1, 2, 3];
  let theta = [0, 0, 0, 0];
  for (let round = 0; round < 4; round++) {
    theta = [0, 0, 0, 0];
    const solved = solveWeighted(rows, active);
    active.forEach((j, i) => {
      theta[j] = solved[i];
    });
    const negative = active.filter((j) => theta[j] < 0);
    if (negative.length === 0) break;
    active = active.filter((j) => !negative.includes(j));
  }
  for (let j = 0; j < 4; j++) theta[j] = Math.max(0, theta[j]);
  // The shortfall that matters to a budget: on trials that add a quarter of the peak or more (a few MB
  // short on a 20 MB trial is noise, not a reason to admit less).
  let underestimate = 0;
  rows.forEach((row, i) => {
    const predicted = row.x.reduce((sum, x, j) => sum + x * theta[j], 0);
    if (predicted > 0 && row.y >= 0.25 * measurements[i].peakMb) underestimate = Math.max(underestimate, (row.y - predicted) / predicted);
  });
  const baselineMb = measurements.reduce((sum, m) => sum + m.baselineMb, 0) / Math.max(1, measurements.length);
  return {
    baselineMb: round(baselineMb, 1),
    fixedMb: round(theta[0], 1),
    bytesPerParameter: round(theta[1], 2),
    bytesPerTrainActivation: round(theta[2], 2),
    bytesPerInferActivation: round(theta[3], 2),
    trainExponent: exponent,
    underestimate: round(underestimate, 3),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Solves the weighted normal equations for the features in `active` (Gaussian elimination with pivoting). */
function solveWeighted(rows: readonly { x: number[]; y: number; w: number }[], active: readonly number[]): number[] {
  const n = active.length;
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (const { x, y, w } of rows) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i][j] += w * x[active[i]] * x[active[j]];
      a[i][n] += w * x[active[i]] * y;
    }
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    if (Math.abs(a[col][col]) < 1e-30) continue;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = a[row][col] / a[col][col];
      for (let k = col; k <= n; k++) a[row][k] -= factor * a[col][k];
    }
  }
  return a.map((row, i) => (Math.abs(row[i]) < 1e-30 ? 0 : row[n] / row[i]));
}

/** What the memory model is asked about a point. */
function queryOf(point: MemoryPoint) {
  return {
    spec: specOf(point),
    batch: point.batch,
    validationBatch: point.validationBatch,
    trainCount: point.trainCount,
    validationCount: point.validationCount,
    profile: point.profile,
    microBatch: point.microBatch,
    backend: point.backend,
  };
}

/** Fits every backend and profile measured; the calibration the model reads. */
export function calibrate(measurements: readonly MemoryMeasurement[]): MemoryCalibration {
  const backends: Record<string, Partial<Record<Profile, MemoryCoefficients>>> = {};
  for (const m of measurements) {
    backends[m.point.backend] ??= {};
  }
  for (const backend of Object.keys(backends)) {
    for (const profile of ['standard', 'frugal'] as const) {
      const own = measurements.filter((m) => m.point.backend === backend && m.point.profile === profile);
      if (own.length < 4) continue;
      backends[backend][profile] = fitCoefficients(own);
    }
  }
  const cpus = os.cpus();
  return {
    machine: `${cpus[0]?.model ?? 'unknown CPU'} ×${cpus.length}, node ${process.versions.node}`,
    measuredAt: new Date().toISOString(),
    backends,
  };
}

/** The calibration as the TypeScript module backends/memory-calibration.ts holds it (its types kept). */
export function calibrationModule(calibration: MemoryCalibration, current: string): string {
  const start = current.indexOf('export const MEMORY_CALIBRATION');
  if (start < 0) throw new Error('backends/memory-calibration.ts has no MEMORY_CALIBRATION');
  return `${current.slice(0, start)}export const MEMORY_CALIBRATION: MemoryCalibration = ${JSON.stringify(calibration, null, 2)};\n`;
}

/** One row of the error table: measured and predicted peaks (MB) and the relative error of each. */
export interface ErrorRow {
  readonly point: MemoryPoint;
  readonly measuredMb?: number;
  readonly predictedMb: number;
  readonly measuredTrialMb?: number;
  readonly predictedTrialMb: number;
  /** (predicted − measured) / measured, on the process's peak (the measured baseline + the predicted trial). */
  readonly error?: number;
  readonly note?: string;
}

export function errorRows(outcomes: readonly MemoryOutcome[], calibration?: MemoryCalibration): ErrorRow[] {
  return outcomes.map((outcome) => {
    const prediction = predictPoint(outcome.point, calibration);
    if (!isMeasured(outcome))
      return { point: outcome.point, predictedMb: prediction.peakMb, predictedTrialMb: prediction.trialMb, note: outcome.error };
    // The process's baseline is measured wherever the model is used (a budget measures the process
    // before any trial): what the model predicts is the trial's addition to it.
    return {
      point: outcome.point,
      measuredMb: outcome.peakMb,
      predictedMb: outcome.baselineMb + prediction.trialMb,
      measuredTrialMb: outcome.peakMb - outcome.baselineMb,
      predictedTrialMb: prediction.trialMb,
      error: (outcome.baselineMb + prediction.trialMb - outcome.peakMb) / outcome.peakMb,
    };
  });
}

/** The error table in markdown, with the largest |error|. */
export function formatErrorTable(rows: readonly ErrorRow[]): string {
  const lines = [
    '| backend | profile | px | filters | batch | val batch | measured MB | predicted MB | error | trial MB measured | trial MB predicted |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const { point } = row;
    const filters = `${point.baseFilters}–${point.baseFilters * 2 ** (point.depth - 1)}`;
    lines.push(
      `| ${point.backend} | ${point.profile} | ${point.patch} | ${filters} | ${point.batch} | ${point.validationBatch} | ${row.measuredMb?.toFixed(0) ?? '—'} | ${row.predictedMb.toFixed(0)} | ${row.error === undefined ? (row.note ?? '') : `${(100 * row.error).toFixed(1)} %`} | ${row.measuredTrialMb?.toFixed(0) ?? '—'} | ${row.predictedTrialMb.toFixed(0)} |`,
    );
  }
  const errors = rows.flatMap((row) => (row.error === undefined ? [] : [Math.abs(row.error)]));
  if (errors.length > 0) lines.push('', `largest |error| ${(100 * Math.max(...errors)).toFixed(1)} % over ${errors.length} points`);
  return `${lines.join('\n')}\n`;
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** One row of the profile comparison: the same trial in the standard and the frugal profile. */
export interface ProfileComparison {
  readonly backend: string;
  readonly patch: number;
  readonly batch: number;
  readonly microBatch: number;
  readonly standard: MemoryOutcome;
  readonly frugal: MemoryOutcome;
  /** frugal peak / standard peak, and the same for the trial's own memory (peak − baseline). */
  readonly peakRatio?: number;
  readonly trialRatio?: number;
  /** frugal / standard seconds per epoch (median over epochs, both measured in this run). */
  readonly timeRatio?: number;
  /** Largest |frugal − standard| / standard over the epochs' training and validation losses. */
  readonly lossDifference?: number;
}

/**
 * The workload of the comparison at a patch size: 64 px, the CPU net (filters 8–64, depth 4) on 48
 * training and 16 validation patches; 256 px, the study's net (filters 16–256) on the 64-patch subset;
 * batch 16 (the study's default) and micro-batch 2, three epochs (one on backends that train the
 * study net slowly).
 */
export function comparisonPoint(
  backend: string,
  patch: number,
  profile: Profile,
  options: { epochs?: number; microBatch?: number } = {},
): MemoryPoint {
  const study = patch >= 256;
  return {
    backend,
    patch,
    baseFilters: study ? 16 : 8,
    depth: study ? 5 : 4,
    batch: 16,
    validationBatch: 16,
    trainCount: study ? 51 : 48,
    validationCount: study ? 13 : 16,
    profile,
    microBatch: options.microBatch ?? 2,
    threads: study ? 2 : 1,
    epochs: options.epochs ?? 3,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs both profiles of a point and compares them. */
export async function compareProfiles(
  backend: string,
  patch: number,
  options: { epochs?: number; microBatch?: number } = {},
): Promise<ProfileComparison> {
  const standard = await measureInChild(comparisonPoint(backend, patch, 'standard', options));
  const frugal = await measureInChild(comparisonPoint(backend, patch, 'frugal', options));
  const base = { backend, patch, batch: 16, microBatch: options.microBatch ?? 2, standard, frugal };
  if (!isMeasured(standard) || !isMeasured(frugal)) return base;
  const losses = (m: MemoryMeasurement) => [...m.trainLosses, ...m.validationLosses];
  const [a, b] = [losses(frugal), losses(standard)];
  return {
    ...base,
    peakRatio: frugal.peakMb / standard.peakMb,
    trialRatio: (frugal.peakMb - frugal.baselineMb) / (standard.peakMb - standard.baselineMb),
    timeRatio: median(frugal.epochSeconds) / median(standard.epochSeconds),
    lossDifference: Math.max(...a.map((value, i) => Math.abs(value - b[i]) / Math.abs(b[i]))),
  };
}

export function formatComparisons(rows: readonly ProfileComparison[]): string {
  const mbOf = (outcome: MemoryOutcome) => (isMeasured(outcome) ? outcome.peakMb.toFixed(0) : '—');
  const secondsOf = (outcome: MemoryOutcome) => (isMeasured(outcome) ? median(outcome.epochSeconds).toFixed(1) : '—');
  const lines = [
    '| backend | px | batch | micro | standard peak MB | frugal peak MB | peak ratio | trial-memory ratio | standard s/epoch | frugal s/epoch | time ratio | loss curves differ by | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const notes = [row.standard, row.frugal].flatMap((outcome) =>
      isMeasured(outcome) ? [] : [`${outcome.point.profile}: ${outcome.error}`],
    );
    const ratio = (value: number | undefined, unit = '') => (value === undefined ? '—' : `${value.toFixed(2)}${unit}`);
    lines.push(
      `| ${row.backend} | ${row.patch} | ${row.batch} | ${row.microBatch} | ${mbOf(row.standard)} | ${mbOf(row.frugal)} | ${ratio(row.peakRatio)} | ${ratio(row.trialRatio)} | ${secondsOf(row.standard)} | ${secondsOf(row.frugal)} | ${ratio(row.timeRatio, '×')} | ${row.lossDifference === undefined ? '—' : row.lossDifference.toExponential(1)} | ${notes.join('; ')} |`,
    );
  }
  lines.push(
    '',
    "Each trial ran alone in a fresh process (peak RSS = VmHWM, the data and the backend included); both profiles of a row ran one after the other in this run. Loss curves: every epoch's training and validation loss, frugal against standard.",
  );
  return `${lines.join('\n')}\n`;
}
