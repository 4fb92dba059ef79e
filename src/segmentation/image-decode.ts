// Reading images and masks with sharp: size from the header, pixels as 8-bit RGB.
import sharp from 'sharp';

/** Width and height from the file's header, without decoding the pixels. */
export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  const { width, height } = await sharp(file).metadata();
  if (!(width > 0 && height > 0)) throw new Error('no width and height in the header');
  return { width, height };
}

/**
 * All pixels (or the strip of rows `rows` of an image `rows.width` wide) as interleaved 8-bit RGB, rows top to bottom. Grey or palette files are expanded to RGB
 * and alpha is dropped; EXIF orientation is ignored on purpose, so that an image and its mask keep
 * the same pixel grid whatever their metadata says.
 */
export async function decodeRgb(
  file: string,
  rows?: { readonly top: number; readonly height: number; readonly width: number },
): Promise<{ data: Uint8Array; width: number; height: number }> {
  // Rows only (a strip): libvips reads the file sequentially and keeps only the strip's pixels.
  const image = sharp(file, { failOn: 'error', sequentialRead: true });
  if (rows) image.extract({ left: 0, top: rows.top, width: rows.width, height: rows.height });
  const { data, info } = await image.toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** The message of a decoding failure, on one line. */
export function decodeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `cannot be read as an image (${message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('; ')})`;
}
