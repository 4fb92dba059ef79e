// `bandster bench backends`: every backend (available or why not) trains and runs the U-Net at each
// size; training and inference images/s, ms per step and peak memory, each as a ratio to the wasm
// backend measured in the same run, with PyTorch side by side where Debian's python has torch.
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Backend, Batch } from '../../backends/backend.js';
import { backendRegistry, createBackend, forwardFlopsPerImage } from '../../backends/index.js';
import { levelFilters, type UNetSpec } from '../../backends/unet-spec.js';
import { PYTORCH_SCRIPT, pytorchAvailability, runPytorch } from './pytorch-reference.js';

/** One size of the benchmark: the net, batch and threads the issue's targets name. */
export interface BackendWorkload {
  readonly size: number;
  readonly spec: UNetSpec;
  readonly batch: number;
  /** Threads a backend may use (ONNX Runtime's intra-op threads, PyTorch's threads; wasm and tfjs use one). */
  readonly threads: number;
}

/**
 * 64 and 128 px: the small net the trainer uses on CPUs (filters 8–64: base 8, depth 4), batch 8, one
 * thread; 256 px: the study's net (filters 16–256: base 16, depth 5), batch 16, two threads.
 */
export function workloadFor(size: number): BackendWorkload {
  const study = size >= 256;
  const spec: UNetSpec = {
    inputSize: size,
    inputChannels: 3,
    classes: 6,
    baseFilters: study ? 16 : 8,
    depth: study ? 5 : 4,
    dropoutScale: 1,
  };
  return { size, spec, batch: study ? 16 : 8, threads: study ? 2 : 1 };
}

export interface BackendBenchmarkRow {
  readonly backend: string;
  readonly size: number;
  readonly batch: number;
  readonly threads: number;
  readonly available: boolean;
  /** Why it was not measured (unavailable, or skipped as too slow). */
  readonly note?: string;
  readonly msPerStep?: number;
  readonly trainImagesPerSecond?: number;
  readonly inferImagesPerSecond?: number;
  /** The resident set size, at most, of the process that ran only this backend (bytes). */
  readonly peakRssBytes?: number;
  /** What the backend says it holds (Backend.memory().bytes), at most. */
  readonly peakBackendBytes?: number;
  /** Ratios to wasm in the same run (> 1: faster, or for memory, more). */
  readonly trainVsWasm?: number;
  readonly inferVsWasm?: number;
  readonly rssVsWasm?: number;
  /** Training speed as a ratio to tuned PyTorch on the same net in the same run (where it ran). */
  readonly trainVsPytorch?: number;
}

export interface BackendBenchmarkResult {
  readonly machine: string;
  readonly startedAt: string;
  readonly rows: readonly BackendBenchmarkRow[];
  /** PyTorch side by side: runs, or why not. */
  readonly pytorch: { readonly available: boolean; readonly reason?: string; readonly version?: string };
}

export interface BackendBenchmarkOptions {
  /** Patch sizes. @defaultValue [64] */
  readonly sizes?: readonly number[];
  /** Backends to run (registered names). @defaultValue every registered one */
  readonly backends?: readonly string[];
  /** Seconds of timed training per backend and size (at least 3 steps). @defaultValue 4 */
  readonly seconds?: number;
  /** A backend whose predicted step (from its smallest size, scaled by FLOPs) exceeds this is skipped at that size. @defaultValue 60 */
  readonly maxStepSeconds?: number;
  /** Run PyTorch side by side when available. @defaultValue true */
  readonly pytorch?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** Measure each backend in its own process (clean peak RSS, no shared global state). @defaultValue true */
  readonly isolate?: boolean;
}

/** A fixed batch: blocky labels and images that carry them, so the loss is meaningful. */
export function benchmarkBatch(side: number, size: number): Batch {
  const pixels = size * side * side;
  const images = new Float32Array(pixels * 3);
  const labels = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const row = Math.floor(i / side) % side;
    const column = i % side;
    const label = (Math.floor(row / 8) + Math.floor(column / 8) * 3 + Math.floor(i / (side * side))) % 6;
    labels[i] = label;
    images[3 * i] = label / 5;
    images[3 * i + 1] = ((row * 7 + column * 13) % 17) / 17;
    images[3 * i + 2] = 1 - label / 5;
  }
  return { size, images, labels };
}

/** Repeats `step` after `warmup` untimed calls until `seconds` have passed (at least `minSteps`); ms per call and the peaks seen. */
async function timeSteps(
  step: () => Promise<unknown>,
  options: { warmup: number; minSteps: number; seconds: number },
  sample: () => void,
): Promise<number> {
  for (let i = 0; i < options.warmup; i++) {
    await step();
    sample();
  }
  const started = performance.now();
  let steps = 0;
  while (steps < options.minSteps || performance.now() - started < options.seconds * 1000) {
    await step();
    sample();
    steps++;
  }
  return (performance.now() - started) / steps;
}

async function measure(
  backend: Backend,
  workload: BackendWorkload,
  seconds: number,
): Promise<Omit<BackendBenchmarkRow, 'backend' | 'size' | 'batch' | 'threads' | 'available'>> {
  let peakRssBytes = process.memoryUsage().rss;
  let peakBackendBytes = backend.memory().bytes;
  const sample = (): void => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    peakBackendBytes = Math.max(peakBackendBytes, backend.memory().bytes);
  };
  const model = await backend.createModel(workload.spec, { learningRate: 1e-3, loss: 'dice-focal', seed: 1 });
  try {
    const batch = benchmarkBatch(workload.size, workload.batch);
    const msPerStep = await timeSteps(() => model.trainStep(batch), { warmup: 1, minSteps: 3, seconds }, sample);
    const inferMs = await timeSteps(
      () => model.predict(batch.images, batch.size),
      { warmup: 1, minSteps: 3, seconds: seconds / 2 },
      sample,
    );
    return {
      msPerStep,
      trainImagesPerSecond: (workload.batch * 1000) / msPerStep,
      inferImagesPerSecond: (workload.batch * 1000) / inferMs,
      peakRssBytes,
      peakBackendBytes,
    };
  } finally {
    model.dispose();
  }
}

/**
 * One backend at every size, in this process: rows in size order. A size whose step, predicted from
 * the smallest size measured and the FLOPs, would exceed `maxStepSeconds` is skipped with the estimate.
 */
export async function measureBackendSizes(
  name: string,
  sizes: readonly number[],
  options: { seconds: number; maxStepSeconds: number; log: (line: string) => void },
): Promise<BackendBenchmarkRow[]> {
  const rows: BackendBenchmarkRow[] = [];
  let smallest: { size: number; msPerStep: number } | undefined;
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const workload = workloadFor(size);
    const base = { backend: name, size, batch: workload.batch, threads: workload.threads };
    const backend = createBackend(name, { threads: workload.threads });
    const availability = await backend.availability();
    if (!availability.available) {
      rows.push({ ...base, available: false, note: `${availability.reason}${availability.install ? ` (${availability.install})` : ''}` });
      continue;
    }
    if (smallest) {
      const reference = workloadFor(smallest.size);
      const predicted =
        (smallest.msPerStep / 1000) * (flopsPerStep(workload) / flopsPerStep(reference)) * (reference.threads / workload.threads);
      if (predicted > options.maxStepSeconds) {
        rows.push({ ...base, available: true, note: `skipped: ~${predicted.toFixed(0)} s per step predicted from ${smallest.size} px` });
        continue;
      }
    }
    options.log(`  ${name} at ${size} px, batch ${workload.batch}, ${workload.threads} thread${workload.threads > 1 ? 's' : ''}…`);
    try {
      await backend.init();
      const measured = await measure(backend, workload, options.seconds);
      rows.push({ ...base, available: true, ...measured });
      smallest ??= { size, msPerStep: measured.msPerStep! };
    } catch (error) {
      rows.push({ ...base, available: false, note: `failed: ${(error as Error).message.split('\n')[0]}` });
    } finally {
      await backend.dispose();
    }
  }
  return rows;
}

/** The child-process side (backend-benchmark-child.ts) beside this file: `.ts` from source, `.js` when built. */
function childScript(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `backend-benchmark-child${path.extname(here)}`);
}

/**
 * Runs one backend in a fresh Node process, so that its peak RSS is its own (a process's RSS only
 * grows) and no global state (tfjs's kernel registry, ORT's arenas) carries over between backends.
 */
function measureInChild(
  name: string,
  sizes: readonly number[],
  options: { seconds: number; maxStepSeconds: number },
): Promise<BackendBenchmarkRow[]> {
  const script = childScript();
  const preload = script.endsWith('.ts')
    ? ['--import', `data:text/javascript,import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register();`]
    : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...preload, script, JSON.stringify({ name, sizes, ...options })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith(CHILD_RESULT)) {
        resolve(
          sizes.map((size) => ({
            backend: name,
            size,
            batch: workloadFor(size).batch,
            threads: workloadFor(size).threads,
            available: false,
            note: `its process ended with code ${code}`,
          })),
        );
        return;
      }
      resolve(JSON.parse(line.slice(CHILD_RESULT.length)) as BackendBenchmarkRow[]);
    });
  });
}

/** The prefix of the child's result line. */
export const CHILD_RESULT = 'BANDSTER_BENCH_RESULT ';

/** Measures every backend at every size, each in its own process; rows in registry order, with ratios to wasm at the same size. */
export async function runBackendBenchmark(options: BackendBenchmarkOptions = {}): Promise<BackendBenchmarkResult> {
  const sizes = options.sizes ?? [64];
  const names = options.backends ?? backendRegistry.names;
  const measureOptions = { seconds: options.seconds ?? 4, maxStepSeconds: options.maxStepSeconds ?? 60 };
  const log = options.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const machine = machineLine();
  const rows: BackendBenchmarkRow[] = [];
  for (const name of names) {
    rows.push(
      ...(options.isolate === false
        ? await measureBackendSizes(name, sizes, { ...measureOptions, log })
        : await measureInChild(name, sizes, measureOptions)),
    );
  }
  let pytorch: BackendBenchmarkResult['pytorch'];
  const torch = options.pytorch === false ? { available: false as const, reason: 'not asked for' } : pytorchAvailability();
  if (torch.available) {
    pytorch = { available: true, version: torch.version };
    for (const size of sizes) {
      const workload = workloadFor(size);
      const filters = Array.from({ length: workload.spec.depth }, (_, level) => levelFilters(workload.spec, level));
      log(`  PyTorch ${torch.version} at ${size} px (${PYTORCH_SCRIPT})…`);
      try {
        for (const run of runPytorch({ size, filters, batch: workload.batch, threads: workload.threads, steps: size >= 256 ? 6 : 20 })) {
          rows.push({
            backend: `pytorch (${run.variant})`,
            size,
            batch: workload.batch,
            threads: workload.threads,
            available: true,
            msPerStep: run.msPerStep,
            trainImagesPerSecond: run.imagesPerSecond,
          });
        }
      } catch (error) {
        rows.push({
          backend: 'pytorch',
          size,
          batch: workload.batch,
          threads: workload.threads,
          available: false,
          note: (error as Error).message,
        });
      }
    }
  } else {
    pytorch = { available: false, reason: torch.reason };
  }
  return { machine, startedAt, rows: withRatios(rows), pytorch };
}

/** Training FLOPs of one step: forward, input gradient and filter gradient, each the forward's count. */
function flopsPerStep(workload: BackendWorkload): number {
  return 3 * forwardFlopsPerImage(workload.spec) * workload.batch;
}

function withRatios(rows: BackendBenchmarkRow[]): BackendBenchmarkRow[] {
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b ? a / b : undefined);
  return rows.map((row) => {
    const wasm = rows.find((other) => other.backend === 'wasm' && other.size === row.size && other.trainImagesPerSecond);
    const pytorch = rows.find((other) => other.backend === 'pytorch (tuned)' && other.size === row.size && other.trainImagesPerSecond);
    return {
      ...row,
      trainVsWasm: ratio(row.trainImagesPerSecond, wasm?.trainImagesPerSecond),
      inferVsWasm: ratio(row.inferImagesPerSecond, wasm?.inferImagesPerSecond),
      rssVsWasm: ratio(row.peakRssBytes, wasm?.peakRssBytes),
      trainVsPytorch: ratio(row.trainImagesPerSecond, pytorch?.trainImagesPerSecond),
    };
  });
}

/** The CPU, core count, Node version and load average (the machine is shared: the load says how much). */
function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'} ×${cpus.length}, node ${process.versions.node}, load average ${os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')} at the start`;
}
