import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { BandsterError } from '../../src/core/errors.js';
import { NativeAddonError } from '../../src/metrics/index.js';
import { nativeMetrics } from '../../src/metrics/native.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const prebuildDir = `${root}prebuilds/${process.platform}-${process.arch}`;
const hasPrebuild = existsSync(prebuildDir) && readdirSync(prebuildDir).some((file) => file.endsWith('.node'));

/** Loads the addon in a fresh node through node-gyp-build (as src/metrics/native.ts does) and runs `code` on it as `addon`. */
function inFreshNode(code: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const script = `const addon = require('node-gyp-build')(${JSON.stringify(root)}); ${code}`;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: child.status, stdout: child.stdout.trim(), stderr: child.stderr };
}

test('the addon loads (build from source or prebuilt binary) and exports every kernel', () => {
  const addon = nativeMetrics();
  for (const name of ['classHistogram', 'confusionMatrixFromProbabilitiesAsync', 'precisionRecallCurve', 'selectMostAccurateHardImages']) {
    assert.equal(typeof (addon as unknown as Record<string, unknown>)[name], 'function', name);
  }
});

test('a missing addon is a NativeAddonError that says how to build it', () => {
  const error = new NativeAddonError('/x/bandster', new Error('No native build was found for platform=linux arch=x64'));
  assert.ok(error instanceof BandsterError);
  assert.equal(error.code, 'ERR_NATIVE_ADDON');
  assert.match(error.message, /npm rebuild bandster --build-from-source/);
  assert.match(error.message, /No native build was found/);
});

test('the prebuilt binary of this platform loads on its own and computes what the TypeScript twin does', {
  skip: hasPrebuild ? false : `no prebuilt binary in ${prebuildDir} (npm run build:prebuild makes it)`,
}, () => {
  // PREBUILDS_ONLY makes node-gyp-build skip build/, as for a package installed without its install script.
  const code = `
    const labels = Uint8Array.from([0, 1, 1, 2, 2, 2]);
    const scores = Float32Array.from([0.9, 0.1, 0, 0.2, 0.7, 0.1, 0, 0.4, 0.6, 0, 0.5, 0.5, 0.1, 0.1, 0.8, 1, 0, 0]);
    const shape = { images: 2, height: 1, width: 3, classes: 3 };
    console.log(JSON.stringify({ file: require('node-gyp-build').path(${JSON.stringify(root)}),
      histogram: Array.from(addon.classHistogram(labels, shape).total),
      confusion: Array.from(addon.confusionMatrixFromProbabilities(labels, scores, shape).total) }));`;
  const child = inFreshNode(code, { PREBUILDS_ONLY: '1' });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { file: string; histogram: number[]; confusion: number[] };
  assert.ok(result.file.startsWith(prebuildDir), result.file);
  assert.deepEqual(result.histogram, [1, 2, 3]);
  // argmax per pixel: 0, 1, 2, 1 (tie: first), 2, 0 -> (0,0) (1,1) (1,2) (2,1) (2,2) (2,0)
  assert.deepEqual(result.confusion, [1, 0, 0, 0, 1, 1, 1, 1, 1]);
});

test('SIMD paths: the scalar one always runs, the active one is the best supported, `use` refuses what the CPU lacks', () => {
  const { simd } = nativeMetrics();
  const paths = simd.paths();
  assert.equal(paths[0].name, 'scalar');
  assert.equal(paths[0].supported, true);
  const best = paths.filter((path) => path.supported).at(-1)!;
  const original = simd.active();
  assert.equal(original, process.env.BANDSTER_SIMD === undefined ? best.name : original);
  try {
    for (const path of paths) {
      if (path.supported) {
        simd.use(path.name);
        assert.equal(simd.active(), path.name);
      } else {
        assert.ok(path.reason !== undefined && path.reason.length > 0, path.name);
        assert.throws(() => simd.use(path.name), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', argument: 'path' });
      }
    }
    assert.throws(() => simd.use('sse9'), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', argument: 'path' });
    assert.throws(() => simd.use(3 as unknown as string), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', argument: 'path' });
  } finally {
    simd.use(original);
  }
});

test('BANDSTER_SIMD caps the path chosen at load; a value naming no path fails the load, naming the variable', () => {
  const capped = inFreshNode('console.log(addon.simd.active())', { BANDSTER_SIMD: 'scalar' });
  assert.equal(capped.status, 0, capped.stderr);
  assert.equal(capped.stdout, 'scalar');
  const unknown = inFreshNode('console.log(addon.simd.active())', { BANDSTER_SIMD: 'avx9000' });
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /BANDSTER_SIMD=avx9000 names no SIMD path/);
});
