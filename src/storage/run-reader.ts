import * as fs from 'node:fs';
import * as path from 'node:path';

import { RunLogError } from './run-log-error.js';
import { CONFIG_ID_FORM, configIdKey, isConfigId } from '../core/types.js';
import type { ConfigId, ConfigInfo, Configuration, HyperparameterValue, Run, RunTimestamps } from '../core/types.js';
import { parsePythonJson, type PythonJsonSyntaxError } from './python-json.js';
import { CONFIGS_FILE, RESULTS_FILE, SPACE_FILE } from './run-logger.js';

/** One configuration of a logged run. */
export interface LoggedConfig {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly info: ConfigInfo;
}

/** What a run directory holds. */
export interface LoggedRun {
  /** Configurations by {@link configIdKey}, in the order first logged. */
  readonly configs: Map<string, LoggedConfig>;
  /** Runs in the order logged (results.json line order). */
  readonly runs: Run[];
  /** The parsed configspace.json, or undefined when the directory has none. */
  readonly spaceJson: unknown | undefined;
  /** Lines skipped and other things a caller may want to tell the user about. */
  readonly warnings: string[];
}

/**
 * Reads a run directory written by hpbandster's `json_result_logger` or by bandster's
 * `RunLogger`.
 *
 * Tolerated, with a warning each:
 * - a last line that does not parse (truncated or otherwise): the process was killed while
 *   writing it;
 * - a line anywhere that is a *strict prefix of valid JSON* (every character acceptable, the
 *   text merely ends too early). A kill mid-write can only leave such a prefix, and when the run
 *   is resumed the logger ends it with a newline and appends after it, so it ends up in the middle.
 * - a missing results.json (configurations sampled, nothing finished).
 *
 * Skipped silently: blank lines (they hold no entry).
 *
 * Errors (RunLogError naming the file and 1-based line): any other unparsable line (bytes
 * changed, lines glued together, junk after a value: corruption a crash cannot produce), any
 * line of the wrong shape even if last (a strict prefix of an array is never a complete value,
 * so a crash cannot produce one either), and a result whose configuration was never logged.
 * A cut that happens to fall exactly at the end of a value still parses and is read normally.
 *
 * hpbandster compatibility: a configs line of two elements (older hpbandster, no config info)
 * is accepted; config info without `model_based_pick` (hpbandster's random sampler logs `{}`)
 * reads as `model_based_pick: false`; a result whose `info` is not a dict is kept as
 * `{value: info}`; a configuration logged twice keeps its last line, as hpbandster does.
 *
 * A loss that is not finite (Python's json writes `NaN`, `Infinity`, `-Infinity`) is read as a
 * failure — loss null, error `non-finite-loss: …` — exactly as when an objective returns one, so
 * that nothing downstream (ranking, promotions on resume, warm start, the model) can take it for
 * a result. Every results line is returned, duplicates included (`Result` counts a job once).
 *
 * @throws RunLogError as above, and when the directory or configs.json is missing or unreadable.
 */
export function readRunDirectory(dir: string): LoggedRun {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    throw new RunLogError('ERR_RUN_LOG_NOT_FOUND', dir, undefined, 'no such run directory', { cause: error });
  }
  if (!stat.isDirectory()) throw new RunLogError('ERR_RUN_LOG_NOT_FOUND', dir, undefined, 'is not a directory');

  const warnings: string[] = [];
  const configsPath = path.join(dir, CONFIGS_FILE);
  const configsText = readText(configsPath);
  if (configsText === undefined)
    throw new RunLogError('ERR_RUN_LOG_NOT_FOUND', configsPath, undefined, 'missing: not a run directory (no configs.json)');

  const configs = new Map<string, LoggedConfig>();
  for (const { lineNumber, value } of parseLines(configsPath, configsText, warnings)) {
    const entry = toLoggedConfig(value, (message) => new RunLogError('ERR_RUN_LOG_CORRUPT', configsPath, lineNumber, message));
    configs.set(configIdKey(entry.configId), entry);
  }

  const resultsPath = path.join(dir, RESULTS_FILE);
  const resultsText = readText(resultsPath);
  const runs: Run[] = [];
  if (resultsText === undefined) {
    warnings.push(`${resultsPath}: missing; reading the run as having no finished runs`);
  } else {
    for (const { lineNumber, value } of parseLines(resultsPath, resultsText, warnings)) {
      const fail = (message: string): RunLogError => new RunLogError('ERR_RUN_LOG_CORRUPT', resultsPath, lineNumber, message);
      const run = toRun(value, fail);
      if (!configs.has(configIdKey(run.configId))) {
        throw fail(`result for configuration ${JSON.stringify(run.configId)}, which configs.json does not hold`);
      }
      runs.push(run);
    }
  }

  const spacePath = path.join(dir, SPACE_FILE);
  const spaceText = readText(spacePath);
  let spaceJson: unknown;
  if (spaceText !== undefined) {
    try {
      spaceJson = parsePythonJson(spaceText);
    } catch (error) {
      throw new RunLogError('ERR_RUN_LOG_CORRUPT', spacePath, undefined, `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  return { configs, runs, spaceJson, warnings };
}

/** The file's text, or undefined when it does not exist. */
function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RunLogError('ERR_RUN_LOG_IO', file, undefined, `cannot read: ${(error as Error).message}`, { cause: error });
  }
}

/** Parses each non-blank line, applying the tolerance rule documented on {@link readRunDirectory}. */
function parseLines(file: string, text: string, warnings: string[]): Array<{ lineNumber: number; value: unknown }> {
  const lines = text.split('\n');
  let lastNonBlank = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trim() !== '') {
      lastNonBlank = i;
      break;
    }
  }
  const parsed: Array<{ lineNumber: number; value: unknown }> = [];
  lines.forEach((rawLine, i) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine; // written in text mode on Windows
    if (line.trim() === '') return;
    const lineNumber = i + 1;
    try {
      parsed.push({ lineNumber, value: parsePythonJson(line) });
    } catch (error) {
      const syntax = error as PythonJsonSyntaxError;
      if (i === lastNonBlank) {
        warnings.push(
          syntax.truncated
            ? `${file}:${lineNumber}: ignoring a truncated last line (the process was probably killed while writing)`
            : `${file}:${lineNumber}: ignoring an unparsable last line (${syntax.message})`,
        );
      } else if (syntax.truncated) {
        warnings.push(
          `${file}:${lineNumber}: ignoring a truncated line (the process was probably killed while writing it, then the run was resumed)`,
        );
      } else {
        throw new RunLogError('ERR_RUN_LOG_CORRUPT', file, lineNumber, `not valid JSON: ${syntax.message}`);
      }
    }
  });
  return parsed;
}

type Fail = (message: string) => RunLogError;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toConfigId(value: unknown, fail: Fail): ConfigId {
  if (!isConfigId(value)) throw fail(`the config id must be ${CONFIG_ID_FORM} (got ${JSON.stringify(value)})`);
  return [value[0], value[1], value[2]];
}

function toLoggedConfig(value: unknown, fail: Fail): LoggedConfig {
  if (!Array.isArray(value) || (value.length !== 3 && value.length !== 2)) {
    throw fail('a configs line must be [config id, config, config info]');
  }
  const configId = toConfigId(value[0], fail);
  const config = value[1];
  if (!isPlainObject(config)) throw fail('the configuration must be a dict');
  for (const [name, hyperparameterValue] of Object.entries(config)) {
    const type = typeof hyperparameterValue;
    if (type !== 'number' && type !== 'string' && type !== 'boolean') {
      throw fail(`hyperparameter ${JSON.stringify(name)} must be a number, string or boolean (got ${JSON.stringify(hyperparameterValue)})`);
    }
  }
  const rawInfo = value.length === 3 ? value[2] : null;
  if (rawInfo !== null && !isPlainObject(rawInfo)) throw fail('the config info must be a dict');
  const modelBasedPick = rawInfo?.model_based_pick ?? false;
  if (typeof modelBasedPick !== 'boolean') throw fail('model_based_pick must be true or false');
  const info: ConfigInfo = { ...rawInfo, model_based_pick: modelBasedPick };
  return { configId, config: config as Record<string, HyperparameterValue>, info };
}

function toRun(value: unknown, fail: Fail): Run {
  if (!Array.isArray(value) || value.length !== 5) {
    throw fail('a results line must be [config id, budget, timestamps, result, error]');
  }
  const [rawId, budget, rawTimes, result, error] = value;
  const configId = toConfigId(rawId, fail);
  if (typeof budget !== 'number' || !Number.isFinite(budget))
    throw fail(`the budget must be a finite number (got ${JSON.stringify(budget)})`);
  if (!isPlainObject(rawTimes)) throw fail('the timestamps must be a dict');
  const timestamps = {} as RunTimestamps;
  for (const key of ['submitted', 'started', 'finished'] as const) {
    const time = rawTimes[key];
    if (typeof time !== 'number') throw fail(`timestamps.${key} must be a number (got ${JSON.stringify(time)})`);
    timestamps[key] = time;
  }
  let loss: number | null = null;
  let info: Record<string, unknown> = {};
  if (result !== null) {
    if (!isPlainObject(result)) throw fail('the result must be a dict {"loss": ..., "info": ...} or null');
    if (result.loss !== null && typeof result.loss !== 'number')
      throw fail(`the loss must be a number or null (got ${JSON.stringify(result.loss)})`);
    loss = (result.loss as number | null | undefined) ?? null;
    if (isPlainObject(result.info)) info = result.info;
    else if (result.info !== null && result.info !== undefined) info = { value: result.info };
  }
  if (error !== null && typeof error !== 'string') throw fail('the error must be a string or null');
  if (loss !== null && !Number.isFinite(loss)) {
    // Python's json writes NaN and ±Infinity, so hpbandster's logs can hold them: a failure, as when
    // an objective returns one (the ranking, the promotions, the model and warm start all see null).
    const reason = `non-finite-loss: the log holds a non-finite loss (${loss})`;
    return { configId, budget, loss: null, info, error: error === null ? reason : `${reason}; ${error}`, timestamps };
  }
  return { configId, budget, loss, info, error, timestamps };
}
