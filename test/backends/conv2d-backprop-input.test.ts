// Parity of bandster's wasm Conv2DBackpropInput (stride 1 as a flipped convolution, 2×2 stride 2 as a
// matmul, anything else through the stock kernel) with a naive reference written here; no leak.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import * as tf from '../../backends/tfjs/tfjs-core.js';

import { createBackend } from '../../backends/index.js';
import { wasmKernels } from '../../backends/tfjs/kernels/wasm/register-all.js';
import { assertClose, convGeometry, describeCase, seededValues, type ConvCase } from './conv-cases.js';

const CASES: ConvCase[] = [
  { batch: 1, height: 5, width: 5, inChannels: 1, outChannels: 1, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, height: 7, width: 6, inChannels: 3, outChannels: 4, kernel: 3, stride: 1, pad: 'same' },
  { batch: 3, height: 8, width: 7, inChannels: 2, outChannels: 5, kernel: 3, stride: 1, pad: 'valid' },
  { batch: 2, height: 8, width: 8, inChannels: 6, outChannels: 3, kernel: 2, stride: 2, pad: 'same' }, // transposed conv: the matmul path
  { batch: 2, height: 8, width: 6, inChannels: 4, outChannels: 5, kernel: 2, stride: 2, pad: 'valid' },
  { batch: 2, height: 7, width: 6, inChannels: 3, outChannels: 4, kernel: 3, stride: 2, pad: 'same' }, // stock fallback
  { batch: 2, height: 9, width: 7, inChannels: 4, outChannels: 3, kernel: 2, stride: 2, pad: 'valid' }, // odd: stock fallback
  { batch: 2, height: 6, width: 6, inChannels: 5, outChannels: 6, kernel: 1, stride: 1, pad: 'valid' },
];

/** dx[n, ih, iw, ci] = Σ over (oh, ow, kh, kw) with ih = oh·s + kh − top, iw = ow·s + kw − left of dy[n, oh, ow, co] · W[kh, kw, ci, co]. */
function reference(c: ConvCase, dy: Float32Array, filter: Float32Array): Float64Array {
  const { outHeight, outWidth, top, left } = convGeometry(c);
  const dx = new Float64Array(c.batch * c.height * c.width * c.inChannels);
  for (let n = 0; n < c.batch; n++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let ow = 0; ow < outWidth; ow++)
        for (let kh = 0; kh < c.kernel; kh++)
          for (let kw = 0; kw < c.kernel; kw++) {
            const ih = oh * c.stride + kh - top;
            const iw = ow * c.stride + kw - left;
            if (ih < 0 || ih >= c.height || iw < 0 || iw >= c.width) continue;
            for (let ci = 0; ci < c.inChannels; ci++)
              for (let co = 0; co < c.outChannels; co++) {
                dx[((n * c.height + ih) * c.width + iw) * c.inChannels + ci] +=
                  dy[((n * outHeight + oh) * outWidth + ow) * c.outChannels + co] *
                  filter[((kh * c.kernel + kw) * c.inChannels + ci) * c.outChannels + co];
              }
          }
  return dx;
}

describe('Conv2DBackpropInput on wasm', () => {
  before(async () => {
    await createBackend('wasm').init();
    assert.ok(wasmKernels.active);
  });

  for (const c of CASES) {
    it(`matches the reference: ${describeCase(c)}`, async () => {
      const { outHeight, outWidth } = convGeometry(c);
      const dyValues = seededValues(c.batch * outHeight * outWidth * c.outChannels, 3 + c.height);
      const filterValues = seededValues(c.kernel * c.kernel * c.inChannels * c.outChannels, 5 + c.width);
      const dy = tf.tensor4d(dyValues, [c.batch, outHeight, outWidth, c.outChannels]);
      const filter = tf.tensor4d(filterValues, [c.kernel, c.kernel, c.inChannels, c.outChannels]);
      const before = tf.memory().numTensors;
      const dx = tf.conv2dTranspose(dy, filter, [c.batch, c.height, c.width, c.inChannels], c.stride, c.pad);
      assert.deepEqual(dx.shape, [c.batch, c.height, c.width, c.inChannels]);
      const actual = (await dx.data()) as Float32Array;
      dx.dispose();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([dy, filter]);
      assertClose(actual, reference(c, dyValues, filterValues), describeCase(c));
    });
  }
});
