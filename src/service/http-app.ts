import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { BandsterError } from '../core/errors.js';
import { bearerToken, tokenMatches } from './access.js';
import { LIBRARY_ERROR_STATUS, ServiceError } from './service-error.js';

/** Options shared by `bandster serve` and `bandster dashboard`. */
export interface HttpAppOptions {
  /** When set, every request but the static assets must carry it (`Authorization: Bearer`, or `?token=` on a GET). */
  readonly token?: string;
  /**
   * Largest request body in bytes; larger ones are refused with 413.
   * @defaultValue 1048576 (1 MiB)
   */
  readonly bodyLimit?: number;
}

export const HTTP_APP_DEFAULTS = Object.freeze({ bodyLimit: 1024 * 1024 });

/** Sent with every answer: no content sniffing, no framing, no referrer. */
const SECURITY_HEADERS = Object.freeze({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** The JSON every refused request gets: a stable code, a message, and the field at fault when there is one. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/**
 * A Fastify instance with bandster's request rules: bodies checked by schema with no coercion
 * and no silently dropped fields (an unknown field is a 400 naming it), every error answered as
 * {@link ErrorBody} with a 4xx status (only a bug in bandster gives a 500), the token checked in
 * constant time, and headers that keep browsers from sniffing or framing the responses.
 */
export function createHttpApp(options: HttpAppOptions = {}): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? HTTP_APP_DEFAULTS.bodyLimit,
    // Event streams stay open: closing the server must not wait for them.
    forceCloseConnections: true,
    logger: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    schemaErrorFormatter: (errors, dataVar) => schemaError(errors as unknown as AjvError[], dataVar),
  });
  // Callback hooks, not async ones: no promise per request on the hot path.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
  const token = options.token;
  if (token) {
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.url.startsWith('/assets/')) return done();
      const presented =
        bearerToken(request.headers.authorization) ??
        (request.method === 'GET' ? (new URLSearchParams(request.url.split('?')[1] ?? '').get('token') ?? undefined) : undefined);
      if (!tokenMatches(presented, token)) {
        return done(new ServiceError('ERR_UNAUTHORIZED', 'this server needs a token: send "Authorization: Bearer <token>"'));
      }
      done();
    });
  }
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ error: { code: 'ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}` } });
  });
  app.setErrorHandler((error: FastifyError | BandsterError | Error, request, reply) => {
    const { status, body } = errorAnswer(error);
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    if (status >= 500) request.log.error(error);
    reply.code(status).send(body);
  });
  return app;
}

/** The status and body that answer `error`. */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ServiceError) {
    return {
      status: error.statusCode,
      body: { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } },
    };
  }
  if (error instanceof BandsterError) {
    const status = LIBRARY_ERROR_STATUS[error.code] ?? 400;
    return { status, body: { error: { code: error.code, message: apiTerms(error.message) } } };
  }
  const statusCode = (error as FastifyError).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Fastify's own refusals: bad JSON, a body too large, an unsupported content type…
    return { status: statusCode, body: { error: { code: 'ERR_BAD_REQUEST', message: (error as Error).message } } };
  }
  return { status: 500, body: { error: { code: 'ERR_INTERNAL', message: 'internal error' } } };
}

/** The library's `options.x` is the request's `body.x`. */
function apiTerms(message: string): string {
  return message.replace(/\boptions\./g, 'body.');
}

function schemaError(errors: readonly AjvError[], dataVar: string): ServiceError {
  const error = errors[0];
  const at = `${dataVar}${error.instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.')}`;
  if (error.keyword === 'additionalProperties') {
    const field = `${at}.${String(error.params.additionalProperty)}`;
    return new ServiceError('ERR_BAD_REQUEST', `${field} is not a field of this request`, field);
  }
  if (error.keyword === 'required') {
    const field = `${at}.${String(error.params.missingProperty)}`;
    return new ServiceError('ERR_BAD_REQUEST', `${field} is required`, field);
  }
  return new ServiceError('ERR_BAD_REQUEST', `${at} ${error.message ?? 'is not valid'}`, at);
}
