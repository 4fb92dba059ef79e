import { Command } from 'commander';
import { integer } from './cli-values.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description('evaluate the jobs of distributed searches (bandster run --redis) taken from a Redis queue; run one or more per machine')
    .requiredOption('--redis <url>', 'Redis URL: redis://[user:password@]host:port[/db], rediss://… for TLS')
    .requiredOption('--objective <module>', 'ES module (JavaScript or TypeScript) exporting compute(config, budget, ctx); loaded once')
    .option('--queue <name>', "queue to take jobs from (the master's --queue)", 'bandster')
    .option('--concurrency <n>', 'jobs run at once in this process', integer('--concurrency'), 1)
    .option('--workdir <dir>', 'directory under which each configuration gets ctx.workdir')
    .option('--lock-duration <ms>', 'a job of a worker that died runs again elsewhere after this long', integer('--lock-duration'), 30_000)
    .option('--stalled-interval <ms>', 'how often to look for jobs of workers that died', integer('--stalled-interval'), 30_000)
    .option('--quiet', 'no line per job', false)
    .action(async (opts) => {
      const { runWorker } = await import('../distributed/distributed-worker.js');
      const { redactRedisUrl } = await import('../distributed/redis-connection.js');
      const worker = await runWorker({
        redis: opts.redis,
        objective: opts.objective,
        queue: opts.queue,
        concurrency: opts.concurrency,
        workdir: opts.workdir,
        lockDurationMs: opts.lockDuration,
        stalledIntervalMs: opts.stalledInterval,
      });
      const say = (line: string): void => {
        process.stderr.write(`bandster worker ${process.pid}: ${line}\n`);
      };
      const perJob = (line: string): void => {
        if (!opts.quiet) say(line);
      };
      worker.on('warning', ({ message }) => process.stderr.write(`bandster worker ${process.pid}: warning: ${message}\n`));
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
