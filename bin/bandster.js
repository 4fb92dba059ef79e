#!/usr/bin/env node
// Runs the built JavaScript (dist/, written by `npm run build`, which `npm ci`/`npm install` run through
// the package's prepare script). Objectives written in TypeScript still load: they go through tsx's
// tsImport when a command imports one.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('error: bandster is not built (dist/ is missing): run `npm run build` in the bandster checkout\n');
  process.exit(2);
}
await import(main.href);
