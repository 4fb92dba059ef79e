import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import { Search } from '../../src/core/search.js';
import type { Job, JobOutcome } from '../../src/core/types.js';
import { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from '../../src/executors/thread-pool-executor.js';
import { hyperbandPlan, plannedEvaluations } from '../../src/optimizers/bracket-plan.js';
import { executorConformance } from './executor-conformance.js';
import { tempDir } from '../helpers/temp-dir.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const behaviour = fixture('behaviour-objective.ts');
const threadObjective = fixture('thread-pool-objective.ts');

executorConformance(
  'ThreadPoolExecutor',
  ({ capacity, timeoutMs }) => new ThreadPoolExecutor({ objective: behaviour, threads: capacity, timeoutMs, abortGraceMs: 200 }),
);

let nextIndex = 0;
function job(config: Record<string, unknown>, extra: Partial<Job> = {}, budget = 3): Job {
  return { configId: [0, 0, nextIndex++], config: config as Job['config'], budget, ...extra };
}

/** Runs `body` with an executor over the thread fixture, always closing it. */
async function withPool(options: Partial<ThreadPoolExecutorOptions>, body: (executor: ThreadPoolExecutor) => Promise<void>): Promise<void> {
  const executor = new ThreadPoolExecutor({ objective: threadObjective, threads: 1, abortGraceMs: 200, ...options });
  try {
    await body(executor);
  } finally {
    await executor.close();
  }
}

function errorOf(outcome: JobOutcome): { kind: string; message: string; stack?: string } {
  assert.equal(outcome.status, 'failed', `expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.status === 'failed' ? outcome.error : { kind: '', message: '' };
}

const run = (
  executor: ThreadPoolExecutor,
  config: Record<string, unknown>,
  extra?: Partial<Job>,
  signal = new AbortController().signal,
): Promise<JobOutcome> => executor.submit(job(config, extra), signal);

test('ThreadPoolExecutor validates its options before starting anything', async () => {
  const make = (options: Partial<ThreadPoolExecutorOptions>) => () => new ThreadPoolExecutor({ objective: threadObjective, ...options });
  const refused = (options: Partial<ThreadPoolExecutorOptions>, message: RegExp) =>
    assert.throws(make(options), { code: 'ERR_INVALID_OPTION', message });
  refused({ threads: 0 }, /options\.threads must be an integer >= 1 \(got 0\)/);
  refused({ threads: 1.5 }, /options\.threads must be an integer >= 1 \(got 1\.5\)/);
  refused({ timeoutMs: -1 }, /options\.timeoutMs must be a number in \[0, 2147483647\] \(0 = no timeout\) \(got -1\)/);
  refused({ abortGraceMs: Number.NaN }, /options\.abortGraceMs must be a number in \[0, 2147483647\] \(got NaN\)/);
  refused({ memoryMb: 0 }, /options\.memoryMb must be an integer >= 1 \(got 0\)/);
  refused(
    { sharedData: new ArrayBuffer(8) as unknown as SharedArrayBuffer },
    /options\.sharedData must be a SharedArrayBuffer or a record of them \(got ArrayBuffer\)/,
  );
  refused(
    { sharedData: { a: new SharedArrayBuffer(4), b: new Uint8Array(4) as unknown as SharedArrayBuffer } },
    /options\.sharedData\.b must be a SharedArrayBuffer \(got Uint8Array\)/,
  );
  refused({ objective: '' }, /options\.objective must be the path or file URL of an ES module \(got ""\)/);
  const executor = new ThreadPoolExecutor({ objective: threadObjective });
  assert.equal(executor.capacity, os.availableParallelism(), 'threads defaults to the available parallelism');
  // Closed before any thread started: start() refuses.
  await executor.close();
  await assert.rejects(executor.start(), { code: 'ERR_EXECUTOR_CLOSED' });
});

describe('ThreadPoolExecutor: faults only a thread can have', () => {
  it('process.exit() in the objective is a worker-exit failure, and the next job succeeds', async () => {
    await withPool({}, async (executor) => {
      const error = errorOf(await run(executor, { mode: 'exit' }));
      assert.equal(error.kind, 'worker-exit');
      assert.match(error.message, /process\.exit\(3\)/);
      assert.equal((await run(executor, { mode: 'ok', value: 2 })).status, 'ok');
    });
  });

  it('a thread past its memoryMb cap is an out-of-memory failure, and the next job succeeds', async () => {
    await withPool({ memoryMb: 48 }, async (executor) => {
      const error = errorOf(await run(executor, { mode: 'oom' }));
      assert.equal(error.kind, 'out-of-memory');
      // V8's heap cap, or the measured cap (heap and native memory together) when it is reached first.
      assert.match(error.message, /cap of 48 MiB|1 threads × 48 MiB \(memoryMb\)/);
      assert.equal((await run(executor, { mode: 'ok', value: 2 })).status, 'ok');
    });
  });

  it('memory V8 does not count (ArrayBuffers) past the cap is measured: the job is stopped as out-of-memory', async () => {
    await withPool({ memoryMb: 64 }, async (executor) => {
      const error = errorOf(await run(executor, { mode: 'grow' }));
      assert.equal(error.kind, 'out-of-memory');
      assert.match(error.message, /the process's RSS reached \d+ MiB, over its cap of \d+ MiB \(.*1 threads × 64 MiB \(memoryMb\)\)/);
      assert.equal((await run(executor, { mode: 'ok', value: 2 })).status, 'ok');
    });
    await withPool({ processMemoryMb: Math.round(process.memoryUsage.rss() / 2 ** 20) + 300 }, async (executor) => {
      const error = errorOf(await run(executor, { mode: 'grow' }));
      assert.equal(error.kind, 'out-of-memory');
      assert.match(error.message, /the process's cap of \d+ MiB/);
    });
  });

  it('an error thrown from a timer (uncaught in the thread) is a thrown failure with its stack', async () => {
    await withPool({}, async (executor) => {
      const error = errorOf(await run(executor, { mode: 'uncaught' }));
      assert.equal(error.kind, 'threw');
      assert.match(error.message, /uncaught error.*thrown from a timer/);
      assert.match(error.stack ?? '', /thread-pool-objective/);
      assert.equal((await run(executor, { mode: 'ok' })).status, 'ok');
    });
  });

  it('an info that cannot leave the thread is an invalid result', async () => {
    await withPool({}, async (executor) => {
      const error = errorOf(await run(executor, { mode: 'unclonable' }));
      assert.equal(error.kind, 'invalid-result');
      assert.match(error.message, /cannot be sent from its thread/);
      assert.equal((await run(executor, { mode: 'ok' })).status, 'ok');
    });
  });

  it('an objective that honours its signal ends within the grace period; one that ignores it is terminated', async () => {
    await withPool({ abortGraceMs: 300 }, async (executor) => {
      for (const [mode, terminated] of [
        ['cooperative', false],
        ['hang', true],
      ] as const) {
        const controller = new AbortController();
        const began = Date.now();
        const outcome = run(executor, { mode }, { onStart: () => setTimeout(() => controller.abort(), 20) }, controller.signal);
        const error = errorOf(await outcome);
        assert.equal(error.kind, 'aborted');
        assert.equal(/its thread was terminated/.test(error.message), terminated, error.message);
        if (!terminated) assert.ok(Date.now() - began < 1_000, 'a cooperative objective is not made to wait for the grace period');
        assert.equal((await run(executor, { mode: 'ok' })).status, 'ok');
      }
    });
  });
});

test('ThreadPoolExecutor: onStart fires when a job starts in a thread, not when it is queued; reports and workdir arrive', async () => {
  const workdir = path.join(os.tmpdir(), 'bandster-work');
  await withPool({ workdir }, async (executor) => {
    const events: string[] = [];
    let firstStarted!: () => void;
    const firstStart = new Promise<void>((resolve) => (firstStarted = resolve));
    const first = run(
      executor,
      { mode: 'hang' },
      {
        onStart: () => {
          events.push('first started');
          firstStarted();
        },
      },
    );
    const reports: [number, number][] = [];
    const second = executor.submit(
      {
        configId: [2, 1, 5],
        config: { mode: 'reports', steps: 4 },
        budget: 9,
        onStart: () => events.push('second started'),
        onReport: (step, loss) => reports.push([step, loss]),
      },
      new AbortController().signal,
    );
    await firstStart;
    // The first job hangs on the only thread until close(), so the second can never start.
    await executor.close();
    assert.equal(errorOf(await first).kind, 'aborted');
    assert.equal(errorOf(await second).kind, 'aborted');
    assert.deepEqual(events, ['first started'], 'the second job waited for the only thread and never started');
  });
  await withPool({ workdir }, async (executor) => {
    const reports: [number, number][] = [];
    const before = Date.now() / 1000;
    const outcome = await executor.submit(
      { configId: [2, 1, 5], config: { mode: 'reports', steps: 4 }, budget: 9, onReport: (step, loss) => reports.push([step, loss]) },
      new AbortController().signal,
    );
    assert.equal(outcome.status, 'ok');
    assert.deepEqual(reports, [
      [1, 9],
      [2, 8],
      [3, 7],
      [4, 6],
    ]);
    assert.deepEqual(outcome.status === 'ok' && outcome.info, { workdir: path.join(workdir, '2_1_5') });
    assert.ok(outcome.startedAt !== undefined && outcome.startedAt >= before - 0.01 && outcome.startedAt <= Date.now() / 1000);
  });
});

test('ThreadPoolExecutor: sharedData is the same memory in every thread, handed over once', async () => {
  const shared = new SharedArrayBuffer(12);
  await withPool({ threads: 2, sharedData: shared }, async (executor) => {
    await executor.start();
    const reader = run(executor, { mode: 'shared-read' });
    // Wait until the reader thread is blocked in Atomics.wait (it raises the Waiting slot first).
    const view = new Int32Array(shared);
    // Atomics.waitAsync is in Node 20 but not in the ES2023 lib this project compiles against.
    const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { value: Promise<string> | string } })
      .waitAsync;
    while (Atomics.load(view, 2) === 0) await waitAsync(view, 2, 0).value;
    const writer = await run(executor, { mode: 'shared-write', value: 42 });
    const read = await reader;
    assert.equal(read.status, 'ok');
    assert.equal(read.status === 'ok' && read.loss, 42, 'the reader thread sees what the writer thread stored');
    // 'not-equal' when the writer stored between the reader's Waiting signal and its wait: still no timeout.
    assert.ok(read.status === 'ok' && ['ok', 'not-equal'].includes(read.info.waited as string), 'the reader did not time out');
    assert.notEqual(read.status === 'ok' && read.info.threadId, writer.status === 'ok' && writer.info.threadId, 'two different threads');
    assert.equal(new Int32Array(shared)[1], 42, 'and the main thread sees it too');
  });
  const big = new SharedArrayBuffer(64 * 1024 * 1024);
  new Uint8Array(big)[0] = 7;
  await withPool({ threads: 1, sharedData: big }, async (executor) => {
    const outcomes: JobOutcome[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await run(executor, { mode: 'shared-identity' }));
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'ok');
      if (outcome.status !== 'ok') continue;
      assert.equal(outcome.loss, 7);
      assert.deepEqual(
        {
          sameObjectAsFirstTask: outcome.info.sameObjectAsFirstTask,
          sameAsAccessor: outcome.info.sameAsAccessor,
          byteLength: outcome.info.byteLength,
        },
        { sameObjectAsFirstTask: true, sameAsAccessor: true, byteLength: 64 * 1024 * 1024 },
        'every task sees the very object the thread was given at start (no per-task copy)',
      );
    }
  });
});

test('ThreadPoolExecutor: a record of shared buffers arrives as a record; jobs sharing one signal share one listener', async () => {
  const sharedData = { weights: new SharedArrayBuffer(16), labels: new SharedArrayBuffer(4) };
  await withPool({ threads: 2, sharedData }, async (executor) => {
    const outcome = await run(executor, { mode: 'shared-record' });
    assert.deepEqual(outcome.status === 'ok' && outcome.info, { byteLengths: { weights: 16, labels: 4 } });
    const signal = new AbortController().signal;
    let started = 0;
    let twoStarted!: () => void;
    const twoRunning = new Promise<void>((resolve) => (twoStarted = resolve));
    const onStart = () => ++started === 2 && twoStarted();
    const jobs = [0, 1, 2, 3].map(() => run(executor, { mode: 'sleep', value: 50 }, { onStart }, signal));
    await twoRunning;
    assert.equal(getEventListeners(signal, 'abort').length, 1, 'two running and two queued jobs, one listener');
    assert.ok((await Promise.all(jobs)).every((o) => o.status === 'ok'));
    assert.equal(getEventListeners(signal, 'abort').length, 0);
  });
});

test('ThreadPoolExecutor: TypeScript and JavaScript objective modules, and a clear error for a bad one', async (t) => {
  const dir = tempDir(t, 'bandster-pool-');
  // As in a real ESM project (tsx 4.23 on Node 20.20 cannot import a .ts file outside one).
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  // TypeScript-only syntax (enum, type annotations, a .js specifier resolving to .ts) in the thread fixture.
  await withPool({}, async (executor) => {
    await executor.start();
    assert.equal((await run(executor, { mode: 'ok', value: 5 })).status, 'ok');
  });
  const javascript = path.join(dir, 'default-export.mjs');
  fs.writeFileSync(javascript, 'export default (config, budget) => ({ loss: config.x * budget, info: { via: "default" } });\n');
  await withPool({ objective: pathToFileURL(javascript).href }, async (executor) => {
    const outcome = await run(executor, { x: 2 });
    assert.deepEqual(outcome.status === 'ok' && [outcome.loss, outcome.info], [6, { via: 'default' }]);
  });
  const noFunction = path.join(dir, 'no-function.ts');
  fs.writeFileSync(noFunction, 'export const compute: number = 1;\n');
  await withPool({ objective: noFunction }, async (executor) => {
    await assert.rejects(executor.start(), {
      code: 'ERR_OBJECTIVE_MODULE',
      message:
        /options\.objective .*no-function\.ts cannot be used: .*must export a function compute\(config, budget, ctx\) \(found exports: compute\)/,
    });
    const error = errorOf(await run(executor, { x: 1 }));
    assert.equal(error.kind, 'threw');
    assert.match(error.message, /cannot load the objective module/);
  });
  const exits = path.join(dir, 'exits.mjs');
  fs.writeFileSync(exits, 'process.exit(5);\n');
  await withPool({ objective: exits, threads: 2 }, async (executor) => {
    await assert.rejects(executor.start(), {
      code: 'ERR_OBJECTIVE_MODULE',
      message: /exits\.mjs cannot be used: its thread stopped while importing it/,
    });
  });
  await withPool({ objective: path.join(dir, 'missing.ts') }, async (executor) => {
    await assert.rejects(executor.start(), { code: 'ERR_OBJECTIVE_MODULE', message: /missing\.ts cannot be used: Cannot find module/ });
  });
});

test('ThreadPoolExecutor: a BOHB search on counting ones with 2 threads runs every planned evaluation', async () => {
  const { space } = countingOnes();
  const budgets = { minBudget: 1, maxBudget: 27, eta: 3 };
  const executor = new ThreadPoolExecutor({ objective: fixture('thread-pool-counting-ones.ts'), threads: 2 });
  try {
    let maxInFlight = 0;
    let inFlight = 0;
    const search = new Search({ space, executor, ...budgets, nIterations: 4, seed: 5 });
    search.on('job:started', () => (maxInFlight = Math.max(maxInFlight, ++inFlight)));
    search.on('job:finished', () => inFlight--);
    const result = await search.run();
    assert.equal(result.allRuns().length, plannedEvaluations(hyperbandPlan(budgets), 4));
    assert.ok(result.allRuns().every((r) => r.error === null && r.loss !== null));
    assert.equal(maxInFlight, 2, 'both threads were busy at once');
    assert.ok(result.incumbent());
  } finally {
    await executor.close();
  }
});

test('ThreadPoolExecutor: a search whose objective throws, returns NaN, exits and crashes still completes, with the failures recorded', async () => {
  const { space } = countingOnes();
  const budgets = { minBudget: 1, maxBudget: 9, eta: 3 };
  const executor = new ThreadPoolExecutor({ objective: fixture('thread-pool-faulty-counting-ones.ts'), threads: 2 });
  try {
    const result = await new Search({ space, executor, ...budgets, nIterations: 3, seed: 2 }).run();
    const failures = result.allRuns().filter((r) => r.error !== null);
    const kinds = failures.map((r) => r.error!.split(':')[0]).sort();
    assert.deepEqual(kinds, ['non-finite-loss', 'threw', 'threw', 'worker-exit']);
    assert.ok(failures.some((r) => /process\.exit\(4\)/.test(r.error!)));
    assert.ok(failures.some((r) => /injected uncaught fault/.test(r.error!)));
    assert.equal(result.allRuns().length, plannedEvaluations(hyperbandPlan(budgets), 3));
    assert.ok(result.allRuns().filter((r) => r.error === null).length > 0);
  } finally {
    await executor.close();
  }
});
