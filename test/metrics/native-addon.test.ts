import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BandsterError } from '../../src/core/errors.js';
import { NativeAddonError } from '../../src/metrics/index.js';
import { nativeMetrics } from '../../src/metrics/native.js';

test('the addon loads from build/Release and exports every kernel', () => {
  const addon = nativeMetrics();
  for (const name of ['classHistogram', 'confusionMatrixFromProbabilitiesAsync', 'precisionRecallCurve', 'selectMostAccurateHardImages']) {
    assert.equal(typeof (addon as unknown as Record<string, unknown>)[name], 'function', name);
  }
});

test('a missing addon is a NativeAddonError that says how to build it', () => {
  const error = new NativeAddonError('/x/build/Release/bandster_metrics.node', new Error('Cannot find module'));
  assert.ok(error instanceof BandsterError);
  assert.equal(error.code, 'ERR_NATIVE_ADDON');
  assert.match(error.message, /npm rebuild bandster/);
  assert.match(error.message, /Cannot find module/);
});
