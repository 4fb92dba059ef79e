// Backends whose package is absent say so, with the install command, and never throw on import;
// `auto` picks the fastest one that loads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type AutoBackend, BACKEND_NAMES, createBackend, listBackends } from '../../backends/index.js';

/** Whether a package resolves here (then its backend is present and the absent case cannot be checked). */
function installed(packageName: string): boolean {
  try {
    import.meta.resolve(packageName);
    return true;
  } catch {
    return false;
  }
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
      await assert.rejects(
        createBackend(name).init(),
        new RegExp(`${name} cannot start: .*npm install ${packageName.replace('/', '\\/')}`),
      );
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

  it('wasm and cpu load from the installed packages, without network', async () => {
    for (const name of ['wasm', 'cpu'] as const) assert.deepEqual(await createBackend(name).availability(), { available: true });
  });

  it('listBackends names every flavour, fastest first', async () => {
    const list = await listBackends();
    assert.deepEqual(
      list.map((entry) => entry.name),
      ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
    );
  });

  it('auto picks the fastest flavour that loads', async () => {
    const auto = createBackend('auto') as AutoBackend;
    assert.equal(auto.name, 'auto');
    assert.deepEqual(await auto.availability(), { available: true });
    const expected = installed('@tensorflow/tfjs-node-gpu') ? 'tfjs-node-gpu' : installed('@tensorflow/tfjs-node') ? 'tfjs-node' : 'wasm';
    assert.equal(auto.selected?.name, expected);
    if (expected === 'wasm') assert.equal(auto.passedOver.length, 2);
    await auto.init();
    assert.equal(auto.capabilities().device, auto.selected?.capabilities().device);
  });

  it('createBackend rejects unknown names; a stock-kernel wasm backend cannot train', () => {
    assert.deepEqual([...BACKEND_NAMES], ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
    assert.throws(() => createBackend('tpu' as never), /backend must be one of auto, tfjs-node-gpu, tfjs-node, wasm, cpu \(got tpu\)/);
    assert.equal(createBackend('wasm', { kernels: 'stock' }).capabilities().train, false);
  });
});
