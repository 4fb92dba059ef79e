// The U-Net's forward pass and losses as ops on a tape (NCHW), shared by the training graph (which
// differentiates it) and the inference graph (which does not).
import { BackendError } from '../backend-error.js';
import { dropoutSitesOf, LOSS_KINDS, type LossKind, recomputedLevels, type UNetSpec } from '../unet-spec.js';
import { cast, equal, transpose, where } from './onnx-ops.js';
import type { Dim, OnnxGraph, Value } from './onnx-graph.js';
import {
  addOp,
  checkpointOp,
  concatChannelsOp,
  conv2dOp,
  convTranspose2x2Op,
  crossEntropyLossOp,
  diceLossOp,
  dropoutOp,
  focalLossOp,
  maxPoolOp,
  reluOp,
  softmaxOp,
  type ConvGradientStrategy,
  FASTEST_CONV_GRADIENTS,
} from './ops/index.js';
import type { Tape } from './tape.js';

/** One layer's weights in the graph (ONNX layout). */
export interface LayerWeights {
  readonly kernel: Value;
  readonly bias: Value;
}

/** A place where dropout applies during training: its rate and the activation's NCHW shape. */
export interface DropoutSite {
  readonly rate: number;
  /** [batch, channels, height, width]. */
  readonly shape: readonly [number, number, number, number];
}

/** The dropout sites of a training step of `batch` images (backends/unet-spec.ts's, with their NCHW shapes). */
export function dropoutSites(spec: UNetSpec, batch: number): DropoutSite[] {
  return dropoutSitesOf(spec).map((site) => ({ rate: site.rate, shape: [batch, site.channels, site.side, site.side] }));
}

/** A dropout site's inputs of a training graph: its drop bits [N, H, W, C] uint8 (1 = dropped) and keep scale 1/(1 − rate) []. */
export interface DropoutFeed {
  readonly bits: Value;
  readonly keep: Value;
}

export interface UNetForwardOptions {
  /** One feed per dropout site during training (backends/unet-spec.ts's order), none at inference. */
  readonly dropout?: readonly DropoutFeed[];
  /** How convolutions are differentiated. @defaultValue FASTEST_CONV_GRADIENTS */
  readonly strategy?: ConvGradientStrategy;
  /**
   * Recompute the encoder levels' activations in the backward pass instead of keeping them
   * (ops/checkpoint.ts; the levels are backends/unet-spec.ts's recomputedLevels). @defaultValue false
   */
  readonly recompute?: boolean;
}

/**
 * Softmax probabilities [N, classes, H, W] of images [N, 3, H, W]: the study's U-Net (3×3 'same'
 * convolutions with ReLU, dropout between the two of each level, 2×2 max-pooling, 2×2/2 transposed
 * convolutions, skip concatenation [upsampled, skip], 1×1 output), as backends/tfjs/unet.ts runs it.
 */
export function unetForward(
  tape: Tape,
  spec: UNetSpec,
  images: Value,
  layers: readonly LayerWeights[],
  options: UNetForwardOptions = {},
): Value {
  const g = tape.graph;
  // Recomputing, dx waits for dW (conv2d.ts's 'filter-first'): the backward pass holds less at once.
  const strategy: ConvGradientStrategy = {
    ...(options.strategy ?? FASTEST_CONV_GRADIENTS),
    ...(options.recompute ? { order: 'filter-first' } : {}),
  };
  const feeds = options.dropout ?? [];
  const recomputed = new Set(options.recompute ? recomputedLevels(spec) : []);
  let next = 0;
  const layer = (): LayerWeights => layers[next++];
  // Masks of the sites outside recomputed segments are made once, up front; a recomputed segment makes its own.
  const masks = feeds.map((feed, site) =>
    site < spec.depth && recomputed.has(site) ? undefined : g.scope('dropout', () => dropoutMask(g, feed.bits, feed.keep)),
  );
  const skips: Value[] = [];
  let hidden = images;
  for (let level = 0; level < spec.depth; level++) {
    const [first, second] = [layer(), layer()];
    const feed = feeds[level];
    const mask = masks[level];
    if (recomputed.has(level)) {
      // The level's convolutions, dropout and pooling as one checkpointed segment: [skip, pooled] out.
      const inputs = [hidden, first.kernel, first.bias, second.kernel, second.bias, ...(feed ? [feed.bits, feed.keep] : [])];
      const [skip, pooled] = tape.apply(checkpointOp, inputs, {
        gated: inputs.map((_, i) => i === 0 || i === 5),
        build: (segment, [x, kernel1, bias1, kernel2, bias2, bits, keep]) => {
          const dropped = (value: Value): Value =>
            bits && keep ? segment.apply(dropoutOp, [value, dropoutMask(g, bits, keep)], undefined)[0] : value;
          const block = conv3x3(
            segment,
            conv3x3(segment, x, { kernel: kernel1, bias: bias1 }, strategy, dropped),
            { kernel: kernel2, bias: bias2 },
            strategy,
          );
          return [block, segment.apply(maxPoolOp, [block], undefined)[0]];
        },
      });
      skips.push(skip);
      hidden = pooled;
      continue;
    }
    const dropped = (value: Value): Value => (mask ? tape.apply(dropoutOp, [value, mask], undefined)[0] : value);
    hidden = conv3x3(tape, conv3x3(tape, hidden, first, strategy, dropped), second, strategy);
    if (level < spec.depth - 1) {
      skips.push(hidden);
      hidden = tape.apply(maxPoolOp, [hidden], undefined)[0];
    }
  }
  for (let level = spec.depth - 2; level >= 0; level--) {
    const { kernel, bias } = layer();
    const [upsampled] = tape.apply(convTranspose2x2Op, [hidden, kernel, bias], undefined);
    const [joined] = tape.apply(concatChannelsOp, [upsampled, skips[level]], undefined);
    const mask = masks[2 * spec.depth - 2 - level];
    const dropped = (value: Value): Value => (mask ? tape.apply(dropoutOp, [value, mask], undefined)[0] : value);
    hidden = conv3x3(tape, conv3x3(tape, joined, layer(), strategy, dropped), layer(), strategy);
  }
  const { kernel, bias } = layer();
  const [logits] = tape.apply(conv2dOp, [hidden, kernel, bias], { pad: 0, strategy });
  return tape.apply(softmaxOp, [logits], { axis: 1 })[0];
}

/** A 3×3 'same' convolution with ReLU, then `after` (the level's dropout, between its two convolutions). */
function conv3x3(
  tape: Tape,
  x: Value,
  { kernel, bias }: LayerWeights,
  strategy: ConvGradientStrategy,
  after: (value: Value) => Value = (value) => value,
): Value {
  const [linear] = tape.apply(conv2dOp, [x, kernel, bias], { pad: 1, strategy });
  return after(tape.apply(reluOp, [linear], undefined)[0]);
}

/** A dropout site's float mask [N, C, H, W] from its drop bits [N, H, W, C]: 0 where dropped, the keep scale elsewhere. */
export function dropoutMask(g: OnnxGraph, bits: Value, keep: Value): Value {
  return where(g, cast(g, transpose(g, bits, [0, 3, 1, 2]), 'bool'), g.constFloat(0), keep);
}

/** The training loss of a `LossKind` on NCHW probabilities and one-hot labels (as backends/tfjs/losses.ts defines them). */
export function unetLoss(tape: Tape, kind: LossKind, probabilities: Value, oneHot: Value): Value {
  const classAxis = 1;
  const classes = probabilities.shape[classAxis] as number;
  switch (kind) {
    case 'dice-focal': {
      const [dice] = tape.apply(diceLossOp, [probabilities, oneHot], {
        classWeights: new Array<number>(classes).fill(1 / classes),
        classAxis,
      });
      const [focal] = tape.apply(focalLossOp, [probabilities, oneHot], { classAxis });
      return tape.apply(addOp, [dice, focal], undefined)[0];
    }
    case 'dice':
      return tape.apply(diceLossOp, [probabilities, oneHot], { classWeights: null, classAxis })[0];
    case 'cross-entropy':
      return tape.apply(crossEntropyLossOp, [probabilities, oneHot], { classAxis })[0];
    default:
      throw new BackendError('ERR_BACKEND_INVALID_INPUT', `options.loss must be one of ${LOSS_KINDS.join(', ')} (got ${String(kind)})`);
  }
}

/** Images as the Batch holds them (NHWC) to the NCHW the convolutions take. */
export function imagesToNchw(g: OnnxGraph, images: Value): Value {
  return transpose(g, images, [0, 3, 1, 2]);
}

/** Class ids [N, H, W] (uint8) to one-hot float [N, classes, H, W]: Equal against [0 … classes−1] on axis 1. */
export function oneHot(g: OnnxGraph, labels: Value, classes: number): Value {
  const [n, h, w] = labels.shape as Dim[];
  const ids = cast(g, labels, 'int32');
  const [plane] = g.node('Unsqueeze', [ids, g.constInt64([1])], [{ type: 'int32', shape: [n, 1, h, w] }]);
  const classIds = g.constInt32(
    Array.from({ length: classes }, (_, c) => c),
    [1, classes, 1, 1],
  );
  return cast(g, equal(g, plane, classIds), 'float');
}
