import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbortedError, BandsterError, InvalidOptionError } from '../../src/core/errors.js';
import { DistributedError, RedisConnectionError } from '../../src/distributed/distributed-error.js';
import { ExecutorError } from '../../src/executors/executor-error.js';
import { ReportError } from '../../src/report/report-error.js';
import { DatasetError } from '../../src/segmentation/dataset-error.js';
import { TrainingError } from '../../src/segmentation/training-error.js';
import { ConfigurationError, SpaceError, SpaceFormatError } from '../../src/space/space-error.js';
import { RunLogError } from '../../src/storage/run-log-error.js';

test('every area error is a BandsterError with its class name and a stable code, and keeps its cause', () => {
  const cause = new Error('underneath');
  const errors: [BandsterError, string, string][] = [
    [new InvalidOptionError('options.x must be…'), 'InvalidOptionError', 'ERR_INVALID_OPTION'],
    [new AbortedError(), 'AbortedError', 'ERR_ABORTED'],
    [new ConfigurationError('bad', 'x'), 'ConfigurationError', 'ERR_INVALID_CONFIGURATION'],
    [new SpaceFormatError('hyperparameters[0]', 'bad'), 'SpaceFormatError', 'ERR_SPACE_FORMAT'],
    [new SpaceError('ERR_SPACE_EXHAUSTED', 'bad'), 'SpaceError', 'ERR_SPACE_EXHAUSTED'],
    [new RunLogError('ERR_RUN_LOG_IO', 'results.json', undefined, 'bad', { cause }), 'RunLogError', 'ERR_RUN_LOG_IO'],
    [new ExecutorError('ERR_EXECUTOR_CLOSED', 'bad', { cause }), 'ExecutorError', 'ERR_EXECUTOR_CLOSED'],
    [new DistributedError('ERR_WORKER_STARTED', 'bad'), 'DistributedError', 'ERR_WORKER_STARTED'],
    [new RedisConnectionError('redis://h', 'bad', { cause }), 'RedisConnectionError', 'ERR_REDIS_CONNECTION'],
    [new ReportError('ERR_REPORT_RENDER', 'bad', { cause }), 'ReportError', 'ERR_REPORT_RENDER'],
    [new DatasetError('ERR_DATASET_EMPTY', '/data', 'bad', { cause }), 'DatasetError', 'ERR_DATASET_EMPTY'],
    [new TrainingError('ERR_TRAINING_CHECKPOINT', 'bad', { cause }), 'TrainingError', 'ERR_TRAINING_CHECKPOINT'],
  ];
  for (const [error, name, code] of errors) {
    assert.ok(error instanceof BandsterError, name);
    assert.equal(error.name, name);
    assert.equal(error.code, code);
    if ('cause' in error) assert.equal(error.cause, cause, name);
  }
  const logged = new RunLogError('ERR_RUN_LOG_CORRUPT', 'results.json', 4, 'not valid JSON');
  assert.equal(logged.message, 'results.json:4: not valid JSON');
  assert.ok(new SpaceFormatError('a', 'b') instanceof SpaceError);
  assert.ok(new RedisConnectionError('u', 'm') instanceof DistributedError);
});
