import { BandsterError } from '../core/errors.js';

/** What went wrong between bandster and Redis or its workers; callers branch on it, never on a message. */
export type DistributedErrorCode =
  /** Redis cannot be reached within the connect timeout (wrong URL, password, TLS settings, or the server is down). */
  | 'ERR_REDIS_CONNECTION'
  /** `start()` was called on a worker that was already started. */
  | 'ERR_WORKER_STARTED';

/** Something went wrong in the distributed executor or a worker (job failures are outcomes, not errors). */
export class DistributedError extends BandsterError {
  declare readonly code: DistributedErrorCode;
  constructor(code: DistributedErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Redis cannot be reached (`ERR_REDIS_CONNECTION`). */
export class RedisConnectionError extends DistributedError {
  declare readonly code: 'ERR_REDIS_CONNECTION';
  /** The Redis URL with its password replaced by `***`. */
  readonly url: string;
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super('ERR_REDIS_CONNECTION', message, options);
    this.url = url;
  }
}
