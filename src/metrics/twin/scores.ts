/** TypeScript twin of the confusion-matrix scores (native/kernels.cc, scoreConfusion, pixelAccuracy). */
import type { ConfusionScores } from '../types.js';
import { rangeError, readClasses, readFloat64Array, requireCounts } from './validate.js';

// Sums run in the same order as in C++, so the doubles are bit-identical.
function accuracyOf(matrix: Float64Array, offset: number, classes: number): number {
  let trace = 0;
  let total = 0;
  for (let cell = 0; cell < classes * classes; cell++) total += matrix[offset + cell];
  for (let c = 0; c < classes; c++) trace += matrix[offset + c * classes + c];
  return trace / total;
}

/** Precision, recall, F1 and IoU per class, mean IoU and pixel accuracy of one C×C matrix. */
export function scoreConfusion(confusion: Float64Array, classes: number): ConfusionScores {
  const matrix = readFloat64Array(confusion, 'confusion');
  const count = readClasses(classes);
  if (matrix.length !== count * count) {
    throw rangeError('confusion', `confusion has ${matrix.length} elements; classes*classes = ${count * count}`);
  }
  requireCounts(matrix, 'confusion');
  const precision = new Float64Array(count);
  const recall = new Float64Array(count);
  const f1 = new Float64Array(count);
  const iou = new Float64Array(count);
  let iouSum = 0;
  let iouCount = 0;
  for (let c = 0; c < count; c++) {
    const truePositives = matrix[c * count + c];
    let predicted = 0;
    let actual = 0;
    for (let k = 0; k < count; k++) {
      predicted += matrix[k * count + c];
      actual += matrix[c * count + k];
    }
    precision[c] = truePositives / predicted;
    recall[c] = truePositives / actual;
    f1[c] = (2 * truePositives) / (predicted + actual);
    iou[c] = truePositives / (predicted + actual - truePositives);
    if (!Number.isNaN(iou[c])) {
      iouSum += iou[c];
      iouCount++;
    }
  }
  const meanIou = iouCount === 0 ? Number.NaN : iouSum / iouCount;
  return { precision, recall, f1, iou, meanIou, pixelAccuracy: accuracyOf(matrix, 0, count) };
}

/** Pixel accuracy of each image from its C×C matrix (N×C×C input). */
export function pixelAccuracyPerImage(confusionPerImage: Float64Array, classes: number): Float64Array {
  const matrices = readFloat64Array(confusionPerImage, 'confusionPerImage');
  const count = readClasses(classes);
  const cells = count * count;
  if (matrices.length % cells !== 0) {
    throw rangeError(
      'confusionPerImage',
      `confusionPerImage has ${matrices.length} elements, not a multiple of classes*classes = ${cells}`,
    );
  }
  requireCounts(matrices, 'confusionPerImage');
  const accuracy = new Float64Array(matrices.length / cells);
  for (let image = 0; image < accuracy.length; image++) accuracy[image] = accuracyOf(matrices, image * cells, count);
  return accuracy;
}
