// PatchSets: allocation (plain or shared memory), and the hand-over of shared ones to worker threads.
import { TrainingError } from './training-error.js';
import type { PatchSet, SegmentationDataset } from './types.js';

/** A PatchSet of `count` zero-filled patches, its arrays in SharedArrayBuffers when `shared`. */
export function allocatePatchSet(patchSize: number, count: number, sources: readonly string[], shared: boolean): PatchSet {
  if (sources.length !== count) throw new RangeError(`sources must have one entry per patch (got ${sources.length} for ${count})`);
  const imageBytes = count * patchSize * patchSize * 3;
  const labelBytes = count * patchSize * patchSize;
  const images = shared ? new Uint8Array(new SharedArrayBuffer(imageBytes)) : new Uint8Array(imageBytes);
  const labels = shared ? new Uint8Array(new SharedArrayBuffer(labelBytes)) : new Uint8Array(labelBytes);
  return Object.freeze({ patchSize, count, images, labels, sources: Object.freeze([...sources]) });
}

/** Whether both of the set's arrays live in SharedArrayBuffers. */
export function isShared(set: PatchSet): boolean {
  return set.images.buffer instanceof SharedArrayBuffer && set.labels.buffer instanceof SharedArrayBuffer;
}

/** The same patches in SharedArrayBuffers (copied once; returned as is when already shared). */
export function toShared(set: PatchSet): PatchSet {
  if (isShared(set)) return set;
  const copy = allocatePatchSet(set.patchSize, set.count, set.sources, true);
  copy.images.set(set.images.subarray(0, copy.images.length));
  copy.labels.set(set.labels.subarray(0, copy.labels.length));
  return copy;
}

/**
 * What a worker thread needs to rebuild a PatchSet: the two arrays' memory and a small buffer with
 * the patch size, count and sources. A plain record of SharedArrayBuffers, so it can be a
 * ThreadPoolExecutor's `sharedData` (or part of it) and reach every thread once, uncopied.
 */
export interface SharedPatchBuffers {
  readonly images: SharedArrayBuffer;
  readonly labels: SharedArrayBuffer;
  readonly meta: SharedArrayBuffer;
}

/** The buffers of a shared set (the set is made shared first if it is not). */
export function sharedBuffersOf(set: PatchSet): SharedPatchBuffers {
  const shared = toShared(set);
  if (
    shared.images.byteOffset !== 0 ||
    shared.images.byteLength !== shared.images.buffer.byteLength ||
    shared.labels.byteOffset !== 0 ||
    shared.labels.byteLength !== shared.labels.buffer.byteLength
  ) {
    // A view into a larger shared buffer: give the thread exactly the set's bytes.
    return sharedBuffersOf(toShared({ ...shared, images: shared.images.slice(), labels: shared.labels.slice() }));
  }
  const json = new TextEncoder().encode(JSON.stringify({ patchSize: shared.patchSize, count: shared.count, sources: shared.sources }));
  const meta = new SharedArrayBuffer(json.length);
  new Uint8Array(meta).set(json);
  return { images: shared.images.buffer as SharedArrayBuffer, labels: shared.labels.buffer as SharedArrayBuffer, meta };
}

/** A PatchSet view over buffers from `sharedBuffersOf` (in any thread): no copy of the pixels. */
export function patchSetFromShared(buffers: SharedPatchBuffers): PatchSet {
  for (const key of ['images', 'labels', 'meta'] as const) {
    if (!(buffers?.[key] instanceof SharedArrayBuffer)) throw new TypeError(`buffers.${key} must be a SharedArrayBuffer`);
  }
  // TextDecoder refuses views of shared memory: copy the (small) meta buffer first.
  const meta = JSON.parse(Buffer.from(new Uint8Array(buffers.meta).slice()).toString('utf8')) as {
    patchSize: number;
    count: number;
    sources: string[];
  };
  const { patchSize, count, sources } = meta;
  const pixels = count * patchSize * patchSize;
  if (buffers.images.byteLength !== pixels * 3)
    throw new RangeError(
      `buffers.images must hold ${pixels * 3} bytes for ${count} patches of ${patchSize}×${patchSize} (got ${buffers.images.byteLength})`,
    );
  if (buffers.labels.byteLength !== pixels)
    throw new RangeError(
      `buffers.labels must hold ${pixels} bytes for ${count} patches of ${patchSize}×${patchSize} (got ${buffers.labels.byteLength})`,
    );
  return Object.freeze({
    patchSize,
    count,
    images: new Uint8Array(buffers.images),
    labels: new Uint8Array(buffers.labels),
    sources: Object.freeze(sources),
  });
}

/**
 * Both splits of a dataset as one record of SharedArrayBuffers (`train.images`, `train.labels`,
 * `train.meta`, `validation.…`): pass it as a ThreadPoolExecutor's `sharedData` and rebuild the
 * dataset in each thread with `datasetFromShared(threadSharedData())`.
 */
export function datasetToShared(dataset: SegmentationDataset): Record<string, SharedArrayBuffer> {
  const record: Record<string, SharedArrayBuffer> = {};
  for (const split of ['train', 'validation'] as const) {
    const buffers = sharedBuffersOf(dataset[split]);
    record[`${split}.images`] = buffers.images;
    record[`${split}.labels`] = buffers.labels;
    record[`${split}.meta`] = buffers.meta;
  }
  return record;
}

/** The dataset `datasetToShared` handed over, as views over the same memory. */
export function datasetFromShared(
  record: Readonly<Record<string, SharedArrayBuffer>> | SharedArrayBuffer | undefined,
): SegmentationDataset {
  if (record === undefined || record instanceof SharedArrayBuffer)
    throw new TrainingError('ERR_TRAINING_SHARED_DATA', 'expected the record of SharedArrayBuffers made by datasetToShared');
  const split = (name: 'train' | 'validation'): PatchSet => {
    const images = record[`${name}.images`];
    const labels = record[`${name}.labels`];
    const meta = record[`${name}.meta`];
    if (images === undefined || labels === undefined || meta === undefined)
      throw new TrainingError(
        'ERR_TRAINING_SHARED_DATA',
        `shared data has no ${name}.images, ${name}.labels and ${name}.meta (was it made by datasetToShared?)`,
      );
    return patchSetFromShared({ images, labels, meta });
  };
  const train = split('train');
  const validation = split('validation');
  return Object.freeze({ train, validation, patchSize: train.patchSize });
}
