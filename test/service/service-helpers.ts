import { createStudyServer, type StudyServer, type StudyServerOptions } from '../../src/service/study-server.js';
import { tempDir } from '../helpers/temp-dir.js';

export interface TestContext {
  after(fn: () => unknown): void;
}

/** A study server on a free loopback port, closed after the test. */
export async function startServer(
  t: TestContext,
  options: Partial<StudyServerOptions> = {},
): Promise<{ server: StudyServer; url: string; data: string; warnings: string[] }> {
  const data = options.data ?? tempDir(t, 'bandster-service-');
  const warnings: string[] = [];
  const server = await createStudyServer({ data, onWarning: (message) => warnings.push(message), ...options });
  const url = await server.listen('127.0.0.1', 0);
  t.after(() => server.close());
  return { server, url, data, warnings };
}

/** What JSON.parse gives: the tests read answers by field, as a client would. */
export type Parsed = ReturnType<typeof JSON.parse>;

/** A JSON request; resolves to the status and the parsed body. */
export async function call(
  url: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Parsed }> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (an HTML page)
  }
  return { status: response.status, body: parsed };
}

/** A small study: successive halving 1…9 (η 3), one iteration: 9 + 3 + 1 jobs, with rung barriers. */
export const SMALL_STUDY = {
  preset: 'branin',
  optimizer: 'successive-halving',
  minBudget: 1,
  maxBudget: 9,
  eta: 3,
  nIterations: 1,
  seed: 5,
} as const;

/** Branin-like loss of a job, deterministic. */
export function lossOf(job: { config: Record<string, number>; budget: number }): number {
  return (job.config.x1 - 3) ** 2 + (job.config.x2 - 2) ** 2 + 1 / job.budget;
}
