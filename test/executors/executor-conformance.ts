// The conformance suite every Executor passes (in process, thread pool, distributed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TIMER_DELAY_MS } from '../../src/core/option-checks.js';
import type { Executor, Job, JobOutcome } from '../../src/core/types.js';

/** Builds an executor running `test/executors/fixtures/behaviour-objective.ts` with the given options. */
export type ExecutorFactory = (options: { capacity: number; timeoutMs: number }) => Promise<Executor> | Executor;

function job(index: number, config: Record<string, unknown>, budget = 3): Job {
  return { configId: [0, 0, index], config: config as Job['config'], budget };
}

async function run(
  executor: Executor,
  config: Record<string, unknown>,
  index = 0,
  signal = new AbortController().signal,
): Promise<JobOutcome> {
  return executor.submit(job(index, config), signal);
}

export function executorConformance(name: string, factory: ExecutorFactory): void {
  describe(`${name}: executor conformance`, () => {
    const withExecutor = async (options: { capacity?: number; timeoutMs?: number }, body: (executor: Executor) => Promise<void>) => {
      const executor = await factory({ capacity: options.capacity ?? 2, timeoutMs: options.timeoutMs ?? 0 });
      try {
        await body(executor);
      } finally {
        await executor.close();
      }
    };

    it('returns the loss and info of a successful job, and forwards reports', async () => {
      await withExecutor({}, async (executor) => {
        const reports: number[] = [];
        const outcome = await executor.submit(
          { ...job(4, { mode: 'ok', value: 2.5 }, 9), onReport: (_step, loss) => reports.push(loss) },
          new AbortController().signal,
        );
        assert.equal(outcome.status, 'ok');
        assert.equal(outcome.status === 'ok' && outcome.loss, 2.5);
        assert.deepEqual(outcome.status === 'ok' && outcome.info, { budget: 9, configId: '0-0-4' });
        assert.deepEqual(reports, [3.5]);
      });
    });

    it('turns a thrown error, a NaN loss and a malformed result into failures with messages', async () => {
      await withExecutor({}, async (executor) => {
        const threw = await run(executor, { mode: 'throw' });
        assert.equal(threw.status, 'failed');
        if (threw.status === 'failed') {
          assert.equal(threw.error.kind, 'threw');
          assert.match(threw.error.message, /objective exploded at budget 3/);
          assert.match(threw.error.stack ?? '', /behaviour-objective/);
        }
        const nan = await run(executor, { mode: 'nan' });
        assert.equal(nan.status === 'failed' && nan.error.kind, 'non-finite-loss');
        const garbage = await run(executor, { mode: 'garbage' });
        assert.equal(garbage.status === 'failed' && garbage.error.kind, 'invalid-result');
        assert.match(garbage.status === 'failed' ? garbage.error.message : '', /loss must be a number \(got "low"\)/);
        const after = await run(executor, { mode: 'ok', value: 1 });
        assert.equal(after.status, 'ok', 'the executor still works after failures');
      });
    });

    it('fails a job that runs past its timeout and keeps working', async () => {
      await withExecutor({ timeoutMs: 100 }, async (executor) => {
        const outcome = await run(executor, { mode: 'hang' });
        assert.equal(outcome.status === 'failed' && outcome.error.kind, 'timeout');
        assert.match(outcome.status === 'failed' ? outcome.error.message : '', /timeout of 100 ms/);
        assert.equal((await run(executor, { mode: 'ok', value: 7 })).status, 'ok');
      });
    });

    it('aborts a running job through its signal', async () => {
      await withExecutor({}, async (executor) => {
        const controller = new AbortController();
        const pending = run(executor, { mode: 'cooperative' }, 0, controller.signal);
        setTimeout(() => controller.abort(), 30);
        const outcome = await pending;
        assert.equal(outcome.status === 'failed' && outcome.error.kind, 'aborted');
        const early = await run(executor, { mode: 'ok' }, 1, AbortSignal.abort());
        assert.equal(early.status === 'failed' && early.error.kind, 'aborted', 'a job submitted with an aborted signal does not run');
      });
    });

    it('runs up to its capacity at once', async () => {
      await withExecutor({ capacity: 3 }, async (executor) => {
        assert.equal(executor.capacity, 3);
        const outcomes = await Promise.all([0, 1, 2].map((i) => run(executor, { mode: 'sleep', ms: 150, value: i }, i)));
        assert.ok(outcomes.every((outcome) => outcome.status === 'ok'));
        const concurrent = Math.max(...outcomes.map((outcome) => (outcome.status === 'ok' ? Number(outcome.info.maxRunning) : 0)));
        // Thread pools count per thread; an in-process executor sees all three at once.
        assert.ok(concurrent >= 1 && concurrent <= 3);
      });
    });

    it('refuses the capacities and timeouts every executor refuses, before it starts anything', async () => {
      // A timeout past 2^31 − 1 ms would become a 1 ms timer in Node: refused, like Infinity, NaN and negatives.
      const refused = [
        { capacity: 0, timeoutMs: 0 },
        { capacity: 1.5, timeoutMs: 0 },
        { capacity: 1, timeoutMs: -1 },
        { capacity: 1, timeoutMs: Number.NaN },
        { capacity: 1, timeoutMs: Number.POSITIVE_INFINITY },
        { capacity: 1, timeoutMs: MAX_TIMER_DELAY_MS + 1 },
      ];
      for (const options of refused) {
        await assert.rejects(async () => factory(options), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(options));
      }
    });

    it('takes the longest timeout Node can time, and a job under it is not cut short', async () => {
      await withExecutor({ capacity: 1, timeoutMs: MAX_TIMER_DELAY_MS }, async (executor) => {
        const outcome = await run(executor, { mode: 'sleep', ms: 20, value: 4 });
        assert.equal(outcome.status === 'ok' && outcome.loss, 4);
      });
    });

    it('close() while busy ends the running jobs instead of hanging', async () => {
      const executor = await factory({ capacity: 2, timeoutMs: 0 });
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const pending = executor.submit({ ...job(0, { mode: 'hang' }), onStart: () => started() }, new AbortController().signal);
      await running;
      await executor.close();
      const outcome = await pending;
      assert.equal(outcome.status, 'failed');
      const afterClose = await run(executor, { mode: 'ok' }, 1);
      assert.equal(afterClose.status, 'failed', 'a closed executor runs nothing');
    });
  });
}
