import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Search } from '../../src/core/search.js';
import { ConfigurationSpace, UniformIntegerHyperparameter } from '../../src/space/index.js';
import { DistributedExecutor, distributedRunId, runWorker } from '../../src/distributed/index.js';
import { bandster, loggedResults, recordedCalls, recordingObjective, waitFor } from './process-helpers.js';
import { freshQueue, redisUnavailable, startRedisServer } from './redis-server.js';

const unavailable = redisUnavailable();

test('kill -9 of a worker mid-job: the job completes on another worker, and the master and the log have one result for it', async (t) => {
  if (unavailable) return t.skip(unavailable);
  // Cleanups run last-in first-out: clients before the Redis they talk to.
  const cleanups: (() => unknown)[] = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-crash-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const logDir = path.join(dir, 'run');
  const calls = path.join(dir, 'calls');
  const queue = freshQueue('crash');
  // Short locks, so that BullMQ notices the dead worker within about a second.
  const lockArgs = ['--lock-duration', '1000', '--stalled-interval', '500'];
  const doomed = bandster(['worker', '--redis', redis.url, '--queue', queue, '--objective', recordingObjective, ...lockArgs], {
    BANDSTER_TEST_CALLS: calls,
    BANDSTER_TEST_SLOW_MS: '5000',
  });
  cleanups.push(() => doomed.process.kill('SIGKILL'));

  const space = new ConfigurationSpace()
    .add(new UniformIntegerHyperparameter('a', 1, 1000))
    .add(new UniformIntegerHyperparameter('b', 1, 1000));
  const executor = new DistributedExecutor({ redis: redis.url, queue, runId: distributedRunId(logDir), capacity: 3 });
  cleanups.push(() => executor.close());
  const search = new Search({
    space,
    executor,
    optimizer: 'hyperband',
    minBudget: 1,
    maxBudget: 3,
    eta: 3,
    nIterations: 1,
    seed: 2,
    logDir,
  });
  const finished: string[] = [];
  search.on('job:finished', ({ run }) => finished.push(`${run.configId.join('-')}@${run.budget}`));
  const running = search.run();

  await waitFor('the first worker to start a job', () => recordedCalls(calls).some((call) => call.pid === doomed.process.pid));
  doomed.process.kill('SIGKILL');
  await doomed.exited;
  const killedPair = recordedCalls(calls)[0].pair;

  process.env.BANDSTER_TEST_CALLS = calls;
  process.env.BANDSTER_TEST_SLOW_MS = '50';
  const rescuer = await runWorker({
    redis: redis.url,
    queue,
    objective: recordingObjective,
    concurrency: 3,
    lockDurationMs: 1000,
    stalledIntervalMs: 500,
  });
  cleanups.push(() => rescuer.close());
  const result = await running;

  const starts = recordedCalls(calls).filter((call) => call.pair === killedPair);
  assert.deepEqual(
    starts.map((call) => call.pid),
    [doomed.process.pid, process.pid],
    'the killed job ran again on the second worker',
  );
  assert.equal(result.nRuns, 4, 'hyperband, budgets 1 and 3: 3 + 1 evaluations');
  assert.deepEqual([...finished].sort(), [...new Set(finished)].sort(), 'the master received one outcome per job');
  const logged = loggedResults(logDir);
  assert.equal(logged.length, 4);
  assert.equal(new Set(logged).size, 4, 'the log holds one result per evaluation');
  assert.equal(logged.filter((pair) => pair === killedPair).length, 1);
  const rescued = result.allRuns().find((run) => `${run.configId.join('-')}@${run.budget}` === killedPair)!;
  assert.equal(rescued.error, null);
  assert.equal(rescued.info.pid, process.pid);
});
