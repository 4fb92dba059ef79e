import { AbortedError } from '../core/errors.js';
import type { Incumbent, TrajectoryPoint } from '../core/result.js';
import type { AskedJob, ExtendedLease, JobRef, LeaseRef, OutstandingJob, TellResult } from '../core/search.js';
import { Search, type SearchOptions } from '../core/search.js';
import type { ConfigId, Run } from '../core/types.js';
import {
  bestOf,
  configsOf,
  type DashboardEvent,
  type DashboardSnapshot,
  type DashboardSource,
  type DashboardStatus,
} from '../dashboard/dashboard-data.js';
import { OVERRIDE_HINT, PlanTooLargeError } from '../optimizers/plan-size.js';
import { RunLock } from '../storage/run-lock.js';
import { ServiceError } from './service-error.js';
import { readRunSettings, type RunSettings } from '../storage/run-settings.js';
import {
  readStudyRecord,
  type StudyRecord,
  type StudySpec,
  searchOptionsFromDirectory,
  searchOptionsFromSpec,
  writeStudyRecord,
} from './study-spec.js';

/**
 * A study's search, checked: its plan must stay within the one bound every search has
 * (`PLAN_SIZE_LIMIT` in optimizers/budgets.ts; a study cannot lift it), so that a request cannot
 * make the server allocate millions of rungs or configurations.
 * @throws ServiceError naming the field to change: `body.eta` when one iteration is too large, `body.nIterations` otherwise.
 */
function checkedSearch(options: SearchOptions): Search {
  try {
    return new Search(options);
  } catch (error) {
    if (!(error instanceof PlanTooLargeError)) throw error;
    const message = error.message.replace(OVERRIDE_HINT, '').replace(/\boptions\./g, 'body.');
    throw new ServiceError('ERR_BAD_REQUEST', message, error.scope === 'iteration' ? 'body.eta' : 'body.nIterations');
  }
}

/** What `ask` answers: a job, a wait that ran out (ask again), or the end of the study. */
export type AskAnswer = { readonly status: 'job'; readonly job: AskedJob } | { readonly status: 'wait' } | { readonly status: 'finished' };

/** A study's settings and counts (`GET /api/studies/:name`). */
export interface StudyStatus extends DashboardStatus {
  readonly name: string;
  readonly optimizer: string;
  readonly minBudget: number;
  readonly maxBudget: number;
  readonly eta: number;
  readonly nIterations: number;
  readonly asynchronous: boolean;
  readonly seed: number;
  readonly created: string;
}

/**
 * One study of `bandster serve`: an ask/tell {@link Search} over a normal bandster log directory
 * (hpbandster's tools and `bandster summary/report` read it), locked for this process while it
 * is served, and a {@link DashboardSource} for its live page and event stream.
 */
export class Study implements DashboardSource {
  private readonly listeners = new Set<(event: DashboardEvent) => void>();

  private constructor(
    readonly name: string,
    readonly dir: string,
    private readonly search: Search,
    private readonly record: StudyRecord,
    private readonly settings: RunSettings,
    private readonly lock: RunLock,
  ) {
    search.on('job:finished', ({ run, config, restored }) => {
      if (restored || this.listeners.size === 0) return;
      const result = this.search.result();
      this.broadcast({
        type: 'result',
        data: { run, config, best: bestOf(result), trajectory: result.trajectory(), status: this.counts() },
      });
    });
    search.on('job:submitted', ({ configId, config, budget }) => {
      if (this.listeners.size === 0) return;
      const lease = this.outstandingJob(configId, budget);
      this.broadcast({
        type: 'job',
        data: { configId, config, budget, askedAt: lease?.askedAt ?? Date.now() / 1000, leaseExpiresAt: lease?.leaseExpiresAt ?? null },
      });
    });
    search.on('incumbent', (incumbent) => this.broadcast({ type: 'incumbent', data: incumbent }));
  }

  get title(): string {
    return this.name;
  }

  /**
   * Creates the study `spec.name` in `dataDir`: checks every setting, locks the new folder, then
   * writes study.json and the log's first files.
   */
  static async create(dataDir: string, spec: StudySpec, onWarning: (message: string) => void): Promise<Study> {
    const options = searchOptionsFromSpec(dataDir, spec);
    // Every setting is checked before the folder is created and locked.
    checkedSearch(options);
    const dir = options.logDir!;
    const lock = RunLock.acquire(dir, { purpose: 'bandster serve' });
    try {
      // The study holds its folder for as long as it is served; its search writes under that lock.
      const search = new Search({ ...options, lock });
      const record: StudyRecord = {
        bandster: 1,
        name: spec.name,
        created: new Date().toISOString(),
        preset: spec.preset ?? null,
        leaseTimeoutMs: spec.leaseTimeoutMs ?? null,
      };
      search.on('warning', ({ message }) => onWarning(`study ${spec.name}: ${message}`));
      await search.open();
      writeStudyRecord(dir, record);
      return new Study(spec.name, dir, search, record, readRunSettings(dir)!, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Resumes the study logged in `dir` (a restarted server): every told result is recorded again. */
  static async load(dir: string, onWarning: (message: string) => void): Promise<Study> {
    const record = readStudyRecord(dir);
    if (!record) throw new Error(`${dir}: not a study (no study.json)`);
    const lock = RunLock.acquire(dir, { purpose: 'bandster serve' });
    try {
      const search = new Search({ ...searchOptionsFromDirectory(dir, record), lock });
      search.on('warning', ({ message }) => onWarning(`study ${record.name}: ${message}`));
      await search.open();
      return new Study(record.name, dir, search, record, readRunSettings(dir)!, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * The next job; waits up to `waitMs` for one when the scheduler waits for results. `stop`
   * ends the wait early (the client hung up); this method aborts it itself when the time is up.
   */
  async ask(waitMs: number, leaseMs: number | undefined, stop: AbortController): Promise<AskAnswer> {
    // One controller per request and a plain timer: the common case (a job is ready) allocates
    // no timeout signal and no AbortSignal.any, which cost more than the ask itself.
    const asking = this.search.ask({ signal: stop.signal, leaseMs });
    // Search.ask takes a ready job synchronously; aborting afterwards only ends a wait.
    const timer = waitMs > 0 ? setTimeout(() => stop.abort(), waitMs) : undefined;
    if (waitMs === 0) stop.abort();
    try {
      const job = await asking;
      return job === null ? { status: 'finished' } : { status: 'job', job };
    } catch (error) {
      if (error instanceof AbortedError) return { status: 'wait' };
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** Records a result (logged before this returns). */
  tell(job: JobRef, result: TellResult): Run {
    return this.search.tell(job, result);
  }

  /** A heartbeat: the job's lease restarts (`leaseMs`, else the lease it was asked with). */
  /** Restarts a job's lease; the page learns the new end as a `job` event for that job. */
  extendLease(job: LeaseRef, leaseMs: number | undefined): ExtendedLease {
    const extended = this.search.extendLease(job, leaseMs);
    const lease = this.listeners.size === 0 ? undefined : this.outstandingJob(extended.configId, extended.budget);
    if (lease) {
      const { configId, config, budget, askedAt, leaseExpiresAt } = lease;
      this.broadcast({ type: 'job', data: { configId, config, budget, askedAt, leaseExpiresAt } });
    }
    return extended;
  }

  private outstandingJob(configId: ConfigId, budget: number): OutstandingJob | undefined {
    return this.search.outstanding().find((job) => job.budget === budget && job.configId.every((part, i) => part === configId[i]));
  }

  status(): StudyStatus {
    const { optimizer, minBudget, maxBudget, eta, nIterations, seed } = this.settings;
    return {
      name: this.name,
      optimizer,
      minBudget,
      maxBudget,
      eta,
      nIterations,
      asynchronous: this.settings.asynchronous ?? false,
      seed,
      created: this.record.created,
      ...this.counts(),
    };
  }

  /** The incumbent (the best configuration on the largest budget) and the trajectory. */
  incumbent(): { incumbent: Incumbent | null; trajectory: TrajectoryPoint[] } {
    const result = this.search.result();
    return { incumbent: result.incumbent() ?? null, trajectory: result.trajectory() };
  }

  /** Every result, in log order, and the jobs asked but not told. */
  runs(): { runs: Run[]; outstanding: OutstandingJob[] } {
    return { runs: this.search.result().allRuns(), outstanding: this.search.outstanding() };
  }

  snapshot(): DashboardSnapshot {
    const result = this.search.result();
    return {
      title: this.name,
      source: 'study',
      status: this.counts(),
      configs: configsOf(result),
      runs: result.allRuns(),
      running: this.search.outstanding().map(({ configId, config, budget, askedAt, leaseExpiresAt }) => ({
        configId,
        config,
        budget,
        askedAt,
        leaseExpiresAt,
      })),
      best: bestOf(result),
      trajectory: result.trajectory(),
    };
  }

  subscribe(listener: (event: DashboardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops serving: waiting asks end, the log is closed and the lock released. */
  close(): void {
    this.search.close();
    this.lock.release();
  }

  private counts(): DashboardStatus {
    const result = this.search.result();
    return {
      finished: this.search.isFinished,
      planned: this.search.plannedEvaluations(),
      nRuns: result.nRuns,
      nFailed: result.nFailed,
      nConfigs: result.nConfigs,
      running: this.search.outstanding().length,
    };
  }

  private broadcast(event: DashboardEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
