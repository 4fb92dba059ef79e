import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attempt } from '../storage/run-log-error.js';
import { writeFileAtomic } from '../storage/write-file-atomic.js';
import { validateRunId } from './evaluation-wire.js';

/** bandster's own file in a run directory: the run id of the distributed search logged there. */
export const DISTRIBUTED_RUN_FILE = 'distributed.json';

/**
 * The run id of the search logged in `logDir`, for {@link DistributedExecutor}'s `runId`.
 *
 * - `resume`: the id recorded in `<logDir>/distributed.json`, so a restarted master finds the
 *   jobs the workers finished while it was down (a run started without Redis gets a new one).
 * - otherwise a new random id, recorded there — also with `overwrite`, so that the replaced
 *   run's finished jobs are never mistaken for the new run's. When `logDir` already holds a run
 *   and neither flag is given, nothing is written (the search refuses that directory anyway).
 *
 * A random id rather than one derived from the seed and path: the same seed in the same
 * directory after `--overwrite` (or with a changed objective) is a different search.
 */
export function distributedRunId(logDir: string, options: { resume?: boolean; overwrite?: boolean } = {}): string {
  const file = path.join(logDir, DISTRIBUTED_RUN_FILE);
  if (options.resume && fs.existsSync(file)) {
    const text = attempt(file, 'cannot be read', () => fs.readFileSync(file, 'utf8'));
    return attempt(
      file,
      'cannot be read',
      () => validateRunId((JSON.parse(text) as { runId?: unknown }).runId, 'runId'),
      'ERR_RUN_LOG_CORRUPT',
    );
  }
  const runId = randomUUID();
  const holdsRun = ['run.json', 'configs.json', 'results.json'].some((name) => fs.existsSync(path.join(logDir, name)));
  if (holdsRun && !options.resume && !options.overwrite) return runId;
  attempt(logDir, 'cannot create the run directory', () => fs.mkdirSync(logDir, { recursive: true }));
  attempt(file, 'cannot write', () =>
    writeFileAtomic(file, `${JSON.stringify({ bandster: 1, runId, created: new Date().toISOString() }, null, 2)}\n`),
  );
  return runId;
}
