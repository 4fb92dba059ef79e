/**
 * Text widths from a TrueType font's own advance widths (tables `head`, `hhea`, `hmtx`, `cmap`).
 *
 * Without node-canvas, vega guesses a text's width as 0.8 em per character, which is about 40 %
 * too wide for DejaVu Sans and leaves charts with lopsided padding and misplaced legends. Vega
 * lets a caller replace its `textMetrics.width` (vl-convert does the same), so we measure with
 * the very font resvg will draw with. Kerning is ignored (DejaVu's pairs move a label by < 1 px).
 */
import * as fs from 'node:fs';
import { reportFontFiles } from './fonts.js';
import { ReportError } from './report-error.js';

/** Advance widths of one font, per Unicode code point. */
export class FontMetrics {
  private constructor(
    private readonly unitsPerEm: number,
    private readonly advances: Uint16Array,
    private readonly glyphOf: (codePoint: number) => number,
  ) {}

  /** Reads a .ttf file. @throws ReportError when it is not a TrueType font with a Unicode cmap. */
  static fromFile(file: string): FontMetrics {
    return FontMetrics.fromBuffer(fs.readFileSync(file), file);
  }

  /** Parses a TrueType font held in memory; `name` appears in errors. */
  static fromBuffer(buffer: Uint8Array, name = 'font'): FontMetrics {
    const data = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const tables = new Map<string, number>();
    const numTables = data.getUint16(4);
    for (let i = 0; i < numTables; i++) {
      const record = 12 + 16 * i;
      const tag = String.fromCharCode(
        data.getUint8(record),
        data.getUint8(record + 1),
        data.getUint8(record + 2),
        data.getUint8(record + 3),
      );
      tables.set(tag, data.getUint32(record + 8));
    }
    for (const tag of ['head', 'hhea', 'hmtx', 'cmap', 'maxp']) {
      if (!tables.has(tag)) throw new ReportError('ERR_REPORT_FONTS', `${name}: not a TrueType font (no ${tag} table)`);
    }
    const unitsPerEm = data.getUint16(tables.get('head')! + 18);
    const numGlyphs = data.getUint16(tables.get('maxp')! + 4);
    const numberOfHMetrics = data.getUint16(tables.get('hhea')! + 34);
    const hmtx = tables.get('hmtx')!;
    const advances = new Uint16Array(numGlyphs);
    for (let glyph = 0; glyph < numGlyphs; glyph++) {
      // Glyphs past numberOfHMetrics share the last advance (monospaced tails).
      advances[glyph] = data.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
    }
    return new FontMetrics(unitsPerEm, advances, readFormat4Cmap(data, tables.get('cmap')!, name));
  }

  /** The width of `text` at `fontSize` (same unit as the size). */
  width(text: string, fontSize: number): number {
    let units = 0;
    for (const char of text) {
      const glyph = this.glyphOf(char.codePointAt(0)!);
      units += this.advances[glyph < this.advances.length ? glyph : 0];
    }
    return (units * fontSize) / this.unitsPerEm;
  }
}

/** The Unicode BMP subtable (platform 3 encoding 1, or platform 0), format 4. */
function readFormat4Cmap(data: DataView, cmap: number, name: string): (codePoint: number) => number {
  const count = data.getUint16(cmap + 2);
  let subtable: number | undefined;
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + 8 * i;
    const platform = data.getUint16(record);
    const encoding = data.getUint16(record + 2);
    const offset = cmap + data.getUint32(record + 4);
    if (data.getUint16(offset) !== 4) continue;
    if ((platform === 3 && encoding === 1) || platform === 0) {
      subtable = offset;
      if (platform === 3) break;
    }
  }
  if (subtable === undefined) throw new ReportError('ERR_REPORT_FONTS', `${name}: no Unicode (format 4) cmap subtable`);
  const segments = data.getUint16(subtable + 6) / 2;
  const endCodes = subtable + 14;
  const startCodes = endCodes + 2 * segments + 2;
  const idDeltas = startCodes + 2 * segments;
  const idRangeOffsets = idDeltas + 2 * segments;
  const cache = new Map<number, number>();
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    const hit = cache.get(codePoint);
    if (hit !== undefined) return hit;
    let glyph = 0;
    for (let s = 0; s < segments; s++) {
      if (data.getUint16(endCodes + 2 * s) < codePoint) continue;
      const start = data.getUint16(startCodes + 2 * s);
      if (start > codePoint) break;
      const delta = data.getUint16(idDeltas + 2 * s);
      const rangeOffsetAt = idRangeOffsets + 2 * s;
      const rangeOffset = data.getUint16(rangeOffsetAt);
      if (rangeOffset === 0) glyph = (codePoint + delta) & 0xffff;
      else {
        const raw = data.getUint16(rangeOffsetAt + rangeOffset + 2 * (codePoint - start));
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      break;
    }
    cache.set(codePoint, glyph);
    return glyph;
  };
}

let regular: FontMetrics | undefined;
let bold: FontMetrics | undefined;

/**
 * The width of `text` in DejaVu Sans (bold when `isBold`) at `fontSize`, in the size's unit.
 * @throws ReportError when the fonts are missing (see `reportFontFiles`).
 */
export function reportTextWidth(text: string, fontSize: number, isBold = false): number {
  if (isBold) return (bold ??= FontMetrics.fromFile(reportFontFiles().bold)).width(text, fontSize);
  return (regular ??= FontMetrics.fromFile(reportFontFiles().regular)).width(text, fontSize);
}
