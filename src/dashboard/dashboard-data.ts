import type { Result, TrajectoryPoint } from '../core/result.js';
import { type ConfigId, type ConfigInfo, type Configuration, parseConfigIdKey, type Run } from '../core/types.js';

/** How many of the best configurations a dashboard lists. */
export const DASHBOARD_BEST = 10;

/** A job being evaluated: asked and not told (a study), or sampled without a result yet (a run directory). */
export interface DashboardJob {
  readonly configId: ConfigId;
  /** Null when the source does not know it (a run directory logs no hand-outs). */
  readonly budget: number | null;
  readonly config: Configuration;
  /** Seconds since the epoch; null when unknown. */
  readonly askedAt: number | null;
  /** Milliseconds since the epoch; null without a lease. */
  readonly leaseExpiresAt: number | null;
}

/** One of the best configurations (`Result.best`, the one ranking). */
export interface DashboardBest {
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly loss: number;
  readonly budget: number;
}

/** The counts a dashboard shows above its charts. */
export interface DashboardStatus {
  readonly finished: boolean;
  /** Evaluations the search plans; null when unknown (a run directory). */
  readonly planned: number | null;
  readonly nRuns: number;
  readonly nFailed: number;
  readonly nConfigs: number;
  readonly running: number;
}

/** Everything a dashboard draws: sent first on every event stream. */
export interface DashboardSnapshot {
  readonly title: string;
  readonly source: 'study' | 'directory';
  readonly status: DashboardStatus;
  readonly configs: readonly { readonly configId: ConfigId; readonly config: Configuration; readonly info: ConfigInfo }[];
  readonly runs: readonly Run[];
  readonly running: readonly DashboardJob[];
  readonly best: readonly DashboardBest[];
  readonly trajectory: readonly TrajectoryPoint[];
}

/** What follows the snapshot on an event stream (Server-Sent Events, one `event:` name per type). */
export type DashboardEvent =
  | { readonly type: 'snapshot'; readonly data: DashboardSnapshot }
  /** A new result, with the ranking and trajectory it leaves. */
  | {
      readonly type: 'result';
      readonly data: {
        readonly run: Run;
        readonly config: Configuration;
        readonly best: readonly DashboardBest[];
        readonly trajectory: readonly TrajectoryPoint[];
        readonly status: DashboardStatus;
      };
    }
  /** A job handed out (or, for a run directory, a configuration sampled). */
  | { readonly type: 'job'; readonly data: DashboardJob }
  /** A new incumbent by the BOHB paper's rule (the `incumbent` search event). */
  | {
      readonly type: 'incumbent';
      readonly data: { readonly configId: ConfigId; readonly config: Configuration; readonly loss: number; readonly budget: number };
    }
  | { readonly type: 'warning'; readonly data: { readonly message: string } };

/** Something a dashboard can follow: a served study, or a run directory being written. */
export interface DashboardSource {
  readonly title: string;
  snapshot(): DashboardSnapshot;
  /** Calls `listener` with every event from now on; returns the function that stops it. */
  subscribe(listener: (event: DashboardEvent) => void): () => void;
}

/** The best configurations of a result, in the dashboard's form. */
export function bestOf(result: Result): DashboardBest[] {
  return result.best(DASHBOARD_BEST).map(({ configId, config, loss, budget }) => ({ configId, config, loss, budget }));
}

/** The configurations of a result, in log order. */
export function configsOf(result: Result): DashboardSnapshot['configs'] {
  return [...result.idToConfig().entries()].map(([key, entry]) => ({
    configId: parseConfigIdKey(key),
    config: entry.config,
    info: entry.info,
  }));
}
