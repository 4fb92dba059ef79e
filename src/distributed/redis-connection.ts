import { Redis, type RedisOptions } from 'ioredis';
import { InvalidOptionError } from '../core/errors.js';
import { RedisConnectionError } from './distributed-error.js';

/** Extra ioredis options merged over what the URL says (e.g. `{ tls: { ca } }` for a private CA). */
export type RedisConnectionOptions = Readonly<Record<string, unknown>>;

/** BullMQ's name for the queue when none is given. */
export const DEFAULT_QUEUE = 'bandster';

const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function validateRedisUrl(url: unknown, field: string): string {
  if (typeof url !== 'string' || !/^rediss?:\/\/[^/]/i.test(url)) {
    throw new InvalidOptionError(`${field} must be a redis:// or rediss:// URL (got ${typeof url === 'string' ? JSON.stringify(redactRedisUrl(url)) : typeof url})`);
  }
  return url;
}

export function validateQueueName(queue: unknown, field: string): string {
  // BullMQ builds Redis keys as `bull:<queue>:<id>`: a colon in the name would split them.
  if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) {
    throw new InvalidOptionError(`${field} must be 1 to 100 letters, digits, '_', '.' or '-' (got ${JSON.stringify(queue)})`);
  }
  return queue;
}

/** The URL as it may be printed: the password (and a user name's secret part) replaced by `***`. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/i, (_match, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon < 0 ? '***' : `${auth.slice(0, colon)}:***`}@`;
  });
}

/**
 * The connection BullMQ and our own clients use. `maxRetriesPerRequest: null` makes commands
 * wait through a Redis restart instead of failing (BullMQ requires it of blocking connections;
 * we want it everywhere, so that an outage pauses the search rather than failing its jobs).
 */
export function bullConnection(url: string, extra: RedisConnectionOptions | undefined): { url: string } & RedisOptions {
  return { ...(extra as RedisOptions | undefined), url, maxRetriesPerRequest: null };
}

/** A plain ioredis client (cancel channel, stream position), not yet connected. */
export function createRedisClient(url: string, extra: RedisConnectionOptions | undefined): Redis {
  return new Redis(url, { ...(extra as RedisOptions | undefined), maxRetriesPerRequest: null, lazyConnect: true });
}

/**
 * Connects `client`, or rejects with a {@link RedisConnectionError} naming the (redacted) URL and
 * the last error after `timeoutMs` — ioredis itself would retry forever, which hides a wrong URL.
 */
export async function connectWithin(client: Redis, url: string, timeoutMs: number): Promise<void> {
  let lastError: Error | undefined;
  const onError = (error: Error): void => {
    lastError = error;
  };
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().catch(async (error: Error) => {
        lastError ??= error;
        // lazyConnect's first attempt failed; ioredis keeps retrying: wait for it to succeed.
        if (client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', () => resolve()));
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          const reason = lastError ? `: ${lastError.message}` : '';
          reject(new RedisConnectionError(redactRedisUrl(url), `cannot connect to Redis at ${redactRedisUrl(url)} within ${timeoutMs} ms${reason}`, { cause: lastError }));
        }, timeoutMs);
      }),
    ]);
    await client.ping();
  } finally {
    if (timer) clearTimeout(timer);
    client.off('error', onError);
  }
}
