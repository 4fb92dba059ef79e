import * as fs from 'node:fs';
import { InvalidOptionError } from '../core/errors.js';
import type { ConfigurationSpace } from '../space/configuration-space.js';
import { readConfigSpaceJson } from '../space/configspace-json.js';
import { SpaceError } from '../space/space-error.js';

/**
 * The configuration space in a ConfigSpace JSON file given by `flag`. Every error names the flag
 * and the file — `--space study.json: hyperparameters[0]: …` — rather than the reader's
 * `document:` (the whole text is the file here): a missing file, a folder, unreadable text, or a
 * document that is not a space (its SpaceError keeps its class and code).
 */
export function readSpaceFile(file: string, flag = '--space'): ConfigurationSpace {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : (error as Error).message;
    throw new InvalidOptionError(`${flag} ${file}: ${reason}`);
  }
  try {
    return readConfigSpaceJson(text);
  } catch (error) {
    if (error instanceof SpaceError) error.message = `${flag} ${file}: ${error.message.replace(/^document: /, '')}`;
    throw error;
  }
}
