// Issue 12, items 5 and 11: how `bandster run` ends when its objective misbehaves — a promise that
// never settles, a module that never loads, process.exit() — and the distinct exit statuses of a
// search where every job failed (3) or an objective ended the process (4); 130/143 for signals are
// checked in test/core/scheduler-responsiveness.test.ts.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Result } from '../../src/core/result.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, smallRunArgs } from '../helpers/cli.js';

const objective = fileURLToPath(new URL('./fixtures/never-settles.mjs', import.meta.url));
const neverLoads = fileURLToPath(new URL('./fixtures/never-loads.mjs', import.meta.url));

function run(logDir: string, mode: string, ...flags: string[]) {
  return runBandster([...smallRunArgs({ objective }), '--iterations', '2', '--seed', '7', '--log-dir', logDir, ...flags], {
    env: { BANDSTER_TEST_MODE: mode },
    timeout: 120_000,
  });
}

test('jobs whose promise never settles fail, each named on stderr, and the search goes on (no silent exit 13)', (t) => {
  const logDir = path.join(tempDir(t), 'run');
  const half = run(logDir, 'half-never-settles', '--json');
  assert.equal(half.status, 0, half.stderr.slice(-2000));
  const result = Result.fromDirectory(logDir);
  const stuck = result.allRuns().filter((entry) => entry.error?.startsWith('never-settled:'));
  assert.ok(stuck.length > 0 && stuck.length < result.nRuns, `${stuck.length} of ${result.nRuns} never settled`);
  for (const entry of stuck) {
    assert.ok((result.configOf(entry.configId) as { x: number }).x < 0.5);
    assert.match(
      half.stderr,
      new RegExp(`warning: the objective's promise for configuration ${entry.configId.join('-')} on budget ${entry.budget} never settled`),
    );
  }
  assert.equal(JSON.parse(half.stdout).nRuns, result.nRuns);
});

test('a search where every job failed exits 3, and says so', (t) => {
  const failing = run(path.join(tempDir(t), 'run'), 'throws');
  assert.equal(failing.status, 3, failing.stderr.slice(-2000));
  assert.match(failing.stderr, /error: all \d+ evaluations failed/);
});

test('process.exit() in an objective ends bandster with status 4 and a message naming the job', (t) => {
  const logDir = path.join(tempDir(t), 'run');
  const exited = run(logDir, 'exits');
  assert.equal(exited.status, 4);
  assert.match(
    exited.stderr,
    /error: the process was ended by process\.exit\(0\) while a job ran \(configuration 0-0-0 on budget 1\): an objective must return a loss or throw, never exit\..*--resume/,
  );
});

test('a module whose top-level await never settles is an error, inline and (bounded by --timeout) in threads', (t) => {
  const dir = tempDir(t);
  const args = (logDir: string, ...flags: string[]) => [...smallRunArgs({ objective: neverLoads }), '--log-dir', logDir, ...flags];
  const inline = runBandster(args(path.join(dir, 'a')), { timeout: 60_000 });
  assert.equal(inline.status, 2, inline.stderr);
  assert.match(inline.stderr, /error: --objective .*never-loads\.mjs cannot be loaded: its top-level code never finished/);
  const threads = runBandster(args(path.join(dir, 'b'), '--workers', '1', '--timeout', '1500'), {
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  assert.equal(threads.status, 2, threads.stderr);
  assert.match(
    threads.stderr,
    /error: --objective .*never-loads\.mjs cannot be used: it did not finish loading within --timeout \(1500 ms\)/,
  );
});
