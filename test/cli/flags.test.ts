import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { InvalidOptionError } from '../../src/core/errors.js';
import type { SearchOptions } from '../../src/core/search.js';
import { addFlags, type FlagTable, inFlagTerms, integer, number, readFlags } from '../../src/cli/flags.js';
import { frugalFlagsWithoutEffect, type MemoryCliOptions, TUNE_MEMORY_FLAGS } from '../../src/cli/memory-flags.js';
import { SEARCH_FLAGS } from '../../src/cli/search-flags.js';

test('a flag table is typed against the options it sets: a drifted name or type does not compile', () => {
  const good = { nIterations: { flag: '--iterations <n>', description: 'iterations', parse: integer } } satisfies FlagTable<SearchOptions>;
  const misspelt = {
    // @ts-expect-error `nIteration` is not a field of SearchOptions
    nIteration: { flag: '--iterations <n>', description: 'iterations', parse: integer },
  } satisfies FlagTable<SearchOptions>;
  const mistyped = {
    // @ts-expect-error `logDir` is a string: a number parser cannot set it
    logDir: { flag: '--log-dir <n>', description: 'logs', parse: number },
  } satisfies FlagTable<SearchOptions>;
  assert.ok(good && misspelt && mistyped);
});

test('flags map onto option fields; absent flags stay absent so the library defaults apply', async () => {
  const command = addFlags(new Command('x').exitOverride(), SEARCH_FLAGS);
  let values: Record<string, unknown> = {};
  command.action((opts: Record<string, unknown>) => {
    values = opts;
  });
  await command.parseAsync(['--iterations', '4', '--min-budget', '1.5', '--resume', '--warm-start', 'a', 'b'], { from: 'user' });
  assert.deepEqual(readFlags<SearchOptions>(values, SEARCH_FLAGS), {
    nIterations: 4,
    minBudget: 1.5,
    resume: true,
    warmStartFrom: ['a', 'b'],
  });
  assert.throws(() => command.parse(['--eta', 'fast'], { from: 'user' }), /--eta must be a number \(got "fast"\)/);
});

test("a library error names the flag that set the option, not the API's field", () => {
  const error = inFlagTerms(new InvalidOptionError('options.minBudget must be a number > 0 (got -1)'), SEARCH_FLAGS) as InvalidOptionError;
  assert.equal(error.code, 'ERR_INVALID_OPTION');
  assert.equal(error.message, '--min-budget must be a number > 0 (got -1)');
  const other = new Error('options.minBudget is not ours to rename');
  assert.equal(inFlagTerms(other, SEARCH_FLAGS), other, 'errors that are not bandster errors are left alone');
});

test('the memory flags: --profile frugal --micro-batch 4 --recompute set the frugal options; without --recompute it stays absent', async () => {
  const parse = async (argv: string[]) => {
    const command = addFlags(new Command('x').exitOverride(), TUNE_MEMORY_FLAGS);
    let values: Record<string, unknown> = {};
    command.action((opts: Record<string, unknown>) => {
      values = opts;
    });
    await command.parseAsync(argv, { from: 'user' });
    return readFlags<MemoryCliOptions>(values, TUNE_MEMORY_FLAGS);
  };
  assert.deepEqual(await parse(['--profile', 'frugal', '--micro-batch', '4', '--recompute']), {
    profile: 'frugal',
    microBatch: 4,
    recompute: true,
  });
  assert.deepEqual(await parse(['--profile', 'frugal']), { profile: 'frugal' });
});

test('--micro-batch and --recompute without a frugal trial are named in a warning; with one they are not', () => {
  assert.deepEqual(frugalFlagsWithoutEffect({}), []);
  assert.deepEqual(frugalFlagsWithoutEffect({ recompute: false }), []);
  const both = frugalFlagsWithoutEffect({ microBatch: 4, recompute: true });
  assert.equal(both.length, 1);
  assert.match(both[0] ?? '', /--micro-batch and --recompute have no effect/);
  assert.match(frugalFlagsWithoutEffect({ recompute: true })[0] ?? '', /^--recompute has no effect/);
  assert.deepEqual(frugalFlagsWithoutEffect({ recompute: true, profile: 'frugal' }), []);
  assert.deepEqual(frugalFlagsWithoutEffect({ microBatch: 4, memoryBudget: 2000 }), []);
});
