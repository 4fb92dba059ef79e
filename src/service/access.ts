import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { ServiceError } from './service-error.js';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./i.test(bare);
}

/**
 * Safe by default: any address other than loopback needs a token.
 * @throws ServiceError `ERR_TOKEN_REQUIRED` naming the host.
 */
export function checkListenAddress(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new ServiceError(
      'ERR_TOKEN_REQUIRED',
      `listening on ${host} lets other machines reach the studies: give --token (or BANDSTER_TOKEN), which every request must then carry as "Authorization: Bearer <token>"`,
      'host',
    );
  }
}

/**
 * Compares a presented token with the expected one in constant time: both are hashed first, so
 * neither the comparison nor the lengths leak through timing.
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/**
 * Starts `app` on `host`:`port` after {@link checkListenAddress}, and returns the URL it listens on
 * (the actual port when `port` is 0), shared by `bandster serve` and `bandster dashboard`.
 */
export async function listenChecked(
  app: { listen(options: { host: string; port: number }): Promise<unknown>; server: { address(): unknown } },
  host: string,
  port: number,
  token: string | undefined,
): Promise<string> {
  checkListenAddress(host, token);
  await app.listen({ host, port });
  const address = app.server.address() as { port?: number } | null;
  const actualPort = typeof address === 'object' && address?.port !== undefined ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}
