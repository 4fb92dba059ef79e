// `bandster tune` with a backend that does not load here stops before any work with the reason and
// the install command (exit 2, no stack trace), instead of failing every job in its workers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createBackend } from '../../backends/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('tune --backend onnxruntime-cuda without the CUDA provider: error with the install command, exit 2, nothing written', async (t) => {
  if ((await createBackend('onnxruntime-cuda').availability()).available) {
    t.skip('the CUDA provider works here: the missing case cannot be observed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-tune-backend-'));
  try {
    const logDir = path.join(dir, 'run');
    const tune = spawnSync(
      process.execPath,
      [
        path.join(root, 'bin', 'bandster.js'),
        'tune',
        '--backend',
        'onnxruntime-cuda',
        '--data',
        path.join(dir, 'data'),
        '--log-dir',
        logDir,
      ],
      { encoding: 'utf8', cwd: root },
    );
    assert.equal(tune.status, 2, tune.stderr);
    assert.match(
      tune.stderr,
      /backend onnxruntime-cuda is unavailable: .*\(install: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\)/,
    );
    assert.doesNotMatch(tune.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(fs.existsSync(logDir), false);
    assert.equal(fs.existsSync(path.join(dir, 'data')), false, 'no dataset generated either');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
