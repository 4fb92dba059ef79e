import * as tf from '../../tfjs-core.js';

export type KernelArguments = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/**
 * Runs another kernel registered for wasm directly (as tfjs's own kernels call each other): no engine
 * bookkeeping, no tape. Its setup ran when the backend initialised. The caller disposes the result
 * with `backend.disposeData` unless it returns it.
 */
export function runWasmKernel(name: string, args: KernelArguments): tf.TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`bandster's wasm kernels need the wasm ${name} kernel`);
  return config.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** Runs `body` with a list to put intermediates in, and disposes them all afterwards. */
export function withIntermediates<T>(backend: tf.KernelBackend, body: (keep: (info: tf.TensorInfo) => tf.TensorInfo) => T): T {
  const made: tf.TensorInfo[] = [];
  try {
    return body((info) => {
      made.push(info);
      return info;
    });
  } finally {
    for (const info of made) backend.disposeData(info.dataId);
  }
}
