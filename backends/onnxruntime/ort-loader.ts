// Loads onnxruntime-node on first use and says whether an execution provider works here.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { Availability } from '../backend.js';

export type Ort = typeof import('onnxruntime-node');

/** The execution providers bandster knows. */
export type OrtProvider = 'cpu' | 'cuda';

export const ORT_PACKAGE = 'onnxruntime-node';
export const ORT_INSTALL = 'npm install onnxruntime-node@1.30';
/**
 * onnxruntime-node ships its CPU provider in the npm package; the CUDA provider (CUDA 12) is too big
 * for the registry and its install script fetches it from NuGet, which this project skips (.npmrc,
 * package.json allowScripts) so that `npm ci` stays offline-safe. Running the script on purpose
 * fetches it; CUDA 12 and cuDNN 9 must be installed on the machine.
 */
export const ORT_CUDA_INSTALL = 'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install';

let loading: Promise<Ort> | undefined;

/** onnxruntime-node, imported once per thread. */
export function loadOrt(): Promise<Ort> {
  loading ??= (async () => {
    const module = (await import(ORT_PACKAGE)) as Ort & { default?: Ort };
    // CommonJS through ESM: the namespace's default export is the module object.
    return module.default ?? module;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** The folder of onnxruntime-node's native binaries for this platform (where the CUDA provider goes). */
function binaryFolder(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const root = path.dirname(require.resolve(`${ORT_PACKAGE}/package.json`));
    return path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

const providerChecks = new Map<OrtProvider, Promise<Availability>>();

/**
 * Whether onnxruntime-node loads and runs a one-node graph on `provider` here (once per thread). For
 * CUDA, the provider library must be present and a session must start on it: a missing driver, CUDA
 * runtime or GPU makes session creation fail, which becomes the reason.
 */
export function providerAvailability(provider: OrtProvider, probeModel: () => Uint8Array): Promise<Availability> {
  let check = providerChecks.get(provider);
  if (!check) {
    check = (async (): Promise<Availability> => {
      let ort: Ort;
      try {
        ort = await loadOrt();
      } catch (error) {
        return { available: false, reason: describeOrtLoadError(error), install: ORT_INSTALL };
      }
      if (provider === 'cuda') {
        const folder = binaryFolder();
        const library = folder && path.join(folder, 'libonnxruntime_providers_cuda.so');
        if (process.platform !== 'linux' || process.arch !== 'x64') {
          return { available: false, reason: `onnxruntime-node has no CUDA provider for ${process.platform}/${process.arch}` };
        }
        if (!library || !existsSync(library)) {
          return {
            available: false,
            reason: `the CUDA execution provider is not installed (${library ?? 'onnxruntime-node not found'} is missing)`,
            install: ORT_CUDA_INSTALL,
          };
        }
      }
      try {
        const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [provider], logSeverityLevel: 4 });
        await session.release();
        return { available: true };
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        return {
          available: false,
          reason: `onnxruntime cannot start a session on ${provider}: ${message}`,
          install: provider === 'cuda' ? `${ORT_CUDA_INSTALL} (needs an NVIDIA GPU with CUDA 12 and cuDNN 9)` : ORT_INSTALL,
        };
      }
    })();
    providerChecks.set(provider, check);
  }
  return check;
}

function describeOrtLoadError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `${ORT_PACKAGE} is not installed`;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `${ORT_PACKAGE} failed to load: ${message}`;
}
