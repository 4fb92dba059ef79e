import type { FastifyInstance } from 'fastify';
import { listenChecked } from '../service/access.js';
import { createHttpApp, type HttpAppOptions } from '../service/http-app.js';
import { ServiceError } from '../service/service-error.js';
import { isStudyName } from '../service/study-name.js';
import { registerDashboard } from './dashboard-routes.js';
import { RunFollower, type RunFollowerOptions } from './run-follower.js';

/** Options of {@link createDashboardServer}. */
export interface DashboardServerOptions extends HttpAppOptions, RunFollowerOptions {
  /** The run directory to follow (bandster's or hpbandster's). */
  readonly dir: string;
}

/** `bandster dashboard DIR` as a library, built but not listening yet. */
export interface DashboardServer {
  readonly app: FastifyInstance;
  readonly follower: RunFollower;
  /** The page's path, e.g. `/studies/my-run/`. */
  readonly pagePath: string;
  listen(host: string, port: number): Promise<string>;
  close(): Promise<void>;
}

/** Serves the live dashboard of a run directory that another process is writing. */
export async function createDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const follower = RunFollower.open(options.dir, options);
  const name = isStudyName(follower.title) ? follower.title : 'run';
  const app = createHttpApp(options);
  registerDashboard(app, {
    heading: `bandster dashboard: ${follower.title}`,
    list: () => [{ name, line: options.dir }],
    get: (requested) => {
      if (requested !== name)
        throw new ServiceError('ERR_UNKNOWN_STUDY', `this dashboard shows ${JSON.stringify(name)} only`, 'params.name');
      return follower;
    },
  });
  return {
    app,
    follower,
    pagePath: `/studies/${encodeURIComponent(name)}/`,
    listen: (host, port) => listenChecked(app, host, port, options.token),
    async close() {
      follower.close();
      await app.close();
    },
  };
}
