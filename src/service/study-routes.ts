import type { FastifyInstance } from 'fastify';
import type { TellResult } from '../core/search.js';
import { SERVICE_PRESET_NAMES, SERVICE_PRESETS } from './presets.js';
import { ASK_BODY, CREATE_STUDY_BODY, HEARTBEAT_BODY, NAME_PARAMS, RUNS_QUERY, TELL_BODY } from './schemas.js';
import { ServiceError } from './service-error.js';
import type { StudyRegistry } from './study-registry.js';
import type { StudySpec } from './study-spec.js';

interface NameParams {
  readonly name: string;
}

interface AskBody {
  readonly waitMs?: number;
  readonly leaseMs?: number;
}

interface TellBody {
  readonly configId: [number, number, number];
  readonly budget: number;
  readonly loss?: number | null | 'NaN' | 'Infinity' | '-Infinity';
  readonly info?: Record<string, unknown>;
  readonly error?: string;
}

interface HeartbeatBody {
  readonly configId: [number, number, number];
  readonly budget: number;
  readonly attempt?: number;
  readonly leaseMs?: number;
}

/**
 * How long an ask waits for a job when the scheduler waits for results (a rung barrier), unless
 * the body says otherwise: a long poll, so a client loop needs no sleeps of its own.
 */
export const DEFAULT_ASK_WAIT_MS = 30_000;

/** The JSON API of `bandster serve`: studies, ask, tell, heartbeat, status, incumbent, runs. */
export function registerStudyRoutes(app: FastifyInstance, studies: StudyRegistry): void {
  app.get('/api/presets', async () => ({
    presets: SERVICE_PRESET_NAMES.map((name) => {
      const { description, minBudget, maxBudget, eta, nIterations, space } = SERVICE_PRESETS[name]();
      return { name, description, minBudget, maxBudget, eta, nIterations, hyperparameters: space.names };
    }),
  }));

  app.get('/api/studies', async () => ({ studies: studies.list().map((study) => study.status()) }));

  app.post<{ Body: StudySpec }>('/api/studies', { schema: { body: CREATE_STUDY_BODY } }, async (request, reply) => {
    const study = await studies.create(request.body);
    reply.code(201);
    return { study: study.status() };
  });

  app.get<{ Params: NameParams }>('/api/studies/:name', { schema: { params: NAME_PARAMS } }, async (request) => ({
    study: studies.get(request.params.name).status(),
  }));

  app.post<{ Params: NameParams; Body: AskBody | null }>(
    '/api/studies/:name/ask',
    { schema: { params: NAME_PARAMS, body: ASK_BODY } },
    async (request, reply) => {
      const study = studies.get(request.params.name);
      const body = request.body ?? {};
      // A client that hangs up stops its wait, so no job is leased to nobody.
      const gone = new AbortController();
      const onClose = (): void => gone.abort();
      reply.raw.once('close', onClose);
      try {
        return await study.ask(body.waitMs ?? DEFAULT_ASK_WAIT_MS, body.leaseMs, gone);
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  );

  app.post<{ Params: NameParams; Body: TellBody }>(
    '/api/studies/:name/tell',
    { schema: { params: NAME_PARAMS, body: TELL_BODY } },
    async (request) => {
      const study = studies.get(request.params.name);
      const { configId, budget, loss, info, error } = request.body;
      if ((loss === undefined) === (error === undefined)) {
        throw new ServiceError('ERR_BAD_REQUEST', 'give exactly one of body.loss (a number) and body.error (a message)', 'body.loss');
      }
      const result: TellResult =
        error !== undefined ? { error, info } : ({ loss: typeof loss === 'string' ? Number(loss) : loss, info } as TellResult);
      return { run: study.tell({ configId, budget }, result) };
    },
  );

  // A job's holder is still working: its lease restarts, so a long trial is not handed out again.
  app.post<{ Params: NameParams; Body: HeartbeatBody }>(
    '/api/studies/:name/heartbeat',
    { schema: { params: NAME_PARAMS, body: HEARTBEAT_BODY } },
    async (request) => {
      const { configId, budget, attempt, leaseMs } = request.body;
      return { job: studies.get(request.params.name).extendLease({ configId, budget, attempt }, leaseMs) };
    },
  );

  app.get<{ Params: NameParams }>('/api/studies/:name/incumbent', { schema: { params: NAME_PARAMS } }, async (request) =>
    studies.get(request.params.name).incumbent(),
  );

  app.get<{ Params: NameParams; Querystring: { since?: string } }>(
    '/api/studies/:name/runs',
    { schema: { params: NAME_PARAMS, querystring: RUNS_QUERY } },
    async (request) => {
      const { runs, outstanding } = studies.get(request.params.name).runs();
      const since = Number(request.query.since ?? 0);
      // `next` is the `since` of the following call: a client polls only what is new.
      return { runs: runs.slice(since), next: runs.length, outstanding };
    },
  );
}
