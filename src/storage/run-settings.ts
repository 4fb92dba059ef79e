import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunLogError } from '../core/errors.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** What a run directory records about the search that wrote it, so `--resume` continues the same search. */
export interface RunSettings {
  readonly optimizer: string;
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
  readonly nIterations: number;
  /** Asynchronous successive halving (ASHA) instead of hpbandster's synchronous iterations. */
  readonly asynchronous?: boolean;
  readonly seed: number;
  /** Iterations below this number came from warm-start sources, not from this search. */
  readonly iterationOffset: number;
  readonly model: Readonly<Record<string, unknown>>;
  readonly warmStartFrom: readonly string[];
}

export const RUN_SETTINGS_FILE = 'run.json';

export function writeRunSettings(dir: string, settings: RunSettings): void {
  writeFileAtomic(path.join(dir, RUN_SETTINGS_FILE), `${JSON.stringify({ bandster: 1, ...settings }, null, 2)}\n`);
}

export function readRunSettings(dir: string): RunSettings | undefined {
  const file = path.join(dir, RUN_SETTINGS_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunSettings;
  } catch (error) {
    throw new RunLogError(file, undefined, `cannot be read: ${(error as Error).message}`);
  }
}
