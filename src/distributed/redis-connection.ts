import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { invalidOption } from '../core/option-checks.js';
import { RedisConnectionError } from './distributed-error.js';

/** Extra ioredis options merged over what the URL says (e.g. `{ tls: { ca } }` for a private CA). */
export type RedisConnectionOptions = Readonly<Record<string, unknown>>;

/** BullMQ's name for the queue when none is given. */
export const DEFAULT_QUEUE = 'bandster';

const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function validateRedisUrl(url: unknown, field: string): string {
  if (typeof url !== 'string' || !/^rediss?:\/\/[^/]/i.test(url)) {
    throw invalidOption(field, 'a redis:// or rediss:// URL', typeof url === 'string' ? redactRedisUrl(url) : url);
  }
  return url;
}

export function validateQueueName(queue: unknown, field: string): string {
  // BullMQ builds Redis keys as `bull:<queue>:<id>`: a colon in the name would split them.
  if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) {
    throw invalidOption(field, "1 to 100 letters, digits, '_', '.' or '-'", queue);
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
export function bullConnection(url: string, extra: RedisConnectionOptions | undefined): BullRedisOptions {
  return { ...extra, url, maxRetriesPerRequest: null };
}

/** A plain ioredis client (cancel channel, stream position), not yet connected. */
export function createRedisClient(url: string, extra: RedisConnectionOptions | undefined): Redis {
  return new Redis(url, { ...(extra as RedisOptions | undefined), maxRetriesPerRequest: null, lazyConnect: true });
}

/** Resolves when `client` is ready, connecting it if it was created lazily; waits through retries. */
export function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  const ready = new Promise<void>((resolve) => client.once('ready', () => resolve()));
  // A failed first attempt rejects connect(), but ioredis keeps retrying: 'ready' still comes.
  if (client.status === 'wait') client.connect().catch(() => {});
  return ready;
}

/**
 * `operation`, or a {@link RedisConnectionError} naming the (redacted) URL and the last Redis
 * error after `timeoutMs`: ioredis itself retries forever, which would hide a wrong URL or password.
 */
export async function withinConnectTimeout<T>(
  operation: Promise<T>,
  url: string,
  timeoutMs: number,
  lastError: () => Error | undefined,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      operation,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          const error = lastError();
          const shown = redactRedisUrl(url);
          reject(
            new RedisConnectionError(
              shown,
              `cannot connect to Redis at ${shown} within ${timeoutMs} ms${error ? `: ${error.message}` : ''}`,
              { cause: error },
            ),
          );
        }, timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
