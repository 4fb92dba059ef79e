import { type AutoBackend, BackendUnavailableError, type BackendName, createBackend } from '../../backends/index.js';
import type { Backend } from '../../backends/backend.js';
import type { Profile } from '../../backends/frugal/frugal-backend.js';
import type { FrugalOptions } from '../../backends/frugal/frugal-options.js';
import type { SegmentationDataset } from './types.js';
import type { TrainerDefaults } from './trainer-settings.js';
import { datasetFromShared, datasetToShared } from './patch-set.js';
import { TrainingError } from './training-error.js';

/** Everything a worker thread needs to train, besides the dataset itself. */
export interface SegmentationJobSettings extends TrainerDefaults {
  readonly backend: BackendName;
  readonly seed: number;
  readonly reuseCheckpoints: boolean;
  /** The memory profile when no memory budget chooses one per trial. @defaultValue 'standard' */
  readonly profile?: Profile;
  /** The frugal profile's options. */
  readonly frugal?: FrugalOptions;
  /** Release the backend's caches after each trial (a memory budget counts on it). @defaultValue false */
  readonly releaseMemory?: boolean;
}

const SETTINGS_KEY = 'segmentation.settings';

/**
 * The shared data of a thread pool running the segmentation objective: the patches, once for
 * every thread, and the settings as JSON in a SharedArrayBuffer (the pool hands threads only
 * SharedArrayBuffers).
 */
export function segmentationSharedData(dataset: SegmentationDataset, settings: SegmentationJobSettings): Record<string, SharedArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(settings));
  const buffer = new SharedArrayBuffer(json.byteLength);
  new Uint8Array(buffer).set(json);
  return { ...datasetToShared(dataset), [SETTINGS_KEY]: buffer };
}

/** The dataset and settings a thread was handed by {@link segmentationSharedData}. */
export function segmentationJobFromShared(shared: Readonly<Record<string, SharedArrayBuffer>>): {
  dataset: SegmentationDataset;
  settings: SegmentationJobSettings;
} {
  const buffer = shared[SETTINGS_KEY];
  if (!buffer)
    throw new TrainingError('ERR_TRAINING_SHARED_DATA', 'the thread was given no segmentation settings (use segmentationSharedData)');
  // TextDecoder refuses views of shared memory: copy the bytes first.
  const settings = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer).slice())) as SegmentationJobSettings;
  return { dataset: datasetFromShared(shared), settings };
}

/**
 * Creates and initialises the configured backend (once per thread); a backend that does not load here
 * rejects with ERR_BACKEND_UNAVAILABLE, naming the reason and the install command.
 */
export async function initBackend(name: BackendName | Backend): Promise<Backend> {
  const backend = createBackend(name);
  const availability = await backend.availability();
  if (!availability.available) throw new BackendUnavailableError(backend.name, availability.reason, availability.install);
  await backend.init();
  return backend;
}

/**
 * A concrete backend name for a job, checked before any work starts: 'auto' is resolved here, once,
 * so that every worker thread of a pool uses the backend it chose (and none measures again), and
 * `reason` says which and why; a named backend that does not load here rejects with
 * ERR_BACKEND_UNAVAILABLE (the reason and the install command) rather than failing every job.
 */
export async function resolveBackendName(name: BackendName): Promise<{ name: BackendName; reason?: string }> {
  if (name !== 'auto') {
    const availability = await createBackend(name).availability();
    if (!availability.available) throw new BackendUnavailableError(name, availability.reason, availability.install);
    return { name };
  }
  const auto = createBackend('auto') as AutoBackend;
  const availability = await auto.availability();
  if (!availability.available) throw new BackendUnavailableError('auto', availability.reason, availability.install);
  const choice = auto.choice!;
  await auto.dispose();
  return { name: choice.name as BackendName, reason: `auto chose ${choice.reason}` };
}
