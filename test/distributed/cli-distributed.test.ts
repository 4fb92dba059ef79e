import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { Queue } from 'bullmq';
import { hyperbandPlan, plannedEvaluations } from '../../src/optimizers/bracket-plan.js';
import { ConfigurationSpace, UniformIntegerHyperparameter, writeConfigSpaceJson } from '../../src/space/index.js';
import { bandster, loggedResults, recordedCalls, recordingObjective, waitFor, type Child } from './process-helpers.js';
import { freshQueue, redisUnavailable, startRedisServer, type RedisServer } from './redis-server.js';

const unavailable = redisUnavailable();

interface Setup {
  readonly redis: RedisServer;
  readonly queue: string;
  readonly dir: string;
  readonly logDir: string;
  readonly calls: string;
  readonly space: string;
  /** Run last-in first-out after the test: clients before the Redis they talk to. */
  readonly cleanups: (() => unknown)[];
}

async function setUp(t: TestContext, label: string): Promise<Setup> {
  const cleanups: (() => unknown)[] = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bandster-${label}-`));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const space = path.join(dir, 'space.json');
  fs.writeFileSync(
    space,
    writeConfigSpaceJson(
      new ConfigurationSpace().add(new UniformIntegerHyperparameter('a', 1, 1000)).add(new UniformIntegerHyperparameter('b', 1, 1000)),
    ),
  );
  return { redis, queue: freshQueue(label), dir, logDir: path.join(dir, 'run'), calls: path.join(dir, 'calls'), space, cleanups };
}

function startWorkers(setup: Setup, count: number, slowMs: number): Child[] {
  const workers = Array.from({ length: count }, () =>
    bandster(['worker', '--redis', setup.redis.url, '--queue', setup.queue, '--objective', recordingObjective, '--concurrency', '2'], {
      BANDSTER_TEST_CALLS: setup.calls,
      BANDSTER_TEST_SLOW_MS: String(slowMs),
    }),
  );
  setup.cleanups.push(() => workers.forEach((worker) => worker.process.kill('SIGKILL')));
  return workers;
}

/** SIGTERM, then the worker must finish and exit 0 by itself. */
async function stopWorkers(workers: Child[]): Promise<void> {
  for (const worker of workers) worker.process.kill('SIGTERM');
  for (const worker of workers) {
    assert.equal(await worker.exited, 0, worker.stderr());
    assert.match(worker.stderr(), /SIGTERM: finishing \d+ running job\(s\)[^\n]*\n[\s\S]*stopped/);
  }
}

const runArgs = (setup: Setup, iterations: number) => [
  'run',
  '--space',
  setup.space,
  '--objective',
  recordingObjective,
  '--min-budget',
  '1',
  '--max-budget',
  '9',
  '--iterations',
  String(iterations),
  '--seed',
  '7',
  '--log-dir',
  setup.logDir,
  '--redis',
  setup.redis.url,
  '--queue',
  setup.queue,
  '--concurrency',
  '4',
  '--json',
];

test('bandster run --redis with two bandster worker processes: the whole search runs on the workers', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const setup = await setUp(t, 'cli');
  const workers = startWorkers(setup, 2, 20);
  // Both workers must be listening before the master enqueues, or the first one may take everything.
  await waitFor('both workers to listen', () => workers.every((worker) => worker.stderr().includes('taking jobs from queue')), 30_000, 50);
  const master = bandster(runArgs(setup, 3));
  setup.cleanups.push(() => master.process.kill('SIGKILL'));
  assert.equal(await master.exited, 0, master.stderr());
  const planned = plannedEvaluations(hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 }), 3);
  assert.equal(JSON.parse(master.stdout()).runs.length, planned);
  assert.equal(loggedResults(setup.logDir).length, planned);
  const calls = recordedCalls(setup.calls);
  assert.equal(calls.length, planned, 'every evaluation ran once');
  assert.ok(
    calls.every((call) => call.pid !== master.process.pid),
    'the master ran no objective',
  );
  assert.equal(new Set(calls.map((call) => call.pid)).size, 2, 'both workers took jobs');
  assert.ok(fs.existsSync(path.join(setup.logDir, 'distributed.json')));
  await stopWorkers(workers);
});

test('master restart: kill -9 of bandster run --redis mid-search, then --resume: every evaluation once in the log and run once', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const setup = await setUp(t, 'restart');
  const workers = startWorkers(setup, 2, 40);
  const inspect = new Queue(setup.queue, { connection: { url: setup.redis.url } });
  setup.cleanups.push(() => inspect.close());
  const planned = plannedEvaluations(hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 }), 5);

  const first = bandster(runArgs(setup, 5));
  setup.cleanups.push(() => first.process.kill('SIGKILL'));
  // Killed while jobs run on the workers: those finish with no master to hear it.
  await waitFor(
    'the search to be under way with jobs running',
    async () => loggedResults(setup.logDir).length >= 8 && (await inspect.getActiveCount()) > 0,
    30_000,
    5,
  );
  first.process.kill('SIGKILL');
  await first.exited;
  await waitFor(
    'the workers to finish what was queued',
    async () => (await inspect.getActiveCount()) + (await inspect.getWaitingCount()) === 0,
  );
  const loggedBefore = new Set(loggedResults(setup.logDir));
  const finishedWhileDown = recordedCalls(setup.calls).filter((call) => !loggedBefore.has(call.pair));
  assert.ok(loggedBefore.size < planned, 'the kill interrupted the search');
  assert.ok(finishedWhileDown.length > 0, 'some jobs finished on the workers while the master was down');

  const resumed = bandster([...runArgs(setup, 5), '--resume']);
  setup.cleanups.push(() => resumed.process.kill('SIGKILL'));
  assert.equal(await resumed.exited, 0, resumed.stderr());
  assert.equal(JSON.parse(resumed.stdout()).runs.length, planned);

  const logged = loggedResults(setup.logDir);
  assert.equal(logged.length, planned, 'every planned evaluation is in results.json');
  assert.equal(new Set(logged).size, planned, '… exactly once');
  for (const { pair } of finishedWhileDown) assert.ok(logged.includes(pair), `${pair}, finished while the master was down, is logged`);
  const calls = recordedCalls(setup.calls).map((call) => call.pair);
  assert.equal(calls.length, planned, 'nothing finished ran again: not in the log, not in the queue');
  assert.equal(new Set(calls).size, planned);
  await stopWorkers(workers);
});
