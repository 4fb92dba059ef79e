import { Rng } from '../../core/rng.js';
import { configIdKey, type Observation } from '../../core/types.js';
import type { ConfigurationSpace } from '../../space/configuration-space.js';
import type { BracketPlan } from '../bracket-plan.js';
import type { ConfigGenerator, PendingJob, Placement, Proposal } from '../config-generator.js';
import { crossoverBinomial, distinctIndices, mutateRand1, repairBounds } from './differential-evolution.js';
import { validateDehbOptions, type DehbModelOptions } from './dehb-options.js';
import { Subpopulation, type Member } from './subpopulation.js';
import { UnitCodec } from './unit-codec.js';

/** rand/1 needs three individuals besides the target. */
const MIN_POOL = 3;
/** Trials drawn before a slot whose trials are all forbidden falls back to a random configuration. */
const MAX_FORBIDDEN_TRIALS = 10;

/**
 * DEHB's configuration generator (Awad, Mallik & Hutter, "DEHB: Evolutionary Hyperband for
 * Scalable, Robust and Efficient Hyperparameter Optimization", IJCAI 2021; the reference
 * implementation automl/DEHB): differential evolution inside Hyperband's brackets.
 *
 * - One subpopulation per budget, sized by the most configurations a bracket of one Hyperband
 *   round runs at that budget.
 * - Every slot of the plan has a parent (target) in its budget's subpopulation, taken in
 *   round-robin order over the slots of that budget (the reference's `parent_counter`; computed
 *   here from the slot's placement, so it does not depend on the order jobs are handed out).
 * - A slot's configuration is a rand/1/bin trial: three individuals from the parent pool — the
 *   best `nConfigs[stage]` of the subpopulation of the bracket's previous rung (its own budget on
 *   the bracket's first rung) — give the mutant r1 + F·(r2 − r3), binomial crossover with the
 *   target gives the trial, dimensions outside [0, 1] are redrawn. A pool smaller than three is
 *   topped up with mutants of the whole population, as in the reference.
 * - When the slot's result arrives, the trial replaces its target if its loss is not worse.
 *
 * Differences from the reference, on purpose: an empty target (its subpopulation has not been
 * filled that far) proposes a random configuration — the reference mutates never-evaluated random
 * vectors instead; a trial that a forbidden clause excludes is redrawn (up to 10 times, then a
 * random configuration); each slot's random draws come from a generator seeded by the run's seed
 * and the slot, so a resumed search (whose logged slots are not proposed again) breeds the same
 * trials afterwards as the uninterrupted search would.
 *
 * Without a placement (under ASHA, or a driver that gives none) every new configuration starts on
 * the lowest rung, whose subpopulation only holds lowest-budget results; breeding from it alone never
 * uses what promotions learn higher up (counting ones 8+8, 8 workers: regret .065 in 1 of 30 seeds
 * within 40 iterations). So the mutant comes from the highest budget whose subpopulation has three
 * members — the best-informed individuals, as BOHB models the largest budget with enough results —
 * and the target is a random member of the proposal's own budget (the reference's 'random'
 * asynchronous strategy); a result replaces the worst member of its budget when better. Warm-start
 * results enter the same way.
 */
export class DehbGenerator implements ConfigGenerator {
  private readonly codec: UnitCodec;
  private readonly mutationFactor: number;
  private readonly crossoverProb: number;
  private readonly subpopulations = new Map<number, Subpopulation>();
  /** The parent of each announced job, by `configId@budget`, until its result arrives. */
  private readonly parents = new Map<string, { subpopulation: Subpopulation; parent: number }>();
  /** Per budget, the number of that budget's slots in plan iterations 0 … i − 1. */
  private readonly slotsBefore = new Map<number, number[]>();
  private readonly slotSeed: number;

  constructor(
    private readonly space: ConfigurationSpace,
    private readonly rng: Rng,
    private readonly plan: BracketPlan,
    options: DehbModelOptions = {},
  ) {
    const { mutationFactor, crossoverProb } = validateDehbOptions(options);
    this.mutationFactor = mutationFactor;
    this.crossoverProb = crossoverProb;
    this.codec = new UnitCodec(space);
    this.slotSeed = rng.nextUint32();
    const sizes = new Map<number, number>();
    // One Hyperband round visits every bracket once (the reference's `_get_pop_sizes`).
    for (let i = 0; i < Math.max(1, plan.ladder.maxSHIter); i++) {
      const bracket = plan.bracket(i);
      bracket.budgets.forEach((budget, k) => sizes.set(budget, Math.max(sizes.get(budget) ?? 0, bracket.nConfigs[k])));
    }
    for (const [budget, size] of [...sizes].sort((a, b) => a[0] - b[0])) this.subpopulations.set(budget, new Subpopulation(budget, size));
  }

  /** The subpopulation of `budget` (for inspection and tests). */
  subpopulation(budget: number): Subpopulation | undefined {
    return this.subpopulations.get(budget);
  }

  propose(budget: number, placement?: Placement): Proposal {
    const subpopulation = this.subpopulations.get(budget);
    const rng = placement ? this.slotRng(placement) : this.rng;
    if (!subpopulation) return this.randomProposal(rng);
    let target: Member | undefined;
    let pool: Subpopulation;
    let poolSize: number;
    if (placement) {
      target = subpopulation.member(this.parentOf(placement, subpopulation));
      const lowerBudget = placement.stage > 0 ? placement.bracket.budgets[placement.stage - 1] : budget;
      pool = this.subpopulations.get(lowerBudget) ?? subpopulation;
      poolSize = placement.bracket.nConfigs[placement.stage];
    } else {
      // A random slot, as the reference's 'random' strategy; an empty one proposes a random configuration.
      target = subpopulation.member(rng.int(subpopulation.size));
      pool = this.bestInformedSubpopulation() ?? subpopulation;
      poolSize = pool.size;
    }
    if (!target) return this.randomProposal(rng);
    for (let attempt = 0; attempt < MAX_FORBIDDEN_TRIALS; attempt++) {
      const config = this.codec.decode(this.trial(target, pool, poolSize, rng));
      if (!this.space.isForbidden(config)) return { config, info: { model_based_pick: true } };
    }
    return this.randomProposal(rng);
  }

  pending(job: PendingJob): void {
    if (!job.placement) return;
    const subpopulation = this.subpopulations.get(job.budget);
    if (!subpopulation) return;
    this.parents.set(jobKey(job.configId, job.budget), { subpopulation, parent: this.parentOf(job.placement, subpopulation) });
  }

  observe(observation: Observation): void {
    const subpopulation = this.subpopulations.get(observation.budget);
    if (!subpopulation) return;
    const fitness = observation.status === 'ok' && Number.isFinite(observation.loss) ? observation.loss : Infinity;
    const member: Member = { vector: this.codec.encode(observation.config), fitness };
    const key = jobKey(observation.configId, observation.budget);
    const slot = this.parents.get(key);
    if (slot) {
      this.parents.delete(key);
      slot.subpopulation.select(slot.parent, member);
    } else {
      subpopulation.admit(member);
    }
  }

  /** mutation (rand/1) → crossover (bin) → boundary repair, with the target left out of the pool. */
  private trial(target: Member, pool: Subpopulation, poolSize: number, rng: Rng): Float64Array {
    const parents = pool
      .best(poolSize)
      .filter((member) => member !== target && !sameVector(member.vector, target.vector))
      .map((member) => member.vector);
    if (parents.length < MIN_POOL) {
      // The reference tops a small pool up with `MIN_POOL − size + 1` mutants of the global population.
      const fillers = MIN_POOL - parents.length + 1;
      const everyone = this.globalPopulation(target, rng);
      for (let k = 0; k < fillers; k++) {
        const [a, b, c] = distinctIndices(rng, everyone.length, 3);
        parents.push(mutateRand1(everyone[a], everyone[b], everyone[c], this.mutationFactor));
      }
    }
    const [a, b, c] = distinctIndices(rng, parents.length, 3);
    const mutant = mutateRand1(parents[a], parents[b], parents[c], this.mutationFactor);
    return repairBounds(crossoverBinomial(target.vector, mutant, this.crossoverProb, rng), rng);
  }

  /** The subpopulation of the highest budget with three members (rand/1's parents), if any. */
  private bestInformedSubpopulation(): Subpopulation | undefined {
    let best: Subpopulation | undefined;
    // Map order is by increasing budget (filled so in the constructor): the last match is the highest.
    for (const subpopulation of this.subpopulations.values()) if (subpopulation.filled >= MIN_POOL) best = subpopulation;
    return best;
  }

  /** Every member of every subpopulation but the target, topped up with random genotypes to three. */
  private globalPopulation(target: Member, rng: Rng): Float64Array[] {
    const everyone: Float64Array[] = [];
    for (const subpopulation of this.subpopulations.values()) {
      for (const member of subpopulation.all()) if (!sameVector(member.vector, target.vector)) everyone.push(member.vector);
    }
    while (everyone.length < MIN_POOL) everyone.push(this.codec.encode(this.space.sample(rng)));
    return everyone;
  }

  private randomProposal(rng: Rng): Proposal {
    return { config: this.space.sample(rng), info: { model_based_pick: false } };
  }

  /** The slot's parent: its position among all slots of its budget, in plan order, modulo the subpopulation size. */
  private parentOf(placement: Placement, subpopulation: Subpopulation): number {
    return (this.slotsBeforeIteration(subpopulation.budget, placement.iteration) + placement.slot) % subpopulation.size;
  }

  private slotsBeforeIteration(budget: number, iteration: number): number {
    let counts = this.slotsBefore.get(budget);
    if (!counts) {
      counts = [0];
      this.slotsBefore.set(budget, counts);
    }
    while (counts.length <= iteration) {
      const bracket = this.plan.bracket(counts.length - 1);
      const rung = bracket.budgets.indexOf(budget);
      counts.push(counts[counts.length - 1] + (rung < 0 ? 0 : bracket.nConfigs[rung]));
    }
    return counts[iteration];
  }

  /** A generator for one slot's draws, from the run's seed and the slot alone. */
  private slotRng(placement: Placement): Rng {
    let hash = this.slotSeed ^ 0x85ebca6b;
    for (const part of [placement.iteration, placement.stage, placement.slot]) {
      hash = Math.imul(hash ^ part, 0x9e3779b1);
      hash ^= hash >>> 16;
    }
    return new Rng(hash >>> 0);
  }
}

function jobKey(configId: readonly [number, number, number], budget: number): string {
  return `${configIdKey(configId)}@${budget}`;
}

function sameVector(a: Float64Array, b: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}
