import * as tf from '../tfjs-core.js';

/** Attributes tfjs hands to a `Conv2DBackpropFilter` kernel. */
export interface Conv2DBackpropFilterAttributes {
  readonly strides: [number, number] | number;
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  readonly filterShape: [number, number, number, number];
}

/**
 * The geometry of a filter gradient dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − top, ow·sw + kw − left, ci] ·
 * dy[n, oh, ow, co] (x outside the image reads as 0), from the same `computeConv2DInfo` the forward
 * convolution used, so that 'same', 'valid', explicit padding and rounding modes agree with it.
 */
export function filterGradientGeometry(xShape: readonly number[], attributes: Conv2DBackpropFilterAttributes): tf.backend_util.Conv2DInfo {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attributes.dataFormat);
  if (dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter: only NHWC is supported (got ${attributes.dataFormat})`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    attributes.filterShape,
    attributes.strides,
    1,
    attributes.pad,
    attributes.dimRoundingMode,
    false,
    dataFormat,
  );
}
