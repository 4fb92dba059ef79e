// The frugal profile's recomputation of the encoder's activations (FrugalOptions.recompute): its
// option check, and that the ONNX Runtime gradient graph really computes the encoder again (the
// conformance suite shows the weights are the same; bench memory --recompute measures the memory).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import onnxProto from 'onnx-proto';

import { BackendError } from '../../backends/backend-error.js';
import { frugalOptions } from '../../backends/frugal/frugal-options.js';
import { buildGradientGraph } from '../../backends/onnxruntime/micro-batch-graphs.js';
import { recomputedLevels, type UNetSpec } from '../../backends/unet-spec.js';

const SPEC: UNetSpec = { inputSize: 16, inputChannels: 3, classes: 6, baseFilters: 4, depth: 3, dropoutScale: 1 };

describe('frugal profile: recompute', () => {
  it('is off by default; a value that is not a boolean is refused naming the field (ERR_BACKEND_INVALID_INPUT)', () => {
    assert.equal(frugalOptions().recompute, false);
    assert.equal(frugalOptions({ recompute: true }).recompute, true);
    assert.throws(
      () => frugalOptions({ recompute: 'yes' as unknown as boolean }),
      (error: unknown) => error instanceof BackendError && error.code === 'ERR_BACKEND_INVALID_INPUT' && /recompute/.test(error.message),
    );
  });

  it("ONNX Runtime's gradient graph runs each recomputed level's two convolutions once more, in the backward pass", () => {
    const convolutions = (recompute: boolean) => {
      const model = onnxProto.onnx.ModelProto.decode(buildGradientGraph(SPEC, 2, 'dice-focal', recompute));
      const nodes = model.graph?.node ?? [];
      return {
        all: nodes.filter((node) => node.opType === 'Conv').length,
        recomputed: nodes.filter((node) => node.opType === 'Conv' && /recompute/.test(node.name ?? '')).length,
      };
    };
    const [kept, recomputed] = [convolutions(false), convolutions(true)];
    const extra = 2 * recomputedLevels(SPEC).length;
    assert.equal(extra, 4);
    assert.equal(recomputed.all, kept.all + extra, `${recomputed.all} convolutions against ${kept.all}`);
    assert.equal(kept.recomputed, 0);
    assert.ok(recomputed.recomputed >= extra, `${recomputed.recomputed} convolutions in the recompute scope`);
  });
});
