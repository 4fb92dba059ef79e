// Issue 12, item 4: Node clamps a timer longer than 2^31 − 1 ms to 1 ms, which made a long
// --timeout fail every job at once. Every path that ends in a timer either refuses such a value
// with an error naming it, or (leases) waits in chunks so any duration works.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { RunFollower } from '../../src/dashboard/run-follower.js';
import { MAX_TIMER_DELAY_MS } from '../../src/core/option-checks.js';
import { Search } from '../../src/core/search.js';
import { ConfigurationSpace } from '../../src/space/configuration-space.js';
import { UniformFloatHyperparameter } from '../../src/space/numeric-hyperparameters.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster, smallRunArgs } from '../helpers/cli.js';

test('bandster run --timeout beyond 2^31 − 1 ms is refused, naming the flag and the bound', () => {
  const run = runBandster([
    ...smallRunArgs(),
    '--log-dir',
    path.join(os.tmpdir(), 'bandster-never-written'),
    '--timeout',
    String(MAX_TIMER_DELAY_MS + 1),
  ]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /error: --timeout must be a number in \[0, 2147483647\] \(0 = no timeout\) \(got 2147483648\)/);
});

test('an ask/tell lease longer than a timer can hold neither expires at once nor spins', async () => {
  const overflow: string[] = [];
  const onWarning = (warning: Error): void => {
    if (warning.name === 'TimeoutOverflowWarning') overflow.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    const space = new ConfigurationSpace().add(new UniformFloatHyperparameter('x', 0, 1));
    const search = new Search({
      space,
      optimizer: 'hyperband',
      minBudget: 1,
      maxBudget: 9,
      nIterations: 1,
      seed: 1,
      leaseTimeoutMs: 30 * 86_400_000,
    });
    const reissued: string[] = [];
    search.on('warning', ({ message }) => reissued.push(message));
    const first = (await search.ask())!;
    const second = (await search.ask({ leaseMs: 2 ** 40 }))!;
    // Let the lease timer's first chunk be armed and any warning be emitted (they go out on the next tick).
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(overflow, [], 'no timer longer than Node can hold');
    assert.deepEqual(reissued, [], 'no lease expired');
    assert.deepEqual(
      search.outstanding().map((job) => job.attempt),
      [0, 0],
    );
    assert.ok(second.leaseExpiresAt - Date.now() > 2 ** 39);
    search.tell(first, 0.5);
    search.tell(second, 0.25);
    search.close();
  } finally {
    process.off('warning', onWarning);
  }
});

test('the dashboard follower refuses a poll interval a timer cannot hold', (t) => {
  const dir = tempDir(t, 'bandster-follow-');
  for (const pollMs of [0, MAX_TIMER_DELAY_MS + 1, Number.NaN]) {
    assert.throws(
      () => RunFollower.open(dir, { pollMs }),
      (error: unknown) => (error as { code?: string }).code === 'ERR_INVALID_OPTION' && /options\.pollMs/.test((error as Error).message),
      String(pollMs),
    );
  }
  RunFollower.open(dir, { pollMs: 500 }).close();
});
