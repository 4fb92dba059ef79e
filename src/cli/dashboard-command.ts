import * as fs from 'node:fs';
import { Command } from 'commander';
import { addFlags } from './flags.js';
import { LISTEN_FLAGS, readListenFlags, serveUntilStopped } from './serve-command.js';
import { printErr, printOut } from './terminal-text.js';

export function dashboardCommand(): Command {
  const command = new Command('dashboard')
    .description("serve a live dashboard of a run directory while it is written (bandster's or hpbandster's), following appended lines")
    .argument('<dir>', 'run directory (configs.json and results.json)');
  addFlags(command, { ...LISTEN_FLAGS, port: { ...LISTEN_FLAGS.port, default: 8471 } });
  return command.action(async (dir: string, values: Record<string, unknown>) => {
    const { createDashboardServer } = await import('../dashboard/dashboard-server.js');
    const { checkListenAddress } = await import('../service/access.js');
    const listen = readListenFlags(values);
    checkListenAddress(listen.host, listen.token);
    if (!fs.existsSync(dir)) printErr(`warning: ${dir} does not exist yet: the page fills in once a search writes there\n`);
    const server = await createDashboardServer({ dir, token: listen.token, bodyLimit: listen.bodyLimit });
    const url = await server.listen(listen.host, listen.port);
    printOut(`bandster dashboard: listening on ${url}\n  page: ${url}${server.pagePath}\n`);
    await serveUntilStopped(() => server.close());
  });
}
