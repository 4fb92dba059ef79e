import * as fs from 'node:fs';
import * as path from 'node:path';

/** `configId@budget` of every complete line of a run's results.json, in order (duplicates kept). */
export function loggedResults(logDir: string): string[] {
  const file = path.join(logDir, 'results.json');
  if (!fs.existsSync(file)) return [];
  const pairs: string[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    try {
      const [id, budget] = JSON.parse(line) as [number[], number];
      pairs.push(`${id.join('-')}@${budget}`);
    } catch {
      // a line cut by a kill: not finished
    }
  }
  return pairs;
}
