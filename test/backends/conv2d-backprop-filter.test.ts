// Parity of bandster's Conv2DBackpropFilter kernels (cpu, wasm) with a naive reference written here,
// and with tfjs's stock cpu kernel, over strides 1 and 2, 'same' and 'valid' padding, batch and
// channels > 1, odd sizes; and no tensor leak.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import * as tf from '../../backends/tfjs/tfjs-core.js';
// Registers tfjs's 'cpu' backend (the reference the tests compare against).
import '@tensorflow/tfjs-backend-cpu';

import { createBackend } from '../../backends/index.js';
import { cpuKernels } from '../../backends/tfjs/kernels/cpu/register-all.js';
import { assertClose, convGeometry, describeCase, seededValues, type ConvCase } from './conv-cases.js';

const CASES: ConvCase[] = [
  { batch: 1, height: 5, width: 5, inChannels: 1, outChannels: 1, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, height: 7, width: 6, inChannels: 3, outChannels: 4, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, height: 7, width: 6, inChannels: 3, outChannels: 4, kernel: 3, stride: 2, pad: 'same' },
  { batch: 3, height: 8, width: 8, inChannels: 2, outChannels: 5, kernel: 3, stride: 1, pad: 'valid' },
  { batch: 2, height: 9, width: 7, inChannels: 4, outChannels: 3, kernel: 3, stride: 2, pad: 'valid' },
  { batch: 2, height: 8, width: 8, inChannels: 6, outChannels: 3, kernel: 2, stride: 2, pad: 'same' }, // the U-Net's transposed conv
  { batch: 2, height: 6, width: 6, inChannels: 5, outChannels: 6, kernel: 1, stride: 1, pad: 'valid' }, // its 1×1 output
  { batch: 2, height: 16, width: 16, inChannels: 8, outChannels: 16, kernel: 3, stride: 1, pad: 'same' },
];

/** dW[kh, kw, ci, co] = Σ x[n, oh·s + kh − top, ow·s + kw − left, ci] · dy[n, oh, ow, co], with TensorFlow's padding rule. */
function reference(c: ConvCase, x: Float32Array, dy: Float32Array): Float64Array {
  const { outHeight, outWidth, top, left } = convGeometry(c);
  const gradient = new Float64Array(c.kernel * c.kernel * c.inChannels * c.outChannels);
  for (let kh = 0; kh < c.kernel; kh++)
    for (let kw = 0; kw < c.kernel; kw++)
      for (let ci = 0; ci < c.inChannels; ci++)
        for (let co = 0; co < c.outChannels; co++) {
          let sum = 0;
          for (let n = 0; n < c.batch; n++)
            for (let oh = 0; oh < outHeight; oh++)
              for (let ow = 0; ow < outWidth; ow++) {
                const ih = oh * c.stride + kh - top;
                const iw = ow * c.stride + kw - left;
                if (ih < 0 || ih >= c.height || iw < 0 || iw >= c.width) continue;
                sum +=
                  x[((n * c.height + ih) * c.width + iw) * c.inChannels + ci] *
                  dy[((n * outHeight + oh) * outWidth + ow) * c.outChannels + co];
              }
          gradient[((kh * c.kernel + kw) * c.inChannels + ci) * c.outChannels + co] = sum;
        }
  return gradient;
}

/** Runs the registered kernel through tfjs's engine, as the gradient of conv2d does. */
async function kernelGradient(c: ConvCase, x: Float32Array, dy: Float32Array, outHeight: number, outWidth: number): Promise<Float32Array> {
  const xTensor = tf.tensor4d(x, [c.batch, c.height, c.width, c.inChannels]);
  const dyTensor = tf.tensor4d(dy, [c.batch, outHeight, outWidth, c.outChannels]);
  const before = tf.memory().numTensors;
  const gradient = tf.engine().runKernel('Conv2DBackpropFilter', { x: xTensor, dy: dyTensor }, {
    strides: [c.stride, c.stride],
    pad: c.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
    filterShape: [c.kernel, c.kernel, c.inChannels, c.outChannels],
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  assert.deepEqual(gradient.shape, [c.kernel, c.kernel, c.inChannels, c.outChannels]);
  const result = (await gradient.data()) as Float32Array;
  gradient.dispose();
  assert.equal(tf.memory().numTensors, before, 'the kernel leaves exactly one tensor, its output');
  tf.dispose([xTensor, dyTensor]);
  return result;
}

for (const backendName of ['cpu', 'wasm'] as const) {
  describe(`Conv2DBackpropFilter on ${backendName}`, () => {
    before(async () => {
      await createBackend(backendName).init();
      await tf.setBackend(backendName);
    });

    for (const c of CASES) {
      it(`matches the reference: ${describeCase(c)}`, async () => {
        await tf.setBackend(backendName);
        const x = seededValues(c.batch * c.height * c.width * c.inChannels, 7 + c.height);
        const { outHeight, outWidth } = convGeometry(c);
        const dy = seededValues(c.batch * outHeight * outWidth * c.outChannels, 11 + c.width);
        const expected = reference(c, x, dy);
        assertClose(await kernelGradient(c, x, dy, outHeight, outWidth), expected, `${backendName} ${describeCase(c)}`);
      });
    }

    it("is what conv2d's gradient uses (tf.grad through a strided conv)", async () => {
      await tf.setBackend(backendName);
      const c = CASES[2];
      const x = tf.tensor4d(seededValues(c.batch * c.height * c.width * c.inChannels, 3), [c.batch, c.height, c.width, c.inChannels]);
      const filter = tf.tensor4d(seededValues(9 * c.inChannels * c.outChannels, 5), [3, 3, c.inChannels, c.outChannels]);
      const before = tf.memory().numTensors;
      const gradient = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, c.stride, c.pad)))(filter);
      const { outHeight, outWidth } = convGeometry(c);
      const expected = reference(
        c,
        (await x.data()) as Float32Array,
        new Float32Array(c.batch * outHeight * outWidth * c.outChannels).fill(1),
      );
      assertClose((await gradient.data()) as Float32Array, expected, 'tf.grad');
      gradient.dispose();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, filter]);
    });
  });
}

describe('the stock cpu kernel agrees (the reference is right)', () => {
  it('on every case', async () => {
    await createBackend('cpu').init();
    await tf.setBackend('cpu');
    cpuKernels.restoreStock();
    try {
      for (const c of CASES) {
        const x = seededValues(c.batch * c.height * c.width * c.inChannels, 7 + c.height);
        const { outHeight, outWidth } = convGeometry(c);
        const dy = seededValues(c.batch * outHeight * outWidth * c.outChannels, 11 + c.width);
        assertClose(await kernelGradient(c, x, dy, outHeight, outWidth), reference(c, x, dy), `stock ${describeCase(c)}`);
      }
    } finally {
      cpuKernels.register();
    }
    assert.ok(cpuKernels.active);
  });
});
