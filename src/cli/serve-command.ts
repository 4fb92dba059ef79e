import { Command } from 'commander';
import { stopOnSignals } from './cli-values.js';
import { addFlags, type FlagTable, integer, readFlags, text } from './flags.js';
import { printErr, printOut } from './terminal-text.js';

/** What `bandster serve` and `bandster dashboard` listen on. */
export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly bodyLimit?: number;
}

/** The flags of every command that listens (serve, dashboard). */
export const LISTEN_FLAGS = {
  host: {
    flag: '--host <address>',
    description: 'address to listen on; anything but loopback needs --token',
    parse: text,
    default: '127.0.0.1',
  },
  port: { flag: '--port <n>', description: 'port (0: any free port, printed at start)', parse: integer, default: 8470 },
  token: {
    flag: '--token <token>',
    description: 'require "Authorization: Bearer <token>" on every request (default: $BANDSTER_TOKEN)',
    parse: text,
  },
  bodyLimit: { flag: '--body-limit <bytes>', description: 'largest request body', parse: integer, defaultText: '1048576' },
} as const satisfies FlagTable<ListenOptions>;

/** The listening options from the flags, the token from $BANDSTER_TOKEN when no flag gives one (argv is visible to other users). */
export function readListenFlags(values: Record<string, unknown>): ListenOptions {
  const flags = readFlags<ListenOptions>(values, LISTEN_FLAGS);
  const token = flags.token ?? (process.env.BANDSTER_TOKEN || undefined);
  return {
    host: flags.host ?? LISTEN_FLAGS.host.default,
    port: flags.port ?? LISTEN_FLAGS.port.default,
    token,
    bodyLimit: flags.bodyLimit,
  };
}

/** Runs until Ctrl-C / SIGTERM, then closes `server`. */
export async function serveUntilStopped(close: () => Promise<void>): Promise<void> {
  const signal = stopOnSignals();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await close();
}

export function serveCommand(): Command {
  const command = new Command('serve').description(
    'serve ask/tell studies over HTTP (JSON API, Server-Sent Events) with a live dashboard per study; each study is a bandster log directory under --data',
  );
  command.requiredOption('--data <dir>', 'folder holding one log directory per study (created when missing)');
  addFlags(command, LISTEN_FLAGS);
  return command.action(async (values: Record<string, unknown>) => {
    // Fastify loads only for the commands that listen.
    const { createStudyServer } = await import('../service/study-server.js');
    const { checkListenAddress } = await import('../service/access.js');
    const listen = readListenFlags(values);
    checkListenAddress(listen.host, listen.token);
    const server = await createStudyServer({
      data: values.data as string,
      token: listen.token,
      bodyLimit: listen.bodyLimit,
      onWarning: (message) => printErr(`warning: ${message}\n`),
    });
    const url = await server.listen(listen.host, listen.port);
    const studies = server.studies.list();
    printOut(
      `bandster serve: listening on ${url} (${studies.length} ${studies.length === 1 ? 'study' : 'studies'} resumed from ${values.data})\n` +
        `  API:        ${url}/api/studies\n  dashboards: ${url}/\n`,
    );
    await serveUntilStopped(() => server.close());
  });
}
