import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { InvalidOptionError } from '../core/errors.js';
import { MemoryBudget } from '../core/memory-budget.js';
import type { Configuration, Executor } from '../core/types.js';
import { createExecutor, type ExecutorSpec } from '../executors/create-executor.js';
import { importObjectiveModule } from '../executors/objective-module.js';
import { inMemoryFlagTerms, processCapForBudget, processRssMb } from './memory-flags.js';

/**
 * `run --memory-budget`: the objective module says what a job needs — it exports
 * `memoryDemand(config, budget, profile)`, the predicted peak MB of one job above what the process
 * holds before any job, and optionally `memoryProfiles` (default ['standard', 'frugal'], passed to the
 * objective as `ctx.hints.profile`). The executor is started here so that what the process holds
 * once its threads are up is measured; a thread pool also stops the newest job past 5 % over the
 * budget (an 'out-of-memory' failure, retried once in the next profile).
 */
export async function memoryBudgetForModule(
  budgetMb: number,
  objective: string,
  spec: ExecutorSpec,
): Promise<{ executor: Executor; admission: MemoryBudget }> {
  if (spec.kind === 'distributed') {
    throw new InvalidOptionError(
      '--memory-budget counts the memory of this process: it does not apply with --redis (the workers run elsewhere)',
    );
  }
  const url = objective.startsWith('file:') ? objective : pathToFileURL(path.resolve(objective)).href;
  const exports = await importObjectiveModule(url).catch((error: Error) => {
    throw new InvalidOptionError(`--objective ${objective} cannot be loaded: ${error.message}`);
  });
  const demand = exports.memoryDemand;
  if (typeof demand !== 'function') {
    throw new InvalidOptionError(
      `--memory-budget needs the objective module to export memoryDemand(config, budget, profile), the predicted peak MB of one job (${objective} exports: ${Object.keys(exports).join(', ') || 'none'})`,
    );
  }
  const profiles = exports.memoryProfiles as readonly string[] | undefined;
  const executor = await createExecutor(spec.kind === 'thread-pool' ? { ...spec, processMemoryMb: processCapForBudget(budgetMb) } : spec);
  try {
    const admission = new MemoryBudget({
      budgetMb,
      baselineMb: processRssMb(),
      demand: (config: Configuration, budget: number, profile: string) =>
        Number((demand as (...args: unknown[]) => unknown)(config, budget, profile)),
      ...(profiles === undefined ? {} : { profiles }),
    });
    return { executor, admission };
  } catch (error) {
    await executor.close();
    throw inMemoryFlagTerms(error);
  }
}
