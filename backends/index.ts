// bandster/backends: the training backends behind backends/backend.ts. The trainer imports this entry
// point (or backend.ts's types) only; no backend package is imported anywhere else.
import { AutoBackend, type AutoBackendOptions } from './auto-backend.js';
import type { Availability, Backend } from './backend.js';
import { OnnxRuntimeBackend } from './onnxruntime/ort-backend.js';
import { type BackendOptions, BackendRegistry, isBackend } from './registry.js';
import { TfjsBackend } from './tfjs/tfjs-backend.js';

export { AutoBackend, type AutoBackendOptions, type AutoChoice, chooseFastestBackend } from './auto-backend.js';
export type {
  Availability,
  Backend,
  BackendCapabilities,
  BackendMemory,
  BackendModel,
  Batch,
  LossKind,
  ModelOptions,
  UNetSpec,
  Unavailable,
} from './backend.js';
export { BackendError, type BackendErrorCode, BackendUnavailableError } from './backend-error.js';
export { FrugalBackend, inProfile, type Profile, PROFILES } from './frugal/frugal-backend.js';
export { FRUGAL_DEFAULTS, type FrugalOptions } from './frugal/frugal-options.js';
export type { ClassSums, ImageSlice, LossCoefficients, MicroBatchOptions, MicroBatchSteps } from './micro-batch.js';
export { defaultSpeedCacheFile } from './backend-speed-cache.js';
export {
  defaultOnnxRuntimeBackendOptions,
  ONNXRUNTIME_BACKENDS,
  OnnxRuntimeBackend,
  type OnnxRuntimeBackendName,
  type OnnxRuntimeBackendOptions,
} from './onnxruntime/ort-backend.js';
export { type ExportedModel, exportInferenceModel } from './onnxruntime/onnx-export.js';
export { type BackendEntry, type BackendOptions, BackendRegistry, isBackend } from './registry.js';
export { decodeState, encodeState, type ModelState } from './state-codec.js';
export { TFJS_FLAVOURS, type TfjsFlavourName } from './tfjs/flavours.js';
export { TfjsBackend, type TfjsBackendOptions } from './tfjs/tfjs-backend.js';
export { forwardFlopsPerImage, LOSS_KINDS, parameterCount, validateSpec } from './unet-spec.js';

/**
 * Every concrete backend bandster ships, fastest first where that is known without measuring: GPU
 * (ONNX Runtime's CUDA provider, tfjs-node-gpu), then native CPU (ONNX Runtime, tfjs-node), then
 * WebAssembly, then plain JS. `auto` measures them.
 */
export const backendRegistry = new BackendRegistry()
  .register({
    name: 'onnxruntime-cuda',
    description: 'ONNX Runtime, CUDA execution provider',
    create: (options) => new OnnxRuntimeBackend('cuda', options),
  })
  .register({
    name: 'tfjs-node-gpu',
    description: 'tfjs on libtensorflow with CUDA',
    create: (options) => TfjsBackend.of('tfjs-node-gpu', options),
  })
  .register({
    name: 'onnxruntime-cpu',
    description: 'ONNX Runtime, CPU execution provider (MLAS)',
    create: (options) => new OnnxRuntimeBackend('cpu', options),
  })
  .register({ name: 'tfjs-node', description: 'tfjs on libtensorflow (CPU)', create: (options) => TfjsBackend.of('tfjs-node', options) })
  .register({
    name: 'wasm',
    description: 'tfjs on WebAssembly with bandster kernels',
    create: (options) => TfjsBackend.of('wasm', options),
  })
  .register({
    name: 'cpu',
    description: 'tfjs in plain JavaScript with bandster kernels',
    create: (options) => TfjsBackend.of('cpu', options),
  });

/** The concrete backends in listing order (fastest first where known). */
export const CONCRETE_BACKENDS = ['onnxruntime-cuda', 'tfjs-node-gpu', 'onnxruntime-cpu', 'tfjs-node', 'wasm', 'cpu'] as const;
/** Every name `createBackend` takes. */
export const BACKEND_NAMES = ['auto', ...CONCRETE_BACKENDS] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * A backend: an object is used as it is (a backend written outside the package); a name is a
 * shortcut for a registered one ('auto' measures them and picks the fastest). Nothing is loaded
 * until `availability()` or `init()`.
 */
export function createBackend(backend: Backend | BackendName | string, options: AutoBackendOptions = {}): Backend {
  if (isBackend(backend)) return backend;
  if (backend === 'auto') return new AutoBackend(backendRegistry, CONCRETE_BACKENDS, options);
  return backendRegistry.create(backend, options);
}

/** Every concrete backend with whether it loads here (and why not, with the install command). */
export async function listBackends(options?: BackendOptions): Promise<{ name: string; description: string; availability: Availability }[]> {
  return backendRegistry.list(options);
}
