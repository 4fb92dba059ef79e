import { conv, convTranspose, gemm, reduceSum, reshape, spaceToDepth, transpose } from '../onnx-ops.js';
import { staticShape, type Value } from '../onnx-graph.js';
import type { GradientOp } from './op.js';

/**
 * The decoder's 2×2 stride-2 transposed convolution with bias: x [N, C, H, W], w [C, M, 2, 2],
 * b [M] → [N, M, 2H, 2W] (tfjs's conv2dTranspose with 'same' padding: no overlap, no padding).
 *
 * Backward (y[n, m, 2h + i, 2w + j] = Σ_c x[n, c, h, w] · w[c, m, i, j] + b[m]):
 * - dx = the stride-2 convolution of dy with the same weights read as a Conv's [C, M, 2, 2];
 * - dw[c, m, i, j] = Σ_n,h,w x[n, c, h, w] · dy[n, m, 2h + i, 2w + j]: SpaceToDepth gathers each 2×2
 *   block of dy into channels ((i·2 + j)·M + m), then one GEMM over N·H·W;
 * - db = Σ_n,h,w dy.
 */
export const convTranspose2x2Op: GradientOp<undefined> = {
  name: 'conv-transpose-2x2',
  forward(g, [x, w, b]) {
    return [convTranspose(g, x, w, b, { strides: [2, 2] })];
  },
  backward(g, { inputs: [x, w] }, [dy], wanted) {
    if (!dy) return [];
    const dx = wanted[0] ? conv(g, dy, w, undefined, { strides: [2, 2] }) : undefined;
    let dw: Value | undefined;
    if (wanted[1]) {
      const [n, c, h, width] = staticShape(x.shape);
      const m = staticShape(w.shape)[1];
      const inputRows = reshape(g, transpose(g, x, [1, 0, 2, 3]), [c, n * h * width]);
      const blocks = spaceToDepth(g, dy, 2);
      const blockRows = reshape(g, transpose(g, blocks, [1, 0, 2, 3]), [4 * m, n * h * width]);
      const product = gemm(g, inputRows, blockRows, { transB: true }); // [C, 4M], columns (i, j, m)
      dw = transpose(g, reshape(g, product, [c, 2, 2, m]), [0, 3, 1, 2]);
    }
    const db = wanted[2] ? reduceSum(g, dy, [0, 2, 3]) : undefined;
    return [dx, dw, db];
  },
};
