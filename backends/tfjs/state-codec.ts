// The checkpoint format is every backend's (checkpoints interchange between them): backends/state-codec.ts.
export { decodeState, encodeState, type ModelState } from '../state-codec.js';
