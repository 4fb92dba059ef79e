/** TypeScript twin of the precision–recall kernel (native/kernels.cc accumulateScoreHistograms, jobs.cc). */
import type { PixelShape, PrecisionRecallCurve, PrecisionRecallOptions } from '../types.js';
import { labelError, nanError, readFloat32Array, readPixelShape, readThresholdCount, readUint8Array, requireLength } from './validate.js';

/** Precision–recall curve of every class at K thresholds k/(K-1), from one histogram pass over the pixels. */
export function precisionRecallCurve(
  trueLabels: Uint8Array,
  probabilities: Float32Array,
  shape: PixelShape,
  options?: PrecisionRecallOptions,
  afterArgumentChecks?: () => void,
): PrecisionRecallCurve {
  const truth = readUint8Array(trueLabels, 'trueLabels');
  const scores = readFloat32Array(probabilities, 'probabilities');
  const checked = readPixelShape(shape);
  const pixels = checked.images * checked.height * checked.width;
  requireLength('trueLabels', truth.length, pixels, 'images*height*width');
  requireLength('probabilities', scores.length, pixels * checked.classes, 'images*height*width*classes');
  const bins = readThresholdCount(options);
  afterArgumentChecks?.();
  const { classes } = checked;
  const top = bins - 1;
  const binOf = (score: number): number => {
    let scaled = score * top;
    scaled = Math.max(scaled, 0);
    scaled = Math.min(scaled, top);
    return Math.trunc(scaled);
  };
  const all = new Float64Array(classes * bins);
  const positiveBins = new Float64Array(classes * bins);
  for (let i = 0; i < pixels; i++) {
    const t = truth[i];
    if (t >= classes) throw labelError('trueLabels', i, t, classes);
    const base = i * classes;
    for (let c = 0; c < classes; c++) if (Number.isNaN(scores[base + c])) throw nanError('probabilities', base + c);
    for (let c = 0; c < classes; c++) all[c * bins + binOf(scores[base + c])]++;
    positiveBins[t * bins + binOf(scores[base + t])]++;
  }
  const thresholds = new Float64Array(bins);
  for (let k = 0; k < bins; k++) thresholds[k] = k / top;
  const positives = new Float64Array(classes);
  const truePositives = new Float64Array(classes * bins);
  const falsePositives = new Float64Array(classes * bins);
  const precision = new Float64Array(classes * bins);
  const recall = new Float64Array(classes * bins);
  for (let c = 0; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    for (let k = bins - 1; k >= 0; k--) {
      const cell = c * bins + k;
      tp += positiveBins[cell];
      fp += all[cell] - positiveBins[cell];
      truePositives[cell] = tp;
      falsePositives[cell] = fp;
    }
    positives[c] = truePositives[c * bins];
    for (let k = 0; k < bins; k++) {
      const cell = c * bins + k;
      precision[cell] = truePositives[cell] / (truePositives[cell] + falsePositives[cell]);
      recall[cell] = truePositives[cell] / positives[c];
    }
  }
  return { thresholds, positives, truePositives, falsePositives, precision, recall };
}
