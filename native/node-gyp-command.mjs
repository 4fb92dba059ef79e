// How the build scripts run node-gyp offline: which node-gyp, and which Node headers.
//
// node-gyp would otherwise download Node's headers. We point it at the headers of the running Node
// installation (<prefix>/include/node), unless npm's `nodedir` config already does; the addon uses
// Node-API only (NAPI_VERSION in binding.gyp), so any Node's headers build a binary every Node >= 20 loads.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The node-gyp script: npm's own (npm sets npm_config_node_gyp for lifecycle scripts), a local one, or the one npm bundles. */
export function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    resolveOrNull('node-gyp/bin/node-gyp.js'),
    join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((path) => path !== undefined && path !== null && existsSync(path)) ?? null;
}

/** The --nodedir to pass, or null when npm's config sets one or this Node has no headers beside it. */
export function localNodeDir() {
  if (process.env.npm_config_nodedir) return null;
  const installPrefix = dirname(dirname(process.execPath));
  return existsSync(join(installPrefix, 'include', 'node', 'node_api.h')) ? installPrefix : null;
}

function resolveOrNull(specifier) {
  try {
    return require.resolve(specifier);
  } catch {
    return null;
  }
}
