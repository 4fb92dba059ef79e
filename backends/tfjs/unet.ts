import * as tf from './tfjs-core.js';

import { DropoutMasks } from '../dropout-masks.js';
import { initialUNet } from '../unet-init.js';
import { BLOCK_DROPOUT, BOTTLENECK_DROPOUT, type UNetLayerKind, type UNetSpec } from '../unet-spec.js';

// The spec's helpers moved to backends/unet-spec.ts (every backend shares them); re-exported here.
export { BLOCK_DROPOUT, BOTTLENECK_DROPOUT, forwardFlopsPerImage, levelFilters, validateSpec } from '../unet-spec.js';

/** One layer's weights. `kind` says how `forward` uses them. */
export interface UNetLayer {
  readonly name: string;
  readonly kind: UNetLayerKind;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** Site `site`'s dropout mask (0 or the keep scale, NHWC) for an activation of `size` elements. */
export type DropoutSource = (site: number, size: number) => Float32Array;

/** Dropout applied at a site: `input` with site `site`'s mask at `rate`, or `input` itself when off. */
export type SiteDropout = (input: tf.Tensor4D, site: number, rate: number) => tf.Tensor4D;

let modelCounter = 0;

/**
 * The study's U-Net as tfjs variables and an eager forward function (no tf.layers: its Dropout with a
 * seed draws the same mask at every step, and its graph adds bookkeeping the trainer does not need).
 * Initial weights and dropout masks come from backends/unet-init.ts and backends/dropout-masks.ts,
 * which every backend shares (the Keras model's initialisation; the same seed, the same weights).
 */
export class UNet {
  readonly layers: UNetLayer[] = [];
  private readonly dropoutMasks: DropoutMasks;

  constructor(
    readonly spec: UNetSpec,
    seed: number,
  ) {
    const initial = initialUNet(spec, seed);
    this.dropoutMasks = new DropoutMasks(initial.dropoutSeed);
    const prefix = `bandster_unet_${++modelCounter}`;
    for (const layer of initial.layers) {
      const kernel = tf.tidy(() => tf.variable(tf.tensor(layer.kernel, [...layer.kernelShape]), true, `${prefix}/${layer.name}/kernel`));
      const bias = tf.tidy(() => tf.variable(tf.tensor(layer.bias, [layer.biasSize]), true, `${prefix}/${layer.name}/bias`));
      this.layers.push({ name: layer.name, kind: layer.kind, kernel, bias });
    }
  }

  /** Every trainable variable, in a fixed order (the checkpoint and Adam's slots follow it). */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((layer) => [layer.kernel, layer.bias]);
  }

  /** Number of weights (Keras's "Total params"). */
  get parameterCount(): number {
    return this.variables.reduce((sum, variable) => sum + variable.size, 0);
  }

  /**
   * Softmax probabilities N×H×W×classes. With `training`, dropout is on (fresh masks each call); a
   * {@link DropoutSource} supplies each site's mask instead (the frugal profile replays a whole
   * batch's masks slice by slice).
   */
  forward(images: tf.Tensor4D, training: boolean | DropoutSource): tf.Tensor4D {
    const dropout = this.dropoutOf(training);
    const skips: tf.Tensor4D[] = [];
    let hidden = images;
    for (let level = 0; level < this.spec.depth - 1; level++) {
      hidden = this.encoderLevel(level, hidden, dropout);
      skips.push(hidden);
      hidden = tf.maxPool(hidden, 2, 2, 'valid');
    }
    return this.decode(hidden, skips, dropout);
  }

  /**
   * Encoder level `level` (below the bottleneck, or the bottleneck itself): its two 3×3 convolutions
   * with the level's dropout (site `level`) between them; the level's output before pooling.
   */
  encoderLevel(level: number, input: tf.Tensor4D, dropout: SiteDropout): tf.Tensor4D {
    const rate = (level === this.spec.depth - 1 ? BOTTLENECK_DROPOUT : BLOCK_DROPOUT) * this.spec.dropoutScale;
    const first = this.conv3x3(this.layers[2 * level], input);
    return this.conv3x3(this.layers[2 * level + 1], dropout(first, level, rate));
  }

  /** The bottleneck, the decoder and the output from the last encoder level's pooled output and the skips: probabilities. */
  decode(pooled: tf.Tensor4D, skips: readonly tf.Tensor4D[], dropout: SiteDropout): tf.Tensor4D {
    const depth = this.spec.depth;
    let hidden = this.encoderLevel(depth - 1, pooled, dropout);
    let index = 2 * depth;
    let site = depth;
    for (let level = depth - 2; level >= 0; level--) {
      const { kernel, bias } = this.layers[index++];
      const [batch, height, width] = hidden.shape;
      const filters = kernel.shape[2] as number;
      const upsampled = tf.add(
        tf.conv2dTranspose(hidden, kernel as tf.Tensor4D, [batch, height * 2, width * 2, filters], 2, 'same'),
        bias,
      ) as tf.Tensor4D;
      hidden = tf.concat([upsampled, skips[level]], 3); // Keras: concatenate([u, c])
      hidden = this.conv3x3(this.layers[index++], hidden);
      hidden = dropout(hidden, site++, BLOCK_DROPOUT * this.spec.dropoutScale);
      hidden = this.conv3x3(this.layers[index++], hidden);
    }
    const { kernel, bias } = this.layers[index];
    const logits = tf.fused.conv2d({ x: hidden, filter: kernel as tf.Tensor4D, strides: 1, pad: 'valid', bias });
    return tf.softmax(logits) as tf.Tensor4D;
  }

  /** Dropout at each site as `training` says: off, fresh masks in site order, or a source's masks. */
  dropoutOf(training: boolean | DropoutSource): SiteDropout {
    return (input, site, rate) => {
      if (training === false || rate <= 0) return input;
      const mask = training === true ? this.dropoutMasks.nhwc(input.size, rate) : training(site, input.size);
      return tf.mul(input, tf.tensor(mask, input.shape)) as tf.Tensor4D;
    };
  }

  private conv3x3({ kernel, bias }: UNetLayer, input: tf.Tensor4D): tf.Tensor4D {
    return tf.fused.conv2d({ x: input, filter: kernel as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' });
  }

  /** The model's dropout generator (Keras's inverted dropout, masks drawn in JS from the model's seed). */
  get masks(): DropoutMasks {
    return this.dropoutMasks;
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}
