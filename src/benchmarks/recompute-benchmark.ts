// `bandster bench memory --recompute` (and `npm run bench memory -- --recompute`): the frugal profile with and without recomputing the encoder's
// activations (FrugalOptions.recompute), each trial alone in a fresh process (memory-benchmark.ts's
// measureInChild), the two alternated and repeated so that the machine's load falls on both alike.
import { comparisonPoint, isMeasured, type MemoryOutcome, measureInChild } from './memory-benchmark.js';
import type { MemoryMeasurement } from './memory-trial.js';

/** One backend and size: every repeat's pair (kept, recomputed). */
export interface RecomputeComparison {
  readonly backend: string;
  readonly patch: number;
  readonly batch: number;
  readonly microBatch: number;
  readonly pairs: readonly { readonly kept: MemoryOutcome; readonly recomputed: MemoryOutcome }[];
}

/**
 * The workload: comparisonPoint's net and batch (16, micro-batch 2) on one training step per epoch
 * (16 patches) and 2 validation patches, two epochs: the first builds the sessions and kernels, the
 * second's seconds are the step's time.
 */
export async function compareRecompute(
  backend: string,
  patch: number,
  options: { repeats?: number; microBatch?: number } = {},
): Promise<RecomputeComparison> {
  const repeats = options.repeats ?? 3;
  const microBatch = options.microBatch ?? 2;
  const point = (recompute: boolean) => ({
    ...comparisonPoint(backend, patch, 'frugal', { epochs: 2, microBatch }),
    trainCount: 16,
    validationCount: 2,
    recompute,
  });
  const pairs: { kept: MemoryOutcome; recomputed: MemoryOutcome }[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    // Alternate which runs first, so that a drift in the machine's load does not favour one.
    if (repeat % 2 === 0) {
      const kept = await measureInChild(point(false));
      pairs.push({ kept, recomputed: await measureInChild(point(true)) });
    } else {
      const recomputed = await measureInChild(point(true));
      pairs.push({ kept: await measureInChild(point(false)), recomputed });
    }
  }
  return { backend, patch, batch: 16, microBatch, pairs };
}

/** The figures of one measurement: peak RSS, the trial's own part of it, the backend's own figure, the step's seconds. */
function figures(m: MemoryMeasurement): { peak: number; trial: number; backend: number; seconds: number } {
  const memory = m.trialMemory as { backend_peak_mb?: number; backend_heap_mb?: number };
  return {
    peak: m.peakMb,
    trial: m.peakMb - m.baselineMb,
    // tfjs-wasm's heap never shrinks: its size is the backend's peak; elsewhere what the backend said it held.
    backend: memory.backend_heap_mb ?? memory.backend_peak_mb ?? Number.NaN,
    seconds: m.epochSeconds.at(-1) ?? Number.NaN,
  };
}

/** "median (min–max)" of values. */
function spread(values: readonly number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return sorted.length === 1
    ? median.toFixed(digits)
    : `${median.toFixed(digits)} (${sorted[0].toFixed(digits)}–${(sorted.at(-1) as number).toFixed(digits)})`;
}

export function formatRecompute(rows: readonly RecomputeComparison[]): string {
  const lines = [
    '| backend | px | batch | micro | repeats | peak MB kept → recomputed | peak ratio | trial-memory ratio | backend MB kept → recomputed | backend ratio | s/step kept → recomputed | time ratio | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const measured = row.pairs.flatMap(({ kept, recomputed }) =>
      isMeasured(kept) && isMeasured(recomputed) ? [{ kept: figures(kept), recomputed: figures(recomputed) }] : [],
    );
    const failed = row.pairs.flatMap(({ kept, recomputed }) =>
      [kept, recomputed].flatMap((outcome) => (isMeasured(outcome) ? [] : [outcome.error])),
    );
    const of = (pick: (f: ReturnType<typeof figures>) => number, digits: number) =>
      measured.length === 0
        ? '—'
        : `${spread(
            measured.map((pair) => pick(pair.kept)),
            digits,
          )} → ${spread(
            measured.map((pair) => pick(pair.recomputed)),
            digits,
          )}`;
    const ratio = (pick: (f: ReturnType<typeof figures>) => number) =>
      measured.length === 0
        ? '—'
        : spread(
            measured.map((pair) => pick(pair.recomputed) / pick(pair.kept)),
            2,
          );
    lines.push(
      `| ${row.backend} | ${row.patch} | ${row.batch} | ${row.microBatch} | ${measured.length} | ${of((f) => f.peak, 0)} | ${ratio((f) => f.peak)} | ${ratio((f) => f.trial)} | ${of((f) => f.backend, 0)} | ${ratio((f) => f.backend)} | ${of((f) => f.seconds, 2)} | ${ratio((f) => f.seconds)} | ${failed.join('; ')} |`,
    );
  }
  lines.push(
    '',
    'Frugal profile, encoder activations kept against recomputed. Each trial ran alone in a fresh process (peak RSS = VmHWM); the two alternated, repeated; median (min–max) over repeats, ratios taken per repeat (recomputed / kept). Backend MB: tfjs-wasm its WebAssembly heap (which never shrinks: its peak), elsewhere the most the backend said it held. s/step: the second epoch (one step of 16 and 2 validation patches).',
  );
  return `${lines.join('\n')}\n`;
}
