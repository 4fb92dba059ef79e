// The U-Net's forward pass and losses as ops on a tape (NCHW), shared by the training graph (which
// differentiates it) and the inference graph (which does not).
import { BackendError } from '../backend-error.js';
import { dropoutSitesOf, LOSS_KINDS, type LossKind, type UNetSpec } from '../unet-spec.js';
import { cast, equal, transpose } from './onnx-ops.js';
import type { Dim, OnnxGraph, Value } from './onnx-graph.js';
import {
  addOp,
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

/**
 * Softmax probabilities [N, classes, H, W] of images [N, 3, H, W]: the study's U-Net (3×3 'same'
 * convolutions with ReLU, dropout between the two of each level, 2×2 max-pooling, 2×2/2 transposed
 * convolutions, skip concatenation [upsampled, skip], 1×1 output), as backends/tfjs/unet.ts runs it.
 * `masks` holds one mask per dropout site during training, none at inference.
 */
export function unetForward(
  tape: Tape,
  spec: UNetSpec,
  images: Value,
  layers: readonly LayerWeights[],
  masks: readonly Value[] = [],
  strategy: ConvGradientStrategy = FASTEST_CONV_GRADIENTS,
): Value {
  let next = 0;
  const layer = (): LayerWeights => layers[next++];
  let site = 0;
  const dropout = (x: Value): Value => (masks.length > 0 ? tape.apply(dropoutOp, [x, masks[site++]], undefined)[0] : x);
  const conv3x3 = (x: Value): Value => {
    const { kernel, bias } = layer();
    const [linear] = tape.apply(conv2dOp, [x, kernel, bias], { pad: 1, strategy });
    return tape.apply(reluOp, [linear], undefined)[0];
  };
  const skips: Value[] = [];
  let hidden = images;
  for (let level = 0; level < spec.depth; level++) {
    hidden = conv3x3(dropout(conv3x3(hidden)));
    if (level < spec.depth - 1) {
      skips.push(hidden);
      hidden = tape.apply(maxPoolOp, [hidden], undefined)[0];
    }
  }
  for (let level = spec.depth - 2; level >= 0; level--) {
    const { kernel, bias } = layer();
    const [upsampled] = tape.apply(convTranspose2x2Op, [hidden, kernel, bias], undefined);
    const [joined] = tape.apply(concatChannelsOp, [upsampled, skips[level]], undefined);
    hidden = conv3x3(dropout(conv3x3(joined)));
  }
  const { kernel, bias } = layer();
  const [logits] = tape.apply(conv2dOp, [hidden, kernel, bias], { pad: 0, strategy });
  return tape.apply(softmaxOp, [logits], { axis: 1 })[0];
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
