import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { importObjective } from '../../src/executors/objective-module.js';
import { tempDir } from '../helpers/temp-dir.js';

test('an objective module that cannot be imported, or exports no function, is an ERR_OBJECTIVE_MODULE error', async (t) => {
  const dir = tempDir(t, 'bandster-objective-');
  const write = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return pathToFileURL(path.join(dir, name)).href;
  };
  const good = write('good.mjs', 'export function compute(config, budget) { return budget; }');
  assert.equal(await (await importObjective(good))({}, 3, {} as never), 3);
  const cases = [
    {
      url: write('none.mjs', 'export const compute = 3;'),
      message: /must export a function compute\(config, budget, ctx\) \(found exports: compute\)/,
    },
    { url: write('broken.mjs', 'export function compute( {'), message: /./ },
    { url: write('throws.mjs', 'throw new Error("no GPU here");'), message: /no GPU here/ },
    { url: pathToFileURL(path.join(dir, 'missing.mjs')).href, message: /missing\.mjs/ },
  ];
  for (const { url, message } of cases) {
    await assert.rejects(importObjective(url), { name: 'ExecutorError', code: 'ERR_OBJECTIVE_MODULE', message }, url);
  }
});
