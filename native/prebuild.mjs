// Builds the prebuilt binary of this platform, prebuilds/<platform>-<arch>/bandster.napi.node, with
// prebuildify (Node-API: one binary for every Node version), offline (node-gyp-command.mjs), stripped.
// Run by CI and before `npm pack` (the `prepack` script), so the package carries it; node-gyp-build
// loads it at run time when there is no build/ from source.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { localNodeDir, nodeGypScript } from './node-gyp-command.mjs';

const require = createRequire(import.meta.url);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nodeGyp = nodeGypScript();
if (nodeGyp === null) {
  console.error('bandster: node-gyp not found (npm bundles it; run this through `npm run build:prebuild`)');
  process.exit(1);
}
const nodeDir = localNodeDir();
if (nodeDir !== null) process.env.npm_config_nodedir = nodeDir;

let prebuildify;
try {
  prebuildify = require('prebuildify');
} catch {
  console.error('bandster: prebuildify is a development dependency; run `npm install` in the bandster checkout first');
  process.exit(1);
}
prebuildify({ cwd: root, napi: true, strip: true, targets: [process.versions.node], nodeGyp }, (error) => {
  if (error) {
    console.error(`bandster: prebuildify failed: ${error.message}`);
    process.exit(1);
  }
});
