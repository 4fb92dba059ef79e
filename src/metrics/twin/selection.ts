/** TypeScript twin of the hard-image selection (native/addon.cc, SelectMostAccurateHardImages). */
import { DEFAULT_HARDNESS_THRESHOLD } from '../types.js';
import { nanError, rangeError, readFiniteNumber, readFloat64Array, readInteger } from './validate.js';

/** The `count` most accurate images with hardness <= threshold, most accurate first (ties: lower index). */
export function selectMostAccurateHardImages(
  hardness: Float64Array,
  accuracy: Float64Array,
  count: number,
  threshold: number = DEFAULT_HARDNESS_THRESHOLD,
): Uint32Array {
  const hardnessValues = readFloat64Array(hardness, 'hardness');
  const accuracyValues = readFloat64Array(accuracy, 'accuracy');
  if (accuracyValues.length !== hardnessValues.length) {
    throw rangeError('accuracy', `accuracy has ${accuracyValues.length} elements; hardness has ${hardnessValues.length}`);
  }
  const wanted = readInteger(count, 'count', 0, Number.MAX_SAFE_INTEGER, '>= 0');
  const limit = readFiniteNumber(threshold, 'threshold');
  for (let i = 0; i < hardnessValues.length; i++) {
    if (Number.isNaN(hardnessValues[i])) throw nanError('hardness', i);
    if (Number.isNaN(accuracyValues[i])) throw nanError('accuracy', i);
  }
  const hard: number[] = [];
  for (let i = 0; i < hardnessValues.length; i++) if (hardnessValues[i] <= limit) hard.push(i);
  hard.sort((a, b) => (accuracyValues[a] !== accuracyValues[b] ? accuracyValues[b] - accuracyValues[a] : a - b));
  return Uint32Array.from(hard.slice(0, wanted));
}
