// Starts a throw-away redis-server on 127.0.0.1 for a test file: free port, temp dir, no persistence.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:port`, with `:password@` when started with one. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Why the distributed tests cannot run here, or undefined when they can. */
export function redisUnavailable(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.error ? 'redis-server not installed: apt-get install redis-server' : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when something answers a RESP PING on the port (+PONG, or -NOAUTH behind a password). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bandster-redis-'));
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
    if (options.password) args.push('--requirepass', options.password);
    const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let exited = false;
    const exit = new Promise<void>((resolve) =>
      child.once('exit', () => {
        exited = true;
        resolve();
      }),
    );
    const deadline = Date.now() + 5_000;
    while (!exited && Date.now() < deadline && !(await answersPing(port))) await new Promise((resolve) => setTimeout(resolve, 20));
    const stop = async (): Promise<void> => {
      if (!exited) child.kill('SIGKILL');
      await exit;
      fs.rmSync(dir, { recursive: true, force: true });
    };
    if (!exited && Date.now() < deadline) {
      const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
      return { port, url: `redis://${auth}127.0.0.1:${port}`, stop };
    }
    await stop();
    // Another process took the port between freePort() and redis-server's bind: try another.
    if (attempt === 3) throw new Error(`redis-server did not start on 127.0.0.1 (4 attempts)`);
  }
}

let queueCounter = 0;
/** A queue name no other test uses. */
export function freshQueue(label: string): string {
  return `t${process.pid}-${++queueCounter}-${label}`;
}
