import * as fs from 'node:fs';
import { BandsterError } from '../core/errors.js';

/**
 * Opening files without following a symbolic link at the last component (`O_NOFOLLOW`): bandster
 * writes a run's logs and a report's files only into files that are what their names say. A link
 * there could point anywhere — `--overwrite` would empty its target, a resume append to it, a
 * dangling link create a file outside the run directory — so it is refused, never followed.
 * Links higher up the path (a run directory that is itself a link) are the user's choice and kept.
 *
 * Where the platform has no `O_NOFOLLOW` (Windows), an `lstat` before opening does the check, with
 * the small window between the two that the flag closes elsewhere.
 */

/** The open(2) error a link at the last component gives with O_NOFOLLOW (ELOOP; EMLINK on FreeBSD). */
const LINK_ERRORS = new Set(['ELOOP', 'EMLINK']);

/**
 * A file is a symbolic link and bandster would have written through it. Callers that own an area
 * turn it into their own error (RunLogError `ERR_RUN_LOG_SYMLINK`, ReportError `ERR_REPORT_WRITE`).
 */
export class SymbolicLinkError extends BandsterError {
  declare readonly code: 'ERR_SYMBOLIC_LINK';
  constructor(readonly file: string) {
    super(
      'ERR_SYMBOLIC_LINK',
      `${file}: is a symbolic link; bandster does not write through links (replace it by a regular file, or remove it)`,
    );
  }
}

/**
 * `fs.openSync(file, flags, mode)` with `O_NOFOLLOW` added (`flags` numeric, from `fs.constants`).
 * @throws SymbolicLinkError when `file` is a symbolic link (dangling or not); the file system's error otherwise.
 */
export function openNoFollow(file: string, flags: number, mode = 0o666): number {
  const noFollow = fs.constants.O_NOFOLLOW;
  if (noFollow === undefined) {
    if (isSymbolicLink(file)) throw new SymbolicLinkError(file);
    return fs.openSync(file, flags, mode);
  }
  try {
    return fs.openSync(file, flags | noFollow, mode);
  } catch (error) {
    if (LINK_ERRORS.has((error as NodeJS.ErrnoException).code ?? '') && isSymbolicLink(file)) throw new SymbolicLinkError(file);
    throw error;
  }
}

/** Creates or truncates `file` and writes `data`, refusing a symbolic link (see {@link openNoFollow}). */
export function writeFileNoFollow(file: string, data: string | Uint8Array): void {
  const fd = openNoFollow(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC);
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

function isSymbolicLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
