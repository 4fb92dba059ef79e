// Runs the metrics fuzz test (test/metrics/fuzz.test.ts, every SIMD path) against a build of the addon
// with AddressSanitizer and UndefinedBehaviorSanitizer: `npm run test:sanitize`, once in CI.
//
// Node itself is not built with ASan, so the sanitized addon cannot be loaded as it is: ASan's runtime
// must come first in the process. We preload GCC's libasan (LD_PRELOAD), which then intercepts every
// malloc of Node too; that is why leak detection is off (V8 keeps memory until exit by design).
// Preloading covers the whole addon as Node runs it (argument checks, the N-API glue, the worker
// threads of the async kernels), which a standalone C++ driver over kernels.h would not.
// The build goes to .tmp/sanitize/ (a copy of binding.gyp and native/), loaded through node-gyp-build's
// BANDSTER_PREBUILD override, so the regular build is left alone. Linux with GCC only.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { localNodeDir, nodeGypScript } from './node-gyp-command.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const buildDir = join(root, '.tmp', 'sanitize');
const sanitizers = '-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g';

function fail(message) {
  console.error(`sanitize: ${message}`);
  process.exit(1);
}

if (process.platform !== 'linux') fail('the sanitizer run needs Linux (LD_PRELOAD of libasan)');
const libasan = spawnSync('g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout?.trim();
if (!libasan || !existsSync(libasan)) fail('GCC with libasan is needed (Debian: g++ brings it)');
const nodeGyp = nodeGypScript();
if (nodeGyp === null) fail('node-gyp not found (run through `npm run test:sanitize`)');

rmSync(buildDir, { recursive: true, force: true });
mkdirSync(buildDir, { recursive: true });
cpSync(join(root, 'binding.gyp'), join(buildDir, 'binding.gyp'));
cpSync(join(root, 'native'), join(buildDir, 'native'), { recursive: true });
const gypArgs = [nodeGyp, 'rebuild'];
const nodeDir = localNodeDir();
if (nodeDir !== null) gypArgs.push(`--nodedir=${nodeDir}`);
console.log(`sanitize: building the addon with ${sanitizers} in ${buildDir}`);
const build = spawnSync(process.execPath, gypArgs, {
  cwd: buildDir,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, CXXFLAGS: sanitizers, LDFLAGS: sanitizers, JOBS: 'max' },
});
if (build.status !== 0) fail('the sanitizer build failed (see above)');
const built = readdirSync(join(buildDir, 'build', 'Release')).find((file) => file.endsWith('.node'));
if (built === undefined) fail('the sanitizer build made no .node file');

const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  BANDSTER_PREBUILD: buildDir,
  ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
};
// The addon under test must be the sanitized one: it imports ASan's runtime, and node-gyp-build resolves to it.
const probe = spawnSync(
  process.execPath,
  [
    '-e',
    `const load = require('node-gyp-build'); const file = load.path(${JSON.stringify(root)}); load(${JSON.stringify(root)}); console.log(file);`,
  ],
  { cwd: root, encoding: 'utf8', env },
);
if (probe.status !== 0 || !probe.stdout.trim().startsWith(buildDir)) fail(`the sanitized addon did not load:\n${probe.stderr}`);
const symbols = spawnSync('nm', ['-D', '--undefined-only', probe.stdout.trim()], { encoding: 'utf8' }).stdout ?? '';
if (!symbols.includes('__asan_')) fail(`${probe.stdout.trim()} is not an ASan build`);

console.log(`sanitize: running test/metrics/fuzz.test.ts against ${probe.stdout.trim()}`);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'test/metrics/fuzz.test.ts'], { cwd: root, stdio: 'inherit', env });
if (run.status !== 0) fail(`the fuzz test failed under the sanitizers (exit ${run.status ?? run.signal})`);
console.log('sanitize: clean (AddressSanitizer + UndefinedBehaviorSanitizer, every SIMD path)');
