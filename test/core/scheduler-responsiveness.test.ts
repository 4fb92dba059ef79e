// Issue 12, item 6: a search whose objective returns at once must still let the event loop turn
// (Ctrl-C, timers, progress), and the schedulers must stay cheap per job on large rungs: ASHA
// ranks with heaps instead of sorting every result at every call (checked here decision for
// decision against the sort-based version it replaces; `npm run bench scheduler` measures it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AsynchronousSuccessiveHalving } from '../../src/core/asynchronous-successive-halving.js';
import { Rng } from '../../src/core/rng.js';
import type { ScheduledJob, Scheduler } from '../../src/core/scheduler.js';
import { Search } from '../../src/core/search.js';
import { configIdKey, type Objective } from '../../src/core/types.js';
import { hyperbandPlan } from '../../src/optimizers/bracket-plan.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { ReferenceAsha } from './fixtures/reference-asha.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BANDSTER_BIN, REPO_ROOT, smallRunArgs } from '../helpers/cli.js';

const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
const instant: Objective = (config, budget) => (config as { x: number }).x + 1 / budget;

test('a timer set once an instant-objective search is running fires during the search, and can stop it', async () => {
  const controller = new AbortController();
  const search = new Search({ space, objective: instant, optimizer: 'hyperband', minBudget: 1, maxBudget: 81, nIterations: 200, seed: 1 });
  const planned = search.plannedEvaluations();
  let finishedWhenTimerFired = -1;
  let finished = 0;
  search.on('job:finished', () => finished++);
  // Set once the jobs are flowing (before that, loading the executor yields anyway).
  search.once('job:finished', () =>
    setImmediate(() => {
      finishedWhenTimerFired = finished;
      controller.abort();
    }),
  );
  const result = await search.run({ signal: controller.signal });
  assert.ok(finishedWhenTimerFired >= 0, 'the timer fired before run() resolved');
  assert.ok(result.nRuns < planned, `the abort stopped the search (${result.nRuns} of ${planned} evaluations)`);
});

for (const [signal, status] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`bandster run with an instant objective and a large rung stops on the first ${signal} (exit ${status})`, async (t) => {
    const dir = tempDir(t, 'bandster-sigint-');
    const logDir = path.join(dir, 'run');
    const args = [BANDSTER_BIN, ...smallRunArgs({ maxBudget: '1e5' }), '--iterations', '1', '--log-dir', logDir];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Wait for the search to be logging results, then send the signal once.
    const results = path.join(logDir, 'results.json');
    while (!(fs.existsSync(results) && fs.statSync(results).size > 0)) {
      if (child.exitCode !== null) assert.fail(`bandster exited early: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill(signal);
    // A search that ignored the signal would run its 88,573 evaluations for minutes.
    const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exited;
    clearTimeout(timeout);
    assert.match(stderr, new RegExp(`${signal}: stopping after the running jobs`));
    assert.equal(code, status, stderr.slice(-1000));
    const lines = fs.readFileSync(results, 'utf8').split('\n');
    assert.equal(lines.at(-1), '', 'the log ends with a complete line');
    assert.ok(lines.length - 1 < 88_573);
  });
}

/** Drives two schedulers through the same random history and checks they hand out the same jobs. */
function lockstep(make: () => [Scheduler, Scheduler], seed: number, steps: number): number {
  const [subject, reference] = make();
  const rng = new Rng(seed);
  const running: ScheduledJob[] = [];
  const describe = (job: ScheduledJob | null) => (job === null ? null : `${configIdKey(job.configId)}@${job.budget}`);
  let handed = 0;
  for (let step = 0; step < steps; step++) {
    const action = rng.random();
    if (running.length === 0 || (action < 0.5 && running.length < 12)) {
      const job = subject.nextJob();
      assert.equal(describe(job), describe(reference.nextJob()), `step ${step}: next job`);
      if (job === null) {
        if (running.length === 0) break;
        continue;
      }
      handed++;
      running.push(job);
    } else {
      const [job] = running.splice(Math.floor(rng.random() * running.length), 1);
      if (action > 0.97) {
        subject.requeue(job.configId);
        reference.requeue(job.configId);
        continue;
      }
      // Failures, ties (losses on a coarse grid) and plain results.
      const loss = action > 0.9 ? null : Math.round(rng.random() * 20) / 4;
      subject.registerResult(job.configId, job.budget, loss);
      reference.registerResult(job.configId, job.budget, loss);
    }
    assert.equal(subject.isFinished, reference.isFinished, `step ${step}: finished`);
  }
  return handed;
}

test('ASHA on heaps takes exactly the decisions of the sort-based ASHA (promotions, failures, ties, re-runs)', () => {
  for (const seed of [1, 2, 3, 4]) {
    const plan = hyperbandPlan({ minBudget: 1, maxBudget: 81, eta: 3 });
    let sampled = 0;
    const context = () => ({
      plan,
      nIterations: 6,
      iterationOffset: 0,
      source: () => ({ config: { x: sampled++ }, info: { model_based_pick: false } }),
    });
    const handed = lockstep(() => [new AsynchronousSuccessiveHalving(context()), new ReferenceAsha(context())], seed, 5000);
    assert.ok(handed > 300, `seed ${seed}: a long history (${handed} jobs)`);
  }
});
