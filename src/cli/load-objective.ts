import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../core/errors.js';
import type { Objective } from '../core/types.js';

/** Loads an ES module that exports `compute(config, budget, ctx)` (or a default function). */
export async function loadObjective(modulePath: string): Promise<Objective> {
  const url = pathToFileURL(path.resolve(modulePath)).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidOptionError(`--objective ${modulePath} cannot be loaded: ${(error as Error).message}`);
  }
  const compute = loaded.compute ?? loaded.default;
  if (typeof compute !== 'function') {
    throw new InvalidOptionError(`--objective ${modulePath} must export a function compute(config, budget, ctx) (found exports: ${Object.keys(loaded).join(', ') || 'none'})`);
  }
  return compute as Objective;
}
