import type { Availability, Backend, BackendCapabilities, BackendMemory, BackendModel, ModelOptions } from '../backend.js';
import { validateSpec, type UNetSpec } from '../unet-spec.js';
import { type FrugalOptions, frugalOptions } from './frugal-options.js';
import { FrugalModel } from './frugal-model.js';

/** The memory profiles a model can be trained in. */
export const PROFILES = ['standard', 'frugal'] as const;
export type Profile = (typeof PROFILES)[number];

/**
 * The frugal profile layered on any backend that offers micro-batch steps (every tfjs flavour and
 * ONNX Runtime): the same models, trained with exact micro-batching so that peak memory follows the
 * micro-batch rather than the batch size, at the cost of a second forward pass per slice for dice
 * losses. The inner backend stays usable on its own (one engine per thread either way).
 */
export class FrugalBackend implements Backend {
  readonly name: string;
  readonly options: Required<FrugalOptions>;

  constructor(
    readonly inner: Backend,
    options: FrugalOptions = {},
  ) {
    this.options = frugalOptions(options);
    this.name = inner.name;
  }

  availability(): Promise<Availability> {
    return this.inner.availability();
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  capabilities(): BackendCapabilities {
    return this.inner.capabilities();
  }

  memory(): BackendMemory {
    return this.inner.memory();
  }

  async createModel(spec: UNetSpec, options: ModelOptions): Promise<BackendModel> {
    validateSpec(spec);
    const model = await this.inner.createModel(spec, options);
    try {
      return new FrugalModel(model, spec, options, this.options);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }

  async trim(): Promise<void> {
    await this.inner.trim?.();
  }

  /** Disposes the inner backend's models (those made through this profile among them). */
  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/** `backend` in `profile`: itself for 'standard', layered with {@link FrugalBackend} for 'frugal'. */
export function inProfile(backend: Backend, profile: Profile, options?: FrugalOptions): Backend {
  return profile === 'frugal' ? new FrugalBackend(backend, options) : backend;
}
