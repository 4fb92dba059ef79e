/** TypeScript twin of the confusion-matrix kernels (native/jobs.cc, ConfusionJob). */
import type { ConfusionMatrices, PixelShape } from '../types.js';
import { labelError, nanError, readFloat32Array, readPixelShape, readUint8Array, requireLength } from './validate.js';

function matrices(shape: PixelShape): ConfusionMatrices {
  const cells = shape.classes * shape.classes;
  return { perImage: new Float64Array(shape.images * cells), total: new Float64Array(cells) };
}

function addTotals(result: ConfusionMatrices, images: number, cells: number): void {
  for (let image = 0; image < images; image++) {
    for (let cell = 0; cell < cells; cell++) result.total[cell] += result.perImage[image * cells + cell];
  }
}

/** Confusion matrices (row = true class) per image and in total, from true and predicted labels. */
export function confusionMatrix(
  trueLabels: Uint8Array,
  predictedLabels: Uint8Array,
  shape: PixelShape,
  afterArgumentChecks?: () => void,
): ConfusionMatrices {
  const truth = readUint8Array(trueLabels, 'trueLabels');
  const predicted = readUint8Array(predictedLabels, 'predictedLabels');
  const checked = readPixelShape(shape);
  const pixels = checked.height * checked.width;
  requireLength('trueLabels', truth.length, checked.images * pixels, 'images*height*width');
  requireLength('predictedLabels', predicted.length, checked.images * pixels, 'images*height*width');
  afterArgumentChecks?.();
  const { images, classes } = checked;
  const cells = classes * classes;
  const result = matrices(checked);
  for (let i = 0; i < images * pixels; i++) {
    const t = truth[i];
    if (t >= classes) throw labelError('trueLabels', i, t, classes);
    const p = predicted[i];
    if (p >= classes) throw labelError('predictedLabels', i, p, classes);
    result.perImage[Math.floor(i / pixels) * cells + t * classes + p]++;
  }
  addTotals(result, images, cells);
  return result;
}

/** Confusion matrices from true labels and per-pixel class probabilities (argmax, first maximum wins). */
export function confusionMatrixFromProbabilities(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
  afterArgumentChecks?: () => void,
): ConfusionMatrices {
  const truth = readUint8Array(trueLabels, 'trueLabels');
  const scores = readFloat32Array(probabilities, 'probabilities');
  const checked = readPixelShape(shape);
  const pixels = checked.height * checked.width;
  requireLength('trueLabels', truth.length, checked.images * pixels, 'images*height*width');
  requireLength('probabilities', scores.length, checked.images * pixels * checked.classes, 'images*height*width*classes');
  afterArgumentChecks?.();
  const { images, classes } = checked;
  const cells = classes * classes;
  const result = matrices(checked);
  for (let i = 0; i < images * pixels; i++) {
    const t = truth[i];
    if (t >= classes) throw labelError('trueLabels', i, t, classes);
    const base = i * classes;
    let best = scores[base];
    let predicted = 0;
    if (Number.isNaN(best)) throw nanError('probabilities', base);
    for (let c = 1; c < classes; c++) {
      const score = scores[base + c];
      if (Number.isNaN(score)) throw nanError('probabilities', base + c);
      if (score > best) {
        best = score;
        predicted = c;
      }
    }
    result.perImage[Math.floor(i / pixels) * cells + t * classes + predicted]++;
  }
  addTotals(result, images, cells);
  return result;
}
