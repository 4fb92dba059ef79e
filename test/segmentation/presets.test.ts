// The default preset's iterations follow the backend's speed: the time a native backend saves buys
// iterations for BOHB's model; wasm and cpu keep the four that fit ten minutes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { defaultIterations, defaultPreset, presetByName } from '../../src/segmentation/presets.js';

test('iterations: 18 on a native backend, 4 on wasm, cpu or unknown; an explicit count wins', () => {
  for (const backend of ['onnxruntime-cpu', 'onnxruntime-cuda', 'tfjs-node', 'tfjs-node-gpu'])
    assert.equal(defaultPreset({ backend }).nIterations, 18);
  for (const backend of ['wasm', 'cpu', undefined]) assert.equal(defaultIterations(backend), 4);
  assert.equal(defaultPreset({ backend: 'onnxruntime-cpu', nIterations: 3 }).nIterations, 3);
  assert.equal(presetByName('study', { backend: 'onnxruntime-cpu' }).nIterations, 6, "the study's own count is the study's");
});
