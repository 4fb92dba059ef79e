import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../core/errors.js';
import type { Objective } from '../core/types.js';
import { importObjective } from '../executors/objective-module.js';

/** Loads an ES module that exports `compute(config, budget, ctx)` (or a default function). */
export async function loadObjective(modulePath: string): Promise<Objective> {
  const url = pathToFileURL(path.resolve(modulePath)).href;
  try {
    return await importObjective(url);
  } catch (error) {
    const message = (error as Error).message.replace(url, modulePath);
    throw new InvalidOptionError(`--objective ${message.startsWith(modulePath) ? message : `${modulePath} cannot be loaded: ${message}`}`);
  }
}
