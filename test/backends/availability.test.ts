// Backends whose package (or execution provider) is absent say so, with the install command, and never
// throw on import; createBackend takes a Backend object or a registered name; `auto` measures the
// backends that load once per machine, caches what it measured and picks the fastest.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import type { Backend } from '../../backends/backend.js';
import { BackendError } from '../../backends/backend-error.js';
import { type AutoBackend, BACKEND_NAMES, backendRegistry, CONCRETE_BACKENDS, createBackend, listBackends } from '../../backends/index.js';

/** Whether a package resolves here (then its backend is present and the absent case cannot be checked). */
function installed(packageName: string): boolean {
  try {
    import.meta.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

function isCode(code: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof BackendError, `expected a BackendError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

describe('backend availability', () => {
  for (const [name, packageName] of [
    ['tfjs-node', '@tensorflow/tfjs-node'],
    ['tfjs-node-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const) {
    it(`${name} is reported unavailable with its install command when ${packageName} is absent`, async (t) => {
      if (installed(packageName)) {
        t.skip(`${packageName} is installed here: the absent case cannot be observed`);
        return;
      }
      const availability = await createBackend(name).availability();
      assert.deepEqual(availability, {
        available: false,
        reason: `${packageName} is not installed`,
        install: `npm install ${packageName}`,
      });
      await assert.rejects(createBackend(name).init(), (error: unknown) => {
        isCode('ERR_BACKEND_UNAVAILABLE')(error);
        assert.match(
          (error as Error).message,
          new RegExp(`backend ${name} is unavailable: .*npm install ${packageName.replace('/', '\\/')}`),
        );
        return true;
      });
    });

    it(`${name} is available when ${packageName} is installed`, async (t) => {
      if (!installed(packageName)) {
        t.skip(`${packageName} is not installed here (npm install ${packageName} to run this check)`);
        return;
      }
      const backend = createBackend(name);
      assert.deepEqual(await backend.availability(), { available: true });
      await backend.init();
      assert.equal(backend.capabilities().train, true);
    });
  }

  it('onnxruntime-cuda without its provider is unavailable with the install command, never a crash', async (t) => {
    const backend = createBackend('onnxruntime-cuda');
    const availability = await backend.availability();
    if (availability.available) {
      t.skip('the CUDA provider works here: the missing case cannot be observed');
      return;
    }
    assert.match(availability.reason, /CUDA|cuda/);
    assert.match(availability.install ?? '', /ONNXRUNTIME_NODE_INSTALL=cuda12/);
    await assert.rejects(backend.init(), isCode('ERR_BACKEND_UNAVAILABLE'));
    await assert.rejects(
      backend.createModel(
        { inputSize: 16, inputChannels: 3, classes: 6, baseFilters: 2, depth: 2, dropoutScale: 0 },
        { learningRate: 1e-3, loss: 'dice', seed: 1 },
      ),
      isCode('ERR_BACKEND_UNAVAILABLE'),
    );
  });

  it('wasm, cpu and onnxruntime-cpu load from the installed packages, without network', async () => {
    for (const name of ['wasm', 'cpu', 'onnxruntime-cpu'] as const)
      assert.deepEqual(await createBackend(name).availability(), { available: true });
  });

  it('listBackends names every registered backend, fastest first where known', async () => {
    const list = await listBackends();
    assert.deepEqual(
      list.map((entry) => entry.name),
      ['onnxruntime-cuda', 'tfjs-node-gpu', 'onnxruntime-cpu', 'tfjs-node', 'wasm', 'cpu'],
    );
    assert.deepEqual(backendRegistry.names, [...CONCRETE_BACKENDS]);
    assert.ok(list.every((entry) => entry.description.length > 0));
  });

  it('createBackend takes a Backend object as it is, and rejects unknown names (ERR_BACKEND_UNKNOWN)', () => {
    assert.deepEqual([...BACKEND_NAMES], ['auto', 'onnxruntime-cuda', 'tfjs-node-gpu', 'onnxruntime-cpu', 'tfjs-node', 'wasm', 'cpu']);
    const custom: Backend = createBackend('cpu');
    assert.equal(createBackend(custom), custom);
    assert.throws(() => createBackend('tpu'), isCode('ERR_BACKEND_UNKNOWN'));
    assert.throws(
      () => createBackend('tpu'),
      /backend must be one of onnxruntime-cuda, tfjs-node-gpu, onnxruntime-cpu, tfjs-node, wasm, cpu \(got tpu\)/,
    );
    assert.equal(createBackend('wasm', { kernels: 'stock' }).capabilities().train, false);
    assert.throws(() => createBackend('onnxruntime-cpu', { threads: 0 }), isCode('ERR_BACKEND_INVALID_INPUT'));
  });

  it('auto measures the backends that load once per machine, caches the result and picks the fastest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-auto-'));
    const cacheFile = path.join(dir, 'backend-speed.json');
    try {
      const auto = createBackend('auto', { cacheFile, measureSeconds: 0.2 }) as AutoBackend;
      assert.equal(auto.name, 'auto');
      assert.throws(() => auto.capabilities(), isCode('ERR_BACKEND_NOT_INITIALISED'));
      assert.deepEqual(await auto.availability(), { available: true });
      const choice = auto.choice!;
      assert.equal(choice.measuredNow, true);
      const measured = Object.entries(choice.measurement.results).filter(([, record]) => record.imagesPerSecond !== undefined);
      for (const name of ['onnxruntime-cpu', 'wasm', 'cpu']) assert.ok((choice.measurement.results[name]?.imagesPerSecond ?? 0) > 0, name);
      const fastest = measured.sort((a, b) => b[1].imagesPerSecond! - a[1].imagesPerSecond!)[0][0];
      assert.equal(choice.name, fastest);
      assert.equal(auto.selected?.name, fastest);
      assert.match(choice.reason, new RegExp(`^${fastest}: \\d+ img/s .*cached in ${cacheFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      assert.ok(fs.existsSync(cacheFile));
      await auto.init();
      assert.equal(auto.capabilities().device, auto.selected?.capabilities().device);
      await auto.dispose();

      // A second auto backend reads the cache: same choice, nothing measured.
      const again = createBackend('auto', { cacheFile }) as AutoBackend;
      await again.init();
      assert.equal(again.choice?.measuredNow, false);
      assert.equal(again.choice?.name, fastest);
      assert.match(again.choice!.reason, /read from/);
      await again.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
