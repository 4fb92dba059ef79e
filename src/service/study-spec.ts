import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEARCH_DEFAULTS, type SearchOptions } from '../core/search.js';
import type { OptimizerName } from '../optimizers/optimizer.js';
import { readConfigSpaceJson } from '../space/configspace-json.js';
import { readRunSettings } from '../storage/run-settings.js';
import { SERVICE_PRESETS, type ServicePresetName } from './presets.js';
import { ServiceError } from './service-error.js';
import { studyDirectory } from './study-name.js';

/** How a study is created over the API (`POST /api/studies`); the body schema checks the types. */
export interface StudySpec {
  /** The study's name: its folder under `--data`. */
  readonly name: string;
  /** The configuration space as ConfigSpace JSON (0.4 or 1.x schema). Give this or `preset`. */
  readonly space?: Readonly<Record<string, unknown>>;
  /** A space that bandster ships, with its budgets (see `SERVICE_PRESETS`). */
  readonly preset?: ServicePresetName;
  /** @defaultValue 'bohb' */
  readonly optimizer?: OptimizerName;
  readonly minBudget?: number;
  readonly maxBudget?: number;
  readonly eta?: number;
  readonly nIterations?: number;
  readonly asynchronous?: boolean;
  readonly seed?: number;
  /** BOHB's model options (with the optimizer 'bohb'). */
  readonly model?: Readonly<Record<string, unknown>>;
  /** Milliseconds a client has to tell a job's result before it is handed out again. */
  readonly leaseTimeoutMs?: number;
  /** Names of studies in the same `--data` whose results feed this one's model (warm start). */
  readonly warmStartFrom?: readonly string[];
}

/** What a study directory records beside the hpbandster log (`study.json`). */
export interface StudyRecord {
  readonly bandster: 1;
  readonly name: string;
  readonly created: string;
  readonly preset: string | null;
  readonly leaseTimeoutMs: number | null;
}

/** The study record's file name. */
export const STUDY_FILE = 'study.json';

/** The search options of a new study (checked further by the Search constructor). */
export function searchOptionsFromSpec(dataDir: string, spec: StudySpec): SearchOptions {
  const logDir = studyDirectory(dataDir, spec.name, 'body.name');
  if ((spec.space === undefined) === (spec.preset === undefined)) {
    throw new ServiceError('ERR_BAD_REQUEST', 'give exactly one of body.space (ConfigSpace JSON) and body.preset', 'body.space');
  }
  const preset = spec.preset === undefined ? undefined : SERVICE_PRESETS[spec.preset]();
  const space = preset?.space ?? readConfigSpaceJson(spec.space as object);
  const warmStartFrom = (spec.warmStartFrom ?? []).map((source, i) => {
    const dir = studyDirectory(dataDir, source, `body.warmStartFrom[${i}]`);
    if (!fs.existsSync(path.join(dir, STUDY_FILE))) {
      throw new ServiceError(
        'ERR_UNKNOWN_STUDY',
        `body.warmStartFrom[${i}]: no study ${JSON.stringify(source)}`,
        `body.warmStartFrom[${i}]`,
      );
    }
    return dir;
  });
  const nIterations = spec.nIterations ?? preset?.nIterations;
  if (nIterations === undefined)
    throw new ServiceError('ERR_BAD_REQUEST', 'body.nIterations is required without a preset', 'body.nIterations');
  const minBudget = spec.minBudget ?? preset?.minBudget;
  const maxBudget = spec.maxBudget ?? preset?.maxBudget;
  const eta = spec.eta ?? preset?.eta ?? SEARCH_DEFAULTS.eta;
  return {
    space,
    optimizer: spec.optimizer,
    minBudget,
    maxBudget,
    eta,
    nIterations,
    asynchronous: spec.asynchronous,
    seed: spec.seed,
    model: spec.model,
    leaseTimeoutMs: spec.leaseTimeoutMs,
    warmStartFrom: warmStartFrom.length > 0 ? warmStartFrom : undefined,
    logDir,
  };
}

/** The search options that resume the study logged in `dir` (its run.json, configspace.json and study.json). */
export function searchOptionsFromDirectory(dir: string, record: StudyRecord): SearchOptions {
  const settings = readRunSettings(dir);
  if (!settings) throw new Error(`${dir}: run.json is missing`);
  const space = readConfigSpaceJson(fs.readFileSync(path.join(dir, 'configspace.json'), 'utf8'));
  return {
    space,
    optimizer: settings.optimizer as OptimizerName,
    minBudget: settings.minBudget,
    maxBudget: settings.maxBudget,
    eta: settings.eta,
    nIterations: settings.nIterations,
    asynchronous: settings.asynchronous ?? false,
    seed: settings.seed,
    model: Object.keys(settings.model).length > 0 ? settings.model : undefined,
    leaseTimeoutMs: record.leaseTimeoutMs ?? undefined,
    logDir: dir,
    resume: true,
  };
}

/** Reads `dir/study.json`; undefined when the folder is not a study. */
export function readStudyRecord(dir: string): StudyRecord | undefined {
  const file = path.join(dir, STUDY_FILE);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StudyRecord;
}

/** Writes `dir/study.json` atomically (a temporary file renamed over it). */
export function writeStudyRecord(dir: string, record: StudyRecord): void {
  const file = path.join(dir, STUDY_FILE);
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(temporary, file);
}
