// Where `auto` keeps what it measured: one JSON file per user, keyed by a fingerprint of the machine and
// the software, so that a new CPU, Node or backend package version measures again.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

/** One backend's measured training speed, or why it was not measured. */
export interface SpeedRecord {
  readonly imagesPerSecond?: number;
  readonly unavailable?: string;
}

export interface SpeedMeasurement {
  readonly measuredAt: string;
  readonly fingerprint: string;
  /** What was trained (the reference workload). */
  readonly workload: string;
  readonly results: Readonly<Record<string, SpeedRecord>>;
}

/**
 * The cache file: `$BANDSTER_CACHE_DIR/backend-speed.json`, else `$XDG_CACHE_HOME/bandster/…`, else
 * `~/.cache/bandster/backend-speed.json`.
 */
export function defaultSpeedCacheFile(): string {
  const dir = process.env.BANDSTER_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'bandster');
  return path.join(dir, 'backend-speed.json');
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'absent';
  }
}

/** The machine and software a measurement holds for: CPU model and count, platform, Node, backend packages. */
export function machineFingerprint(candidates: readonly string[]): string {
  const cpus = os.cpus();
  return [
    `${cpus[0]?.model ?? 'unknown cpu'} ×${cpus.length}`,
    `${process.platform}-${process.arch}`,
    `node ${process.versions.node}`,
    ...['@tensorflow/tfjs-core', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'].map(
      (name) => `${name} ${packageVersion(name)}`,
    ),
    `candidates ${candidates.join(',')}`,
  ].join(' | ');
}

export function readSpeedCache(file: string, fingerprint: string, workload: string): SpeedMeasurement | undefined {
  try {
    const all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, SpeedMeasurement>;
    const entry = all[fingerprint];
    return entry && entry.workload === workload ? entry : undefined;
  } catch {
    return undefined; // absent or unreadable: measure again
  }
}

/** Adds the measurement to the file (other machines' entries are kept), written aside and renamed. */
export function writeSpeedCache(file: string, measurement: SpeedMeasurement): void {
  let all: Record<string, SpeedMeasurement> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, SpeedMeasurement>;
  } catch {
    // a new file
  }
  all[measurement.fingerprint] = measurement;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(temporary, `${JSON.stringify(all, null, 2)}\n`);
  fs.renameSync(temporary, file);
}
