import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';

import * as tf from './tfjs-core.js';

import { cpuKernels } from './kernels/cpu/register-all.js';
import type { KernelSet } from './kernels/registry.js';
import { wasmKernels } from './kernels/wasm/register-all.js';

/** The tfjs flavours bandster knows, fastest first (the order `auto` tries them in). */
export const TFJS_FLAVOURS = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type TfjsFlavourName = (typeof TFJS_FLAVOURS)[number];

/** How one tfjs flavour is loaded. */
export interface TfjsFlavour {
  readonly name: TfjsFlavourName;
  /** The name tfjs registers the backend under (`tf.setBackend`). */
  readonly tfBackendName: string;
  readonly device: string;
  /** The npm package that brings it, and the command that installs it. */
  readonly packageName: string;
  readonly install: string;
  /** bandster's kernels for it, if any. */
  readonly kernels?: KernelSet;
  /** Imports the package and prepares the backend; rejects when it cannot be loaded here. */
  load(): Promise<void>;
}

/**
 * Imports a package by a name held in a variable, so that neither TypeScript nor a bundler needs it
 * to exist: tfjs-node and tfjs-node-gpu are not dependencies (their install downloads libtensorflow)
 * and are used when the user has installed them.
 */
async function importOptional(packageName: string): Promise<unknown> {
  return import(packageName);
}

const require = createRequire(import.meta.url);
let wasmLoaded: Promise<void> | undefined;

/** Loads tfjs-backend-wasm with its .wasm binaries read from the package's dist folder (no network). */
function loadWasm(): Promise<void> {
  wasmLoaded ??= (async () => {
    const entry = require.resolve('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(entry);
    const binary = path.join(dist, 'tfjs-backend-wasm-simd.wasm');
    if (!existsSync(binary)) throw new Error(`tfjs-backend-wasm's binaries are missing (looked for ${binary})`);
    const wasm = (await importOptional('@tensorflow/tfjs-backend-wasm')) as { setWasmPaths(prefix: string): void };
    wasm.setWasmPaths(dist + path.sep);
  })().catch((error: unknown) => {
    wasmLoaded = undefined;
    throw error;
  });
  return wasmLoaded;
}

export const tfjsFlavours: Readonly<Record<TfjsFlavourName, TfjsFlavour>> = {
  'tfjs-node-gpu': {
    name: 'tfjs-node-gpu',
    tfBackendName: 'tensorflow',
    device: 'gpu',
    packageName: '@tensorflow/tfjs-node-gpu',
    install: 'npm install @tensorflow/tfjs-node-gpu',
    load: async () => {
      await importOptional('@tensorflow/tfjs-node-gpu');
    },
  },
  'tfjs-node': {
    name: 'tfjs-node',
    tfBackendName: 'tensorflow',
    device: 'cpu',
    packageName: '@tensorflow/tfjs-node',
    install: 'npm install @tensorflow/tfjs-node',
    load: async () => {
      await importOptional('@tensorflow/tfjs-node');
    },
  },
  wasm: {
    name: 'wasm',
    tfBackendName: 'wasm',
    device: 'wasm',
    packageName: '@tensorflow/tfjs-backend-wasm',
    install: 'npm install @tensorflow/tfjs-backend-wasm',
    kernels: wasmKernels,
    load: loadWasm,
  },
  cpu: {
    name: 'cpu',
    tfBackendName: 'cpu',
    device: 'cpu',
    packageName: '@tensorflow/tfjs-backend-cpu',
    install: 'npm install @tensorflow/tfjs-backend-cpu',
    kernels: cpuKernels,
    load: async () => {
      // Importing the package registers its 'cpu' backend with tfjs-core.
      await import('@tensorflow/tfjs-backend-cpu');
      if (!tf.findBackendFactory('cpu')) throw new Error('@tensorflow/tfjs-backend-cpu registered no cpu backend');
    },
  },
};

/** A short reason from a failed import: the missing package for ERR_MODULE_NOT_FOUND, else the message. */
export function describeLoadError(flavour: TfjsFlavour, error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return `${flavour.packageName} is not installed`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${flavour.packageName} failed to load: ${message.split('\n')[0]}`;
}
