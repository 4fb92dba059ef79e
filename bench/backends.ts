// Training and inference speed of the U-Net on every tfjs backend that loads here, with tfjs's stock
// kernels and with bandster's Conv2DBackpropFilter (backends/tfjs/kernels), at 64×64 and 128×128 on
// the small net the trainer uses on CPUs (baseFilters 8, depth 4: filters 8–64), batch 8.
//
// Columns: ms per training step, training images/s, inference images/s, achieved GFLOP/s (training
// counted as 3× the forward FLOPs: forward, input gradient, filter gradient), the fraction of this
// machine's peak (cores × 32 FLOP/cycle (AVX-512 FMA, fp32) × clock from /proc/cpuinfo), the speed-up
// over the stock cpu backend measured in the same run, and the ratio to PyTorch CPU's ~100 training
// images/s (64×64 net, batch 8, one thread; a reference measured elsewhere, not in this run).
//
// Run: `node --import tsx bench/backends.ts [--quick]`.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';

import type { Backend, Batch } from '../backends/backend.js';
import { createBackend, forwardFlopsPerImage, listBackends, type TfjsFlavourName } from '../backends/index.js';
import type { UNetSpec } from '../src/segmentation/types.js';

const BATCH = 8;
const PYTORCH_CPU_IMAGES_PER_SECOND_64 = 100;
const FLOP_PER_CYCLE_PER_CORE = 32;

interface Row {
  backend: string;
  kernels: string;
  side: number;
  batch: number;
  msPerStep?: number;
  trainImagesPerSecond?: number;
  inferImagesPerSecond?: number;
  note?: string;
}

function spec(side: number): UNetSpec {
  return { inputSize: side, inputChannels: 3, classes: 6, baseFilters: 8, depth: 4, dropoutScale: 1 };
}

/** A fixed synthetic batch: blocky labels and images that carry them, so the loss is meaningful. */
function makeBatch(side: number, size: number): Batch {
  const pixels = size * side * side;
  const images = new Float32Array(pixels * 3);
  const labels = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const row = Math.floor(i / side) % side;
    const column = i % side;
    const label = (Math.floor(row / 8) + Math.floor(column / 8) * 3 + Math.floor(i / (side * side))) % 6;
    labels[i] = label;
    images[3 * i] = label / 5;
    images[3 * i + 1] = ((row * 7 + column * 13) % 17) / 17;
    images[3 * i + 2] = 1 - label / 5;
  }
  return { size, images, labels };
}

function clockGHz(): { ghz: number; source: string } {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const mhz = [...text.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((match) => Number(match[1]));
    if (mhz.length > 0) return { ghz: Math.max(...mhz) / 1000, source: '/proc/cpuinfo' };
  } catch {
    // not Linux
  }
  return { ghz: 2.5, source: 'assumed' };
}

/** Steps until `minSeconds` have passed (at least `minSteps`), after `warmup` untimed steps. */
async function timeSteps(step: () => Promise<unknown>, options: { warmup: number; minSteps: number; minSeconds: number }): Promise<number> {
  for (let i = 0; i < options.warmup; i++) await step();
  const started = performance.now();
  let steps = 0;
  while (steps < options.minSteps || performance.now() - started < options.minSeconds * 1000) {
    await step();
    steps++;
  }
  return (performance.now() - started) / steps;
}

async function measure(
  backend: Backend,
  side: number,
  batchSize: number,
  quick: boolean,
  timing: { warmup: number; minSteps: number; minSeconds: number },
): Promise<Omit<Row, 'backend' | 'kernels'>> {
  await backend.init();
  const model = await backend.createModel(spec(side), { learningRate: 1e-3, loss: 'dice-focal', seed: 1 });
  try {
    const batch = makeBatch(side, batchSize);
    const row: Omit<Row, 'backend' | 'kernels'> = { side, batch: batchSize };
    if (backend.capabilities().train) {
      const ms = await timeSteps(() => model.trainStep(batch), timing);
      row.msPerStep = ms;
      row.trainImagesPerSecond = (batchSize * 1000) / ms;
    } else {
      try {
        await model.trainStep(batch);
        row.note = 'trained (unexpected)';
      } catch (error) {
        row.note = `cannot train: ${(error as Error).message.split('\n')[0].slice(0, 70)}`;
      }
    }
    const inferMs = await timeSteps(() => model.predict(batch.images, batchSize), {
      warmup: 1,
      minSteps: 2,
      minSeconds: quick ? 0.5 : 1.5,
    });
    row.inferImagesPerSecond = (batchSize * 1000) / inferMs;
    return row;
  } finally {
    model.dispose();
  }
}

function format(value: number | undefined, digits = 1): string {
  if (value === undefined) return '—';
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

export async function run(options: { quick?: boolean } = {}): Promise<void> {
  const quick = options.quick ?? false;
  const write = (text: string): void => void process.stdout.write(text);
  const sides = [64, 128];
  const { ghz, source } = clockGHz();
  const cores = availableParallelism();
  const peakGflops = cores * FLOP_PER_CYCLE_PER_CORE * ghz;
  write(
    `machine: ${cores} cores × ${FLOP_PER_CYCLE_PER_CORE} FLOP/cycle × ${ghz.toFixed(2)} GHz (${source}) = ${peakGflops.toFixed(0)} GFLOP/s fp32 peak\n`,
  );
  for (const side of sides) {
    const flops = forwardFlopsPerImage(spec(side));
    write(
      `net ${side}×${side}: baseFilters 8, depth 4: ${(flops / 1e6).toFixed(1)} MFLOP forward per image, ${((3 * flops) / 1e6).toFixed(1)} MFLOP per training image\n`,
    );
  }

  const rows: Row[] = [];
  const available = await listBackends();
  for (const { name, availability } of available) {
    if (!availability.available) {
      rows.push({ backend: name, kernels: '—', side: 0, batch: 0, note: `unavailable: ${availability.reason} (${availability.install})` });
      continue;
    }
    const kernelModes: ('bandster' | 'stock')[] = name === 'wasm' || name === 'cpu' ? ['bandster', 'stock'] : ['stock'];
    for (const kernels of kernelModes) {
      for (const side of sides) {
        const stockCpu = name === 'cpu' && kernels === 'stock';
        // tfjs's own cpu filter gradient needs ~50 s for one batch of 8 at 64×64: time one small step.
        if (stockCpu && (quick ? side > 64 : side > 128)) {
          rows.push({ backend: name, kernels, side, batch: 0, note: 'skipped in --quick (minutes per step)' });
          continue;
        }
        const batchSize = stockCpu ? (side === 64 && !quick ? BATCH : 2) : BATCH;
        const timing = stockCpu
          ? { warmup: 0, minSteps: 1, minSeconds: 0 }
          : name === 'cpu'
            ? { warmup: 1, minSteps: 1, minSeconds: quick ? 1 : 4 }
            : { warmup: 2, minSteps: 3, minSeconds: quick ? 1 : 4 };
        const backend = createBackend(name as TfjsFlavourName, { kernels });
        write(`  measuring ${name} (${kernels} kernels) at ${side}×${side}, batch ${batchSize}…\n`);
        const measured = await measure(backend, side, batchSize, quick, timing);
        await backend.dispose();
        rows.push({ backend: name, kernels, ...measured });
      }
    }
  }

  const baseline = new Map(
    rows
      .filter((row) => row.backend === 'cpu' && row.kernels === 'stock' && row.trainImagesPerSecond)
      .map((row) => [row.side, row.trainImagesPerSecond!]),
  );
  write(
    '\n| backend | kernels | patch | batch | ms/step | train img/s | infer img/s | train GFLOP/s | % of peak | × stock cpu | × PyTorch CPU (~100 img/s @64) | note |\n',
  );
  write('|---|---|---|---|---|---|---|---|---|---|---|---|\n');
  for (const row of rows) {
    const gflops = row.trainImagesPerSecond ? (row.trainImagesPerSecond * 3 * forwardFlopsPerImage(spec(row.side))) / 1e9 : undefined;
    const stock = baseline.get(row.side);
    const overStock = row.trainImagesPerSecond && stock ? row.trainImagesPerSecond / stock : undefined;
    const overPytorch =
      row.trainImagesPerSecond && row.side === 64 ? row.trainImagesPerSecond / PYTORCH_CPU_IMAGES_PER_SECOND_64 : undefined;
    write(
      `| ${row.backend} | ${row.kernels} | ${row.side ? `${row.side}×${row.side}` : '—'} | ${row.batch || '—'} | ${format(row.msPerStep, 0)} | ${format(row.trainImagesPerSecond, 2)} | ${format(row.inferImagesPerSecond, 2)} | ${format(gflops, 2)} | ${gflops ? `${((100 * gflops) / peakGflops).toFixed(1)} %` : '—'} | ${overStock ? `${overStock.toFixed(0)}×` : '—'} | ${overPytorch ? overPytorch.toFixed(2) : '—'} | ${row.note ?? ''} |\n`,
    );
  }
  write(
    '\nwasm runs single-threaded in Node here (tfjs reports WASM_HAS_MULTITHREAD_SUPPORT false) and wasm SIMD is 128-bit without FMA (8 FLOP/cycle), so its own ceiling is ~1/8 of the 2-core AVX-512 peak.\n',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run({ quick: process.argv.includes('--quick') });
}
