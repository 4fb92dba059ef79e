import * as tf from '../tfjs-core.js';

import { rememberStockKernel } from './stock-kernels.js';

/**
 * Swaps kernel records in tfjs's global registry and can put the stock ones back (the benchmark
 * compares both). tfjs looks kernels up at every call, so a swap takes effect immediately, also for
 * models built before it.
 */
export class KernelSet {
  private readonly stock = new Map<string, tf.KernelConfig | undefined>();

  constructor(
    readonly backendName: string,
    readonly kernels: readonly tf.KernelConfig[],
  ) {
    for (const kernel of kernels) {
      if (kernel.backendName !== backendName)
        throw new Error(`kernel ${kernel.kernelName} is for ${kernel.backendName}, not ${backendName}`);
    }
  }

  /** Whether bandster's kernels are the ones registered now. */
  get active(): boolean {
    return this.kernels.every((kernel) => tf.getKernel(kernel.kernelName, this.backendName) === kernel);
  }

  /** Registers bandster's kernels, remembering the stock ones (idempotent). */
  register(): void {
    for (const kernel of this.kernels) {
      const current = tf.getKernel(kernel.kernelName, this.backendName);
      if (current === kernel) continue;
      if (!this.stock.has(kernel.kernelName)) {
        this.stock.set(kernel.kernelName, current);
        if (current) rememberStockKernel(current);
      }
      if (current) tf.unregisterKernel(kernel.kernelName, this.backendName);
      tf.registerKernel(kernel);
    }
  }

  /** Puts the stock kernels back (none, where the backend had none). */
  restoreStock(): void {
    for (const kernel of this.kernels) {
      if (tf.getKernel(kernel.kernelName, this.backendName) !== kernel) continue;
      tf.unregisterKernel(kernel.kernelName, this.backendName);
      const stock = this.stock.get(kernel.kernelName);
      if (!stock) continue;
      tf.registerKernel(stock);
      // tfjs runs setups only when a backend initialises; one that already has needs it now.
      const backend = tf.findBackend(this.backendName);
      if (backend && stock.setupFunc) stock.setupFunc(backend);
    }
  }
}
