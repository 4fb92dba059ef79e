// A memory-aware search on tiny data (the test): the study's space (batch sizes 1–30) under a
// budget that the large batches would exceed in the standard profile. Every configuration is
// evaluated — the large ones in the frugal profile, which the log records — and the process's peak
// RSS stays within the budget + 10 %.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { blockPatches, processPeakMb } from '../../src/benchmarks/memory-trial.js';
import { Search } from '../../src/core/search.js';
import { createExecutor } from '../../src/executors/create-executor.js';
import { predictSegmentationTrial, segmentationMemoryBudget } from '../../src/segmentation/memory-admission.js';
import { studyPreset } from '../../src/segmentation/presets.js';
import { segmentationSharedData, type SegmentationJobSettings } from '../../src/segmentation/segmentation-job.js';
import type { SegmentationDataset } from '../../src/segmentation/types.js';
import { tempDir } from '../helpers/temp-dir.js';

const poolObjective = fileURLToPath(new URL('../../src/segmentation/pool-objective.ts', import.meta.url));

test('a memory-aware search: large batches run frugal, every configuration is evaluated, peak RSS within budget + 10 %', async (t) => {
  const dir = tempDir(t, 'bandster-memory-');
  const dataset: SegmentationDataset = { patchSize: 64, train: blockPatches(64, 20, 1), validation: blockPatches(64, 6, 2) };
  const settings: SegmentationJobSettings = {
    backend: 'onnxruntime-cpu',
    seed: 3,
    reuseCheckpoints: false,
    depth: 3,
    baseFilters: 16,
    releaseMemory: true,
  };
  const executor = await createExecutor({
    kind: 'thread-pool',
    objective: poolObjective,
    threads: 2,
    sharedData: segmentationSharedData(dataset, settings),
    workdir: path.join(dir, 'work'),
  });
  t.after(() => executor.close());
  const baselineMb = process.memoryUsage.rss() / 2 ** 20;
  // Room for batch 30 frugally but not in the standard profile: the budget sits between the two.
  const context = { ...settings, dataset, backend: 'onnxruntime-cpu' };
  const largest = { batchsize: 30, valbatchsize: 30 };
  const standard = predictSegmentationTrial(largest, 'standard', context).trialMb;
  const frugal = predictSegmentationTrial(largest, 'frugal', context).trialMb;
  const budgetMb = Math.round(baselineMb + (standard + 2 * frugal) / 3);
  const warnings: string[] = [];
  const search = new Search({
    space: studyPreset().space,
    executor,
    admission: segmentationMemoryBudget(budgetMb, baselineMb, context),
    optimizer: 'hyperband',
    minBudget: 1,
    maxBudget: 3,
    nIterations: 2,
    seed: 2,
    logDir: path.join(dir, 'run'),
  });
  search.on('warning', ({ message }) => warnings.push(message));
  const result = await search.run();
  assert.equal(result.nRuns, search.plannedEvaluations(), 'every configuration was evaluated');
  assert.equal(
    result.nFailed,
    0,
    result
      .allRuns()
      .map((run) => run.error)
      .join('\n'),
  );
  const memories = result.allRuns().map((run) => run.info.memory as { profile: string; profile_reason?: string; peak_rss_mb: number });
  assert.ok(
    memories.some((memory) => memory.profile === 'frugal' && /would not fit the memory budget/.test(memory.profile_reason ?? '')),
    `some configurations ran frugal, and the log says why (${JSON.stringify(memories)})`,
  );
  assert.ok(warnings.some((message) => /runs in the frugal profile/.test(message)));
  const peak = processPeakMb();
  if (process.env.DEBUG_MEMORY)
    console.error({
      baselineMb,
      standard,
      frugal,
      budgetMb,
      peak,
      memories: result.allRuns().map((run) => [run.configId.join('-'), run.budget, JSON.stringify(run.info.memory)]),
    });
  assert.ok(peak <= 1.1 * budgetMb, `peak RSS ${peak.toFixed(0)} MB, budget ${budgetMb} MB (baseline ${baselineMb.toFixed(0)} MB)`);
});

test('a trial tfjs-wasm could never allocate is refused before it starts, as out of memory (the WebAssembly module stays usable)', async () => {
  const { initBackend } = await import('../../src/segmentation/segmentation-job.js');
  const { trainObjective } = await import('../../src/segmentation/trainer.js');
  const backend = await initBackend('wasm');
  const dataset: SegmentationDataset = { patchSize: 256, train: blockPatches(256, 30, 1), validation: blockPatches(256, 2, 2) };
  const ctx = { configId: [0, 0, 0] as const, budget: 1, signal: new AbortController().signal, report: () => {} };
  await assert.rejects(
    trainObjective({ batchsize: 30, valbatchsize: 2, base_filters: 64 }, 1, ctx, { dataset, backend, seed: 1, depth: 5 }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_OUT_OF_MEMORY');
      assert.match(
        error.message,
        /not started: its predicted peak of \d+ MB in the standard profile exceeds the 4096 MB wasm can allocate/,
      );
      return true;
    },
  );
  // The module was never pushed past its limit: a small trial still trains.
  const small: SegmentationDataset = { patchSize: 32, train: blockPatches(32, 4, 1), validation: blockPatches(32, 2, 2) };
  const result = await trainObjective({ batchsize: 2, base_filters: 4 }, 1, ctx, { dataset: small, backend, seed: 1, depth: 2 });
  assert.ok(Number.isFinite(result.loss));
});
