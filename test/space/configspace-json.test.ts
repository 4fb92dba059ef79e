import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpaceFormatError } from '../../src/space/space-error.js';
import {
  AndConjunction,
  CategoricalHyperparameter,
  ConfigurationSpace,
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
  readConfigSpaceJson,
  UniformFloatHyperparameter,
  UniformIntegerHyperparameter,
  writeConfigSpaceJson,
} from '../../src/space/index.js';
import { pythonFloat as pythonFloatRepr } from '../../src/storage/python-json.js';
import { fixtureText, samplesFixture, SPACE_FIXTURES } from '../helpers/fixtures.js';

function brokenAt(document: unknown, path: string, pattern: RegExp): void {
  assert.throws(
    () => readConfigSpaceJson(document as object),
    (error: unknown) => {
      assert.ok(error instanceof SpaceFormatError, String(error));
      assert.equal(error.code, 'ERR_SPACE_FORMAT');
      assert.equal(error.path, path);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

const mixed04 = JSON.parse(fixtureText('configspace/v0.4/mixed_conditional.json')) as {
  hyperparameters: Record<string, unknown>[];
  conditions: Record<string, unknown>[];
  forbiddens: Record<string, unknown>[];
};
/** The 0.4 fixture with `edit` applied to a deep copy. */
function edited(edit: (document: typeof mixed04) => void): unknown {
  const copy = structuredClone(mixed04);
  edit(copy);
  return copy;
}

describe('ConfigSpace JSON', () => {
  for (const { path, schema } of SPACE_FIXTURES) {
    it(`writes ${path} back byte for byte in its own schema (${schema})`, () => {
      const text = fixtureText(path);
      const written = writeConfigSpaceJson(readConfigSpaceJson(text), { schema });
      assert.deepEqual(JSON.parse(written), JSON.parse(text));
      assert.equal(written, text);
    });
  }

  it('converts between schemas exactly as ConfigSpace 0.4 and 1.2 wrote the same space', () => {
    for (const name of ['mixed_conditional', 'counting_ones_8_8', 'study']) {
      const old = fixtureText(`configspace/v0.4/${name}.json`);
      const modern = fixtureText(`configspace/v1.2/${name}.json`);
      assert.equal(writeConfigSpaceJson(readConfigSpaceJson(old), { schema: '1.x' }), modern, name);
      assert.equal(writeConfigSpaceJson(readConfigSpaceJson(modern)), old, name);
    }
  });

  it('reads both schemas into the same space', () => {
    const old = readConfigSpaceJson(fixtureText('configspace/v0.4/mixed_conditional.json'));
    const modern = readConfigSpaceJson(JSON.parse(fixtureText('configspace/v1.2/mixed_conditional.json')) as object);
    assert.deepEqual(modern.names, old.names);
    assert.deepEqual(modern.defaultConfiguration(), old.defaultConfiguration());
    // ConfigSpace 1.2's own samples are valid configurations of the space it wrote.
    for (const sample of samplesFixture('v1.2').samples) assert.deepEqual(modern.validate(sample.config), sample.config);
    assert.equal(old.get('lr').kind, 'float');
    assert.deepEqual(old.conditions.map(String), ['units_3 | num_layers > 2', 'momentum | optimizer in {"sgd", "rmsprop"}']);
    assert.deepEqual(old.forbiddens.map(String), ['(optimizer == "sgd" && activation == "gelu")']);
  });

  it('round-trips every condition and clause type, weights and names', () => {
    const space = new ConfigurationSpace({ name: 'everything' })
      .add(
        new CategoricalHyperparameter('kind', ['a', 'b', 'c'], { weights: [1, 2, 1] }),
        new UniformIntegerHyperparameter('depth', 1, 9),
        new UniformFloatHyperparameter('rate', 1e-4, 1, { log: true, default: 0.01 }),
        new OrdinalHyperparameter('size', [1, 2, 3]),
        new UniformFloatHyperparameter('p', 0, 1),
        new UniformFloatHyperparameter('q', 0, 1),
        new UniformFloatHyperparameter('r', 0, 1),
      )
      .addCondition(
        new AndConjunction(
          new NotEqualsCondition('p', 'kind', 'c'),
          new OrConjunction(new GreaterThanCondition('p', 'depth', 3), new LessThanCondition('p', 'size', 2)),
        ),
      )
      .addCondition(new InCondition('q', 'kind', ['a', 'b']))
      .addCondition(new EqualsCondition('r', 'rate', 0.5))
      .addForbidden(new ForbiddenInClause('depth', [8, 9]))
      .addForbidden(new ForbiddenAndConjunction(new ForbiddenEqualsClause('kind', 'a'), new ForbiddenEqualsClause('rate', 1)));
    for (const schema of ['0.4', '1.x'] as const) {
      const text = writeConfigSpaceJson(space, { schema });
      const back = readConfigSpaceJson(text);
      assert.equal(writeConfigSpaceJson(back, { schema }), text, schema);
      assert.equal(back.name, 'everything');
      assert.deepEqual(back.conditions.map(String).sort(), space.conditions.map(String).sort());
      assert.deepEqual(back.forbiddens.map(String), space.forbiddens.map(String));
      const kind = back.get('kind');
      assert.ok(kind.kind === 'categorical');
      assert.deepEqual(kind.probabilities, [0.25, 0.5, 0.25]);
    }
    const legacy = JSON.parse(writeConfigSpaceJson(space)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(legacy), [
      'name',
      'hyperparameters',
      'conditions',
      'forbiddens',
      'python_module_version',
      'json_format_version',
    ]);
    assert.match(writeConfigSpaceJson(space), /"value": 0.5\b/);
    assert.match(writeConfigSpaceJson(space), /"lower": 0.0001,/);
    assert.match(writeConfigSpaceJson(space, { schema: '1.x' }), /"weights": \[\n\s+1,\n\s+2,\n\s+1\n\s+\]/);
  });

  it('names the path of a missing or ill-typed field', () => {
    brokenAt(
      edited((d) => (d.hyperparameters[2].lower = 'a')),
      'hyperparameters[2].lower',
      /expected a number \(got "a"\)/,
    );
    brokenAt(
      edited((d) => delete d.hyperparameters[0].name),
      'hyperparameters[0].name',
      /missing \(expected a string\)/,
    );
    brokenAt(
      edited((d) => (d.hyperparameters[3].type = 'beta_float')),
      'hyperparameters[3].type',
      /unknown hyperparameter type "beta_float"/,
    );
    brokenAt(
      edited((d) => (d.hyperparameters[5].log = 'yes')),
      'hyperparameters[5].log',
      /expected a boolean/,
    );
    brokenAt(
      edited((d) => (d.hyperparameters[0].choices = 'relu')),
      'hyperparameters[0].choices',
      /expected an array \(got "relu"\)/,
    );
    brokenAt(
      edited((d) => (d.hyperparameters[0].probabilities = [1, 'x', 1])),
      'hyperparameters[0].probabilities[1]',
      /expected a number/,
    );
    brokenAt(
      edited((d) => (d.hyperparameters[4].q = 0.1)),
      'hyperparameters[4].q',
      /quantization is not supported/,
    );
    brokenAt(
      edited((d) => (d.hyperparameters[7].upper = 4)),
      'hyperparameters[7]',
      /hyperparameter "units_1": lower must be < upper \(got lower=8, upper=4\)/,
    );
    brokenAt(
      edited((d) => (d.hyperparameters[1].name = 'activation')),
      'hyperparameters[1].name',
      /duplicate hyperparameter "activation"/,
    );
    brokenAt(
      edited((d) => (d.conditions[1].parent = 'optimiser')),
      'conditions[1].parent',
      /unknown hyperparameter "optimiser"/,
    );
    brokenAt(
      edited((d) => (d.conditions[0].type = 'GE')),
      'conditions[0].type',
      /unknown condition type "GE"/,
    );
    brokenAt(
      edited((d) => (d.conditions[1].values = ['sgd', 'nesterov'])),
      'conditions[1]',
      /value "nesterov" is illegal for hyperparameter "optimizer"/,
    );
    brokenAt(
      edited((d) => (d.forbiddens[0].clauses = [{ name: 'optimizer', type: 'EQUALS' }])),
      'forbiddens[0].clauses[0].value',
      /missing/,
    );
    brokenAt(
      edited((d) => (d.forbiddens[0].type = 'RELATION')),
      'forbiddens[0].type',
      /unknown forbidden clause type "RELATION"/,
    );
    brokenAt(
      edited((d) => ((d as Record<string, unknown>).hyperparameters = {})),
      'hyperparameters',
      /expected an array/,
    );
    brokenAt([], 'document', /expected an object/);
  });

  it('reports the position of invalid JSON text', () => {
    assert.throws(
      () => readConfigSpaceJson('{\n  "hyperparameters": [\n    {"name": "x",}\n  ]\n}'),
      (error: unknown) => {
        assert.ok(error instanceof SpaceFormatError);
        assert.match(error.message, /invalid JSON at line 3, column 18 \(offset 42\)/);
        return true;
      },
    );
    assert.throws(() => readConfigSpaceJson('{"hyperparameters": ['), {
      code: 'ERR_SPACE_FORMAT',
      message: /invalid JSON at line 1, column 22 \(offset 21\)/,
    });
  });

  it('formats floats like Python repr', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [1, '1.0'],
      [1e-5, '1e-05'],
      [1e-4, '0.0001'],
      [0.1, '0.1'],
      [1e16, '1e+16'],
      [1.5e16, '1.5e+16'],
      [123456789012345.6, '123456789012345.6'],
      [-2.5, '-2.5'],
      [5e-324, '5e-324'],
    ];
    for (const [value, repr] of cases) assert.equal(pythonFloatRepr(value), repr);
  });
});
