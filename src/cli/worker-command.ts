import { Command } from 'commander';
import type { WorkerOptions } from '../distributed/distributed-worker.js';
import { addFlags, type FlagTable, inFlagTerms, integer, readFlags, text } from './flags.js';
import { printErr } from './terminal-text.js';

/** The worker's flags, keyed by the {@link WorkerOptions} field each sets. */
const WORKER_FLAGS = {
  redis: {
    flag: '--redis <url>',
    description: 'Redis URL: redis://[user:password@]host:port[/db], rediss://… for TLS',
    parse: text,
    required: true,
  },
  objective: {
    flag: '--objective <module>',
    description: 'ES module (JavaScript or TypeScript) exporting compute(config, budget, ctx); loaded once',
    parse: text,
    required: true,
  },
  queue: { flag: '--queue <name>', description: "queue to take jobs from (the master's --queue)", parse: text, defaultText: 'bandster' },
  concurrency: { flag: '--concurrency <n>', description: 'jobs run at once in this process', parse: integer, defaultText: '1' },
  workdir: { flag: '--workdir <dir>', description: 'directory under which each configuration gets ctx.workdir', parse: text },
  lockDurationMs: {
    flag: '--lock-duration <ms>',
    description: 'a job of a worker that died runs again elsewhere after this long',
    parse: integer,
    defaultText: '30000',
  },
  stalledIntervalMs: {
    flag: '--stalled-interval <ms>',
    description: 'how often to look for jobs of workers that died',
    parse: integer,
    defaultText: '30000',
  },
} as const satisfies FlagTable<WorkerOptions>;

export function workerCommand(): Command {
  const command = new Command('worker').description(
    'evaluate the jobs of distributed searches (bandster run --redis) taken from a Redis queue; run one or more per machine',
  );
  addFlags(command, WORKER_FLAGS);
  return command.option('--quiet', 'no line per job', false).action(async (values: Record<string, unknown>) => {
    const options = readFlags<WorkerOptions>(values, WORKER_FLAGS) as WorkerOptions & { redis: string; queue?: string };
    const { runWorker, WORKER_DEFAULTS } = await import('../distributed/distributed-worker.js');
    const { redactRedisUrl } = await import('../distributed/redis-connection.js');
    const worker = await runWorker(options).catch((error: unknown) => {
      throw inFlagTerms(error, WORKER_FLAGS);
    });
    const opts = {
      quiet: values.quiet === true,
      queue: options.queue ?? WORKER_DEFAULTS.queue,
      concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
      redis: options.redis,
    };
    const say = (line: string): void => {
      printErr(`bandster worker ${process.pid}: ${line}\n`);
    };
    const perJob = (line: string): void => {
      if (!opts.quiet) say(line);
    };
    worker.on('warning', ({ message }) => printErr(`bandster worker ${process.pid}: warning: ${message}\n`));
    worker.on('job:finished', ({ configId, budget, outcome }) =>
      perJob(
        `${configId.join('-')} @ ${budget}: ${outcome.status === 'ok' ? `loss ${outcome.loss}` : `failed (${outcome.error.kind}: ${outcome.error.message})`}`,
      ),
    );
    worker.on('job:stopped', ({ configId, budget, handedBack }) =>
      perJob(`${configId.join('-')} @ ${budget}: ${handedBack ? 'handed back to the queue' : 'cancelled by the master'}`),
    );
    say(`taking jobs from queue ${opts.queue} at ${redactRedisUrl(opts.redis)} (concurrency ${opts.concurrency}); Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      let signals = 0;
      const onSignal = (name: NodeJS.Signals): void => {
        signals++;
        if (signals === 1) {
          say(`${name}: finishing ${worker.runningJobs} running job(s), taking no more (press again to hand them back to the queue)`);
          void worker.close().then(resolve);
        } else if (signals === 2) {
          say(`${name}: handing ${worker.runningJobs} running job(s) back to the queue (press again to quit now)`);
          void worker.close({ handBack: true }).then(resolve);
        } else {
          process.exit(130);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    say('stopped');
  });
}
