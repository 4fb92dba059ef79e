// Service benchmark: `bandster serve` over HTTP on loopback with keep-alive, against the strongest
// plain alternatives measured in the same run — the in-process ask/tell loop (no HTTP at all) and
// a bare Fastify echo route (HTTP and JSON, no search) — and the full 10,000-request fuzz.
//
// Run: `npm run bench service [--quick]`, or `node --import tsx bench/service.ts [--quick]`.
//
// Figures:
// - ask+tell round trips per second with random search (target ≥ 3,000/s), with `CLIENTS` keep-alive
//   connections asking and telling at once;
// - BOHB's ask latency (p50, p99) over HTTP once the study holds 1,000 results (target p99 ≤ 5 ms),
//   one client asking then telling, so no ask waits at a rung barrier.
// Each figure is repeated and printed with its spread (min / median / max). The throughput clients
// run in a worker thread, as a client in another process would: the server keeps its own thread.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const CLIENTS = 8;
const REPEATS = 3;

interface Client {
  post(route: string, body: unknown): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }>;
  raw(method: string, route: string, body: string | undefined, contentType: string | undefined): Promise<number>;
  close(): void;
}

/** A keep-alive HTTP client on node:http (the transport a Node service would use). */
function client(base: string, sockets: number): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(base);
  const request = (method: string, route: string, body: string | undefined, contentType: string | undefined) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path: route,
          headers:
            body === undefined ? {} : { 'content-type': contentType ?? 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    async post(route, body) {
      const answer = await request('POST', route, JSON.stringify(body), undefined);
      return { status: answer.status, body: JSON.parse(answer.text) };
    },
    async raw(method, route, body, contentType) {
      return (await request(method, route, body, contentType)).status;
    },
    close: () => agent.destroy(),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function spread(values: readonly number[], digits = 0): string {
  const sorted = [...values].sort((a, b) => a - b);
  const format = (value: number) => value.toFixed(digits);
  return `${format(quantile(sorted, 0.5))} (${format(sorted[0])}–${format(sorted[sorted.length - 1])})`;
}

export async function run(options: { quick?: boolean; write?: (text: string) => void } = {}): Promise<void> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const quick = options.quick ?? false;
  const { Search } = await import('../src/core/search.js');
  const { countingOnes } = await import('../src/benchmarks/counting-ones.js');
  const { createStudyServer } = await import('../src/service/study-server.js');
  const { createHttpApp } = await import('../src/service/http-app.js');
  const { Result } = await import('../src/core/result.js');
  const { fuzzRequests } = await import('../test/service/fuzz-requests.js');
  const roundTrips = quick ? 2000 : 10_000;
  const space = countingOnes({ categorical: 4, continuous: 4 }).space;
  const loss = (config: Record<string, unknown>) => -Object.values(config).reduce((sum: number, value) => sum + Number(value), 0);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-bench-service-'));
  const randomStudy = { preset: 'counting-ones', optimizer: 'random-search', minBudget: 1, maxBudget: 1, nIterations: 100_000 };

  try {
    // --- ask+tell throughput, random search ---------------------------------------------------
    const inProcess: number[] = [];
    const echo: number[] = [];
    const served: number[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      // In process: the same search, logged to disk the same way, no HTTP.
      const search = new Search({
        space,
        optimizer: 'random-search',
        minBudget: 1,
        maxBudget: 1,
        nIterations: 100_000,
        seed: repeat,
        logDir: path.join(temp, `in-process-${repeat}`),
      });
      const start = performance.now();
      for (let i = 0; i < roundTrips; i++) {
        const job = (await search.ask())!;
        search.tell(job, loss(job.config));
      }
      inProcess.push(roundTrips / ((performance.now() - start) / 1000));
      search.close();

      // A bare Fastify echo route: the HTTP and JSON cost of two requests, nothing else.
      const app = createHttpApp();
      app.post('/echo', async (request) => request.body);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const echoBase = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      echo.push(await throughputInWorker(echoBase, 'echo', roundTrips));
      await app.close();

      // bandster serve: ask, then tell, over keep-alive connections.
      const server = await createStudyServer({ data: path.join(temp, `served-${repeat}`) });
      const base = await server.listen('127.0.0.1', 0);
      const setup = client(base, 1);
      await setup.post('/api/studies', { name: 'random', ...randomStudy, seed: repeat });
      setup.close();
      served.push(await throughputInWorker(base, 'serve', roundTrips));
      await server.close();
    }
    const median = (values: number[]) =>
      quantile(
        [...values].sort((a, b) => a - b),
        0.5,
      );
    write(
      `ask+tell round trips per second, random search, ${roundTrips} round trips, ${CLIENTS} keep-alive clients, ${REPEATS} repeats: median (min–max)\n`,
    );
    write(`  in-process ask/tell loop (no HTTP)     ${spread(inProcess)}\n`);
    write(`  bare Fastify echo, two requests        ${spread(echo)}\n`);
    write(`  bandster serve, ask + tell             ${spread(served)}   target ≥ 3000\n`);
    write(
      `  ratio serve / echo ${(median(served) / median(echo)).toFixed(2)}, serve / in-process ${(median(served) / median(inProcess)).toFixed(3)}\n\n`,
    );

    // --- BOHB ask latency at 1,000 results ----------------------------------------------------
    const measured = quick ? 200 : 500;
    const httpP50: number[] = [];
    const httpP99: number[] = [];
    const localP99: number[] = [];
    const echoP99: number[] = [];
    const httpCpuP99: number[] = [];
    const bohbStudy = { preset: 'counting-ones', optimizer: 'bohb', nIterations: 80 };
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const server = await createStudyServer({ data: path.join(temp, `bohb-${repeat}`) });
      const base = await server.listen('127.0.0.1', 0);
      const api = client(base, 1);
      await api.post('/api/studies', { name: 'bohb', ...bohbStudy, seed: repeat });
      const benchmark = countingOnes({ seed: repeat });
      const evaluate = (job: { configId: number[]; config: Record<string, unknown>; budget: number }) =>
        (benchmark.objective(job.config as never, job.budget, { configId: job.configId } as never) as { loss: number }).loss;
      const latencies: number[] = [];
      const cpuTimes: number[] = [];
      for (let i = 0; i < 1000 + measured; i++) {
        const cpu = process.cpuUsage();
        const start = performance.now();
        const { body } = await api.post('/api/studies/bohb/ask', { waitMs: 1000 });
        if (i >= 1000) {
          latencies.push(performance.now() - start);
          const used = process.cpuUsage(cpu);
          cpuTimes.push((used.user + used.system) / 1000);
        }
        if (body.status !== 'job') throw new Error(`ask ${i} answered ${JSON.stringify(body)}`);
        await api.post('/api/studies/bohb/tell', { configId: body.job.configId, budget: body.job.budget, loss: evaluate(body.job) });
      }
      latencies.sort((a, b) => a - b);
      httpP50.push(quantile(latencies, 0.5));
      httpP99.push(quantile(latencies, 0.99));
      cpuTimes.sort((a, b) => a - b);
      httpCpuP99.push(quantile(cpuTimes, 0.99));
      api.close();
      await server.close();

      // The same search in process, same seed: ask latency without HTTP.
      const local = new Search({
        space: benchmark.space,
        optimizer: 'bohb',
        minBudget: benchmark.minBudget,
        maxBudget: benchmark.maxBudget,
        nIterations: 80,
        seed: repeat,
        logDir: path.join(temp, `bohb-local-${repeat}`),
      });
      const localLatencies: number[] = [];
      for (let i = 0; i < 1000 + measured; i++) {
        const start = performance.now();
        const job = (await local.ask())!;
        if (i >= 1000) localLatencies.push(performance.now() - start);
        local.tell(job, evaluate(job as never));
      }
      local.close();
      localLatencies.sort((a, b) => a - b);
      localP99.push(quantile(localLatencies, 0.99));

      const app = createHttpApp();
      app.post('/echo', async (request) => request.body);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const echoClient = client(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`, 1);
      const echoLatencies: number[] = [];
      for (let i = 0; i < measured; i++) {
        const start = performance.now();
        await echoClient.post('/echo', { waitMs: 1000 });
        echoLatencies.push(performance.now() - start);
      }
      echoClient.close();
      await app.close();
      echoLatencies.sort((a, b) => a - b);
      echoP99.push(quantile(echoLatencies, 0.99));
    }
    write(
      `BOHB ask latency at 1,000 results (asks 1,000–${1000 + measured}, counting ones 8+8, one client), ms: median (min–max) over ${REPEATS} repeats\n`,
    );
    write(`  in-process ask p99                     ${spread(localP99, 2)}\n`);
    write(`  bare Fastify echo p99                  ${spread(echoP99, 2)}\n`);
    write(`  bandster serve ask p50                 ${spread(httpP50, 2)}\n`);
    write(`  bandster serve ask p99                 ${spread(httpP99, 2)}   target ≤ 5\n`);
    // On a shared machine the wall-clock tail is mostly time spent descheduled; the CPU time the
    // process (client and server together) spent on each ask is what an idle machine would take.
    write(`  bandster serve ask p99, CPU time       ${spread(httpCpuP99, 2)}   (client + server, independent of other load)\n`);
    write(`  ratio serve p99 / in-process p99 ${(median(httpP99) / median(localP99)).toFixed(2)}\n\n`);

    // --- fuzz: 10,000 requests over HTTP ------------------------------------------------------
    const fuzzCount = quick ? 2000 : 10_000;
    const server = await createStudyServer({ data: path.join(temp, 'fuzz'), bodyLimit: 64 * 1024 });
    const base = await server.listen('127.0.0.1', 0);
    const api = client(base, 1);
    const studies = ['fuzz-a', 'fuzz-b'];
    await api.post('/api/studies', {
      name: 'fuzz-a',
      preset: 'branin',
      optimizer: 'successive-halving',
      minBudget: 1,
      maxBudget: 9,
      nIterations: 1,
    });
    await api.post('/api/studies', { name: 'fuzz-b', preset: 'branin', minBudget: 1, maxBudget: 9, nIterations: 2, asynchronous: true });
    const statuses = new Map<number, number>();
    let malformedNot4xx = 0;
    const start = performance.now();
    // The event stream's requests are left out (a stream stays open): the generator is asked for a
    // few more so that exactly fuzzCount requests are sent.
    let sentSoFar = 0;
    for (const request of fuzzRequests(7, Math.ceil(fuzzCount * 1.1), studies)) {
      if (request.url.endsWith('/events')) continue;
      if (sentSoFar++ === fuzzCount) break;
      let status: number;
      try {
        status = await api.raw(request.method, request.url, request.body, request.contentType);
      } catch {
        status = -1; // the connection failed: counted, and the check below fails
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (request.malformed && !(status >= 400 && status < 500)) malformedNot4xx++;
    }
    const seconds = (performance.now() - start) / 1000;
    const stillUp = (await api.post('/api/studies/fuzz-a/ask', { waitMs: 0 })).status === 200;
    const logsRead = studies.every((name) => Result.fromDirectory(path.join(temp, 'fuzz', name)).warnings.length === 0);
    api.close();
    await server.close();
    const sent = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    const serverErrors = [...statuses].filter(([status]) => status >= 500 || status < 0).reduce((sum, [, count]) => sum + count, 0);
    write(
      `fuzz: ${sent} requests over HTTP in ${seconds.toFixed(1)} s: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`,
    );
    write(
      `  5xx or dropped: ${serverErrors}; malformed but not 4xx: ${malformedNot4xx}; server still up: ${stillUp}; every study's log reads cleanly: ${logsRead}\n`,
    );
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

type RoundTripKind = 'echo' | 'serve';

const ROUND_TRIPS: Record<RoundTripKind, (http: Client) => Promise<void>> = {
  echo: async (http) => {
    await http.post('/echo', { waitMs: 1000 });
    await http.post('/echo', { configId: [0, 0, 1], budget: 1, loss: -3 });
  },
  serve: async (http) => {
    const { body } = await http.post('/api/studies/random/ask', { waitMs: 1000 });
    const loss = -Object.values(body.job.config as Record<string, number>).reduce((sum, value) => sum + Number(value), 0);
    const told = await http.post('/api/studies/random/tell', { configId: body.job.configId, budget: body.job.budget, loss });
    if (told.status !== 200) throw new Error(`tell answered ${told.status}`);
  },
};

/** Round trips per second measured by CLIENTS loops in a worker thread. */
function throughputInWorker(base: string, kind: RoundTripKind, total: number): Promise<number> {
  // Threads do not inherit tsx's loader: register it in the thread, then load this file there.
  const entry = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), { workerData: { base, kind, total } });
  return new Promise((resolve, reject) => {
    worker.once('message', (rate: number) => {
      resolve(rate);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Round trips per second of `roundTrip`, run `total` times by CLIENTS concurrent loops. */
async function throughput(http: Client, total: number, roundTrip: (http: Client) => Promise<void>): Promise<number> {
  let remaining = total;
  // Warm-up: connections opened, code paths compiled.
  for (let i = 0; i < 200; i++) await roundTrip(http);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (remaining-- > 0) await roundTrip(http);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  http.close();
  return total / seconds;
}

if (!isMainThread && workerData?.kind) {
  const { base, kind, total } = workerData as { base: string; kind: RoundTripKind; total: number };
  parentPort!.postMessage(await throughput(client(base, CLIENTS), total, ROUND_TRIPS[kind]));
} else if (isMainThread && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run({ quick: process.argv.includes('--quick') });
}
