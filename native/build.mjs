// Builds the metrics addon (build/Release/bandster_metrics.node) with node-gyp: the package's
// `install` script, so `npm ci`, `npm install` and `npm rebuild` all run it.
//
// Offline by design: node-gyp would otherwise download Node's headers. We point it at the headers of
// the running Node installation (<prefix>/include/node), unless npm's `nodedir` config already does.
// A compiler error ends this script with node-gyp's exit status, which fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// npm sets npm_config_node_gyp to its bundled node-gyp for lifecycle scripts; outside npm, try a local one.
const nodeGyp = process.env.npm_config_node_gyp ?? resolveOrNull('node-gyp/bin/node-gyp.js');
if (nodeGyp === null) {
  console.error('bandster: node-gyp not found; run `npm rebuild bandster` (npm bundles node-gyp) to build the metrics addon');
  process.exit(1);
}

const args = [nodeGyp, 'rebuild'];
const installPrefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(installPrefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${installPrefix}`);
}
const build = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (build.error) {
  console.error(`bandster: could not run node-gyp: ${build.error.message}`);
  process.exit(1);
}
if (build.status !== 0) console.error('bandster: building the native metrics addon failed (see the compiler output above)');
process.exit(build.status ?? 1);

function resolveOrNull(specifier) {
  try {
    return require.resolve(specifier);
  } catch {
    return null;
  }
}
