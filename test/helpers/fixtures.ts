import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from '../../src/core/types.js';

/**
 * Read-only fixtures written by Python ConfigSpace 0.4.21 / 1.2.0 and hpbandster 0.7.4, kept in
 * test/fixtures (see its README); `BANDSTER_FIXTURES` points the tests at another copy.
 */
export const FIXTURES = process.env.BANDSTER_FIXTURES ?? fileURLToPath(new URL('../fixtures', import.meta.url));

/** The absolute path of a fixture file or folder. */
export function fixturePath(relativePath: string): string {
  return path.join(FIXTURES, relativePath);
}

/** hpbandster 0.7.4's own BOHB run on counting ones 4+4. */
export const HPBANDSTER_RUN = fixturePath('hpbandster/counting_ones_4_4');

export function fixtureText(relativePath: string): string {
  return readFileSync(`${FIXTURES}/${relativePath}`, 'utf8');
}

export interface SampleFixture {
  readonly hyperparameter_order: readonly string[];
  readonly samples: readonly { readonly config: Configuration; readonly vector: readonly (number | null)[] }[];
}

export function samplesFixture(version: 'v0.4' | 'v1.2'): SampleFixture {
  return JSON.parse(fixtureText(`configspace/${version}/mixed_conditional_samples.json`)) as SampleFixture;
}

/** Every ConfigSpace JSON fixture with the schema it was written in. */
export const SPACE_FIXTURES: readonly { readonly path: string; readonly schema: '0.4' | '1.x' }[] = [
  { path: 'configspace/v0.4/mixed_conditional.json', schema: '0.4' },
  { path: 'configspace/v0.4/counting_ones_8_8.json', schema: '0.4' },
  { path: 'configspace/v0.4/study.json', schema: '0.4' },
  { path: 'configspace/v1.2/mixed_conditional.json', schema: '1.x' },
  { path: 'configspace/v1.2/counting_ones_8_8.json', schema: '1.x' },
  { path: 'configspace/v1.2/study.json', schema: '1.x' },
  { path: 'hpbandster/counting_ones_4_4/configspace.json', schema: '0.4' },
];
