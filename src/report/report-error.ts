import { BandsterError } from '../core/errors.js';

/** Why a report could not be made; callers branch on it, never on a message. */
export type ReportErrorCode =
  /** The DejaVu fonts are missing or unreadable (Debian: `apt-get install fonts-dejavu-core`). */
  | 'ERR_REPORT_FONTS'
  /** A chart could not be drawn (vega or resvg failed on its spec). */
  | 'ERR_REPORT_RENDER'
  /** The report folder or one of its files cannot be created or written. */
  | 'ERR_REPORT_WRITE';

/** A report cannot be drawn or written: fonts missing, a picture that fails to render, an unwritable folder. */
export class ReportError extends BandsterError {
  declare readonly code: ReportErrorCode;
  constructor(code: ReportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
