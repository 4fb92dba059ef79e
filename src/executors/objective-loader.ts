import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../core/errors.js';
import type { Objective } from '../core/types.js';
import { importObjective } from './objective-module.js';
import { watchEmptyEventLoop } from '../core/empty-event-loop.js';

/**
 * Loads an ES module (JavaScript or TypeScript; a path or a file URL) that exports
 * `compute(config, budget, ctx)` or a default function, in this thread.
 *
 * A module whose top-level code never finishes (an `await` on something that never happens) is
 * an error rather than a silent exit of the process: when the event loop runs out of work while
 * it loads, or after `timeoutMs` (the jobs' timeout, when there is one).
 *
 * @throws InvalidOptionError naming `field` and the module when it cannot be imported, never
 *   finishes loading, or exports no objective.
 */
export async function loadObjective(module: string, field = 'options.objective', { timeoutMs = 0 } = {}): Promise<Objective> {
  if (typeof module !== 'string' || module === '')
    throw new InvalidOptionError(`${field} must be a module path (got ${JSON.stringify(module)})`);
  const url = module.startsWith('file:') ? module : pathToFileURL(path.resolve(module)).href;
  let stopWatching: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    stopWatching = watchEmptyEventLoop(() =>
      reject(
        new Error('its top-level code never finished: the event loop ran out of work while it loaded (an await that waits for nothing?)'),
      ),
    );
    if (timeoutMs > 0) {
      timer = setTimeout(() => reject(new Error(`it did not finish loading within the timeout of ${timeoutMs} ms`)), timeoutMs);
    }
  });
  try {
    return await Promise.race([importObjective(url), stuck]);
  } catch (error) {
    const message = (error as Error).message.replace(url, module);
    throw new InvalidOptionError(`${field} ${message.startsWith(module) ? message : `${module} cannot be loaded: ${message}`}`);
  } finally {
    stopWatching?.();
    clearTimeout(timer);
  }
}
