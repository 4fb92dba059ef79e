// What travels through the queue between the master and the workers: plain JSON, versioned.
import { invalidOption, MAX_TIMER_DELAY_MS } from '../core/option-checks.js';
import {
  CONFIG_ID_FORM,
  configIdKey,
  isConfigId,
  type ConfigId,
  type Configuration,
  type JobError,
  type JobOutcome,
} from '../core/types.js';
import { failed } from '../executors/objective-outcome.js';

/** The BullMQ job name of every evaluation. */
export const EVALUATION_JOB_NAME = 'evaluate';

/** A BullMQ job's data: one evaluation of one configuration on one budget. */
export interface EvaluationData {
  readonly v: 1;
  readonly configId: ConfigId;
  readonly config: Configuration;
  readonly budget: number;
  /** Milliseconds after which the worker abandons the objective as failed ('timeout'); 0 = none. */
  readonly timeoutMs: number;
}

/** A BullMQ job's progress: one value reported by the objective through `ctx.report`. */
export interface ReportProgress {
  readonly step: number;
  readonly loss: number;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function validateRunId(runId: unknown, field: string): string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
    throw invalidOption(field, "1 to 64 letters, digits, '_' or '-'", runId);
  }
  return runId;
}

/**
 * The BullMQ job id of an evaluation. It depends only on the search (run id), the configuration
 * id and the budget, so enqueuing an evaluation twice — a retried submit, a restarted master —
 * finds the job already there (BullMQ ignores an `add` whose id exists) instead of running it
 * again. BullMQ forbids ':' in ids (it separates Redis key parts); none of the parts holds one.
 */
export function evaluationJobId(runId: string, configId: ConfigId, budget: number): string {
  return `${runId}.${configIdKey(configId)}.b${budget}`;
}

/** Reads a job's data, or says what is wrong with it. */
export function parseEvaluationData(data: unknown): EvaluationData | string {
  if (data === null || typeof data !== 'object') return `job data must be an object (got ${typeof data})`;
  const { v, configId, config, budget, timeoutMs } = data as Record<string, unknown>;
  if (v !== 1) return `job data version must be 1 (got ${JSON.stringify(v)}): master and worker run different bandster versions`;
  if (!isConfigId(configId)) return `job data configId must be ${CONFIG_ID_FORM} (got ${JSON.stringify(configId)})`;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return 'job data config must be an object';
  if (typeof budget !== 'number' || !Number.isFinite(budget)) return `job data budget must be a number (got ${JSON.stringify(budget)})`;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0 && timeoutMs <= MAX_TIMER_DELAY_MS))
    return `job data timeoutMs must be a number in [0, ${MAX_TIMER_DELAY_MS}] (got ${JSON.stringify(timeoutMs)})`;
  return { v, configId, config: config as Configuration, budget, timeoutMs };
}

export function isReportProgress(value: unknown): value is ReportProgress {
  if (value === null || typeof value !== 'object') return false;
  const { step, loss } = value as Record<string, unknown>;
  return typeof step === 'number' && typeof loss === 'number';
}

const ERROR_KINDS: readonly JobError['kind'][] = [
  'threw',
  'invalid-result',
  'non-finite-loss',
  'timeout',
  'aborted',
  'worker-exit',
  'out-of-memory',
  'never-settled',
];

/**
 * A job's stored return value (what a worker returned: a {@link JobOutcome}, JSON round-tripped)
 * back as an outcome. Anything else — another program's job on the same queue, a corrupted
 * value — becomes a failed outcome rather than a crash.
 */
export function outcomeFromStored(value: unknown): JobOutcome {
  if (value !== null && typeof value === 'object') {
    const stored = value as Record<string, unknown>;
    const startedAt = typeof stored.startedAt === 'number' ? { startedAt: stored.startedAt } : {};
    const info =
      stored.info !== null && typeof stored.info === 'object' && !Array.isArray(stored.info)
        ? (stored.info as Record<string, unknown>)
        : undefined;
    if (stored.status === 'ok' && typeof stored.loss === 'number' && Number.isFinite(stored.loss)) {
      return { status: 'ok', loss: stored.loss, info: info ?? {}, ...startedAt };
    }
    const error = stored.error as Record<string, unknown> | undefined;
    if (stored.status === 'failed' && error && ERROR_KINDS.includes(error.kind as JobError['kind']) && typeof error.message === 'string') {
      const jobError: JobError =
        typeof error.stack === 'string'
          ? { kind: error.kind as JobError['kind'], message: error.message, stack: error.stack }
          : { kind: error.kind as JobError['kind'], message: error.message };
      return { status: 'failed', error: jobError, ...(info ? { info } : {}), ...startedAt };
    }
  }
  const text = JSON.stringify(value) ?? String(value);
  return failed('invalid-result', `the worker stored a malformed outcome: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`);
}

/**
 * The pub/sub channel on which the master tells workers to stop a running evaluation (the
 * message is the job id). BullMQ can cancel only a job of the worker in the same process.
 */
export function cancelChannel(queue: string): string {
  return `bull:${queue}:bandster:cancel`;
}
