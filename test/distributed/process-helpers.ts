// Child processes of the distributed tests: `bandster` commands, log and call-file readers.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BANDSTER_BIN, REPO_ROOT } from '../helpers/cli.js';

export const recordingObjective = fileURLToPath(new URL('./fixtures/recording-objective.ts', import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process ended. */
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

export function bandster(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [BANDSTER_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, exited, stdout: () => stdout, stderr: () => stderr };
}

export { loggedResults } from '../helpers/run-logs.js';

/** The starts recorded by the recording objective: `{ pair, pid }` in order. */
export function recordedCalls(file: string): { pair: string; pid: number }[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pair, pid] = line.split(' ');
      return { pair, pid: Number(pid) };
    });
}

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
