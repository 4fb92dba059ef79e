// Mask colours -> class ids, with the colours outside the palette counted rather than guessed.
import { CLASSES } from './types.js';

/** The id every unknown colour becomes when the user asks for it (`unknownColours: 'unlabeled'`). */
export const UNLABELED_ID = 5;

const PALETTE_KEYS: readonly number[] = CLASSES.map(({ rgb }) => (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);

/** `#RRGGBB` of a packed 0xRRGGBB colour. */
export function colourHex(key: number): string {
  return `#${key.toString(16).toUpperCase().padStart(6, '0')}`;
}

/** Colours outside the palette and how many pixels have each, most frequent first. */
export type UnknownColours = ReadonlyArray<{ readonly hex: string; readonly pixels: number }>;

/**
 * Maps an RGB mask (3 bytes a pixel) to class ids in `out`. Unknown colours become `fill` in `out`
 * and are counted, so that the caller decides whether they are an error (the study's code turned
 * every one of them into Building without a word).
 */
export function maskToClassIds(rgb: Uint8Array, out: Uint8Array, fill: number = UNLABELED_ID): UnknownColours {
  const pixels = out.length;
  if (rgb.length !== pixels * 3) throw new RangeError(`rgb must have 3 bytes per pixel of out (got ${rgb.length} for ${pixels} pixels)`);
  const [k0, k1, k2, k3, k4, k5] = PALETTE_KEYS;
  let unknown: Map<number, number> | undefined;
  // Masks are large flat regions: remember the last colour to skip the comparisons most of the time.
  let lastKey = -1;
  let lastId = 0;
  for (let p = 0, i = 0; p < pixels; p++, i += 3) {
    const key = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
    if (key === lastKey) {
      out[p] = lastId;
      continue;
    }
    let id: number;
    if (key === k0) id = 0;
    else if (key === k1) id = 1;
    else if (key === k2) id = 2;
    else if (key === k3) id = 3;
    else if (key === k4) id = 4;
    else if (key === k5) id = 5;
    else {
      unknown ??= new Map();
      unknown.set(key, (unknown.get(key) ?? 0) + 1);
      out[p] = fill;
      continue;
    }
    out[p] = id;
    lastKey = key;
    lastId = id;
  }
  if (unknown === undefined) return [];
  return [...unknown].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([key, count]) => ({ hex: colourHex(key), pixels: count }));
}

/** A sentence naming the unknown colours, e.g. `3 colours outside the palette: #000000 (120 px), …`. */
export function describeUnknownColours(unknown: UnknownColours, limit = 10): string {
  const total = unknown.reduce((sum, { pixels }) => sum + pixels, 0);
  const listed = unknown.slice(0, limit).map(({ hex, pixels }) => `${hex} (${pixels} px)`);
  if (unknown.length > limit) listed.push(`and ${unknown.length - limit} more`);
  return `${total} pixels in ${unknown.length} colour${unknown.length === 1 ? '' : 's'} outside the palette: ${listed.join(', ')}`;
}

/** Fills `out` (3 bytes a pixel) with the palette colour of each class id. */
export function classIdsToMask(labels: Uint8Array, out: Uint8Array = new Uint8Array(labels.length * 3)): Uint8Array {
  if (out.length !== labels.length * 3) throw new RangeError(`out must have 3 bytes per label (got ${out.length} for ${labels.length})`);
  for (let p = 0, i = 0; p < labels.length; p++, i += 3) {
    const rgb = CLASSES[labels[p]]?.rgb;
    if (rgb === undefined) throw new RangeError(`labels[${p}] is not a class id (got ${labels[p]})`);
    out[i] = rgb[0];
    out[i + 1] = rgb[1];
    out[i + 2] = rgb[2];
  }
  return out;
}
