import * as tf from './tfjs-core.js';

import { recomputedLevels } from '../unet-spec.js';
import type { SiteDropout, UNet } from './unet.js';

/**
 * The gradients of `loss(net's probabilities)` with respect to every variable, the encoder's
 * activations recomputed rather than kept (activation checkpointing of backends/unet-spec.ts's
 * recomputedLevels, as torch.utils.checkpoint_sequential does it), in three stages of tf.grads:
 *
 * 1. the encoder levels' forward pass with no tape: each level's input (the checkpoint), its output
 *    (the skip) and its pooled output kept, everything inside a level released at once;
 * 2. the bottleneck, decoder and loss on a tape, differentiated with respect to their variables, the
 *    skips and the last pooled output; the skips are then released;
 * 3. deepest level first, each level's forward pass again from its input, differentiated against the
 *    gradients of its skip and its pooled output (one tf.grads of both, concatenated, with their
 *    gradients as dy), giving its variables' gradients and the gradient of its input for the level above.
 *
 * tf.customGrad cannot do this: its gradient function would have to run tf.grads inside the outer
 * backward pass, which tfjs-core's engine does not support (the inner call ends the outer tape). The
 * gradients equal variableGrads' over the whole net: the same kernels on the same values (dropout
 * masks replayed by `dropout`, which must give a site the same mask at every call), and each sum of
 * two gradients (a skip's, from the decoder and from pooling) is one addition either way.
 *
 * Returns each variable's gradient by name, as tf.variableGrads does, in the net's variable order
 * (tfjs's Adam keeps its moments by the position of a name among the keys, not by the name); the
 * caller owns them.
 */
export function recomputedGradients(
  net: UNet,
  images: tf.Tensor4D,
  dropout: SiteDropout,
  loss: (probabilities: tf.Tensor4D) => tf.Scalar,
): Record<string, tf.Tensor> {
  const levels = recomputedLevels(net.spec);
  const grads: Record<string, tf.Tensor> = {};
  // Stage 1: checkpoints and skips; nothing else of the encoder survives its level.
  const inputs: tf.Tensor4D[] = [images];
  const skips: tf.Tensor4D[] = [];
  for (const level of levels) {
    const { skip, pooled } = tf.tidy(() => {
      const output = net.encoderLevel(level, inputs[level], dropout);
      return { skip: output, pooled: tf.maxPool(output, 2, 2, 'valid') as tf.Tensor4D };
    });
    skips.push(skip);
    inputs.push(pooled);
  }
  // Stage 2: the rest of the net on a tape.
  const rest = net.layers.slice(2 * levels.length).flatMap((layer) => [layer.kernel, layer.bias]);
  const pooled = inputs[levels.length];
  if (levels.length === 0) return tf.variableGrads(() => loss(net.decode(pooled, [], dropout)), rest).grads;
  const restGradients = tf.grads((...args: tf.Tensor[]) =>
    loss(net.decode(args[0] as tf.Tensor4D, args.slice(1, 1 + skips.length) as tf.Tensor4D[], dropout)),
  )([pooled, ...skips, ...rest]);
  rest.forEach((variable, i) => {
    grads[variable.name] = restGradients[1 + skips.length + i];
  });
  tf.dispose([...skips, pooled]);
  // Stage 3: each level recomputed from its input, deepest first.
  let pooledGradient = restGradients[0] as tf.Tensor4D;
  const skipGradients = restGradients.slice(1, 1 + skips.length) as tf.Tensor4D[];
  for (const level of [...levels].reverse()) {
    const [first, second] = [net.layers[2 * level], net.layers[2 * level + 1]];
    const variables = [first.kernel, first.bias, second.kernel, second.bias];
    const input = inputs[level];
    // The first level's input is the images: no gradient wanted there.
    const withInput = level > 0;
    const levelGradients = tf.tidy(() => {
      const dy = tf.concat([tf.reshape(skipGradients[level], [-1]), tf.reshape(pooledGradient, [-1])]);
      return tf.grads((...args: tf.Tensor[]) => {
        const output = net.encoderLevel(level, (withInput ? args[0] : input) as tf.Tensor4D, dropout);
        return tf.concat([tf.reshape(output, [-1]), tf.reshape(tf.maxPool(output, 2, 2, 'valid'), [-1])]);
      })(withInput ? [input, ...variables] : variables, dy);
    });
    tf.dispose([skipGradients[level], pooledGradient]);
    if (withInput) input.dispose();
    const own = withInput ? levelGradients.slice(1) : levelGradients;
    variables.forEach((variable, i) => {
      grads[variable.name] = own[i];
    });
    pooledGradient = (withInput ? levelGradients[0] : undefined) as tf.Tensor4D;
  }
  return Object.fromEntries(net.variables.map((variable) => [variable.name, grads[variable.name]]));
}
