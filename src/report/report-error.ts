import { BandsterError } from '../core/errors.js';

/** A report cannot be drawn or written: fonts missing, a picture that fails to render, an unwritable folder. */
export class ReportError extends BandsterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REPORT', message, options);
  }
}
