import type { FastifyInstance, FastifyReply } from 'fastify';
import { NAME_PARAMS, TOKEN_QUERY } from '../service/schemas.js';
import { dashboardAsset } from './dashboard-assets.js';
import type { DashboardEvent, DashboardSource } from './dashboard-data.js';
import { DASHBOARD_CSP, dashboardPage, indexPage } from './dashboard-page.js';

/** What a dashboard server shows: named sources. */
export interface DashboardSources {
  readonly heading: string;
  list(): readonly { readonly name: string; readonly line: string }[];
  /** @throws a 404 error (ServiceError `ERR_UNKNOWN_STUDY`) when there is no such source. */
  get(name: string): DashboardSource;
}

/** Bytes an event stream may have queued for a slow reader before it is dropped (it reconnects and gets a fresh snapshot). */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/** A comment line keeps proxies and browsers from timing an idle stream out. */
const HEARTBEAT_MS = 15_000;

/**
 * The live dashboard: an index at `/`, a page per source at `/studies/:name/`, its event stream
 * at `/api/studies/:name/events` (a snapshot, then every new result, job and incumbent as
 * Server-Sent Events), and the page's scripts, style and font at `/assets/` — all served here,
 * so the page works without internet access.
 */
export function registerDashboard(app: FastifyInstance, sources: DashboardSources): void {
  const streams = new Set<FastifyReply>();
  app.addHook('onClose', async () => {
    for (const reply of streams) reply.raw.end();
  });

  app.get('/', async (_request, reply) => {
    reply.type('text/html; charset=utf-8').header('content-security-policy', DASHBOARD_CSP);
    return indexPage(sources.heading, sources.list());
  });

  app.get<{ Params: { name: string } }>('/studies/:name', { schema: { params: NAME_PARAMS } }, async (request, reply) => {
    reply.redirect(`/studies/${encodeURIComponent(request.params.name)}/`);
  });

  app.get<{ Params: { name: string } }>(
    '/studies/:name/',
    { schema: { params: NAME_PARAMS, querystring: TOKEN_QUERY } },
    async (request, reply) => {
      const source = sources.get(request.params.name);
      reply.type('text/html; charset=utf-8').header('content-security-policy', DASHBOARD_CSP);
      return dashboardPage(source.title, `/api/studies/${encodeURIComponent(request.params.name)}/events`);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/api/studies/:name/events',
    { schema: { params: NAME_PARAMS, querystring: TOKEN_QUERY } },
    async (request, reply) => {
      const source = sources.get(request.params.name);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      const send = (event: DashboardEvent): void => {
        if (raw.writableLength > MAX_QUEUED_BYTES) {
          raw.end();
          return;
        }
        raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      };
      // Subscribed in the same turn as the snapshot is taken: nothing falls between the two.
      send({ type: 'snapshot', data: source.snapshot() });
      const unsubscribe = source.subscribe(send);
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      streams.add(reply);
      raw.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(reply);
      });
    },
  );

  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const asset = dashboardAsset(request.params.file);
    if (!asset) {
      reply.code(404);
      return { error: { code: 'ERR_NOT_FOUND', message: `no asset ${JSON.stringify(request.params.file.slice(0, 100))}` } };
    }
    reply.type(asset.type).header('cache-control', 'public, max-age=3600');
    return asset.body;
  });
}
