// The losses against values computed by hand from segmentation_models' and Keras's formulas.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import * as tf from '../../backends/tfjs/tfjs-core.js';
// Registers tfjs's 'cpu' backend (the reference the tests compare against).
import '@tensorflow/tfjs-backend-cpu';

import { createBackend } from '../../backends/index.js';
import { categoricalFocalLoss, crossEntropyLoss, diceLoss, segmentationLoss } from '../../backends/tfjs/losses.js';

const SMOOTH = 1e-5;
const EPS = 1e-7;

// One image of 1×2 pixels, two classes: pixel 0 is class 0 predicted 0.8, pixel 1 is class 1 predicted 0.6.
const gtValues = [1, 0, 0, 1];
const prValues = [0.8, 0.2, 0.4, 0.6];

// By hand: class 0: tp = 0.8, fp = (0.8 + 0.4) − 0.8 = 0.4, fn = 1 − 0.8 = 0.2; class 1: tp = 0.6, fp = 0.2, fn = 0.4.
const score0 = (2 * 0.8 + SMOOTH) / (2 * 0.8 + 0.2 + 0.4 + SMOOTH); // ≈ 1.6 / 2.2
const score1 = (2 * 0.6 + SMOOTH) / (2 * 0.6 + 0.4 + 0.2 + SMOOTH); // ≈ 1.2 / 1.8
// Focal: mean over the 4 elements of −gt·0.25·(1 − p)²·log p; only the two true-class elements count.
const focal = (-0.25 * 0.2 ** 2 * Math.log(0.8) - 0.25 * 0.4 ** 2 * Math.log(0.6)) / 4;

async function value(
  make: (gt: tf.Tensor, pr: tf.Tensor) => tf.Scalar,
  gt = gtValues,
  pr = prValues,
  shape = [1, 1, 2, 2],
): Promise<number> {
  const gtTensor = tf.tensor(gt, shape);
  const prTensor = tf.tensor(pr, shape);
  const before = tf.memory().numTensors;
  const loss = make(gtTensor, prTensor);
  const [result] = await loss.data();
  loss.dispose();
  assert.equal(tf.memory().numTensors, before, 'the loss leaves no tensor behind');
  tf.dispose([gtTensor, prTensor]);
  return result;
}

describe('losses', () => {
  before(async () => {
    await createBackend('cpu').init();
    await tf.setBackend('cpu');
  });

  it('unweighted dice: 1 − mean(score)', async () => {
    assert.ok(Math.abs((await value((g, p) => diceLoss(g, p))) - (1 - (score0 + score1) / 2)) < 1e-6);
  });

  it('weighted dice: the weights multiply before the mean (segmentation_models)', async () => {
    const weighted = await value((g, p) => diceLoss(g, p, [0.5, 0.5]));
    assert.ok(Math.abs(weighted - (1 - (0.5 * score0 + 0.5 * score1) / 2)) < 1e-6);
    const skewed = await value((g, p) => diceLoss(g, p, [1, 0]));
    assert.ok(Math.abs(skewed - (1 - score0 / 2)) < 1e-6);
  });

  it('dice sums over the whole batch, not per image', async () => {
    // Two images of one pixel each: the counts pool across images.
    const pooled = await value((g, p) => diceLoss(g, p), [1, 0, 0, 1], [0.8, 0.2, 0.4, 0.6], [2, 1, 1, 2]);
    assert.ok(Math.abs(pooled - (1 - (score0 + score1) / 2)) < 1e-6);
  });

  it('categorical focal loss (α = 0.25, γ = 2), mean over every element', async () => {
    assert.ok(Math.abs((await value((g, p) => categoricalFocalLoss(g, p))) - focal) < 1e-7);
  });

  it('focal loss clips probabilities to [ε, 1 − ε]', async () => {
    const clipped = await value((g, p) => categoricalFocalLoss(g, p), [1, 0], [0, 1], [1, 1, 1, 2]);
    assert.ok(Math.abs(clipped - (-0.25 * (1 - EPS) ** 2 * Math.log(EPS)) / 2) < 1e-5);
    assert.ok(Number.isFinite(clipped));
  });

  it("'dice-focal' = dice with class weights 1/C + 1 × focal", async () => {
    const expected = 1 - (score0 + score1) / 2 / 2 + focal;
    assert.ok(Math.abs((await value((g, p) => segmentationLoss('dice-focal', g, p))) - expected) < 1e-6);
  });

  it("'dice-focal' with the study's 6 classes never drops below 1 − 1/6 (perfect prediction)", async () => {
    const gt = [0, 1, 2, 3, 4, 5].flatMap((c) => [0, 1, 2, 3, 4, 5].map((k) => (k === c ? 1 : 0)));
    const loss = await value((g, p) => segmentationLoss('dice-focal', g, p), gt, gt, [1, 2, 3, 6]);
    assert.ok(Math.abs(loss - (1 - 1 / 6)) < 1e-5, `got ${loss}`);
  });

  it("'dice' and 'cross-entropy'", async () => {
    assert.ok(Math.abs((await value((g, p) => segmentationLoss('dice', g, p))) - (1 - (score0 + score1) / 2)) < 1e-6);
    const crossEntropy = -(Math.log(0.8) + Math.log(0.6)) / 2;
    assert.ok(Math.abs((await value((g, p) => crossEntropyLoss(g, p))) - crossEntropy) < 1e-6);
    assert.ok(Math.abs((await value((g, p) => segmentationLoss('cross-entropy', g, p))) - crossEntropy) < 1e-6);
  });
});
