import type { InferenceSession } from 'onnxruntime-node';

import type { OrtProvider } from './ort-loader.js';

/**
 * Session options for one thread's training or inference:
 * - `threads` intra-op threads, one inter-op thread, sequential execution (a U-Net is a chain);
 * - thread spinning off: spinning workers burn the cores other jobs of a pool need, and under load a
 *   spinning ORT slowed down several-fold in the probe (session.intra_op.allow_spinning = '0');
 * - the CPU memory arena and memory patterns on: with the arena off, the filter-gradient
 *   convolutions' im2col buffers were reallocated every step, 8× slower in the probe;
 * - every graph optimisation (constant folding, Conv+ReLU fusion, NCHWc layout for constant weights).
 *
 * `frugal` (the micro-batch graphs of the frugal profile) turns memory patterns off: a pattern
 * preallocates one block for every planned tensor of a run, which at 256 px, micro-batch 2 held the
 * peak at 1.05 GB against 0.75 GB without it, at the same step time (the arena stays on: without it
 * steps were 1.4× slower).
 */
export function sessionOptions(provider: OrtProvider, threads: number, frugal = false): InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    enableMemPattern: !frugal,
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}
