/** One individual of a DEHB subpopulation: a genotype and its loss at the subpopulation's budget. */
export interface Member {
  readonly vector: Float64Array;
  /** Loss at the subpopulation's budget; +∞ for a failed evaluation. */
  readonly fitness: number;
}

/**
 * DEHB's population for one budget (Awad et al. 2021, §4: one subpopulation per budget, sized
 * by the most configurations any bracket of one Hyperband round runs there). Members start
 * empty and are filled by evaluations: the reference fills them with random vectors that are
 * never evaluated; an empty member here means the slot proposes a random configuration instead.
 */
export class Subpopulation {
  private readonly members: (Member | undefined)[];

  constructor(
    readonly budget: number,
    readonly size: number,
  ) {
    this.members = new Array<Member | undefined>(size).fill(undefined);
  }

  member(index: number): Member | undefined {
    return this.members[index];
  }

  /** Number of members filled so far. */
  get filled(): number {
    let count = 0;
    for (const member of this.members) if (member) count++;
    return count;
  }

  /**
   * DE's one-to-one selection: the trial replaces its parent when its loss is not worse (the
   * reference's `fitness <= self.fitness[parent]`; equality lets the search drift across plateaus).
   */
  select(parent: number, trial: Member): void {
    const current = this.members[parent];
    if (!current || trial.fitness <= current.fitness) this.members[parent] = trial;
  }

  /**
   * An evaluation that has no parent here (a warm-start run, or a job the scheduler gave no
   * placement, as under ASHA): it fills the first empty member, or replaces the worst when better
   * (the reference's asynchronous 'worst' strategy).
   */
  admit(candidate: Member): void {
    const index = this.worstIndex();
    const current = this.members[index];
    if (!current || candidate.fitness < current.fitness) this.members[index] = candidate;
  }

  /** The first empty member, else the one with the highest loss (the first of equals). */
  worstIndex(): number {
    let worst = 0;
    for (let i = 0; i < this.size; i++) {
      const member = this.members[i];
      if (!member) return i;
      if (member.fitness > this.members[worst]!.fitness) worst = i;
    }
    return worst;
  }

  /** Up to `count` filled members by increasing loss (ties by position), leaving out `exclude`. */
  best(count: number, exclude?: Member): Member[] {
    const ranked: { member: Member; index: number }[] = [];
    this.members.forEach((member, index) => {
      if (member && member !== exclude) ranked.push({ member, index });
    });
    ranked.sort((a, b) => compareLoss(a.member.fitness, b.member.fitness) || a.index - b.index);
    return ranked.slice(0, count).map((entry) => entry.member);
  }

  /** Every filled member, in position order. */
  all(): Member[] {
    return this.members.filter((member): member is Member => member !== undefined);
  }
}

/** Orders losses with +∞ last (a subtraction would give NaN for two failures). */
function compareLoss(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
