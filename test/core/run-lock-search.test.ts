// Issue 12, item 1: a search locks its run directory while it writes there (run() and ask/tell
// alike), so a second writer — another process, or another Search in this one — is refused with an
// error naming the holder instead of interleaving its lines with the first one's.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Search } from '../../src/core/search.js';
import type { Objective } from '../../src/core/types.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { RUN_LOCK_FILE, RunLock, RunLockError } from '../../src/storage/run-lock.js';
import { tempDir } from '../helpers/temp-dir.js';

const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const objective: Objective = (config, budget) => (config as { x: number }).x + 1 / budget;
const options = { space, objective, optimizer: 'hyperband', minBudget: 1, maxBudget: 9, eta: 3, nIterations: 1, seed: 2 } as const;

function isLocked(error: unknown): boolean {
  return error instanceof RunLockError && error.code === 'ERR_RUN_LOCKED' && error.message.includes(`pid ${process.pid}`);
}

test('a running search holds its directory: a second search there is refused, naming the holder; the lock goes with the run', async (t) => {
  const logDir = path.join(tempDir(t), 'run');
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started!: () => void;
  const firstJob = new Promise<void>((resolve) => {
    started = resolve;
  });
  const first = new Search({
    ...options,
    objective: async (config, budget, ctx) => {
      started();
      await gate;
      return objective(config, budget, ctx);
    },
    logDir,
  }).run();
  await firstJob;
  assert.ok(fs.existsSync(path.join(logDir, RUN_LOCK_FILE)), 'the lock file is there while the search runs');
  const linesBefore = fs.readFileSync(path.join(logDir, 'configs.json'), 'utf8');
  await assert.rejects(new Search({ ...options, logDir, resume: true }).run(), isLocked);
  await assert.rejects(new Search({ ...options, logDir, overwrite: true }).run(), isLocked);
  assert.throws(() => new Search({ ...options, objective: undefined, logDir, resume: true }).tell({ configId: [0, 0, 0], budget: 1 }, 1));
  await assert.rejects(new Search({ ...options, objective: undefined, logDir, resume: true }).open(), isLocked);
  assert.equal(fs.readFileSync(path.join(logDir, 'configs.json'), 'utf8'), linesBefore, 'the refused searches wrote nothing');
  release();
  const result = await first;
  assert.equal(result.nRuns, 13);
  assert.ok(!fs.existsSync(path.join(logDir, RUN_LOCK_FILE)), 'released when the run ends');
  const resumed = await new Search({ ...options, logDir, resume: true, nIterations: 2 }).run();
  assert.ok(resumed.nRuns > 13, 'free again once the first search ended');
});

test('ask/tell holds the lock from open() until close() or the end of the search', async (t) => {
  const logDir = path.join(tempDir(t), 'run');
  const asked = new Search({ ...options, objective: undefined, logDir });
  await asked.open();
  await assert.rejects(new Search({ ...options, logDir, resume: true }).run(), isLocked);
  asked.close();
  assert.ok(!fs.existsSync(path.join(logDir, RUN_LOCK_FILE)));
  const driven = new Search({ ...options, objective: undefined, logDir, resume: true });
  for (let job = await driven.ask(); job !== null; job = await driven.ask()) driven.tell(job, (job.config as { x: number }).x);
  assert.ok(driven.isFinished);
  assert.ok(!fs.existsSync(path.join(logDir, RUN_LOCK_FILE)), 'released once every job is told');
});

test('a lock held by anyone else is respected; a search that fails before writing leaves no lock and no new folder', async (t) => {
  const root = tempDir(t);
  const logDir = path.join(root, 'run');
  const held = RunLock.acquire(logDir, { purpose: 'a test holder' });
  await assert.rejects(
    new Search({ ...options, logDir }).run(),
    (error: unknown) => isLocked(error) && /a test holder/.test(String(error)),
  );
  held.release();

  const fresh = path.join(root, 'fresh');
  // Resuming with other budgets is refused after the lock was taken: both go, the folder too.
  await new Search({ ...options, logDir: fresh }).run();
  await assert.rejects(new Search({ ...options, logDir: fresh, resume: true, maxBudget: 27 }).run(), /options\.maxBudget differs/);
  assert.ok(!fs.existsSync(path.join(fresh, RUN_LOCK_FILE)));
  const never = path.join(root, 'never');
  await assert.rejects(
    new Search({ ...options, logDir: never, warmStartFrom: path.join(root, 'no-such-run') }).run(),
    (error: unknown) => (error as { code?: string }).code === 'ERR_RUN_LOG_NOT_FOUND',
  );
  assert.ok(!fs.existsSync(never), 'the folder the lock created is removed again');
});

test('options.lock: a caller holding the directory lends its lock; the search keeps it held', async (t) => {
  const root = tempDir(t);
  const logDir = path.join(root, 'run');
  const lock = RunLock.acquire(logDir, { purpose: 'a service' });
  const result = await new Search({ ...options, logDir, lock }).run();
  assert.equal(result.nRuns, 13);
  assert.ok(fs.existsSync(path.join(logDir, RUN_LOCK_FILE)), 'still held by the caller');
  assert.equal(RunLock.holder(logDir)?.purpose, 'a service');
  assert.throws(
    () => new Search({ ...options, logDir: path.join(root, 'elsewhere'), lock }),
    (error: unknown) => error instanceof InvalidOptionError && /options\.lock/.test(error.message),
  );
  lock.release();
  assert.throws(
    () => new Search({ ...options, logDir, lock }),
    (error: unknown) => error instanceof InvalidOptionError && /released/.test(error.message),
  );
});
