import * as tf from './tfjs-core.js';

import { BackendError, BackendUnavailableError } from '../backend-error.js';
import { type UNetSpec, validateSpec } from '../unet-spec.js';
import type { Availability, Backend, BackendCapabilities, BackendMemory, BackendModel, ModelOptions } from '../backend.js';
import { describeLoadError, tfjsFlavours, type TfjsFlavour, type TfjsFlavourName } from './flavours.js';
import { TfjsUNetModel } from './tfjs-model.js';

/** tfjs-backend-wasm's largest heap: emscripten's getHeapMax() in its build (4 GiB less one 64 KiB page). */
const WASM_HEAP_LIMIT = 4294901760;

/** Options of a tfjs backend. */
export interface TfjsBackendOptions {
  /**
   * Which Conv2DBackpropFilter kernel to train with where bandster has its own (cpu, wasm): 'bandster'
   * (fast) or 'stock' (tfjs's; wasm has none, so it cannot train). tfjs's kernel registry is global to
   * the thread: the last backend initialised decides.
   * @defaultValue 'bandster'
   */
  readonly kernels?: 'bandster' | 'stock';
}

export const defaultTfjsBackendOptions: Readonly<Required<TfjsBackendOptions>> = Object.freeze({ kernels: 'bandster' });

/**
 * One tfjs flavour behind bandster's `Backend`. tfjs keeps one engine per thread with one active
 * backend; every model call switches to this backend first (a no-op when it is already active), so
 * models of two flavours can live in one thread (tensors move between them lazily, as tfjs does).
 */
export class TfjsBackend implements Backend {
  readonly name: TfjsFlavourName;
  private readonly options: Required<TfjsBackendOptions>;
  private initialised: Promise<void> | undefined;
  private readonly models = new Set<TfjsUNetModel>();

  constructor(
    readonly flavour: TfjsFlavour,
    options: TfjsBackendOptions = {},
  ) {
    const kernels = options.kernels ?? defaultTfjsBackendOptions.kernels;
    if (kernels !== 'bandster' && kernels !== 'stock')
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.kernels must be 'bandster' or 'stock' (got ${String(kernels)})`);
    this.name = flavour.name;
    this.options = { kernels };
  }

  static of(name: TfjsFlavourName, options?: TfjsBackendOptions): TfjsBackend {
    const flavour = tfjsFlavours[name];
    if (!flavour) throw new BackendError('ERR_BACKEND_UNKNOWN', `unknown tfjs backend ${String(name)}`);
    return new TfjsBackend(flavour, options);
  }

  async availability(): Promise<Availability> {
    try {
      await this.flavour.load();
      return { available: true };
    } catch (error) {
      return { available: false, reason: describeLoadError(this.flavour, error), install: this.flavour.install };
    }
  }

  init(): Promise<void> {
    this.initialised ??= (async () => {
      await this.flavour.load();
      // tfjs-backend-cpu greets Node users with an "install tfjs-node" banner through backend_util.warn,
      // which PROD silences (PROD also skips debug-only checks; results are unchanged).
      tf.env().set('PROD', true);
      if (this.flavour.kernels) {
        if (this.options.kernels === 'bandster') this.flavour.kernels.register();
        else this.flavour.kernels.restoreStock();
      }
      await this.activate();
    })().catch((error: unknown) => {
      this.initialised = undefined;
      if (error instanceof BackendError) throw error;
      throw new BackendUnavailableError(this.name, describeLoadError(this.flavour, error), this.flavour.install, { cause: error });
    });
    return this.initialised;
  }

  capabilities(): BackendCapabilities {
    const canTrain = !(this.name === 'wasm' && this.options.kernels === 'stock');
    return { train: canTrain, infer: true, device: this.flavour.device };
  }

  memory(): BackendMemory {
    const memory = tf.memory();
    const heapBytes = this.heapBytes();
    return heapBytes === undefined
      ? { bytes: memory.numBytes, tensors: memory.numTensors }
      : { bytes: memory.numBytes, tensors: memory.numTensors, heapBytes, heapLimitBytes: WASM_HEAP_LIMIT };
  }

  /** tfjs-wasm's WebAssembly memory in this thread (its heap only grows), once the backend exists. */
  private heapBytes(): number | undefined {
    if (this.flavour.tfBackendName !== 'wasm' || !this.initialised) return undefined;
    const wasm = (tf.findBackend('wasm') as { wasm?: { HEAPU8?: Uint8Array } } | null)?.wasm;
    return wasm?.HEAPU8?.length;
  }

  async createModel(spec: UNetSpec, options: ModelOptions): Promise<BackendModel> {
    validateSpec(spec);
    await this.init();
    const model = await TfjsUNetModel.create(spec, options, () => this.activate());
    this.models.add(model);
    const dispose = model.dispose.bind(model);
    model.dispose = () => {
      this.models.delete(model);
      dispose();
    };
    return model;
  }

  async dispose(): Promise<void> {
    for (const model of [...this.models]) model.dispose();
  }

  /** Makes this backend tfjs's active one. */
  private async activate(): Promise<void> {
    if (tf.getBackend() === this.flavour.tfBackendName) return;
    const ok = await tf.setBackend(this.flavour.tfBackendName);
    if (!ok) {
      throw new BackendUnavailableError(
        this.name,
        `tfjs could not initialise its ${this.flavour.tfBackendName} backend`,
        this.flavour.install,
      );
    }
  }
}
