import { Rng } from '../core/rng.js';
import { configIdKey, type Configuration } from '../core/types.js';
import { EqualsCondition } from '../space/conditions.js';
import { ConfigurationSpace } from '../space/configuration-space.js';
import { ForbiddenAndConjunction, ForbiddenEqualsClause } from '../space/forbidden.js';
import {
  CategoricalHyperparameter,
  type Hyperparameter,
  OrdinalHyperparameter,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
} from '../space/hyperparameters.js';
import { evaluationSeed, type Benchmark } from './benchmark.js';

/** Options of {@link conditionalSynthetic}. */
export interface ConditionalSyntheticOptions {
  /** Algorithms to choose from (the root categorical); each brings its own hyperparameters. @defaultValue 4 */
  readonly branches?: number;
  /** Hyperparameters of each branch (plus a nested on/off switch with two children). @defaultValue 24 */
  readonly perBranch?: number;
  /** Hyperparameters every branch shares. @defaultValue 8 */
  readonly shared?: number;
  /** Seed of the noise at low budgets; the landscape is fixed. @defaultValue 0 */
  readonly seed?: number;
  /** @defaultValue 1 */
  readonly minBudget?: number;
  /** @defaultValue 27 */
  readonly maxBudget?: number;
  /** @defaultValue 3 */
  readonly eta?: number;
}

interface Term {
  readonly name: string;
  readonly index: number;
  /** Vector value of the best setting. */
  readonly target: number;
  /** Where a low budget believes the best setting is (fidelity bias). */
  readonly lowFidelityTarget: number;
  readonly weight: number;
  readonly discrete: boolean;
}

/**
 * A high-dimensional conditional space shaped like an AutoML pipeline (the shape of auto-sklearn's
 * space, built here rather than read, so that the objective knows its optimum): a root
 * categorical `algorithm` with `branches` choices, each with `perBranch` hyperparameters of every
 * kind (floats, log floats, integers, categoricals, ordinals) active only under its choice, a
 * nested `…_extra` switch whose two children are active only when it is on, `shared`
 * hyperparameters, and one forbidden combination. 4 × (24 + 3) + 8 + 1 = 117 hyperparameters by
 * default.
 *
 * The loss of a configuration is its branch's offset (branch 0 is best) plus weighted squared
 * distances, in vector space, of the active hyperparameters from their best settings (mismatch
 * for categoricals), plus one interaction per branch (the first two floats should be equal, a
 * correlated valley). At budget b < max, each term is measured against a shifted best setting
 * (weight 1 − b/max) and Gaussian noise of sd 0.05·(1 − b/max) is added: low budgets are biased
 * and noisy, the max budget is the true loss.
 */
export function conditionalSynthetic(options: ConditionalSyntheticOptions = {}): Benchmark {
  const nBranches = options.branches ?? 4;
  const perBranch = options.perBranch ?? 24;
  const nShared = options.shared ?? 8;
  const seed = options.seed ?? 0;
  const maxBudget = options.maxBudget ?? 27;
  const landscape = new Rng(20210512);
  const space = new ConfigurationSpace({ name: `conditional_synthetic_${nBranches}x${perBranch}+${nShared}` });
  const branchNames = Array.from({ length: nBranches }, (_, b) => `algorithm_${b}`);
  space.add(new CategoricalHyperparameter('algorithm', branchNames));
  const kindOf = (k: number): Hyperparameter['kind'] | 'log' =>
    (['float', 'log', 'int', 'categorical', 'ordinal', 'float'] as const)[k % 6];
  const make = (name: string, kind: Hyperparameter['kind'] | 'log'): Hyperparameter => {
    switch (kind) {
      case 'log':
        return new UniformFloatHyperparameter(name, 1e-5, 1, { log: true });
      case 'int':
        return new UniformIntegerHyperparameter(name, 1, 64);
      case 'categorical':
        return new CategoricalHyperparameter(name, ['a', 'b', 'c', 'd'].slice(0, 2 + (name.length % 3)));
      case 'ordinal':
        return new OrdinalHyperparameter(name, [1, 2, 4, 8, 16]);
      default:
        return new UniformFloatHyperparameter(name, 0, 1);
    }
  };
  const branchTerms: Term[][] = [];
  const extras: { switchName: string; children: Term[] }[] = [];
  const pending: Hyperparameter[] = [];
  const declared: { name: string; kind: Hyperparameter['kind'] | 'log' }[] = [];
  for (let b = 0; b < nBranches; b++) {
    for (let k = 0; k < perBranch; k++) {
      const name = `b${b}_p${String(k).padStart(2, '0')}`;
      declared.push({ name, kind: kindOf(k) });
      pending.push(make(name, kindOf(k)));
    }
    pending.push(new CategoricalHyperparameter(`b${b}_extra`, ['off', 'on']));
    pending.push(make(`b${b}_extra_x`, 'float'), make(`b${b}_extra_y`, 'int'));
  }
  for (let k = 0; k < nShared; k++) {
    const name = `shared_${k}`;
    declared.push({ name, kind: kindOf(k) });
    pending.push(make(name, kindOf(k)));
  }
  space.add(...pending);
  for (let b = 0; b < nBranches; b++) {
    for (let k = 0; k < perBranch; k++)
      space.addCondition(new EqualsCondition(`b${b}_p${String(k).padStart(2, '0')}`, 'algorithm', branchNames[b]));
    space.addCondition(new EqualsCondition(`b${b}_extra`, 'algorithm', branchNames[b]));
    space.addCondition(new EqualsCondition(`b${b}_extra_x`, `b${b}_extra`, 'on'));
    space.addCondition(new EqualsCondition(`b${b}_extra_y`, `b${b}_extra`, 'on'));
  }
  // The last branch cannot use the extra switch together with shared_0's first level.
  space.addForbidden(
    new ForbiddenAndConjunction(new ForbiddenEqualsClause(`b${nBranches - 1}_extra`, 'on'), new ForbiddenEqualsClause('shared_3', 'a')),
  );

  const term = (name: string, weight: number): Term => {
    const hyperparameter = space.get(name);
    // A target the hyperparameter can take exactly (integers and levels are a grid in vector space).
    const target = hyperparameter.toVectorValue(hyperparameter.fromVectorValue(landscape.random()));
    const shifted = hyperparameter.toVectorValue(hyperparameter.fromVectorValue(landscape.random()));
    const discrete = hyperparameter.kind === 'categorical' || hyperparameter.kind === 'ordinal';
    return { name, index: space.indexOf(name), target, lowFidelityTarget: shifted, weight, discrete };
  };
  for (let b = 0; b < nBranches; b++) {
    const terms = declared
      .filter((entry) => entry.name.startsWith(`b${b}_`))
      .map((entry, k) => term(entry.name, k < 6 ? 1 : 0.25 + 0.5 * landscape.random()));
    // The interaction (first two floats equal) passes through the targets: the second float shares the first's.
    const [first, second] = terms.filter((t) => !t.discrete && space.get(t.name).kind === 'float');
    terms[terms.indexOf(second)] = { ...second, target: first.target };
    branchTerms.push(terms);
    extras.push({ switchName: `b${b}_extra`, children: [term(`b${b}_extra_x`, 1), term(`b${b}_extra_y`, 1)] });
  }
  const sharedTerms = declared.filter((entry) => entry.name.startsWith('shared_')).map((entry) => term(entry.name, 0.5));
  const offsets = branchNames.map((_, b) => 0.15 * b);
  const levelsOf = (t: Term): number => {
    const hyperparameter = space.get(t.name);
    return hyperparameter.kind === 'categorical'
      ? hyperparameter.choices.length
      : hyperparameter.kind === 'ordinal'
        ? hyperparameter.sequence.length
        : 1;
  };

  /** Loss with the low-fidelity targets mixed in with weight `bias` (0 = the true loss). */
  const value = (config: Configuration, bias: number): number => {
    const vector = space.toVector(config);
    const distance = (t: Term): number => {
      const x = vector[t.index];
      if (t.discrete) {
        // Mismatch, graded for ordinals; bias moves the preferred level.
        const levels = levelsOf(t);
        const gap = (a: number): number => Math.abs(x - a) / Math.max(1, levels - 1);
        return (
          (1 - bias) * (x === t.target ? 0 : 0.3 + 0.7 * gap(t.target)) +
          bias * (x === t.lowFidelityTarget ? 0 : 0.3 + 0.7 * gap(t.lowFidelityTarget))
        );
      }
      return (1 - bias) * (x - t.target) ** 2 + bias * (x - t.lowFidelityTarget) ** 2;
    };
    const branch = branchNames.indexOf(String(config.algorithm));
    let loss = offsets[branch];
    for (const t of branchTerms[branch]) loss += (t.weight * distance(t)) / 4;
    const [first, second] = branchTerms[branch].filter((t) => !t.discrete && space.get(t.name).kind === 'float');
    loss += 2 * (vector[first.index] - vector[second.index]) ** 2;
    const extra = extras[branch];
    if (config[extra.switchName] === 'on') for (const t of extra.children) loss += (t.weight * distance(t)) / 4;
    else loss += 0.05;
    for (const t of sharedTerms) loss += (t.weight * distance(t)) / 4;
    return loss;
  };
  // Branch 0 at its targets, extra switch on, is the best configuration: every term is 0 there.
  const best = optimumOf(space, branchTerms[0], extras[0], sharedTerms, branchNames[0]);
  const optimum = value(best, 0);
  return {
    name: space.name ?? 'conditional_synthetic',
    space,
    minBudget: options.minBudget ?? 1,
    maxBudget,
    eta: options.eta ?? 3,
    optimum,
    trueLoss: (config) => value(config as Configuration, 0),
    objective: (config, budget, ctx) => {
      const fidelity = Math.min(1, budget / maxBudget);
      const noise = new Rng(evaluationSeed(seed, configIdKey(ctx.configId), budget)).normal() * 0.05 * (1 - fidelity);
      return { loss: value(config, 1 - fidelity) + noise };
    },
  };
}

/** The configuration at every target of branch 0. */
function optimumOf(
  space: ConfigurationSpace,
  terms: readonly Term[],
  extra: { switchName: string; children: readonly Term[] },
  shared: readonly Term[],
  branch: string,
): Configuration {
  const vector = new Float64Array(space.dimension).fill(Number.NaN);
  vector[space.indexOf('algorithm')] = space.get('algorithm').toVectorValue(branch);
  for (const t of [...terms, ...extra.children, ...shared]) vector[t.index] = t.target;
  vector[space.indexOf(extra.switchName)] = space.get(extra.switchName).toVectorValue('on');
  // Every other dimension is inactive; fromVector needs finite values only where active.
  for (let j = 0; j < vector.length; j++) if (Number.isNaN(vector[j])) vector[j] = 0;
  return space.fromVector(vector);
}
