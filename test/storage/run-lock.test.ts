import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { RUN_LOCK_FILE, RunLock, type RunLockError } from '../../src/storage/run-lock.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writeLock(dir: string, fields: Record<string, unknown>): void {
  const lock = { pid: process.pid, host: os.hostname(), bootId: null, purpose: 'test', since: 'then', token: 'theirs', ...fields };
  fs.writeFileSync(path.join(dir, RUN_LOCK_FILE), JSON.stringify(lock));
}

const locked = (error: RunLockError) => error.code === 'ERR_RUN_LOCKED';

test('a run directory is locked once: pid and host recorded, a second lock refused naming the holder, free again after release', (t) => {
  const dir = path.join(tempDir(t), 'study');
  const lock = RunLock.acquire(dir, { purpose: 'bandster serve' });
  const recorded = JSON.parse(fs.readFileSync(path.join(dir, RUN_LOCK_FILE), 'utf8'));
  assert.equal(recorded.pid, process.pid);
  assert.equal(recorded.host, os.hostname());
  assert.equal(recorded.purpose, 'bandster serve');
  assert.throws(
    () => RunLock.acquire(dir),
    (error: RunLockError) => locked(error) && error.owner?.pid === process.pid && /bandster serve/.test(error.message),
  );
  assert.equal(RunLock.holder(dir)?.token, lock.owner.token);
  lock.release();
  lock.release();
  assert.equal(fs.existsSync(path.join(dir, RUN_LOCK_FILE)), false);
  assert.equal(RunLock.holder(dir), undefined);
  RunLock.acquire(dir).release();
});

test('a stale lock (its process gone, or from before a reboot) is taken over; one from another host is not', (t) => {
  const dir = tempDir(t);
  writeLock(dir, { pid: deadPid() });
  const taken = RunLock.acquire(dir);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, RUN_LOCK_FILE), 'utf8')).token, taken.owner.token);
  taken.release();

  if (fs.existsSync('/proc/sys/kernel/random/boot_id')) {
    writeLock(dir, { pid: process.pid, bootId: 'another-boot' });
    RunLock.acquire(dir).release();
  }

  writeLock(dir, { pid: deadPid(), host: `not-${os.hostname()}` });
  assert.throws(() => RunLock.acquire(dir), locked);

  // A file cut by a crash long ago is stale; one written a moment ago may be another process's lock in the making.
  fs.writeFileSync(path.join(dir, RUN_LOCK_FILE), '{"pid": 12');
  assert.throws(() => RunLock.acquire(dir), locked);
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(dir, RUN_LOCK_FILE), old, old);
  RunLock.acquire(dir).release();
});

test('release leaves a lock that is no longer this one alone', (t) => {
  const dir = tempDir(t);
  const lock = RunLock.acquire(dir);
  writeLock(dir, { token: 'someone-else' });
  lock.release();
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, RUN_LOCK_FILE), 'utf8')).token, 'someone-else');
});

test('another process holding the lock keeps it; once it is killed with SIGKILL, the lock is taken over', async (t) => {
  const dir = tempDir(t);
  const module = new URL('../../src/storage/run-lock.ts', import.meta.url).href;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `const { RunLock } = await import(${JSON.stringify(module)}); RunLock.acquire(${JSON.stringify(dir)}, { purpose: 'child' }); console.log('locked'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.after(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve) => child.stdout!.on('data', (data: Buffer) => data.toString().includes('locked') && resolve()));
  assert.throws(
    () => RunLock.acquire(dir),
    (error: RunLockError) => locked(error) && error.owner?.pid === child.pid && error.owner?.purpose === 'child',
  );
  child.kill('SIGKILL');
  await exited;
  const lock = RunLock.acquire(dir);
  assert.equal(lock.owner.pid, process.pid);
  lock.release();
});
