// `npm run bench memory [--quick]`: the frugal profile against the standard one (peak RSS, seconds per
// epoch, loss curves; every trial alone in a fresh process) on ONNX Runtime and wasm, at 64 px and,
// unless --quick, at 256 px (the study's net); plain-JS tfjs (cpu) at 64 px only. `bandster bench memory --errors` adds the memory
// model's error table. `--recompute`: instead, the frugal profile with and without recomputing the
// encoder's activations (ONNX Runtime at 256 px, wasm at 128 px; --quick: 64 px only).
// Run: `node --import tsx bench/memory.ts [--quick] [--recompute]`.
import { pathToFileURL } from 'node:url';

import { compareProfiles, formatComparisons, type ProfileComparison } from '../src/benchmarks/memory-benchmark.js';
import { compareRecompute, formatRecompute, type RecomputeComparison } from '../src/benchmarks/recompute-benchmark.js';

export async function run(options: { quick?: boolean; recompute?: boolean } = {}): Promise<void> {
  if (options.recompute) {
    const rows: RecomputeComparison[] = [];
    for (const [backend, size] of [
      ['wasm', options.quick ? 64 : 128],
      ['onnxruntime-cpu', options.quick ? 64 : 256],
    ] as const) {
      process.stderr.write(`  ${backend} at ${size} px, encoder kept and recomputed…\n`);
      rows.push(await compareRecompute(backend, size, { repeats: 3 }));
    }
    process.stdout.write(formatRecompute(rows));
    return;
  }
  const rows: ProfileComparison[] = [];
  for (const [backend, size, epochs] of [
    ['onnxruntime-cpu', 64, 3],
    ['wasm', 64, 3],
    ['cpu', 64, 1],
    ...(options.quick
      ? []
      : ([
          ['onnxruntime-cpu', 256, 3],
          ['wasm', 256, 1],
        ] as const)),
  ] as const) {
    process.stderr.write(`  ${backend} at ${size} px…\n`);
    rows.push(await compareProfiles(backend, size, { epochs }));
  }
  process.stdout.write(formatComparisons(rows));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await run({ quick: process.argv.includes('--quick'), recompute: process.argv.includes('--recompute') });
