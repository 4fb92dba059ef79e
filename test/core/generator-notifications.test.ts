// What a search tells its generator: placements with proposals, running jobs before their results,
// the run's length and a way to warn — the generic notifications DEHB and parallel-aware BOHB use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countingOnes } from '../../src/benchmarks/counting-ones.js';
import type { Rng } from '../../src/core/rng.js';
import { Search } from '../../src/core/search.js';
import { configIdKey, type Observation } from '../../src/core/types.js';
import { InlineExecutor } from '../../src/executors/inline-executor.js';
import { hyperbandPlan } from '../../src/optimizers/bracket-plan.js';
import type { ConfigGenerator, PendingJob, Placement, Proposal } from '../../src/optimizers/config-generator.js';
import type { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { tempDir } from '../helpers/temp-dir.js';

class RecordingGenerator implements ConfigGenerator {
  readonly events: string[] = [];
  readonly placements: (Placement | undefined)[] = [];
  constructor(
    private readonly space: ConfigurationSpace,
    private readonly rng: Rng,
  ) {}
  propose(budget: number, placement?: Placement): Proposal {
    this.placements.push(placement);
    this.events.push(`propose@${budget}`);
    return { config: this.space.sample(this.rng), info: { model_based_pick: false } };
  }
  pending(job: PendingJob): void {
    this.events.push(
      `pending ${configIdKey(job.configId)}@${job.budget}${job.placement ? ` ${job.placement.iteration}/${job.placement.stage}/${job.placement.slot}` : ''}`,
    );
  }
  observe(observation: Observation): void {
    this.events.push(`observe ${configIdKey(observation.configId)}@${observation.budget}`);
  }
}

const benchmark = countingOnes({ categorical: 2, continuous: 2 });
const plan = hyperbandPlan({ minBudget: 1, maxBudget: 9, eta: 3 });

async function record(options: { asynchronous?: boolean; logDir?: string; resume?: boolean; nIterations?: number }) {
  let generator: RecordingGenerator | undefined;
  let context: { nIterations?: number; warn?: unknown } = {};
  const search = new Search({
    space: benchmark.space,
    executor: new InlineExecutor(benchmark.objective, { concurrency: 3 }),
    optimizer: {
      name: 'recording',
      plan,
      generator: (given) => {
        context = given;
        generator = new RecordingGenerator(given.space, given.rng);
        return generator;
      },
    },
    nIterations: options.nIterations ?? 3,
    asynchronous: options.asynchronous,
    seed: 4,
    logDir: options.logDir,
    resume: options.resume,
  });
  const result = await search.run();
  return { generator: generator!, context, result };
}

/** Checks that every observation of this search's jobs follows its announcement. */
function announcedBeforeObserved(events: readonly string[]): void {
  const announced = new Set<string>();
  for (const event of events) {
    const [kind, job] = event.split(' ');
    if (kind === 'pending') announced.add(job);
    if (kind === 'observe') assert.ok(announced.has(job), `${job} observed before it was announced`);
  }
}

test('synchronous brackets: each proposal and each job comes with its placement; each job is announced before its result', async () => {
  const { generator, context, result } = await record({});
  assert.equal(context.nIterations, 3);
  assert.equal(typeof context.warn, 'function');
  announcedBeforeObserved(generator.events);
  assert.equal(generator.events.filter((event) => event.startsWith('pending')).length, result.nRuns);
  assert.ok(generator.placements.every((placement) => placement !== undefined));
  assert.deepEqual(
    generator.placements.slice(0, 3).map((p) => `${p!.iteration}/${p!.stage}/${p!.slot}`),
    ['0/0/0', '0/0/1', '0/0/2'],
  );
  assert.ok(generator.events.includes('pending 0-0-8@1 0/0/8'));
  // A promoted configuration's job carries its slot in the higher rung.
  assert.ok(generator.events.some((event) => /^pending 0-0-\d@3 0\/1\/[0-2]$/.test(event)));
});

test('ASHA: jobs are announced without placements', async () => {
  const { generator } = await record({ asynchronous: true });
  announcedBeforeObserved(generator.events);
  assert.ok(generator.placements.every((placement) => placement === undefined));
  assert.ok(generator.events.some((event) => event.startsWith('pending') && !event.includes('/')));
});

test('a resumed (here: extended) search announces each replayed job right before its logged result, and proposes only new slots', async (t) => {
  const logDir = tempDir(t, 'bandster-notify-');
  const first = await record({ logDir, nIterations: 3 });
  const logged = first.result.nRuns;
  const { generator, result } = await record({ logDir, resume: true, nIterations: 4 });
  announcedBeforeObserved(generator.events);
  const replayed = generator.events.slice(0, 2 * logged).filter((event) => event.startsWith('pending') || event.startsWith('observe'));
  for (let i = 0; i < logged; i++) {
    const [, job] = replayed[2 * i].split(' ');
    assert.equal(replayed[2 * i + 1], `observe ${job}`, 'the replayed result follows its announcement at once');
  }
  assert.equal(
    generator.events.filter((event) => event.startsWith('propose')).length,
    result.idToConfig().size - first.result.idToConfig().size,
  );
});
