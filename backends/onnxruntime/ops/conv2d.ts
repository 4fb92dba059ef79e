import { concat, conv, convTranspose, gemm, reduceSum, reshape, transpose } from '../onnx-ops.js';
import { type OnnxGraph, staticShape, type Value } from '../onnx-graph.js';
import { waitFor, zeroAfter } from './gate.js';
import type { GradientOp } from './op.js';

/** How the backward pass computes a convolution's gradients (the benchmark compares them). */
export interface ConvGradientStrategy {
  /**
   * 'flipped-conv': dx = dy ⋆ flip(w)ᵀ, a plain Conv with the kernel flipped in space and its in/out
   * channels swapped (2–2.5× faster than ConvTranspose in MLAS at the U-Net's shapes);
   * 'conv-transpose': dx = ConvTranspose(dy, w).
   */
  readonly inputGradient: 'flipped-conv' | 'conv-transpose';
  /**
   * 'offset-gemm': one GEMM per kernel offset (k² of them) of dy [M, N·H·W] with the shifted input
   * [C, N·H·W]; 'transposed-conv': one Conv of the input with dy as its kernel (batch and channels
   * swapped), whose 3×3 output makes MLAS's GEMM skinny (2–3× slower at 64 px).
   */
  readonly filterGradient: 'offset-gemm' | 'transposed-conv';
  /**
   * 'filter-first': dW and db first, and dx made to wait for them (ops/gate.ts, exact), so that ORT's
   * planner frees the layer's input (which only dW reads) before dx's buffers are allocated. The
   * recomputing gradient graph uses it: its peak is in the backward pass, where recomputation alone
   * did not lower the process's peak (1.04× the kept encoder's at 256 px, micro-batch 2; 1.00× at 8);
   * with it, 0.99× and 0.93× (README). Default: dx first.
   */
  readonly order?: 'filter-first';
}

export const FASTEST_CONV_GRADIENTS: ConvGradientStrategy = Object.freeze({ inputGradient: 'flipped-conv', filterGradient: 'offset-gemm' });

/** Padding of a stride-1 convolution on every side (1 for the 3×3 'same' convolutions, 0 for the 1×1 output), and how to differentiate it. */
export interface Conv2dAttributes {
  readonly pad: number;
  readonly strategy?: ConvGradientStrategy;
}

/**
 * Stride-1 convolution with bias: x [N, C, H, W], w [M, C, k, k], b [M] → [N, M, H + 2p − k + 1, …].
 *
 * Backward (y[n, m, h, w] = Σ_c,i,j x[n, c, h + i − p, w + j − p] · w[m, c, i, j] + b[m]):
 * - dx[n, c, h, w] = Σ_m,i,j dy[n, m, h − i + p, w − j + p] · w[m, c, i, j]: the transposed
 *   convolution, or equally a convolution of dy with the kernel flipped and transposed to [C, M, k, k]
 *   (padding k − 1 − p);
 * - dw[m, c, i, j] = Σ_n,h,w dy[n, m, h, w] · x[n, c, h + i − p, w + j − p]: for each offset (i, j) a
 *   GEMM of dy [M, N·H·W] with the input shifted by (i, j) [C, N·H·W]; or one convolution of the input
 *   (batch and channels swapped: [C, N, H, W]) with dy as its kernel ([M, N, H, W]);
 * - db = Σ_n,h,w dy.
 */
export const conv2dOp: GradientOp<Conv2dAttributes> = {
  name: 'conv2d',
  forward(g, [x, w, b], { pad }) {
    return [conv(g, x, w, b, { pads: [pad, pad, pad, pad] })];
  },
  backward(g, { inputs: [x, w], attributes: { pad, strategy = FASTEST_CONV_GRADIENTS } }, [dy], wanted) {
    if (!dy) return [];
    if (strategy.order === 'filter-first') {
      const dw = wanted[1] ? filterGradient(g, x, dy, w, pad, strategy) : undefined;
      const db = wanted[2] ? reduceSum(g, dy, [0, 2, 3]) : undefined;
      const kernel = dw || db ? g.scope('gate', () => waitFor(g, w, zeroAfter(g, [dw, db]))) : w;
      return [wanted[0] ? inputGradient(g, dy, kernel, pad, strategy) : undefined, dw, db];
    }
    const dx = wanted[0] ? inputGradient(g, dy, w, pad, strategy) : undefined;
    const dw = wanted[1] ? filterGradient(g, x, dy, w, pad, strategy) : undefined;
    const db = wanted[2] ? reduceSum(g, dy, [0, 2, 3]) : undefined;
    return [dx, dw, db];
  },
};

function inputGradient(g: OnnxGraph, dy: Value, w: Value, pad: number, strategy: ConvGradientStrategy): Value {
  const [, , k] = staticShape(w.shape);
  if (strategy.inputGradient === 'conv-transpose') return convTranspose(g, dy, w, undefined, { pads: [pad, pad, pad, pad] });
  const flipped =
    k === 1
      ? w
      : g.node(
          'Slice',
          [w, g.constInt64([k - 1, k - 1]), g.constInt64([-k - 1, -k - 1]), g.constInt64([2, 3]), g.constInt64([-1, -1])],
          [{ type: 'float', shape: w.shape }],
        )[0];
  const back = k - 1 - pad;
  return conv(g, dy, transpose(g, flipped, [1, 0, 2, 3]), undefined, { pads: [back, back, back, back] });
}

function filterGradient(g: OnnxGraph, x: Value, dy: Value, w: Value, pad: number, strategy: ConvGradientStrategy): Value {
  const [n, c] = staticShape(x.shape);
  const [m, , k] = staticShape(w.shape);
  const pads = [pad, pad, pad, pad];
  const inputByChannel = transpose(g, x, [1, 0, 2, 3]); // [C, N, H, W]
  if (strategy.filterGradient === 'transposed-conv') {
    return transpose(g, conv(g, inputByChannel, transpose(g, dy, [1, 0, 2, 3]), undefined, { pads }), [1, 0, 2, 3]);
  }
  const [, , outH, outW] = staticShape(dy.shape);
  const pixels = n * outH * outW;
  const gradientByChannel = transpose(g, dy, [1, 0, 2, 3]); // [M, N, H′, W′]
  if (k === 1 && pad === 0) {
    return reshape(g, gemm(g, reshape(g, gradientByChannel, [m, pixels]), reshape(g, inputByChannel, [c, pixels]), { transB: true }), [
      m,
      c,
      1,
      1,
    ]);
  }
  // Shift whichever of x and dy has fewer channels: the k² shifted copies are the step's largest
  // copies. dw[m, c, i, j] = Σ_q dy[m, q] · x_pad[c, q + (i, j)] = Σ_q x[c, q] · dy_pad[m, q + (k−1−i, k−1−j)]
  // (dy padded by k − 1 − pad), each offset one GEMM of rows [M, N·H′·W′] and [C, N·H′·W′].
  const shiftGradient = m < c;
  const shifted = shiftGradient ? gradientByChannel : inputByChannel;
  const fixedRows = shiftGradient ? reshape(g, inputByChannel, [c, pixels]) : reshape(g, gradientByChannel, [m, pixels]);
  const border = shiftGradient ? k - 1 - pad : pad;
  const [channels, , sideH, sideW] = staticShape(shifted.shape);
  const padded =
    border === 0
      ? shifted
      : g.node(
          'Pad',
          [shifted, g.constInt64([0, 0, border, border, 0, 0, border, border])],
          [{ type: 'float', shape: [channels, n, sideH + 2 * border, sideW + 2 * border] }],
        )[0];
  const taps: Value[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const [top, left] = shiftGradient ? [k - 1 - i, k - 1 - j] : [i, j];
      const [window] = g.node(
        'Slice',
        [padded, g.constInt64([top, left]), g.constInt64([top + outH, left + outW]), g.constInt64([2, 3])],
        [{ type: 'float', shape: [channels, n, outH, outW] }],
      );
      const windowRows = reshape(g, window, [channels, pixels]);
      const product = shiftGradient ? gemm(g, windowRows, fixedRows, { transB: true }) : gemm(g, fixedRows, windowRows, { transB: true });
      taps.push(reshape(g, product, [m, c, 1])); // [M, C, 1]
    }
  }
  return reshape(g, concat(g, taps, 2), [m, c, k, k]);
}
