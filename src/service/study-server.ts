import type { FastifyInstance } from 'fastify';
import { registerDashboard } from '../dashboard/dashboard-routes.js';
import { listenChecked } from './access.js';
import { createHttpApp, type HttpAppOptions } from './http-app.js';
import { registerStudyRoutes } from './study-routes.js';
import { StudyRegistry } from './study-registry.js';

/** Options of {@link createStudyServer}. */
export interface StudyServerOptions extends HttpAppOptions {
  /** The folder holding one subfolder per study (each a normal bandster log directory). */
  readonly data: string;
  /** Where warnings go (a study not resumed, a lease expired). @defaultValue ignored */
  readonly onWarning?: (message: string) => void;
}

/** A study server, built but not listening yet. */
export interface StudyServer {
  readonly app: FastifyInstance;
  readonly studies: StudyRegistry;
  /**
   * Listens on `host:port` (port 0: any free port) and resolves to the base URL.
   * @throws ServiceError `ERR_TOKEN_REQUIRED` for a non-loopback host without a token.
   */
  listen(host: string, port: number): Promise<string>;
  /** Stops listening, ends the event streams, closes every study and releases its lock. */
  close(): Promise<void>;
}

/**
 * `bandster serve` as a library: resumes every study in `options.data`, then answers the JSON
 * API (`/api/studies…`) and serves each study's live dashboard (`/studies/:name/`).
 */
export async function createStudyServer(options: StudyServerOptions): Promise<StudyServer> {
  const studies = await StudyRegistry.open(options.data, options.onWarning ?? (() => {}));
  const app = createHttpApp(options);
  registerStudyRoutes(app, studies);
  registerDashboard(app, {
    heading: 'bandster studies',
    list: () =>
      studies.list().map((study) => {
        const status = study.status();
        return {
          name: study.name,
          line: `${status.optimizer}, ${status.nRuns}/${status.planned} results${status.finished ? ', finished' : ''}`,
        };
      }),
    get: (name) => studies.get(name),
  });
  let closed = false;
  return {
    app,
    studies,
    listen: (host, port) => listenChecked(app, host, port, options.token),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      studies.close();
    },
  };
}
