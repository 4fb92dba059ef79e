// Builds the metrics addon from source (build/Release/bandster_metrics.node) with node-gyp, offline:
// see node-gyp-command.mjs. Run by native/install.mjs when no prebuilt binary fits, and by
// `npm run build:native`. A compiler error ends this script with node-gyp's exit status.
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { localNodeDir, nodeGypScript } from './node-gyp-command.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nodeGyp = nodeGypScript();
if (nodeGyp === null) {
  console.error(
    'bandster: node-gyp not found; run `npm rebuild bandster --build-from-source` (npm bundles node-gyp) to build the metrics addon',
  );
  process.exit(1);
}

const args = [nodeGyp, 'rebuild'];
const nodeDir = localNodeDir();
if (nodeDir !== null) args.push(`--nodedir=${nodeDir}`);
const build = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (build.error) {
  console.error(`bandster: could not run node-gyp: ${build.error.message}`);
  process.exit(1);
}
if (build.status !== 0) console.error('bandster: building the native metrics addon failed (see the compiler output above)');
process.exit(build.status ?? 1);
