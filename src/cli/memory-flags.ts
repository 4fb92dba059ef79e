import { PROFILES, type Profile } from '../../backends/frugal/frugal-backend.js';
import { InvalidOptionError } from '../core/errors.js';
import { type FlagTable, integer } from './flags.js';

/** The memory options `tune` takes (and `run` its budget). */
export interface MemoryCliOptions {
  /** MB the whole process may hold: queued trials start while their predicted peaks fit. */
  readonly memoryBudget: number;
  /** Per worker thread MiB cap (thread pool). */
  readonly memoryMb: number;
  readonly profile: Profile;
  readonly microBatch: number;
  /** The frugal profile recomputes the encoder's activations in the backward pass. */
  readonly recompute: boolean;
}

export const MEMORY_BUDGET_FLAG = {
  memoryBudget: {
    flag: '--memory-budget <MB>',
    description:
      'memory budget of the whole process in MB: queued trials start while their predicted peaks fit, a configuration too big for the standard profile runs frugal, one too big even then fails with the reason',
    parse: positiveInteger,
  },
} as const satisfies FlagTable<MemoryCliOptions>;

export const TUNE_MEMORY_FLAGS = {
  ...MEMORY_BUDGET_FLAG,
  memoryMb: {
    flag: '--memory-mb <n>',
    description: 'memory cap of each worker thread in MiB (V8 heap, and the process RSS measured against threads × n)',
    parse: positiveInteger,
  },
  profile: {
    flag: '--profile <name>',
    description: "memory profile: 'frugal' trains in micro-batches (exact; peak memory follows the micro-batch, not the batch size)",
    choices: PROFILES,
    defaultText: 'standard',
  },
  microBatch: { flag: '--micro-batch <n>', description: 'images per pass in the frugal profile', parse: positiveInteger, defaultText: '2' },
  recompute: {
    flag: '--recompute',
    description:
      "in the frugal profile, compute the encoder's activations again in each micro-batch's backward pass instead of keeping them (exact; a lower peak for some more time per step: see the README)",
  },
} as const satisfies FlagTable<MemoryCliOptions>;

/**
 * Flags that cannot act on this run, as warnings: --micro-batch and --recompute tune the frugal
 * profile, which no trial uses unless --profile frugal is given or a budget sends a configuration
 * there. Said rather than refused, as the flags are harmless, but a user comparing runs must know.
 */
export function frugalFlagsWithoutEffect(memory: Partial<MemoryCliOptions>): string[] {
  if (memory.profile === 'frugal' || memory.memoryBudget !== undefined) return [];
  const idle = [...(memory.microBatch === undefined ? [] : ['--micro-batch']), ...(memory.recompute ? ['--recompute'] : [])];
  if (idle.length === 0) return [];
  return [
    `${idle.join(' and ')} ${idle.length === 1 ? 'has' : 'have'} no effect: no trial runs in the frugal profile (add --profile frugal, or --memory-budget to run configurations too big for the standard profile frugally)`,
  ];
}

function positiveInteger(text: string, flag: string): number {
  const value = integer(text, flag);
  if (value < 1) throw new InvalidOptionError(`${flag} must be an integer >= 1 (got ${value})`);
  return value;
}

/** The process's peak RSS so far, in MB (the kernel's high-water mark). */
export function processPeakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The process's RSS now, in MB. */
export function processRssMb(): number {
  return process.memoryUsage.rss() / 2 ** 20;
}

/**
 * The thread pool's measured cap for a budget: the admission rule keeps the predicted peaks within
 * the budget; past 5 % over it, the newest trial is stopped (and retried frugally), so that a
 * misprediction cannot take the process past the budget by much.
 */
export function processCapForBudget(budgetMb: number): number {
  return Math.ceil(budgetMb * 1.05);
}

/** A MemoryBudget's option error in the flag's terms (`--memory-budget`, not `options.budgetMb`). */
export function inMemoryFlagTerms(error: unknown): unknown {
  if (error instanceof InvalidOptionError) error.message = error.message.replace('options.budgetMb', '--memory-budget');
  return error;
}
