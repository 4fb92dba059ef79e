// Cutting an image into non-overlapping square patches from its top-left corner.

/** Patches per row and column when an image is cropped to the largest multiple of `patchSize`. */
export function patchGrid(width: number, height: number, patchSize: number): { columns: number; rows: number; count: number } {
  const columns = Math.floor(width / patchSize);
  const rows = Math.floor(height / patchSize);
  return { columns, rows, count: columns * rows };
}

/**
 * Copies patch number `index` (row-major over the grid) of an interleaved image with `channels`
 * bytes a pixel into `target` at `targetOffset`, rows one after another.
 */
export function copyPatch(
  source: Uint8Array,
  width: number,
  channels: number,
  patchSize: number,
  index: number,
  target: Uint8Array,
  targetOffset: number,
): void {
  const columns = Math.floor(width / patchSize);
  const x0 = (index % columns) * patchSize;
  const y0 = Math.floor(index / columns) * patchSize;
  const rowBytes = patchSize * channels;
  for (let row = 0; row < patchSize; row++) {
    const from = ((y0 + row) * width + x0) * channels;
    target.set(source.subarray(from, from + rowBytes), targetOffset + row * rowBytes);
  }
}
