// `bandster tune` with a backend that does not load here stops before any work with the reason and
// the install command (exit 2, no stack trace), instead of failing every job in its workers.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { createBackend } from '../../backends/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runBandster } from '../helpers/cli.js';

test('tune --backend onnxruntime-cuda without the CUDA provider: error with the install command, exit 2, nothing written', async (t) => {
  if ((await createBackend('onnxruntime-cuda').availability()).available) {
    t.skip('the CUDA provider works here: the missing case cannot be observed');
    return;
  }
  const dir = tempDir(t, 'bandster-tune-backend-');
  const logDir = path.join(dir, 'run');
  const tune = runBandster(['tune', '--backend', 'onnxruntime-cuda', '--data', path.join(dir, 'data'), '--log-dir', logDir]);
  assert.equal(tune.status, 2, tune.stderr);
  assert.match(
    tune.stderr,
    /backend onnxruntime-cuda is unavailable: .*\(install: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\)/,
  );
  assert.doesNotMatch(tune.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(fs.existsSync(logDir), false);
  assert.equal(fs.existsSync(path.join(dir, 'data')), false, 'no dataset generated either');
});
