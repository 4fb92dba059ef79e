// Reading one image/mask pair: sizes from the headers, then pixels, each failure a DatasetProblem.
import type { DatasetProblem } from './dataset-error.js';
import type { DatasetPair } from './dataset-files.js';
import { decodeFailure, decodeRgb, imageSize } from './image-decode.js';

/** A pair's shared size, or what is wrong with it (unreadable headers, differing sizes). */
export type PairSize =
  | { readonly width: number; readonly height: number; readonly problems?: undefined }
  | { readonly problems: readonly DatasetProblem[] };

export async function readPairSize(pair: DatasetPair): Promise<PairSize> {
  const [image, mask] = await Promise.all([sizeOrProblem(pair.image), sizeOrProblem(pair.mask)]);
  const problems = [image, mask].filter((entry): entry is DatasetProblem => 'code' in entry);
  if (problems.length > 0) return { problems };
  const imageDims = image as { width: number; height: number };
  const maskDims = mask as { width: number; height: number };
  if (imageDims.width !== maskDims.width || imageDims.height !== maskDims.height) {
    return {
      problems: [
        {
          code: 'ERR_DATASET_SIZE_MISMATCH',
          file: pair.mask,
          message: `mask is ${maskDims.width}×${maskDims.height} but its image ${pair.image} is ${imageDims.width}×${imageDims.height}`,
        },
      ],
    };
  }
  return imageDims;
}

async function sizeOrProblem(file: string): Promise<{ width: number; height: number } | DatasetProblem> {
  try {
    return await imageSize(file);
  } catch (error) {
    return { code: 'ERR_DATASET_UNREADABLE', file, message: decodeFailure(error) };
  }
}

/**
 * A pair's pixels (both RGB) — all of them, or the strip `rows` — or the problems decoding them (a
 * file whose header reads but whose data is cut short).
 */
export type PairPixels =
  | { readonly image: Uint8Array; readonly mask: Uint8Array; readonly problems?: undefined }
  | { readonly problems: readonly DatasetProblem[] };

export async function readPairPixels(
  pair: DatasetPair,
  width: number,
  height: number,
  rows?: { readonly top: number; readonly height: number },
): Promise<PairPixels> {
  const strip = rows && (rows.top > 0 || rows.height < height) ? { ...rows, width } : undefined;
  const expectedHeight = strip?.height ?? height;
  const decode = async (file: string): Promise<Uint8Array | DatasetProblem> => {
    try {
      const decoded = await decodeRgb(file, strip);
      if (decoded.width !== width || decoded.height !== expectedHeight) {
        return {
          code: 'ERR_DATASET_UNREADABLE',
          file,
          message: strip
            ? `rows ${strip.top}…${strip.top + strip.height - 1} decode to ${decoded.width}×${decoded.height}, but its header says ${width}×${height}`
            : `decodes to ${decoded.width}×${decoded.height}, but its header says ${width}×${height}`,
        };
      }
      return decoded.data;
    } catch (error) {
      return { code: 'ERR_DATASET_UNREADABLE', file, message: decodeFailure(error) };
    }
  };
  const [image, mask] = await Promise.all([decode(pair.image), decode(pair.mask)]);
  const problems = [image, mask].filter((entry): entry is DatasetProblem => !(entry instanceof Uint8Array));
  if (problems.length > 0) return { problems };
  return { image: image as Uint8Array, mask: mask as Uint8Array };
}

/**
 * Runs `work` over `items` with at most `limit` in flight (sharp decodes on its own threads, so a
 * few at once keep them busy without holding every image in memory). Stops starting new items after
 * the first failure and rejects with it.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
