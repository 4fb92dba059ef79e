import type { Availability, Backend, BackendCapabilities, BackendMemory, BackendModel, Batch, ModelOptions } from './backend.js';
import { BackendError, BackendUnavailableError } from './backend-error.js';
import {
  defaultSpeedCacheFile,
  machineFingerprint,
  readSpeedCache,
  type SpeedMeasurement,
  type SpeedRecord,
  writeSpeedCache,
} from './backend-speed-cache.js';
import type { BackendOptions, BackendRegistry } from './registry.js';
import type { UNetSpec } from './unet-spec.js';

/** Options of the `auto` backend. */
export interface AutoBackendOptions extends BackendOptions {
  /** Where measurements are kept (see backend-speed-cache.ts); false measures every time. @defaultValue defaultSpeedCacheFile() */
  readonly cacheFile?: string | false;
  /** Seconds of timed training per candidate (after two untimed steps). @defaultValue 1 */
  readonly measureSeconds?: number;
}

/** Which backend `auto` chose and why. */
export interface AutoChoice {
  readonly name: string;
  /** One line for the user, e.g. "onnxruntime-cpu: 312 img/s, 3.4× wasm (measured 2026-12-01, cached in …)". */
  readonly reason: string;
  /** Whether this call measured (false: read from the cache). */
  readonly measuredNow: boolean;
  readonly measurement: SpeedMeasurement;
}

/** The reference workload: the main job's net (32 px patches, base width 8, depth 3), batch 8, the study's loss. */
const REFERENCE_SPEC: UNetSpec = { inputSize: 32, inputChannels: 3, classes: 6, baseFilters: 8, depth: 3, dropoutScale: 1 };
const REFERENCE_BATCH = 8;
const WORKLOAD = 'train 32 px, baseFilters 8, depth 3, batch 8, dice-focal';

function referenceBatch(): Batch {
  const side = REFERENCE_SPEC.inputSize;
  const pixels = REFERENCE_BATCH * side * side;
  const images = new Float32Array(pixels * 3);
  const labels = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    labels[i] = (Math.floor(i / (side * 4)) + Math.floor((i % side) / 4)) % REFERENCE_SPEC.classes;
    images[3 * i] = labels[i] / 5;
    images[3 * i + 1] = (i % 7) / 7;
    images[3 * i + 2] = 1 - labels[i] / 5;
  }
  return { size: REFERENCE_BATCH, images, labels };
}

/** Training images per second of one backend on the reference workload. */
async function measureBackend(backend: Backend, seconds: number): Promise<number> {
  await backend.init();
  const model = await backend.createModel(REFERENCE_SPEC, { learningRate: 1e-3, loss: 'dice-focal', seed: 1 });
  try {
    const batch = referenceBatch();
    // Untimed: graph building and session set-up (ORT), kernel compilation and first-touch memory (tfjs).
    for (let step = 0; step < 2; step++) await model.trainStep(batch);
    const started = performance.now();
    let steps = 0;
    while (steps < 2 || performance.now() - started < seconds * 1000) {
      await model.trainStep(batch);
      steps++;
    }
    return (steps * REFERENCE_BATCH * 1000) / (performance.now() - started);
  } finally {
    model.dispose();
  }
}

/**
 * Measures every candidate that loads here on the reference workload (once per machine: the result is
 * cached, see backend-speed-cache.ts) and returns the fastest, with the reason in words.
 */
export async function chooseFastestBackend(
  registry: BackendRegistry,
  candidates: readonly string[],
  options: AutoBackendOptions = {},
): Promise<AutoChoice> {
  const cacheFile = options.cacheFile === undefined ? defaultSpeedCacheFile() : options.cacheFile;
  const fingerprint = machineFingerprint(candidates);
  let measurement = cacheFile ? readSpeedCache(cacheFile, fingerprint, WORKLOAD) : undefined;
  const measuredNow = measurement === undefined;
  if (!measurement) {
    const results: Record<string, SpeedRecord> = {};
    for (const name of candidates) {
      const backend = registry.create(name, options);
      const availability = await backend.availability();
      if (!availability.available) {
        results[name] = { unavailable: availability.reason };
        continue;
      }
      try {
        results[name] = { imagesPerSecond: await measureBackend(backend, options.measureSeconds ?? 1) };
      } catch (error) {
        results[name] = { unavailable: `failed while measuring: ${(error as Error).message.split('\n')[0]}` };
      } finally {
        await backend.dispose();
      }
    }
    measurement = { measuredAt: new Date().toISOString(), fingerprint, workload: WORKLOAD, results };
    if (cacheFile) writeSpeedCache(cacheFile, measurement);
  }
  const measured = Object.entries(measurement.results).filter(
    (entry): entry is [string, { imagesPerSecond: number }] => typeof entry[1].imagesPerSecond === 'number',
  );
  if (measured.length === 0) {
    const reasons = Object.entries(measurement.results).map(([name, record]) => `${name}: ${record.unavailable}`);
    throw new BackendUnavailableError('auto', `no backend loads here (${reasons.join('; ')})`, 'npm install onnxruntime-node@1.30');
  }
  measured.sort((a, b) => b[1].imagesPerSecond - a[1].imagesPerSecond);
  const [name, { imagesPerSecond }] = measured[0];
  const runnerUp = measured[1];
  const comparison = runnerUp ? `, ${(imagesPerSecond / runnerUp[1].imagesPerSecond).toFixed(1)}× ${runnerUp[0]}` : '';
  const where = cacheFile ? `${measuredNow ? 'cached in' : 'read from'} ${cacheFile}` : 'not cached';
  return {
    name,
    reason: `${name}: ${imagesPerSecond.toFixed(0)} img/s on ${WORKLOAD}${comparison} (measured ${measurement.measuredAt.slice(0, 10)}, ${where})`,
    measuredNow,
    measurement,
  };
}

/**
 * The fastest backend that loads here, measured once per machine on the main job's workload and
 * cached; `choice` says which and why. Nothing is measured until `availability()` or `init()`.
 */
export class AutoBackend implements Backend {
  readonly name = 'auto';
  private chosen: Backend | undefined;
  private made: AutoChoice | undefined;
  private choosing: Promise<Backend> | undefined;

  constructor(
    private readonly registry: BackendRegistry,
    private readonly candidates: readonly string[],
    private readonly options: AutoBackendOptions = {},
  ) {}

  /** The backend in use, once chosen. */
  get selected(): Backend | undefined {
    return this.chosen;
  }

  /** Which backend was chosen and why, once chosen. */
  get choice(): AutoChoice | undefined {
    return this.made;
  }

  private choose(): Promise<Backend> {
    this.choosing ??= (async () => {
      this.made = await chooseFastestBackend(this.registry, this.candidates, this.options);
      this.chosen = this.registry.create(this.made.name, this.options);
      return this.chosen;
    })().catch((error: unknown) => {
      this.choosing = undefined;
      throw error;
    });
    return this.choosing;
  }

  async availability(): Promise<Availability> {
    try {
      return await (await this.choose()).availability();
    } catch (error) {
      const unavailable = error instanceof BackendUnavailableError ? error : undefined;
      return { available: false, reason: unavailable?.reason ?? (error as Error).message, install: unavailable?.install };
    }
  }

  async init(): Promise<void> {
    await (await this.choose()).init();
  }

  capabilities(): BackendCapabilities {
    if (!this.chosen) throw new BackendError('ERR_BACKEND_NOT_INITIALISED', 'auto backend: call init() first (no backend is chosen yet)');
    return this.chosen.capabilities();
  }

  memory(): BackendMemory {
    return this.chosen ? this.chosen.memory() : { bytes: 0, tensors: 0 };
  }

  async createModel(spec: UNetSpec, options: ModelOptions): Promise<BackendModel> {
    await this.init();
    return this.chosen!.createModel(spec, options);
  }

  async trim(): Promise<void> {
    await this.chosen?.trim?.();
  }

  async dispose(): Promise<void> {
    await this.chosen?.dispose();
  }
}
