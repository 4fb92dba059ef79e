import type { InferenceSession } from 'onnxruntime-node';

import type { Availability, Backend, BackendCapabilities, BackendMemory, BackendModel, ModelOptions } from '../backend.js';
import { BackendError, BackendUnavailableError } from '../backend-error.js';
import { type LossKind, type UNetSpec, validateSpec } from '../unet-spec.js';
import { OnnxGraph } from './onnx-graph.js';
import { relu } from './onnx-ops.js';
import { loadOrt, type Ort, type OrtProvider, providerAvailability } from './ort-loader.js';
import { type OrtModelHost, OrtUNetModel } from './ort-model.js';
import { SessionCache } from './session-cache.js';
import { sessionOptions } from './session-options.js';
import { buildTrainingGraph } from './training-graph.js';

/** Options of an ONNX Runtime backend. */
export interface OnnxRuntimeBackendOptions {
  /**
   * Intra-op threads of every session. One per worker thread suits a pool (two workers on two cores);
   * a single training process may give it every core.
   * @defaultValue 1
   */
  readonly threads?: number;
  /** Training sessions kept (one per spec × batch size × loss). @defaultValue 8 */
  readonly cachedSessions?: number;
}

export const defaultOnnxRuntimeBackendOptions: Readonly<Required<OnnxRuntimeBackendOptions>> = Object.freeze({
  threads: 1,
  cachedSessions: 8,
});

/** The ONNX Runtime backends, by execution provider. */
export const ONNXRUNTIME_BACKENDS = ['onnxruntime-cuda', 'onnxruntime-cpu'] as const;
export type OnnxRuntimeBackendName = (typeof ONNXRUNTIME_BACKENDS)[number];

/** A one-node graph that a session on the provider must load and run for the provider to count as available. */
function probeModel(): Uint8Array {
  const g = new OnnxGraph('bandster_probe');
  g.output('y', relu(g, g.input('x', 'float', [1, 4])));
  return g.encode();
}

/**
 * The U-Net trained by onnxruntime-node: the whole training step (forward, hand-derived backward and
 * Adam) as one ONNX graph per spec, batch size and loss (training-graph.ts), run on the CPU or CUDA
 * execution provider.
 */
export class OnnxRuntimeBackend implements Backend {
  readonly name: OnnxRuntimeBackendName;
  private readonly options: Required<OnnxRuntimeBackendOptions>;
  private ort: Ort | undefined;
  private initialised: Promise<void> | undefined;
  private readonly sessions: SessionCache;
  private readonly models = new Set<OrtUNetModel>();

  constructor(
    readonly provider: OrtProvider,
    options: OnnxRuntimeBackendOptions = {},
  ) {
    const threads = options.threads ?? defaultOnnxRuntimeBackendOptions.threads;
    const cachedSessions = options.cachedSessions ?? defaultOnnxRuntimeBackendOptions.cachedSessions;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.threads must be an integer >= 1 (got ${String(threads)})`);
    }
    if (!Number.isInteger(cachedSessions) || cachedSessions < 1) {
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.cachedSessions must be an integer >= 1 (got ${String(cachedSessions)})`);
    }
    this.name = provider === 'cuda' ? 'onnxruntime-cuda' : 'onnxruntime-cpu';
    this.options = { threads, cachedSessions };
    this.sessions = new SessionCache(cachedSessions);
  }

  availability(): Promise<Availability> {
    return providerAvailability(this.provider, probeModel);
  }

  init(): Promise<void> {
    this.initialised ??= (async () => {
      const availability = await this.availability();
      if (!availability.available) throw new BackendUnavailableError(this.name, availability.reason, availability.install);
      this.ort = await loadOrt();
    })().catch((error: unknown) => {
      this.initialised = undefined;
      throw error;
    });
    return this.initialised;
  }

  capabilities(): BackendCapabilities {
    return { train: true, infer: true, device: this.provider === 'cuda' ? 'gpu' : 'cpu' };
  }

  /** Bytes of the weights and Adam state the live models hold (ORT's own arenas are not observable from Node). */
  memory(): BackendMemory {
    let bytes = 0;
    for (const model of this.models) bytes += model.bytes;
    return { bytes };
  }

  async createModel(spec: UNetSpec, options: ModelOptions): Promise<BackendModel> {
    validateSpec(spec);
    await this.init();
    const model = new OrtUNetModel(this.host(), spec, options);
    this.models.add(model);
    return model;
  }

  /**
   * Releases the cached sessions no run is using: each holds its memory arena at the size of its
   * largest run (onnxruntime does not shrink it), so a search trying many batch sizes would otherwise
   * keep the arenas of the last eight.
   */
  async trim(): Promise<void> {
    this.sessions.trim();
  }

  async dispose(): Promise<void> {
    for (const model of [...this.models]) model.dispose();
    await this.sessions.clear();
  }

  /** Number of training sessions held (the benchmark and tests read it). */
  get cachedSessions(): number {
    return this.sessions.size;
  }

  private host(): OrtModelHost {
    const ort = this.ort;
    if (!ort) throw new BackendError('ERR_BACKEND_NOT_INITIALISED', `backend ${this.name}: call init() first`, { backend: this.name });
    const options = sessionOptions(this.provider, this.options.threads);
    const frugalOptions = sessionOptions(this.provider, this.options.threads, true);
    return {
      ort,
      backendName: this.name,
      withTrainingSession: <T>(spec: UNetSpec, batch: number, loss: LossKind, use: (session: InferenceSession) => Promise<T>) =>
        this.sessions.with(
          trainingKey(spec, batch, loss),
          () => ort.InferenceSession.create(buildTrainingGraph({ spec, batch, loss }).model, options),
          use,
        ),
      withSession: <T>(key: string, build: () => Uint8Array, use: (session: InferenceSession) => Promise<T>) =>
        this.sessions.with(key, () => ort.InferenceSession.create(build(), frugalOptions), use),
      createSession: (model) => ort.InferenceSession.create(model, options),
      onDispose: (model) => this.models.delete(model),
    };
  }
}

/** The training graph depends on the spec's shape, whether dropout is on (its rates are in the masks), the batch and the loss. */
function trainingKey(spec: UNetSpec, batch: number, loss: LossKind): string {
  return [spec.inputSize, spec.inputChannels, spec.classes, spec.baseFilters, spec.depth, spec.dropoutScale > 0, batch, loss].join('/');
}
