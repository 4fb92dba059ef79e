import * as fs from 'node:fs';
import * as path from 'node:path';

import { checkNonEmptyString, checkOneOf, invalidOption } from '../core/option-checks.js';
import { CONFIG_ID_FORM, isConfigId, type ConfigId, type ConfigInfo, type Configuration, type Run } from '../core/types.js';
import { openNoFollow } from './no-follow.js';
import { parsePythonJson, PythonJsonSyntaxError, pythonFloat, toPythonJson } from './python-json.js';
import { attempt, RunLogError } from './run-log-error.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** File names of an hpbandster run directory (`hpbandster.core.result.json_result_logger`). */
export const CONFIGS_FILE = 'configs.json';
/** See {@link CONFIGS_FILE}. */
export const RESULTS_FILE = 'results.json';
/** See {@link CONFIGS_FILE}. */
export const SPACE_FILE = 'configspace.json';

/** How {@link RunLogger.open} treats a directory that already holds a run. */
export type RunLoggerMode = 'new' | 'overwrite' | 'append';

/** Options of {@link RunLogger.open}. */
export interface RunLoggerOptions {
  /**
   * `'new'` refuses a directory whose configs.json or results.json is non-empty; `'overwrite'`
   * empties both (and removes configspace.json); `'append'` keeps what is there and logs after
   * it (resume).
   * @defaultValue `'new'`
   */
  readonly mode?: RunLoggerMode;
}

/** Defaults of {@link RunLoggerOptions}. */
export const RUN_LOGGER_DEFAULTS: Readonly<Required<RunLoggerOptions>> = Object.freeze({ mode: 'new' });

const MODES: readonly RunLoggerMode[] = ['new', 'overwrite', 'append'];

/**
 * Writes a run in hpbandster's `json_result_logger` format, so hpbandster's own
 * `logged_results_to_HBS_result` (and its plotting tools) can read it, and bandster can read
 * hpbandster's runs:
 *
 * - `configs.json`: `[[iteration, stage, index], {config}, {"model_based_pick": bool, ...}]`
 * - `results.json`: `[[iteration, stage, index], budget, {"submitted": t, "started": t, "finished": t},
 *   {"loss": x, "info": {...}} | null, null | "error text"]`
 *
 * one line per entry, written as Python's `json.dumps` writes it (see `python-json.ts`).
 *
 * Crash safety: each line reaches the file in one `write(2)` on a descriptor opened with
 * `O_APPEND`, as soon as it is logged (no buffering), so killing the process at any moment loses
 * at most the line being written, which is then a strict prefix of a line. The reader skips such
 * a cut line with a warning; reopening in `'append'` mode rewrites the file without it (atomically:
 * a temporary file renamed over it), so a resumed log holds complete lines only, as hpbandster's
 * line-by-line reader needs. Lines are not fsync'ed: they survive the process, not a power cut.
 *
 * Links: configs.json and results.json are opened with `O_NOFOLLOW`; a symbolic link there is
 * refused (`ERR_RUN_LOG_SYMLINK`), never written through.
 *
 * The logger is an observer: the scheduler calls {@link logConfig} when it samples a
 * configuration and {@link logResult} when a run ends, as hpbandster's master does.
 */
export class RunLogger {
  /** The run directory. */
  readonly dir: string;
  /** Path of configs.json. */
  readonly configsPath: string;
  /** Path of results.json. */
  readonly resultsPath: string;
  /** Path of configspace.json. */
  readonly spacePath: string;
  private configsFd: number | undefined;
  private resultsFd: number | undefined;

  private constructor(dir: string, configsFd: number, resultsFd: number) {
    this.dir = dir;
    this.configsPath = path.join(dir, CONFIGS_FILE);
    this.resultsPath = path.join(dir, RESULTS_FILE);
    this.spacePath = path.join(dir, SPACE_FILE);
    this.configsFd = configsFd;
    this.resultsFd = resultsFd;
  }

  /**
   * Opens (creating it when needed) the run directory `dir` for logging.
   *
   * @throws InvalidOptionError when `options.mode` is not one of the modes.
   * @throws RunLogError naming the file when mode is `'new'` and the directory already holds a
   *   run (nothing is changed then), or when a file cannot be created or opened.
   */
  static open(dir: string, options: RunLoggerOptions = {}): RunLogger {
    checkNonEmptyString(dir, 'dir');
    const mode = checkOneOf(options.mode ?? RUN_LOGGER_DEFAULTS.mode, 'options.mode', MODES);
    const configsPath = path.join(dir, CONFIGS_FILE);
    const resultsPath = path.join(dir, RESULTS_FILE);
    attempt(dir, 'cannot create the run directory', () => fs.mkdirSync(dir, { recursive: true }));

    if (mode === 'new') {
      // Check both before creating either, so a refused directory is left exactly as it was.
      for (const file of [configsPath, resultsPath]) {
        if (fileSize(file) > 0) {
          throw new RunLogError(
            'ERR_RUN_LOG_EXISTS',
            file,
            undefined,
            "already holds a run; open it with mode 'append' to resume it or 'overwrite' to replace it",
          );
        }
      }
    }
    if (mode === 'overwrite') {
      const spacePath = path.join(dir, SPACE_FILE);
      attempt(spacePath, "cannot remove the previous run's space", () => fs.rmSync(spacePath, { force: true }));
    }

    const configsFd = openLog(configsPath, mode);
    let resultsFd: number;
    try {
      resultsFd = openLog(resultsPath, mode);
    } catch (error) {
      fs.closeSync(configsFd);
      throw error;
    }
    return new RunLogger(dir, configsFd, resultsFd);
  }

  /**
   * Writes the configuration space (ConfigSpace JSON text) to configspace.json atomically (see
   * {@link writeFileAtomic}), so readers see either the old space or the new one, never half of one.
   *
   * @throws RunLogError naming configspace.json when it cannot be written.
   */
  writeSpace(json: string): void {
    attempt(this.spacePath, 'cannot write', () => writeFileAtomic(this.spacePath, json));
  }

  /**
   * Appends `[[iteration, stage, index], {config}, {"model_based_pick": bool, ...info}]` to
   * configs.json.
   *
   * @throws InvalidOptionError when `configId` is not three non-negative integers.
   * @throws RunLogError naming configs.json when the logger is closed, the line cannot be
   *   serialised (a circular info) or written.
   */
  logConfig(configId: ConfigId, config: Configuration, info: ConfigInfo): void {
    const id = formatConfigId(configId, 'configId');
    const line = serialise(this.configsPath, () => {
      // model_based_pick first, as hpbandster's config generators put it.
      const { model_based_pick, ...rest } = info;
      return `[${id}, ${toPythonJson(config)}, ${toPythonJson({ model_based_pick, ...rest })}]\n`;
    });
    appendLine(this.configsPath, this.configsFd, line);
  }

  /**
   * Appends one finished run to results.json. Budget, loss and timestamps are written as Python
   * floats (`9.0`); a failed run (`loss === null`) is written with result `null` and its error
   * text, as hpbandster does, so its `info` is not logged (the format has no place for it).
   *
   * @throws InvalidOptionError when `run.configId` is not three non-negative integers.
   * @throws RunLogError naming results.json when the logger is closed, the line cannot be
   *   serialised or written.
   */
  logResult(run: Run): void {
    const id = formatConfigId(run.configId, 'run.configId');
    const line = serialise(this.resultsPath, () => {
      const { submitted, started, finished } = run.timestamps;
      const times = `{"submitted": ${pythonFloat(submitted)}, "started": ${pythonFloat(started)}, "finished": ${pythonFloat(finished)}}`;
      const result = run.loss === null ? 'null' : `{"loss": ${pythonFloat(run.loss)}, "info": ${toPythonJson(run.info)}}`;
      const error = run.error === null ? 'null' : toPythonJson(run.error);
      return `[${id}, ${pythonFloat(run.budget)}, ${times}, ${result}, ${error}]\n`;
    });
    appendLine(this.resultsPath, this.resultsFd, line);
  }

  /** Closes both files. Further logging throws; closing again does nothing. */
  close(): void {
    const fds = [this.configsFd, this.resultsFd];
    this.configsFd = undefined;
    this.resultsFd = undefined;
    for (const fd of fds) if (fd !== undefined) fs.closeSync(fd);
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new RunLogError('ERR_RUN_LOG_IO', file, undefined, `cannot inspect: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * `'a+'` without following a link: O_APPEND for writing (every write lands at the end, whatever
 * the offset), readable so that 'append' can read what is there, created when missing.
 */
const APPEND_FLAGS = fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_RDWR;

/** Opens one log file for appending, truncating it or removing its cut lines per `mode`. */
function openLog(file: string, mode: RunLoggerMode): number {
  return attempt(file, 'cannot open', () => {
    let fd = openNoFollow(file, APPEND_FLAGS);
    try {
      if (mode === 'overwrite') {
        fs.ftruncateSync(fd, 0);
      } else if (mode === 'append') {
        const repaired = withoutCutLines(fs.readFileSync(fd, 'utf8'));
        if (repaired !== undefined) {
          // Replaced whole (a temporary file renamed over it), so a crash now leaves the old log or
          // the repaired one; the run directory is locked, so nobody appends meanwhile.
          writeFileAtomic(file, repaired);
          fs.closeSync(fd);
          fd = openNoFollow(file, APPEND_FLAGS);
        }
      }
      return fd;
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  });
}

/**
 * The log's text without the lines a crash cut short, or undefined when there are none. A cut
 * line is a strict prefix of a line (what a write killed midway leaves: see the crash-safety
 * contract); it is dropped wherever it is — at the end, or in the middle where an append after an
 * older resume left it — because line-by-line readers such as hpbandster's fail on it. A last line
 * that is complete but lacks its newline gets one. Lines that are not JSON for another reason are
 * kept: that is corruption, not a crash, and the reader reports it with its line number.
 */
function withoutCutLines(text: string): string | undefined {
  if (text === '') return undefined;
  const lines = text.split('\n');
  const endsWithNewline = lines.at(-1) === '';
  if (endsWithNewline) lines.pop();
  const kept = lines.filter((line) => !isCutLine(line.endsWith('\r') ? line.slice(0, -1) : line));
  if (kept.length === lines.length && endsWithNewline) return undefined;
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}

function isCutLine(line: string): boolean {
  if (line.trim() === '') return false;
  try {
    JSON.parse(line);
    return false;
  } catch {
    try {
      parsePythonJson(line); // NaN, Infinity
      return false;
    } catch (error) {
      return error instanceof PythonJsonSyntaxError && error.truncated;
    }
  }
}

function appendLine(file: string, fd: number | undefined, line: string): void {
  if (fd === undefined) throw new RunLogError('ERR_RUN_LOG_CLOSED', file, undefined, 'the run logger is closed');
  attempt(file, 'cannot append', () => writeFully(fd, Buffer.from(line, 'utf8')));
}

/** One write(2) per line; more only if the kernel writes short (disk nearly full, a signal). */
function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw new Error('write made no progress');
    offset += written;
  }
}

function serialise(file: string, build: () => string): string {
  return attempt(file, 'cannot serialise the line', build, 'ERR_RUN_LOG_UNSERIALISABLE');
}

function formatConfigId(configId: ConfigId, name: string): string {
  if (!isConfigId(configId)) throw invalidOption(name, CONFIG_ID_FORM, configId);
  return `[${configId[0]}, ${configId[1]}, ${configId[2]}]`;
}
