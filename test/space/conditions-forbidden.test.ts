import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AndConjunction,
  CategoricalHyperparameter,
  ConfigurationSpace,
  Constant,
  EqualsCondition,
  ForbiddenAndConjunction,
  ForbiddenEqualsClause,
  ForbiddenInClause,
  GreaterThanCondition,
  InCondition,
  LessThanCondition,
  NotEqualsCondition,
  OrConjunction,
  OrdinalHyperparameter,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
} from '../../src/space/index.js';

function baseSpace(): ConfigurationSpace {
  return new ConfigurationSpace().add(
    new CategoricalHyperparameter('kind', ['a', 'b', 'c']),
    new UniformIntegerHyperparameter('depth', 1, 10),
    new OrdinalHyperparameter('size', ['s', 'm', 'l']),
    new UniformFloatHyperparameter('x', 0, 1),
    new UniformFloatHyperparameter('y', 0, 1),
  );
}

describe('conditions', () => {
  it('activates children per condition type', () => {
    const check = (
      condition:
        | EqualsCondition
        | NotEqualsCondition
        | InCondition
        | GreaterThanCondition
        | LessThanCondition
        | AndConjunction
        | OrConjunction,
      config: Record<string, string | number>,
      active: boolean,
    ) => {
      const s = baseSpace().addCondition(condition);
      assert.equal(s.isActive('x', config), active, `${condition.toString()} with ${JSON.stringify(config)}`);
    };
    const parents = { kind: 'b', depth: 5, size: 'm' };
    check(new EqualsCondition('x', 'kind', 'b'), parents, true);
    check(new EqualsCondition('x', 'kind', 'a'), parents, false);
    check(new NotEqualsCondition('x', 'kind', 'a'), parents, true);
    check(new NotEqualsCondition('x', 'kind', 'b'), parents, false);
    check(new InCondition('x', 'kind', ['a', 'b']), parents, true);
    check(new InCondition('x', 'kind', ['a', 'c']), parents, false);
    check(new GreaterThanCondition('x', 'depth', 4), parents, true);
    check(new GreaterThanCondition('x', 'depth', 5), parents, false);
    check(new LessThanCondition('x', 'depth', 6), parents, true);
    check(new LessThanCondition('x', 'depth', 5), parents, false);
    // Ordinals compare by position: m > s, m < l.
    check(new GreaterThanCondition('x', 'size', 's'), parents, true);
    check(new LessThanCondition('x', 'size', 'm'), parents, false);
    check(new AndConjunction(new EqualsCondition('x', 'kind', 'b'), new GreaterThanCondition('x', 'depth', 7)), parents, false);
    check(new AndConjunction(new EqualsCondition('x', 'kind', 'b'), new GreaterThanCondition('x', 'depth', 3)), parents, true);
    check(new OrConjunction(new EqualsCondition('x', 'kind', 'a'), new GreaterThanCondition('x', 'depth', 7)), parents, false);
    check(new OrConjunction(new EqualsCondition('x', 'kind', 'a'), new GreaterThanCondition('x', 'depth', 3)), parents, true);
  });

  it('holds only when the parent is active (NEQ included)', () => {
    const s = baseSpace()
      .addCondition(new EqualsCondition('depth', 'kind', 'a'))
      .addCondition(new NotEqualsCondition('x', 'depth', 3));
    assert.equal(s.isActive('x', { kind: 'a', depth: 5 }), true);
    assert.equal(s.isActive('x', { kind: 'b', depth: 5 }), false, 'depth inactive, so x is too');
    assert.equal(s.isActive('x', { kind: 'b' }), false);
    assert.deepEqual(s.names, ['kind', 'size', 'y', 'depth', 'x']);
  });

  it('accepts hyperparameter objects as well as names', () => {
    const kind = new CategoricalHyperparameter('kind', ['a', 'b']);
    const x = new UniformFloatHyperparameter('x', 0, 1);
    const s = new ConfigurationSpace().add(kind, x).addCondition(new EqualsCondition(x, kind, 'a'));
    assert.equal(s.conditionOf('x')?.toString(), 'x | kind == "a"');
  });

  it('validates conditions when they are added', () => {
    const invalid = (build: () => unknown, pattern: RegExp) => assert.throws(build, { code: 'ERR_INVALID_OPTION', message: pattern });
    invalid(() => baseSpace().addCondition(new EqualsCondition('x', 'nope', 'a')), /unknown parent hyperparameter "nope"/);
    invalid(() => baseSpace().addCondition(new EqualsCondition('nope', 'kind', 'a')), /unknown child hyperparameter "nope"/);
    invalid(() => baseSpace().addCondition(new EqualsCondition('x', 'kind', 'z')), /value "z" is illegal for hyperparameter "kind"/);
    invalid(
      () => baseSpace().addCondition(new InCondition('x', 'depth', [1, 11])),
      /value 11 is illegal for hyperparameter "depth" \(must be within \[1, 10\]\)/,
    );
    invalid(() => baseSpace().addCondition(new GreaterThanCondition('x', 'kind', 'a')), /parent "kind" is categorical and has no order/);
    invalid(
      () =>
        baseSpace()
          .addCondition(new EqualsCondition('x', 'kind', 'a'))
          .addCondition(new EqualsCondition('x', 'kind', 'b')),
      /"x" already has condition "x \| kind == "a""; combine them/,
    );
    invalid(
      () =>
        baseSpace()
          .addCondition(new EqualsCondition('x', 'kind', 'a'))
          .addCondition(new GreaterThanCondition('kind', 'x', 0.5)),
      /cycle/,
    );
    invalid(() => new EqualsCondition('x', 'x', 1), /cannot be its own parent/);
    invalid(
      () => new AndConjunction(new EqualsCondition('x', 'kind', 'a'), new EqualsCondition('y', 'kind', 'a')),
      /same child.*"x" and "y"/,
    );
    invalid(() => new OrConjunction(new EqualsCondition('x', 'kind', 'a')), /at least two/);
  });

  it('orders children after their parents, level by level, by name within a level', () => {
    const s = new ConfigurationSpace()
      .add(new CategoricalHyperparameter('z_root', ['on', 'off']), new UniformFloatHyperparameter('a_leaf', 0, 1))
      .add(new UniformFloatHyperparameter('b_mid', 0, 1), new UniformFloatHyperparameter('m_free', 0, 1))
      .addCondition(new LessThanCondition('a_leaf', 'b_mid', 0.5))
      .addCondition(new EqualsCondition('b_mid', 'z_root', 'on'));
    assert.deepEqual(s.names, ['m_free', 'z_root', 'b_mid', 'a_leaf']);
  });
});

describe('forbidden clauses', () => {
  const s = baseSpace()
    .addCondition(new EqualsCondition('x', 'kind', 'a'))
    .addForbidden(new ForbiddenEqualsClause('depth', 7))
    .addForbidden(new ForbiddenInClause('size', ['l']))
    .addForbidden(new ForbiddenAndConjunction(new ForbiddenEqualsClause('kind', 'a'), new ForbiddenEqualsClause('x', 0.25)));

  it('match their values', () => {
    const ok = { kind: 'a', depth: 1, size: 's', x: 0.5, y: 0.5 };
    assert.equal(s.isForbidden(ok), false);
    assert.equal(s.isForbidden({ ...ok, depth: 7 }), true);
    assert.equal(s.isForbidden({ ...ok, size: 'l' }), true);
    assert.equal(s.isForbidden({ ...ok, x: 0.25 }), true);
    assert.equal(s.isForbidden({ ...ok, kind: 'b', x: 0.25 }), false);
  });

  it('never match an inactive (absent) hyperparameter', () => {
    assert.equal(s.isForbidden({ kind: 'b', depth: 1, size: 's', y: 0.5 }), false);
    const t = baseSpace()
      .addCondition(new EqualsCondition('x', 'kind', 'a'))
      .addForbidden(new ForbiddenInClause('x', [0, 1]));
    assert.equal(t.isForbidden({ kind: 'b', depth: 1, size: 's', y: 0 }), false);
  });

  it('are validated when added', () => {
    assert.throws(() => baseSpace().addForbidden(new ForbiddenEqualsClause('nope', 1)), {
      code: 'ERR_INVALID_OPTION',
      message: /unknown hyperparameter "nope"/,
    });
    assert.throws(() => baseSpace().addForbidden(new ForbiddenEqualsClause('depth', 11)), {
      code: 'ERR_INVALID_OPTION',
      message: /value 11 is illegal for hyperparameter "depth"/,
    });
    assert.throws(() => baseSpace().addForbidden(new ForbiddenInClause('kind', [])), {
      code: 'ERR_INVALID_OPTION',
      message: /non-empty array/,
    });
  });

  it('work on hyperparameters named like Object.prototype members', () => {
    const t = new ConfigurationSpace()
      .add(new CategoricalHyperparameter('switch', ['on', 'off']), new Constant('constructor', 1))
      .addCondition(new EqualsCondition('constructor', 'switch', 'on'))
      .addForbidden(new ForbiddenInClause('constructor', [1]));
    assert.equal(t.isForbidden({ switch: 'off' }), false);
    assert.deepEqual(Array.from(t.toVector({ switch: 'off' })), [1, NaN]);
    assert.deepEqual(t.validate({ switch: 'off' }), { switch: 'off' });
    assert.throws(() => t.validate({ switch: 'on', constructor: 1 }), {
      code: 'ERR_INVALID_CONFIGURATION',
      message: /forbidden by clause constructor in \{1\}/,
    });
    assert.throws(() => t.validate({ switch: 'on' }), {
      code: 'ERR_INVALID_CONFIGURATION',
      message: /"constructor" is active .* but missing/,
    });
    assert.deepEqual(t.names, ['switch', 'constructor']);
  });
});
