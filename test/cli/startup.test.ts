import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HPBANDSTER_RUN } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BANDSTER_BIN } from '../helpers/cli.js';

const tracer = fileURLToPath(new URL('./fixtures/trace-imports.mjs', import.meta.url));
const HEAVY = ['@tensorflow', 'vega', 'sharp', 'esbuild', 'tsx', '@resvg', 'piscina', 'bullmq'];

/** The npm packages a bandster command loads. */
function packagesLoadedBy(args: string[], t: { after: (fn: () => void) => void }): { packages: Set<string>; status: number | null } {
  const dir = tempDir(t, 'bandster-startup-');
  const traceFile = path.join(dir, 'trace');
  fs.writeFileSync(traceFile, '');
  const child = spawnSync(process.execPath, ['--import', tracer, BANDSTER_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TRACE_FILE: traceFile },
  });
  const packages = new Set<string>();
  for (const url of fs.readFileSync(traceFile, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (match) packages.add(match[1]);
  }
  return { packages, status: child.status };
}

for (const args of [['--help'], ['summary', HPBANDSTER_RUN], ['run', '--help']]) {
  test(`bandster ${args[0]} loads none of the heavy packages (tfjs, vega, sharp, esbuild, …)`, (t) => {
    const { packages, status } = packagesLoadedBy(args, t);
    assert.equal(status, 0);
    assert.ok(packages.has('commander'), 'the trace saw the packages that were loaded');
    const heavy = [...packages].filter((name) =>
      HEAVY.some((prefix) => name === prefix || name.startsWith(`${prefix}/`) || name.startsWith(`${prefix}-`)),
    );
    assert.deepEqual(heavy, []);
  });
}
