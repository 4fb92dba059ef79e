// Where things are in a synthetic aerial scene: a class id per pixel (and roof styles for rendering).
import type { Rng } from '../core/rng.js';
import { fractalField } from './synthetic-noise.js';

export const BUILDING = 0;
export const LAND = 1;
export const ROAD = 2;
export const VEGETATION = 3;
export const WATER = 4;
export const UNLABELED = 5;

/** Number of roof styles the renderer knows (see synthetic-render.ts). */
export const ROOF_STYLES = 6;
/** Bit set in `roofs` on a building's outline (drawn darker: roofs have edges). */
export const ROOF_EDGE = 0x80;

export interface SceneLayout {
  readonly width: number;
  readonly height: number;
  /** Class id per pixel, row-major. */
  readonly labels: Uint8Array;
  /** Per pixel: 0 off buildings, else roof style + 1, with ROOF_EDGE on the outline. */
  readonly roofs: Uint8Array;
}

interface Point {
  readonly x: number;
  readonly y: number;
}

interface RoadPath {
  readonly points: readonly Point[];
  readonly halfWidth: number;
}

/**
 * Lays out one scene: sandy land, vegetation from a thresholded fractal field plus clumps of trees,
 * water (a wavy coast along one edge and smooth blobs), straight and curved roads, buildings
 * (rotated rectangles, many lined up along the roads, some in clusters) and a few Unlabeled
 * patches. Sizes are in pixels of the real dataset times `scale`.
 */
export function layoutScene(width: number, height: number, scale: number, rng: Rng): SceneLayout {
  const labels = new Uint8Array(width * height).fill(LAND);
  const roofs = new Uint8Array(width * height);
  const scene = { width, height, labels, roofs };
  const px = (base: number, min = 1): number => Math.max(min, base * scale);
  const shortSide = Math.min(width, height);

  // Vegetation: parks and fields where a smooth field is high, then clumps of trees.
  const vegetation = fractalField(width, height, px(140, 6), 3, rng);
  const threshold = rng.uniform(0, 0.35);
  for (let p = 0; p < labels.length; p++) if (vegetation[p] > threshold) labels[p] = VEGETATION;
  for (let clump = rng.int(4); clump > 0; clump--) {
    const cx = rng.uniform(0, width);
    const cy = rng.uniform(0, height);
    const spread = px(rng.uniform(20, 60), 3);
    for (let tree = 6 + rng.int(20); tree > 0; tree--) {
      fillDisk(scene, cx + rng.normal() * spread, cy + rng.normal() * spread, px(rng.uniform(3, 8)), VEGETATION);
    }
  }

  // Water: sometimes the sea along one side, and a few smooth blobs (lakes, pools, creeks).
  if (rng.random() < 0.35) fillCoast(scene, rng);
  const lakes = rng.weightedIndex([0.45, 0.4, 0.15]);
  for (let lake = 0; lake < lakes; lake++) {
    fillBlob(scene, rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.08, 0.22) * shortSide, rng, WATER);
  }

  // Roads: bands from one border across the image, straight or gently curving; bridges over water.
  const roads: RoadPath[] = [];
  for (let road = 1 + rng.int(4); road > 0; road--) roads.push(drawRoad(scene, px(rng.uniform(8, 18), 1.2), rng));

  // Buildings: along the roads on both sides, then in clusters.
  const density = rng.uniform(0.5, 0.95);
  for (const road of roads) {
    const spacing = Math.max(1, Math.round(px(rng.uniform(30, 50)) / Math.max(1, road.halfWidth)));
    for (let i = 1; i < road.points.length - 1; i += spacing) {
      const { x, y } = road.points[i];
      const angle = Math.atan2(road.points[i + 1].y - road.points[i - 1].y, road.points[i + 1].x - road.points[i - 1].x);
      for (const side of [-1, 1]) {
        if (rng.random() >= density) continue;
        const halfAlong = px(rng.uniform(10, 26), 1.5);
        const halfDepth = px(rng.uniform(9, 22), 1.5);
        const offset = road.halfWidth + px(rng.uniform(3, 10)) + halfDepth;
        const cx = x - Math.sin(angle) * offset * side;
        const cy = y + Math.cos(angle) * offset * side;
        placeBuilding(scene, cx, cy, angle, halfAlong, halfDepth, rng.int(ROOF_STYLES), px(1.5), px(2));
      }
    }
  }
  for (let cluster = 1 + rng.int(3); cluster > 0; cluster--) {
    const cx = rng.uniform(0, width);
    const cy = rng.uniform(0, height);
    const angle = rng.uniform(0, Math.PI);
    const pitch = px(rng.uniform(40, 70), 4);
    const side = 3 + rng.int(4);
    const style = rng.int(ROOF_STYLES);
    for (let row = 0; row < side; row++) {
      for (let column = 0; column < side; column++) {
        if (rng.random() < 0.25) continue;
        const u = (column - (side - 1) / 2) * pitch;
        const v = (row - (side - 1) / 2) * pitch;
        const half = pitch * rng.uniform(0.25, 0.4);
        placeBuilding(
          scene,
          cx + u * Math.cos(angle) - v * Math.sin(angle),
          cy + u * Math.sin(angle) + v * Math.cos(angle),
          angle,
          half,
          half * rng.uniform(0.7, 1.1),
          rng.random() < 0.7 ? style : rng.int(ROOF_STYLES),
          px(1.5),
          px(2),
        );
      }
    }
  }

  // A few Unlabeled patches (construction sites, clutter the annotators left out).
  if (rng.random() < 0.5) {
    for (let patch = 1 + rng.int(2); patch > 0; patch--) {
      fillBlob(scene, rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.03, 0.08) * shortSide, rng, UNLABELED);
    }
  }
  return scene;
}

function set(scene: SceneLayout, p: number, id: number): void {
  scene.labels[p] = id;
  scene.roofs[p] = 0;
}

function fillDisk(scene: SceneLayout, cx: number, cy: number, radius: number, id: number): void {
  const { width, height, labels } = scene;
  const r2 = radius * radius;
  for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
    for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(width - 1, Math.ceil(cx + radius)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const p = y * width + x;
      // Trees grow on land and in parks, not on roads, water or roofs.
      if (dx * dx + dy * dy <= r2 && labels[p] === LAND) set(scene, p, id);
    }
  }
}

/** A smooth blob: radius R·(1 + low harmonics of the angle), so its outline is a wobbly closed curve. */
function fillBlob(scene: SceneLayout, cx: number, cy: number, radius: number, rng: Rng, id: number): void {
  const { width, height } = scene;
  const harmonics = [1, 2, 3, 4].map((k) => ({ k, amplitude: rng.uniform(0, 0.25) / k, phase: rng.uniform(0, 2 * Math.PI) }));
  const reach = radius * (1 + harmonics.reduce((sum, { amplitude }) => sum + amplitude, 0));
  for (let y = Math.max(0, Math.floor(cy - reach)); y <= Math.min(height - 1, Math.ceil(cy + reach)); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x <= Math.min(width - 1, Math.ceil(cx + reach)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const distance = Math.sqrt(dx * dx + dy * dy);
      if (distance > reach) continue;
      const angle = Math.atan2(dy, dx);
      let edge = 1;
      for (const { k, amplitude, phase } of harmonics) edge += amplitude * Math.sin(k * angle + phase);
      if (distance <= radius * edge) set(scene, y * width + x, id);
    }
  }
}

/** The sea along one side of the image, its shore a sum of two sine waves. */
function fillCoast(scene: SceneLayout, rng: Rng): void {
  const { width, height } = scene;
  const side = rng.int(4); // 0 top, 1 right, 2 bottom, 3 left
  const along = side % 2 === 0 ? width : height;
  const across = side % 2 === 0 ? height : width;
  const depth = rng.uniform(0.1, 0.3) * across;
  const waves = [0, 1].map(() => ({
    frequency: (rng.uniform(0.5, 3) * 2 * Math.PI) / along,
    amplitude: rng.uniform(0.05, 0.3) * depth,
    phase: rng.uniform(0, 2 * Math.PI),
  }));
  for (let t = 0; t < along; t++) {
    let shore = depth;
    for (const { frequency, amplitude, phase } of waves) shore += amplitude * Math.sin(frequency * t + phase);
    for (let d = 0; d < Math.min(across, shore); d++) {
      const x = side === 0 || side === 2 ? t : side === 1 ? width - 1 - d : d;
      const y = side === 1 || side === 3 ? t : side === 2 ? height - 1 - d : d;
      set(scene, y * width + x, WATER);
    }
  }
}

/** A road from a random border point into the image; its heading drifts as a sine for curved roads. */
function drawRoad(scene: SceneLayout, halfWidth: number, rng: Rng): RoadPath {
  const { width, height } = scene;
  const side = rng.int(4);
  const start: Point =
    side === 0
      ? { x: rng.uniform(0, width), y: 0 }
      : side === 1
        ? { x: width, y: rng.uniform(0, height) }
        : side === 2
          ? { x: rng.uniform(0, width), y: height }
          : { x: 0, y: rng.uniform(0, height) };
  const target: Point = { x: rng.uniform(0.25, 0.75) * width, y: rng.uniform(0.25, 0.75) * height };
  const heading = Math.atan2(target.y - start.y, target.x - start.x);
  const curved = rng.random() < 0.5;
  const bend = curved ? rng.uniform(0.2, 0.7) : 0;
  const wavelength = rng.uniform(0.6, 2) * Math.max(width, height);
  const phase = rng.uniform(0, 2 * Math.PI);
  const step = Math.max(1, halfWidth);
  const points: Point[] = [start];
  const limit = 3 * (width + height);
  let { x, y } = start;
  for (let travelled = 0; travelled < limit; travelled += step) {
    const angle = heading + bend * Math.sin((2 * Math.PI * travelled) / wavelength + phase) - bend * Math.sin(phase);
    x += Math.cos(angle) * step;
    y += Math.sin(angle) * step;
    points.push({ x, y });
    if (x < -halfWidth || y < -halfWidth || x > width + halfWidth || y > height + halfWidth) break;
  }
  for (let i = 1; i < points.length; i++) fillCapsule(scene, points[i - 1], points[i], halfWidth, ROAD);
  return { points, halfWidth };
}

/** Every pixel within `radius` of the segment a–b. */
function fillCapsule(scene: SceneLayout, a: Point, b: Point, radius: number, id: number): void {
  const { width, height } = scene;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy || 1;
  const r2 = radius * radius;
  for (
    let y = Math.max(0, Math.floor(Math.min(a.y, b.y) - radius));
    y <= Math.min(height - 1, Math.ceil(Math.max(a.y, b.y) + radius));
    y++
  ) {
    for (
      let x = Math.max(0, Math.floor(Math.min(a.x, b.x) - radius));
      x <= Math.min(width - 1, Math.ceil(Math.max(a.x, b.x) + radius));
      x++
    ) {
      const px = x + 0.5 - a.x;
      const py = y + 0.5 - a.y;
      const t = Math.min(1, Math.max(0, (px * dx + py * dy) / length2));
      const ex = px - t * dx;
      const ey = py - t * dy;
      if (ex * ex + ey * ey <= r2) set(scene, y * width + x, id);
    }
  }
}

/**
 * A rotated rectangle of roof, placed only where it (with a `margin`) covers no road, water or other
 * building; its outline (`edge` pixels wide) is marked for the renderer.
 */
function placeBuilding(
  scene: SceneLayout,
  cx: number,
  cy: number,
  angle: number,
  halfA: number,
  halfB: number,
  style: number,
  edge: number,
  margin: number,
): boolean {
  const { width, height, labels, roofs } = scene;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const reach = Math.sqrt((halfA + margin) ** 2 + (halfB + margin) ** 2);
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(height - 1, Math.ceil(cy + reach));
  if (x0 > x1 || y0 > y1) return false;
  const local = (x: number, y: number): [number, number] => {
    const dx = x + 0.5 - cx;
    const dy = y + 0.5 - cy;
    return [Math.abs(dx * cos + dy * sin), Math.abs(-dx * sin + dy * cos)];
  };
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const [u, v] = local(x, y);
      if (u > halfA + margin || v > halfB + margin) continue;
      const id = labels[y * width + x];
      if (id === ROAD || id === WATER || id === BUILDING) return false;
    }
  }
  // Small roofs (a few pixels at low scale) get no outline: it would be most of the roof.
  const outline = Math.min(halfA, halfB) >= 3 * edge ? edge : 0;
  let placed = false;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const [u, v] = local(x, y);
      if (u > halfA || v > halfB) continue;
      const p = y * width + x;
      labels[p] = BUILDING;
      roofs[p] = (style + 1) | (outline > 0 && (u > halfA - outline || v > halfB - outline) ? ROOF_EDGE : 0);
      placed = true;
    }
  }
  return placed;
}
