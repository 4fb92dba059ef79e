// The piscina task handler of ThreadPoolExecutor: runs inside each pool thread. It imports the
// objective module once per thread, runs one evaluation per task, and talks to the main thread
// over the task's MessagePort (start, reports, outcome; abort the other way). TypeScript support
// (tsx) is registered by the thread's `--import` preload before this module loads.
import { workerData } from 'node:worker_threads';
import type { JobOutcome, Objective } from '../core/types.js';
import { failed, outcomeFromError, outcomeFromReturnValue } from './objective-outcome.js';
import {
  CONTROL,
  TASK_STATE,
  type AbortMessage,
  type EvaluationTask,
  type ProbeResult,
  type ProbeTask,
  type ThreadMessage,
  type ThreadTask,
  type ThreadWorkerData,
} from './thread-pool-protocol.js';
import type { ThreadTrialContext } from './thread-pool-shared.js';
import { importObjective } from './objective-module.js';

const data = workerData as ThreadWorkerData;

/** The control block of the task running now (one task per thread at a time). */
let current: Int32Array | undefined;

// Why a thread died, written synchronously so that it survives the thread.
process.on('uncaughtExceptionMonitor', () => {
  if (current) Atomics.store(current, CONTROL.state, TASK_STATE.uncaught);
});
process.on('exit', (code) => {
  if (current && Atomics.load(current, CONTROL.state) === TASK_STATE.running) {
    Atomics.store(current, CONTROL.exitCode, code);
    Atomics.store(current, CONTROL.state, TASK_STATE.exited);
  }
});

let objective: Promise<Objective> | undefined;

/** Imports the objective module once per thread: `compute`, or the default export. */
function loadObjective(): Promise<Objective> {
  objective ??= importObjective(data.objectiveUrl);
  return objective;
}

/** The objective, or 'timeout' when its module is still loading after `timeoutMs` (0: wait as long as it takes). */
async function loadedWithin(timeoutMs: number): Promise<Objective | 'timeout'> {
  if (timeoutMs <= 0) return loadObjective();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([loadObjective(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export default async function handle(task: ThreadTask): Promise<ProbeResult | undefined> {
  return task.kind === 'probe' ? probe(task) : evaluate(task);
}

async function probe(task: ProbeTask): Promise<ProbeResult> {
  try {
    await loadObjective();
  } catch (error) {
    return { ok: false, message: (error as Error)?.message ?? String(error), stack: (error as Error)?.stack };
  } finally {
    // Hold this thread until every probe holds one, so each thread gets exactly one probe.
    Atomics.add(task.arrived, 0, 1);
    Atomics.notify(task.arrived, 0);
    const deadline = Date.now() + task.waitMs;
    for (let seen = Atomics.load(task.arrived, 0); seen < task.threads && Date.now() < deadline; seen = Atomics.load(task.arrived, 0)) {
      Atomics.wait(task.arrived, 0, seen, Math.max(1, deadline - Date.now()));
    }
  }
  return { ok: true };
}

async function evaluate(task: EvaluationTask): Promise<undefined> {
  const { port } = task;
  const send = (message: ThreadMessage): void => port.postMessage(message);
  const controller = new AbortController();
  port.on('message', (message: AbortMessage) => {
    if (message.type === 'abort')
      controller.abort(new Error(message.reason === 'timeout' ? 'the job ran past its timeout' : 'the job was aborted'));
  });
  port.unref();
  current = task.control;
  Atomics.store(task.control, CONTROL.state, TASK_STATE.running);
  let startedAt = Date.now() / 1000;
  let outcome: JobOutcome;
  try {
    const compute = await loadedWithin(task.loadTimeoutMs).catch((error: unknown) => {
      throw Object.assign(
        new Error(`cannot load the objective module ${data.objectiveUrl}: ${(error as Error)?.message ?? String(error)}`),
        {
          stack: (error as Error)?.stack,
        },
      );
    });
    if (compute === 'timeout') {
      outcome = failed(
        'timeout',
        `the objective module ${data.objectiveUrl} did not finish loading within the timeout of ${task.loadTimeoutMs} ms`,
      );
      send({ type: 'outcome', outcome, startedAt });
      current = undefined;
      return undefined;
    }
    startedAt = Date.now() / 1000;
    send({ type: 'start', startedAt });
    const ctx: ThreadTrialContext = {
      configId: task.configId,
      budget: task.budget,
      signal: controller.signal,
      report: (step, loss) => send({ type: 'report', step, loss }),
      ...(task.workdir === undefined ? {} : { workdir: task.workdir }),
      ...(task.hints === undefined ? {} : { hints: task.hints }),
      ...(data.shared === undefined ? {} : { shared: data.shared }),
    };
    outcome = outcomeFromReturnValue(await compute(task.config, task.budget, ctx));
  } catch (error) {
    outcome = outcomeFromError(error);
  }
  try {
    send({ type: 'outcome', outcome, startedAt });
  } catch (error) {
    // postMessage clones synchronously: an info holding functions or class instances fails here.
    send({
      type: 'outcome',
      outcome: failed('invalid-result', `the objective's result cannot be sent from its thread: ${(error as Error).message}`),
      startedAt,
    });
  }
  current = undefined;
  return undefined;
}
