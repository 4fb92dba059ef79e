import * as tf from '../../tfjs-core.js';

import { stockKernel } from '../stock-kernels.js';
import { runWasmKernel, withIntermediates, type KernelArguments } from './run-kernel.js';

const stockSetUp = new WeakSet<tf.KernelBackend>();

interface Conv2DBackpropInputAttributes {
  readonly strides: [number, number] | number;
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  readonly inputShape: [number, number, number, number];
}

/**
 * Input gradient of a 2-D convolution (and the forward pass of a transposed convolution) on `wasm`.
 *
 * wasm's own kernel is a scalar C loop, not XNNPACK: it took 2/3 of a U-Net training step here (205 of
 * 316 ms at 64×64, batch 8), ~10× slower than the forward convolutions. Two cases cover the U-Net and
 * run on XNNPACK instead; anything else goes to the stock kernel.
 *
 * - Stride 1: dx = conv(dy, W') with W'[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co] (spatially
 *   flipped, channels swapped) and padding KH−1−top above, whatever brings the output to H below.
 * - Stride = kernel size, no padding, exact tiling (the 2×2 stride-2 transposed convolution): the
 *   windows do not overlap, so dx[n, oh·KH + kh, ow·KW + kw, ci] = Σ_co dy[n, oh, ow, co] · W[kh, kw, ci, co]
 *   is one matmul [N·OH·OW, Cout] × [Cout, KH·KW·Cin] and a transpose that interleaves the taps.
 */
function conv2DBackpropInputWasm(args: KernelArguments): tf.TensorInfo {
  const { backend } = args;
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const attributes = args.attrs as unknown as Conv2DBackpropInputAttributes;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attributes.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    attributes.inputShape,
    filter.shape as [number, number, number, number],
    attributes.strides,
    1,
    attributes.pad,
    attributes.dimRoundingMode,
    false,
    dataFormat,
  );
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
  const { top, left, bottom, right } = info.padInfo;

  if (dataFormat === 'channelsLast' && strideHeight === 1 && strideWidth === 1) {
    const flippedTop = filterHeight - 1 - top;
    const flippedLeft = filterWidth - 1 - left;
    const flippedBottom = inHeight - outHeight - flippedTop + filterHeight - 1;
    const flippedRight = inWidth - outWidth - flippedLeft + filterWidth - 1;
    if (flippedTop >= 0 && flippedLeft >= 0 && flippedBottom >= 0 && flippedRight >= 0) {
      return withIntermediates(backend, (keep) => {
        const reversed = keep(runWasmKernel('Reverse', { inputs: { x: filter }, backend, attrs: { dims: [0, 1] } }));
        const flipped = keep(runWasmKernel('Transpose', { inputs: { x: reversed }, backend, attrs: { perm: [0, 1, 3, 2] } }));
        return runWasmKernel('Conv2D', {
          inputs: { x: dy, filter: flipped },
          backend,
          attrs: {
            strides: [1, 1],
            pad: [
              [0, 0],
              [flippedTop, flippedBottom],
              [flippedLeft, flippedRight],
              [0, 0],
            ],
            dataFormat: 'NHWC',
            dilations: [1, 1],
          } as unknown as tf.NamedAttrMap,
        });
      });
    }
  }

  const tiles =
    strideHeight === filterHeight &&
    strideWidth === filterWidth &&
    top === 0 &&
    left === 0 &&
    bottom === 0 &&
    right === 0 &&
    outHeight * strideHeight === inHeight &&
    outWidth * strideWidth === inWidth;
  if (dataFormat === 'channelsLast' && tiles) {
    return withIntermediates(backend, (keep) => {
      const rows = keep(
        runWasmKernel('Reshape', { inputs: { x: dy }, backend, attrs: { shape: [batchSize * outHeight * outWidth, outChannels] } }),
      );
      const taps = keep(runWasmKernel('Transpose', { inputs: { x: filter }, backend, attrs: { perm: [3, 0, 1, 2] } }));
      const tapMatrix = keep(
        runWasmKernel('Reshape', {
          inputs: { x: taps },
          backend,
          attrs: { shape: [outChannels, filterHeight * filterWidth * inChannels] },
        }),
      );
      const product = keep(
        runWasmKernel('BatchMatMul', { inputs: { a: rows, b: tapMatrix }, backend, attrs: { transposeA: false, transposeB: false } }),
      );
      const blocks = keep(
        runWasmKernel('Reshape', {
          inputs: { x: product },
          backend,
          attrs: { shape: [batchSize, outHeight, outWidth, filterHeight, filterWidth, inChannels] },
        }),
      );
      const interleaved = keep(runWasmKernel('Transpose', { inputs: { x: blocks }, backend, attrs: { perm: [0, 1, 3, 2, 4, 5] } }));
      return runWasmKernel('Reshape', {
        inputs: { x: interleaved },
        backend,
        attrs: { shape: [batchSize, inHeight, inWidth, inChannels] },
      });
    });
  }

  const stock = stockKernel('Conv2DBackpropInput', 'wasm');
  if (!stock) throw new Error('Conv2DBackpropInput (wasm): this case needs the stock kernel, which is not registered');
  // tfjs runs a kernel's setup (wasm's cwrap of its C function) when the backend initialises, for the
  // kernels registered then: the stock one may have been swapped out before that.
  if (!stockSetUp.has(backend)) {
    stock.setupFunc?.(backend);
    stockSetUp.add(backend);
  }
  return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** bandster's `Conv2DBackpropInput` for tfjs's `wasm` backend (falls back to the stock one). */
export const conv2DBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc,
};
