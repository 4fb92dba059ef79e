import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { followAbort, linkAbort } from '../../src/core/abort-fan-out.js';

test('many followers of one signal share one listener, and the last done() removes it', () => {
  const parent = new AbortController();
  const links = Array.from({ length: 20 }, () => linkAbort(parent.signal, new AbortController()));
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
  for (const link of links.slice(1)) link.done();
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1, 'one follower left');
  links[0].done();
  links[0].done();
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  // Following again after everyone left adds the listener back.
  const child = new AbortController();
  linkAbort(parent.signal, child);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
  parent.abort(new Error('stop'));
  assert.equal((child.signal.reason as Error).message, 'stop');
});

test('an abort reaches every follower still linked, with the parent reason, and no other', () => {
  const parent = new AbortController();
  const children = [new AbortController(), new AbortController(), new AbortController()];
  const links = children.map((child) => linkAbort(parent.signal, child));
  links[1].done();
  const reason = new Error('the search was stopped');
  parent.abort(reason);
  assert.equal(children[0].signal.reason, reason);
  assert.equal(children[1].signal.aborted, false);
  assert.equal(children[2].signal.reason, reason);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  for (const link of links) link.done();
});

test('a follower ended while the abort is being delivered is skipped; each callback runs once', () => {
  const parent = new AbortController();
  const calls: string[] = [];
  const second = { done: () => {} };
  followAbort(parent.signal, () => {
    calls.push('first');
    second.done();
  });
  second.done = followAbort(parent.signal, () => calls.push('second')).done;
  followAbort(parent.signal, () => calls.push('third'));
  parent.abort();
  parent.abort();
  assert.deepEqual(calls, ['first', 'third']);
});

test('an already-aborted signal calls back at once; an undefined signal never does', () => {
  const parent = new AbortController();
  parent.abort('early');
  const reasons: unknown[] = [];
  const link = followAbort(parent.signal, (reason) => reasons.push(reason));
  assert.deepEqual(reasons, ['early']);
  link.done();
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  const child = new AbortController();
  linkAbort(undefined, child).done();
  assert.equal(child.signal.aborted, false);
});

test('two links with the same callback are two followers', () => {
  const parent = new AbortController();
  let calls = 0;
  const callback = (): void => {
    calls++;
  };
  const first = followAbort(parent.signal, callback);
  followAbort(parent.signal, callback);
  first.done();
  parent.abort();
  assert.equal(calls, 1);
});
