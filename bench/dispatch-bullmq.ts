// Dispatch overhead of distributed search: a trivial objective through BullMQ on a loopback
// redis-server (started here, on a free port), with 1, 2 and 4 `bandster worker` processes and
// with a worker inside this process, in evaluations per second, against the in-process
// InlineExecutor measured in the same run. Also one whole Search (hyperband) over 4 workers.
//
// Run: `node --import tsx bench/dispatch-bullmq.ts [--quick]` or `npm run bench distributed`
// (needs Debian's redis-server on PATH; says so and skips without it).
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Search } from '../src/core/search.js';
import type { Executor, Job, Objective, TrialContext } from '../src/core/types.js';
import { DistributedExecutor, runWorker } from '../src/distributed/index.js';
import { InlineExecutor } from '../src/executors/inline-executor.js';
import { hyperbandPlan, plannedEvaluations } from '../src/optimizers/bracket-plan.js';
import { ConfigurationSpace, UniformFloatHyperparameter } from '../src/space/index.js';
import { redisUnavailable, startRedisServer } from '../test/distributed/redis-server.js';

let JOBS = 3_000;
let WARM_UP = 300;
const IN_FLIGHT = 64;
const WORKER_CONCURRENCY = 16;
const TARGET = 300;
const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);

/** The trivial objective every row runs; `bandster worker --objective bench/dispatch-bullmq.ts` loads it from here. */
export function compute(config: { x: number }, budget: number, _ctx: TrialContext): number {
  return config.x * budget;
}

/** `jobs` submits, at most IN_FLIGHT at once (what the scheduler does), in evaluations per second. */
async function throughput(executor: Executor, jobs: number, offset: number): Promise<number> {
  const signal = new AbortController().signal;
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  const lane = async (): Promise<void> => {
    while (next < jobs) {
      const index = offset + next++;
      const job: Job = { configId: [Math.floor(index / 1000), 0, index % 1000], config: { x: index }, budget: 1 };
      if ((await executor.submit(job, signal)).status !== 'ok') failures++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, executor.capacity) }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (failures > 0) throw new Error(`${failures} of ${jobs} jobs failed`);
  return jobs / seconds;
}

async function measure(executor: Executor): Promise<number> {
  await throughput(executor, WARM_UP, 0);
  return throughput(executor, JOBS, WARM_UP);
}

function startWorkerProcesses(url: string, queue: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(
        process.execPath,
        [
          path.join(root, 'bin/bandster.js'),
          'worker',
          '--redis',
          url,
          '--queue',
          queue,
          '--objective',
          self,
          '--concurrency',
          String(WORKER_CONCURRENCY),
          '--quiet',
        ],
        {
          cwd: root,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      await new Promise<void>((resolve, reject) => {
        let text = '';
        child.stderr!.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('taking jobs')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`bandster worker exited with ${code}: ${text}`)));
      });
      return child;
    }),
  );
}

async function stopProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** `quick`: a tenth of the jobs (as `npm run bench -- --quick` asks of every benchmark). */
export async function run(options: { quick?: boolean } = {}): Promise<void> {
  if (options.quick) {
    JOBS = 300;
    WARM_UP = 50;
  }
  const missing = redisUnavailable();
  if (missing) {
    process.stdout.write(`dispatch-bullmq: skipped (${missing})\n`);
    return;
  }
  const redis = await startRedisServer();
  const rows: { label: string; perSecond: number }[] = [];
  const write = (text: string): void => void process.stdout.write(text);
  try {
    const inline = new InlineExecutor(compute as unknown as Objective, { concurrency: IN_FLIGHT });
    rows.push({ label: 'InlineExecutor (in process, baseline)', perSecond: await measure(inline) });
    await inline.close();

    {
      const queue = `bench-${randomUUID()}`;
      const worker = await runWorker({
        redis: redis.url,
        queue,
        objective: compute as unknown as Objective,
        concurrency: WORKER_CONCURRENCY,
      });
      const executor = new DistributedExecutor({ redis: redis.url, queue, runId: randomUUID(), capacity: IN_FLIGHT });
      rows.push({ label: `BullMQ, 1 worker in this process (concurrency ${WORKER_CONCURRENCY})`, perSecond: await measure(executor) });
      await executor.close();
      await worker.close();
    }

    for (const count of [1, 2, 4]) {
      const queue = `bench-${randomUUID()}`;
      const workers = await startWorkerProcesses(redis.url, queue, count);
      const executor = new DistributedExecutor({ redis: redis.url, queue, runId: randomUUID(), capacity: IN_FLIGHT });
      rows.push({
        label: `BullMQ, ${count} worker process${count > 1 ? 'es' : ''} (concurrency ${WORKER_CONCURRENCY} each)`,
        perSecond: await measure(executor),
      });
      await executor.close();
      await stopProcesses(workers);
    }

    {
      // A whole search: the scheduler, its model and its log on top of the dispatch.
      const queue = `bench-${randomUUID()}`;
      const workers = await startWorkerProcesses(redis.url, queue, 4);
      const executor = new DistributedExecutor({ redis: redis.url, queue, runId: randomUUID(), capacity: IN_FLIGHT });
      const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
      const options = { space, optimizer: 'hyperband' as const, minBudget: 1, maxBudget: 81, eta: 3, nIterations: 25, seed: 1 };
      const evaluations = plannedEvaluations(hyperbandPlan(options), options.nIterations);
      const started = process.hrtime.bigint();
      await new Search({ ...options, executor }).run();
      rows.push({
        label: `Search (hyperband, ${evaluations} evaluations), 4 worker processes`,
        perSecond: evaluations / (Number(process.hrtime.bigint() - started) / 1e9),
      });
      await executor.close();
      await stopProcesses(workers);
    }
  } finally {
    await redis.stop();
  }

  const baseline = rows[0].perSecond;
  write(`\ntrivial objective, ${JOBS} jobs after ${WARM_UP} warm-up, ${IN_FLIGHT} in flight, redis-server on 127.0.0.1\n`);
  write(`${'executor'.padEnd(64)} ${'evaluations/s'.padStart(14)} ${'vs inline'.padStart(10)}\n`);
  for (const row of rows)
    write(`${row.label.padEnd(64)} ${row.perSecond.toFixed(0).padStart(14)} ${(row.perSecond / baseline).toFixed(3).padStart(10)}\n`);
  const distributed = rows.filter((row) => row.label.startsWith('BullMQ'));
  const slowest = Math.min(...distributed.map((row) => row.perSecond));
  write(
    `\ntargets\n${slowest >= TARGET ? 'met    ' : 'MISSED '} >= ${TARGET} evaluations/s through BullMQ with 1-4 workers: slowest ${slowest.toFixed(0)}\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run({ quick: process.argv.includes('--quick') });
