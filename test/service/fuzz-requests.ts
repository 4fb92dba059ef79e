import { Rng } from '../../src/core/rng.js';

/** One request of the fuzz: method, URL path, raw body text (or none) and content type. */
export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly contentType?: string;
  /** True when the request is malformed on purpose (it must get a 4xx). */
  readonly malformed: boolean;
}

const PATH_LIKE_NAMES = [
  '..',
  '%2e%2e',
  '..%2F..%2Fetc%2Fpasswd',
  '%2Fetc%2Fpasswd',
  'a%2Fb',
  '.hidden',
  '-dash',
  'x'.repeat(65),
  '%00',
  'name%20with%20space',
  '%C3%A9t%C3%A9',
  'CON',
  '..%5C..%5Cwindows',
  '%252e%252e',
  '',
];

const HUGE_NUMBERS = ['1e400', '-1e400', '1e308', '9007199254740993', '-0', '0.0000000000000000000001', '123456789012345678901234567890'];

const JUNK_JSON = [
  '{',
  '{"a":',
  '[1,2',
  'nul',
  'NaN',
  '{"loss": NaN}',
  "{'a': 1}",
  '\u0000',
  '{"a":1}}',
  '"\\ud800"',
  '{"__proto__": {"x": 1}}',
];

/**
 * Deterministic fuzzed requests against a study server with studies `studies`: bad JSON, wrong
 * types, huge numbers, unknown fields, path-like names, wrong methods and content types, and a
 * share of well-formed requests (asks, and tells and heartbeats that may or may not match a job) mixed in.
 */
export function fuzzRequests(seed: number, count: number, studies: readonly string[]): FuzzRequest[] {
  const rng = new Rng(seed);
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)];
  const json = (value: unknown): string => JSON.stringify(value);
  const randomValue = (depth = 0): unknown => {
    switch (rng.int(depth > 2 ? 6 : 8)) {
      case 0:
        return rng.uniform(-1e6, 1e6);
      case 1:
        return pick(['', 'x', 'NaN', 'Infinity', '../..', '💥', 'a'.repeat(rng.int(300))]);
      case 2:
        return null;
      case 3:
        return rng.random() < 0.5;
      case 4:
        return rng.int(2 ** 31);
      case 5:
        return -rng.int(100);
      case 6:
        return Array.from({ length: rng.int(5) }, () => randomValue(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: rng.int(4) }, (_, i) => [`k${i}`, randomValue(depth + 1)]));
    }
  };
  const requests: FuzzRequest[] = [];
  for (let i = 0; i < count; i++) {
    const study = pick(studies);
    switch (rng.int(12)) {
      case 0: // a path-like or illegal study name on any route
        requests.push({
          method: pick(['GET', 'POST']),
          url: `/api/studies/${pick(PATH_LIKE_NAMES)}${pick(['', '/ask', '/tell', '/heartbeat', '/runs', '/incumbent', '/events'])}`,
          body: '{}',
          contentType: 'application/json',
          malformed: true,
        });
        break;
      case 1: // bad JSON
        requests.push({
          method: 'POST',
          url: `/api/studies/${study}/${pick(['ask', 'tell', 'heartbeat'])}`,
          body: pick(JUNK_JSON),
          contentType: 'application/json',
          malformed: true,
        });
        break;
      case 2: // a tell with wrong types
        requests.push({
          method: 'POST',
          url: `/api/studies/${study}/tell`,
          body: json({ configId: randomValue(), budget: randomValue(), loss: pick([randomValue(), 'low', [1], {}]) }),
          contentType: 'application/json',
          malformed: true,
        });
        break;
      case 3: // huge numbers, written as JSON text
        requests.push({
          method: 'POST',
          url: `/api/studies/${study}/${pick(['tell', 'heartbeat'])}`,
          body: `{"configId": [0, 0, ${pick(HUGE_NUMBERS)}], "budget": ${pick(HUGE_NUMBERS)}, "loss": ${pick(HUGE_NUMBERS)}}`,
          contentType: 'application/json',
          malformed: true,
        });
        break;
      case 4: // unknown fields
        requests.push({
          method: 'POST',
          url: `/api/studies/${study}/${pick(['ask', 'tell', 'heartbeat'])}`,
          body: json({ configId: [0, 0, 0], budget: 1, loss: 1, [`field${rng.int(100)}`]: randomValue() }),
          contentType: 'application/json',
          malformed: true,
        });
        break;
      case 5: // study creation with random settings and names
        requests.push({
          method: 'POST',
          url: '/api/studies',
          body: json({
            name: pick([...PATH_LIKE_NAMES.map(decodeURIComponent.bind(null) as (s: string) => string), 'fuzz', study]),
            preset: pick(['branin', 'nope', randomValue()]),
            nIterations: randomValue(),
            [pick(['minBudget', 'eta', 'seed', 'model', 'space'])]: randomValue(),
          }),
          contentType: 'application/json',
          malformed: true,
        });
        break;
      case 6: // a wrong method or an unknown route
        requests.push({
          method: pick(['PUT', 'DELETE', 'PATCH', 'GET']),
          url: pick([
            `/api/studies/${study}/tell`,
            `/api/${study}`,
            '/api/studies/x/y/z',
            `/studies/${study}/../../etc/passwd`,
            '/assets/../package.json',
          ]),
          malformed: true,
        });
        break;
      case 7: // a body that is not JSON, or of another content type
        requests.push({
          method: 'POST',
          url: `/api/studies/${study}/tell`,
          body: pick(['loss=1', '<xml/>', '\u00ff\u00fe']),
          contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']),
          malformed: true,
        });
        break;
      case 8: // a deeply nested or long body
        requests.push({
          method: 'POST',
          url: `/api/studies/${study}/tell`,
          body: `${'['.repeat(2000)}${']'.repeat(2000)}`,
          contentType: 'application/json',
          malformed: true,
        });
        break;
      case 9: // well formed: ask without waiting
        requests.push({
          method: 'POST',
          url: `/api/studies/${study}/ask`,
          body: json({ waitMs: 0 }),
          contentType: 'application/json',
          malformed: false,
        });
        break;
      case 10: // well formed: a tell or a heartbeat that matches a job or not (404/409 when not)
        if (rng.random() < 0.5) {
          requests.push({
            method: 'POST',
            url: `/api/studies/${study}/tell`,
            body: json({ configId: [0, rng.int(2), rng.int(12)], budget: pick([1, 3, 9]), loss: rng.uniform(0, 10) }),
            contentType: 'application/json',
            malformed: false,
          });
        } else {
          requests.push({
            method: 'POST',
            url: `/api/studies/${study}/heartbeat`,
            body: json({
              configId: [0, rng.int(2), rng.int(12)],
              budget: pick([1, 3, 9]),
              attempt: rng.int(2),
              leaseMs: pick([1, 1000, 60_000]),
            }),
            contentType: 'application/json',
            malformed: false,
          });
        }
        break;
      default: // well formed reads, with query junk
        requests.push({
          method: 'GET',
          url: `/api/studies/${study}${pick(['', '/runs', '/incumbent', '/runs?since=abc', '/runs?since=99999999999', '/runs?x=1'])}`,
          malformed: false,
        });
    }
  }
  return requests;
}
