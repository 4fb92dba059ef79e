import type { ConfigId, ConfigInfo, Configuration, Run } from './types.js';

/** Events of a running search, in the order they happen to one job. */
export interface SearchEvents {
  /** A new configuration was sampled (or restored from the log on resume). */
  'config:new': { configId: ConfigId; config: Configuration; info: ConfigInfo; restored: boolean };
  /** A job was handed to the executor. */
  'job:submitted': { configId: ConfigId; config: Configuration; budget: number };
  /** The executor started running a job. */
  'job:started': { configId: ConfigId; budget: number };
  /** The objective reported an intermediate value. */
  'job:report': { configId: ConfigId; budget: number; step: number; loss: number };
  /** A job finished (successfully or not). `restored` marks results taken from the log on resume. */
  'job:finished': { run: Run; config: Configuration; restored: boolean };
  /** Every configuration of a successive-halving iteration is done. */
  'iteration:finished': { iteration: number };
  /**
   * A new incumbent by the BOHB paper's rule: a finished run whose budget is at least the
   * current incumbent's and whose loss is lower.
   */
  incumbent: { configId: ConfigId; config: Configuration; loss: number; budget: number };
  /** Something the user should know that does not stop the search (e.g. a truncated log line). */
  warning: { message: string };
}
