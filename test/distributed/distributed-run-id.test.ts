import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DISTRIBUTED_RUN_FILE, distributedRunId } from '../../src/distributed/index.js';
import { tempDir } from '../helpers/temp-dir.js';

test('distributedRunId: a new id per new search, the recorded one on resume, a new one on overwrite', (t) => {
  const dir = tempDir(t, 'bandster-runid-');
  const logDir = path.join(dir, 'run');
  const first = distributedRunId(logDir);
  assert.match(first, /^[A-Za-z0-9_-]+$/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(logDir, DISTRIBUTED_RUN_FILE), 'utf8')).runId, first);
  assert.equal(distributedRunId(logDir, { resume: true }), first, 'a restarted master finds its jobs');

  // A directory holding a run, without --resume or --overwrite: the search will refuse it; the file is left alone.
  fs.writeFileSync(path.join(logDir, 'run.json'), '{}');
  assert.notEqual(distributedRunId(logDir), first);
  assert.equal(distributedRunId(logDir, { resume: true }), first);

  const replaced = distributedRunId(logDir, { overwrite: true });
  assert.notEqual(replaced, first, "an overwritten run never takes the old run's outcomes");
  assert.equal(distributedRunId(logDir, { resume: true }), replaced);

  fs.writeFileSync(path.join(logDir, DISTRIBUTED_RUN_FILE), '{"runId": "has space"}');
  assert.throws(() => distributedRunId(logDir, { resume: true }), {
    code: 'ERR_RUN_LOG_CORRUPT',
    message: /distributed\.json: .*runId must be/,
  });
});
