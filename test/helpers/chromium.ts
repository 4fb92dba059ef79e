import * as fs from 'node:fs';

/** Debian's chromium (CI installs it); playwright never downloads a browser here. */
export const CHROMIUM = process.env.BANDSTER_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless, sandbox off (CI runs as root), and none of Chromium's own network traffic: this
 * machine's network is closed and refused connections would pile up at every start.
 */
export const CHROMIUM_ARGS: string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `false` when chromium is installed, else why a browser test skips and how to install it. */
export function chromiumSkip(purpose: string): string | false {
  return fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: apt-get install chromium (CI's .ci/run does) to ${purpose}`;
}
