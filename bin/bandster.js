#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so objectives written in TypeScript load too.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
