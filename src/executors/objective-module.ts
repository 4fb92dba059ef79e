import type { Objective } from '../core/types.js';
import { ExecutorError } from './executor-error.js';

/**
 * Imports an objective module (a file URL) and returns its `compute` (or default) export.
 *
 * TypeScript files go through tsx's `tsImport`, which compiles them as ES modules wherever they
 * are: a plain `import()` under tsx's loader treats a `.ts` file outside a `"type": "module"`
 * package as CommonJS and fails (ERR_REQUIRE_CYCLE_MODULE on Node 20).
 *
 * @throws ExecutorError (`ERR_OBJECTIVE_MODULE`) when the module cannot be imported or exports no function.
 */
export async function importObjective(url: string): Promise<Objective> {
  const loaded = await importObjectiveModule(url);
  const compute =
    loaded.compute ??
    (typeof loaded.default === 'function' ? loaded.default : (loaded.default as Record<string, unknown> | undefined)?.compute);
  if (typeof compute !== 'function') {
    throw new ExecutorError(
      'ERR_OBJECTIVE_MODULE',
      `${url} must export a function compute(config, budget, ctx) (found exports: ${Object.keys(loaded).join(', ') || 'none'})`,
    );
  }
  return compute as Objective;
}

/**
 * Every export of an objective module (a file URL), e.g. a memory budget's `memoryDemand` beside
 * `compute`; TypeScript through tsx as above.
 * @throws ExecutorError (`ERR_OBJECTIVE_MODULE`) when the module cannot be imported.
 */
export async function importObjectiveModule(url: string): Promise<Record<string, unknown>> {
  let loaded: Record<string, unknown>;
  try {
    // tsx (and esbuild behind it) loads only when a TypeScript objective does.
    const isTypeScript = /\.[cm]?ts$/.test(new URL(url).pathname);
    loaded = (isTypeScript ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    // The module's own error (not found, a syntax error, a throw at its top level), kept as the message.
    throw new ExecutorError('ERR_OBJECTIVE_MODULE', error instanceof Error ? error.message : String(error), { cause: error });
  }
  return loaded;
}
