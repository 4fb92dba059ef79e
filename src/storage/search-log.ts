import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidOptionError } from '../core/errors.js';
import { RunLogError } from './run-log-error.js';
import { configIdKey, type ConfigId, type ConfigInfo, type Configuration, type Run } from '../core/types.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import { writeConfigSpaceJson } from '../space/configspace-json.js';
import { CONFIGS_FILE, RESULTS_FILE, RunLogger } from './run-logger.js';
import { readRunDirectory, type LoggedRun } from './run-reader.js';
import { readRunSettings, writeRunSettings, type RunSettings } from './run-settings.js';

/** What the search log needs to know of the search's options (the optimizer by name only). */
export interface SearchLogOptions {
  readonly space: ConfigurationSpace;
  /** The optimizer's name, recorded in run.json. */
  readonly optimizer: string;
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
  readonly nIterations: number;
  readonly asynchronous?: boolean;
  readonly seed?: number;
  readonly model?: Readonly<Record<string, unknown>>;
  readonly logDir?: string;
  readonly resume?: boolean;
  readonly overwrite?: boolean;
  readonly warmStartFrom?: string | readonly string[];
}

interface KnownConfig {
  readonly config: Configuration;
  readonly info: ConfigInfo;
}

/**
 * The search's view of its run directory: where new lines go, and what an earlier
 * process (resume) or an earlier search (warm start) already finished.
 */
export interface SearchLog {
  readonly settings: RunSettings;
  /** Finished evaluations that are not replayed through iterations: warm-start runs. */
  readonly earlierRuns: readonly { config: Configuration; run: Run }[];
  /** A configuration already sampled (resume) or taken over from a warm-start source. */
  restoredConfig(configId: ConfigId): KnownConfig | undefined;
  /** A finished evaluation of this search logged before a crash (resume). */
  restoredResult(configId: ConfigId, budget: number): Run | undefined;
  /** Every configuration of this search logged before a crash, with its finished evaluations (resume). */
  restoredConfigs(): { configId: ConfigId; config: Configuration; info: ConfigInfo; runs: Run[] }[];
  logConfig(configId: ConfigId, config: Configuration, info: ConfigInfo): void;
  logResult(run: Run): void;
  close(): void;
}

/**
 * A search log read but not yet written: its settings (seed included) are known, so the search can
 * build and check everything it needs before {@link PreparedSearchLog.open} writes a single file.
 */
export interface PreparedSearchLog {
  readonly settings: RunSettings;
  /** Ids of this search's configurations in the log being resumed (warm-start ones excluded); empty for a new run. */
  readonly resumedConfigIds: readonly ConfigId[];
  /**
   * Creates or reopens the run directory and writes the new run's files; `onClose` runs when the
   * log is closed (the search releases its directory lock there).
   */
  open(options?: { readonly onClose?: () => void }): SearchLog;
}

/**
 * Reads what the search continues from (resume) or learns from (warm start) and settles the run's
 * settings; writes nothing.
 */
export function prepareSearchLog(options: SearchLogOptions, warn: (message: string) => void): PreparedSearchLog {
  const dir = options.logDir;
  if (dir && !options.resume && !options.overwrite) refuseExistingRun(dir);
  const logged = dir && options.resume ? readExistingRun(dir, warn) : undefined;
  const warmStartFrom =
    options.warmStartFrom === undefined
      ? []
      : typeof options.warmStartFrom === 'string'
        ? [options.warmStartFrom]
        : [...options.warmStartFrom];
  const sources = logged ? [] : readWarmStartSources(warmStartFrom, options.space, warn);
  const settings = logged ? resumedSettings(options, logged.settings, dir!) : freshSettings(options, warmStartFrom, sources);
  const known = new Map<string, KnownConfig>();
  const restoredResults = new Map<string, Run>();
  const earlierRuns: { config: Configuration; run: Run }[] = [];

  const addEarlier = (run: LoggedRun): void => {
    for (const [key, entry] of run.configs) known.set(key, { config: entry.config, info: entry.info });
    for (const result of run.runs) earlierRuns.push({ config: known.get(configIdKey(result.configId))!.config, run: result });
  };
  for (const source of sources) addEarlier(source);
  if (logged) {
    for (const [key, entry] of logged.run.configs) known.set(key, { config: entry.config, info: entry.info });
    for (const result of logged.run.runs) {
      if (result.configId[0] < settings.iterationOffset) {
        earlierRuns.push({ config: known.get(configIdKey(result.configId))!.config, run: result });
      } else {
        // A job re-run after a crash has one result; should two exist (a log written before run
        // directories were locked), the last one counts, as in Result and in hpbandster.
        restoredResults.set(resultKey(result.configId, result.budget), result);
      }
    }
  }

  /** A new run's space, settings and warm-start runs; a resumed run's settings when they changed. */
  const writeFirstFiles = (logger: RunLogger): void => {
    if (!logged) {
      logger.writeSpace(writeConfigSpaceJson(options.space));
      writeRunSettings(dir!, settings);
      // The new log holds the warm-start runs too (hpbandster drops them: its issue #92).
      for (const source of sources) {
        for (const entry of source.configs.values()) logger.logConfig(entry.configId, entry.config, entry.info);
        for (const result of source.runs) logger.logResult(result);
      }
    } else if (settings.nIterations !== logged.settings.nIterations) {
      writeRunSettings(dir!, settings);
    }
  };

  const open = ({ onClose }: { readonly onClose?: () => void } = {}): SearchLog => {
    let logger: RunLogger | undefined;
    if (dir) {
      logger = RunLogger.open(dir, { mode: logged ? 'append' : options.overwrite ? 'overwrite' : 'new' });
      try {
        writeFirstFiles(logger);
      } catch (error) {
        logger.close();
        throw error;
      }
    }

    return {
      settings,
      earlierRuns,
      restoredConfig: (configId) => known.get(configIdKey(configId)),
      restoredResult: (configId, budget) => restoredResults.get(resultKey(configId, budget)),
      restoredConfigs: () => {
        if (!logged) return [];
        const runsByConfig = new Map<string, Run[]>();
        for (const run of restoredResults.values()) {
          const key = configIdKey(run.configId);
          runsByConfig.set(key, [...(runsByConfig.get(key) ?? []), run]);
        }
        return [...logged.run.configs.values()]
          .filter((entry) => entry.configId[0] >= settings.iterationOffset)
          .map((entry) => ({ ...entry, runs: runsByConfig.get(configIdKey(entry.configId)) ?? [] }));
      },
      logConfig: (configId, config, info) => logger?.logConfig(configId, config, info),
      logResult: (run) => logger?.logResult(run),
      close: () => {
        try {
          logger?.close();
        } finally {
          onClose?.();
        }
      },
    };
  };
  const resumedConfigIds = logged
    ? [...logged.run.configs.values()].map((entry) => entry.configId).filter((configId) => configId[0] >= settings.iterationOffset)
    : [];
  return { settings, resumedConfigIds, open };
}

function resultKey(configId: ConfigId, budget: number): string {
  return `${configIdKey(configId)}@${budget}`;
}

function freshSettings(options: SearchLogOptions, warmStartFrom: readonly string[], sources: readonly LoggedRun[]): RunSettings {
  let iterationOffset = 0;
  for (const source of sources)
    for (const entry of source.configs.values()) iterationOffset = Math.max(iterationOffset, entry.configId[0] + 1);
  return {
    optimizer: options.optimizer,
    minBudget: options.minBudget,
    maxBudget: options.maxBudget,
    eta: options.eta,
    nIterations: options.nIterations,
    asynchronous: options.asynchronous ?? false,
    seed: options.seed ?? randomInt(0, 2 ** 31 - 1),
    iterationOffset,
    model: { ...(options.model ?? {}) },
    warmStartFrom: warmStartFrom.map((source) => path.resolve(source)),
  };
}

/**
 * A new search never replaces a run: the same check as RunLogger's mode 'new', said in the
 * search's terms (the CLI shows them as --resume and --overwrite).
 */
function refuseExistingRun(dir: string): void {
  for (const name of [CONFIGS_FILE, RESULTS_FILE]) {
    const file = path.join(dir, name);
    let size = 0;
    try {
      size = fs.statSync(file).size;
    } catch {
      continue; // missing (or unreadable: RunLogger.open names that)
    }
    if (size > 0) {
      throw new RunLogError(
        'ERR_RUN_LOG_EXISTS',
        file,
        undefined,
        'already holds a run: set options.resume to continue it, or options.overwrite to replace it',
      );
    }
  }
}

function readExistingRun(dir: string, warn: (message: string) => void): { settings: RunSettings; run: LoggedRun } | undefined {
  const settings = readRunSettings(dir);
  if (!settings) {
    if (fs.existsSync(path.join(dir, 'configs.json'))) {
      throw new RunLogError(
        'ERR_RUN_LOG_NOT_RESUMABLE',
        path.join(dir, 'run.json'),
        undefined,
        'is missing: this run was not written by bandster and cannot be resumed (use warm start instead)',
      );
    }
    warn(`nothing to resume in ${dir}: starting a new search there`);
    return undefined;
  }
  const run = readRunDirectory(dir);
  for (const message of run.warnings) warn(message);
  return { settings, run };
}

/** The logged settings, checked against the options of the resuming call. */
function resumedSettings(options: SearchLogOptions, logged: RunSettings, dir: string): RunSettings {
  const given: Record<string, unknown> = {
    optimizer: options.optimizer,
    minBudget: options.minBudget,
    maxBudget: options.maxBudget,
    eta: options.eta,
    asynchronous: options.asynchronous ?? false,
  };
  if (options.seed !== undefined) given.seed = options.seed;
  for (const [field, value] of Object.entries(given)) {
    const before = (logged as unknown as Record<string, unknown>)[field] ?? (field === 'asynchronous' ? false : undefined);
    if (before !== value) {
      throw new InvalidOptionError(
        `options.${field} differs from the run being resumed in ${dir} (got ${JSON.stringify(value)}, the run has ${JSON.stringify(before)})`,
      );
    }
  }
  const spaceFile = path.join(dir, 'configspace.json');
  if (fs.existsSync(spaceFile) && fs.readFileSync(spaceFile, 'utf8').trim() !== writeConfigSpaceJson(options.space).trim()) {
    throw new InvalidOptionError(`options.space differs from the one the run being resumed used (${spaceFile})`);
  }
  return { ...logged, nIterations: options.nIterations };
}

/** Reads warm-start sources, renumbering iterations so that ids from several sources stay distinct. */
function readWarmStartSources(sources: readonly string[], space: ConfigurationSpace, warn: (message: string) => void): LoggedRun[] {
  let offset = 0;
  return sources.map((source) => {
    const run = readRunDirectory(source);
    for (const message of run.warnings) warn(message);
    const shift = (id: ConfigId): ConfigId => [id[0] + offset, id[1], id[2]];
    const configs = new Map<string, LoggedRun['configs'] extends Map<string, infer V> ? V : never>();
    for (const entry of run.configs.values()) {
      try {
        space.validate(entry.config);
      } catch (error) {
        throw new InvalidOptionError(
          `warm-start run ${source}: configuration ${configIdKey(entry.configId)} does not fit this search's space: ${(error as Error).message}`,
        );
      }
      const configId = shift(entry.configId);
      configs.set(configIdKey(configId), { ...entry, configId });
    }
    const runs = run.runs.map((result) => ({ ...result, configId: shift(result.configId) }));
    let maxIteration = offset - 1;
    for (const entry of configs.values()) maxIteration = Math.max(maxIteration, entry.configId[0]);
    offset = maxIteration + 1;
    return { ...run, configs, runs };
  });
}
