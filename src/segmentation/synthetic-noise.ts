// Seeded noise for synthetic scenes: smooth value-noise fields.
import type { Rng } from '../core/rng.js';

/**
 * A smooth random field on a width × height grid with values in about [−1, 1]: value noise on a
 * lattice of `cell` pixels, interpolated with smoothstep weights (Perlin's 1985 "noise" without
 * gradients; cheap, and smooth enough for terrain, water and texture).
 */
export function smoothField(width: number, height: number, cell: number, rng: Rng): Float32Array {
  const step = Math.max(1, cell);
  const latticeWidth = Math.ceil(width / step) + 2;
  const latticeHeight = Math.ceil(height / step) + 2;
  const lattice = new Float32Array(latticeWidth * latticeHeight);
  for (let i = 0; i < lattice.length; i++) lattice[i] = 2 * rng.random() - 1;
  // A random offset so that lattice points do not line up across fields of the same cell size.
  const offsetX = rng.random() * step;
  const offsetY = rng.random() * step;
  const column = new Int32Array(width);
  const weightX = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const position = (x + offsetX) / step;
    const index = Math.floor(position);
    const t = position - index;
    column[x] = index;
    weightX[x] = t * t * (3 - 2 * t);
  }
  const field = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const position = (y + offsetY) / step;
    const row = Math.floor(position);
    const t = position - row;
    const weightY = t * t * (3 - 2 * t);
    const top = row * latticeWidth;
    const bottom = top + latticeWidth;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      const c = column[x];
      const wx = weightX[x];
      const upper = lattice[top + c] + (lattice[top + c + 1] - lattice[top + c]) * wx;
      const lower = lattice[bottom + c] + (lattice[bottom + c + 1] - lattice[bottom + c]) * wx;
      field[out + x] = upper + (lower - upper) * weightY;
    }
  }
  return field;
}

/** Octaves of `smoothField`, each half the cell and half the amplitude, normalised back to about [−1, 1]. */
export function fractalField(width: number, height: number, cell: number, octaves: number, rng: Rng): Float32Array {
  const field = smoothField(width, height, cell, rng);
  let amplitude = 1;
  let total = 1;
  for (let octave = 1; octave < octaves; octave++) {
    amplitude /= 2;
    total += amplitude;
    const detail = smoothField(width, height, cell / 2 ** octave, rng);
    for (let i = 0; i < field.length; i++) field[i] += amplitude * detail[i];
  }
  for (let i = 0; i < field.length; i++) field[i] /= total;
  return field;
}
