import { KernelSet } from '../registry.js';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputWasmConfig } from './conv2d-backprop-input.js';

/**
 * bandster's kernels for tfjs's `wasm` backend.
 * - Conv2DBackpropFilter: wasm ships none, and every convolution's and transposed convolution's weight
 *   gradient needs it.
 * - Conv2DBackpropInput: wasm's is a scalar C loop that took 2/3 of a training step; ours runs the
 *   U-Net's cases (stride 1; 2×2 stride 2) on XNNPACK and hands other cases to the stock kernel.
 * The other kernels the U-Net's training runs are there: Conv2D/FusedConv2D, MaxPool and MaxPoolGrad,
 * Step (ReLU's gradient), Softmax and Sum/Mul/Sub (its gradient), Concat and SplitV/Slice (its
 * gradient), OneHot, Log/Square/ClipByValue/Select (the losses and their gradients), and Adam's
 * elementwise ops; test/backends checks it by training on wasm.
 */
export const wasmKernels = new KernelSet('wasm', [conv2DBackpropFilterWasmConfig, conv2DBackpropInputWasmConfig]);

export function registerWasmKernels(): void {
  wasmKernels.register();
}
