// What a synthetic scene looks like from above: each class its own colour, texture and grain.
import type { Rng } from '../core/rng.js';
import { BUILDING, LAND, ROAD, ROOF_EDGE, UNLABELED, VEGETATION, WATER, type SceneLayout } from './synthetic-layout.js';
import { fractalField, smoothField } from './synthetic-noise.js';

/**
 * Mean colours, loosely after the Dubai images: sandy land, dark green vegetation, dark blue-green
 * water, grey asphalt, light or terracotta roofs, dark cluttered Unlabeled ground.
 */
const LAND_RGB = [202, 168, 116];
const VEGETATION_RGB = [58, 104, 42];
const WATER_RGB = [30, 76, 90];
const ROAD_RGB = [104, 107, 116];
const UNLABELED_RGB = [86, 76, 68];
const ROOF_RGB = [
  [238, 238, 236],
  [222, 224, 226],
  [200, 204, 210],
  [176, 96, 78],
  [150, 168, 190],
  [244, 240, 232],
];

/**
 * RGB bytes for a laid-out scene. Texture amplitudes differ by class: water is smooth, roads nearly
 * flat, land varies slowly, vegetation is rough at the pixel scale, roofs are flat with dark
 * outlines, Unlabeled ground is noisy. A per-image gain and tint stand for lighting and haze.
 */
export function renderScene(layout: SceneLayout, scale: number, rng: Rng): Uint8Array {
  const { width, height, labels, roofs } = layout;
  const low = fractalField(width, height, Math.max(8, 160 * scale), 2, rng);
  const mid = smoothField(width, height, Math.max(2, 10 * scale), rng);
  const fine = smoothField(width, height, 2.2, rng);
  const grain = rng.fork();
  const gain = rng.uniform(0.93, 1.07);
  const tint = [rng.normal() * 4, rng.normal() * 4, rng.normal() * 4];

  // One row of coefficients per class (indexed by class id), so that the pixel loop does not branch.
  const coefficients = new Float64Array(6 * 9);
  const style = (
    id: number,
    rgb: readonly number[],
    spread: number,
    low: number,
    mid: number,
    fine: number,
    luma: number,
    warm: number,
  ): void => {
    const row = [...rgb.map((value) => value + rng.normal() * spread), low, mid, fine, luma, warm];
    coefficients.set(row, id * 9);
  };
  // id: base colour, per-image spread, then amplitudes of the low / mid / fine fields, of the grain, of the warm/cool shift.
  style(LAND, LAND_RGB, 6, 12, 6, 0, 7, 3);
  style(VEGETATION, VEGETATION_RGB, 5, 6, 6, 16, 10, 5);
  style(WATER, WATER_RGB, 4, 6, 0, 0, 2, 1);
  style(ROAD, ROAD_RGB, 5, 0, 4, 0, 6, 1);
  style(BUILDING, [0, 0, 0], 0, 0, 4, 0, 5, 2); // colour from the roof style
  style(UNLABELED, UNLABELED_RGB, 5, 0, 25, 18, 28, 10);
  const roofColours = new Float64Array(ROOF_RGB.length * 3);
  ROOF_RGB.forEach((rgb, index) =>
    roofColours.set(
      rgb.map((value) => value + rng.normal() * 5),
      index * 3,
    ),
  );
  const [tintR, tintG, tintB] = tint;

  // Clamped bytes: stores clamp to [0, 255] and round (half to even) without a branch of ours.
  const image = new Uint8ClampedArray(width * height * 3);
  for (let p = 0, i = 0; p < labels.length; p++, i += 3) {
    const row = labels[p] * 9;
    // Sensor grain: two triangular samples in [−1, 1] (σ ≈ 0.41) from the four bytes of one 32-bit draw,
    // so that a hundred million pixels cost a fraction of what Rng.normal() would.
    const bits = grain.nextUint32();
    const luma = ((bits & 0xff) + ((bits >>> 8) & 0xff) - 255) / 255;
    const chroma = (((bits >>> 16) & 0xff) + (bits >>> 24) - 255) / 255;
    const warm = coefficients[row + 7] * chroma;
    let light =
      coefficients[row + 3] * low[p] + coefficients[row + 4] * mid[p] + coefficients[row + 5] * fine[p] + coefficients[row + 6] * luma;
    let r = coefficients[row];
    let g = coefficients[row + 1];
    let b = coefficients[row + 2];
    const roof = roofs[p];
    if (roof !== 0) {
      const colour = ((roof & ~ROOF_EDGE) - 1) * 3;
      r = roofColours[colour];
      g = roofColours[colour + 1];
      b = roofColours[colour + 2];
      if ((roof & ROOF_EDGE) !== 0) light -= 55; // roofs have dark outlines (walls, parapets, shadow)
    }
    image[i] = (r + light + warm) * gain + tintR;
    image[i + 1] = (g + light) * gain + tintG;
    image[i + 2] = (b + light - warm) * gain + tintB;
  }
  return new Uint8Array(image.buffer);
}
