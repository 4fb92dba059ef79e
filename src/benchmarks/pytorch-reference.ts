// PyTorch side by side: bench/pytorch-unet/unet_train.py (Debian's python3-torch on the same U-Net,
// Adam, random data) run as installed and as a careful user tunes it, in the same benchmark run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
/**
 * The reference script, copied from shared/bench/pytorch-unet so that the benchmark stands alone:
 * bench/ at the package root, two folders up from src/benchmarks (three from dist/src/benchmarks).
 */
export const PYTORCH_SCRIPT = ['../../bench/pytorch-unet/unet_train.py', '../../../bench/pytorch-unet/unet_train.py']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .reduce((found, candidate) => (existsSync(found) ? found : candidate));

/** The tuned environment of bench/pytorch-unet/README.md: one BLAS thread, glibc malloc that keeps freed memory, huge pages. */
const TUNED_ENVIRONMENT = {
  OPENBLAS_NUM_THREADS: '1',
  GLIBC_TUNABLES:
    'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456:glibc.malloc.hugetlb=1',
};

/** Whether Debian's python has torch; the reason when not. */
export function pytorchAvailability(): { available: true; version: string } | { available: false; reason: string } {
  if (!existsSync(PYTHON)) return { available: false, reason: `${PYTHON} does not exist (apt-get install -y python3 python3-torch)` };
  if (!existsSync(PYTORCH_SCRIPT)) return { available: false, reason: `${PYTORCH_SCRIPT} is missing` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return { available: false, reason: `${PYTHON} has no torch (apt-get install -y python3-torch)` };
  return { available: true, version: probe.stdout.trim() };
}

export interface PytorchRun {
  readonly variant: 'as installed' | 'tuned';
  readonly imagesPerSecond: number;
  readonly msPerStep: number;
}

/** Trains the script's U-Net (same filters, batch and threads) as installed and tuned; medians over timed steps. */
export function runPytorch(workload: {
  size: number;
  filters: readonly number[];
  batch: number;
  threads: number;
  steps: number;
}): PytorchRun[] {
  const runs: PytorchRun[] = [];
  for (const variant of ['as installed', 'tuned'] as const) {
    const args = [
      PYTORCH_SCRIPT,
      '--threads',
      String(workload.threads),
      '--size',
      String(workload.size),
      '--filters',
      workload.filters.join(','),
      '--batch',
      String(workload.batch),
      '--steps',
      String(workload.steps),
      '--warmup',
      '2',
    ];
    const env = { ...process.env, ...(variant === 'tuned' ? TUNED_ENVIRONMENT : {}) };
    const result = spawnSync(PYTHON, args, { encoding: 'utf8', env, cwd: path.dirname(PYTORCH_SCRIPT), maxBuffer: 1 << 20 });
    if (result.status !== 0) throw new Error(`${PYTORCH_SCRIPT} failed (${variant}): ${result.stderr.trim().split('\n').at(-1)}`);
    const line = result.stdout.trim().split('\n').at(-1) ?? '{}';
    const parsed = JSON.parse(line) as { images_per_s_median: number; step_s_median: number };
    runs.push({ variant, imagesPerSecond: parsed.images_per_s_median, msPerStep: parsed.step_s_median * 1000 });
  }
  return runs;
}
