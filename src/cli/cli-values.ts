import { signalExitCode } from './exit-codes.js';
import { integer as parseInteger, number as parseNumber } from './flags.js';
import { printErr } from './terminal-text.js';

/** A commander parser for a finite number, whose error names the flag and the value (see flags.ts). */
export function number(flag: string): (value: string) => number {
  return (value) => parseNumber(value, flag);
}

/** A commander parser for an integer, whose error names the flag and the value (see flags.ts). */
export function integer(flag: string): (value: string) => number {
  return (value) => parseInteger(value, flag);
}

/**
 * An AbortSignal that fires on the first Ctrl-C / SIGTERM (its reason: an Error named after the
 * signal); a second one exits at once, with 130 (SIGINT) or 143 (SIGTERM).
 */
export function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(signalExitCode(name));
    printErr(`\n${name}: stopping after the running jobs (press again to quit now)\n`);
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
