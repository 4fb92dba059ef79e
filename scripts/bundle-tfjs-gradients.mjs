// Builds backends/tfjs/generated/tfjs-gradients.js (and its copy under dist/): tfjs-core's gradient
// registrations as one ES module that uses the installed @tensorflow/tfjs-core itself.
//
// Why this exists: bandster depends on tfjs-core + the cpu and wasm backends instead of the
// @tensorflow/tfjs umbrella (which adds layers, converter, data and WebGL: most of the install).
// The umbrella's bundle registered every op's gradient; tfjs-core ships them only as ES modules
// with extensionless imports (dist/register_all_gradients.js), which Node cannot import, and which
// would be a second copy of tfjs-core's engine besides its CommonJS main. So we bundle them with
// esbuild, rewriting each import inside tfjs-core's dist that the package's public API already
// offers (ops, kernel names, the util namespaces, the engine) into a use of the one installed
// tfjs-core; only the few internal ops the gradients need (e.g. maxPoolGrad) are bundled.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const coreMain = require.resolve('@tensorflow/tfjs-core');
const coreDist = path.dirname(coreMain);
const core = require('@tensorflow/tfjs-core');
const publicNames = new Set(Object.keys(core));
/** Module namespaces tfjs-core's public API re-exports, by the module's base name. */
const NAMESPACES = {
  util: 'util',
  broadcast_util: 'broadcast_util',
  slice_util: 'slice_util',
  conv_util: 'backend_util',
  axis_util: 'backend_util',
};
const NAMESPACE_OWNERS = ['backend_util', 'util', 'broadcast_util', 'slice_util'];

/** Where a name imported inside tfjs-core is found in its public API, or undefined. */
function publicPath(name) {
  if (name === 'ENGINE') return 'engine()';
  // Internal ops convert their arguments; inside a gradient they are already tensors of this tfjs-core.
  if (name === 'convertToTensor') return 'CONVERT_TO_TENSOR';
  if (publicNames.has(name)) return name;
  const owner = NAMESPACE_OWNERS.find((space) => core[space] && name in core[space]);
  return owner === undefined ? undefined : `${owner}.${name}`;
}

/** Rewrites the imports of one tfjs-core dist module that the public API can serve. */
function rewrite(source) {
  const lines = [];
  const bindings = [];
  for (const line of source.split('\n')) {
    const namespace = /^import \* as (\w+) from '(\.[^']*)';$/.exec(line);
    if (namespace) {
      const space = NAMESPACES[path.basename(namespace[2])];
      if (space !== undefined) {
        bindings.push(`const ${namespace[1]} = __tfcore.${space};`);
        continue;
      }
    }
    const named = /^import \{([^}]*)\} from '(\.[^']*)';$/.exec(line);
    if (named) {
      const specifiers = named[1]
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      const mapped = specifiers.map((specifier) => {
        const [imported, local = imported] = specifier.split(/\s+as\s+/);
        const where = publicPath(imported);
        return where === undefined ? undefined : `const ${local} = __tfcore.${where};`;
      });
      if (mapped.every((binding) => binding !== undefined)) {
        bindings.push(...mapped);
        continue;
      }
    }
    lines.push(line);
  }
  const code = bindings
    .join('\n')
    .replaceAll('__tfcore.CONVERT_TO_TENSOR', '((x) => (x instanceof __tfcore.Tensor ? x : __tfcore.tensor(x)))');
  return `import * as __tfcore from '@tensorflow/tfjs-core';\n${code}\n${lines.join('\n')}`;
}

const result = await build({
  entryPoints: [path.join(coreDist, 'register_all_gradients.js')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  metafile: true,
  external: ['@tensorflow/tfjs-core'],
  logLevel: 'error',
  plugins: [
    {
      name: 'tfjs-core-public-api',
      setup(builder) {
        builder.onLoad({ filter: /[\\/]@tensorflow[\\/]tfjs-core[\\/]dist[\\/].*\.js$/ }, (args) => ({
          contents: rewrite(readFileSync(args.path, 'utf8')),
          loader: 'js',
          resolveDir: path.dirname(args.path),
        }));
      },
    },
  ],
});
// Only gradient configs and the few internal ops they call may be bundled: a bundled engine, tensor or
// registry would be a second tfjs-core that the installed one never sees.
const bundled = Object.keys(result.metafile.inputs).map((file) => file.slice(file.indexOf('/dist/') + 6));
const unexpected = bundled.filter(
  (file) =>
    !/^(register_all_gradients|gradients\/.*|ops\/(avg_pool_3d_grad|avg_pool_grad|max_pool_3d_grad|max_pool_grad|local_response_normalization_backprop|conv2d_backprop_filter|conv2d_backprop_input|conv3d_backprop_filter|conv3d_backprop_input|depthwise_conv2d_native_backprop_filter|depthwise_conv2d_native_backprop_input|operation))\.js$/.test(
      file,
    ),
);
if (unexpected.length > 0) {
  process.stderr.write(`bundle-tfjs-gradients: tfjs-core internals would be bundled a second time: ${unexpected.join(', ')}\n`);
  process.exit(1);
}
const header = `// Generated by scripts/bundle-tfjs-gradients.mjs from @tensorflow/tfjs-core ${core.version_core}; do not edit.\n`;
const text = header + result.outputFiles[0].text;
for (const dir of ['backends/tfjs/generated', 'dist/backends/tfjs/generated']) {
  if (dir.startsWith('dist') && !existsSync(path.join(root, 'dist'))) mkdirSync(path.join(root, dir), { recursive: true });
  mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, dir, 'tfjs-gradients.js'), text);
}
process.stdout.write(`tfjs gradients bundled (${(text.length / 1024).toFixed(0)} KiB)\n`);
