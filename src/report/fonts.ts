/**
 * The fonts every picture is drawn with: Debian's `fonts-dejavu-core`, loaded explicitly (never the
 * machine's font list) so that a picture looks the same wherever it is rendered.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReportError } from './report-error.js';

/** The font family named in every chart and overlay. */
export const REPORT_FONT_FAMILY = 'DejaVu Sans';

/**
 * Where the DejaVu fonts are looked for; `BANDSTER_FONT_DIR` overrides (a folder holding
 * DejaVuSans.ttf and DejaVuSans-Bold.ttf).
 */
export function reportFontDir(): string {
  return process.env.BANDSTER_FONT_DIR ?? '/usr/share/fonts/truetype/dejavu';
}

/** The font files, regular first. */
export interface ReportFontFiles {
  readonly regular: string;
  readonly bold: string;
  readonly oblique: string | undefined;
}

let cached: ReportFontFiles | undefined;

/**
 * The DejaVu Sans files (regular, bold, oblique when present).
 * @throws ReportError naming the folder and the Debian package when they are missing.
 */
export function reportFontFiles(): ReportFontFiles {
  if (cached !== undefined) return cached;
  const dir = reportFontDir();
  const regular = path.join(dir, 'DejaVuSans.ttf');
  const bold = path.join(dir, 'DejaVuSans-Bold.ttf');
  const oblique = path.join(dir, 'DejaVuSans-Oblique.ttf');
  for (const file of [regular, bold]) {
    if (!fs.existsSync(file)) {
      throw new ReportError(
        'ERR_REPORT_FONTS',
        `font ${file} not found: install Debian's fonts-dejavu-core or set BANDSTER_FONT_DIR to a folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf`,
      );
    }
  }
  cached = { regular, bold, oblique: fs.existsSync(oblique) ? oblique : undefined };
  return cached;
}

/** The files as a list, for resvg's `font.fontFiles`. */
export function reportFontFileList(): string[] {
  const files = reportFontFiles();
  return [files.regular, files.bold, ...(files.oblique ? [files.oblique] : [])];
}
