/**
 * bandster: BOHB hyperparameter optimization for Node.js.
 *
 * The public API. Heavy parts live behind their own entry points (the distributed executor:
 * `bandster/distributed`) or load on first use (piscina, for the thread pool), so importing
 * this one stays light.
 *
 * @example
 * ```ts
 * import { ConfigurationSpace, UniformFloatHyperparameter, Search } from 'bandster';
 * const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('lr', 1e-4, 1e-1, { log: true }));
 * const search = new Search({ space, objective: (config, budget) => train(config, budget), minBudget: 1, maxBudget: 27, nIterations: 8, seed: 1, logDir: 'runs/lr' });
 * const result = await search.run();
 * console.log(result.incumbent());
 *
 * // Or drive it from your own loop (ask/tell); `job.config.lr` is typed `number`.
 * const tuner = new Search({ space, minBudget: 1, maxBudget: 27, nIterations: 8, logDir: 'runs/ask-tell' });
 * for (let job = await tuner.ask(); job !== null; job = await tuner.ask()) tuner.tell(job, train(job.config, job.budget));
 * ```
 *
 * The HTTP service and its dashboard are in `bandster/service`.
 */

// Configuration spaces and ConfigSpace JSON.
export {
  AndConjunction,
  CategoricalHyperparameter,
  ConfigurationSpace,
  Constant,
  EqualsCondition,
  ForbiddenAndConjunction,
  ForbiddenEqualsClause,
  ForbiddenInClause,
  GreaterThanCondition,
  InCondition,
  LessThanCondition,
  NotEqualsCondition,
  OrConjunction,
  OrdinalHyperparameter,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
  readConfigSpaceJson,
  writeConfigSpaceJson,
} from './space/index.js';
export type {
  CategoricalHyperparameterOptions,
  Condition,
  ConfigSpaceJsonSchema,
  ConfigurationSpaceOptions,
  Forbidden,
  Hyperparameter,
  HyperparameterKind,
  NumericHyperparameterOptions,
  OrdinalHyperparameterOptions,
  ValueOf,
  VectorDimension,
  WithCondition,
  WithHyperparameters,
  WriteConfigSpaceJsonOptions,
} from './space/index.js';

// Searching.
export { Search, SEARCH_DEFAULTS } from './core/search.js';
export type {
  AskedJob,
  AskOptions,
  ExtendedLease,
  JobRef,
  LeaseRef,
  OutstandingJob,
  RunOptions,
  SearchOptions,
  TellResult,
} from './core/search.js';
export { AskTellError } from './core/ask-tell-error.js';
export type { AskTellErrorCode } from './core/ask-tell-error.js';
export { AsynchronousSuccessiveHalving } from './core/asynchronous-successive-halving.js';
export { SynchronousBracketsScheduler } from './core/synchronous-brackets-scheduler.js';
export type { ConfigSource, RestoredConfig, ScheduledJob, Scheduler, SchedulerContext } from './core/scheduler.js';
export type { SearchEvents } from './core/search-events.js';
export { Result } from './core/result.js';
export type { ConfigEntry, Incumbent, LearningCurvePoint, ResultSummary, TrajectoryPoint, TrajectoryRule } from './core/result.js';
export { Rng } from './core/rng.js';
export { configIdKey, parseConfigIdKey } from './core/types.js';
export type {
  ConfigId,
  ConfigInfo,
  Configuration,
  Executor,
  HyperparameterValue,
  Job,
  JobError,
  JobOutcome,
  Objective,
  ObjectiveResult,
  Observation,
  Run,
  RunStatus,
  RunTimestamps,
  TrialContext,
} from './core/types.js';
export { AbortedError, BandsterError, InvalidOptionError } from './core/errors.js';
export { ConfigurationError, SpaceError, SpaceFormatError } from './space/space-error.js';
export type { SpaceErrorCode } from './space/space-error.js';
export { RunLogError } from './storage/run-log-error.js';
export type { RunLogErrorCode } from './storage/run-log-error.js';
export { ExecutorError } from './executors/executor-error.js';
export type { ExecutorErrorCode } from './executors/executor-error.js';

// Optimizers: a config generator plus a bracket plan.
export { OPTIMIZER_NAMES, bohb, dehb, hyperband, optimizerByName, randomSearch, successiveHalving } from './optimizers/optimizer.js';
export type {
  GeneratorContext,
  GeneratorFactory,
  ModelOptions,
  NamedOptimizerOptions,
  Optimizer,
  OptimizerName,
} from './optimizers/optimizer.js';
export type { ConfigGenerator, PendingJob, Placement, Proposal } from './optimizers/config-generator.js';
export { DehbGenerator } from './optimizers/dehb/dehb-generator.js';
export { DEHB_DEFAULTS } from './optimizers/dehb/dehb-options.js';
export type { DehbModelOptions } from './optimizers/dehb/dehb-options.js';
export { dehbPlan } from './optimizers/dehb/dehb-plan.js';
export { promoteTopK } from './optimizers/promotion.js';
export type { FinishedRung, PromotionRule } from './optimizers/promotion.js';
export { BohbGenerator, BOHB_MODEL_DEFAULTS } from './optimizers/kde/bohb-generator.js';
export type { BohbModelOptions } from './optimizers/kde/bohb-generator.js';
export { RandomGenerator } from './optimizers/random-generator.js';
export { hyperbandPlan, plannedEvaluations, randomSearchPlan, successiveHalvingPlan } from './optimizers/bracket-plan.js';
export type { BracketPlan, BudgetOptions } from './optimizers/bracket-plan.js';
export { budgetLadder } from './optimizers/budgets.js';
export type { Bracket, BudgetLadder } from './optimizers/budgets.js';

// Executors.
export { createExecutor, EXECUTOR_KINDS } from './executors/create-executor.js';
export type { DistributedExecutorSpec, ExecutorSpec, InlineExecutorSpec, ThreadPoolExecutorSpec } from './executors/create-executor.js';
export { InlineExecutor, INLINE_EXECUTOR_DEFAULTS } from './executors/inline-executor.js';
export type { InlineExecutorOptions } from './executors/inline-executor.js';
// piscina is imported on the first submit, so exporting the thread pool keeps this entry light.
export { ThreadPoolExecutor, THREAD_POOL_EXECUTOR_DEFAULTS } from './executors/thread-pool-executor.js';
export type { ThreadPoolExecutorOptions } from './executors/thread-pool-executor.js';
export { threadSharedData } from './executors/thread-pool-shared.js';
export type { ThreadPoolSharedData, ThreadTrialContext } from './executors/thread-pool-shared.js';

// Logs in hpbandster's format.
export { RunLogger } from './storage/run-logger.js';
export { readRunDirectory } from './storage/run-reader.js';
export { RUN_LOCK_FILE, RunLock, RunLockError } from './storage/run-lock.js';
export type { RunLockErrorCode, RunLockOptions, RunLockOwner } from './storage/run-lock.js';
export type { LoggedConfig, LoggedRun } from './storage/run-reader.js';

// Benchmark problems.
export type { Benchmark } from './benchmarks/benchmark.js';
export { countingOnes, countingOnesRegret } from './benchmarks/counting-ones.js';
export { branin } from './benchmarks/branin.js';
export { hartmann6 } from './benchmarks/hartmann6.js';
