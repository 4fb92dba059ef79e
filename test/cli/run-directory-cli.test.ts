// Issue 12 through the command line: one writer per run directory (item 1), log files that are
// links refused (item 7), and the "already holds a run" error in the CLI's terms (item 11).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { RunLock } from '../../src/storage/run-lock.js';
import { loggedResults } from '../helpers/run-logs.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BANDSTER_BIN, REPO_ROOT, runBandster, smallRunArgs } from '../helpers/cli.js';

/** Resolves once `file` exists (the child announces an event by creating it). */
async function fileAppears(file: string, child: { exitCode: number | null }): Promise<void> {
  while (!fs.existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}) before ${file} appeared`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a second bandster run on a directory being written is refused, naming the first; the log stays whole', async (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'run');
  const gate = path.join(dir, 'gate');
  const common = [...smallRunArgs(), '--iterations', '1', '--seed', '4', '--log-dir', logDir];
  const first = spawn(process.execPath, [BANDSTER_BIN, ...common, '--json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, BANDSTER_TEST_GATE: gate },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let firstOut = '';
  first.stdout.on('data', (chunk) => (firstOut += chunk));
  const firstExit = new Promise<number | null>((resolve) => first.once('exit', resolve));
  t.after(() => first.kill('SIGKILL'));
  await fileAppears(`${gate}.started`, first);

  for (const flag of ['--resume', '--overwrite']) {
    const second = runBandster([...common, flag]);
    assert.equal(second.status, 2, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(`^error: .*bandster\\.lock: the run is locked by a bandster search \\(bandster run\\) \\(pid ${first.pid} on `, 'm'),
    );
    assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack');
  }
  fs.writeFileSync(`${gate}.open`, '');
  assert.equal(await firstExit, 0);
  assert.equal(JSON.parse(firstOut).nRuns, 13);
  const logged = loggedResults(logDir);
  assert.equal(logged.length, 13);
  assert.equal(new Set(logged).size, 13, 'no row written twice');
});

test('a lock held by another program is respected; a new run in a used directory names --resume and --overwrite', (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'run');
  const held = RunLock.acquire(logDir, { purpose: 'a test holder' });
  const refused = runBandster([...smallRunArgs(), '--iterations', '1', '--log-dir', logDir]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, new RegExp(`locked by a test holder \\(pid ${process.pid} on `));
  assert.deepEqual(fs.readdirSync(logDir), ['bandster.lock'], 'nothing written');
  held.release();

  assert.equal(runBandster([...smallRunArgs(), '--iterations', '1', '--log-dir', logDir, '--json']).status, 0);
  const again = runBandster([...smallRunArgs(), '--iterations', '1', '--log-dir', logDir]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /configs\.json: already holds a run: set --resume to continue it, or --overwrite to replace it\n/);
  assert.doesNotMatch(again.stderr, /mode '(append|overwrite)'|options\./);
});

test('--overwrite refuses a results.json that is a symbolic link, and its target is left alone', (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'run');
  assert.equal(runBandster([...smallRunArgs(), '--iterations', '1', '--log-dir', logDir, '--json']).status, 0);
  const target = path.join(dir, 'elsewhere.txt');
  fs.writeFileSync(target, 'precious\n');
  fs.rmSync(path.join(logDir, 'results.json'));
  fs.symlinkSync(target, path.join(logDir, 'results.json'));
  const refused = runBandster([...smallRunArgs(), '--iterations', '1', '--log-dir', logDir, '--overwrite']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /error: .*results\.json: cannot open: it is a symbolic link/);
  assert.equal(fs.readFileSync(target, 'utf8'), 'precious\n');
});

test('tune does not rewrite segmentation.json in a directory another process is writing', async (t) => {
  const { writeSegmentationRunSettings, SEGMENTATION_RUN_FILE } = await import('../../src/segmentation/segmentation-run.js');
  type Settings = Parameters<typeof writeSegmentationRunSettings>[1];
  const settings = {
    data: 'data',
    patch: 64,
    maxPatches: 0,
    seed: 1,
    backend: 'cpu',
    reuseCheckpoints: false,
    workdir: 'work',
  } as unknown as Settings;
  const logDir = path.join(tempDir(t), 'run');
  const held = RunLock.acquire(logDir, { purpose: 'a test holder' });
  assert.throws(
    () => writeSegmentationRunSettings(logDir, settings),
    (error: unknown) => (error as { code?: string }).code === 'ERR_RUN_LOCKED' && /a test holder/.test((error as Error).message),
  );
  assert.ok(!fs.existsSync(path.join(logDir, SEGMENTATION_RUN_FILE)));
  held.release();
  writeSegmentationRunSettings(logDir, settings);
  assert.ok(fs.existsSync(path.join(logDir, SEGMENTATION_RUN_FILE)));
});
