import { linkAbort } from '../core/abort-fan-out.js';
import { watchEmptyEventLoop } from '../core/empty-event-loop.js';
import { checkFunction, checkInteger, checkNonEmptyString, checkObject, checkTimeoutMs } from '../core/option-checks.js';
import type { Executor, Job, JobOutcome, Objective, TrialContext } from '../core/types.js';
import { failed, outcomeFromError, outcomeFromReturnValue } from './objective-outcome.js';

/** Options of the in-process executor. */
export interface InlineExecutorOptions {
  /** Jobs run at once (useful for async objectives that wait on I/O or other processes). @defaultValue 1 */
  readonly concurrency?: number;
  /**
   * Milliseconds after which a job is abandoned as failed ('timeout') and its signal aborted; 0 = none.
   * At most 2^31 − 1 (Node's longest timer). @defaultValue 0
   */
  readonly timeoutMs?: number;
  /** Directory under which each configuration gets a private working directory path. */
  readonly workdir?: string;
}

export const INLINE_EXECUTOR_DEFAULTS = Object.freeze({ concurrency: 1, timeoutMs: 0 });

/**
 * Runs the objective in this thread. An objective that ignores its AbortSignal cannot be
 * interrupted here (only a thread or process can be killed): on timeout or abort the job
 * is reported at once and the objective's eventual return value is discarded. A job whose promise
 * is still pending when the event loop runs out of work fails as `'never-settled'`.
 */
export class InlineExecutor implements Executor {
  readonly capacity: number;
  private readonly timeoutMs: number;
  private readonly running = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly objective: Objective,
    private readonly options: InlineExecutorOptions = {},
  ) {
    checkFunction(objective, 'objective');
    checkObject(options, 'options');
    const concurrency = checkInteger(options.concurrency ?? INLINE_EXECUTOR_DEFAULTS.concurrency, 'options.concurrency', { min: 1 });
    const timeoutMs = checkTimeoutMs(options.timeoutMs ?? INLINE_EXECUTOR_DEFAULTS.timeoutMs, 'options.timeoutMs');
    if (options.workdir !== undefined) checkNonEmptyString(options.workdir, 'options.workdir');
    this.capacity = concurrency;
    this.timeoutMs = timeoutMs;
  }

  async submit(job: Job, signal: AbortSignal): Promise<JobOutcome> {
    if (this.closed) return failed('aborted', 'the executor is closed');
    if (signal.aborted) return failed('aborted', 'the search was aborted before the job started');
    const controller = new AbortController();
    this.running.add(controller);
    const link = linkAbort(signal, controller);
    let timer: NodeJS.Timeout | undefined;
    let unwatch: (() => void) | undefined;
    try {
      const startedAt = Date.now() / 1000;
      job.onStart?.();
      const ctx: TrialContext = {
        configId: job.configId,
        budget: job.budget,
        signal: controller.signal,
        report: (step, loss) => job.onReport?.(step, loss),
        ...(this.options.workdir ? { workdir: `${this.options.workdir}/${job.configId.join('_')}` } : {}),
        ...(job.hints === undefined ? {} : { hints: job.hints }),
      };
      let timedOut = false;
      let neverSettles!: (outcome: JobOutcome) => void;
      // The job's own signal, one listener, gone with the job: no fan-out needed (and none paid for per job).
      const interrupted = new Promise<JobOutcome>((resolve) => {
        neverSettles = resolve;
        controller.signal.addEventListener('abort', () => resolve(failed(timedOut ? 'timeout' : 'aborted', abortMessage())), {
          once: true,
        });
      });
      // An objective whose promise nothing can settle would otherwise let the process exit
      // silently (code 13 under the CLI): the job fails instead, naming itself, and the search goes on.
      unwatch = watchEmptyEventLoop(() =>
        neverSettles(
          failed(
            'never-settled',
            `the objective's promise for configuration ${job.configId.join('-')} on budget ${job.budget} never settled: the event loop ran out of work while it was pending (it waits for something that never happens, or for an unref'd timer)`,
          ),
        ),
      );
      const abortMessage = (): string => (timedOut ? `the job ran past its timeout of ${this.timeoutMs} ms` : 'the job was aborted');
      if (this.timeoutMs > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, this.timeoutMs);
      }
      const evaluation = (async () => {
        try {
          return outcomeFromReturnValue(await this.objective(job.config, job.budget, ctx));
        } catch (error) {
          return outcomeFromError(error);
        }
      })();
      const outcome = await Promise.race([evaluation, interrupted]);
      return { ...outcome, startedAt };
    } finally {
      if (timer) clearTimeout(timer);
      unwatch?.();
      link.done();
      this.running.delete(controller);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.running) controller.abort(new Error('executor closed'));
  }
}
