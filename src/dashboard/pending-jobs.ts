import type { Result } from '../core/result.js';
import { configIdKey, type ConfigId, type Configuration, parseConfigIdKey } from '../core/types.js';
import type { ModelOptions } from '../optimizers/optimizer.js';
import { plannedEvaluations, type BracketPlan } from '../optimizers/bracket-plan.js';
import { isOptimizerName, optimizerByName } from '../optimizers/optimizer.js';
import { promoteTopK } from '../optimizers/promotion.js';
import type { RunSettings } from '../storage/run-settings.js';
import type { DashboardJob } from './dashboard-data.js';

/** What a run directory's settings (run.json) tell about its schedule; undefined when they tell nothing usable. */
export interface RunPlan {
  readonly plan: BracketPlan;
  /** ASHA (`asynchronous: true`): no rung barriers to replay; new configurations start on the plan's lowest budget. */
  readonly asynchronous: boolean;
  readonly iterationOffset: number;
  readonly nIterations: number;
  /** Evaluations the run schedules when nothing fails. */
  readonly planned: number;
}

/**
 * The plan a run directory was written with, rebuilt from run.json: only for a named optimizer (an
 * Optimizer object cannot be rebuilt). hpbandster's own directories have no run.json: undefined.
 */
export function runPlanOf(settings: RunSettings | undefined): RunPlan | undefined {
  if (!settings || !isOptimizerName(settings.optimizer)) return undefined;
  try {
    const { minBudget, maxBudget, eta, model, nIterations } = settings;
    const { plan } = optimizerByName(settings.optimizer, { minBudget, maxBudget, eta, model: model as ModelOptions });
    const iterationOffset = Number.isSafeInteger(settings.iterationOffset) ? settings.iterationOffset : 0;
    // ASHA samples as many new configurations as the synchronous plan, and promotes about as many.
    return {
      plan,
      asynchronous: settings.asynchronous === true,
      iterationOffset,
      nIterations,
      planned: plannedEvaluations(plan, nIterations),
    };
  } catch {
    return undefined; // settings written by another version, or edited: show what the log alone says
  }
}

interface Entry {
  readonly configId: ConfigId;
  readonly config: Configuration;
  /** Loss per budget of this configuration's results; null = failed. */
  readonly losses: Map<number, number | null>;
}

/**
 * The jobs of a run directory that wait for a result, with their budgets. The log records a
 * configuration when it is sampled and a result when a job finishes, never a hand-out; but a
 * synchronous bracket is deterministic given its results (hpbandster's SuccessiveHalving, and
 * bandster's SuccessiveHalvingIteration, which this replays): a rung's members are its promoted
 * configurations in creation order, then the ones sampled for it (`[iteration, stage, k]`); when
 * every member has its result, the plan's promotion rule picks the next rung. So each member of
 * the latest rung of an iteration without a result at that rung's budget is running or queued
 * ("pending"). Under ASHA, whose promotions depend on when workers were free (not logged), the
 * configurations without any result are pending on the lowest rung, where every new one starts;
 * promotions cannot be seen. Without a plan (hpbandster's directories), configurations without any
 * result are pending at an unknown budget.
 */
export function pendingJobs(result: Result, runPlan: RunPlan | undefined): DashboardJob[] {
  const entries = new Map<string, Entry>();
  for (const [key, { config }] of result.idToConfig()) {
    entries.set(key, { configId: parseConfigIdKey(key), config, losses: new Map() });
  }
  for (const run of result.allRuns()) entries.get(configIdKey(run.configId))?.losses.set(run.budget, run.loss);
  const pending: DashboardJob[] = [];
  const placed = new Set<Entry>();
  if (runPlan && !runPlan.asynchronous) {
    const byIteration = new Map<number, Entry[]>();
    for (const entry of entries.values()) {
      const iteration = entry.configId[0];
      if (iteration < runPlan.iterationOffset) continue; // warm-start sources: results copied, nothing runs
      let list = byIteration.get(iteration);
      if (!list) byIteration.set(iteration, (list = []));
      list.push(entry);
    }
    for (const [iteration, list] of byIteration) {
      for (const job of replayIteration(runPlan, iteration, list)) {
        placed.add(job.entry);
        pending.push({ configId: job.entry.configId, config: job.entry.config, budget: job.budget, askedAt: null, leaseExpiresAt: null });
      }
      // A replay that could not place a configuration (a log it does not explain) leaves it to the fallback.
    }
  }
  const firstBudget = runPlan?.asynchronous ? runPlan.plan.ladder.budgets[0] : null;
  for (const entry of entries.values()) {
    if (!placed.has(entry) && entry.losses.size === 0) {
      pending.push({ configId: entry.configId, config: entry.config, budget: firstBudget, askedAt: null, leaseExpiresAt: null });
    }
  }
  return pending;
}

/** The pending jobs of one synchronous iteration, by replaying its rungs; none placed when the log does not fit the plan. */
function replayIteration(runPlan: RunPlan, iteration: number, entries: readonly Entry[]): { entry: Entry; budget: number }[] {
  const planIteration = iteration - runPlan.iterationOffset;
  const bracket = runPlan.plan.bracket(planIteration);
  const promotions = runPlan.plan.promotions ?? promoteTopK;
  const sampledFor = (stage: number): Entry[] =>
    entries.filter((entry) => entry.configId[1] === stage).sort((a, b) => a.configId[2] - b.configId[2]);
  let rung = sampledFor(0);
  for (let stage = 0; stage < bracket.budgets.length; stage++) {
    const budget = bracket.budgets[stage];
    const waiting = rung.filter((entry) => !entry.losses.has(budget));
    // The rung is not complete until all its slots are filled and told: its waiting members are the pending jobs.
    if (waiting.length > 0 || rung.length < bracket.nConfigs[stage]) return waiting.map((entry) => ({ entry, budget }));
    if (stage + 1 >= bracket.budgets.length) return [];
    let chosen: readonly ConfigId[];
    try {
      chosen = promotions({
        iteration: planIteration,
        stage,
        bracket,
        results: rung.map((entry) => ({ configId: entry.configId, loss: entry.losses.get(budget) ?? null })),
      });
    } catch {
      return [];
    }
    const keys = new Set(chosen.map(configIdKey));
    // Promoted configurations keep their creation order (hpbandster's), then the ones sampled to fill the slots.
    rung = [...rung.filter((entry) => keys.has(configIdKey(entry.configId))), ...sampledFor(stage + 1)];
  }
  return [];
}
