// Every backend that loads here passes one conformance suite (test/backends/backend-conformance.ts):
// tfjs cpu and wasm and ONNX Runtime's CPU provider always; tfjs-node, tfjs-node-gpu and ONNX
// Runtime's CUDA provider where they are installed (each says why it is skipped otherwise).
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { createBackend, listBackends } from '../../backends/index.js';
import { backendConformance } from './backend-conformance.js';

const backends = await listBackends();
const available = backends.filter((entry) => entry.availability.available).map((entry) => entry.name);

it('cpu, wasm and onnxruntime-cpu load here (without network)', () => {
  for (const name of ['cpu', 'wasm', 'onnxruntime-cpu'])
    assert.ok(available.includes(name), `${name} must load here (got ${available.join(', ')})`);
});

for (const { name, availability } of backends) {
  if (!availability.available) {
    it(`${name}: backend conformance`, (t) =>
      t.skip(`${name} does not load here: ${availability.reason}${availability.install ? ` (${availability.install})` : ''}`));
    continue;
  }
  backendConformance({ name, make: () => createBackend(name) });
}
