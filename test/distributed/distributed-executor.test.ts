import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import { Queue } from 'bullmq';
import type { Executor, Job, JobOutcome, Objective, TrialContext } from '../../src/core/types.js';
import {
  DistributedExecutor,
  RedisConnectionError,
  evaluationJobId,
  runWorker,
  type DistributedWorker,
} from '../../src/distributed/index.js';
import { outcomeFromStored } from '../../src/distributed/evaluation-wire.js';
import { compute } from '../executors/fixtures/behaviour-objective.js';
import { executorConformance } from '../executors/executor-conformance.js';
import { freshQueue, redisUnavailable, startRedisServer } from './redis-server.js';

const unavailable = redisUnavailable();

test('DistributedExecutor validates its options before connecting', async () => {
  const redis = 'redis://127.0.0.1:1';
  assert.throws(() => new DistributedExecutor({ redis: 'http://x', runId: 'r' }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.redis must be a redis:\/\/ or rediss:\/\/ URL \(got "http:\/\/x"\)/,
  });
  assert.throws(() => new DistributedExecutor({ redis: 'redis://:hunter2@h:1/', runId: 'r', queue: 'a:b' }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.queue must be 1 to 100 letters.*\(got "a:b"\)/,
  });
  assert.throws(() => new DistributedExecutor({ redis, runId: 'no spaces' }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.runId must be 1 to 64 letters.*\(got "no spaces"\)/,
  });
  assert.throws(() => new DistributedExecutor({ redis, runId: 'r', capacity: 0 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.capacity must be an integer >= 1 \(got 0\)/,
  });
  assert.throws(() => new DistributedExecutor({ redis, runId: 'r', timeoutMs: -1 }), {
    code: 'ERR_INVALID_OPTION',
    message: /options\.timeoutMs must be a number in \[0, 2147483647\] \(0 = no timeout\) \(got -1\)/,
  });
  assert.equal(new DistributedExecutor({ redis, runId: 'r' }).capacity, 64);
  // Closed before it ever connected: connect() refuses at once, without trying Redis.
  const closed = new DistributedExecutor({ redis, runId: 'r' });
  await closed.close();
  await assert.rejects(closed.connect(), { code: 'ERR_EXECUTOR_CLOSED' });
  assert.equal(evaluationJobId('run-1', [2, 1, 7], 9), 'run-1.2-1-7.b9');
});

test('a stored return value that is not an outcome becomes a failed outcome', () => {
  assert.deepEqual(outcomeFromStored({ status: 'ok', loss: 1, info: { a: 1 }, startedAt: 5 }), {
    status: 'ok',
    loss: 1,
    info: { a: 1 },
    startedAt: 5,
  });
  const stack = outcomeFromStored({ status: 'failed', error: { kind: 'threw', message: 'm', stack: 's' } });
  assert.deepEqual(stack, { status: 'failed', error: { kind: 'threw', message: 'm', stack: 's' } });
  const garbage = outcomeFromStored('hello');
  assert.equal(garbage.status === 'failed' && garbage.error.kind, 'invalid-result');
  assert.equal(outcomeFromStored({ status: 'ok', loss: null }).status, 'failed');
});

if (unavailable) {
  test('DistributedExecutor against a real Redis', (t) => t.skip(unavailable));
} else {
  const redis = await startRedisServer();
  after(() => redis.stop());

  /** The executor, whose close() also stops the workers started for it. */
  const withWorkers = (executor: DistributedExecutor, workers: DistributedWorker[]): Executor => ({
    capacity: executor.capacity,
    submit: (job, signal) => executor.submit(job, signal),
    close: async () => {
      await executor.close();
      await Promise.all(workers.map((worker) => worker.close({ handBack: true })));
    },
  });

  executorConformance('DistributedExecutor', async ({ capacity, timeoutMs }) => {
    const queue = freshQueue('conformance');
    // The executor first: options it refuses must be refused before a worker starts.
    const executor = new DistributedExecutor({ redis: redis.url, queue, runId: 'conformance', capacity, timeoutMs });
    const worker = await runWorker({ redis: redis.url, queue, objective: compute as unknown as Objective, concurrency: 4 });
    return withWorkers(executor, [worker]);
  });

  /** An in-process objective that counts its calls per configuration. */
  const counting = () => {
    const calls = new Map<string, number>();
    const signals: AbortSignal[] = [];
    const objective: Objective = async (config, budget, ctx: TrialContext) => {
      const key = `${ctx.configId.join('-')}@${budget}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      signals.push(ctx.signal);
      const ms = Number(config.ms ?? 20);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return { loss: Number(config.x ?? 0) + budget };
    };
    return { calls, signals, objective };
  };
  const job = (index: number, config: Record<string, number>, budget = 3): Job => ({ configId: [0, 0, index], config, budget });
  const never = new AbortController().signal;

  describe('DistributedExecutor: idempotent job ids', () => {
    it('runs an evaluation submitted twice once, and a restarted master gets the stored outcome without running it', async () => {
      const queue = freshQueue('idempotent');
      const { calls, objective } = counting();
      const worker = await runWorker({ redis: redis.url, queue, objective, concurrency: 2 });
      const first = new DistributedExecutor({ redis: redis.url, queue, runId: 'run-a' });
      try {
        const [a, b] = await Promise.all([first.submit(job(1, { x: 5, ms: 100 }), never), first.submit(job(1, { x: 5, ms: 100 }), never)]);
        assert.deepEqual([a.status === 'ok' && a.loss, b.status === 'ok' && b.loss], [8, 8]);
        const again = await first.submit(job(1, { x: 5, ms: 100 }), never);
        assert.equal(again.status === 'ok' && again.loss, 8);
        assert.equal(calls.get('0-0-1@3'), 1, 'submitted three times, run once');
        await first.close();

        const restarted = new DistributedExecutor({ redis: redis.url, queue, runId: 'run-a' });
        const stored = await restarted.submit(job(1, { ms: 100, x: 5 }), never);
        assert.equal(stored.status === 'ok' && stored.loss, 8);
        assert.ok(stored.startedAt !== undefined, 'the stored outcome keeps the time the worker started it');
        assert.equal(calls.get('0-0-1@3'), 1, 'a restarted master does not run a finished job again');
        const otherBudget = await restarted.submit(job(1, { x: 5 }, 9), never);
        assert.equal(otherBudget.status === 'ok' && otherBudget.loss, 14);
        await restarted.close();

        const otherRun = new DistributedExecutor({ redis: redis.url, queue, runId: 'run-b' });
        await otherRun.submit(job(1, { x: 5, ms: 100 }), never);
        assert.equal(calls.get('0-0-1@3'), 2, 'another run id is another search');
        // The same id with another configuration (a run id reused by mistake) is another evaluation.
        const otherConfig = await otherRun.submit(job(1, { x: 6, ms: 10 }), never);
        assert.equal(otherConfig.status === 'ok' && otherConfig.loss, 9);
        assert.equal(calls.get('0-0-1@3'), 3);
        const [seven, eight] = await Promise.all([
          otherRun.submit(job(2, { x: 7, ms: 50 }), never),
          otherRun.submit(job(2, { x: 8, ms: 10 }), never),
        ]);
        assert.deepEqual(
          [seven.status === 'ok' && seven.loss, eight.status === 'ok' && eight.loss],
          [10, 11],
          'two configurations in flight under one id each get their own outcome',
        );
        await otherRun.close();
      } finally {
        await first.close();
        await worker.close();
      }
    });

    it('cancels a running job on its worker, removes a waiting one, and runs a cancelled job again when it is submitted again', async () => {
      const queue = freshQueue('cancel');
      const { calls, signals, objective } = counting();
      const executor = new DistributedExecutor({ redis: redis.url, queue, runId: 'cancel' });
      // No worker yet: the job waits in the queue, and aborting removes it.
      const waiting = new AbortController();
      const pendingWaiting = executor.submit(job(2, { ms: 10 }), waiting.signal);
      const inspect = new Queue(queue, { connection: { url: redis.url } });
      try {
        for (let i = 0; i < 100 && (await inspect.getJobState('cancel.0-0-2.b3')) !== 'waiting'; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        waiting.abort();
        assert.equal(((await pendingWaiting) as Extract<JobOutcome, { status: 'failed' }>).error.kind, 'aborted');
        for (let i = 0; i < 100 && (await inspect.getJobState('cancel.0-0-2.b3')) !== 'unknown'; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(await inspect.getJobState('cancel.0-0-2.b3'), 'unknown', 'a waiting job is removed from the queue');

        const worker = await runWorker({ redis: redis.url, queue, objective, concurrency: 2 });
        const running = new AbortController();
        const started = new Promise<void>((resolve) => {
          void executor.submit({ ...job(3, { ms: 30_000 }), onStart: resolve }, running.signal).then((outcome) => {
            assert.equal(outcome.status === 'failed' && outcome.error.kind, 'aborted');
          });
        });
        await started;
        running.abort();
        for (let i = 0; i < 200 && (await inspect.getJobState('cancel.0-0-3.b3')) !== 'failed'; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(signals.at(-1)?.aborted, true, 'the objective on the worker saw its signal abort');
        assert.equal(await inspect.getJobState('cancel.0-0-3.b3'), 'failed', 'a cancelled job does not look finished');

        const rerun = await executor.submit(job(3, { ms: 10, x: 1 }), never);
        assert.equal(rerun.status === 'ok' && rerun.loss, 4);
        assert.equal(calls.get('0-0-3@3'), 2, 'the cancelled job ran again');
        assert.equal(calls.get('0-0-2@3'), undefined, 'the removed job never ran');
        await worker.close();
      } finally {
        await executor.close();
        await inspect.close();
      }
    });
  });

  describe('DistributedExecutor: Redis with a password', () => {
    it('works through a redis://:password@ URL, and a wrong password fails connect() without printing it', async (t) => {
      const secured = await startRedisServer({ password: 's3cret/pw' });
      t.after(() => secured.stop());
      const queue = freshQueue('password');
      const worker = await runWorker({ redis: secured.url, queue, objective: compute as unknown as Objective });
      const executor = new DistributedExecutor({ redis: secured.url, queue, runId: 'pw' });
      try {
        await executor.connect();
        const outcome = await executor.submit(job(0, { value: 4 } as Record<string, number>), never);
        assert.equal(outcome.status === 'ok' && outcome.loss, 4);
      } finally {
        await executor.close();
        await worker.close();
      }
      const wrong = new DistributedExecutor({
        redis: `redis://:wrong-pw@127.0.0.1:${secured.port}`,
        queue,
        runId: 'pw',
        connectTimeoutMs: 500,
      });
      await assert.rejects(wrong.connect(), (error: unknown) => {
        assert.ok(error instanceof RedisConnectionError);
        assert.equal(error.code, 'ERR_REDIS_CONNECTION');
        assert.match(error.message, /cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ within 500 ms: .*(WRONGPASS|invalid)/i);
        assert.doesNotMatch(error.message, /wrong-pw/);
        return true;
      });
      await wrong.close();
      await assert.rejects(
        runWorker({ redis: `redis://127.0.0.1:${secured.port}`, queue, objective: compute as unknown as Objective, connectTimeoutMs: 500 }),
        { code: 'ERR_REDIS_CONNECTION', message: /NOAUTH/ },
      );
    });
  });
}
