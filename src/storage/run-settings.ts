import * as fs from 'node:fs';
import * as path from 'node:path';
import { attempt } from './run-log-error.js';
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
  const file = path.join(dir, RUN_SETTINGS_FILE);
  attempt(file, 'cannot write', () => writeFileAtomic(file, `${JSON.stringify({ bandster: 1, ...settings }, null, 2)}\n`));
}

export function readRunSettings(dir: string): RunSettings | undefined {
  const file = path.join(dir, RUN_SETTINGS_FILE);
  if (!fs.existsSync(file)) return undefined;
  const text = attempt(file, 'cannot be read', () => fs.readFileSync(file, 'utf8'));
  return attempt(file, 'cannot be read', () => JSON.parse(text) as RunSettings, 'ERR_RUN_LOG_CORRUPT');
}
