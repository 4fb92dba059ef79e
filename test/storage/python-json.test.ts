import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';

import { PyFloat, parsePythonJson, pythonFloat, PythonJsonSyntaxError, pythonString, toPythonJson } from '../../src/storage/python-json.js';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';

const FIXTURE = HPBANDSTER_RUN;

function fixtureLines(file: string): string[] {
  return fs
    .readFileSync(`${FIXTURE}/${file}`, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

test('pythonFloat writes what Python 3 json.dumps writes for floats', () => {
  // Expected strings produced by CPython 3: json.dumps(float(x)).
  const cases: Array<[number, string]> = [
    [9, '9.0'],
    [-5, '-5.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.1, '0.1'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [1.5e15, '1500000000000000.0'],
    [9999999999999998, '9999999999999998.0'],
    // biome-ignore lint/correctness/noPrecisionLoss: the literal is deliberately not representable (Python prints the double it rounds to)
    [123456789012345678, '1.2345678901234568e+17'],
    [1e22, '1e+22'],
    [1e300, '1e+300'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [2.5e-5, '2.5e-05'],
    [1.5e-7, '1.5e-07'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [1795872756.4148872, '1795872756.4148872'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ];
  for (const [value, expected] of cases) assert.equal(pythonFloat(value), expected, `pythonFloat(${value})`);
});

test('toPythonJson uses Python separators, ensure_ascii escapes and non-finite tokens', () => {
  // json.dumps({'a': 'é😀\x7f\x01"\\/', 'n': float('nan'), 'i': [float('inf'), -float('inf')]})
  assert.equal(
    toPythonJson({ a: 'é😀\x7f\x01"\\/', n: NaN, i: [Infinity, -Infinity] }),
    '{"a": "\\u00e9\\ud83d\\ude00\\u007f\\u0001\\"\\\\/", "n": NaN, "i": [Infinity, -Infinity]}',
  );
  // json.dumps(["a,b", "x\u2028", "\t", 1e300, 123456789.125, 2**53 * 1.0])
  assert.equal(
    toPythonJson(['a,b', 'x\u2028', '\t', 1e300, 123456789.125, 2 ** 53]),
    '["a,b", "x\\u2028", "\\t", 1e+300, 123456789.125, 9007199254740992.0]',
  );
  assert.equal(
    toPythonJson({ int: 3, neg: -7, flag: true, none: null, empty: {}, list: [] }),
    '{"int": 3, "neg": -7, "flag": true, "none": null, "empty": {}, "list": []}',
  );
  assert.equal(toPythonJson({ skipped: undefined, kept: 1 }), '{"kept": 1}');
  assert.equal(toPythonJson(new Float64Array([0.5, 2])), '[0.5, 2]');
  assert.equal(pythonString('\b\f\n\r'), '"\\b\\f\\n\\r"');
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.throws(() => toPythonJson(circular), TypeError);
});

test('toPythonJson with an indent writes json.dumps(value, indent=n), with PyFloat marking floats and the same integer rule', () => {
  // json.dumps({"a": [1, 2.0, 1e-05], "b": {}, "c": [], "d": {"e": None, "f": 2**53 * 1.0}}, indent=2)
  const expected = [
    '{',
    '  "a": [',
    '    1,',
    '    2.0,',
    '    1e-05',
    '  ],',
    '  "b": {},',
    '  "c": [],',
    '  "d": {',
    '    "e": null,',
    '    "f": 9007199254740992.0',
    '  }',
    '}',
  ].join('\n');
  const value = { a: [1, new PyFloat(2), 1e-5], b: {}, c: [], d: { e: null, f: 2 ** 53, skipped: undefined } };
  assert.equal(toPythonJson(value, { indent: 2 }), expected);
  // The same value on one line: one writer, one rule for integers.
  assert.equal(toPythonJson(value), '{"a": [1, 2.0, 1e-05], "b": {}, "c": [], "d": {"e": null, "f": 9007199254740992.0}}');
});

test('parsePythonJson reads Python tokens outside strings only', () => {
  const value = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity", "d": -1.5e-07}') as Record<string, unknown>;
  assert.ok(Number.isNaN(value.a));
  assert.deepEqual(value.b, [Infinity, -Infinity]);
  assert.equal(value.c, 'NaN Infinity');
  assert.equal(value.d, -1.5e-7);
  // a key "__proto__" stays an ordinary member, as with JSON.parse
  const proto = parsePythonJson('{"__proto__": {"x": NaN}}') as Record<string, unknown>;
  assert.ok(Object.hasOwn(proto, '__proto__'));
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
});

test('the fallback parser agrees with JSON.parse on every fixture line', () => {
  for (const line of [...fixtureLines('configs.json'), ...fixtureLines('results.json')]) {
    // The NaN forces the hand-written parser.
    const [parsed, nan] = parsePythonJson(`[${line}, NaN]`) as [unknown, number];
    assert.deepEqual(parsed, JSON.parse(line));
    assert.ok(Number.isNaN(nan));
  }
  assert.equal(parsePythonJson('"\\u00e9\\ud83d\\ude00\\n"'), 'é😀\n');
});

test('every strict prefix of a line is reported as truncated; corruption is not', () => {
  const lines = [
    fixtureLines('results.json')[0],
    fixtureLines('configs.json')[0],
    '[[0, 0, 0], 9.0, {"x": -Infinity, "s": "a\\u00e9"}, null, "err"]',
  ];
  for (const line of lines) {
    for (let cut = 0; cut < line.length; cut++) {
      assert.throws(
        () => parsePythonJson(line.slice(0, cut)),
        (error: unknown) => error instanceof PythonJsonSyntaxError && error.truncated,
        `prefix of length ${cut} of ${line}`,
      );
    }
  }
  for (const corrupt of [
    '[[0, 0, 0], 9.0, {"a": 1}} ]',
    '[[0, 0, 0], 9.x0]',
    '[[0, 0, 0]] junk',
    '[1, 2] [3',
    '{"a" 1}',
    '[tru]',
    '["\\q"]',
  ]) {
    assert.throws(
      () => parsePythonJson(corrupt),
      (error: unknown) => error instanceof PythonJsonSyntaxError && !error.truncated,
      corrupt,
    );
  }
});
