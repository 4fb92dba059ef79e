import { BandsterError } from '../core/errors.js';
import { SymbolicLinkError } from './no-follow.js';

/** What is wrong with a run directory; callers branch on it, never on a message. */
export type RunLogErrorCode =
  /** The run directory does not exist, is not a directory, or holds no configs.json. */
  | 'ERR_RUN_LOG_NOT_FOUND'
  /** A file of the run (a line of configs.json or results.json, configspace.json, run.json, distributed.json) is not what bandster or hpbandster writes. */
  | 'ERR_RUN_LOG_CORRUPT'
  /** A new run was to be logged into a directory that already holds one (open it to append or to overwrite). */
  | 'ERR_RUN_LOG_EXISTS'
  /** The run to resume has no run.json: hpbandster (or another program) wrote it; warm-start from it instead. */
  | 'ERR_RUN_LOG_NOT_RESUMABLE'
  /** A configuration or an info dict cannot be written as JSON (a circular structure, a throwing toJSON). */
  | 'ERR_RUN_LOG_UNSERIALISABLE'
  /** Logging after the logger was closed. */
  | 'ERR_RUN_LOG_CLOSED'
  /** The file system refused: a file or folder cannot be created, opened, read, written or removed (the cause says why). */
  | 'ERR_RUN_LOG_IO'
  /** configs.json or results.json is a symbolic link: bandster never writes a log through one (it could point anywhere). */
  | 'ERR_RUN_LOG_SYMLINK';

/** A run directory (configs.json, results.json and bandster's own files) cannot be read or written; `file` is the file at fault. */
export class RunLogError extends BandsterError {
  declare readonly code: RunLogErrorCode;
  readonly file: string;
  /** 1-based line of `file` at fault, for a line of configs.json or results.json. */
  readonly line: number | undefined;
  constructor(code: RunLogErrorCode, file: string, line: number | undefined, message: string, options?: { cause?: unknown }) {
    super(code, line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`, options);
    this.file = file;
    this.line = line;
  }
}

/**
 * Runs `action`, turning a file-system error into a RunLogError (`ERR_RUN_LOG_IO`, or `code`)
 * naming `file` and saying what was being done: `results.json: cannot append: ENOSPC …`.
 */
export function attempt<T>(file: string, what: string, action: () => T, code: RunLogErrorCode = 'ERR_RUN_LOG_IO'): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RunLogError) throw error;
    if (error instanceof SymbolicLinkError) {
      throw new RunLogError(
        'ERR_RUN_LOG_SYMLINK',
        error.file,
        undefined,
        `${what}: it is a symbolic link; bandster never writes a log through one (replace it by a regular file, or remove it)`,
        { cause: error },
      );
    }
    throw new RunLogError(code, file, undefined, `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
