import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError } from '../../src/core/errors.js';
import {
  checkBoolean,
  checkDelayMs,
  checkInteger,
  checkNumber,
  checkObject,
  checkOneOf,
  checkTimeoutMs,
  describeValue,
  MAX_TIMER_DELAY_MS,
} from '../../src/core/option-checks.js';

/** `check()` throws an InvalidOptionError whose message is exactly `message`. */
function refuses(check: () => unknown, message: string): void {
  assert.throws(check, (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError);
    assert.equal(error.code, 'ERR_INVALID_OPTION');
    assert.equal(error.message, message);
    return true;
  });
}

test('checks return what they accept and name the field, the requirement and the value otherwise', () => {
  assert.equal(checkInteger(3, 'options.threads', { min: 1 }), 3);
  refuses(() => checkInteger(0, 'options.threads', { min: 1 }), 'options.threads must be an integer >= 1 (got 0)');
  refuses(() => checkInteger(1.5, 'options.threads', { min: 1 }), 'options.threads must be an integer >= 1 (got 1.5)');
  refuses(() => checkInteger('2', 'options.threads', { min: 1 }), 'options.threads must be an integer >= 1 (got "2")');
  refuses(() => checkInteger(101, 'options.quality', { min: 1, max: 100 }), 'options.quality must be an integer in [1, 100] (got 101)');
  assert.equal(checkInteger(-1, 'n'), -1);
  refuses(
    () => checkNumber(0, 'options.scale', { min: 0, max: 4, minExclusive: true }),
    'options.scale must be a number in (0, 4] (got 0)',
  );
  refuses(
    () => checkNumber(1, 'options.validationFraction', { min: 0, max: 1, maxExclusive: true }),
    'options.validationFraction must be a number in [0, 1) (got 1)',
  );
  refuses(() => checkNumber(Number.NaN, 'options.x'), 'options.x must be a number (got NaN)');
  refuses(() => checkNumber(Infinity, 'options.seed', { finite: true }), 'options.seed must be a finite number (got Infinity)');
  assert.equal(checkNumber(Infinity, 'options.bandwidthFactor', { min: 0, max: Infinity }), Infinity);
  refuses(() => checkNumber(0, 'options.eta', { min: 1, minExclusive: true }), 'options.eta must be a number > 1 (got 0)');
  refuses(() => checkBoolean(1, 'options.shared'), 'options.shared must be a boolean (got 1)');
  refuses(() => checkObject(null, 'options'), 'options must be an object (got null)');
  assert.equal(checkOneOf('append', 'options.mode', ['new', 'overwrite', 'append']), 'append');
  refuses(
    () => checkOneOf('old', 'options.mode', ['new', 'overwrite', 'append']),
    "options.mode must be 'new', 'overwrite' or 'append' (got \"old\")",
  );
});

test('timeouts: 0 means none, and nothing Node would turn into a 1 ms timer is accepted', () => {
  assert.equal(checkTimeoutMs(0, 'options.timeoutMs'), 0);
  assert.equal(checkTimeoutMs(2.5, 'options.timeoutMs'), 2.5);
  assert.equal(checkTimeoutMs(MAX_TIMER_DELAY_MS, 'options.timeoutMs'), 2 ** 31 - 1);
  for (const value of [MAX_TIMER_DELAY_MS + 1, Infinity, -1, Number.NaN, '10']) {
    assert.throws(() => checkTimeoutMs(value, 'options.timeoutMs'), { code: 'ERR_INVALID_OPTION', message: /options\.timeoutMs must be/ });
  }
  assert.throws(() => checkDelayMs(2 ** 31, 'options.lockDurationMs', { min: 1, integer: true }), {
    message: 'options.lockDurationMs must be an integer in [1, 2147483647] (got 2147483648)',
  });
  assert.equal(checkDelayMs(0.5, 'options.abortGraceMs'), 0.5);
});

test('values are described readably: strings quoted, class instances by class, long ones shortened', () => {
  assert.equal(describeValue('x'), '"x"');
  assert.equal(describeValue(undefined), 'undefined');
  assert.equal(describeValue([1, 2]), '[1,2]');
  assert.equal(describeValue({ a: 1 }), '{"a":1}');
  assert.equal(describeValue(new Uint8Array(4)), 'Uint8Array');
  assert.equal(
    describeValue(() => 1),
    'a function',
  );
  assert.equal(describeValue(10n), '10n');
  const long = describeValue('y'.repeat(500));
  assert.ok(long.length < 90 && long.endsWith('..."'), long);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.equal(describeValue(circular), 'an object');
});
