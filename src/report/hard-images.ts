/**
 * The study's picture of hard patches: the most accurately predicted patches among the hard ones
 * (no class dominates), in increasing order of accuracy, each as image, true mask and predicted
 * mask in the dataset's palette, with its pixel accuracy printed under it.
 */
import { checkInteger, checkNumber } from '../core/option-checks.js';
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';
import { InvalidOptionError } from '../core/errors.js';
import { hardnessPerImage, selectMostAccurateHardImages } from '../metrics/index.js';
import { DEFAULT_HARDNESS_THRESHOLD } from '../metrics/types.js';
import { CLASSES, NUM_CLASSES } from '../segmentation/types.js';
import { reportTextWidth } from './font-metrics.js';
import { REPORT_FONT_FAMILY, reportFontFileList } from './fonts.js';
import { escapeHtml } from './html.js';
import { pngSize } from './png-size.js';
import { resolveRenderOptions, type RenderOptions } from './render-chart.js';

/** One patch to show. */
export interface HardImageItem {
  /** size × size × 3 RGB bytes, row-major. */
  readonly image: Uint8Array;
  /** size × size true class ids (0…5, see `CLASSES`). */
  readonly truth: Uint8Array;
  /** size × size predicted class ids. */
  readonly predicted: Uint8Array;
  /** Pixel accuracy of the prediction, in [0, 1]. */
  readonly accuracy: number;
  /** Side length of the patch in pixels. */
  readonly size: number;
  /** A second caption line, e.g. where the patch came from; optional. */
  readonly caption?: string;
}

/** Options of {@link renderHardImages}. */
export interface HardImagesOptions extends RenderOptions {
  /** Heading drawn above the grid. @defaultValue 'Most accurately predicted hard patches' */
  readonly title?: string;
  /** Patches per row of the grid. @defaultValue 5 */
  readonly columns?: number;
}

/** At most this many patches fit a grid. */
export const MAX_HARD_IMAGES = 10;

/**
 * The indices of the `k` most accurate *hard* patches (the sum of squares of their six class
 * frequencies is at most `threshold`, the study's rule), in increasing order of accuracy (ties:
 * lower index first) — the order the study shows them in. Computed by the native metrics
 * (`hardnessPerImage`, `selectMostAccurateHardImages`); fewer than `k` when fewer patches are hard.
 * @param perImageAccuracy - pixel accuracy of each patch (e.g. `pixelAccuracyPerImage`).
 * @param labels - N × size × size true class ids, N = perImageAccuracy.length.
 * @param size - side length of a patch.
 * @throws RangeError/TypeError (from the metrics) naming the bad argument.
 */
export function selectTopHardPatches(
  perImageAccuracy: ArrayLike<number>,
  labels: Uint8Array,
  size: number,
  k = 10,
  threshold: number = DEFAULT_HARDNESS_THRESHOLD,
): number[] {
  const accuracy = Float64Array.from(perImageAccuracy);
  const hardness = hardnessPerImage(labels, { images: accuracy.length, height: size, width: size, classes: NUM_CLASSES });
  const chosen = [...selectMostAccurateHardImages(hardness, accuracy, k, threshold)];
  return chosen.sort((a, b) => accuracy[a] - accuracy[b] || a - b);
}

const MARGIN = 16;
const LABEL_COLUMN = 92;
const GAP = 6;
const BLOCK_GAP = 14;
const CAPTION = 36;
const TITLE = 68;
const LEGEND = 40;
const ROWS = ['image', 'true mask', 'predicted'] as const;

function validate(items: readonly HardImageItem[]): void {
  if (!Array.isArray(items) || items.length === 0) throw new InvalidOptionError('items must be a non-empty array');
  if (items.length > MAX_HARD_IMAGES)
    throw new InvalidOptionError(`items must hold at most ${MAX_HARD_IMAGES} patches (got ${items.length})`);
  items.forEach((item, i) => {
    const size = checkInteger(item?.size, `items[${i}].size`, { min: 1, max: 4096 });
    if (!(item.image instanceof Uint8Array) || item.image.length !== size * size * 3) {
      throw new InvalidOptionError(
        `items[${i}].image must be a Uint8Array of size×size×3 = ${size * size * 3} bytes (got ${item.image?.length})`,
      );
    }
    for (const name of ['truth', 'predicted'] as const) {
      const mask = item[name];
      if (!(mask instanceof Uint8Array) || mask.length !== size * size) {
        throw new InvalidOptionError(
          `items[${i}].${name} must be a Uint8Array of size×size = ${size * size} class ids (got ${mask?.length})`,
        );
      }
      const bad = mask.findIndex((id) => id >= NUM_CLASSES);
      if (bad >= 0) throw new InvalidOptionError(`items[${i}].${name}[${bad}] is ${mask[bad]}, not a class id (0…${NUM_CLASSES - 1})`);
    }
    checkNumber(item.accuracy, `items[${i}].accuracy`, { min: 0, max: 1 });
  });
}

/** A mask as RGB bytes in the dataset's palette. */
function maskToRgb(mask: Uint8Array): Buffer {
  const rgb = Buffer.alloc(mask.length * 3);
  for (let p = 0; p < mask.length; p++) {
    const color = CLASSES[mask[p]].rgb;
    rgb[3 * p] = color[0];
    rgb[3 * p + 1] = color[1];
    rgb[3 * p + 2] = color[2];
  }
  return rgb;
}

async function tile(rgb: Uint8Array, size: number, side: number, nearest: boolean): Promise<Buffer> {
  return sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: size, height: size, channels: 3 } })
    .resize(side, side, { kernel: nearest ? 'nearest' : 'lanczos3', fit: 'fill' })
    .png()
    .toBuffer();
}

/**
 * A grid of patches in increasing order of accuracy: for each, the image, the true mask and the
 * predicted mask (palette of `CLASSES`), its pixel accuracy printed under it, and the class colours
 * in a legend. Tiles are scaled up with nearest-neighbour sampling for masks, so class borders
 * stay exact. Text is drawn with resvg in DejaVu Sans and laid over the tiles with sharp.
 * @returns a PNG `options.width × options.scale` pixels wide.
 * @throws InvalidOptionError (rejects) for an empty list, more than ten patches, or arrays of the wrong size or with class ids ≥ 6.
 */
export async function renderHardImages(items: readonly HardImageItem[], options: HardImagesOptions = {}): Promise<Buffer> {
  const { width, scale } = resolveRenderOptions(options);
  validate(items);
  const columns = checkInteger(options.columns ?? 5, 'options.columns', { min: 1, max: MAX_HARD_IMAGES });
  const title = options.title ?? 'Most accurately predicted hard patches';
  const sorted = items.map((item, index) => ({ item, index })).sort((a, b) => a.item.accuracy - b.item.accuracy || a.index - b.index);
  const perRow = Math.min(columns, sorted.length);
  const blocks = Math.ceil(sorted.length / perRow);
  // Layout in CSS pixels, drawn at `scale` pixels each.
  const side = Math.floor((width - 2 * MARGIN - LABEL_COLUMN - (perRow - 1) * BLOCK_GAP) / perRow);
  const blockHeight = 3 * side + 2 * GAP + CAPTION;
  const height = TITLE + blocks * blockHeight + (blocks - 1) * BLOCK_GAP + LEGEND + MARGIN;
  const px = (value: number) => Math.round(value * scale);
  const canvasWidth = px(width);
  const canvasHeight = px(height);
  const tileSide = px(side);
  const composites: OverlayOptions[] = [];
  const svg: string[] = [];
  const text = (x: number, y: number, content: string, attrs = '') =>
    svg.push(`<text x="${x}" y="${y}" font-family="${REPORT_FONT_FAMILY}" ${attrs}>${escapeHtml(content)}</text>`);
  text(MARGIN, 30, title, 'font-size="17" font-weight="bold" fill="#1a1a1a"');
  text(
    MARGIN,
    48,
    `${sorted.length} patch${sorted.length === 1 ? '' : 'es'}, least accurate first; pixel accuracy under each`,
    'font-size="12.5" fill="#555555"',
  );
  const tiles = await Promise.all(
    sorted.map(async ({ item }) => [
      await tile(item.image, item.size, tileSide, false),
      await tile(maskToRgb(item.truth), item.size, tileSide, true),
      await tile(maskToRgb(item.predicted), item.size, tileSide, true),
    ]),
  );
  sorted.forEach(({ item }, n) => {
    const block = Math.floor(n / perRow);
    const column = n % perRow;
    const x = MARGIN + LABEL_COLUMN + column * (side + BLOCK_GAP);
    const y = TITLE + block * (blockHeight + BLOCK_GAP);
    tiles[n].forEach((input, row) => composites.push({ input, left: px(x), top: px(y + row * (side + GAP)) }));
    const captionY = y + 3 * side + 2 * GAP + 15;
    text(
      x + side / 2,
      captionY,
      `accuracy ${(item.accuracy * 100).toFixed(1)} %`,
      'font-size="12.5" font-weight="bold" text-anchor="middle" fill="#1a1a1a"',
    );
    if (item.caption)
      text(x + side / 2, captionY + 15, shorten(item.caption, side), 'font-size="10.5" text-anchor="middle" fill="#666666"');
    if (column === 0) {
      ROWS.forEach((label, row) =>
        text(MARGIN + LABEL_COLUMN - 10, y + row * (side + GAP) + side / 2 + 4, label, 'font-size="12.5" text-anchor="end" fill="#404040"'),
      );
    }
  });
  // Legend of class colours.
  let legendX = MARGIN + LABEL_COLUMN;
  const legendY = height - MARGIN - 18;
  for (const entry of CLASSES) {
    svg.push(
      `<rect x="${legendX}" y="${legendY}" width="14" height="14" fill="rgb(${entry.rgb.join(',')})" stroke="#555555" stroke-width="0.5"/>`,
    );
    text(legendX + 19, legendY + 11.5, entry.name, 'font-size="12" fill="#404040"');
    legendX += 19 + reportTextWidth(entry.name, 12) + 22;
  }
  const overlaySvg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${svg.join('')}</svg>`;
  const overlay = new Resvg(overlaySvg, {
    fitTo: { mode: 'width', value: canvasWidth },
    font: {
      loadSystemFonts: false,
      fontFiles: reportFontFileList(),
      defaultFontFamily: REPORT_FONT_FAMILY,
      sansSerifFamily: REPORT_FONT_FAMILY,
    },
  })
    .render()
    .asPng();
  // resvg rounds the height its own way; make the overlay exactly the canvas' size.
  const overlaySize = pngSize(overlay);
  const fitted =
    overlaySize.width === canvasWidth && overlaySize.height === canvasHeight
      ? overlay
      : await sharp(overlay).resize(canvasWidth, canvasHeight, { fit: 'fill' }).png().toBuffer();
  composites.push({ input: fitted, left: 0, top: 0 });
  return sharp({ create: { width: canvasWidth, height: canvasHeight, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png()
    .toBuffer();
}

/** Cuts a caption from the left until it fits the width of a tile. */
function shorten(caption: string, side: number): string {
  if (reportTextWidth(caption, 10.5) <= side) return caption;
  let kept = caption;
  while (kept.length > 1 && reportTextWidth(`…${kept}`, 10.5) > side) kept = kept.slice(1);
  return `…${kept}`;
}
