import type * as tf from '../tfjs-core.js';

/**
 * The stock kernels bandster's replaced, by backend and kernel name: `KernelSet.register` records them
 * here, and a replacement that handles only some cases (see wasm/conv2d-backprop-input.ts) runs the
 * stock one for the rest.
 */
const stockKernels = new Map<string, tf.KernelConfig>();

export function rememberStockKernel(config: tf.KernelConfig): void {
  stockKernels.set(`${config.backendName}/${config.kernelName}`, config);
}

export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return stockKernels.get(`${backendName}/${kernelName}`);
}
