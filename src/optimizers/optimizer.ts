import { InvalidOptionError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import { hyperbandPlan, randomSearchPlan, successiveHalvingPlan, type BracketPlan, type BudgetOptions } from './bracket-plan.js';
import type { ConfigGenerator } from './config-generator.js';
import { DehbGenerator } from './dehb/dehb-generator.js';
import { validateDehbOptions, type DehbModelOptions } from './dehb/dehb-options.js';
import { dehbPlan } from './dehb/dehb-plan.js';
import { BohbGenerator, validateBohbModelOptions, type BohbModelOptions } from './kde/bohb-generator.js';
import { modelStartAdvice } from './kde/model-start-advice.js';
import { RandomGenerator } from './random-generator.js';

/** What a generator factory is given: the search's space and its seeded random generator. */
export interface GeneratorContext {
  readonly space: ConfigurationSpace;
  /** Seeded from the search's seed (the one recorded in run.json), so a resumed search proposes the same. */
  readonly rng: Rng;
  /** The search's successive-halving iterations (absent outside a search). */
  readonly nIterations?: number;
  /** Tells the user something about the run before it starts (the search's 'warning' event). */
  readonly warn?: (message: string) => void;
}

/** Builds a generator once the search knows its seed. */
export type GeneratorFactory = (context: GeneratorContext) => ConfigGenerator;

/**
 * An optimizer is two parts, not a subclass (hpbandster's design): who proposes configurations,
 * and how budgets are spent. A search takes one of these objects; the names in
 * {@link OPTIMIZER_NAMES} are shortcuts that build one.
 *
 * `generator` may be the generator itself or a factory: a factory receives the search's seeded
 * random generator, so that every random choice flows from the seed recorded in the log and a
 * resumed search proposes exactly what the first one would have.
 */
export interface Optimizer {
  /** Recorded in run.json; a resumed search must use an optimizer of the same name. */
  readonly name: string;
  readonly generator: ConfigGenerator | GeneratorFactory;
  readonly plan: BracketPlan;
}

/** A named optimizer's model options: BOHB's or DEHB's. */
export type ModelOptions = BohbModelOptions | DehbModelOptions;

/** What the named shortcuts need: the budget ladder and, for BOHB and DEHB, their model options. */
export interface NamedOptimizerOptions extends BudgetOptions {
  /** BOHB's model options (hpbandster's defaults otherwise) or DEHB's; ignored by the other optimizers. */
  readonly model?: ModelOptions;
}

/**
 * BOHB: BOHB's KDE generator inside Hyperband's brackets. When hpbandster's rule (a model needs
 * d+1 good and d+1 bad points on one budget) will keep the model off for the whole search, the
 * factory says so through the search's 'warning' event, with what to use instead.
 */
export function bohb(options: NamedOptimizerOptions): Optimizer {
  const model = (options.model ?? {}) as BohbModelOptions;
  const plan = hyperbandPlan(options);
  return {
    name: 'bohb',
    plan,
    generator: ({ space, rng, nIterations, warn }) => {
      const advice = nIterations === undefined ? undefined : modelStartAdvice(space, plan, nIterations, model);
      if (advice) warn?.(advice);
      return new BohbGenerator(space, rng, model);
    },
  };
}

/**
 * DEHB (Awad, Mallik & Hutter 2021): differential evolution inside Hyperband's brackets; from the
 * second Hyperband round on, the configurations of higher rungs are mutants bred from the best of
 * the lower budget's subpopulation instead of promotions. No model warm-up: it evolves from the
 * first evaluated bracket on, whatever the dimension.
 */
export function dehb(options: NamedOptimizerOptions): Optimizer {
  const model = validateDehbOptions((options.model ?? {}) as DehbModelOptions, 'options.model');
  const plan = dehbPlan(options);
  return { name: 'dehb', plan, generator: ({ space, rng }) => new DehbGenerator(space, rng, plan, model) };
}

/** Hyperband: random configurations inside Hyperband's brackets. */
export function hyperband(options: BudgetOptions): Optimizer {
  return { name: 'hyperband', plan: hyperbandPlan(options), generator: randomGenerator };
}

/** Successive halving: random configurations, every iteration the most aggressive bracket. */
export function successiveHalving(options: BudgetOptions): Optimizer {
  return { name: 'successive-halving', plan: successiveHalvingPlan(options), generator: randomGenerator };
}

/** Random search as hpbandster runs it: random configurations at the max budget only. */
export function randomSearch(options: BudgetOptions): Optimizer {
  return { name: 'random-search', plan: randomSearchPlan(options), generator: randomGenerator };
}

function randomGenerator({ space, rng }: GeneratorContext): ConfigGenerator {
  return new RandomGenerator(space, rng);
}

/** The shortcuts: each name builds its optimizer from the search's budget options. */
const NAMED_OPTIMIZERS = {
  bohb,
  dehb,
  hyperband,
  'successive-halving': successiveHalving,
  'random-search': randomSearch,
} as const satisfies Record<string, (options: NamedOptimizerOptions) => Optimizer>;

/** The optimizers bandster ships, by name. */
export type OptimizerName = keyof typeof NAMED_OPTIMIZERS;
export const OPTIMIZER_NAMES = Object.freeze(Object.keys(NAMED_OPTIMIZERS) as OptimizerName[]);

export function isOptimizerName(value: unknown): value is OptimizerName {
  return typeof value === 'string' && Object.hasOwn(NAMED_OPTIMIZERS, value);
}

/**
 * The optimizer a name stands for.
 * @throws InvalidOptionError naming `options.optimizer` when the name is unknown, and the
 *   budget or model option at fault when one is invalid.
 */
export function optimizerByName(name: OptimizerName, options: NamedOptimizerOptions): Optimizer {
  if (!isOptimizerName(name)) {
    throw new InvalidOptionError(
      `options.optimizer must be one of ${OPTIMIZER_NAMES.join(', ')} or an Optimizer (got ${JSON.stringify(name)})`,
    );
  }
  // DEHB checks its own options; the others keep BOHB's check (they ignore the model).
  if (options.model !== undefined && name !== 'dehb') validateBohbModelOptions(options.model as BohbModelOptions, 'options.model');
  return NAMED_OPTIMIZERS[name](options);
}

/**
 * Checks the shape of an optimizer object given by a user (names are checked by
 * {@link optimizerByName}).
 * @throws InvalidOptionError naming the field at fault.
 */
export function validateOptimizer(optimizer: Optimizer, field = 'options.optimizer'): void {
  if (optimizer === null || typeof optimizer !== 'object') {
    throw new InvalidOptionError(`${field} must be an optimizer name or an Optimizer object (got ${String(optimizer)})`);
  }
  if (typeof optimizer.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(optimizer.name)) {
    throw new InvalidOptionError(
      `${field}.name must be a non-empty name of letters, digits, '.', '_' or '-' (got ${JSON.stringify(optimizer.name)})`,
    );
  }
  const generator = optimizer.generator as unknown;
  const isGenerator =
    typeof generator === 'object' &&
    generator !== null &&
    typeof (generator as ConfigGenerator).propose === 'function' &&
    typeof (generator as ConfigGenerator).observe === 'function';
  if (!isGenerator && typeof generator !== 'function') {
    throw new InvalidOptionError(`${field}.generator must be a ConfigGenerator (propose, observe) or a function that builds one`);
  }
  const plan = optimizer.plan as Partial<BracketPlan> | undefined;
  if (!plan || typeof plan.bracket !== 'function' || !plan.ladder || !Array.isArray(plan.ladder.budgets)) {
    throw new InvalidOptionError(`${field}.plan must be a BracketPlan (ladder and bracket(iteration))`);
  }
  if (plan.promotions !== undefined && typeof plan.promotions !== 'function') {
    throw new InvalidOptionError(`${field}.plan.promotions must be a function (finished rung → promoted config ids) or absent`);
  }
}

/** The generator of `optimizer`, built from the search's context when it is a factory. */
export function generatorOf(optimizer: Optimizer, context: GeneratorContext): ConfigGenerator {
  const generator = typeof optimizer.generator === 'function' ? optimizer.generator(context) : optimizer.generator;
  if (!generator || typeof generator.propose !== 'function' || typeof generator.observe !== 'function') {
    throw new InvalidOptionError(`options.optimizer.generator(context) must return a ConfigGenerator (propose, observe)`);
  }
  return generator;
}
