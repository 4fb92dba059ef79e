// One backend of `bandster bench backends` in its own process (see measureInChild): arguments as JSON
// in argv[2], progress on stderr, the rows as the last stdout line.
import { CHILD_RESULT, measureBackendSizes } from './backend-benchmark.js';

const { name, sizes, seconds, maxStepSeconds } = JSON.parse(process.argv[2] ?? '{}') as {
  name: string;
  sizes: number[];
  seconds: number;
  maxStepSeconds: number;
};
const rows = await measureBackendSizes(name, sizes, { seconds, maxStepSeconds, log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${CHILD_RESULT}${JSON.stringify(rows)}\n`);
// tfjs-wasm and onnxruntime keep handles open; the measurement is done.
process.exit(0);
