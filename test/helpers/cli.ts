import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder: the CLI runs from here so relative paths in tests resolve as in the README. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The `bandster` command's entry point, run with this Node binary (the package's `bin`). */
export const BANDSTER_BIN = path.join(REPO_ROOT, 'bin/bandster.js');

export interface RunBandsterOptions {
  /** Variables added to this process's environment for the child. */
  readonly env?: Readonly<Record<string, string>>;
  /** The child's working folder; the repository root unless given. */
  readonly cwd?: string;
  /** Text written to the child's stdin. */
  readonly input?: string;
  /** Milliseconds before the child is killed (spawnSync's `timeout`); none unless given. */
  readonly timeout?: number;
  /** The signal that ends a child past `timeout` (spawnSync's default is SIGTERM). */
  readonly killSignal?: NodeJS.Signals;
}

/** Runs `bandster ...args` to completion and returns spawnSync's result (stdout and stderr as text). */
export function runBandster(args: readonly string[], options: RunBandsterOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BANDSTER_BIN, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    timeout: options.timeout,
    killSignal: options.killSignal,
  });
}

/** test/cli/fixtures/x-space.json: one float `x` in [0, 1]. */
export const X_SPACE = fileURLToPath(new URL('../cli/fixtures/x-space.json', import.meta.url));

/** test/cli/fixtures/gated-objective.mjs: an instant objective that can hold its first job until the test opens a gate. */
export const GATED_OBJECTIVE = fileURLToPath(new URL('../cli/fixtures/gated-objective.mjs', import.meta.url));

export interface SmallRunOptions {
  readonly space?: string;
  readonly objective?: string;
  readonly maxBudget?: string;
}

/**
 * `bandster run --space … --objective … --min-budget 1 --max-budget …`: the start of the small command-line searches
 * the tests run (X_SPACE, GATED_OBJECTIVE and budgets 1…9 unless given); each test appends its own flags.
 */
export function smallRunArgs(options: SmallRunOptions = {}): string[] {
  const { space = X_SPACE, objective = GATED_OBJECTIVE, maxBudget = '9' } = options;
  return ['run', '--space', space, '--objective', objective, '--min-budget', '1', '--max-budget', maxBudget];
}

/** Options of {@link tinySegmentationArgs}. */
export interface TinySegmentationOptions {
  /** The dataset folder (`--data`); a synthetic one is generated there when it is empty. */
  readonly data: string;
  /** `--max-patches`: how many 32-pixel patches the job reads. */
  readonly maxPatches: number;
  /** `--synth-scale` of the generated dataset; the command's default unless given. */
  readonly synthScale?: number;
}

/** The dataset and model flags that keep `tune`, `compare` and friends test-sized: 32-pixel patches, a depth-2 U-Net. */
export function tinySegmentationArgs(options: TinySegmentationOptions): string[] {
  const scale = options.synthScale === undefined ? [] : ['--synth-scale', String(options.synthScale)];
  return ['--data', options.data, ...scale, '--patch', '32', '--max-patches', String(options.maxPatches), '--depth', '2'];
}
