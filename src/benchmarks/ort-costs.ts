// Where an ONNX Runtime training step spends its time, and what the costs the issue names are worth:
// - a profile of one training graph grouped by purpose (node names are scoped: forward/, backward/,
//   loss/, adam/, state/, dropout/) and by op;
// - prepacking: inference with the weights as initializers (ORT prepacks them, NCHWc for MLAS) against
//   the same graph with the weights as inputs (what training must do);
// - state round-trips: training that writes the new state into preallocated buffers (the backend's
//   ping-pong) against letting ORT allocate outputs and copying them into JS state;
// - flat-vector slicing: the state/ nodes' share of the profile (Slice per weight, Concat of gradients);
// - the gradient formulation: the backend's (flipped Conv for dx, per-offset GEMMs for dw) against the
//   probe's (ConvTranspose, a Conv over the transposed input);
// - JS work per step: dropout draws.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { InferenceSession, Tensor } from 'onnxruntime-node';

import { DropoutMasks } from '../../backends/dropout-masks.js';
import { buildInferenceGraph } from '../../backends/onnxruntime/inference-graph.js';
import { OnnxGraph } from '../../backends/onnxruntime/onnx-graph.js';
import { loadOrt, type Ort } from '../../backends/onnxruntime/ort-loader.js';
import type { ConvGradientStrategy } from '../../backends/onnxruntime/ops/index.js';
import { sessionOptions } from '../../backends/onnxruntime/session-options.js';
import { Tape } from '../../backends/onnxruntime/tape.js';
import { buildTrainingGraph, TRAINING_IO } from '../../backends/onnxruntime/training-graph.js';
import { dropoutSites, imagesToNchw, type LayerWeights, unetForward } from '../../backends/onnxruntime/unet-graph.js';
import { flatSize, weightSlots, writeFromTfjs } from '../../backends/onnxruntime/weight-layout.js';
import { initialUNet } from '../../backends/unet-init.js';
import { benchmarkBatch, type BackendWorkload } from './backend-benchmark.js';

export interface OrtCostReport {
  readonly workload: string;
  readonly nodes: number;
  /** Milliseconds per step by purpose (forward, backward, loss, adam, state, dropout, other) and by op type. */
  readonly byPurpose: Readonly<Record<string, number>>;
  readonly byOp: Readonly<Record<string, number>>;
  readonly profiledStepMs: number;
  /** name → { ms, baselineMs, ratio }: each alternative against the backend's choice, in the same process. */
  readonly comparisons: readonly { readonly name: string; readonly ms: number; readonly baselineMs: number; readonly baseline: string }[];
  readonly dropoutDrawMs: number;
}

interface TrainingRunner {
  run(outputs: 'preallocated' | 'allocated'): Promise<void>;
  release(): Promise<void>;
}

/** A training session of the workload with feeds ready and, for 'preallocated', output buffers swapped each step. */
async function trainingRunner(
  ort: Ort,
  workload: BackendWorkload,
  options: { strategy?: ConvGradientStrategy; profile?: string } = {},
): Promise<TrainingRunner & { nodes: number }> {
  const { spec, batch } = workload;
  const graph = buildTrainingGraph({ spec, batch, loss: 'dice-focal', strategy: options.strategy });
  const session = await ort.InferenceSession.create(graph.model, {
    ...sessionOptions('cpu', workload.threads),
    ...(options.profile ? { enableProfiling: true, profileFilePrefix: options.profile } : {}),
  });
  const size = graph.parameterCount;
  const slots = weightSlots(spec);
  const weights = new Float32Array(size);
  initialUNet(spec, 1).layers.forEach((layer, index) => {
    writeFromTfjs(slots[2 * index], layer.kernel, weights);
    writeFromTfjs(slots[2 * index + 1], layer.bias, weights);
  });
  const sets = [0, 1].map(() => ({ weights: weights.slice(), m: new Float32Array(size), v: new Float32Array(size) }));
  const tensors = sets.map((set) => ({
    weights: new ort.Tensor('float32', set.weights, [size]),
    m: new ort.Tensor('float32', set.m, [size]),
    v: new ort.Tensor('float32', set.v, [size]),
  }));
  const data = benchmarkBatch(spec.inputSize, batch);
  const side = spec.inputSize;
  const feeds: Record<string, Tensor> = {
    [TRAINING_IO.images]: new ort.Tensor('float32', data.images, [batch, side, side, 3]),
    [TRAINING_IO.labels]: new ort.Tensor('uint8', data.labels, [batch, side, side]),
    [TRAINING_IO.step]: new ort.Tensor('float32', new Float32Array([1]), []),
    [TRAINING_IO.learningRate]: new ort.Tensor('float32', new Float32Array([1e-3]), []),
  };
  const masks = new DropoutMasks(1);
  dropoutSites(spec, batch).forEach((site, index) => {
    const [n, c, h, w] = site.shape;
    feeds[TRAINING_IO.dropBits(index)] = new ort.Tensor('uint8', masks.dropBits(n * c * h * w, site.rate), [n, h, w, c]);
    feeds[TRAINING_IO.keepScale(index)] = new ort.Tensor('float32', new Float32Array([1 / (1 - site.rate)]), []);
  });
  const loss = new ort.Tensor('float32', new Float32Array(1), []);
  let current = 0;
  return {
    nodes: graph.nodeCount,
    async run(outputs) {
      const [from, to] = [tensors[current], tensors[1 - current]];
      feeds[TRAINING_IO.weights] = from.weights;
      feeds[TRAINING_IO.firstMoment] = from.m;
      feeds[TRAINING_IO.secondMoment] = from.v;
      if (outputs === 'preallocated') {
        await session.run(feeds, {
          [TRAINING_IO.loss]: loss,
          [TRAINING_IO.weightsOut]: to.weights,
          [TRAINING_IO.firstMomentOut]: to.m,
          [TRAINING_IO.secondMomentOut]: to.v,
        });
        current = 1 - current;
      } else {
        const result = await session.run(feeds);
        // What a backend without preallocated outputs does: copy the new state into its own buffers.
        sets[current].weights.set(result[TRAINING_IO.weightsOut].data as Float32Array);
        sets[current].m.set(result[TRAINING_IO.firstMomentOut].data as Float32Array);
        sets[current].v.set(result[TRAINING_IO.secondMomentOut].data as Float32Array);
      }
    },
    async release() {
      if (options.profile) session.endProfiling();
      await session.release();
    },
  };
}

/** Milliseconds per call: the minimum over `rounds` of the mean of `calls` calls (the least disturbed by other load). */
async function timeIt(call: () => Promise<unknown>, rounds: number, calls: number): Promise<number> {
  await call();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) await call();
    best = Math.min(best, (performance.now() - started) / calls);
  }
  return best;
}

/** Two calls timed in alternating rounds (so that a change of load hits both), each the minimum over rounds. */
async function timePair(a: () => Promise<unknown>, b: () => Promise<unknown>, rounds: number, calls: number): Promise<[number, number]> {
  await a();
  await b();
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let round = 0; round < rounds; round++) {
    for (const [index, call] of [a, b].entries()) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) await call();
      best[index] = Math.min(best[index], (performance.now() - started) / calls);
    }
  }
  return [best[0], best[1]];
}

/** An inference session of the workload's forward pass with the weights as initializers (prepacked) or as an input. */
async function inferenceSession(
  ort: Ort,
  workload: BackendWorkload,
  weightsAs: 'initializers' | 'input',
): Promise<{ run: () => Promise<unknown>; session: InferenceSession }> {
  const { spec, batch } = workload;
  const slots = weightSlots(spec);
  const weights = new Float32Array(flatSize(slots));
  initialUNet(spec, 1).layers.forEach((layer, index) => {
    writeFromTfjs(slots[2 * index], layer.kernel, weights);
    writeFromTfjs(slots[2 * index + 1], layer.bias, weights);
  });
  let model: Uint8Array;
  if (weightsAs === 'initializers') {
    model = buildInferenceGraph({ spec, weights });
  } else {
    const g = new OnnxGraph('inference_weights_as_input');
    const side = spec.inputSize;
    const images = g.input('images', 'float', [batch, side, side, 3]);
    const tensors = slots.map((slot) => g.input(`${slot.layer.name}_${slot.role}`, 'float', slot.onnxShape));
    const layers: LayerWeights[] = [];
    for (let i = 0; i < tensors.length; i += 2) layers.push({ kernel: tensors[i], bias: tensors[i + 1] });
    g.output('probabilities', unetForward(new Tape(g), spec, imagesToNchw(g, images), layers));
    model = g.encode();
  }
  const session = await ort.InferenceSession.create(model, sessionOptions('cpu', workload.threads));
  const data = benchmarkBatch(spec.inputSize, batch);
  const feeds: Record<string, Tensor> = { images: new ort.Tensor('float32', data.images, [batch, spec.inputSize, spec.inputSize, 3]) };
  if (weightsAs === 'input') {
    for (const slot of slots) {
      feeds[`${slot.layer.name}_${slot.role}`] = new ort.Tensor('float32', weights.slice(slot.offset, slot.offset + slot.size), [
        ...slot.onnxShape,
      ]);
    }
  }
  return { run: () => session.run(feeds), session };
}

/** Profiles one training step of the workload and measures the named costs, in this process. */
export async function measureOrtCosts(
  workload: BackendWorkload,
  options: { rounds?: number; calls?: number } = {},
): Promise<OrtCostReport> {
  const ort = await loadOrt();
  const rounds = options.rounds ?? 3;
  const calls = options.calls ?? 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-ort-profile-'));
  try {
    // 1. The profile, grouped.
    const profiled = await trainingRunner(ort, workload, { profile: path.join(dir, 'train') });
    for (let i = 0; i < 2 + rounds * calls; i++) await profiled.run('preallocated');
    await profiled.release();
    const file = fs.readdirSync(dir).find((name) => name.startsWith('train') && name.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    const events = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
      cat: string;
      name: string;
      dur: number;
      args?: { op_name?: string };
    }[];
    const runs = events.filter((event) => event.name === 'model_run').map((event) => event.dur / 1000);
    const timed = runs.slice(2).sort((a, b) => a - b);
    const byPurpose: Record<string, number> = {};
    const byOp: Record<string, number> = {};
    for (const event of events) {
      if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time')) continue;
      const purpose = /^(state|forward|backward|loss|adam|dropout)\//.exec(event.name)?.[1] ?? 'other';
      const op = event.args?.op_name ?? 'unknown';
      byPurpose[purpose] = (byPurpose[purpose] ?? 0) + event.dur / 1000 / runs.length;
      byOp[op] = (byOp[op] ?? 0) + event.dur / 1000 / runs.length;
    }

    // 2. The alternatives, each against the backend's choice in this process.
    const comparisons: OrtCostReport['comparisons'][number][] = [];
    const fastest = await trainingRunner(ort, workload);
    const [preallocated, allocated] = await timePair(
      () => fastest.run('preallocated'),
      () => fastest.run('allocated'),
      rounds,
      calls,
    );
    comparisons.push({
      name: 'state copied back through JS (ORT-allocated outputs)',
      ms: allocated,
      baselineMs: preallocated,
      baseline: 'preallocated ping-pong buffers',
    });
    const probe = await trainingRunner(ort, workload, { strategy: { inputGradient: 'conv-transpose', filterGradient: 'transposed-conv' } });
    const [ours, probes] = await timePair(
      () => fastest.run('preallocated'),
      () => probe.run('preallocated'),
      rounds,
      calls,
    );
    comparisons.push({
      name: "probe's gradients (ConvTranspose dx, Conv over transposed input dw)",
      ms: probes,
      baselineMs: ours,
      baseline: 'flipped Conv dx, per-offset GEMM dw',
    });
    await fastest.release();
    await probe.release();
    const packed = await inferenceSession(ort, workload, 'initializers');
    const unpacked = await inferenceSession(ort, workload, 'input');
    const [packedMs, unpackedMs] = await timePair(packed.run, unpacked.run, rounds, calls * 2);
    comparisons.push({
      name: 'inference, weights as inputs (no prepacking, no NCHWc)',
      ms: unpackedMs,
      baselineMs: packedMs,
      baseline: 'weights as initializers',
    });
    await packed.session.release();
    await unpacked.session.release();

    // 3. JS work per step.
    const masks = new DropoutMasks(2);
    const sites = dropoutSites(workload.spec, workload.batch);
    const buffers = sites.map((site) => new Uint8Array(site.shape.reduce((a, b) => a * b, 1)));
    const dropoutDrawMs = await timeIt(
      async () => sites.forEach((site, index) => masks.dropBits(buffers[index].length, site.rate, buffers[index])),
      rounds,
      calls,
    );

    const { spec, batch, threads } = workload;
    return {
      workload: `${spec.inputSize} px, filters ${spec.baseFilters}–${spec.baseFilters * 2 ** (spec.depth - 1)}, batch ${batch}, ${threads} thread${threads > 1 ? 's' : ''}`,
      nodes: profiled.nodes,
      byPurpose,
      byOp,
      profiledStepMs: timed[Math.floor(timed.length / 2)],
      comparisons,
      dropoutDrawMs,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The report as text. */
export function formatOrtCosts(report: OrtCostReport): string {
  const lines = [
    `ONNX Runtime training step, ${report.workload}: ${report.nodes} nodes, ${report.profiledStepMs.toFixed(1)} ms per step (median, profiled)`,
  ];
  const total = Object.values(report.byPurpose).reduce((a, b) => a + b, 0);
  lines.push('  by purpose (kernel time):');
  for (const [purpose, ms] of Object.entries(report.byPurpose).sort((a, b) => b[1] - a[1])) {
    lines.push(`    ${purpose.padEnd(10)} ${ms.toFixed(2).padStart(7)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %`);
  }
  lines.push('  by op (kernel time, top 10):');
  for (const [op, ms] of Object.entries(report.byOp)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)) {
    lines.push(`    ${op.padEnd(16)} ${ms.toFixed(2).padStart(7)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %`);
  }
  lines.push('  costs (best of rounds, same process):');
  for (const comparison of report.comparisons) {
    lines.push(
      `    ${comparison.name}: ${comparison.ms.toFixed(1)} ms vs ${comparison.baseline} ${comparison.baselineMs.toFixed(1)} ms = ${(comparison.ms / comparison.baselineMs).toFixed(2)}×`,
    );
  }
  lines.push(
    `    flat-vector slicing (state/ nodes: a Slice per weight, the gradients' Concat): ${(report.byPurpose.state ?? 0).toFixed(2)} ms = ${((100 * (report.byPurpose.state ?? 0)) / total).toFixed(1)} % of the step`,
  );
  lines.push(`    dropout draws in JS: ${report.dropoutDrawMs.toFixed(2)} ms per step`);
  return `${lines.join('\n')}\n`;
}
