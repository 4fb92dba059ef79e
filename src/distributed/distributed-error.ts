import { BandsterError } from '../core/errors.js';

/** Redis cannot be reached (wrong URL, password, TLS settings, or the server is down). */
export class RedisConnectionError extends BandsterError {
  /** The Redis URL with its password replaced by `***`. */
  readonly url: string;
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super('ERR_REDIS_CONNECTION', message, options);
    this.url = url;
  }
}
