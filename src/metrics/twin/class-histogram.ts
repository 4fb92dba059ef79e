/** TypeScript twin of the class-histogram and hardness kernels (native/jobs.cc, ClassHistogramJob). */
import type { ClassHistogram, PixelShape } from '../types.js';
import { labelError, readPixelShape, readUint8Array, requireLength } from './validate.js';

function countClasses(
  labelsArg: unknown,
  shapeArg: unknown,
  afterArgumentChecks?: () => void,
): { counts: ClassHistogram; shape: PixelShape } {
  const labels = readUint8Array(labelsArg, 'labels');
  const shape = readPixelShape(shapeArg);
  const pixels = shape.height * shape.width;
  requireLength('labels', labels.length, shape.images * pixels, 'images*height*width');
  afterArgumentChecks?.();
  const { images, classes } = shape;
  const perImage = new Float64Array(images * classes);
  const total = new Float64Array(classes);
  for (let image = 0; image < images; image++) {
    for (let i = image * pixels; i < (image + 1) * pixels; i++) {
      const label = labels[i];
      if (label >= classes) throw labelError('labels', i, label, classes);
      perImage[image * classes + label]++;
    }
    for (let c = 0; c < classes; c++) total[c] += perImage[image * classes + c];
  }
  return { counts: { perImage, total }, shape };
}

/** Pixels of each class per image and in total. */
export function classHistogram(labels: Uint8Array, shape: PixelShape, afterArgumentChecks?: () => void): ClassHistogram {
  return countClasses(labels, shape, afterArgumentChecks).counts;
}

/** Sum of squared class frequencies of each image. */
export function hardnessPerImage(labels: Uint8Array, shape: PixelShape, afterArgumentChecks?: () => void): Float64Array {
  const { counts, shape: checked } = countClasses(labels, shape, afterArgumentChecks);
  const { images, classes } = checked;
  const pixels = checked.height * checked.width;
  const hardness = new Float64Array(images);
  for (let image = 0; image < images; image++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const frequency = counts.perImage[image * classes + c] / pixels;
      sum += frequency * frequency;
    }
    hardness[image] = sum;
  }
  return hardness;
}
