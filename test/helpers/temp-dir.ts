import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A fresh folder under the system's temporary folder, removed with everything in it when the test (or suite)
 * `t` ends. `prefix` names the folder so one left behind by a killed run says which test made it.
 */
export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'bandster-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
