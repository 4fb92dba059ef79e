import { InvalidArgumentError } from 'commander';

/** A commander parser for a finite number, whose error names the flag and the value. */
export function number(flag: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed))
      throw new InvalidArgumentError(`${flag} must be a number (got ${JSON.stringify(value)})`);
    return parsed;
  };
}

/** A commander parser for an integer, whose error names the flag and the value. */
export function integer(flag: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed))
      throw new InvalidArgumentError(`${flag} must be an integer (got ${JSON.stringify(value)})`);
    return parsed;
  };
}

/** An AbortSignal that fires on the first Ctrl-C / SIGTERM; a second one exits at once. */
export function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${name}: stopping after the running jobs (press again to quit now)\n`);
    controller.abort(new Error(name));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  controller.signal.addEventListener('abort', () => {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return controller.signal;
}
