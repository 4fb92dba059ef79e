/** Checks that a PNG is a real picture: decodes, has the expected width, and is not blank. */
import assert from 'node:assert/strict';
import sharp from 'sharp';

export interface PictureStats {
  readonly width: number;
  readonly height: number;
  /** Variance of the luminance over all pixels (0 for a single colour). */
  readonly variance: number;
  /** Distinct RGB colours. */
  readonly colors: number;
}

/** Decodes a PNG (file or bytes) and measures it. */
export async function pictureStats(png: string | Buffer): Promise<PictureStats> {
  const metadata = await sharp(png).metadata();
  assert.equal(metadata.format, 'png');
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colors = new Set<number>();
  let sum = 0;
  let sumSquares = 0;
  const pixels = info.width * info.height;
  for (let p = 0; p < pixels; p++) {
    const r = data[3 * p];
    const g = data[3 * p + 1];
    const b = data[3 * p + 2];
    colors.add((r << 16) | (g << 8) | b);
    const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += luminance;
    sumSquares += luminance * luminance;
  }
  const mean = sum / pixels;
  return { width: metadata.width!, height: metadata.height!, variance: sumSquares / pixels - mean * mean, colors: colors.size };
}

/**
 * Asserts `png` decodes to a picture `width` pixels wide and of plausible height, whose luminance
 * varies (variance > 100: text and marks on white) and which holds more than `minColors` colours
 * (anti-aliased text and coloured marks give hundreds).
 */
export async function assertPicture(png: string | Buffer, width: number, label: string, minColors = 64): Promise<PictureStats> {
  const stats = await pictureStats(png);
  assert.equal(stats.width, width, `${label}: width`);
  assert.ok(stats.height >= width / 4 && stats.height <= width * 2, `${label}: height ${stats.height} for width ${width}`);
  assert.ok(stats.variance > 100, `${label}: luminance variance ${stats.variance.toFixed(1)} — blank?`);
  assert.ok(stats.colors > minColors, `${label}: only ${stats.colors} colours`);
  return stats;
}
