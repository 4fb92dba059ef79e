// The package's install script (npm, Yarn and Bun run it; pnpm and `--ignore-scripts` may not, and then
// the prebuilt binary is used as it is). node-gyp-build's rule: keep a prebuilt binary that loads, build
// from source only when none fits this platform, or when asked (`--build-from-source`).
//
// Unlike node-gyp-build's own install script, a from-source build goes through native/build.mjs, which
// gives node-gyp this Node's headers so that installing needs no network. And a folder that already has
// a build/ (a source checkout, not an installed package: the package carries no build/) is always
// rebuilt from source, so `npm ci` there never keeps a prebuilt binary older than the sources.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const fromSource =
  process.env.npm_config_build_from_source === 'true' || process.argv.includes('--build-from-source') || existsSync(join(root, 'build'));

if (!fromSource && prebuiltBinaryLoads()) process.exit(0);
const build = spawnSync(process.execPath, [join(root, 'native', 'build.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);

/** Whether node-gyp-build picks a binary under prebuilds/ and it loads, tried in a child process (as node-gyp-build-test does) so a crash on load cannot end this script. */
function prebuiltBinaryLoads() {
  const probe = spawnSync(
    process.execPath,
    ['-e', `const load = require('node-gyp-build'); const file = load.path(${JSON.stringify(root)}); require(file); console.log(file);`],
    { cwd: root, encoding: 'utf8', env: { ...process.env, PREBUILDS_ONLY: '1' } },
  );
  if (probe.status !== 0) return false;
  const file = probe.stdout.trim();
  const inPrebuilds = relative(root, file).split(sep)[0] === 'prebuilds';
  if (inPrebuilds) console.log(`bandster: using the prebuilt metrics addon ${relative(root, file)}`);
  return inPrebuilds;
}
