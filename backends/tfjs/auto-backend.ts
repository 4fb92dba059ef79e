import type { UNetSpec } from '../unet-spec.js';
import type { Availability, Backend, BackendCapabilities, BackendModel, ModelOptions } from '../backend.js';
import { TFJS_FLAVOURS } from './flavours.js';
import { TfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';

/**
 * The fastest tfjs flavour that loads here: tfjs-node-gpu, then tfjs-node, then wasm, then cpu. The
 * choice is made once, by `availability()` or `init()`; `selected` says which.
 */
export class AutoBackend implements Backend {
  readonly name = 'auto';
  private chosen: TfjsBackend | undefined;
  private choosing: Promise<TfjsBackend> | undefined;
  private readonly skipped: string[] = [];

  constructor(private readonly options: TfjsBackendOptions = {}) {}

  /** The flavour in use, once chosen. */
  get selected(): TfjsBackend | undefined {
    return this.chosen;
  }

  /** Why each faster flavour was passed over. */
  get passedOver(): readonly string[] {
    return this.skipped;
  }

  private choose(): Promise<TfjsBackend> {
    this.choosing ??= (async () => {
      for (const name of TFJS_FLAVOURS) {
        const candidate = TfjsBackend.of(name, this.options);
        const availability = await candidate.availability();
        if (availability.available) return (this.chosen = candidate);
        this.skipped.push(`${name}: ${availability.reason}`);
      }
      throw new Error(`no tfjs backend loads here (${this.skipped.join('; ')})`);
    })();
    return this.choosing;
  }

  async availability(): Promise<Availability> {
    try {
      await this.choose();
      return { available: true };
    } catch (error) {
      return { available: false, reason: (error as Error).message, install: 'npm install @tensorflow/tfjs' };
    }
  }

  async init(): Promise<void> {
    await (await this.choose()).init();
  }

  capabilities(): BackendCapabilities {
    if (!this.chosen) throw new Error('auto backend: call init() first (the flavour is not chosen yet)');
    return this.chosen.capabilities();
  }

  memory(): { readonly bytes: number; readonly tensors?: number } {
    return this.chosen ? this.chosen.memory() : { bytes: 0, tensors: 0 };
  }

  async createModel(spec: UNetSpec, options: ModelOptions): Promise<BackendModel> {
    await this.init();
    return this.chosen!.createModel(spec, options);
  }

  async dispose(): Promise<void> {
    await this.chosen?.dispose();
  }
}
