// The memory model (backends/memory-model.ts): its features from the architecture, and its error
// against trials measured alone in fresh processes at a few points of the default space (the
// closing table of `bandster bench memory --errors` covers both spaces).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { activationsPerImage, predictTrialMemory } from '../../backends/memory-model.js';
import type { UNetSpec } from '../../backends/unet-spec.js';
import { isMeasured, measureInChild, predictPoint } from '../../src/benchmarks/memory-benchmark.js';
import type { MemoryPoint } from '../../src/benchmarks/memory-trial.js';

const STUDY: UNetSpec = { inputSize: 256, inputChannels: 3, classes: 6, baseFilters: 16, depth: 5, dropoutScale: 1 };

describe('memory model', () => {
  it('counts the study net’s feature maps per image: two per encoder and decoder level, one at the bottleneck', () => {
    // 256²·16·2 + 128²·32·2 + 64²·64·2 + 32²·128·2 + 16²·256
    assert.equal(activationsPerImage(STUDY), 3_997_696);
  });

  it('grows with the batch in the standard profile; in the frugal one only up to the micro-batch', () => {
    const query = { spec: STUDY, validationBatch: 2, trainCount: 51, validationCount: 13, backend: 'onnxruntime-cpu' } as const;
    const standard = [1, 8, 16, 30].map((batch) => predictTrialMemory({ ...query, batch, profile: 'standard' }).trialMb);
    const frugal = [2, 8, 16, 30].map((batch) => predictTrialMemory({ ...query, batch, profile: 'frugal', microBatch: 2 }).trialMb);
    for (let i = 1; i < standard.length; i++) assert.ok(standard[i] > standard[i - 1], `standard: ${standard.join(', ')}`);
    assert.ok(
      frugal.every((value) => value === frugal[0]),
      `frugal: ${frugal.join(', ')}`,
    );
    assert.ok(frugal[0] < 0.4 * standard[2], 'frugal at batch 16 predicts well under 40 % of standard');
    assert.equal(predictTrialMemory({ ...query, batch: 2, profile: 'standard', backend: 'onnxruntime-cpu' }).calibrated, true);
    assert.equal(predictTrialMemory({ ...query, batch: 2, profile: 'standard', backend: 'tfjs-node' }).calibrated, false);
  });

  it('predicts the peak RSS of trials measured alone within 25 % (a few points of the default space)', async () => {
    const point = (backend: string, profile: 'standard' | 'frugal', baseFilters: number, batch: number): MemoryPoint => ({
      backend,
      patch: 32,
      baseFilters,
      depth: 3,
      batch,
      validationBatch: batch,
      trainCount: 24,
      validationCount: 8,
      profile,
    });
    const points = [
      point('onnxruntime-cpu', 'standard', 32, 16),
      point('onnxruntime-cpu', 'frugal', 32, 16),
      point('wasm', 'standard', 16, 8),
    ];
    const outcomes = await Promise.all(points.map((p) => measureInChild(p)));
    for (const outcome of outcomes) {
      assert.ok(isMeasured(outcome), `${JSON.stringify(outcome.point)}: ${isMeasured(outcome) ? '' : outcome.error}`);
      // What a budget does: the process is measured before the trial, the model predicts what the trial adds.
      const predicted = outcome.baselineMb + predictPoint(outcome.point).trialMb;
      const error = (predicted - outcome.peakMb) / outcome.peakMb;
      assert.ok(
        Math.abs(error) <= 0.25,
        `${outcome.point.backend} ${outcome.point.profile} batch ${outcome.point.batch}: predicted ${predicted.toFixed(0)} MB, measured ${outcome.peakMb.toFixed(0)} MB (${(100 * error).toFixed(1)} %)`,
      );
    }
  });
});
