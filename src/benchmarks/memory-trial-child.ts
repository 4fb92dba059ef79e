// One point of `bandster bench memory` in its own process (see measureInChild in memory-benchmark.ts):
// the point as JSON in argv[2], the measurement as the last stdout line.
import { MEMORY_RESULT, measureTrial, type MemoryPoint } from './memory-trial.js';

const point = JSON.parse(process.argv[2] ?? '{}') as MemoryPoint;
try {
  const measurement = await measureTrial(point);
  process.stdout.write(`${MEMORY_RESULT}${JSON.stringify(measurement)}\n`);
} catch (error) {
  process.stdout.write(`${MEMORY_RESULT}${JSON.stringify({ point, error: (error as Error).message.split('\n')[0] })}\n`);
}
// tfjs-wasm and onnxruntime keep handles open; the measurement is done.
process.exit(0);
