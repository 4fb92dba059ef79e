import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Objective } from '../../src/core/types.js';
import { DistributedExecutor, DistributedWorker, runWorker } from '../../src/distributed/index.js';
import { freshQueue, redisUnavailable, startRedisServer } from './redis-server.js';

const unavailable = redisUnavailable();

test('DistributedWorker validates its options before connecting', async () => {
  const redis = 'redis://127.0.0.1:1';
  const objective: Objective = () => 1;
  assert.throws(
    () => new DistributedWorker({ redis, objective: 3 as unknown as Objective }),
    /options\.objective must be a function or a module path \(got number\)/,
  );
  assert.throws(
    () => new DistributedWorker({ redis, objective, concurrency: 1.5 }),
    /options\.concurrency must be an integer >= 1 \(got 1\.5\)/,
  );
  assert.throws(
    () => new DistributedWorker({ redis, objective, lockDurationMs: 0 }),
    /options\.lockDurationMs must be an integer >= 1 \(got 0\)/,
  );
  await assert.rejects(runWorker({ redis: 'localhost:6379', objective }), /options\.redis must be a redis:\/\/ or rediss:\/\/ URL/);
  await assert.rejects(
    runWorker({ redis, objective: '/no/such/objective.js' }),
    /options\.objective \/no\/such\/objective\.js cannot be loaded/,
  );
});

test('close({ handBack: true }) puts a running job back in the queue, and another worker finishes it', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const cleanups: (() => unknown)[] = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const queue = freshQueue('hand-back');
  const runs: string[] = [];
  const slow =
    (name: string): Objective =>
    async (_config, budget, ctx) => {
      runs.push(name);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, name === 'leaving' ? 30_000 : 10);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return { loss: budget, info: { by: name } };
    };
  const leaving = await runWorker({ redis: redis.url, queue, objective: slow('leaving') });
  cleanups.push(() => leaving.close({ handBack: true }));
  const executor = new DistributedExecutor({ redis: redis.url, queue, runId: 'hand-back' });
  cleanups.push(() => executor.close());
  const stopped: boolean[] = [];
  leaving.on('job:stopped', ({ handedBack }) => stopped.push(handedBack));
  let starts = 0;
  const outcome = executor.submit({ configId: [0, 0, 0], config: {}, budget: 5, onStart: () => starts++ }, new AbortController().signal);
  while (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  await leaving.close({ handBack: true });
  assert.deepEqual(stopped, [true]);
  const staying = await runWorker({ redis: redis.url, queue, objective: slow('staying') });
  cleanups.push(() => staying.close());
  const result = await outcome;
  assert.equal(result.status === 'ok' && result.info.by, 'staying');
  assert.deepEqual(runs, ['leaving', 'staying']);
  assert.equal(starts, 1, 'the master is told once that the job started');
});
