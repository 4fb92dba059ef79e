import { KernelSet } from '../registry.js';
import { conv2DBackpropFilterCpuConfig } from './conv2d-backprop-filter.js';

/**
 * bandster's kernels for tfjs's `cpu` backend. Conv2DBackpropFilter replaces the stock one, which is
 * correct but takes seconds per layer (see conv2d-backprop-filter.ts); every other kernel the U-Net
 * trains with is there already.
 */
export const cpuKernels = new KernelSet('cpu', [conv2DBackpropFilterCpuConfig]);

export function registerCpuKernels(): void {
  cpuKernels.register();
}
