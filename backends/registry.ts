import type { Availability, Backend } from './backend.js';
import { BackendError } from './backend-error.js';

/** Options a named backend may read; each backend takes the fields it knows and ignores the rest. */
export interface BackendOptions {
  /** tfjs cpu and wasm: bandster's Conv2DBackpropFilter kernel or tfjs's own. @defaultValue 'bandster' */
  readonly kernels?: 'bandster' | 'stock';
  /** ONNX Runtime: intra-op threads per session. @defaultValue 1 */
  readonly threads?: number;
}

/** How a named backend is made. */
export interface BackendEntry {
  readonly name: string;
  /** A short line for listings, e.g. "tfjs on WebAssembly (bandster kernels)". */
  readonly description: string;
  readonly create: (options?: BackendOptions) => Backend;
}

/**
 * Backends by name: the names `createBackend` and the CLI accept are shortcuts for the objects
 * registered here (a backend written outside the package plugs in with `register`, or is passed to
 * `createBackend` as an object). The order of registration is the listing order, fastest first where
 * that is known without measuring (accelerators, then native CPU, then WebAssembly, then plain JS).
 */
export class BackendRegistry {
  private readonly entries = new Map<string, BackendEntry>();

  register(entry: BackendEntry): this {
    if (this.entries.has(entry.name))
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `a backend named ${entry.name} is registered already`);
    this.entries.set(entry.name, entry);
    return this;
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): BackendEntry {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new BackendError('ERR_BACKEND_UNKNOWN', `backend must be one of ${this.names.join(', ')} (got ${String(name)})`, {
        backend: String(name),
      });
    }
    return entry;
  }

  create(name: string, options?: BackendOptions): Backend {
    return this.entry(name).create(options);
  }

  /** Every registered backend with whether it loads here (and why not, with the install command). */
  async list(options?: BackendOptions): Promise<{ name: string; description: string; availability: Availability }[]> {
    const list = [];
    for (const entry of this.entries.values()) {
      list.push({ name: entry.name, description: entry.description, availability: await entry.create(options).availability() });
    }
    return list;
  }
}

/** Whether `value` is a Backend object (rather than a name). */
export function isBackend(value: unknown): value is Backend {
  const candidate = value as Partial<Backend> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.availability === 'function' &&
    typeof candidate.init === 'function' &&
    typeof candidate.createModel === 'function'
  );
}
