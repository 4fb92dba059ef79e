import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../core/errors.js';
import type { Objective } from '../core/types.js';
import { importObjective } from './objective-module.js';

/**
 * Loads an ES module (JavaScript or TypeScript; a path or a file URL) that exports
 * `compute(config, budget, ctx)` or a default function, in this thread.
 * @throws InvalidOptionError naming `field` and the module when it cannot be imported or exports no objective.
 */
export async function loadObjective(module: string, field = 'options.objective'): Promise<Objective> {
  if (typeof module !== 'string' || module === '')
    throw new InvalidOptionError(`${field} must be a module path (got ${JSON.stringify(module)})`);
  const url = module.startsWith('file:') ? module : pathToFileURL(path.resolve(module)).href;
  try {
    return await importObjective(url);
  } catch (error) {
    const message = (error as Error).message.replace(url, module);
    throw new InvalidOptionError(`${field} ${message.startsWith(module) ? message : `${module} cannot be loaded: ${message}`}`);
  }
}
