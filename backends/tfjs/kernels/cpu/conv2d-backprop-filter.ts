import type * as tf from '../../tfjs-core.js';

import { filterGradientGeometry, type Conv2DBackpropFilterAttributes } from '../filter-gradient-geometry.js';

/** The cpu backend's data store, as far as this kernel reads it. */
interface CpuBackend extends tf.KernelBackend {
  readonly data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/**
 * Filter gradient of a 2-D convolution on the `cpu` backend.
 *
 * tfjs-backend-cpu's kernel loops filter tap → input channel → output channel outermost and walks the
 * whole batch for every one of them through `TensorBuffer.get` (strided reads, index arithmetic per
 * element): seconds per layer. Here the batch is walked once, in memory order: for each output pixel
 * its row of output gradients (Cout floats) is multiplied into every tap's input row (Cin floats) and
 * accumulated into the filter gradient, whose innermost dimension is Cout: a contiguous axpy that V8
 * compiles to a tight loop. Same arithmetic (Σ over n, oh, ow), different order.
 */
function conv2DBackpropFilterCpu(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as CpuBackend;
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const info = filterGradientGeometry(x.shape, args.attrs as unknown as Conv2DBackpropFilterAttributes);
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
  } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xValues = backend.data.get(x.dataId).values;
  const dyValues = backend.data.get(dy.dataId).values;
  const gradient = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
  const tapStride = inChannels * outChannels;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((n * inHeight + ih) * inWidth + iw) * inChannels;
            let gradientOffset = (kh * filterWidth + kw) * tapStride;
            for (let ci = 0; ci < inChannels; ci++, gradientOffset += outChannels) {
              const xValue = xValues[xOffset + ci];
              if (xValue === 0) continue; // ReLU outputs and zero padding: about half the inputs
              for (let co = 0; co < outChannels; co++) gradient[gradientOffset + co] += xValue * dyValues[dyOffset + co];
            }
          }
        }
      }
    }
  }
  return backend.makeTensorInfo([filterHeight, filterWidth, inChannels, outChannels], 'float32', gradient);
}

/** bandster's `Conv2DBackpropFilter` for tfjs's `cpu` backend. */
export const conv2DBackpropFilterCpuConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: conv2DBackpropFilterCpu as unknown as tf.KernelFunc,
};
