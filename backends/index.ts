// bandster/backends: the training backends behind backends/backend.ts. The trainer imports this entry
// point (or backend.ts's types) only; no backend package is imported anywhere else.
import type { Availability, Backend } from './backend.js';
import { AutoBackend } from './tfjs/auto-backend.js';
import { TFJS_FLAVOURS, type TfjsFlavourName } from './tfjs/flavours.js';
import { TfjsBackend, type TfjsBackendOptions } from './tfjs/tfjs-backend.js';

export type { Availability, Backend, BackendCapabilities, BackendModel, Batch, ModelOptions, Unavailable } from './backend.js';
export { AutoBackend } from './tfjs/auto-backend.js';
export { TfjsBackend, type TfjsBackendOptions } from './tfjs/tfjs-backend.js';
export { TFJS_FLAVOURS, type TfjsFlavourName } from './tfjs/flavours.js';
export { forwardFlopsPerImage, validateSpec } from './tfjs/unet.js';

/** Every name `createBackend` takes. */
export const BACKEND_NAMES = ['auto', ...TFJS_FLAVOURS] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend by name; nothing is loaded until `availability()` or `init()`. */
export function createBackend(name: BackendName, options: TfjsBackendOptions = {}): Backend {
  if (name === 'auto') return new AutoBackend(options);
  if (!(TFJS_FLAVOURS as readonly string[]).includes(name)) {
    throw new RangeError(`backend must be one of ${BACKEND_NAMES.join(', ')} (got ${String(name)})`);
  }
  return TfjsBackend.of(name as TfjsFlavourName, options);
}

/** Every concrete backend with whether it loads here (and why not, with the install command). */
export async function listBackends(): Promise<{ name: TfjsFlavourName; availability: Availability }[]> {
  const list: { name: TfjsFlavourName; availability: Availability }[] = [];
  for (const name of TFJS_FLAVOURS) list.push({ name, availability: await TfjsBackend.of(name).availability() });
  return list;
}
