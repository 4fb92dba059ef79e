import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunLogError } from '../storage/run-log-error.js';
import { replacesIncumbent, Result } from '../core/result.js';
import { configIdKey, type Run } from '../core/types.js';
import { CONFIGS_FILE, RESULTS_FILE } from '../storage/run-logger.js';
import { type LoggedRun, readRunDirectory } from '../storage/run-reader.js';
import {
  bestOf,
  configsOf,
  type DashboardEvent,
  type DashboardSnapshot,
  type DashboardSource,
  type DashboardStatus,
} from './dashboard-data.js';
import { checkDelayMs } from '../core/option-checks.js';
import { readRunSettings } from '../storage/run-settings.js';
import { pendingJobs, type RunPlan, runPlanOf } from './pending-jobs.js';

/** Options of {@link RunFollower.open}. */
export interface RunFollowerOptions {
  /**
   * Milliseconds between two looks at the files when the file system sends no change events
   * (network and some container file systems do not).
   * @defaultValue 1000
   */
  readonly pollMs?: number;
}

export const RUN_FOLLOWER_DEFAULTS = Object.freeze({ pollMs: 1000 });

/** Change events arriving within this many milliseconds are read as one. */
const SETTLE_MS = 50;

/**
 * Follows a run directory while another process writes it (bandster's or hpbandster's logger:
 * lines only ever appended) and turns new lines into dashboard events. A change event from the
 * file system, or the poll, triggers a re-read with the tolerant reader (a line being written is
 * skipped until it is whole); runs past the ones already seen are new. The log does not record
 * hand-outs, so the jobs waiting for a result are derived: with bandster's run.json (a named
 * optimizer) each rung of synchronous brackets is replayed and its members without a result are
 * pending at the rung's budget, and under ASHA configurations without any result are pending on the
 * lowest rung (see {@link pendingJobs}); otherwise configurations without any result are pending at
 * an unknown budget. A log that shrank (overwritten) is announced as a fresh snapshot.
 */
export class RunFollower implements DashboardSource {
  readonly title: string;
  private result: Result;
  /** The runs in log order (the result orders them by finishing time): new lines are the ones past these. */
  private loggedRuns: readonly Run[];
  private readonly listeners = new Set<(event: DashboardEvent) => void>();
  private watcher: fs.FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private signature = '';
  private incumbent: { loss: number; budget: number } | undefined;
  /** The plan from run.json, once it is there (a search writes it when it starts). */
  private runPlan: RunPlan | undefined;
  /** The pending jobs of the last read, by `configId@budget`: new ones are announced as `job` events. */
  private pending: DashboardSnapshot['running'] = [];

  private constructor(
    readonly dir: string,
    pollMs: number,
  ) {
    this.title = path.basename(path.resolve(dir));
    const logged = this.read();
    this.result = new Result(logged);
    this.loggedRuns = logged.runs;
    this.pending = pendingJobs(this.result, this.runPlan);
    for (const run of this.loggedRuns) this.advanceIncumbent(run);
    try {
      this.watcher = fs.watch(dir, () => this.changed());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = undefined;
    }
    this.poll = setInterval(() => this.changed(), pollMs);
    this.poll.unref();
  }

  /**
   * Starts following `dir`. It may not exist yet (a search about to start): it is then polled
   * until its log appears.
   * @throws RunLogError when `dir` is a file, or its log cannot be read; InvalidOptionError for a
   *   `pollMs` outside [1, 2^31 − 1].
   */
  static open(dir: string, options: RunFollowerOptions = {}): RunFollower {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
      throw new RunLogError('ERR_RUN_LOG_NOT_FOUND', dir, undefined, 'is not a directory');
    const pollMs = checkDelayMs(options.pollMs ?? RUN_FOLLOWER_DEFAULTS.pollMs, 'options.pollMs', { min: 1 });
    return new RunFollower(dir, pollMs);
  }

  snapshot(): DashboardSnapshot {
    const result = this.result;
    return {
      title: this.title,
      source: 'directory',
      status: this.counts(result),
      configs: configsOf(result),
      runs: result.allRuns(),
      running: this.pending,
      best: bestOf(result),
      trajectory: result.trajectory(),
    };
  }

  subscribe(listener: (event: DashboardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the files now (the poll and the watcher call it too); resolves once the events are sent. */
  refresh(): void {
    const signature = this.fileSignature();
    if (signature === this.signature) return;
    let logged: LoggedRun;
    try {
      logged = this.read();
    } catch (error) {
      this.broadcast({ type: 'warning', data: { message: (error as Error).message } });
      return;
    }
    this.signature = signature;
    const after = new Result(logged);
    this.result = after;
    const pendingBefore = new Set(this.pending.map(pendingKey));
    this.pending = pendingJobs(after, this.runPlan);
    const oldRuns = this.loggedRuns;
    const newRuns = logged.runs;
    this.loggedRuns = newRuns;
    if (newRuns.length < oldRuns.length) {
      this.incumbent = undefined;
      for (const run of newRuns) this.advanceIncumbent(run);
      this.broadcast({ type: 'snapshot', data: this.snapshot() });
      return;
    }
    for (const job of this.pending) if (!pendingBefore.has(pendingKey(job))) this.broadcast({ type: 'job', data: job });
    if (newRuns.length === oldRuns.length) return;
    const best = bestOf(after);
    const trajectory = after.trajectory();
    const status = this.counts(after);
    for (const run of newRuns.slice(oldRuns.length)) {
      const config = after.configOf(run.configId)!;
      this.broadcast({ type: 'result', data: { run, config, best, trajectory, status } });
      if (this.advanceIncumbent(run)) {
        this.broadcast({ type: 'incumbent', data: { configId: run.configId, config, loss: run.loss!, budget: run.budget } });
      }
    }
  }

  /** Stops following. */
  close(): void {
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
    if (this.settle) clearTimeout(this.settle);
    this.listeners.clear();
  }

  private changed(): void {
    if (this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.refresh();
    }, SETTLE_MS);
  }

  private read(): LoggedRun {
    this.signature = this.fileSignature();
    if (!this.runPlan) {
      try {
        this.runPlan = runPlanOf(readRunSettings(this.dir));
      } catch {
        // An unreadable run.json: pending jobs are shown without budgets.
      }
    }
    if (!fs.existsSync(path.join(this.dir, CONFIGS_FILE))) return { configs: new Map(), runs: [], spaceJson: undefined, warnings: [] };
    // The reader skips a last line cut mid-write with a warning: the next read has it whole.
    return readRunDirectory(this.dir);
  }

  /** Sizes and modification times of the two logs: unchanged files need no re-read. */
  private fileSignature(): string {
    return [CONFIGS_FILE, RESULTS_FILE]
      .map((file) => {
        try {
          const stat = fs.statSync(path.join(this.dir, file));
          return `${stat.size}:${stat.mtimeMs}`;
        } catch {
          return '-';
        }
      })
      .join('|');
  }

  private counts(result: Result): DashboardStatus {
    return {
      finished: false,
      planned: this.runPlan?.planned ?? null,
      nRuns: result.nRuns,
      nFailed: result.nFailed,
      nConfigs: result.nConfigs,
      running: this.pending.length,
    };
  }

  /** The BOHB paper's incumbent rule, as the search's `incumbent` event; true when `run` replaced it. */
  private advanceIncumbent(run: Run): boolean {
    if (run.loss === null || !replacesIncumbent({ loss: run.loss, budget: run.budget }, this.incumbent)) return false;
    this.incumbent = { loss: run.loss, budget: run.budget };
    return true;
  }

  private broadcast(event: DashboardEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function pendingKey(job: DashboardSnapshot['running'][number]): string {
  return `${configIdKey(job.configId)}@${job.budget}`;
}
